"""Waivers end to end through the console script: accountable (reason, owner, expiry mandatory), visible
in every report, expiring on a fixed clock, and loud when unused."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import Cli, compliant_row
from gate_scenario import NOW, POLICY, SCAN_ARGS, arn, write_scenario

WAIVER = """\
[[waivers]]
rule = "{rule}"
job = "{job}"
reason = "legacy pipeline, SEC-123"
owner = "ml-platform"
expires = {expires}
{extra}
"""


@pytest.fixture(autouse=True)
def pinned_rules(tmp_path: Path) -> None:
    """BA001-BA004 only (gate_scenario.POLICY): rules added later must not change these expectations."""
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)


EVERY_TEST_JOB = "arn:aws:bedrock:*:123456789012:*"
"""Every job of the tests' account (a bare ``*`` is refused by the guardrails, tests/test_guardrails.py)."""


def waivers_file(tmp_path: Path, rule: str = "BA001", job: str = EVERY_TEST_JOB, expires: str = "2025-09-30",
                 extra: str = "", name: str = "waivers.toml") -> str:
    (tmp_path / name).write_text(WAIVER.format(rule=rule, job=job, expires=expires, extra=extra))
    return name


@pytest.fixture
def no_vpc(jsonl) -> str:
    """One job whose only finding is BA001 (high)."""
    return str(jsonl([compliant_row("eeeeeeeeee01", job_name="legacy-etl", vpc_config=None)]))


def json_scan(cli: Cli, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    result = cli("scan", *args, "-f", "json", "--include-passed", env=env)
    return result.returncode, json.loads(result.stdout), result.stderr


def test_a_waived_finding_is_skip_with_reason_owner_and_expiry_in_every_report(cli: Cli, tmp_path: Path,
                                                                               no_vpc: str) -> None:
    name = waivers_file(tmp_path, job="legacy-*")
    result = cli("scan", no_vpc, "--waivers", name, "--now", "2025-07-01", "-f", "text", "--include-passed",
                 "-o", "json=r.json", "-o", "junit=r.xml", "-o", "sarif=r.sarif", "-o", "markdown=r.md")
    assert result.returncode == 0, result.stdout + result.stderr  # a waived result never fails the gate
    text = result.stdout
    assert "SKIP  BA001 vpc-config-required [high]" in text
    assert "waived until 2025-09-30 by ml-platform: legacy pipeline, SEC-123" in text
    report = json.loads((tmp_path / "r.json").read_text())
    (waived,) = [r for r in report["results"] if r["rule_id"] == "BA001"]
    assert waived["status"] == "SKIP"
    assert waived["waiver"] == {"rule": "BA001", "job": "legacy-*", "reason": "legacy pipeline, SEC-123",
                                "owner": "ml-platform", "expires": "2025-09-30", "state": "active",
                                "origin": "waivers.toml: waivers[0]"}
    assert report["summary"]["waived"] == 1 and report["summary"]["gate_failures"] == 0
    skipped = ET.parse(tmp_path / "r.xml").getroot().find(".//testcase[@classname='BA001']/skipped")
    assert skipped is not None
    for part in ("legacy pipeline, SEC-123", "ml-platform", "2025-09-30"):
        assert part in skipped.get("message", "")
    (sarif_result,) = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]
    assert sarif_result["suppressions"][0]["justification"] == \
        "legacy pipeline, SEC-123 (owner ml-platform, expires 2025-09-30)"
    markdown = (tmp_path / "r.md").read_text()
    assert "| BA001 | `legacy-etl` | ml-platform | 2025-09-30 | legacy pipeline, SEC-123 |" in markdown


