"""Benchmark: a live scan of 2 accounts x 3 regions x 500 jobs, concurrent against sequential.

Starts the loopback Bedrock/STS stand-in of the test suite (``tests/aws_standin.py``) with 20 ms of
latency added to every response, then runs the installed ``bedrock-audit`` console script twice in one
invocation -- once with the default ``--concurrency`` and once with ``--concurrency 1`` (one call at a
time) -- through ``--role-arn`` fan-out, and prints both wall times, the speed-up, the number of API
calls, and whether the two JSON reports hold the same results (they must).

    python benchmarks/live_scan.py [--jobs 500] [--latency 0.02] [--concurrency N]

Not a test: it prints numbers; nothing asserts a speed. Exit status 1 if the results differ.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from aws_standin import BedrockStandIn  # noqa: E402 - the stand-in lives with the tests

ACCOUNTS = ("222222222222", "333333333333")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
ROLE = "arn:aws:iam::{account_id}:role/BedrockAudit"


def console_script() -> str:
    candidate = Path(sys.executable).parent / "bedrock-audit"
    found = str(candidate) if candidate.exists() else shutil.which("bedrock-audit")
    if not found:
        sys.exit("bedrock-audit is not installed next to this Python: pip install -e .")
    return found


def scan(standin: BedrockStandIn, concurrency: int | None,
         workdir: str) -> tuple[float, dict[str, Any], int]:
    """Run one scan; return (wall seconds, JSON report, requests the stand-in served)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BEDROCK_AUDIT_"))}
    env.update(standin.env())
    args = [console_script(), "scan", "--aws", "--region", ",".join(REGIONS), "--role-arn", ROLE,
            "--account", ",".join(ACCOUNTS), "-f", "json", "--now", "2025-07-01"]
    if concurrency is not None:
        args += ["--concurrency", str(concurrency)]
    before = len(standin.requests)
    started = time.perf_counter()
    completed = subprocess.run(args, capture_output=True, env=env, cwd=workdir, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"scan failed (exit {completed.returncode}): {completed.stderr.decode()[-2000:]}")
    return elapsed, json.loads(completed.stdout), len(standin.requests) - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=500, help="jobs per account and region (500)")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to every response (0.02)")
    parser.add_argument("--concurrency", type=int, default=None, help="for the concurrent run (default: "
                                                                       "bedrock-audit's default)")
    options = parser.parse_args()
    with BedrockStandIn(latency=options.latency) as standin, tempfile.TemporaryDirectory() as workdir:
        for account in ACCOUNTS:
            standin.add_role(ROLE.replace("{account_id}", account))
            for region in REGIONS:
                standin.add_jobs(account, region, options.jobs)
        total = len(ACCOUNTS) * len(REGIONS) * options.jobs
        print(f"stand-in: {len(ACCOUNTS)} accounts x {len(REGIONS)} regions x {options.jobs} jobs = {total} "
              f"jobs, {options.latency * 1000:.0f} ms added latency per response; "
              f"CPU cores: {os.cpu_count()}")
        concurrent_s, concurrent, concurrent_calls = scan(standin, options.concurrency, workdir)
        sequential_s, sequential, sequential_calls = scan(standin, 1, workdir)
    same = concurrent["results"] == sequential["results"] and concurrent["errors"] == sequential["errors"]
    label = f"--concurrency {options.concurrency}" if options.concurrency else "default concurrency"
    print(f"concurrent ({label}): {concurrent_s:7.2f} s  {concurrent_calls} API calls")
    print(f"sequential (--concurrency 1): {sequential_s:7.2f} s  {sequential_calls} API calls")
    print(f"speed-up: {sequential_s / concurrent_s:.1f}x")
    print(f"jobs evaluated: {concurrent['summary']['jobs']} / {sequential['summary']['jobs']}; "
          f"same results: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
