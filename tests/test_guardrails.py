"""Waiver guardrails as a user meets them: a waiver whose job pattern matches every job, or that lasts
longer than waiver-max-days (default 365), is refused (exit 2, naming the waiver and why) unless the
policy file says waiver-guardrails = "warn" (then a warning in every report)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import Cli, compliant_row, write_jsonl
from gate_scenario import POLICY

from checker.guardrails import matches_every_job
from checker.waivers import Waiver

NOW = "2025-07-01"


def waiver(job: str = "legacy-*", expires: str = "2025-09-30", extra: str = "") -> str:
    return (f'[[waivers]]\nrule = "BA001"\njob = "{job}"\nreason = "SEC-123"\nowner = "ml-platform"\n'
            f"expires = {expires}\n{extra}\n")


@pytest.fixture
def jobs(tmp_path: Path) -> str:
    """One job (legacy-etl) whose only finding is BA001."""
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)
    return str(write_jsonl(tmp_path / "jobs.jsonl", [compliant_row("eeeeeeeeee01", job_name="legacy-etl",
                                                                   vpc_config=None)]))


@pytest.mark.parametrize("job", ["*", "**", "arn:*", "arn:aws:bedrock:*", "*:model-invocation-job/*", "?*",
                                 "*aws_bedrock_model_invocation_job.*"])
def test_a_waiver_for_every_job_is_refused(cli: Cli, tmp_path: Path, jobs: str, job: str) -> None:
    (tmp_path / "w.toml").write_text(waiver(job))
    result = cli("scan", jobs, "--waivers", "w.toml", "--now", NOW)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"bedrock-audit: error: w.toml: waivers[0]: job {job!r} matches every job and no account, region or tags "
        "narrows it: a waiver must name the jobs it excuses (to turn a rule off for every job, use ignore or "
        "[rules.ID] enabled = false instead); to accept such waivers, set waiver-guardrails = \"warn\" in the "
        "policy file\n")  # raising waiver-max-days would not help: not offered


@pytest.mark.parametrize("job, extra", [
    ("legacy-*", ""),
    ("*", 'account = "123456789012"'),
    ("*", 'region = "us-east-1"'),
    ("*", 'tags = { env = "prod" }'),
    ("arn:aws:bedrock:*:123456789012:*", ""),
])
def test_a_narrowed_waiver_is_accepted(cli: Cli, tmp_path: Path, jobs: str, job: str, extra: str) -> None:
    (tmp_path / "w.toml").write_text(waiver(job, extra=extra))
    result = cli("scan", jobs, "--waivers", "w.toml", "--now", NOW, "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["waived"] == 1


def test_an_account_or_region_glob_that_matches_everything_does_not_narrow() -> None:
    def make(**kw: str) -> Waiver:
        return Waiver(rule="BA001", job="*", reason="r", owner="o", expires=date(2025, 9, 30), origin="o", **kw)

    assert matches_every_job(make(account="*")) and matches_every_job(make(region="*-*"))
    assert not matches_every_job(make(account="1*")) and not matches_every_job(make(region="us-*"))


def test_a_waiver_past_the_maximum_is_refused_and_the_maximum_is_the_policys(cli: Cli, tmp_path: Path,
                                                                               jobs: str) -> None:
    (tmp_path / "w.toml").write_text(waiver(expires="2026-07-02"))  # 366 days after NOW
    refused = cli("scan", jobs, "--waivers", "w.toml", "--now", NOW)
    assert refused.returncode == 2
    assert ("error: w.toml: waivers[0]: expires 2026-07-02 is 366 days away, more than waiver-max-days (365): "
            "a waiver is reviewed when it lapses; shorten expires; to accept such waivers, set "
            "waiver-guardrails = \"warn\" (or raise waiver-max-days) in the policy file") in refused.stderr
    (tmp_path / "w.toml").write_text(waiver(expires="2026-07-01"))  # 365 days: allowed
    assert cli("scan", jobs, "--waivers", "w.toml", "--now", NOW).returncode == 0
    # the clock is the scan's: the same waiver scanned earlier is too long
    assert cli("scan", jobs, "--waivers", "w.toml", "--now", "2025-06-30").returncode == 2
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + "waiver-max-days = 90\n")
    short = cli("scan", jobs, "--waivers", "w.toml", "--now", NOW)
    assert short.returncode == 2 and "365 days away, more than waiver-max-days (90)" in short.stderr
    (tmp_path / "w.toml").write_text(waiver(expires="2030-01-01"))
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + "waiver-max-days = 3650\n")
    assert cli("scan", jobs, "--waivers", "w.toml", "--now", NOW).returncode == 0


def test_policy_file_waivers_are_guarded_too_and_every_finding_is_counted(cli: Cli, tmp_path: Path,
                                                                          jobs: str) -> None:
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + waiver("*", "2099-01-01") + waiver("legacy-*"))
    result = cli("scan", jobs, "--now", NOW)
    assert result.returncode == 2
    assert "bedrock-audit.toml: waivers[0]: job '*' matches every job" in result.stderr
    assert "(and 1 more guardrail findings)" in result.stderr
    # the catch-all is among them: raising waiver-max-days alone would not let the scan run
    assert "waiver-max-days)" not in result.stderr


def test_warn_mode_turns_refusals_into_warnings_in_every_report(cli: Cli, tmp_path: Path, jobs: str) -> None:
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + 'waiver-guardrails = "warn"\n')
    (tmp_path / "w.toml").write_text(waiver("*", "2030-01-01"))
    result = cli("scan", jobs, "--waivers", "w.toml", "--now", NOW, "-f", "json", "-o", "junit=r.xml")
    assert result.returncode == 0, result.stderr  # the waiver applies
    report = json.loads(result.stdout)
    assert report["summary"]["waived"] == 1
    every, far = report["warnings"]
    assert every.startswith("waiver guardrail: w.toml: waivers[0]: job '*' matches every job")
    assert far.startswith("waiver guardrail: w.toml: waivers[0]: expires 2030-01-01 is 1645 days away")
    assert "bedrock-audit: warning: waiver guardrail: w.toml: waivers[0]: job '*'" in result.stderr
    assert "waiver guardrail" in (tmp_path / "r.xml").read_text()


def test_a_waivers_file_cannot_relax_the_guardrails(cli: Cli, tmp_path: Path, jobs: str) -> None:
    (tmp_path / "w.toml").write_text('waiver-guardrails = "warn"\n' + waiver("*"))
    result = cli("scan", jobs, "--waivers", "w.toml", "--now", NOW)
    assert result.returncode == 2 and "w.toml: unknown key 'waiver-guardrails'" in result.stderr
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + 'waiver-guardrails = "off"\n')
    bad = cli("scan", jobs, "--now", NOW)
    assert bad.returncode == 2 and "waiver-guardrails: 'off' is not one of ['refuse', 'warn']" in bad.stderr


def test_the_default_clock_is_today() -> None:
    """Without --now the guardrail measures from the real day (the scan clock)."""
    from checker.guardrails import guardrail_findings

    far = Waiver(rule="BA001", job="x", reason="r", owner="o", expires=date(datetime.now(UTC).year + 2, 1, 1),
                 origin="w")
    assert guardrail_findings(far, datetime.now(UTC), 365)
