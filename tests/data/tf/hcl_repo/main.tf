locals {
  prefix = "${var.env}-batch"
  name   = "${local.prefix}-summaries"
  jobs = {
    nightly = { model = "anthropic.claude-3-haiku-20240307-v1:0", encrypt = true }
    weekly  = { model = "amazon.nova-lite-v1:0", encrypt = false }
  }
}

resource "aws_iam_role" "batch" {
  name = "${local.prefix}-role"
  path = "/service/"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
  })
}

resource "aws_kms_key" "batch" {
  description         = "batch inference output"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "io" {
  bucket = "${local.prefix}-io-${var.account_id}"
}

resource "aws_security_group" "batch" {
  name   = "${local.prefix}-sg"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_bedrock_model_invocation_job" "main" {
  job_name                  = local.name
  model_id                  = "anthropic.claude-3-5-sonnet-20240620-v1:0"
  role_arn                  = aws_iam_role.batch.arn
  timeout_duration_in_hours = var.job_timeout

  input_data_config {
    s3_input_data_config {
      s3_uri = "s3://${aws_s3_bucket.io.bucket}/input/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri               = "s3://${aws_s3_bucket.io.bucket}/output/"
      s3_encryption_key_id = aws_kms_key.batch.arn
    }
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.batch.id]
  }
}

module "batch" {
  source   = "./modules/batch"
  for_each = local.jobs

  name        = "${local.prefix}-${each.key}"
  model_id    = each.value.model
  role_arn    = aws_iam_role.batch.arn
  kms_key_arn = each.value.encrypt ? aws_kms_key.batch.arn : null
  bucket      = aws_s3_bucket.io.bucket
}
