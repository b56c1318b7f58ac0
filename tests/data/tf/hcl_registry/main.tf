# A registry module that was never downloaded (no .terraform/modules): named as not read.
module "jobs" {
  source  = "acme-corp/bedrock-batch/aws"
  version = "~> 1.2"
  name    = "nightly"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