def test_an_expired_waiver_waives_nothing_and_says_it_lapsed(cli: Cli, tmp_path: Path, no_vpc: str) -> None:
    name = waivers_file(tmp_path)
    # the waiver applies before 2025-09-30 and lapses at 00:00 UTC on that day
    code, report, _ = json_scan(cli, no_vpc, "--waivers", name, "--now", "2025-09-29T23:59:59Z")
    assert code == 0 and report["results"][0]["status"] == "SKIP"
    code, report, _ = json_scan(cli, no_vpc, "--waivers", name, "--now", "2025-09-30T00:00:00Z")
    assert code == 1
    (lapsed,) = [r for r in report["results"] if r["rule_id"] == "BA001"]
    assert lapsed["status"] == "FAIL" and lapsed["waiver"]["state"] == "expired"
    assert "lapsed on 2025-09-30" in lapsed["message"] and "ml-platform" in lapsed["message"]
    assert report["summary"]["gate_failures"] == 1 and report["warnings"] == []  # it matched: not unused
    junit = cli("scan", no_vpc, "--waivers", name, "--now", "2026-01-01", "-f", "junit").stdout
    failure = ET.fromstring(junit).find(".//testcase[@classname='BA001']/failure")
    assert failure is not None and "lapsed on 2025-09-30" in failure.get("message", "")


def test_the_clock_comes_from_now_or_the_environment(cli: Cli, tmp_path: Path, no_vpc: str) -> None:
    name = waivers_file(tmp_path)
    assert cli("scan", no_vpc, "--waivers", name, env={"BEDROCK_AUDIT_NOW": "2025-01-01"}).returncode == 0
    assert cli("scan", no_vpc, "--waivers", name, env={"BEDROCK_AUDIT_NOW": "2030-01-01"}).returncode == 1


def test_an_unused_waiver_is_a_warning_in_every_report(cli: Cli, tmp_path: Path, no_vpc: str) -> None:
    waivers_file(tmp_path, rule="BA004", job="retired-*", name="w.toml")
    waivers_file(tmp_path, rule="BA9*", job="*-etl", name="typo.toml")
    result = cli("scan", no_vpc, "--waivers", "w.toml", "--waivers", "typo.toml", "--now", NOW, "-f", "json",
                 "-o", "junit=r.xml", "-o", "sarif=r.sarif", "-o", "markdown=r.md", "-o", "text=r.txt")
    assert result.returncode == 1  # the BA001 finding is not waived
    unused = "unused waiver: w.toml: waivers[0] (rule BA004, job retired-*, owner ml-platform) matched no finding"
    typo = "unused waiver: typo.toml: waivers[0] (rule BA9*, job *-etl, owner ml-platform) names no rule this scan ran"
    assert unused in result.stderr and typo in result.stderr
    report = json.loads(result.stdout)
    assert [w.split(";")[0] for w in report["warnings"]] == [unused, typo]
    warnings_suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite[@name='bedrock-audit warnings']")
    assert warnings_suite is not None
    messages = [s.get("message", "") for s in warnings_suite.iter("skipped")]
    assert any(unused in m for m in messages) and any(typo in m for m in messages)
    notes = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert sum(1 for n in notes if n["level"] == "warning" and "unused waiver" in n["message"]["text"]) == 2
    assert "### Warnings" in (tmp_path / "r.md").read_text()
    assert unused in (tmp_path / "r.txt").read_text()


@pytest.mark.parametrize("missing", ["reason", "owner", "expires"])
def test_a_waiver_without_reason_owner_or_expiry_is_a_config_error(cli: Cli, tmp_path: Path, no_vpc: str,
                                                                    missing: str) -> None:
    lines = [line for line in WAIVER.format(rule="BA001", job="*", expires="2025-09-30", extra="").splitlines()
             if not line.startswith(missing)]
    (tmp_path / "w.toml").write_text("\n".join(lines))
    result = cli("scan", no_vpc, "--waivers", "w.toml")
    assert result.returncode == 2
    assert result.stderr.strip() == f"bedrock-audit: error: w.toml: waivers[0]: '{missing}' is a required property"
    # the same rule in the policy file
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + "\n".join(lines))
    result = cli("scan", no_vpc)
    assert result.returncode == 2 and f"'{missing}' is a required property" in result.stderr
    assert "bedrock-audit.toml: waivers[0]" in result.stderr


