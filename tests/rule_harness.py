"""Run one or more rules over a real input file through the real scan assembly (:mod:`checker.api`:
sources, normalisation, table schema, policy validation, engine) and collect the outcome per job id --
for the rule tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checker.api import ScanRequest, build_setup
from checker.model import JobRef, Problem, Provenance, Result
from checker.plugins import load_plugins
from checker.policy import policy_from_mapping
from checker.summary import Summary

NOW = datetime(2025, 6, 10, tzinfo=UTC)
"""The scan clock the rule tests use unless they say otherwise."""


@dataclass
class Outcome:
    """What a scan produced: ``by_status[rule_id][status]`` = set of 12-character job ids,
    ``results[(rule_id, job_id)]`` = the :class:`Result`; the same keyed by job name (``by_name``,
    ``named``); the problems, and the summary."""

    by_status: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    results: dict[tuple[str, str], Result] = field(default_factory=dict)
    by_name: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    named: dict[tuple[str, str], Result] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    summary: Summary | None = None

    def sets(self, rule_id: str) -> dict[str, set[str]]:
        """``{"PASS": {...}, "FAIL": {...}, "SKIP": {...}, "ERROR": {...}}`` for ``rule_id``."""
        found = self.by_status.get(rule_id, {})
        return {status: found.get(status, set()) for status in ("PASS", "FAIL", "SKIP", "ERROR")}

    def message(self, rule_id: str, job_id: str) -> str:
        """The message of ``rule_id``'s result on ``job_id``."""
        return self.results[(rule_id, job_id)].message


class _Collector:
    needs_timings = False

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome

    def start(self) -> None:
        pass

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        job_id, name = (job.arn or "").rsplit("/", 1)[-1], job.name or ""
        for result in results:
            for key, by_status, by_key in ((job_id, self.outcome.by_status, self.outcome.results),
                                           (name, self.outcome.by_name, self.outcome.named)):
                by_status.setdefault(result.rule.id, {}).setdefault(result.status.value, set()).add(key)
                by_key[(result.rule.id, key)] = result

    def problem(self, problem: Problem) -> None:
        self.outcome.problems.append(problem)

    def finish(self, summary: Summary) -> None:
        self.outcome.summary = summary


def run_rules(path: Path, policy: Mapping[str, Any], now: datetime = NOW) -> Outcome:
    """Scan ``path`` with ``policy`` (a parsed policy file: ``select``, ``rules``, ...) at clock ``now``."""
    registry = load_plugins(autoload=False)
    assert not registry.problems, registry.problems
    request = ScanRequest(locations=(str(path),), policy=policy_from_mapping(policy), now=now)
    outcome = Outcome()
    build_setup(request, registry).run(request, [_Collector(outcome)])
    return outcome


def run_rule(path: Path, rule_id: str, options: Mapping[str, Any] | None = None,
             now: datetime = NOW) -> Outcome:
    """Scan ``path`` with only ``rule_id``, configured with ``options``; the file must hold only
    schema-valid records (asserted)."""
    outcome = run_rules(path, {"select": [rule_id], "rules": {rule_id: dict(options or {})}}, now)
    assert not outcome.problems, [p.message for p in outcome.problems]
    return outcome


# --- shared by the rule tests under tests/rules/ ------------------------------------------------------

DATA = Path(__file__).resolve().parent / "data"
RULES = DATA / "rules"
"""One fixture per rule from BA005 on: ``baNNN-<rule name>.jsonl``, job ids saying what each job exercises."""
FIXTURE = DATA / "rules-fixture.jsonl"
"""The BA001-BA004 fixture; job names say what each job exercises."""
ALL = {"ok", "no-vpc", "vpc-column-absent", "other-subnet", "cross-account-role", "service-role-path", "govcloud",
       "role-null", "timeout-168", "timeout-24", "timeout-null", "tags-null", "no-owner", "empty-owner",
       "upper-owner", "tags-column-absent", "bad-cost-center"}
"""The job names of :data:`FIXTURE`."""


def evaluate(policy: Mapping[str, Any], path: Path = FIXTURE) -> Outcome:
    """Scan ``path`` (default :data:`FIXTURE`) with ``policy``; asserts nothing was an input problem."""
    outcome = run_rules(path, policy)
    assert outcome.problems == []
    return outcome


def sets(outcome: Outcome, rule_id: str) -> dict[str, set[str]]:
    """The non-empty ``{status: job names}`` of ``rule_id`` on :data:`FIXTURE`; asserts every job has one."""
    found = {status: names for status, names in outcome.by_name[rule_id].items() if names}
    assert set().union(*found.values()) == ALL
    return found


def sample_row_one_outcome(folder: Path) -> Outcome:
    """The default policy's outcome on the compliant sample row (tests/data/sample-ddsql-rows.json, row 1)."""
    import json

    rows = json.loads((DATA / "sample-ddsql-rows.json").read_text())
    path = folder / "one.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n")
    return evaluate({}, path)


def check_fixture(rule_id: str, fixture: str, options: Mapping[str, Any], expected: dict[str, set[str]]) -> None:
    """Assert ``rule_id`` with ``options`` gives exactly ``expected`` (``{status: job ids}``) on
    ``RULES / fixture``, every FAIL with a message and pointer, every SKIP saying "not applicable", every
    ERROR an input error naming the absent column."""
    outcome = run_rule(RULES / fixture, rule_id, options)
    assert outcome.sets(rule_id) == expected
    for (rid, job_id), result in outcome.results.items():
        if result.status.value == "FAIL":
            assert result.message and result.pointer, (rid, job_id)
        if result.status.value == "SKIP":
            assert result.message.startswith("not applicable: "), (rid, job_id)
        if result.status.value == "ERROR":  # a column absent from the input: an input error naming it
            assert "not in input" in result.message and result.error_kind is not None
            assert result.error_kind.value == "input"
