"""The ``acme-csv`` report format: one CSV row per FAIL, ERROR and problem, for ACME's ticketing import.

A reporter receives ``start()``, then ``job(...)`` and ``problem(...)`` as the scan goes, then
``finish(summary)`` once. It writes as it goes (the scan streams: never keep every job in memory) and
never decides the exit code.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from checker import JobRef, Problem, Provenance, ReportContext, Result, Status, Summary

COLUMNS = ("status", "severity", "rule_id", "rule_name", "job_arn", "job_name", "source", "line", "pointer",
           "message")


class FindingsCsvReporter:
    """Writes the CSV to ``stream`` (the file given with ``-o acme-csv=PATH``, or stdout)."""

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.context = context

    def start(self) -> None:
        """The header row."""
        self.writer.writerow(COLUMNS)

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """One row per FAIL or ERROR of this job (PASS and SKIP are not findings)."""
        for result in results:
            if result.status in (Status.FAIL, Status.ERROR):
                self.writer.writerow((result.status.value, result.severity.label, result.rule.id,
                                      result.rule.name, job.arn, job.name or "", provenance.source,
                                      provenance.line or "", result.pointer or "", result.message))

    def problem(self, problem: Problem) -> None:
        """A record or source that could not be checked, or a plugin that failed: an ERROR row."""
        source = problem.provenance
        self.writer.writerow(("ERROR", "", "", f"{problem.kind.value}-error",
                              problem.job.arn if problem.job else "", problem.job.name if problem.job else "",
                              source.source if source else "", source.line if source and source.line else "",
                              problem.pointer or "", problem.message))

    def finish(self, summary: Summary) -> None:
        """Nothing to add: every row was written as it came."""
