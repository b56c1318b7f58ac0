terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 6.64.0" }
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]
}
