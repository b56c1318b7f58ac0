"""The outcome of a finished scan: its totals (:class:`Summary`) and how it compared with a baseline
(:class:`BaselineOutcome`). Plain data: every reporter's ``finish`` receives a :class:`Summary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.model import ErrorKind, Severity, Status


@dataclass
class BaselineOutcome:
    """How a scan compares with its baseline (``Summary.baseline``).

    ``new``/``existing``: FAIL results not in / in the baseline. ``fixed``: entries (as written) whose
    job was scanned and whose rule no longer fails it, sorted by job ARN then rule id. ``unchecked``:
    entries whose job or rule was not part of this scan, or whose rule could not decide (ERROR).
    """

    path: str
    entries: int
    new: int = 0
    existing: int = 0
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unchecked: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``baseline`` object of the JSON report)."""
        return {"path": self.path, "entries": self.entries, "new": self.new, "existing": self.existing,
                "fixed": self.fixed, "unchecked": self.unchecked}


@dataclass
class Summary:
    """Totals of a finished scan and its exit code.

    ``records``: rows read (valid or not); ``jobs``: records that passed the schema and were evaluated.
    ``results``: count per status. ``failures``: unwaived FAIL count per severity. ``gate_failures``:
    unwaived FAILs at or above ``fail-on`` that are not in the baseline. ``problems``: count per kind
    (input, source, plugin).
    ``error_results``: ERROR results per kind (input = unknown data, rule = the rule raised).
    ``warnings``: one-line warnings (schema drift, unused waivers, ...). ``notes``: sources' notes
    (a plan with no batch job, jobs a plan destroys). ``elapsed``: seconds.
    ``waived``: FAILs a waiver turned into SKIP. ``baselined``: FAILs in the baseline (not gating).
    ``baseline``: the :class:`BaselineOutcome` when the scan used a baseline. ``duplicates``: records
    identical to one of the same job already read in this scan (same job ARN, or same address of a
    planned job), not evaluated again (named in ``warnings``; see :class:`checker.duplicates.SeenJobs`).
    ``differing``: records of a job already read whose content differs: evaluated (counted in ``jobs``)
    and named in ``warnings``; not in the JSON ``summary`` (its schema is fixed), shown by the text report.
    """

    records: int = 0
    jobs: int = 0
    results: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    failures: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))
    gate_failures: int = 0
    problems: dict[ErrorKind, int] = field(default_factory=lambda: dict.fromkeys(ErrorKind, 0))
    error_results: dict[ErrorKind, int] = field(default_factory=lambda: dict.fromkeys(ErrorKind, 0))
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    exit_code: int = 0
    elapsed: float = 0.0
    waived: int = 0
    baselined: int = 0
    baseline: BaselineOutcome | None = None
    duplicates: int = 0
    differing: int = 0

    @property
    def input_errors(self) -> int:
        """Problems and ERROR results that mean exit 3."""
        return (self.problems[ErrorKind.INPUT] + self.problems[ErrorKind.SOURCE]
                + self.error_results[ErrorKind.INPUT] + self.error_results[ErrorKind.SOURCE])

    @property
    def partial_gaps(self) -> int:
        """Input/source errors and unknown-data ERROR results that ``--allow-partial`` kept out of the exit
        code (0 unless the code is 0 or 1): a verdict that reads "passed" must also say these."""
        return self.input_errors if self.exit_code in (0, 1) else 0

    @property
    def partial_note(self) -> str:
        """``"1 gap not gating (--allow-partial)"`` for :attr:`partial_gaps`, or ``""``."""
        gaps = self.partial_gaps
        return f"{gaps} gap{'' if gaps == 1 else 's'} not gating (--allow-partial)" if gaps else ""

    @property
    def plugin_errors(self) -> int:
        """Problems and ERROR results that mean exit 4."""
        return (self.problems[ErrorKind.PLUGIN] + self.problems[ErrorKind.RULE]
                + self.error_results[ErrorKind.RULE] + self.error_results[ErrorKind.PLUGIN])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``summary`` object of the JSON report)."""
        return {
            "records": self.records,
            "jobs": self.jobs,
            "results": {s.value: n for s, n in self.results.items()},
            "failures_by_severity": {s.label: self.failures[s] for s in sorted(Severity, reverse=True)},
            "gate_failures": self.gate_failures,
            "problems": {k.value: n for k, n in self.problems.items()},
            "error_results": {k.value: n for k, n in self.error_results.items() if k in (ErrorKind.INPUT,
                                                                                     ErrorKind.RULE)},
            "warnings": len(self.warnings),
            "waived": self.waived,
            "baselined": self.baselined,
            "duplicates": self.duplicates,
            "exit_code": self.exit_code,
        }
