"""BA001 (vpc-config-required, rules/vpc_config_required.py): exact PASS/FAIL/SKIP/ERROR sets on
tests/data/rules-fixture.jsonl (job names say what each job exercises), its options, and the compliant
sample row passing it."""

from __future__ import annotations

from pathlib import Path

from rule_harness import ALL, evaluate, sample_row_one_outcome, sets


def test_ba001_vpc_config_required() -> None:
    assert sets(evaluate({}), "BA001") == {
        "FAIL": {"no-vpc"}, "ERROR": {"vpc-column-absent"}, "PASS": ALL - {"no-vpc", "vpc-column-absent"}}


def test_ba001_allowlists() -> None:
    collect = evaluate({"rules": {"BA001": {"allowed_subnets": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e*"],
                                            "allowed_security_groups": ["sg-0123456789abcdef0"]}}})
    assert sets(collect, "BA001")["FAIL"] == {"no-vpc", "other-subnet"}
    result = collect.named[("BA001", "other-subnet")]
    assert result.pointer == "/vpc_config/subnet_ids/1" and "subnet-99999999" in result.message


def test_statuses_option_makes_other_jobs_not_applicable() -> None:
    collect = evaluate({"rules": {"BA001": {"statuses": ["InProgress"]}}})
    assert sets(collect, "BA001") == {"SKIP": ALL}
    assert collect.named[("BA001", "ok")].message == (
        "not applicable: status is Completed (rule applies to InProgress)")


def test_the_compliant_sample_row_passes(tmp_path: Path) -> None:
    assert sample_row_one_outcome(tmp_path).by_name["BA001"] == {"PASS": {"claims-summary-batch-20250602"}}
