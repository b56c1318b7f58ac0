"""BA004 (mandatory-tags, rules/mandatory_tags.py): exact PASS/FAIL/SKIP/ERROR sets on
tests/data/rules-fixture.jsonl (job names say what each job exercises), its options, and the compliant
sample row passing it."""

from __future__ import annotations

from pathlib import Path

from rule_harness import ALL, evaluate, sample_row_one_outcome, sets


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


def test_the_compliant_sample_row_passes(tmp_path: Path) -> None:
    assert sample_row_one_outcome(tmp_path).by_name["BA004"] == {"PASS": {"claims-summary-batch-20250602"}}
