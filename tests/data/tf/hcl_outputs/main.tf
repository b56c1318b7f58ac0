provider "aws" {
  region = "us-east-1"
}
provider "aws" {
  alias = "west"
  region = "us-west-2"
  allowed_account_ids = ["222233334444"]
}
module "m" {
  source = "./m"
  providers = { aws = aws.west }
}
resource "aws_bedrock_model_invocation_job" "j" {
  job_name = module.m.name
  role_arn = module.m.role
  model_id = "x"
}
