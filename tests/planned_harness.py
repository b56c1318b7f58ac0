"""Scan pre-deployment inputs in-process through the real pipeline and collect what every reporter gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from checker.engine import Engine
from checker.inputs import Inputs
from checker.model import JobRef, Problem, Provenance, Result
from checker.planned.options import PlannedOptions
from checker.plugins import load_plugins
from checker.policy import configure_rules, policy_from_mapping
from checker.reporters.base import Summary
from checker.scan import Pipeline, ScanSettings, result_stages
from checker.sources.request import RequestSource
from checker.sources.tfplan import TfPlanSource

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
    """Scan ``locations`` with the built-in rules (``policy`` as the policy file's content)."""
    registry = load_plugins(autoload=False)
    sources = dict(registry.sources)
    options = options or PlannedOptions()
    sources["tfplan"] = TfPlanSource(options)
    sources["request"] = RequestSource(options)
    settings = policy_from_mapping(policy or {})
    configured = configure_rules(settings, registry.rules)
    collected = Collected()
    pipeline = Pipeline(Engine(configured), [collected, *reporters],
                        ScanSettings(fail_on=settings.fail_on, allow_partial=allow_partial, now=NOW),
                        stages=result_stages(settings, [], None, NOW, configured), note=collected.notes.append)
    pipeline.run(Inputs(sources, collected.notes.append).read(locations, input_format))
    return collected
