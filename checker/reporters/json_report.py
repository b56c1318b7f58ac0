"""The JSON report's 1.x layout (``-f json --include-passed``), described by ``schemas/report.schema.json``:
one result per (job, rule), PASS included. The default JSON report is report_version 2
(:mod:`checker.reporters.json_compact`); this module also holds the parts both layouts share.

Streamed: the header (tool, policy, rules) is written first, each result as soon as its job is done,
problems are spooled to a temporary file (they are listed after the results), and the summary comes
last. Memory stays flat however many jobs there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, Any, TextIO

import orjson

from checker.model import JobRef, Problem, Provenance, Result
from checker.reporters.base import ReportContext, result_source
from checker.reporters.output import drain, text_spool
from checker.summary import Summary
from checker.timeutil import format_rfc3339

REPORT_VERSION = "1.2"
_SPOOL_BYTES = 1 << 20


def job_dict(job: JobRef | None) -> dict[str, Any] | None:
    """JSON form of a job reference."""
    if job is None:
        return None
    shown = {"arn": job.arn, "name": job.name, "account_id": job.account_id, "region": job.region}
    if job.address is not None:  # a Terraform resource address (or request FILE#N)
        shown["address"] = job.address
    return shown


def result_dict(result: Result, job: dict[str, Any] | None, source: dict[str, Any] | None) -> dict[str, Any]:
    """JSON form of one result (an element of ``results``); ``job`` and ``source`` are the already
    built :func:`job_dict` and :func:`~checker.reporters.base.result_source` of its job."""
    return {
        "rule_id": result.rule.id,
        "rule_name": result.rule.name,
        "severity": result.severity.label,
        "status": result.status.value,
        "message": result.message,
        "pointer": result.pointer,
        "error_kind": result.error_kind.value if result.error_kind else None,
        "job": job,
        "source": source,
        "waiver": dict(result.waiver) if result.waiver else None,
        "baseline": result.baseline,
    }


def problem_dict(problem: Problem) -> dict[str, Any]:
    """JSON form of one problem (an element of ``errors``)."""
    return {
        "kind": problem.kind.value,
        "message": problem.message,
        "source": result_source(problem.provenance) if problem.provenance else None,
        "pointer": problem.pointer,
        "job": job_dict(problem.job),
        "plugin": problem.plugin,
        "pattern": problem.pattern,
    }


def header(context: ReportContext) -> dict[str, Any]:
    """What both JSON layouts write before the jobs: ``tool``, ``generated_at``, ``inputs``, ``policy``,
    ``rules`` (in this order)."""
    return {
        "tool": {
            "name": "bedrock-audit",
            "version": context.version,
            "plugins": [
                {"name": p.name, "distribution": p.distribution, "version": p.version, "status": p.status}
                for p in context.plugins
            ],
        },
        "generated_at": format_rfc3339(context.now),
        "inputs": list(context.locations),
        "policy": {"path": context.policy_path, "fail_on": context.fail_on.label,
                   "soft_fail": context.soft_fail},
        "rules": [
            {
                "id": c.rule.id,
                "name": c.rule.name,
                "title": c.rule.title,
                "severity": c.severity.label,
                "help_url": c.rule.help_url,
                "plugin": context.rule_plugin.get(c.rule.id),
                "params": dict(c.params),
                "applies_to": sorted(c.applies_to) if c.applies_to is not None else None,
                "controls": {k: dict(v) for k, v in c.rule.controls.items()},
            }
            for c in context.rules
        ],
    }


_ENCODED_RESULTS = 4096
"""At most this many encoded results are remembered (flat memory when every result is new)."""

_JOB_SLOT = ',"job":null,"source":null,'
"""Where a job's shared part goes in an encoded :func:`result_dict` (``job`` and ``source`` left ``None``).
Every value before it is a string (quotes escaped) or null, so its first occurrence is the slot."""


def _split_result(result: Result) -> tuple[str, str]:
    """``result`` encoded as :func:`result_dict` would be, cut around the job and source: ``(start, rest)``,
    where ``start`` ends before ``,"job":`` and ``rest`` begins after ``"source":...,``."""
    start, slot, rest = orjson.dumps(result_dict(result, None, None)).decode().partition(_JOB_SLOT)
    assert slot, "result_dict must keep job and source after the result's own fields"
    return start, rest


class JsonReporter:
    """Writes one JSON document to ``stream``."""

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self._started = False  # a job's results were written
        self._problems = text_spool(_SPOOL_BYTES)  # drained in finish()
        self._problem_count = 0
        # results without waiver or baseline met before (most are PASS or "not applicable", alike in every
        # job), by their fields, encoded and cut (_split_result)
        self._encoded: dict[tuple[Any, ...], tuple[str, str]] = {}

    def start(self) -> None:
        """Write everything known before the first job."""
        document = {"report_version": REPORT_VERSION, **header(self.context)}
        text = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS).decode()
        self.stream.write(text[:-1] + ',"results":[')

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Append the job's results (one line per job).

        Each result is written exactly as ``orjson.dumps(result_dict(...))`` would write it, but pieced
        together: the part shared by the job's results (job, source) is encoded once per job, and the rest
        of a result once per run for results that recur alike (PASS, "not applicable"), so a job's ten
        results (about 4 KB) are mostly joined, not encoded. That saves 14% of a scan's CPU (100,000
        generated records, default rules: 7.32 s encoding every result_dict whole, 6.31 s cut; issue 13).
        """
        if not results:
            return
        shared = (b',"job":' + orjson.dumps(job_dict(job)) + b',"source":'
                  + orjson.dumps(result_source(provenance)) + b",").decode()
        encoded = self._encoded
        pieces: list[str] = []
        for result in results:
            if provenance.places and provenance.at(result.pointer) != provenance:  # its own file and line
                pieces += (orjson.dumps(result_dict(result, job_dict(job), result_source(
                    provenance.at(result.pointer)))).decode(), ",")
                continue
            if result.waiver is None and result.baseline is None:
                key = (result.rule.id, result.severity, result.status, result.message, result.pointer,
                       result.error_kind)
                cut = encoded.get(key)
                if cut is None:
                    cut = _split_result(result)
                    if len(encoded) < _ENCODED_RESULTS:
                        encoded[key] = cut
            else:  # waived or compared with a baseline: its own
                cut = _split_result(result)
            pieces += (cut[0], shared, cut[1], ",")
        pieces[-1] = ""  # no comma after the last result
        self.stream.write((",\n" if self._started else "\n") + "".join(pieces))
        self._started = True

    def problem(self, problem: Problem) -> None:
        """Spool the problem; it is written in ``errors`` at the end."""
        self._problems.write((",\n" if self._problem_count else "\n") + orjson.dumps(problem_dict(problem)).decode())
        self._problem_count += 1

    def finish(self, summary: Summary) -> None:
        """Write the problems, warnings and summary and close the document."""
        write_closing(self.stream.write, self._problems, summary, summary.as_dict())


def write_closing(write: Callable[[str], Any], problems: IO[str], summary: Summary, totals: dict[str, Any]) -> None:
    """Close the results (or jobs) array and write what every JSON report layout ends with: ``errors``
    (the spooled ``problems``), ``warnings``, ``baseline`` when a baseline was compared, ``summary``
    (``totals``), and the closing brace."""
    write("\n],\"errors\":[")
    drain(problems, write)
    write("\n],\"warnings\":")
    write(orjson.dumps(summary.warnings).decode())
    if summary.baseline is not None:
        write(",\"baseline\":")
        write(orjson.dumps(summary.baseline.as_dict()).decode())
    write(",\"summary\":")
    write(orjson.dumps(totals).decode())
    write("}\n")
