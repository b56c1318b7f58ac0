"""Scan pre-deployment inputs in-process through the real pipeline and collect what every reporter gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from checker.model import JobRef, Problem, Provenance, Result
from checker.planned.options import PlannedOptions
from checker.summary import Summary

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@dataclass
class Collected:
    """What a scan produced: jobs with their results, problems, notes, the summary."""

    jobs: list[tuple[JobRef, Provenance, list[Result]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: Summary | None = None

    def start(self) -> None:
        pass

    def job(self, job: JobRef, provenance: Provenance, results: Any) -> None:
        self.jobs.append((job, provenance, list(results)))

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    def finish(self, summary: Summary) -> None:
        self.summary = summary

    def verdicts(self) -> dict[str, dict[str, str]]:
        """``{job label: {rule id: status}}``."""
        return {ref.label: {r.rule.id: r.status.value for r in results} for ref, _, results in self.jobs}

    def result(self, label: str, rule_id: str) -> Result:
        for ref, _, results in self.jobs:
            if ref.label == label:
                return next(r for r in results if r.rule.id == rule_id)
        raise KeyError(label)


def scan(locations: list[str], options: PlannedOptions | None = None, policy: dict[str, Any] | None = None,
         input_format: str | None = None, allow_partial: bool = False, reporters: list[Any] = ()) -> Collected:
    """Scan ``locations`` with the built-in rules (``policy`` as the policy file's content) through the
    front door (:mod:`checker.api`), collecting what a reporter receives."""
    from checker.api import ScanRequest, build_setup
    from checker.plugins import load_plugins
    from checker.policy import policy_from_mapping

    options = options or PlannedOptions()
    request = ScanRequest(locations=tuple(locations), input_format=input_format,
                          policy=policy_from_mapping(policy or {}), allow_partial=allow_partial, now=NOW,
                          source_options=dict.fromkeys(("tfplan", "request", "tf"), options))
    collected = Collected()
    setup = build_setup(request, load_plugins(autoload=False))
    setup.run(request, [collected, *reporters], note=collected.notes.append)
    return collected
