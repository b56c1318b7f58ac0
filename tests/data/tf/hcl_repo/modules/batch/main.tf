variable "name" {
  type = string
}

variable "model_id" {
  type = string
}

variable "role_arn" {
  type = string
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "bucket" {
  type = string
}

variable "shards" {
  type    = number
  default = 2
}

resource "aws_bedrock_model_invocation_job" "this" {
  count    = var.shards
  job_name = format("%s-%02d", var.name, count.index)
  model_id = var.model_id
  role_arn = var.role_arn

  input_data_config {
    s3_input_data_config {
      s3_uri = "s3://${var.bucket}/${var.name}/shard-${count.index}/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri               = "s3://${var.bucket}/${var.name}/out/"
      s3_encryption_key_id = var.kms_key_arn
    }
  }
}

output "job_names" {
  value = aws_bedrock_model_invocation_job.this[*].job_name
}