@pytest.mark.parametrize("content, expected", [
    (WAIVER.format(rule="BA001", job="*", expires='"2025-02-30"', extra=""), "'2025-02-30' is not a date"),
    (WAIVER.format(rule="BA001", job="*", expires='"31/03/2027"', extra=""),
     "waivers[0].expires: '31/03/2027' is not a date (write expires = 2027-03-31)"),
    (WAIVER.format(rule="BA001", job="*", expires="2025-09-30T12:00:00Z", extra=""), "is not a date"),
    (WAIVER.format(rule="BA001", job="*", expires="2025-09-30", extra='owners = "x"'), "unknown key"),
    (WAIVER.format(rule="BA001", job="*", expires="2025-09-30", extra="") + 'fail-on = "low"\n', "unknown key"),
    (WAIVER.format(rule="BA001", job="*", expires="2025-09-30", extra="").replace("ml-platform", " "),
     "waivers[0].owner: ' ' must not be blank"),
    ("# nothing here\n", "no [[waivers]] tables"),
    ("[[waivers]\n", "invalid TOML"),
])
def test_bad_waivers_files_exit_2_with_one_line(cli: Cli, tmp_path: Path, no_vpc: str, content: str,
                                                expected: str) -> None:
    (tmp_path / "w.toml").write_text(content)
    result = cli("scan", no_vpc, "--waivers", "w.toml")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_missing_waivers_file_exits_2(cli: Cli, no_vpc: str) -> None:
    result = cli("scan", no_vpc, "--waivers", "nope.toml")
    assert result.returncode == 2 and "nope.toml: waivers file not found" in result.stderr


@pytest.mark.parametrize("extra, waived", [
    ("", True),
    ('account = "1234567890*"', True),
    ('account = "999999999999"', False),
    ('region = "us-east-*"', True),
    ('region = "eu-west-1"', False),
    ('tags = { env = "prod" }', True),
    ('tags = { env = "dev*" }', False),
    ('tags = { team = "*" }', False),
])
def test_account_region_and_tag_conditions(cli: Cli, tmp_path: Path, jsonl, extra: str, waived: bool) -> None:
    path = str(jsonl([compliant_row("eeeeeeeeee02", vpc_config=None)]))  # tags include env = prod
    name = waivers_file(tmp_path, extra=extra)
    code, report, _ = json_scan(cli, path, "--waivers", name, "--now", NOW)
    assert (report["results"][0]["status"] == "SKIP") is waived
    assert code == (0 if waived else 1)


@pytest.mark.parametrize("rule, job, waived", [
    ("BA001", "*", True),
    ("ba001", "*", True),
    ("vpc-config-required", "*", True),
    ("BA00*", "*", True),
    ("BA002", "*", False),
    ("BA001", "legacy-etl", True),                       # the job name
    ("BA001", "arn:aws:bedrock:*:123456789012:*", True),  # the job ARN
    ("BA001", "legacy", False),                          # a glob matches the whole name
])
def test_rule_and_job_patterns(cli: Cli, tmp_path: Path, no_vpc: str, rule: str, job: str, waived: bool) -> None:
    name = waivers_file(tmp_path, rule=rule, job=job, extra='account = "123456789012"' if job == "*" else "")
    code, report, _ = json_scan(cli, no_vpc, "--waivers", name, "--now", NOW)
    statuses = {r["rule_id"]: r["status"] for r in report["results"]}
    assert statuses["BA001"] == ("SKIP" if waived else "FAIL")


def test_a_job_whose_tags_are_unknown_never_matches_a_tag_condition(cli: Cli, tmp_path: Path, jsonl) -> None:
    row = compliant_row("eeeeeeeeee03", vpc_config=None)
    del row["tags"]
    path = str(jsonl([row]))
    name = waivers_file(tmp_path, extra='tags = { env = "*" }')
    code, report, _ = json_scan(cli, path, "--waivers", name, "--now", NOW)
    statuses = {r["rule_id"]: r["status"] for r in report["results"]}
    assert statuses == {"BA001": "FAIL", "BA002": "PASS", "BA003": "PASS", "BA004": "ERROR"}
    assert code == 3


