variable "name" { type = string }
variable "role_arn" { type = string }
variable "kms_key_id" {
  type    = string
  default = null
}
variable "subnet_ids" {
  type    = list(string)
  default = []
}
variable "sg_ids" {
  type    = list(string)
  default = []
}
variable "timeout" {
  type    = number
  default = 48
}

resource "aws_bedrock_model_invocation_job" "this" {
  job_name                  = var.name
  model_id                  = "anthropic.claude-3-haiku-20240307-v1:0"
  role_arn                  = var.role_arn
  timeout_duration_in_hours = var.timeout

  input_data_config {
    s3_input_data_config {
      s3_uri = "s3://acme-${var.name}/input/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri               = "s3://acme-${var.name}/output/"
      s3_encryption_key_id = var.kms_key_id
    }
  }

  dynamic "vpc_config" {
    for_each = length(var.subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.sg_ids
    }
  }
}
