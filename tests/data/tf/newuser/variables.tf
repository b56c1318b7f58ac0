variable "region" {
  type    = string
  default = "eu-west-1"
}
variable "account_id" {
  type = string
}
variable "env" {
  type    = string
  default = "dev"
}
variable "subnet_ids" {
  type    = list(string)
  default = []
}
