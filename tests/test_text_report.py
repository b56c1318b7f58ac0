"""The text report a person reads (issue 15 items 5 and 13): grouped by rule with what gates first and
counted, non-gating findings labelled NOTE, ``--quiet`` showing only what gates, ``--group-by job``, a
verdict naming the gating count and threshold, and an absent column reported once per rule and input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli, compliant_row
from gate_scenario import POLICY

NO_COLOR = {"NO_COLOR": "1"}


@pytest.fixture(autouse=True)
def pinned_rules(tmp_path: Path) -> None:
    """BA001-BA004 only (gate_scenario.POLICY)."""
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)


def _jobs(jsonl) -> str:
    rows = [compliant_row("aaaaaaaaaa01", job_name="no-vpc", vpc_config=None),            # BA001 high
            compliant_row("aaaaaaaaaa02", job_name="long", timeout_duration_in_hours=100),  # BA003 medium
            compliant_row("aaaaaaaaaa03", job_name="untagged", tags={}),                    # BA004 medium
            compliant_row("aaaaaaaaaa04", job_name="no-vpc-2", vpc_config=None)]
    return str(jsonl(rows))


def test_grouped_by_rule_gating_first_with_counts_and_the_verdict_names_the_threshold(cli: Cli, jsonl) -> None:
    result = cli("scan", _jobs(jsonl), "--fail-on", "high", env=NO_COLOR)
    assert result.returncode == 1
    out = result.stdout
    gate, notes = out.index("== FAIL: findings that gate at --fail-on high: 2"), out.index("== NOTE:")
    assert gate < out.index("-- BA001 vpc-config-required [high]: 2") < notes
    assert notes < out.index("NOTE  BA003 timeout-bounds [medium]  long") and "FAIL  BA003" not in out
    assert out.strip().splitlines()[-1] == ("gate failed: 2 findings gate at --fail-on high; 2 more below the "
                                           "threshold (exit 1)")


def test_quiet_shows_only_what_gates(cli: Cli, jsonl) -> None:
    result = cli("scan", _jobs(jsonl), "--fail-on", "high", "--quiet", env=NO_COLOR)
    assert result.returncode == 1
    assert "BA001" in result.stdout and "BA003" not in result.stdout and "BA004" not in result.stdout
    assert "summary" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("gate failed: 2 findings gate at --fail-on high")


def test_group_by_job_lists_in_input_order(cli: Cli, jsonl) -> None:
    result = cli("scan", _jobs(jsonl), "--fail-on", "high", "--group-by", "job", env=NO_COLOR)
    labels = [line.split()[1] for line in result.stdout.splitlines() if line.startswith(("FAIL ", "NOTE "))]
    assert labels == ["BA001", "BA003", "BA004", "BA001"]
    assert "==" not in result.stdout
    bad = cli("scan", _jobs(jsonl), "--group-by", "severity")
    assert bad.returncode == 2 and "--group-by: expected rule or job" in bad.stderr


def test_passing_gate_counts_what_did_not_gate(cli: Cli, jsonl) -> None:
    result = cli("scan", _jobs(jsonl), "--fail-on", "critical", env=NO_COLOR)
    assert result.returncode == 0
    assert result.stdout.strip().splitlines()[-1] == ("gate passed: no finding gates at --fail-on critical; 4 "
                                                     "below the threshold (exit 0)")


def test_a_column_absent_from_an_input_is_one_error_per_rule_with_the_job_count(cli: Cli, jsonl,
                                                                               tmp_path: Path) -> None:
    rows = []
    for n in range(300):
        row = compliant_row(f"bbbbbbbb{n:04d}", job_name=f"job-{n}")
        del row["vpc_config"], row["tags"]
        rows.append(row)
    jsonl(rows, name="export.jsonl")
    path = "export.jsonl"  # as a user names it (the cli fixture runs in tmp_path)
    result = cli("scan", path, "-o", f"junit={tmp_path / 'r.xml'}", "-o", f"sarif={tmp_path / 'r.sarif'}",
                 "-o", f"markdown={tmp_path / 'r.md'}", "-o", f"json={tmp_path / 'r.json'}", env=NO_COLOR)
    assert result.returncode == 3  # unchanged: unknown data is a gap
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert errors == ["ERROR BA001 vpc-config-required [high]  export.jsonl: 300 jobs (first: job-0 at "
                      "export.jsonl:1)",
                      "ERROR BA004 mandatory-tags [medium]  export.jsonl: 300 jobs (first: job-0 at export.jsonl:1)"]
    assert len(result.stdout.splitlines()) < 40
    junit = (tmp_path / "r.xml").read_text()
    assert junit.count("<error ") == 2 and 'errors="2"' in junit
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes if n["level"] == "error"] == [
        "BA001 cannot decide: column vpc_config not in input (export.jsonl: 300 jobs (first: job-0 at export.jsonl:1))",
        "BA004 cannot decide: column tags not in input (export.jsonl: 300 jobs (first: job-0 at export.jsonl:1))"]
    assert (tmp_path / "r.md").read_text().count("not in input") == 2
    report = json.loads((tmp_path / "r.json").read_text())  # a program still sees every affected job
    affected = {job["job"]["name"] for job in report["jobs"]
                for r in job["results"] if r["status"] == "ERROR" and r["rule_id"] == "BA001"}
    assert len(affected) == 300 and report["summary"]["error_results"]["input"] == 600
