"""BA003 (timeout-bounds, rules/timeout_bounds.py): exact PASS/FAIL/SKIP/ERROR sets on
tests/data/rules-fixture.jsonl (job names say what each job exercises), its options, and the compliant
sample row passing it."""

from __future__ import annotations

from pathlib import Path

from rule_harness import ALL, evaluate, sample_row_one_outcome, sets


def test_ba003_timeout_bounds() -> None:
    assert sets(evaluate({}), "BA003") == {"FAIL": {"timeout-168", "timeout-null"},
                                           "PASS": ALL - {"timeout-168", "timeout-null"}}
    custom = evaluate({"rules": {"BA003": {"min_hours": 48, "max_hours": 168, "allow_unset": True}}})
    assert sets(custom, "BA003") == {"FAIL": {"timeout-24"}, "SKIP": {"timeout-null"},
                                     "PASS": ALL - {"timeout-24", "timeout-null"}}


def test_the_compliant_sample_row_passes(tmp_path: Path) -> None:
    assert sample_row_one_outcome(tmp_path).by_name["BA003"] == {"PASS": {"claims-summary-batch-20250602"}}
