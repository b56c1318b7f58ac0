"""What every reporter receives, and the reporter interface.

A reporter renders; it never decides the exit code (the scan computes it and passes it in the
:class:`Summary`). Reporters are streamed: :meth:`Reporter.job` is called as soon as a job's rules
have run, so a reporter must not keep per-job data in memory (spool to a temporary file if a format
needs totals before the details).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from checker.model import JobRef, Problem, Provenance, Result, Severity
from checker.summary import Summary

if TYPE_CHECKING:
    from checker.engine import ConfiguredRule
    from checker.registry import PluginInfo

__all__ = ["ReportContext", "Reporter", "needs_timings", "printable", "problem_text", "problem_where",
           "result_source"]


@dataclass
class ReportContext:
    """Facts about the run known before the first job: tool version, time, policy, rules, plugins.

    ``rules``: the configured rules in run order. ``rule_plugin``: rule id -> plugin name.
    ``locations``: the inputs as the user named them. ``now``: the run's clock (UTC, aware).
    ``warn(message)``: where a reporter sends a one-line warning for stderr (e.g. a SARIF report cut to
    GitHub's limits); ``None`` drops it. ``group_by`` (``"rule"`` or ``"job"``) and ``quiet`` (only what
    gates) shape the text report (``--group-by``, ``--quiet``).
    ``started``: when the scan really started: the wall clock (UTC,
    aware; never ``--now``) when the context is made, right before the first input is read.
    ``include_passed``: reporters that leave PASS results out by default (JSON) write every result
    (``--include-passed``).
    """

    version: str
    now: datetime
    fail_on: Severity
    policy_path: str | None
    rules: Sequence[ConfiguredRule]
    plugins: Sequence[PluginInfo] = ()
    rule_plugin: dict[str, str] = field(default_factory=dict)
    locations: Sequence[str] = ()
    soft_fail: bool = False
    warn: Callable[[str], None] | None = None
    group_by: str = "rule"
    quiet: bool = False
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    include_passed: bool = False


class Reporter(Protocol):
    """One output format writing to one text stream. Calls: ``start``, then any number of ``job`` and
    ``problem`` in input order, then ``finish`` exactly once.

    Optional attribute ``needs_timings`` (default ``True``): a reporter that never shows
    ``Result.duration`` sets it to ``False``; when no reporter of a run needs timings, rules are not
    timed and every duration is 0.0 (see :func:`needs_timings`).
    """

    def start(self) -> None:
        """Called once before the first job (write headers here)."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """One evaluated job with its results (one per configured rule, in rule order)."""

    def problem(self, problem: Problem) -> None:
        """Something that could not be checked (bad line, schema-invalid record, failed source, plugin)."""

    def finish(self, summary: Summary) -> None:
        """Called once at the end with the totals and the exit code; flush everything here."""


def needs_timings(reporter: object) -> bool:
    """Whether ``reporter`` shows rule durations: its ``needs_timings`` attribute, ``True`` when it has
    none (a plugin's reporter that does not say gets timings)."""
    return bool(getattr(reporter, "needs_timings", True))


# C1; bidirectional controls (ALM, LRM, RLM, embeddings and overrides, isolates); line separators
_FORMAT = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f{_FORMAT}]")
_CONTROL_ONE_LINE = re.compile(f"[\x00-\x1f{_FORMAT}]")


def printable(text: str, one_line: bool = False) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\u202e``), so data cannot drive a
    terminal (ANSI escapes in a job name), reorder what is shown (Unicode bidirectional controls such as
    U+202E, line and paragraph separators) or forge lines in human-readable output. Newlines and tabs are
    kept, unless ``one_line`` (an identifier such as a job name or a Terraform address on a report line)."""
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                       f"\\u{ord(m.group()):04x}", text)


def problem_text(problem: Problem) -> str:
    """The problem's message, naming the offending field when there is one (a schema-invalid record):
    ``"schema-invalid record: /vpc_config: ... (field /vpc_config)"``. What every human-readable report
    and JUnit/SARIF show for a problem."""
    return problem.message if not problem.pointer else f"{problem.message} (field {problem.pointer})"


def problem_where(problem: Problem) -> str:
    """Where a problem arose, for human-readable reports: ``file:line`` (or the location of a failed
    source), else the name of the plugin that failed, else ``""``."""
    return str(problem.provenance) if problem.provenance else (problem.plugin or "")


def result_source(provenance: Provenance) -> dict[str, Any]:
    """``{"path", "line", "record"}`` of a provenance (JSON-ready; absent parts are null)."""
    return {"path": provenance.source, "line": provenance.line, "record": provenance.record}

