"""BA008 (region-allowlist, rules/region_allowlist.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

CASE = ("ba008-region-allowlist.jsonl", {"allowed": ["eu-*"]}, {
    "PASS": {"euwest100001", "eucentral001"},
    "FAIL": {"useast100001", "apsouth10001"},
    "SKIP": set(),
    "ERROR": set(),
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA008", *CASE)
