"""Time each built-in rule's check function per job (no I/O, no reporting): prints microseconds per
(rule, job) evaluation over the example jobs, with every rule configured by the example policy.

    .venv/bin/python benchmarks/bench_rules.py [ROUNDS]
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from checker.model import Job, Provenance
from checker.plugins import load_plugins
from checker.policy import configure_rules, load_policy

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    registry = load_plugins(autoload=False)
    configured = configure_rules(load_policy(ROOT / "examples" / "bedrock-audit.toml"), registry.rules)
    rows = [json.loads(line) for line in (ROOT / "examples" / "jobs.jsonl").read_text().splitlines()]
    now = datetime(2025, 6, 10, tzinfo=UTC)
    jobs = [Job(row, Provenance("bench"), {}, now) for row in rows]
    total = 0.0
    for rule in configured:
        start = time.perf_counter()
        for _ in range(rounds):
            for job in jobs:
                rule.rule.check(job, rule.params)
        per_job = (time.perf_counter() - start) / (rounds * len(jobs)) * 1e6
        total += per_job
        print(f"{rule.rule.id} {rule.rule.name:<24} {per_job:6.2f} us/job")
    print(f"all {len(configured)} rules{'':<17} {total:6.2f} us/job")


if __name__ == "__main__":
    main()
