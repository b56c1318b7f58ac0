"""Time each built-in rule's check function per job (no I/O, no reporting): prints microseconds per
(rule, job) evaluation, then the cost of all the rules together on one job.

    .venv/bin/python benchmarks/bench_rules.py [ROUNDS]
    .venv/bin/python benchmarks/generate.py 20000 /tmp/r20k.jsonl
    .venv/bin/python benchmarks/bench_rules.py --input /tmp/r20k.jsonl --default-rules

Without ``--input`` the jobs are the seven of ``examples/jobs.jsonl``, evaluated ROUNDS times (default
20,000). With ``--input FILE.jsonl`` they are the records of that file (e.g. from ``generate.py``),
normalised and validated as a scan does (schema-invalid records are left out, as the scan gives them to
no rule), best of ROUNDS passes (default 3). The rules are configured by ``--policy`` (default: the
example policy ``examples/bedrock-audit.toml``, every rule on), or with ``--default-rules`` as a scan
without a policy file runs them (the rules on by default, with their default options).

Every pass gets fresh :class:`~checker.model.Job` objects, so what a job caches (its parsed ARN and
timestamps) is paid for as in a scan: "per rule" charges each rule for what it parses itself; "all
rules, in order" is the rules one after another on each job, as the engine calls them (parsing shared),
without the engine's result objects. The garbage collector is off while timing.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checker.api import ScanRequest, build_setup
from checker.engine import ConfiguredRule
from checker.model import Job, Provenance, UnknownData
from checker.plugins import load_plugins
from checker.policy import policy_from_mapping
from checker.timeutil import parse_rfc3339

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_NOW = datetime(2025, 6, 10, tzinfo=UTC)

Record = tuple[dict[str, Any], dict[str, str]]
"""A normalised row and its unknown columns."""


def example_records() -> list[Record]:
    """The example jobs, as table-shape rows with nothing unknown."""
    return [(json.loads(line), {}) for line in (ROOT / "examples" / "jobs.jsonl").read_text().splitlines()]


def file_records(path: Path) -> tuple[list[Record], int]:
    """The schema-valid records of a JSON Lines file, normalised as the scan normalises them, and the
    number of records left out as schema-invalid."""
    import orjson

    from checker.normalize import Normalizer
    from checker.schema import table_columns, table_validator

    normalizer = Normalizer(*table_columns())
    validator = table_validator()
    records: list[Record] = []
    invalid = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            row, unknown = normalizer.normalize(orjson.loads(line))
            if validator.errors(row):
                invalid += 1
            else:
                records.append((row, unknown))
    return records, invalid


def fresh_jobs(records: Sequence[Record], now: datetime) -> list[Job]:
    """New jobs (empty caches) for ``records``."""
    provenance = Provenance("bench")
    return [Job(row, provenance, unknown, now) for row, unknown in records]


def time_pass(records: Sequence[Record], now: datetime, rounds: int,
              work: Callable[[list[Job]], None]) -> float:
    """Seconds of the fastest of ``rounds`` calls of ``work`` on fresh jobs (building them not timed)."""
    best = float("inf")
    for _ in range(rounds):
        jobs = fresh_jobs(records, now)
        gc.disable()
        try:
            start = time.perf_counter()
            work(jobs)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def one_rule(configured: ConfiguredRule) -> Callable[[list[Job]], None]:
    """A pass of one rule over the jobs (jobs outside the rule's statuses skipped, as the engine does)."""
    check, params, statuses = configured.rule.check, configured.params, configured.applies_to

    def work(jobs: list[Job]) -> None:
        for job in jobs:
            if statuses is not None and job.row.get("status") not in statuses:
                continue
            try:
                check(job, params)
            except UnknownData:  # the engine's ERROR: part of the rule's cost, like a verdict
                continue
    return work


def all_rules(configured: Sequence[ConfiguredRule]) -> Callable[[list[Job]], None]:
    """A pass of every rule on each job in turn."""
    plan: list[tuple[Any, Mapping[str, Any], frozenset[str] | None]] = [
        (c.rule.check, c.params, c.applies_to) for c in configured]

    def work(jobs: list[Job]) -> None:
        for job in jobs:
            for check, params, statuses in plan:
                if statuses is not None and job.row.get("status") not in statuses:
                    continue
                try:
                    check(job, params)
                except UnknownData:
                    continue
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rounds", nargs="?", type=int,
                        help="passes over the jobs (default: 20000 for the examples, 3 with --input)")
    parser.add_argument("--input", type=Path, help="a JSON Lines file of job records (e.g. from generate.py)")
    parser.add_argument("--policy", type=Path, default=ROOT / "examples" / "bedrock-audit.toml",
                        help="policy file configuring the rules (default: the example policy)")
    parser.add_argument("--default-rules", action="store_true",
                        help="no policy file: the rules on by default, with their default options")
    parser.add_argument("--now", type=_clock, metavar="RFC3339",
                        help="the scan clock, RFC 3339 (default: 2025-06-10 for the examples, the current "
                             "time with --input, as a scan)")
    args = parser.parse_args()
    if args.input is not None and not args.input.is_file():
        parser.error(f"--input {args.input}: no such file (make one with benchmarks/generate.py)")

    registry = load_plugins(autoload=False)
    request = ScanRequest(policy=policy_from_mapping({})) if args.default_rules else ScanRequest(config=args.policy)
    configured = build_setup(request, registry).configured  # the rules as a scan configures them
    if args.input is None:
        records, invalid = example_records(), 0
        rounds = args.rounds or 20000
        now = args.now or EXAMPLE_NOW
        records_per_pass = list(records) * rounds  # one long pass: the same jobs ROUNDS times
        rounds, records = 1, records_per_pass
    else:
        records, invalid = file_records(args.input)
        rounds = args.rounds or 3
        now = args.now or datetime.now(UTC)
    count = len(records)
    print(f"{count:,} jobs ({invalid:,} schema-invalid left out), best of {rounds} pass(es), "
          f"clock {now.isoformat()}")
    total = 0.0
    for rule in configured:
        per_job = time_pass(records, now, rounds, one_rule(rule)) / count * 1e6
        total += per_job
        print(f"{rule.rule.id} {rule.rule.name:<24} {per_job:6.2f} us/job")
    print(f"sum of the {len(configured)} rules{'':<11} {total:6.2f} us/job")
    together = time_pass(records, now, rounds, all_rules(configured)) / count * 1e6
    print(f"all rules, in order{'':<14} {together:6.2f} us/job")
    idle = [replace(c, rule=replace(c.rule, check=_no_check)) for c in configured]
    overhead = time_pass(records, now, rounds, all_rules(idle)) / count * 1e6
    print(f"  of which calling {len(idle)} empty checks {overhead:6.2f} us/job (this loop's own cost)")


def _clock(text: str) -> datetime:
    try:
        return parse_rfc3339(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 time with a zone: {text!r}") from None


def _no_check(job: Job, params: Mapping[str, Any]) -> Any:
    return None


if __name__ == "__main__":
    main()
