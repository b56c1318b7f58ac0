"""BA013 (vpc-allowlist, rules/vpc_allowlist.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

BA013_OPTIONS = {"allowed_subnets": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"],
                 "allowed_security_groups": ["sg-0123456789abcdef0"]}


CASE = ("ba013-vpc-allowlist.jsonl", BA013_OPTIONS, {
    "PASS": {"approved0001"},
    "FAIL": {"badsubnet001", "badgroup0001"},
    "SKIP": {"novpc0000001"},
    "ERROR": {"vpcgone00001"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA013", *CASE)
