"""The same job twice in one scan is evaluated once and named, with both locations, in every report
(issue 15 item 4); two records of one job that differ are both evaluated, and named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Cli, compliant_row, write_jsonl

from checker.duplicates import Earlier, SeenJobs, content_hash, job_identity
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


REPORTS = ("r.xml", "r.md", "r.txt")


def _all_reports(cli: Cli, tmp_path: Path, *inputs: str) -> tuple[int, dict[str, Any], str]:
    result = cli("scan", *inputs, "-f", "json", "-o", f"junit={tmp_path / 'r.xml'}",
                 "-o", f"sarif={tmp_path / 'r.sarif'}", "-o", f"markdown={tmp_path / 'r.md'}",
                 "-o", f"text={tmp_path / 'r.txt'}")
    return result.returncode, json.loads(result.stdout), result.stderr


def test_a_second_record_of_a_job_that_differs_is_checked_too(cli: Cli, tmp_path: Path) -> None:
    """The new-user trial: the first record compliant, the second without a VPC. Checking only the first
    passed the gate with a warning."""
    write_jsonl(tmp_path / "monday.jsonl", [compliant_row("dddddddddd03", job_name="drifted")])
    write_jsonl(tmp_path / "tuesday.jsonl", [compliant_row("dddddddddd03", job_name="drifted", vpc_config=None)])
    code, report, stderr = _all_reports(cli, tmp_path, "monday.jsonl", "tuesday.jsonl")
    assert code == 1
    named = ("job drifted read twice: the record at tuesday.jsonl:1 differs from the one at monday.jsonl:1 "
             "(same job ARN): both records checked")
    assert report["warnings"] == [named] and named in stderr
    assert report["summary"]["jobs"] == 2 and report["summary"]["records"] == 2
    assert report["summary"]["duplicates"] == 0 and report["summary"]["gate_failures"] == 1
    failing = [(job["source"]["path"], r["rule_id"]) for job in report["jobs"] for r in job["results"]
               if r["status"] == "FAIL"]
    assert failing == [("tuesday.jsonl", "BA001")]
    for name in REPORTS:
        text = (tmp_path / name).read_text()
        assert "tuesday.jsonl:1 differs from the one at monday.jsonl:1" in text, name
        assert "BA001" in text, name
    assert "records differing from another of the job (all checked)" in (tmp_path / "r.txt").read_text()
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["message"]["text"] == named for n in notes)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["BA001"]


def test_three_snapshots_each_distinct_content_checked_once(cli: Cli, tmp_path: Path) -> None:
    running = compliant_row("dddddddddd04", status="Stopped")
    done = compliant_row("dddddddddd04", status="Completed", _key="another export's key")
    write_jsonl(tmp_path / "a.jsonl", [running, done, {**running, "_key": "k"}, done])
    code, report, _ = _all_reports(cli, tmp_path, "a.jsonl")
    assert code == 0
    assert report["summary"]["jobs"] == 2 and report["summary"]["duplicates"] == 2
    assert report["summary"]["records"] == 4
    assert len(report["warnings"]) == 3
    assert "a.jsonl:2 differs from the one at a.jsonl:1" in report["warnings"][0]
    assert "a.jsonl:3 repeats the one at a.jsonl:1" in report["warnings"][1]
    assert "a.jsonl:4 repeats the one at a.jsonl:2" in report["warnings"][2]


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
    assert again == Earlier(Provenance("a.jsonl", 4322), True)
    assert seen.first_seen("plan", Provenance("aws://1/us-east-1", None, 7)) is None
    assert seen.first_seen("plan", Provenance("x", 1)) == Earlier(Provenance("aws://1/us-east-1", None, 7), True)


def test_seen_jobs_tells_another_content_of_a_job_from_a_repeat_through_growth() -> None:
    seen = SeenJobs(capacity=4)
    first, second = Provenance("mon.jsonl", 3), Provenance("tue.jsonl", 8)
    assert seen.first_seen("job", first, 11) is None
    assert seen.first_seen("job", second, 22) == Earlier(first, False)  # another snapshot: the first named
    for n in range(3000):  # several growths
        seen.first_seen(f"other-{n}", Provenance("x.jsonl", n + 1), n)
    assert seen.first_seen("job", Provenance("wed.jsonl", 1), 22) == Earlier(second, True)
    assert seen.first_seen("job", Provenance("wed.jsonl", 2), 11) == Earlier(first, True)
    assert seen.first_seen("job", Provenance("wed.jsonl", 3), 33) == Earlier(first, False)
    assert len(seen) == 3003


def test_content_leaves_out_only_what_carries_no_job_state() -> None:
    row = compliant_row("dddddddddd02", _key="k1")
    assert content_hash(row) == content_hash({**row, "_key": "k2"}) == content_hash(dict(reversed(row.items())))
    for column, value in (("status", "Failed"), ("last_modified_time", "2025-06-03T00:00:00.000Z"),
                          ("vpc_config", None), ("end_time", None)):
        assert content_hash({**row, column: value}) != content_hash(row), column
    assert content_hash(row, {"tags": "not fetched"}) != content_hash(row)
    assert content_hash({**row, "message": 1 << 70}) != content_hash(row)  # past orjson's ints: still hashed


def test_identity_is_the_arn_else_a_planned_address() -> None:
    assert job_identity({"job_arn": "arn:x"}, Provenance("a")) == "arn:x"
    assert job_identity({"job_arn": None}, Provenance("a")) is None


def test_past_fifty_differing_records_one_warning_counts_the_rest(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [compliant_row(f"ffffffff{n:04d}") for n in range(60)])
    write_jsonl(tmp_path / "b.jsonl", [compliant_row(f"ffffffff{n:04d}", status="Stopped") for n in range(60)])
    report = json.loads(cli("scan", "a.jsonl", "b.jsonl", "-f", "json").stdout)
    assert report["summary"]["jobs"] == 120 and report["summary"]["duplicates"] == 0
    assert len(report["warnings"]) == 51
    assert report["warnings"][-1].startswith("jobs read twice: 10 more records (the first at b.jsonl:51) differ")
