"""Unknown-data ERRORs grouped: one per (rule, source, reason), with the number of jobs affected.

A column absent from an input (a CSV export without ``vpc_config``) makes every rule that reads it an
ERROR on every job of that input: the same fact, once per row. The text, Markdown, JUnit and SARIF
reports show it once per rule and source, counting the jobs ("BA001 cannot decide: column vpc_config
not in input -- 50,000 jobs in export.csv, first at export.csv:2"); the JSON report keeps each job's
ERROR result, so a program still sees exactly which jobs were affected. Counts and the exit code are
unchanged (every such result is still an input ERROR: exit 3 unless ``--allow-partial``).

Memory: one entry per distinct (rule, source, message), at most :data:`MAX_GROUPS`; past that a result
is not grouped and the reporter shows it on its own line, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.model import ErrorKind, JobRef, Provenance, Result, Status

MAX_GROUPS = 10_000
"""Distinct (rule, source, message) groups kept; results past it are shown one by one."""


@dataclass
class Gap:
    """One group: ``result`` (the first job's ERROR result), ``source`` (the input), ``jobs`` (how many
    jobs it affected), ``first_job`` and ``first_at`` (the first affected job and where it was read)."""

    result: Result
    source: str
    jobs: int
    first_job: JobRef
    first_at: Provenance

    @property
    def where(self) -> str:
        """``"export.csv: 50,000 jobs (first: nightly at export.csv:2)"``."""
        if self.jobs == 1:
            return f"{self.first_job.label} at {self.first_at}"
        return f"{self.source}: {self.jobs:,} jobs (first: {self.first_job.label} at {self.first_at})"


def is_gap(result: Result) -> bool:
    """An ERROR because data the rule needs is unknown (not a rule that raised)."""
    return result.status is Status.ERROR and result.error_kind is ErrorKind.INPUT


class GapTally:
    """Collects unknown-data ERROR results by (rule id, source, message), in order of first sight."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str, str], Gap] = {}

    def add(self, job: JobRef, provenance: Provenance, result: Result) -> bool:
        """Count ``result`` if :func:`is_gap`; ``False`` when it is not one or no group is left for it
        (the caller shows it on its own)."""
        if not is_gap(result):
            return False
        key = (result.rule.id, provenance.source, result.message)
        group = self._groups.get(key)
        if group is not None:
            group.jobs += 1
            return True
        if len(self._groups) >= MAX_GROUPS:
            return False
        self._groups[key] = Gap(result, provenance.source, 1, job, provenance)
        return True

    def __len__(self) -> int:
        return len(self._groups)

    def groups(self) -> list[Gap]:
        """The groups, in the order their first job was met."""
        return list(self._groups.values())
