account_id = "444455556666"
env        = "prod"
subnet_ids = ["subnet-0aaa1111", "subnet-0bbb2222"]
