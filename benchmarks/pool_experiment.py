"""Would a process pool (``--jobs N``) speed up large scans on this machine? An experiment (issue 3).

Prints numbers; changes nothing. The parallel variant is the cheapest design that keeps the report
order deterministic and needs no per-format merge logic: the parent reads JSONL lines in chunks and
runs the reporters; forked workers parse, normalise, validate and run the rules, and send back compact
results (rule index, status, message, pointer), which the parent turns back into ``Result`` objects for
the reporters. Waivers, baselines and plugin reporters stay in the parent.

    python benchmarks/generate.py 200000 /tmp/jobs-200k.jsonl
    python benchmarks/pool_experiment.py /tmp/jobs-200k.jsonl --workers 1 2 3
"""

from __future__ import annotations

import argparse
import io
import itertools
import multiprocessing
import time
from datetime import UTC, datetime
from typing import Any

import orjson

from checker.engine import Engine
from checker.model import ErrorKind, Job, JobRef, Provenance, Result, Severity, Status
from checker.normalize import Normalizer
from checker.plugins import load_plugins
from checker.policy import configure_rules, policy_from_mapping
from checker.reporters.base import ReportContext, Summary
from checker.reporters.json_report import JsonReporter
from checker.schema import table_columns, table_validator

CHUNK = 2000
NOW = datetime.now(UTC)
_STATE: dict[str, Any] = {}


def _setup() -> None:
    registry = load_plugins(autoload=False)
    configured = configure_rules(policy_from_mapping({}), registry.rules)
    _STATE.update(configured=configured, engine=Engine(configured), normalizer=Normalizer(*table_columns()),
                  validator=table_validator())


def _evaluate_chunk(chunk: tuple[int, list[bytes]]) -> list[Any]:
    start, lines = chunk
    engine, normalizer, validator = _STATE["engine"], _STATE["normalizer"], _STATE["validator"]
    index = {c.rule.id: i for i, c in enumerate(_STATE["configured"])}
    out: list[Any] = []
    for offset, line in enumerate(lines):
        number = start + offset
        try:
            raw = orjson.loads(line)
        except orjson.JSONDecodeError:
            out.append((number, None, "invalid JSON"))
            continue
        row, unknown = normalizer.normalize(raw)
        errors = validator.errors(row)
        if errors:
            out.append((number, None, str(errors[0])))
            continue
        job = Job(row, Provenance("x", number, number), unknown, NOW)
        ref = JobRef.of(job)
        results = engine.evaluate(job)
        out.append((number, tuple(ref), [(index[r.rule.id], r.status.value, r.message, r.pointer,
                                          r.error_kind.value if r.error_kind else None, r.duration)
                                         for r in results]))
    return out


def _report(outcomes: Any, configured: list[Any], reporter: JsonReporter) -> int:
    jobs = 0
    for number, ref, payload in outcomes:
        if ref is None:
            continue
        jobs += 1
        results = [Result(configured[i].rule, configured[i].severity, Status(status), message, pointer,
                          ErrorKind(kind) if kind else None, duration)
                   for i, status, message, pointer, kind, duration in payload]
        reporter.job(JobRef(*ref), Provenance("x", number, number), results)
    return jobs


def chunks(path: str) -> Any:
    with open(path, "rb") as handle:
        number = 1
        while True:
            lines = list(itertools.islice(handle, CHUNK))
            if not lines:
                return
            yield number, lines
            number += len(lines)


def run(path: str, workers: int) -> tuple[float, int]:
    configured = _STATE["configured"]
    reporter = JsonReporter(io.StringIO(), ReportContext("x", NOW, Severity.LOW, None, configured))
    reporter.start()
    start = time.perf_counter()
    jobs = 0
    if workers == 0:
        for chunk in chunks(path):
            jobs += _report(_evaluate_chunk(chunk), configured, reporter)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for outcomes in pool.imap(_evaluate_chunk, chunks(path), chunksize=1):
                jobs += _report(outcomes, configured, reporter)
    reporter.finish(Summary())
    return time.perf_counter() - start, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    _setup()
    base, jobs = run(args.path, 0)
    print(f"in-process          {base:7.2f} s  {jobs / base:9,.0f} jobs/s")
    for workers in args.workers:
        seconds, _ = run(args.path, workers)
        print(f"pool of {workers} worker(s) {seconds:7.2f} s  {jobs / seconds:9,.0f} jobs/s  "
              f"speed-up {base / seconds:.2f}x")


if __name__ == "__main__":
    main()
