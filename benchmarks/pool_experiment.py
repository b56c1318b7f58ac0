"""Would a process pool (``--jobs N``) speed up large scans on this machine? An experiment (issue 3).

Prints numbers; changes nothing. Both parallel variants keep the report order deterministic and need no
per-format merge logic: forked workers run the per-record work (``checker.scan.Evaluator``: normalise,
validate, run the rules) on batches and send back compact results (rule index, status, message,
pointer), which the parent turns back into ``Result`` objects for the reporter (JSON, as in the
throughput target). They differ in what the parent still does per record:

* ``lines``: the parent only cuts the JSONL file into lines; workers also parse them. The best case --
  but it bypasses the input layer (formats, sniffing, per-line errors, provenance);
* ``rows``: the parent reads through the real input layer (``checker.inputs``, any format) and sends
  each parsed row as JSON bytes. What a general ``--jobs`` would do.

    python benchmarks/generate.py 200000 /tmp/jobs-200k.jsonl
    python benchmarks/pool_experiment.py /tmp/jobs-200k.jsonl --workers 1 2 3
"""

from __future__ import annotations

import argparse
import io
import itertools
import multiprocessing
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from checker.api import ScanRequest, build_setup
from checker.engine import Engine
from checker.inputs import Inputs
from checker.model import ErrorKind, JobRef, Provenance, Result, Status
from checker.plugins import load_plugins
from checker.policy import policy_from_mapping
from checker.reporters.json_report import JsonReporter
from checker.scan import Evaluator
from checker.sources.base import RawRecord
from checker.summary import Summary

BATCH = 1000
NOW = datetime(2025, 12, 1, tzinfo=UTC)
STATUS = {status.value: status for status in Status}
KIND = {kind.value: kind for kind in ErrorKind}
_STATE: dict[str, Any] = {}


def _setup() -> None:
    registry = load_plugins(autoload=False)
    setup = build_setup(ScanRequest(policy=policy_from_mapping({}), now=NOW), registry)  # as a scan assembles it
    _STATE.update(configured=setup.configured, evaluator=Evaluator(Engine(setup.configured), NOW),
                  sources=setup.sources, context=setup.context(["x"]))


def _evaluate(batch: list[tuple[bytes, Provenance]]) -> list[Any]:
    evaluator = _STATE["evaluator"]
    index = {id(c.rule): i for i, c in enumerate(_STATE["configured"])}
    out: list[Any] = []
    for text, provenance in batch:
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            out.append(None)
            continue
        outcome = evaluator(RawRecord(data, provenance))
        if outcome.job is None:
            out.append(None)
            continue
        out.append((tuple(JobRef.of(outcome.job)), provenance,
                    [(index[id(r.rule)], r.status.value, r.message, r.pointer,
                      r.error_kind.value if r.error_kind else None, r.duration) for r in outcome.results]))
    return out


def _report(outcomes: list[Any], reporter: JsonReporter) -> int:
    configured = _STATE["configured"]
    jobs = 0
    for outcome in outcomes:
        if outcome is None:
            continue
        ref, provenance, payload = outcome
        jobs += 1
        reporter.job(JobRef(*ref), provenance, [
            Result(configured[i].rule, configured[i].severity, STATUS[status], message, pointer,
                   KIND[kind] if kind else None, duration)
            for i, status, message, pointer, kind, duration in payload])
    return jobs


def line_batches(path: str) -> Iterator[list[tuple[bytes, Provenance]]]:
    with open(path, "rb") as handle:
        number = 0
        while lines := list(itertools.islice(handle, BATCH)):
            yield [(line, Provenance(path, number + i + 1, number + i + 1)) for i, line in enumerate(lines)]
            number += len(lines)


def row_batches(path: str) -> Iterator[list[tuple[bytes, Provenance]]]:
    items = (item for item in Inputs(_STATE["sources"], print).read([path]) if isinstance(item, RawRecord))
    while batch := list(itertools.islice(items, BATCH)):
        yield [(orjson.dumps(item.data), item.provenance) for item in batch]


def run(path: str, workers: int, variant: str) -> tuple[float, int]:
    reporter = JsonReporter(io.StringIO(), _STATE["context"])
    reporter.start()
    batches = line_batches(path) if variant == "lines" else row_batches(path)
    start = time.perf_counter()
    jobs = 0
    if workers == 0:
        for batch in batches:
            jobs += _report(_evaluate(batch), reporter)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[Any] = deque()
            for batch in batches:
                pending.append(pool.apply_async(_evaluate, (batch,)))
                if len(pending) >= 2 * workers:
                    jobs += _report(pending.popleft().get(), reporter)
            while pending:
                jobs += _report(pending.popleft().get(), reporter)
    reporter.finish(Summary())
    return time.perf_counter() - start, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    _setup()
    for variant in ("lines", "rows"):
        base, jobs = run(args.path, 0, variant)
        print(f"{variant:5} in one process     {base:7.2f} s  {jobs / base:9,.0f} jobs/s")
        for workers in args.workers:
            seconds, _ = run(args.path, workers, variant)
            print(f"{variant:5} pool of {workers} worker(s) {seconds:7.2f} s  {jobs / seconds:9,.0f} jobs/s  "
                  f"speed-up {base / seconds:.2f}x")


if __name__ == "__main__":
    main()
