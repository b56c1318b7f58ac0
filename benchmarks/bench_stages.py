"""Where a scan's floor is: each stage of the per-record path added in turn, in one process. Prints numbers.

    python benchmarks/generate.py 100000 /tmp/jobs-100k.jsonl [--dirty 0.10]
    python benchmarks/bench_stages.py /tmp/jobs-100k.jsonl [--repeat 3] [--limit N]

Reads the lines into memory once, then times (CPU, ``time.process_time``; best of ``--repeat``; the
garbage collector on, as in a scan) passes over them that stop after a stage:

  1. parse (orjson) -- the benchmark's "parse-only";
  2. + normalise (``Normalizer.normalize``);
  3. + validate (``SchemaValidator.errors``: jsonschema-rs, python-jsonschema for what it rejects);
  4. + rules, untimed (``Engine.evaluate`` with the default rules, as for ``-f json``/``-f sarif``);
  5. + rules, timed (as for ``-f junit``, whose testcases carry each rule's duration), instead of 4.

For each it prints the CPU per record, what the stage added and parse-only over the cumulative cost: the
best ratio to parse-only a scan that runs those stages could reach with free reading, counting, job
references and reports. Comparing that column with a target (issue 16: 0.15 for ``-f json``) says which
stage's floor stops it. A whole scan (``bench_scan.py``) adds reading through the input layer, duplicate
detection, counting, job references and the report.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson

from checker.api import ScanRequest, build_setup
from checker.engine import Engine
from checker.model import Job, Provenance
from checker.normalize import Normalizer
from checker.plugins import load_plugins
from checker.policy import policy_from_mapping
from checker.schema import table_columns, table_validator

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def stages() -> list[tuple[str, Callable[[list[bytes]], None]]]:
    """(label, a pass over the lines that stops after that stage), cumulative."""
    normalizer = Normalizer(*table_columns())
    validator = table_validator()
    configured = build_setup(ScanRequest(policy=policy_from_mapping({})), load_plugins(autoload=False)).configured
    untimed, timed = Engine(configured, timed=False), Engine(configured, timed=True)
    provenance = Provenance("bench")
    loads, normalize, errors = orjson.loads, normalizer.normalize, validator.errors

    def parse(lines: list[bytes]) -> None:
        for line in lines:
            loads(line)

    def norm(lines: list[bytes]) -> None:
        for line in lines:
            normalize(loads(line))

    def valid(lines: list[bytes]) -> None:
        for line in lines:
            errors(normalize(loads(line))[0])

    def rules(engine: Engine) -> Callable[[list[bytes]], None]:
        def work(lines: list[bytes]) -> None:
            for line in lines:
                row, unknown = normalize(loads(line))
                if not errors(row):
                    engine.evaluate(Job(row, provenance, unknown, NOW))
        return work

    return [("parse (orjson)", parse), ("+ normalise", norm), ("+ validate", valid),
            ("+ rules, untimed (json, sarif)", rules(untimed)), ("+ rules, timed (junit) instead", rules(timed))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    with args.input.open("rb") as handle:
        lines = [line for line in itertools.islice(handle, args.limit) if line.strip()]
    print(f"{len(lines):,} records from {args.input}, CPU per record, best of {args.repeat}")
    print(f"{'stage':34} {'us/record':>10} {'added':>8} {'parse-only / this':>18}")
    parse_cost = previous = validated = 0.0
    for label, work in stages():
        work(lines[:2000])  # warm caches, build python-jsonschema, as a few records into a scan
        best = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            work(lines)
            best = min(best, time.process_time() - start)
        cost = best / len(lines) * 1e6
        parse_cost = parse_cost or cost
        if label.endswith("instead"):  # in place of the untimed rules: added to the validate stage
            previous = validated
        print(f"{label:34} {cost:10.2f} {cost - previous:8.2f} {parse_cost / cost:18.3f}")
        validated = cost if label == "+ validate" else validated
        previous = cost


if __name__ == "__main__":
    main()
