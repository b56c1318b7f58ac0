"""BA014 (idempotency-token, rules/idempotency_token.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

CASE = ("ba014-idempotency-token.jsonl", {}, {
    "PASS": {"token0000001"},
    "FAIL": {"notoken00001"},
    "SKIP": set(),
    "ERROR": {"tokengone001"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA014", *CASE)
