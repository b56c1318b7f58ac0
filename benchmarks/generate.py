"""Generate N realistic job records as JSONL (table shape, ~1.2 KB each) for benchmarks.

Mostly compliant; a share of each kind of violation the default rules catch (no VPC, cross-account
role, timeout out of bounds or unset, missing/empty tags, unknown tags column); about 1% schema-invalid
(bad status, timeout above 168, malformed timestamp). Deterministic for a given seed.

    python benchmarks/generate.py 100000 /tmp/jobs-100k.jsonl
    python benchmarks/generate.py 100000 /tmp/dirty-100k.jsonl --dirty 0.10

``--dirty SHARE``: a further SHARE of the records (0.10: about 10%) is made schema-invalid in one of
several ways a real export goes wrong (wrong types, bad enums, bad or non-string timestamps, missing or
malformed fields, several at once), for issue 16's "dirty export" measurements.
"""

from __future__ import annotations

import argparse
import json
import random
import string
from datetime import UTC, datetime, timedelta

STATUSES = ["Completed"] * 6 + ["InProgress", "Failed", "Scheduled", "Submitted", "Stopped", "PartiallyCompleted"]
MODELS = ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0", "meta.llama3-1-70b-instruct-v1:0",
          "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
TEAMS = ["ml-platform", "risk-ml", "support-ops", "marketing-analytics", "legal-ai", "search"]


def _id(rng: random.Random, n: int = 12) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=n))


def record(rng: random.Random, index: int) -> dict:
    """One table-shape row; ``index`` makes the job ARN unique."""
    account = rng.choice(["123456789012", "210987654321", "345678901234"])
    region = rng.choice(REGIONS)
    submit = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 525_600))
    timeout = rng.choice([24, 48, 72, 72, 72])
    status = rng.choice(STATUSES)
    end = submit + timedelta(hours=rng.uniform(0.5, 20)) if status in ("Completed", "Failed", "Stopped") else None
    team = rng.choice(TEAMS)
    job_id = f"{index:06x}{_id(rng, 6)}"[-12:]
    iso = lambda t: t.isoformat(timespec="milliseconds").replace("+00:00", "Z")  # noqa: E731
    row = {
        "_key": _id(rng, 32),
        "account_id": account,
        "client_request_token": f"{_id(rng, 8)}-{_id(rng, 4)}-{_id(rng, 4)}-{_id(rng, 4)}-{_id(rng, 12)}",
        "end_time": iso(end) if end else None,
        "input_data_config": {"s3_input_data_config": {
            "s3_bucket_owner": account, "s3_input_format": "JSONL",
            "s3_uri": f"s3://{team}-batch-input-{region}/{submit:%Y-%m-%d}/{_id(rng, 6)}/"}},
        "job_arn": f"arn:aws:bedrock:{region}:{account}:model-invocation-job/{job_id}",
        "job_expiration_time": iso(submit + timedelta(hours=timeout)),
        "job_name": f"{team}-batch-{submit:%Y%m%d}-{index}",
        "last_modified_time": iso(end or submit + timedelta(minutes=3)),
        "message": "Job failed: the service role does not have s3:GetObject permission on the input prefix."
        if status == "Failed" else None,
        "model_id": rng.choice(MODELS),
        "output_data_config": {"s3_output_data_config": {
            "s3_bucket_owner": account,
            "s3_encryption_key_id": f"arn:aws:kms:{region}:{account}:key/{_id(rng, 8)}-{_id(rng, 4)}-{_id(rng, 4)}-"
                                    f"{_id(rng, 4)}-{_id(rng, 12)}",
            "s3_uri": f"s3://{team}-batch-output-{region}/{submit:%Y-%m-%d}/"}},
        "role_arn": f"arn:aws:iam::{account}:role/service-role/BedrockBatchInferenceRole-{team}",
        "status": status,
        "submit_time": iso(submit),
        "tags": {"owner": team, "cost-center": f"cc-{rng.randrange(1000, 9999)}", "env": rng.choice(["prod", "dev"]),
                 "region": region, "data-classification": rng.choice(["internal", "confidential"])},
        "timeout_duration_in_hours": timeout,
        "vpc_config": {"security_group_ids": [f"sg-{_id(rng, 17)}"],
                       "subnet_ids": [f"subnet-{_id(rng, 17)}", f"subnet-{_id(rng, 17)}"]},
    }
    roll = rng.random()
    if roll < 0.04:
        row["vpc_config"] = None
    elif roll < 0.07:
        row["role_arn"] = f"arn:aws:iam::999999999999:role/partner-{team}"
    elif roll < 0.10:
        row["timeout_duration_in_hours"] = 168
    elif roll < 0.12:
        row["timeout_duration_in_hours"] = None
    elif roll < 0.15:
        del row["tags"]["owner"]
    elif roll < 0.16:
        row["tags"]["cost-center"] = ""
    elif roll < 0.17:
        row["tags"] = None
    elif roll < 0.175:
        del row["tags"]  # column absent: tag rules ERROR
    elif roll < 0.179:
        row["status"] = "Running"  # schema-invalid
    elif roll < 0.182:
        row["timeout_duration_in_hours"] = 500  # schema-invalid
    elif roll < 0.185:
        row["submit_time"] = "last tuesday"  # schema-invalid
    return row


