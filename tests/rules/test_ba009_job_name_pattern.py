"""BA009 (job-name-pattern, rules/job_name_pattern.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

CASE = ("ba009-job-name-pattern.jsonl", {"pattern": "claims-[a-z-]+-[0-9]{8}"}, {
    "PASS": {"conforming01"},
    "FAIL": {"nodate000001", "otherteam001", "prefixonly01"},
    "SKIP": {"namenull0001"},
    "ERROR": set(),
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA009", *CASE)
