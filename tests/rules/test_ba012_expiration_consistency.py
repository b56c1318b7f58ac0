"""BA012 (expiration-consistency, rules/expiration_consistency.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

CASE = ("ba012-expiration-consistency.jsonl", {}, {
    "PASS": {"exact0000001", "withintol001"},
    "FAIL": {"edited000001", "tzshift00001"},
    "SKIP": {"nulltimeout1", "nullexpiry01"},
    "ERROR": {"submitgone01"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA012", *CASE)