def test_errors_are_never_waived(cli: Cli, tmp_path: Path, jsonl) -> None:
    """A waiver that met only an ERROR does not hide it, and its unused-waiver warning says no waiver
    hides an ERROR rather than suggesting the finding is fixed."""
    row = compliant_row("eeeeeeeeee04")
    del row["tags"]  # BA004 cannot decide
    path = str(jsonl([row]))
    name = waivers_file(tmp_path, rule="BA004")
    code, report, stderr = json_scan(cli, path, "--waivers", name, "--now", NOW)
    assert code == 3 and report["results"][3]["status"] == "ERROR" and report["results"][3]["waiver"] is None
    assert "unused waiver" in stderr
    (warning,) = report["warnings"]
    assert "matched 1 result that its rule could not decide (ERROR), which no waiver hides" in warning
    assert "remove it" not in warning


def test_policy_file_waivers_and_waivers_files_add_up(cli: Cli, tmp_path: Path, jsonl) -> None:
    path = str(jsonl([compliant_row("eeeeeeeeee05", vpc_config=None, timeout_duration_in_hours=100)]))
    (tmp_path / "bedrock-audit.toml").write_text(POLICY + WAIVER.format(rule="BA001", job=EVERY_TEST_JOB,
                                                                        expires="2025-09-30", extra=""))
    name = waivers_file(tmp_path, rule="BA003", name="more.toml")
    code, report, _ = json_scan(cli, path, "--now", NOW)
    assert code == 1
    code, report, _ = json_scan(cli, path, "--waivers", name, "--now", NOW)
    assert code == 0
    origins = sorted(r["waiver"]["origin"] for r in report["results"] if r["waiver"])
    assert origins[0].endswith("bedrock-audit.toml: waivers[0]") and origins[1] == "more.toml: waivers[0]"
    code, _, _ = json_scan(cli, path, env={"BEDROCK_AUDIT_WAIVERS": name, "BEDROCK_AUDIT_NOW": NOW})
    assert code == 0


def test_scenario_waived_lapsed_and_unused(cli: Cli, tmp_path: Path) -> None:
    write_scenario(tmp_path)
    code, report, _ = json_scan(cli, *SCAN_ARGS[1:])
    by_job = {(r["rule_id"], r["job"]["arn"]): r for r in report["results"]}
    assert by_job[("BA001", arn("legacy-etl"))]["status"] == "SKIP"
    assert by_job[("BA003", arn("nightly-summaries"))]["waiver"]["state"] == "expired"
    assert len(report["warnings"]) == 1 and "retired-*" in report["warnings"][0]


def test_a_tag_waiver_blocked_by_unknown_tags_says_so(cli: Cli, tmp_path: Path, jsonl) -> None:
    """The finding it was written for is still there: the warning must not tell the user to remove the
    waiver as if the finding were fixed, and the finding says why its waiver did not apply."""
    row = compliant_row("eeeeeeeeee06", job_name="legacy-etl", vpc_config=None)
    del row["tags"]  # tags unknown: the waiver's tags condition cannot be checked
    path = str(jsonl([row]))
    name = waivers_file(tmp_path, job="legacy-*", extra='tags = { env = "legacy" }')
    code, report, stderr = json_scan(cli, path, "--waivers", name, "--now", NOW)
    assert code == 3  # BA001 FAIL (not waived) + BA004 ERROR
    (ba001,) = [r for r in report["results"] if r["rule_id"] == "BA001"]
    assert ba001["status"] == "FAIL" and ba001["waiver"] is None
    assert "waiver waivers.toml: waivers[0] by ml-platform does not apply: the job's tags are unknown" \
        in ba001["message"]
    (warning,) = report["warnings"]
    assert warning.startswith("unused waiver: waivers.toml: waivers[0]")
    assert "could not apply to 1 finding: the job's tags are unknown" in warning
    assert "remove it" not in warning and "remove it" not in stderr
