account_id  = "111122223333"
env         = "staging"
job_timeout = "48"
