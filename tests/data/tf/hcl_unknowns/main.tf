variable "role_arn" {
  type = string
}

variable "use_vpc" {
  type    = bool
  default = true
}

variable "regions" {
  type = set(string)
}

locals {
  a    = local.b
  b    = local.a
  tags = templatefile("${path.module}/tags.tpl", {})
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias               = "eu"
  region              = "eu-central-1"
  allowed_account_ids = ["444455556666"]
}

data "aws_iam_role" "existing" {
  name = "batch-existing"
}

resource "aws_bedrock_model_invocation_job" "partial" {
  provider                  = aws.eu
  job_name                  = "partial-${local.a}"
  model_id                  = "amazon.nova-lite-v1:0"
  role_arn                  = var.role_arn
  timeout_duration_in_hours = 200

  input_data_config {
    s3_input_data_config {
      s3_uri = "s3://in/${local.tags}/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri               = "s3://out/"
      s3_encryption_key_id = data.aws_iam_role.existing.arn
    }
  }

  dynamic "vpc_config" {
    for_each = var.use_vpc ? [1] : []
    content {
      subnet_ids         = ["subnet-1"]
      security_group_ids = ["sg-1"]
    }
  }
}

resource "aws_bedrock_model_invocation_job" "per_region" {
  for_each = var.regions
  region   = each.value
  job_name = "job-${each.key}"
  model_id = "amazon.nova-lite-v1:0"
  role_arn = data.aws_iam_role.existing.arn
}
