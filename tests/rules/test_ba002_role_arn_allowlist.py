"""BA002 (role-arn-allowlist, rules/role_arn_allowlist.py): exact PASS/FAIL/SKIP/ERROR sets on
tests/data/rules-fixture.jsonl (job names say what each job exercises), its options, and the compliant
sample row passing it."""

from __future__ import annotations

from pathlib import Path

from rule_harness import ALL, evaluate, sample_row_one_outcome, sets


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


def test_the_compliant_sample_row_passes(tmp_path: Path) -> None:
    assert sample_row_one_outcome(tmp_path).by_name["BA002"] == {"PASS": {"claims-summary-batch-20250602"}}
