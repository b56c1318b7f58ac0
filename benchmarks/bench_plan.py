"""Time to scan a Terraform plan of N resources (issue 12's closing note). Prints numbers; asserts nothing.

    python benchmarks/bench_plan.py --resources 5000 --jobs 500 --repeat 3

Writes a plan in Terraform's documented JSON output format (developer.hashicorp.com/terraform/internals/
json-format; one line, as ``terraform show -json`` prints it) with ``--jobs`` aws_bedrock_model_invocation_job
resources (role ARNs and KMS keys to resolve through the configuration, half of them in a module) among
``--resources`` resources, then times ``bedrock-audit scan plan.json -f json`` (the installed console
script, third-party plugins off) and prints wall time, CPU time and peak RSS (medians; RSS the largest).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

J = "aws_bedrock_model_invocation_job"
ACCOUNT = "111122223333"


def _job_change(index: int, module: bool) -> dict[str, Any]:
    address = f'module.batch.{J}.this["j{index}"]' if module else f"{J}.j{index}"
    change = {"address": address, "mode": "managed", "type": J, "name": "this" if module else f"j{index}",
              "provider_name": "registry.terraform.io/hashicorp/aws",
              "change": {"actions": ["create"], "before": None, "after": {
                  "job_name": f"job-{index}", "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
                  "timeout_duration_in_hours": 48,
                  "input_data_config": [{"s3_input_data_config": [{"s3_uri": f"s3://acme-in/j{index}/"}]}],
                  "output_data_config": [{"s3_output_data_config": [{"s3_uri": f"s3://acme-out/j{index}/"}]}],
                  "vpc_config": [{"subnet_ids": ["subnet-0a1b2c3d"], "security_group_ids": ["sg-0a1b2c3d"]}]},
                  "after_unknown": {"job_arn": True, "status": True, "role_arn": True,
                                    "output_data_config": [{"s3_output_data_config": [
                                        {"s3_encryption_key_id": True, "s3_bucket_owner": True}]}]}}}
    if module:
        change["module_address"] = "module.batch"
        change["index"] = f"j{index}"
    return change


def _padding(index: int) -> dict[str, Any]:
    return {"address": f"aws_s3_object.o{index}", "mode": "managed", "type": "aws_s3_object", "name": f"o{index}",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None,
                       "after": {"bucket": "acme-assets", "key": f"assets/{index:08d}.json", "content_type":
                                 "application/json", "tags": {"team": "ml", "index": str(index)}},
                       "after_unknown": {"etag": True, "id": True, "version_id": True}}}


def write_plan(path: Path, jobs: int, padding_resources: int) -> None:
    """Write a one-line plan with ``jobs`` batch jobs and ``padding_resources`` other resources."""
    expressions = {"role_arn": {"references": ["aws_iam_role.batch.arn", "aws_iam_role.batch"]},
                   "output_data_config": [{"s3_output_data_config": [{"s3_uri": {"constant_value": "s3://x/"},
                       "s3_encryption_key_id": {"references": ["aws_kms_key.batch.arn", "aws_kms_key.batch"]}}]}]}
    module_expressions = {"role_arn": {"references": ["var.role_arn"]},
                          "output_data_config": [{"s3_output_data_config": [{"s3_uri": {"references": ["var.b"]},
                              "s3_encryption_key_id": {"references": ["var.kms"]}}]}]}
    root = [{"address": f"{J}.j{i}", "mode": "managed", "type": J, "name": f"j{i}", "provider_config_key": "aws",
             "expressions": expressions} for i in range(0, jobs, 2)]
    plan = {
        "format_version": "1.2", "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_iam_role.batch", "mode": "managed", "type": "aws_iam_role", "name": "batch",
             "values": {"name": "bedrock-batch", "path": "/"}},
            {"address": "aws_kms_key.batch", "mode": "managed", "type": "aws_kms_key", "name": "batch",
             "values": {}}]}},
        "resource_changes": [_job_change(i, i % 2 == 1) for i in range(jobs)]
                            + [_padding(i) for i in range(padding_resources)],
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {
                "region": {"constant_value": "eu-west-1"}, "allowed_account_ids": {"constant_value": [ACCOUNT]}}}},
            "root_module": {"resources": root, "module_calls": {"batch": {
                "source": "./modules/batch",
                "expressions": {"role_arn": {"references": ["aws_iam_role.batch.arn", "aws_iam_role.batch"]},
                                "kms": {"references": ["aws_kms_key.batch.arn", "aws_kms_key.batch"]}},
                "module": {"resources": [{"address": f"{J}.this", "mode": "managed", "type": J, "name": "this",
                                          "provider_config_key": "aws", "expressions": module_expressions}]}}}}},
    }
    path.write_text(json.dumps(plan, separators=(",", ":")) + "\n", encoding="utf-8")


def _run(plan: Path) -> tuple[float, float, int, int]:
    script = Path(sys.executable).with_name("bedrock-audit")
    env = {**os.environ, "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(script), "scan", str(plan), "-f", "json"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=5000, help="resources in the plan (jobs included)")
    parser.add_argument("--jobs", type=int, default=500, help="batch jobs among them")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.json"
        write_plan(plan, args.jobs, args.resources - args.jobs)
        size = plan.stat().st_size
        runs = [_run(plan) for _ in range(args.repeat)]
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(f"plan: {args.resources} resources ({args.jobs} batch jobs), {size / 1e6:.1f} MB, one line")
    print(f"bedrock-audit scan plan.json -f json: wall {statistics.median(walls):.2f} s (median of {args.repeat}), "
          f"CPU {statistics.median(cpus):.2f} s, peak RSS {max(r[2] for r in runs) / 1024:.0f} MB, "
          f"exit {runs[-1][3]}")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
