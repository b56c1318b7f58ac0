"""BA010 (stale-active-job, rules/stale_active_job.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from datetime import UTC, datetime

from rule_harness import RULES, check_fixture, run_rule

CASE = ("ba010-stale-active-job.jsonl", {}, {
    "PASS": {"fresh0000001", "withingrace1", "youngnoexp01"},
    "FAIL": {"expired00001", "pastgrace001", "tooold000001"},
    "SKIP": {"completed001", "notimes00001", "statusnull01"},
    "ERROR": {"expirygone01"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA010", *CASE)


def test_ba010_options_change_the_verdicts() -> None:
    fixture = RULES / "ba010-stale-active-job.jsonl"
    no_age_limit = run_rule(fixture, "BA010", {"max_active_hours": None})
    assert no_age_limit.sets("BA010")["FAIL"] == {"expired00001", "pastgrace001"}
    assert {"tooold000001", "youngnoexp01", "notimes00001"} <= no_age_limit.sets("BA010")["SKIP"]
    no_grace = run_rule(fixture, "BA010", {"grace_minutes": 0})
    assert no_grace.sets("BA010")["FAIL"] == {"expired00001", "pastgrace001", "tooold000001", "withingrace1"}


def test_ba010_uses_the_scan_clock() -> None:
    fixture = RULES / "ba010-stale-active-job.jsonl"
    early = run_rule(fixture, "BA010", now=datetime(2025, 6, 7, tzinfo=UTC))
    assert early.sets("BA010")["FAIL"] == set()
    late = run_rule(fixture, "BA010", now=datetime(2025, 7, 1, tzinfo=UTC))
    assert late.sets("BA010")["FAIL"] == {"expired00001", "pastgrace001", "tooold000001", "withingrace1",
                                          "fresh0000001", "youngnoexp01"}
    assert "scan clock 2025-07-01T00:00:00Z" in late.message("BA010", "fresh0000001")


def test_ba010_a_scan_clock_before_the_job_was_submitted_cannot_pass_it() -> None:
    """--now set before the export was taken (e.g. the start of the export's period) would make every job
    submitted later look young: the age cannot be judged, so BA010 ERRORs (exit 3) instead of passing."""
    fixture = RULES / "ba010-stale-active-job.jsonl"
    early = run_rule(fixture, "BA010", now=datetime(2025, 6, 7, tzinfo=UTC))
    sets = early.sets("BA010")
    assert sets["PASS"] == {"expired00001", "tooold000001"} and sets["FAIL"] == set()  # submitted before it
    assert sets["ERROR"] == {"fresh0000001", "withingrace1", "pastgrace001", "youngnoexp01", "expirygone01"}
    assert early.message("BA010", "fresh0000001") == (
        "BA010 cannot decide: the scan clock 2025-06-07T00:00:00Z is before the job's submit_time "
        "2025-06-09T00:00:00Z: set --now to when the export was taken")
    # within grace_minutes of the submission (a clock a little behind AWS's) is still judged
    close = run_rule(fixture, "BA010", now=datetime(2025, 6, 8, 23, 0, tzinfo=UTC))
    assert "withingrace1" in close.sets("BA010")["PASS"]
