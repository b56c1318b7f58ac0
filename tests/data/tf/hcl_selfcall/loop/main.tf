module "again" {
  source = "../"
}

resource "aws_bedrock_model_invocation_job" "inner" {
  job_name = "inner"
  model_id = "amazon.nova-lite-v1:0"
  role_arn = "arn:aws:iam::111122223333:role/batch"
  input_data_config {
    s3_input_data_config {
      s3_uri = "s3://in/x/"
    }
  }
  output_data_config {
    s3_output_data_config {
      s3_uri = "s3://out/x/"
    }
  }
}
