"""BA011 (job-outcome, rules/job_outcome.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

CASE = ("ba011-job-outcome.jsonl", {}, {
    "PASS": {"completed001", "msggone00002"},
    "FAIL": {"failed000001", "failednomsg1", "stopped00001", "partial00001", "expired00001"},
    "SKIP": {"inprogress01"},
    "ERROR": {"msggone00001"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA011", *CASE)
