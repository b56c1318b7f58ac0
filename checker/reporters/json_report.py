"""The JSON report (``-f json``), described by ``schemas/report.schema.json``.

Streamed: the header (tool, policy, rules) is written first, each result as soon as its job is done,
problems are spooled to a temporary file (they are listed after the results), and the summary comes
last. Memory stays flat however many jobs there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

import orjson

from checker.model import JobRef, Problem, Provenance, Result, Severity, Status, format_rfc3339
from checker.reporters.base import ReportContext, Summary, result_source
from checker.reporters.output import drain, text_spool

REPORT_VERSION = "1.1"
PASS, FAIL, ERROR = Status.PASS, Status.FAIL, Status.ERROR
_SPOOL_BYTES = 1 << 20


def job_dict(job: JobRef | None) -> dict[str, Any] | None:
    """JSON form of a job reference."""
    if job is None:
        return None
    return {"arn": job.arn, "name": job.name, "account_id": job.account_id, "region": job.region}


def result_dict(result: Result, job: dict[str, Any] | None, source: dict[str, Any]) -> dict[str, Any]:
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
    }


_SEEN_RESULTS = 4096
"""At most this many results are remembered by identity (flat memory when every result is new)."""
_PASS_BODY = orjson.dumps({"status": "PASS", "message": "", "pointer": None, "error_kind": None}).decode()[1:-1]
_UNMARKED_TAIL = orjson.dumps({"waiver": None, "baseline": None}).decode()[1:]


def _result_head(result: Result) -> str:
    """The encoded start of ``result``'s JSON object, up to and including the comma after ``severity``
    (the fields of :func:`result_dict` that depend only on the rule and its severity)."""
    return orjson.dumps({"rule_id": result.rule.id, "rule_name": result.rule.name,
                         "severity": result.severity.label}).decode()[:-1] + ","


class JsonReporter:
    """Writes one JSON document to ``stream``."""

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self._started = False  # a job's results were written
        self._problems = text_spool(_SPOOL_BYTES)  # drained in finish()
        self._problem_count = 0
        self._heads: dict[tuple[str, Severity], str] = {}  # (rule id, severity) -> encoded start of a result
        # Unmarked PASS and SKIP results met before, by identity, with their encoded start: an untimed engine
        # shares them between jobs.
        self._seen: dict[int, tuple[Result, str]] = {}

    def start(self) -> None:
        """Write everything known before the first job."""
        context = self.context
        header = {
            "report_version": REPORT_VERSION,
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
        text = orjson.dumps(header, option=orjson.OPT_NON_STR_KEYS).decode()
        self.stream.write(text[:-1] + ',"results":[')

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Append the job's results (one line per job).

        Each result is written exactly as ``orjson.dumps(result_dict(...))`` would write it, but pieced
        together: the part shared by the job's results (job, source) is encoded once per job, and each
        result's own start (rule, severity, status, message, pointer, error kind) once per result -- once
        per run for the PASS and "not applicable" results an untimed engine shares between jobs (a job's
        ten results are about 4 KB; encoding them from dicts was a sixth of a scan's time).
        """
        if not results:
            return
        shared = (b',"job":' + orjson.dumps(job_dict(job)) + b',"source":'
                  + orjson.dumps(result_source(provenance)) + b",").decode()
        unmarked = shared + _UNMARKED_TAIL
        seen = self._seen
        starts = []
        marked = False
        for result in results:
            known = seen.get(id(result))
            if known is not None and known[0] is result:
                starts.append(known[1])
                continue
            start = self._start(result)
            if result.waiver is not None or result.baseline is not None:
                marked = True
            elif result.status is not FAIL and result.status is not ERROR and len(seen) < _SEEN_RESULTS:
                seen[id(result)] = (result, start)  # holding the result keeps its id unique
            starts.append(start)
        if marked:
            text = ",".join(start + self._tail(result, shared, unmarked)
                            for start, result in zip(starts, results, strict=True))
        else:
            text = (unmarked + ",").join(starts) + unmarked
        self.stream.write((",\n" if self._started else "\n") + text)
        self._started = True

    def _start(self, result: Result) -> str:
        """The encoded start of ``result``'s object: every field of :func:`result_dict` before ``job``,
        with the comma after it."""
        key = (result.rule.id, result.severity)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = _result_head(result)
        if result.status is PASS and not result.message and result.pointer is None and result.error_kind is None:
            return head + _PASS_BODY
        return head + orjson.dumps({"status": result.status.value, "message": result.message,
                                    "pointer": result.pointer,
                                    "error_kind": result.error_kind.value if result.error_kind else None,
                                    }).decode()[1:-1]

    @staticmethod
    def _tail(result: Result, shared: str, unmarked: str) -> str:
        """The encoded rest of ``result``'s object from ``job`` on (``shared`` + waiver and baseline)."""
        if result.waiver is None and result.baseline is None:
            return unmarked
        return shared + orjson.dumps({"waiver": dict(result.waiver) if result.waiver else None,
                                      "baseline": result.baseline}).decode()[1:]

    def problem(self, problem: Problem) -> None:
        """Spool the problem; it is written in ``errors`` at the end."""
        self._problems.write((",\n" if self._problem_count else "\n") + orjson.dumps(problem_dict(problem)).decode())
        self._problem_count += 1

    def finish(self, summary: Summary) -> None:
        """Write the problems, warnings and summary and close the document."""
        write = self.stream.write
        write("\n],\"errors\":[")
        drain(self._problems, write)
        write("\n],\"warnings\":")
        write(orjson.dumps(summary.warnings).decode())
        if summary.baseline is not None:
            write(",\"baseline\":")
            write(orjson.dumps(summary.baseline.as_dict()).decode())
        write(",\"summary\":")
        write(orjson.dumps(summary.as_dict()).decode())
        write("}\n")
