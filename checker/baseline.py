"""Baselines: record today's failures, then gate only on failures that are new.

``bedrock-audit baseline create SOURCES -o baseline.json`` runs a scan (policy and waivers applied) and
writes one entry per unwaived FAIL, keyed by rule id and job ARN (:class:`BaselineWriter`), as described
by ``schemas/baseline.schema.json``. ``bedrock-audit scan --baseline baseline.json`` marks each FAIL (and
each waived result) ``new`` or ``existing`` (``Result.baseline``); an existing FAIL is still reported
but does not fail the gate. Entries whose job was scanned and whose rule now passes (or no longer
applies) are listed as fixed, so the baseline can be regenerated smaller (:class:`BaselineStage`).

The key is ``(rule id, job ARN)``: stable across runs, input order, file names and line numbers, and
independent of the finding's message. A baseline is held in memory while it is used (one small entry
per recorded failure).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import orjson

from checker.errors import ConfigError
from checker.model import Job, JobRef, Problem, Provenance, Result, Status
from checker.summary import BaselineOutcome, Summary
from checker.timeutil import format_rfc3339

if TYPE_CHECKING:
    from checker.reporters.base import ReportContext

BASELINE_SCHEMA = "baseline.schema.json"
BASELINE_VERSION = "1.0"

Key = tuple[str, str]
"""``(rule id, job ARN)``."""


@dataclass
class Baseline:
    """A loaded baseline: ``entries`` maps ``(rule id, job ARN)`` to the entry as written."""

    path: str
    entries: dict[Key, dict[str, Any]]


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file. Raises :class:`ConfigError` (exit 2) if it is missing,
    unreadable, not JSON, or not a bedrock-audit baseline (``schemas/baseline.schema.json``)."""
    from checker.schema import load_schema, validator_for

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (create one with `bedrock-audit baseline "
                          "create SOURCES -o FILE`)") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a baseline file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not a baseline file: invalid JSON ({exc})") from None
    errors = validator_for(load_schema(BASELINE_SCHEMA)).errors(document)
    if errors:
        raise ConfigError(f"{path}: not a bedrock-audit baseline: {errors[0]}")
    entries = {(e["rule_id"], e["job_arn"]): e for e in document["entries"]}
    return Baseline(str(path), entries)


class BaselineStage:
    """Marks results against a baseline; at the end puts a :class:`BaselineOutcome` in the summary."""

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        self._failing: set[Key] = set()
        self._cleared: set[Key] = set()
        self._new = 0
        self._existing = 0

    def apply(self, job: Job, results: list[Result]) -> list[Result]:
        """``results`` with ``baseline`` set to ``"new"``/``"existing"`` on each FAIL and waived result."""
        entries = self.baseline.entries
        out = []
        for result in results:
            key = (result.rule.id, job.identity)
            known = key in entries
            if result.status is Status.FAIL or (result.status is Status.SKIP and result.waiver):
                result = result._replace(baseline="existing" if known else "new")
                if known:
                    self._failing.add(key)
                if result.status is Status.FAIL:
                    if known:
                        self._existing += 1
                    else:
                        self._new += 1
            elif known and result.status in (Status.PASS, Status.SKIP):
                self._cleared.add(key)
            out.append(result)
        return out

    def finish(self, summary: Summary, warn: Callable[[str], None]) -> None:
        """Store the outcome in ``summary.baseline``."""
        fixed_keys = sorted(self._cleared - self._failing, key=lambda k: (k[1], k[0]))
        fixed = [self.baseline.entries[k] for k in fixed_keys]
        unchecked = len(self.baseline.entries) - len(fixed_keys) - len(self._failing)
        summary.baseline = BaselineOutcome(self.baseline.path, len(self.baseline.entries), self._new,
                                           self._existing, fixed, unchecked)


class BaselineWriter:
    """A reporter that writes a baseline: one entry per FAIL result (waived results are not failures),
    sorted by job ARN then rule id, one entry per key however often the job appears in the input."""

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self._entries: dict[Key, dict[str, Any]] = {}

    def start(self) -> None:
        """Nothing to write before the end."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Record the job's FAIL results."""
        for result in results:
            if result.status is Status.FAIL and job.key:
                self._entries.setdefault((result.rule.id, job.key), {
                    "rule_id": result.rule.id,
                    "rule_name": result.rule.name,
                    "job_arn": job.key,  # a planned job's resource address (or FILE#N)
                    "job_name": job.name,
                    "severity": result.severity.label,
                    "message": result.message,
                })

    def problem(self, problem: Problem) -> None:
        """Problems are not recorded (the CLI refuses to write a baseline from a scan that had any)."""

    @property
    def count(self) -> int:
        """Entries recorded so far."""
        return len(self._entries)

    @property
    def jobs(self) -> int:
        """Distinct job ARNs among the entries recorded so far."""
        return len({arn for _, arn in self._entries})

    def finish(self, summary: Summary) -> None:
        """Write the baseline document."""
        document = {
            "baseline_version": BASELINE_VERSION,
            "tool": {"name": "bedrock-audit", "version": self.context.version},
            "created_at": format_rfc3339(self.context.now),
            "inputs": list(self.context.locations),
            "rules": [c.rule.id for c in self.context.rules],
            "entries": [self._entries[k] for k in sorted(self._entries, key=lambda k: (k[1], k[0]))],
        }
        self.stream.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")


def entry_label(entry: Mapping[str, Any]) -> str:
    """``"BA001 on claims-nightly (arn:...)"`` for a baseline entry."""
    name = entry.get("job_name")
    return f"{entry['rule_id']} on {name} ({entry['job_arn']})" if name else f"{entry['rule_id']} on {entry['job_arn']}"
