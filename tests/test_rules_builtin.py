"""BA001-BA004: exact sets of passing, failing, erroring and skipped jobs on a fixture
(tests/data/rules-fixture.jsonl; job names say what each job exercises)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from checker.engine import Engine
from checker.inputs import Inputs
from checker.model import JobRef, Problem, Provenance, Result
from checker.plugins import load_plugins
from checker.policy import configure_rules, policy_from_mapping
from checker.scan import Pipeline, ScanSettings

FIXTURE = DATA / "rules-fixture.jsonl"
ALL = {"ok", "no-vpc", "vpc-column-absent", "other-subnet", "cross-account-role", "service-role-path", "govcloud",
       "role-null", "timeout-168", "timeout-24", "timeout-null", "tags-null", "no-owner", "empty-owner",
       "upper-owner", "tags-column-absent", "bad-cost-center"}


class Collect:
    """A reporter that keeps {rule id: {status: {job name}}} and the messages."""

    def __init__(self) -> None:
        self.verdicts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.messages: dict[tuple[str, str], Result] = {}
        self.problems: list[Problem] = []

    def start(self) -> None: ...

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        for result in results:
            self.verdicts[result.rule.id][result.status.value].add(job.name or "")
            self.messages[(result.rule.id, job.name or "")] = result

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    def finish(self, summary: Any) -> None: ...


def evaluate(policy: dict[str, Any], path: Path = FIXTURE) -> Collect:
    registry = load_plugins(autoload=False)
    configured = configure_rules(policy_from_mapping(policy), registry.rules)
    collect = Collect()
    Pipeline(Engine(configured), [collect], ScanSettings()).run(Inputs(registry.sources, print).read([str(path)]))
    assert collect.problems == []
    return collect


def sets(collect: Collect, rule_id: str) -> dict[str, set[str]]:
    found = {status: names for status, names in collect.verdicts[rule_id].items() if names}
    assert set().union(*found.values()) == ALL
    return found


def test_ba001_vpc_config_required() -> None:
    assert sets(evaluate({}), "BA001") == {
        "FAIL": {"no-vpc"}, "ERROR": {"vpc-column-absent"}, "PASS": ALL - {"no-vpc", "vpc-column-absent"}}


def test_ba001_allowlists() -> None:
    collect = evaluate({"rules": {"BA001": {"allowed_subnets": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e*"],
                                            "allowed_security_groups": ["sg-0123456789abcdef0"]}}})
    assert sets(collect, "BA001")["FAIL"] == {"no-vpc", "other-subnet"}
    result = collect.messages[("BA001", "other-subnet")]
    assert result.pointer == "/vpc_config/subnet_ids/1" and "subnet-99999999" in result.message


def test_ba002_role_arn_allowlist_default_is_own_account() -> None:
    collect = evaluate({})
    assert sets(collect, "BA002") == {"FAIL": {"cross-account-role"}, "SKIP": {"role-null"},
                                      "PASS": ALL - {"cross-account-role", "role-null"}}
    assert "210987654321" in collect.messages[("BA002", "cross-account-role")].message


def test_ba002_custom_patterns() -> None:
    collect = evaluate({"rules": {"BA002": {"allowed": ["arn:{partition}:iam::{account_id}:role/BedrockBatch*"]}}})
    # the sample's role is role/service-role/BedrockBatchInferenceRole-claims: not role/BedrockBatch*
    assert sets(collect, "BA002") == {"PASS": {"govcloud"}, "SKIP": {"role-null"},
                                      "FAIL": ALL - {"govcloud", "role-null"}}
    collect = evaluate({"rules": {"BA002": {"allowed": ["arn:aws:iam::210987654321:role/*",
                                                        "arn:{partition}:iam::{account_id}:role/*"]}}})
    assert "FAIL" not in sets(collect, "BA002")


def test_ba003_timeout_bounds() -> None:
    assert sets(evaluate({}), "BA003") == {"FAIL": {"timeout-168", "timeout-null"},
                                           "PASS": ALL - {"timeout-168", "timeout-null"}}
    custom = evaluate({"rules": {"BA003": {"min_hours": 48, "max_hours": 168, "allow_unset": True}}})
    assert sets(custom, "BA003") == {"FAIL": {"timeout-24"}, "SKIP": {"timeout-null"},
                                     "PASS": ALL - {"timeout-24", "timeout-null"}}


def test_ba004_mandatory_tags() -> None:
    collect = evaluate({})
    failing = {"tags-null", "no-owner", "empty-owner", "upper-owner"}
    assert sets(collect, "BA004") == {"FAIL": failing, "ERROR": {"tags-column-absent"},
                                      "PASS": ALL - failing - {"tags-column-absent"}}
    assert collect.messages[("BA004", "empty-owner")].pointer == "/tags/owner"
    assert collect.messages[("BA004", "tags-column-absent")].message.endswith("column tags not in input")


def test_ba004_case_insensitive_keys_and_value_patterns() -> None:
    collect = evaluate({"rules": {"BA004": {"key_case": "insensitive",
                                            "patterns": {"cost-center": "cc-[0-9]+"}}}})
    assert sets(collect, "BA004")["FAIL"] == {"tags-null", "no-owner", "empty-owner", "bad-cost-center"}
    allowed = evaluate({"rules": {"BA004": {"allowed_values": {"cost-center": ["cc-4410", "cc-1"]}}}})
    assert sets(allowed, "BA004")["FAIL"] == {"tags-null", "no-owner", "empty-owner", "upper-owner",
                                              "bad-cost-center"}


def test_statuses_option_makes_other_jobs_not_applicable() -> None:
    collect = evaluate({"rules": {"BA001": {"statuses": ["InProgress"]}}})
    assert sets(collect, "BA001") == {"SKIP": ALL}
    assert collect.messages[("BA001", "ok")].message == (
        "not applicable: status is Completed (rule applies to InProgress)")


@pytest.mark.parametrize("rule_id", ["BA001", "BA002", "BA003", "BA004"])
def test_sample_row_one_passes(rule_id: str, tmp_path: Path) -> None:
    import json

    rows = json.loads((DATA / "sample-ddsql-rows.json").read_text())
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n")
    collect = evaluate({}, path)
    assert collect.verdicts[rule_id] == {"PASS": {"claims-summary-batch-20250602"}}
