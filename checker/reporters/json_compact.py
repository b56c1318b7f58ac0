"""The JSON report (``-f json``), report_version 2: findings first and compact, described by
``schemas/report-2.schema.json`` (the document names it in ``schema``).

Layout: the header (tool, policy, rules), then ``jobs``: one entry per evaluated job with its identity,
its source, the results that are not PASS and not "not applicable" (FAIL, ERROR, waived SKIP: the
*findings*), the number of rules it passed and the ids of the rules that did not apply to it. Jobs with
findings come first (in input order), then the jobs without any (in input order), so a reader meets the
findings at the top. Then ``errors``, ``warnings``, ``baseline`` and ``summary`` (with per-rule counts of
each status in ``summary.rules``). A compliant job costs about 300 bytes (the 1.x layout: about 4 KB).

``--include-passed`` writes the 1.x layout instead (:mod:`checker.reporters.json_report`: one result per
job and rule, ``schemas/report.schema.json``). Streamed: jobs without findings and the problems are
spooled to temporary files; memory stays flat however many jobs there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

import orjson

from checker.exitcodes import gates
from checker.model import JobRef, Problem, Provenance, Result, Status
from checker.reporters.base import ReportContext, result_source
from checker.reporters.json_report import header, job_dict, problem_dict, write_closing
from checker.reporters.output import drain, text_spool
from checker.summary import Summary

REPORT_VERSION = "2.0"
SCHEMA_ID = "https://bedrock-audit.dev/schemas/report-2.schema.json"
"""The ``$id`` of ``schemas/report-2.schema.json``, written in the report's ``schema``."""
_SPOOL_BYTES = 4 << 20
_PASS = Status.PASS
_SKIP = Status.SKIP


def finding_dict(result: Result, fail_on: Any) -> dict[str, Any]:
    """JSON form of one finding (an element of a job's ``results``): rule id and name, effective
    severity, status, message; ``gates`` on a FAIL (:func:`checker.exitcodes.gates`); ``pointer``,
    ``error_kind``, ``waiver`` and ``baseline`` only when set (a planned job's finding also gets its own
    ``source`` when its attribute is set elsewhere; the caller adds it)."""
    item: dict[str, Any] = {"rule_id": result.rule.id, "rule_name": result.rule.name,
                            "severity": result.severity.label, "status": result.status.value,
                            "message": result.message}
    if result.status is Status.FAIL:
        item["gates"] = gates(result, fail_on)
    if result.pointer:
        item["pointer"] = result.pointer
    if result.error_kind is not None:
        item["error_kind"] = result.error_kind.value
    if result.waiver:
        item["waiver"] = dict(result.waiver)
    if result.baseline is not None:
        item["baseline"] = result.baseline
    return item


class CompactJsonReporter:
    """Writes one report_version 2 JSON document to ``stream``."""

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self._first = True  # no job written to the stream yet
        self._quiet = text_spool(_SPOOL_BYTES)  # jobs without findings, written after those with
        self._quiet_count = 0
        self._problems = text_spool(_SPOOL_BYTES)
        self._problem_count = 0
        self._jobs = 0
        self._counts: dict[str, dict[str, int]] = {
            c.rule.id: {"PASS": 0, "FAIL": 0, "ERROR": 0, "SKIP": 0} for c in context.rules}

    def start(self) -> None:
        """Write everything known before the first job."""
        document = {"report_version": REPORT_VERSION, "schema": SCHEMA_ID, **header(self.context)}
        text = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS).decode()
        self.stream.write(text[:-1] + ',"jobs":[')

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Write the job's entry (one line) if it has findings, else spool it for after them."""
        self._jobs += 1
        findings: list[dict[str, Any]] = []
        skipped: list[str] = []
        counts = self._counts
        fail_on = self.context.fail_on
        for result in results:
            status = result.status
            if status is _PASS:
                continue
            rule_id = result.rule.id
            counts[rule_id][status.value] += 1
            if status is _SKIP and not result.waiver:
                skipped.append(rule_id)
            else:
                finding = finding_dict(result, fail_on)
                if provenance.places and provenance.at(result.pointer) != provenance:  # its own file and line
                    finding["source"] = result_source(provenance.at(result.pointer))
                findings.append(finding)
        entry = orjson.dumps({
            "job": job_dict(job),
            "source": {"path": provenance.source, "line": provenance.line, "record": provenance.record},
            "results": findings,
            "passed": len(results) - len(findings) - len(skipped),
            "not_applicable": skipped,
        }).decode()
        if findings:
            self.stream.write(("\n" if self._first else ",\n") + entry)
            self._first = False
        else:
            self._quiet.write(("\n" if self._quiet_count == 0 else ",\n") + entry)
            self._quiet_count += 1

    def problem(self, problem: Problem) -> None:
        """Spool the problem; it is written in ``errors`` at the end."""
        self._problems.write((",\n" if self._problem_count else "\n") + orjson.dumps(problem_dict(problem)).decode())
        self._problem_count += 1

    def finish(self, summary: Summary) -> None:
        """Write the jobs without findings, the problems, warnings and summary, and close the document."""
        write = self.stream.write
        if self._quiet_count and not self._first:
            write(",")
        drain(self._quiet, write)
        totals = summary.as_dict()
        for counts in self._counts.values():  # every evaluated job has one result per rule
            counts["PASS"] = self._jobs - counts["FAIL"] - counts["ERROR"] - counts["SKIP"]
        totals["rules"] = self._counts
        write_closing(write, self._problems, summary, totals)
