"""The same job twice in one scan is evaluated once and named, with both locations, in every report
(issue 15 item 4)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cli, compliant_row, write_jsonl

from checker.duplicates import SeenJobs, job_identity
from checker.model import Provenance


def test_a_job_in_two_exports_is_evaluated_once_and_named_in_every_report(cli: Cli, tmp_path: Path) -> None:
    finding = compliant_row("dddddddddd01", job_name="no-vpc", vpc_config=None)
    write_jsonl(tmp_path / "monday.jsonl", [compliant_row("dddddddddd00"), finding])
    write_jsonl(tmp_path / "tuesday.jsonl", [finding])
    result = cli("scan", "monday.jsonl", "tuesday.jsonl", "-f", "json", "-o", f"junit={tmp_path / 'r.xml'}",
                 "-o", f"sarif={tmp_path / 'r.sarif'}", "-o", f"markdown={tmp_path / 'r.md'}",
                 "-o", f"text={tmp_path / 'r.txt'}")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    named = ("duplicate job no-vpc: the record at tuesday.jsonl:1 repeats the one at monday.jsonl:2 (same job "
             "ARN); evaluated once, from the first record")
    assert report["warnings"] == [named] and named in result.stderr
    assert report["summary"]["jobs"] == 2 and report["summary"]["records"] == 3
    assert report["summary"]["duplicates"] == 1
    assert [job["source"]["path"] for job in report["jobs"] if any(r["status"] == "FAIL" for r in job["results"])] \
        == ["monday.jsonl"]
    assert report["summary"]["gate_failures"] == 1  # the finding counted once
    for name in ("r.xml", "r.md", "r.txt"):
        assert "tuesday.jsonl:1 repeats the one at monday.jsonl:2" in (tmp_path / name).read_text(), name
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["message"]["text"] == named for n in notes)
    assert len(sarif["runs"][0]["results"]) == 1


def test_past_fifty_duplicates_one_warning_counts_the_rest(cli: Cli, tmp_path: Path) -> None:
    rows = [compliant_row(f"eeeeeeee{n:04d}") for n in range(80)]
    write_jsonl(tmp_path / "a.jsonl", rows)
    write_jsonl(tmp_path / "b.jsonl", rows)
    report = json.loads(cli("scan", "a.jsonl", "b.jsonl", "-f", "json").stdout)
    assert report["summary"]["duplicates"] == 80 and report["summary"]["jobs"] == 80
    assert len(report["warnings"]) == 51
    assert report["warnings"][-1].startswith("duplicate jobs: 30 more records (the first at b.jsonl:51)")


def test_seen_jobs_remembers_the_first_location_through_growth() -> None:
    seen = SeenJobs(capacity=4)
    for n in range(5000):
        assert seen.first_seen(f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{n:012d}",
                               Provenance("a.jsonl", n + 1)) is None
    assert len(seen) == 5000
    again = seen.first_seen("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/000000004321",
                            Provenance("b.csv", 9))
    assert again == Provenance("a.jsonl", 4322)
    assert seen.first_seen("plan", Provenance("aws://1/us-east-1", None, 7)) is None
    assert seen.first_seen("plan", Provenance("x", 1)) == Provenance("aws://1/us-east-1", None, 7)


def test_identity_is_the_arn_else_a_planned_address() -> None:
    assert job_identity({"job_arn": "arn:x"}, Provenance("a")) == "arn:x"
    assert job_identity({"job_arn": None}, Provenance("a")) is None
