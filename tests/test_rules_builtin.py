"""BA001-BA004: exact sets of passing, failing, erroring and skipped jobs on a fixture
(tests/data/rules-fixture.jsonl; job names say what each job exercises)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from rule_harness import Outcome, run_rules

FIXTURE = DATA / "rules-fixture.jsonl"
ALL = {"ok", "no-vpc", "vpc-column-absent", "other-subnet", "cross-account-role", "service-role-path", "govcloud",
       "role-null", "timeout-168", "timeout-24", "timeout-null", "tags-null", "no-owner", "empty-owner",
       "upper-owner", "tags-column-absent", "bad-cost-center"}


def evaluate(policy: dict[str, Any], path: Path = FIXTURE) -> Outcome:
    outcome = run_rules(path, policy)
    assert outcome.problems == []
    return outcome


def sets(outcome: Outcome, rule_id: str) -> dict[str, set[str]]:
    found = {status: names for status, names in outcome.by_name[rule_id].items() if names}
    assert set().union(*found.values()) == ALL
    return found


def test_ba001_vpc_config_required() -> None:
    assert sets(evaluate({}), "BA001") == {
        "FAIL": {"no-vpc"}, "ERROR": {"vpc-column-absent"}, "PASS": ALL - {"no-vpc", "vpc-column-absent"}}


def test_ba001_allowlists() -> None:
    collect = evaluate({"rules": {"BA001": {"allowed_subnets": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e*"],
                                            "allowed_security_groups": ["sg-0123456789abcdef0"]}}})
    assert sets(collect, "BA001")["FAIL"] == {"no-vpc", "other-subnet"}
    result = collect.named[("BA001", "other-subnet")]
    assert result.pointer == "/vpc_config/subnet_ids/1" and "subnet-99999999" in result.message


def test_ba002_role_arn_allowlist_default_is_own_account() -> None:
    collect = evaluate({})
    assert sets(collect, "BA002") == {"FAIL": {"cross-account-role"}, "SKIP": {"role-null"},
                                      "PASS": ALL - {"cross-account-role", "role-null"}}
    assert "210987654321" in collect.named[("BA002", "cross-account-role")].message


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
    assert collect.named[("BA004", "empty-owner")].pointer == "/tags/owner"
    assert collect.named[("BA004", "tags-column-absent")].message.endswith("column tags not in input")


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
    assert collect.named[("BA001", "ok")].message == (
        "not applicable: status is Completed (rule applies to InProgress)")


@pytest.mark.parametrize("rule_id", ["BA001", "BA002", "BA003", "BA004"])
def test_sample_row_one_passes(rule_id: str, tmp_path: Path) -> None:
    import json

    rows = json.loads((DATA / "sample-ddsql-rows.json").read_text())
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n")
    collect = evaluate({}, path)
    assert collect.by_name[rule_id] == {"PASS": {"claims-summary-batch-20250602"}}
