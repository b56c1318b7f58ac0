resource "aws_iam_role" "r" {
  name = "inner-role"
}
resource "aws_bedrock_model_invocation_job" "k" {
  job_name = "k"
  role_arn = aws_iam_role.r.arn
  model_id = "x"
}
output "name" { value = "from-module" }
output "role" { value = aws_iam_role.r.arn }
