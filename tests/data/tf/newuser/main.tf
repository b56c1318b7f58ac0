resource "aws_iam_role" "batch" {
  name               = "${var.env}-bedrock-batch"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_kms_key" "batch" {
  description         = "batch output"
  enable_key_rotation = true
}

module "summaries" {
  source     = "./modules/batch"
  name       = "${var.env}-summaries"
  role_arn   = aws_iam_role.batch.arn
  kms_key_id = aws_kms_key.batch.arn
  subnet_ids = var.subnet_ids
  sg_ids     = ["sg-0ccc3333"]
}

module "adhoc" {
  source     = "./modules/batch"
  name       = "${var.env}-adhoc"
  role_arn   = aws_iam_role.batch.arn
  timeout    = 200
}
