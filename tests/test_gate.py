"""Gating is separate from reporting: --fail-on, --soft-fail, --select/--ignore and per-rule severity decide
the exit code, while every result is still in the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli, compliant_row
from gate_scenario import POLICY

FINDINGS = {"vpc_config": None, "timeout_duration_in_hours": 100}  # BA001 high, BA003 medium


@pytest.fixture(autouse=True)
def pinned_rules(tmp_path: Path) -> None:
    """BA001-BA004 only (gate_scenario.POLICY): rules added later must not change these expectations."""
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)


@pytest.fixture
def jobs(jsonl) -> str:
    return str(jsonl([compliant_row("gggggggggg01", **FINDINGS)]))


@pytest.mark.parametrize("fail_on, code", [("critical", 0), ("high", 1), ("medium", 1), ("low", 1), ("info", 1)])
def test_fail_on_decides_the_exit_code_and_every_finding_is_still_reported(cli: Cli, jobs: str, fail_on: str,
                                                                           code: int) -> None:
    result = cli("scan", jobs, "--fail-on", fail_on, "-f", "json", "--include-passed")
    assert result.returncode == code
    report = json.loads(result.stdout)
    assert {r["rule_id"] for r in report["results"] if r["status"] == "FAIL"} == {"BA001", "BA003"}
    assert report["summary"]["gate_failures"] == {"critical": 0, "high": 1}.get(fail_on, 2)


def test_info_findings_are_reported_but_never_fail_unless_asked(cli: Cli, jobs: str, tmp_path: Path) -> None:
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + '[rules.BA001]\nseverity = "info"\n'
                                                  '[rules.BA003]\nseverity = "info"\n')
    result = cli("scan", jobs, "-f", "markdown")
    assert result.returncode == 0
    assert "| info | 2 | no |" in result.stdout and "gate passed" in result.stdout
    assert cli("scan", jobs, "--fail-on", "info").returncode == 1


def test_soft_fail_turns_1_into_0_but_never_hides_errors(cli: Cli, jsonl, tmp_path: Path) -> None:
    path = str(jsonl([compliant_row("gggggggggg02", **FINDINGS), "{broken"]))
    assert cli("scan", path, "--soft-fail").returncode == 3
    clean = str(jsonl([compliant_row("gggggggggg03", **FINDINGS)], name="clean.jsonl"))
    result = cli("scan", clean, "--soft-fail", "-f", "markdown")
    assert result.returncode == 0 and "(soft fail)" in result.stdout
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + "soft-fail = true\n")
    assert cli("scan", clean).returncode == 0


@pytest.mark.parametrize("args, code, ran", [
    (["--select", "timeout-bounds"], 1, {"BA003"}),
    (["--select", "BA00[34]"], 1, {"BA003", "BA004"}),
    (["--select", "*-tags"], 0, {"BA004"}),
    (["--ignore", "vpc-*", "--ignore", "BA003"], 0, {"BA002", "BA004"}),
])
def test_select_and_ignore_take_ids_names_and_globs(cli: Cli, jobs: str, args: list[str], code: int,
                                                     ran: set[str]) -> None:
    result = cli("scan", jobs, *args, "-f", "sarif")
    assert result.returncode == code
    log = json.loads(result.stdout)
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]} == ran


def test_a_severity_override_changes_the_gate_and_the_reports(cli: Cli, jobs: str, tmp_path: Path) -> None:
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + 'fail-on = "high"\n[rules.BA001]\nseverity = "medium"\n')
    result = cli("scan", jobs, "-f", "json", "--include-passed")
    assert result.returncode == 0
    severities = {r["rule_id"]: r["severity"] for r in json.loads(result.stdout)["results"]}
    assert severities["BA001"] == "medium"
