# A module calling itself through a second module: Terraform refuses this; bedrock-audit names the cycle.
module "loop" {
  source = "./loop"
}