def _dirty(rng: random.Random, row: dict) -> None:
    """Make ``row`` schema-invalid in one or two of the ways a real export goes wrong (in place)."""
    for _ in range(1 if rng.random() < 0.8 else 2):
        kind = rng.randrange(12)
        if kind == 0:
            row["status"] = rng.choice(["Running", "completed", "DONE", ""])  # bad enum
        elif kind == 1:
            row["timeout_duration_in_hours"] = rng.choice(["72", 72.5, 0, 500, True])  # wrong type / range
        elif kind == 2:
            row["submit_time"] = rng.choice(["last tuesday", "2025-13-01T00:00:00Z", "2025-06-01 10:00:00", ""])
        elif kind == 3:
            row["end_time"] = rng.choice([1718000000000, "yesterday", "2025-06-31T00:00:00Z"])  # epoch/bad date
        elif kind == 4:
            row["tags"] = rng.choice([["owner", "team"], "owner=team", {"owner": 5}])  # wrong type
        elif kind == 5:
            row["vpc_config"] = rng.choice([{"subnet_ids": "subnet-1"}, {"security_group_ids": []}, "vpc-1"])
        elif kind == 6:
            row["input_data_config"] = rng.choice([{}, {"s3_input_data_config": {"s3_uri": "http://x/y"}},
                                                   {"s3_input_data_config": {"s3_uri": "s3://B/k",
                                                                             "s3_input_format": "CSV"}}])
        elif kind == 7:
            row["account_id"] = rng.choice(["12345", 123456789012, "acct"])
        elif kind == 8:
            row["role_arn"] = rng.choice(["BedrockRole", "arn:aws:iam::1:role/x", 7])
        elif kind == 9:
            row["job_name"] = rng.choice(["-bad name-", "x" * 70, 12])
        elif kind == 10:
            row["model_id"] = rng.choice(["", "claude 3", ["m"]])
        else:
            row["client_request_token"] = rng.choice(["-tok", "a b", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=20251129)
    parser.add_argument("--dirty", type=float, default=0.0, metavar="SHARE",
                        help="make a further SHARE of the records schema-invalid (e.g. 0.10)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    dirt = random.Random(args.seed + 1)  # a second stream: --dirty 0 gives the same file as before
    with open(args.output, "w", encoding="utf-8") as handle:
        for index in range(args.count):
            row = record(rng, index)
            if args.dirty and dirt.random() < args.dirty:
                _dirty(dirt, row)
            handle.write(json.dumps(row, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
