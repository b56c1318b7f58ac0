resource "aws_bedrock_model_invocation_job" "ok" {
  job_name = "ok"
  model_id = "amazon.nova-lite-v1:0"
  role_arn = "arn:aws:iam::111122223333:role/batch"
}
