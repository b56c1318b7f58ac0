"""Baselines end to end through the console script: create one, then gate only on new failures while
existing ones stay visible and fixed ones are listed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from conftest import Cli, compliant_row, write_jsonl
from gate_scenario import NOW, POLICY, arn, write_scenario

from checker.schema import load_schema

BAD_ROLE = "arn:aws:iam::210987654321:role/partner"


@pytest.fixture(autouse=True)
def pinned_rules(tmp_path: Path) -> None:
    """BA001-BA004 only (gate_scenario.POLICY): rules added later must not change these expectations."""
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)


def rows() -> list[dict]:
    return [
        compliant_row("ffffffffff01", job_name="ok"),
        compliant_row("ffffffffff02", job_name="no-vpc", vpc_config=None),
        compliant_row("ffffffffff03", job_name="cross-account", role_arn=BAD_ROLE, tags={}),
    ]


def job(i: int) -> str:
    return f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/ffffffffff0{i}"


def create(cli: Cli, *args: str) -> dict:
    result = cli("baseline", "create", *args, "-o", "baseline.json", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "baseline.json: baseline of" in result.stderr
    return json.loads((cli.cwd / "baseline.json").read_text())


def test_create_records_every_failure_keyed_by_rule_and_job(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", rows())
    document = create(cli, "jobs.jsonl")
    validator = jsonschema.Draft202012Validator(load_schema("baseline.schema.json"),
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(document)) == []
    assert [(e["rule_id"], e["job_arn"]) for e in document["entries"]] == [
        ("BA001", job(2)), ("BA002", job(3)), ("BA004", job(3))]
    assert document["created_at"] == NOW and document["rules"] == ["BA001", "BA002", "BA003", "BA004"]


def test_create_note_counts_the_failing_jobs_not_the_scanned_ones(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", rows())
    write_jsonl(tmp_path / "again.jsonl", rows())  # the same jobs exported twice: one entry per key
    result = cli("baseline", "create", "jobs.jsonl", "again.jsonl", "-o", "baseline.json", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "baseline.json: baseline of 3 failures on 2 jobs written (3 jobs scanned)" in result.stderr
    assert result.stderr.count("duplicate job") == 3  # each job of again.jsonl evaluated once, named


def test_scan_with_the_baseline_fails_only_on_new_failures(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", rows())
    create(cli, "jobs.jsonl")
    same = cli("scan", "jobs.jsonl", "--baseline", "baseline.json", "-f", "json", "--include-passed")
    assert same.returncode == 0, same.stdout
    report = json.loads(same.stdout)
    assert {r["baseline"] for r in report["results"] if r["status"] == "FAIL"} == {"existing"}
    assert report["summary"]["baselined"] == 3 and report["summary"]["gate_failures"] == 0
    assert report["baseline"] == {"path": "baseline.json", "entries": 3, "new": 0, "existing": 3, "fixed": [],
                                  "unchecked": 0}
    # the existing failures are still reported, in every format
    text = cli("scan", "jobs.jsonl", "--baseline", "baseline.json").stdout
    assert text.count("(existing, in baseline)") == 3 and "gate passed" in text

    # a new job with a finding, one job fixed, the file reordered and its lines moved
    changed = [rows()[2], compliant_row("ffffffffff04", job_name="brand-new", timeout_duration_in_hours=100),
               rows()[0], compliant_row("ffffffffff02", job_name="no-vpc")]
    write_jsonl(tmp_path / "jobs.jsonl", ["", *changed])
    result = cli("scan", "jobs.jsonl", "--baseline", "baseline.json", "-f", "json", "--include-passed", "-o", "markdown=r.md",
                 "-o", "sarif=r.sarif")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    marks = {(r["rule_id"], r["job"]["name"]): r["baseline"] for r in report["results"] if r["status"] == "FAIL"}
    assert marks == {("BA002", "cross-account"): "existing", ("BA004", "cross-account"): "existing",
                     ("BA003", "brand-new"): "new"}
    outcome = report["baseline"]
    assert (outcome["new"], outcome["existing"], outcome["unchecked"]) == (1, 2, 0)
    assert [(e["rule_id"], e["job_arn"]) for e in outcome["fixed"]] == [("BA001", job(2))]
    markdown = (tmp_path / "r.md").read_text()
    assert "**1** new failures (these gate), 2 existing (reported, not gating), 1 fixed" in markdown
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    states = {(r["ruleId"], r["properties"]["jobName"]): r["baselineState"] for r in sarif["runs"][0]["results"]}
    assert states[("BA003", "brand-new")] == "new" and states[("BA002", "cross-account")] == "unchanged"
    # --fail-on still applies to new failures: BA003 is medium
    assert cli("scan", "jobs.jsonl", "--baseline", "baseline.json", "--fail-on", "high").returncode == 0


def test_entries_of_jobs_not_scanned_are_unchecked_not_fixed(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", rows())
    create(cli, "jobs.jsonl")
    write_jsonl(tmp_path / "subset.jsonl", rows()[:2])
    report = json.loads(cli("scan", "subset.jsonl", "--baseline", "baseline.json", "-f", "json", "--include-passed").stdout)
    assert report["baseline"]["fixed"] == [] and report["baseline"]["unchecked"] == 2
    report = json.loads(cli("scan", "jobs.jsonl", "--baseline", "baseline.json", "--ignore", "BA004",
                            "-f", "json", "--include-passed").stdout)
    assert report["baseline"]["unchecked"] == 1 and report["baseline"]["fixed"] == []


def test_a_waiver_that_lapses_after_the_baseline_was_created_fails_the_gate(cli: Cli, tmp_path: Path) -> None:
    write_scenario(tmp_path)
    document = create(cli, "jobs.jsonl", "--waivers", "waivers.toml")
    keys = {(e["rule_id"], e["job_arn"]) for e in document["entries"]}
    assert ("BA001", arn("legacy-etl")) not in keys  # waived then: not a failure to accept
    assert ("BA003", arn("nightly-summaries")) in keys  # its waiver had already lapsed
    assert cli("scan", "jobs.jsonl", "--waivers", "waivers.toml", "--baseline", "baseline.json",
               "--now", NOW).returncode == 0
    later = cli("scan", "jobs.jsonl", "--waivers", "waivers.toml", "--baseline", "baseline.json",
                "--now", "2025-10-01", "-f", "json", "--include-passed")
    assert later.returncode == 1
    (lapsed,) = [r for r in json.loads(later.stdout)["results"] if r["rule_id"] == "BA001" and r["status"] == "FAIL"]
    assert lapsed["baseline"] == "new" and "lapsed on 2025-09-30" in lapsed["message"]


def test_no_baseline_is_written_from_an_incomplete_scan(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", [*rows(), "{broken"])
    (tmp_path / "baseline.json").write_text("previous")
    result = cli("baseline", "create", "jobs.jsonl", "-o", "baseline.json")
    assert result.returncode == 3
    assert "baseline not written" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "baseline.json").read_text() == "previous"
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_a_refused_baseline_names_the_errors_that_made_it_refuse(cli: Cli, tmp_path: Path) -> None:
    no_tags = compliant_row("ffffffffff04", job_name="untagged")
    del no_tags["tags"]  # BA004 cannot decide: an ERROR result (counted as an input error)
    write_jsonl(tmp_path / "jobs.jsonl", [*rows(), "{broken", no_tags])
    result = cli("baseline", "create", "jobs.jsonl", "-o", "baseline.json", "--now", NOW)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert any(line.startswith("bedrock-audit: error: jobs.jsonl:4: input error: line 4: invalid JSON")
               for line in lines), result.stderr
    assert any("jobs.jsonl:5: BA004 mandatory-tags on untagged: " in line for line in lines), result.stderr
    assert lines[-1].startswith("bedrock-audit: error: baseline not written: 2 input and 0 plugin/rule errors")
    assert not (tmp_path / "baseline.json").exists()


def test_a_refused_baseline_shows_the_first_errors_and_counts_the_rest(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", ["{broken"] * 25)
    result = cli("baseline", "create", "jobs.jsonl", "-o", "baseline.json")
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert sum("invalid JSON" in line for line in lines) == 20
    assert "... and 5 more errors (`bedrock-audit scan` with the same inputs" in result.stderr
    assert "25 input and 0 plugin/rule errors" in lines[-1]


def test_baseline_usage_errors_exit_2(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", rows())
    for args, expected in [
        (["baseline", "create", "jobs.jsonl"], "name the baseline file with -o FILE"),
        (["baseline", "create", "-o", "b.json"], "no input given"),
        (["scan", "jobs.jsonl", "--baseline", "missing.json"], "missing.json: baseline file not found"),
        (["scan", "jobs.jsonl", "--baseline", "jobs.jsonl"], "jobs.jsonl: not a baseline file: invalid JSON"),
        (["scan", "jobs.jsonl", "--baseline", "other.json"], "other.json: not a bedrock-audit baseline"),
    ]:
        (tmp_path / "other.json").write_text('{"entries": []}')
        result = cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr


def test_baseline_help_teaches(cli: Cli) -> None:
    result = cli("baseline", "create", "--help")
    assert result.returncode == 0
    assert "bedrock-audit scan exports/ --baseline" in result.stdout
    assert "--baseline" in cli("scan", "--help").stdout
    # its exit codes are its own: findings never make it exit 1, and it has no --fail-on/--allow-partial
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 baseline written" in text
    assert "1 findings" not in text and "--fail-on" not in text and "--allow-partial" not in text


def test_a_refused_baseline_names_a_missing_column_once_with_the_number_of_jobs(cli: Cli, tmp_path: Path) -> None:
    """Issue 15, items 5 and 6: a column absent from the export is one line per rule and input, as in
    the reports, not one per row; the other errors are still named."""
    no_vpc = []
    for i in range(30):
        row = compliant_row(f"ffffffff{i:04d}", job_name=f"nightly-{i}")
        del row["vpc_config"]
        no_vpc.append(row)
    write_jsonl(tmp_path / "jobs.jsonl", [*no_vpc, "{broken"])
    result = cli("baseline", "create", "jobs.jsonl", "-o", "baseline.json", "--now", NOW)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    vpc = [line for line in lines if "vpc_config not in input" in line]
    assert vpc == ["bedrock-audit: error: jobs.jsonl: BA001 vpc-config-required on 30 jobs (first: nightly-0 at "
                   "jobs.jsonl:1): BA001 cannot decide: column vpc_config not in input"], result.stderr
    assert any("jobs.jsonl:31: input error: line 31: invalid JSON" in line for line in lines), result.stderr
    assert "more errors" not in result.stderr
    assert lines[-1].startswith("bedrock-audit: error: baseline not written: 31 input and 0 plugin/rule errors")
