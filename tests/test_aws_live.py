"""Live AWS scans: real boto3 over real HTTP to the stand-in Bedrock/STS server (tests/aws_standin.py).

The installed console script runs in a subprocess with dummy credentials and the stand-in's URL in
AWS_ENDPOINT_URL_BEDROCK / AWS_ENDPOINT_URL_STS; nothing here reaches the internet (HTTPS goes to a dead
proxy). Faults are configured on the stand-in and must show up in every report format and in the
exit code.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from aws_standin import CALLER_ACCOUNT, CALLER_SECRET_KEY, BedrockStandIn, Fault
from conftest import VENDOR, Cli

A1, A2, A3 = "222222222222", "333333333333", "444444444444"
ROLE = "arn:aws:iam::{account_id}:role/BedrockAudit"


@pytest.fixture(autouse=True)
def _no_machine_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own AWS settings must not leak into a test (the subprocess inherits os.environ)."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.lower() in ("https_proxy", "http_proxy", "no_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
def standin() -> Iterator[BedrockStandIn]:
    with BedrockStandIn() as server:
        yield server


def run(cli: Cli, standin: BedrockStandIn, *args: str, env: dict[str, str] | None = None) -> Any:
    return cli(*args, env={**standin.env(), **(env or {})})


def report(completed: Any) -> dict[str, Any]:
    assert completed.stdout, completed.stderr
    return json.loads(completed.stdout)


def junit_suites(path: Path) -> list[ET.Element]:
    xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd")).validate(str(path))
    return ET.parse(path).getroot().findall("testsuite")


def results_by_job(document: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r["job"]["arn"], r["rule_id"]): (r["status"], r["message"]) for r in document["results"]}


# -- listing -------------------------------------------------------------------------------------------


def test_pagination_over_several_pages_reads_every_job_in_order(cli: Cli, standin: BedrockStandIn) -> None:
    standin.page_size = 2
    jobs = standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 5)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    document = report(completed)
    arns = list(dict.fromkeys(r["job"]["arn"] for r in document["results"]))
    assert arns == [job["jobArn"] for job in jobs]
    sources = list(dict.fromkeys((r["source"]["path"], r["source"]["record"]) for r in document["results"]))
    assert sources == [(f"aws://{CALLER_ACCOUNT}/us-east-1", n) for n in range(1, 6)]
    calls = standin.calls("ListModelInvocationJobs")
    assert [c.params.get("nextToken") for c in calls] == [None, "2", "4"]
    assert {c.params["maxResults"] for c in calls} == {"1000"}
    assert len(standin.calls("ListTagsForResource")) == 5
    assert "covered 1 of 1 account/region pairs" in completed.stderr and "5 jobs" in completed.stderr


def test_status_and_submitted_after_are_sent_to_the_api(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 3)
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2, start=4, status="Failed", message="bad input")
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--status", "failed",
                    "--submitted-after", "2025-06-01T00:04:30Z", "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    (call,) = standin.calls("ListModelInvocationJobs")
    assert call.params["statusEquals"] == "Failed"
    assert call.params["submitTimeAfter"] == "2025-06-01T00:04:30Z"
    names = {r["job"]["name"] for r in report(completed)["results"]}
    assert names == {f"batch-{CALLER_ACCOUNT[-4:]}-us-east-1-5"}


def test_api_only_members_are_kept_and_absent_members_are_null(cli: Cli, standin: BedrockStandIn,
                                                               tmp_path: Path) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1, vpcConfig=None, modelInvocationType="Converse")
    out = tmp_path / "jobs.jsonl"
    completed = run(cli, standin, "fetch", "--aws", "--region", "us-east-1", "-o", str(out))
    assert completed.returncode == 0, completed.stderr
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["vpc_config"] is None and row["message"] is None and row["_key"] is None
    assert row["model_invocation_type"] == "Converse"
    assert row["total_record_count"] == 12500 and row["error_record_count"] == 19
    assert row["submit_time"] == "2025-06-01T00:01:00.000Z"
    assert row["tags"] == {"owner": "ml-platform", "cost-center": "cc-4410"}
    assert row["input_data_config"]["s3_input_data_config"]["s3_input_format"] == "JSONL"


# -- faults are results ----------------------------------------------------------------------------------


def test_access_denied_in_one_region_is_an_error_in_every_report(cli: Cli, standin: BedrockStandIn,
                                                                 tmp_path: Path) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2)
    standin.add_jobs(CALLER_ACCOUNT, "eu-west-1", 2)
    standin.list_faults[(CALLER_ACCOUNT, "us-west-2")] = Fault(
        403, "AccessDeniedException", "not authorized: bedrock:ListModelInvocationJobs")
    xml = tmp_path / "report.xml"
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2,eu-west-1",
                    "--max-attempts", "2", "-f", "json", "--include-passed", "-o", f"junit={xml}")
    assert completed.returncode == 3, completed.stderr
    document = report(completed)
    (error,) = document["errors"]
    assert error["kind"] == "source"
    assert error["source"]["path"] == f"aws://{CALLER_ACCOUNT}/us-west-2"
    assert "access denied" in error["message"] and "AccessDeniedException" in error["message"]
    assert document["summary"]["jobs"] == 4 and document["summary"]["exit_code"] == 3
    errors = [s for s in junit_suites(xml) if s.find("testcase/error") is not None]
    assert len(errors) == 1
    message = errors[0].find("testcase/error").get("message")  # type: ignore[union-attr]
    assert CALLER_ACCOUNT in message and "us-west-2" in message and "access denied" in message
    assert len(standin.calls("ListModelInvocationJobs")) == 3  # AccessDenied is not retried
    text = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2", "--max-attempts", "2")
    assert text.returncode == 3
    assert f"aws://{CALLER_ACCOUNT}/us-west-2" in text.stdout and "access denied" in text.stdout
    assf = "gaps: " + f"{CALLER_ACCOUNT}/us-west-2 (access denied)"
    assert assf in text.stderr


def test_live_sarif_report_validates_and_locates_jobs_and_gaps(cli: Cli, standin: BedrockStandIn,
                                                               tmp_path: Path) -> None:
    from jsonschema import Draft4Validator

    jobs = standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1, vpcConfig=None)
    standin.list_faults[(CALLER_ACCOUNT, "us-west-2")] = Fault()
    sarif = tmp_path / "report.sarif"
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2", "--max-attempts", "2",
                    "-o", f"sarif={sarif}")
    assert completed.returncode == 3, completed.stderr
    document = json.loads(sarif.read_text())
    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text())
    assert not list(Draft4Validator(schema).iter_errors(document))
    uris = {location["physicalLocation"]["artifactLocation"]["uri"]
            for run_ in document["runs"] for result in run_["results"] for location in result["locations"]}
    job_id = jobs[0]["jobArn"].rsplit("/", 1)[1]
    assert uris == {f"aws/{CALLER_ACCOUNT}/us-east-1/model-invocation-job/{job_id}.json"}
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (gap,) = [n for n in invocation["toolExecutionNotifications"] if "access denied" in n["message"]["text"]]
    assert gap["level"] == "error"
    assert gap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"aws/{CALLER_ACCOUNT}/us-west-2"


def test_allow_partial_exit_code_reflects_findings_and_reports_keep_every_gap(
        cli: Cli, standin: BedrockStandIn, tmp_path: Path) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2)
    standin.list_faults[(CALLER_ACCOUNT, "us-west-2")] = Fault()
    xml = tmp_path / "report.xml"
    args = ("scan", "--aws", "--region", "us-east-1,us-west-2", "--max-attempts", "2", "-f", "json", "--include-passed",
            "--allow-partial", "-o", f"junit={xml}")
    clean = run(cli, standin, *args)
    assert clean.returncode == 0, clean.stderr
    assert [e["source"]["path"] for e in report(clean)["errors"]] == [f"aws://{CALLER_ACCOUNT}/us-west-2"]
    assert sum(1 for s in junit_suites(xml) if s.find("testcase/error") is not None) == 1

    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1, start=9, vpcConfig=None)
    findings = run(cli, standin, *args)
    assert findings.returncode == 1, findings.stderr
    assert len(report(findings)["errors"]) == 1


def test_allow_partial_never_passes_a_scan_that_read_nothing(cli: Cli, standin: BedrockStandIn) -> None:
    standin.list_faults[(CALLER_ACCOUNT, "us-east-1")] = Fault()
    standin.list_faults[(CALLER_ACCOUNT, "us-west-2")] = Fault()
    for extra in ((), ("--allow-empty",)):
        completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2", "--allow-partial",
                        "--max-attempts", "2", *extra)
        assert completed.returncode == 3, (extra, completed.stdout, completed.stderr)


def test_throttling_that_recovers_is_no_gap(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2)
    standin.list_faults[(CALLER_ACCOUNT, "us-east-1")] = Fault(429, "ThrottlingException", "Rate exceeded",
                                                               times=1)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--max-attempts", "3",
                    "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    document = report(completed)
    assert document["errors"] == [] and document["summary"]["jobs"] == 2
    assert len(standin.calls("ListModelInvocationJobs")) == 2


def test_throttling_that_exhausts_retries_is_a_gap(cli: Cli, standin: BedrockStandIn, tmp_path: Path) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2)
    standin.list_faults[(CALLER_ACCOUNT, "eu-west-1")] = Fault(429, "ThrottlingException", "Rate exceeded")
    xml = tmp_path / "report.xml"
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,eu-west-1", "--max-attempts", "2",
                    "-f", "json", "--include-passed", "-o", f"junit={xml}")
    assert completed.returncode == 3, completed.stderr
    (error,) = report(completed)["errors"]
    assert error["source"]["path"] == f"aws://{CALLER_ACCOUNT}/eu-west-1"
    assert "throttled" in error["message"] and "after 2 attempts" in error["message"]
    assert len([c for c in standin.calls("ListModelInvocationJobs") if c.region == "eu-west-1"]) == 2
    (suite,) = [s for s in junit_suites(xml) if s.find("testcase/error") is not None]
    assert "eu-west-1" in suite.get("name", "") and CALLER_ACCOUNT in suite.get("name", "")


def test_unreachable_endpoint_is_a_gap(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1)
    standin.list_faults[(CALLER_ACCOUNT, "us-west-2")] = Fault(drop=True)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2", "--max-attempts", "2",
                    "-f", "json", "--include-passed")
    assert completed.returncode == 3, completed.stderr
    (error,) = report(completed)["errors"]
    assert error["source"]["path"] == f"aws://{CALLER_ACCOUNT}/us-west-2"
    assert error["message"].startswith("cannot reach the endpoint")


def test_no_endpoint_at_all_is_a_gap_per_region(cli: Cli, standin: BedrockStandIn) -> None:
    env = {"AWS_ENDPOINT_URL_BEDROCK": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"}
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2", "--max-attempts", "1",
                    "-f", "json", "--include-passed", env=env)
    assert completed.returncode == 3
    errors = [e for e in report(completed)["errors"] if e["kind"] == "source"]
    assert [e["source"]["path"] for e in errors] == ["aws://unknown-account/us-east-1",
                                                      "aws://unknown-account/us-west-2"]
    assert all("cannot reach the endpoint" in e["message"] for e in errors)
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(("fault", "expected"), [
    (Fault(400, "ValidationException", "Tags cannot be retrieved for a job that has finished"),
     "bedrock:ListTagsForResource failed: ValidationException: Tags cannot be retrieved"),
    (Fault(429, "ThrottlingException", "Rate exceeded"),
     "throttled: bedrock:ListTagsForResource: still throttled after 2 attempts"),
])
def test_failing_tags_call_makes_tag_rules_error_for_that_job_only(cli: Cli, standin: BedrockStandIn,
                                                                   fault: Fault, expected: str) -> None:
    jobs = standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 3)
    refused = jobs[1]["jobArn"]
    standin.tag_faults[refused] = fault
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--max-attempts", "2",
                    "-f", "json", "--include-passed")
    assert completed.returncode == 3, completed.stderr
    document = report(completed)
    results = results_by_job(document)
    status, message = results[(refused, "BA004")]
    assert status == "ERROR" and message.startswith(f"BA004 cannot decide: tags unknown: {expected}")
    for job in (jobs[0], jobs[2]):
        assert results[(job["jobArn"], "BA004")][0] == "PASS"
    assert results[(refused, "BA001")][0] == "PASS"  # the rest of the job is still checked
    assert document["errors"] == []
    assert "tags unknown for 1 job" in completed.stderr


def test_region_without_bedrock_endpoint_is_skipped_with_a_note(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--region", "ap-east-1",
                    "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    assert "note: ap-east-1: Amazon Bedrock has no endpoint in this region" in completed.stderr
    assert "skipped: ap-east-1" in completed.stderr
    assert {c.region for c in standin.requests if c.service == "bedrock"} == {"us-east-1"}
    assert report(completed)["errors"] == []


# -- accounts -------------------------------------------------------------------------------------------


def test_assume_role_fan_out_across_two_accounts(cli: Cli, standin: BedrockStandIn) -> None:
    for account in (A1, A2):
        standin.add_role(ROLE.replace("{account_id}", account), external_id="acme-audit")
        standin.add_jobs(account, "us-east-1", 2)
        standin.add_jobs(account, "eu-west-1", 1)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,eu-west-1", "--role-arn", ROLE,
                    "--account", A1, "--account", A2, "--external-id", "acme-audit", "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    document = report(completed)
    order = list(dict.fromkeys(r["source"]["path"] for r in document["results"]))
    assert order == [f"aws://{A1}/us-east-1", f"aws://{A1}/eu-west-1", f"aws://{A2}/us-east-1",
                     f"aws://{A2}/eu-west-1"]
    assert {r["job"]["account_id"] for r in document["results"]} == {A1, A2}
    assumed = standin.calls("AssumeRole")
    roles = sorted(ROLE.replace("{account_id}", a) for a in (A1, A2))
    assert sorted(c.params["RoleArn"] for c in assumed) == roles
    assert all(c.params["ExternalId"] == "acme-audit" and c.params["RoleSessionName"] == "bedrock-audit"
               for c in assumed)
    listed = standin.calls("ListModelInvocationJobs") + standin.calls("ListTagsForResource")
    assert {c.account for c in listed} == {A1, A2}  # signed with the assumed roles' keys
    assert all(c.session_token for c in listed)
    assert document["inputs"] == [f"aws://us-east-1,eu-west-1?role-arn={ROLE}&account={A1}&account={A2}"
                                  "&external-id=***"]


def test_role_that_cannot_be_assumed_is_a_gap_per_region(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_role(ROLE.replace("{account_id}", A1))
    standin.add_jobs(A1, "us-east-1", 1)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1,us-west-2", "--role-arn", ROLE,
                    "--account", f"{A1},{A3}", "--max-attempts", "2", "-f", "json", "--include-passed")
    assert completed.returncode == 3, completed.stderr
    errors = report(completed)["errors"]
    assert [e["source"]["path"] for e in errors] == [f"aws://{A3}/us-east-1", f"aws://{A3}/us-west-2"]
    prefix = f"cannot assume role arn:aws:iam::{A3}:role/BedrockAudit (access denied): AccessDenied: User: "
    assert all(e["message"].startswith(prefix) for e in errors)
    assert f"gaps: {A3}/all 2 regions (cannot assume role)" in completed.stderr
    assert len([c for c in standin.calls("AssumeRole") if A3 in c.params["RoleArn"]]) == 1  # once per account
    assert report(completed)["summary"]["jobs"] == 1


def test_account_without_role_must_be_the_credentials_account(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1)
    right = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--account", CALLER_ACCOUNT)
    assert right.returncode == 0, right.stderr
    wrong = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--account", A1, "-f", "json", "--include-passed")
    assert wrong.returncode == 3
    (error, empty) = report(wrong)["errors"]
    assert error["source"]["path"] == f"aws://{A1}/us-east-1" and "wrong account" in error["message"]
    assert empty["kind"] == "input" and "no job records" in empty["message"]
    assert standin.calls("ListModelInvocationJobs") == standin.calls("ListModelInvocationJobs")[:1]


def test_accounts_file_feeds_the_fan_out(cli: Cli, standin: BedrockStandIn, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.txt"
    accounts.write_text(f"# from aws organizations list-accounts\n{A1}\t{A2}\n")
    for account in (A1, A2):
        standin.add_role(ROLE.replace("{account_id}", account))
        standin.add_jobs(account, "us-east-1", 1)
    completed = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--role-arn", ROLE,
                    "--accounts-file", str(accounts), "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    assert {r["job"]["account_id"] for r in report(completed)["results"]} == {A1, A2}


# -- fetch ----------------------------------------------------------------------------------------------


def test_scanning_a_fetched_file_gives_the_live_results(cli: Cli, standin: BedrockStandIn,
                                                        tmp_path: Path) -> None:
    for account in (A1, A2):
        standin.add_role(ROLE.replace("{account_id}", account))
        jobs = standin.add_jobs(account, "us-east-1", 3)
        standin.add_jobs(account, "us-west-2", 2, start=10, vpcConfig=None, timeoutDurationInHours=None)
        standin.tags[jobs[0]["jobArn"]] = [{"key": "owner", "value": "ml"}]
    standin.add_jobs(A1, "eu-west-1", 1)
    standin.list_faults[(A2, "eu-west-1")] = Fault(429, "ThrottlingException", "Rate exceeded")
    standin.tag_faults[standin.jobs[(A2, "us-east-1")][2]["jobArn"]] = Fault(403, "AccessDeniedException",
                                                                           "no tags for you")
    common = ("--aws", "--region", "us-east-1,us-west-2,eu-west-1", "--role-arn", ROLE,
              "--account", f"{A1},{A2}", "--max-attempts", "2")
    live = run(cli, standin, "scan", *common, "-f", "json", "--include-passed", "--now", "2025-07-01")
    fetched = tmp_path / "jobs.jsonl"
    fetch = run(cli, standin, "fetch", *common, "-o", str(fetched))
    assert fetch.returncode == 3, fetch.stderr  # the throttled region
    assert "tags unknown for 1 job" in fetch.stderr
    assert f"wrote 11 job(s) to {fetched}; it records 1 gap(s)" in fetch.stderr
    offline = cli("scan", str(fetched), "-f", "json", "--include-passed", "--now", "2025-07-01")
    assert live.returncode == offline.returncode == 3
    live_doc, offline_doc = report(live), report(offline)

    def comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "source"} for r in document["results"]]

    assert comparable(live_doc) == comparable(offline_doc)
    assert {r["status"] for r in live_doc["results"]} >= {"PASS", "FAIL", "ERROR"}
    assert offline_doc["errors"] == live_doc["errors"] != []
    assert offline_doc["warnings"] == live_doc["warnings"] == []
    assert live_doc["summary"] == offline_doc["summary"]


def test_fetch_records_gaps_and_the_offline_scan_reports_them(cli: Cli, standin: BedrockStandIn,
                                                               tmp_path: Path) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2)
    standin.list_faults[(CALLER_ACCOUNT, "us-west-2")] = Fault()
    out = tmp_path / "jobs.jsonl"
    common = ("--region", "us-east-1,us-west-2", "--max-attempts", "2")
    fetched = run(cli, standin, "fetch", *common, "-o", str(out))
    assert fetched.returncode == 3
    assert f"error: aws://{CALLER_ACCOUNT}/us-west-2: access denied" in fetched.stderr
    assert f"wrote 2 job(s) to {out}; it records 1 gap(s), which scanning it reports again" in fetched.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [sorted(line) for line in lines][-1] == ["_gap"] and len(lines) == 3
    assert run(cli, standin, "fetch", *common, "-o", str(out), "--allow-partial").returncode == 0

    live = report(run(cli, standin, "scan", "--aws", *common, "-f", "json", "--include-passed"))
    offline = cli("scan", str(out), "-f", "json", "--include-passed")
    assert offline.returncode == 3
    assert report(offline)["errors"] == live["errors"]
    assert report(offline)["errors"][0]["source"]["path"] == f"aws://{CALLER_ACCOUNT}/us-west-2"
    assert cli("scan", str(out), "--allow-partial").returncode == 0


def test_fetch_refuses_a_name_that_scans_would_misread(cli: Cli, standin: BedrockStandIn) -> None:
    completed = run(cli, standin, "fetch", "--region", "us-east-1", "-o", "jobs.json")
    assert completed.returncode == 2 and "name it .jsonl" in completed.stderr
    assert standin.requests == []


def test_fetch_to_stdout(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 2)
    completed = run(cli, standin, "fetch", "--region", "us-east-1", "-o", "-")
    assert completed.returncode == 0, completed.stderr
    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [row["job_name"] for row in rows] == ["batch-1111-us-east-1-1", "batch-1111-us-east-1-2"]


# -- secrets and user mistakes (a file scan never importing boto3: test_packaging.py) -------------


def test_credentials_never_appear_in_reports_or_logs(cli: Cli, standin: BedrockStandIn,
                                                     tmp_path: Path) -> None:
    token = "FwoGZXIvYXdzEBYaDCallerSessionTokenThatMustNeverBePrinted0123456789"
    standin.add_role(ROLE.replace("{account_id}", A1))
    jobs = standin.add_jobs(A1, "us-east-1", 1)
    standin.add_jobs(CALLER_ACCOUNT, "us-east-1", 1)
    # an error message quoting the request, as SignatureDoesNotMatch does with the canonical request
    standin.list_faults[(CALLER_ACCOUNT, "us-east-1")] = Fault(
        403, "SignatureDoesNotMatch", f"canonical request: x-amz-security-token:{token} "
                                      f"Credential=AKIASTANDINCALLER000/20250101/us-east-1/bedrock secret "
                                      f"{CALLER_SECRET_KEY}")
    standin.tag_faults[jobs[0]["jobArn"]] = Fault(403, "AccessDeniedException", "denied")
    outputs = [f"{fmt}={tmp_path / ('r.' + fmt)}" for fmt in ("json", "junit", "text")]
    args: list[str] = []
    for output in outputs:
        args += ["-o", output]
    env = {"AWS_SESSION_TOKEN": token}
    caller = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--max-attempts", "1", *args,
                 env=env)
    role = run(cli, standin, "scan", "--aws", "--region", "us-east-1", "--role-arn", ROLE, "--account", A1,
               "--max-attempts", "1", "-f", "json", "--include-passed", env=env)
    assert caller.returncode == 3 and role.returncode == 3
    seen = caller.stdout + caller.stderr + role.stdout + role.stderr
    seen += "".join((tmp_path / f"r.{fmt}").read_text() for fmt in ("json", "junit", "text"))
    assert "SignatureDoesNotMatch" in seen and "***" in seen
    for secret in (token, CALLER_SECRET_KEY, "AKIASTANDINCALLER000", *standin.issued_secrets):
        assert secret not in seen
    assert all(key not in seen for key in standin.keys if key.startswith("ASIA"))


@pytest.mark.parametrize(("args", "expected"), [
    (("--region", "us-east-1"), "--region applies to live AWS scans: add --aws"),
    (("--aws", "--region", "us-east-7"), "unknown region 'us-east-7' (did you mean us-east-"),
    (("--aws", "--region", "useast1"), "is not a region name like us-east-1"),
    (("--aws", "--region", "us-east-1", "--all-regions"), "--region and --all-regions exclude each other"),
    (("--aws", "--role-arn", "arn:aws:iam::role/Audit", "--account", A1), "is not an IAM role ARN"),
    (("--aws", "--role-arn", ROLE), "--role-arn uses {account_id}: name the accounts"),
    (("--aws", "--role-arn", "arn:aws:iam::{account}:role/A", "--account", A1),
     "unknown placeholder {account}"),
    (("--aws", "--role-arn", f"arn:aws:iam::{A1}:role/A", "--account", A2),
     "put {account_id} in the role ARN"),
    (("--aws", "--account", A1, "--account", A2), "needs --role-arn with {account_id}"),
    (("--aws", "--account", "12345"), "'12345' is not a 12-digit AWS account ID"),
    (("--aws", "--status", "Complete"), "unknown job status 'Complete' (did you mean Completed?)"),
    (("--aws", "--submitted-after", "yesterday"), "--submitted-after: 'yesterday' is not a date"),
    (("--aws", "--max-attempts", "0"), "--max-attempts: 0 is outside 1-20"),
    (("--aws", "--concurrency", "500"), "--concurrency: 500 is outside 1-64"),
    (("--aws", "--external-id", "x1"), "--external-id applies to the role of --role-arn"),
    (("--aws", "--profile", "nope"), "no profile 'nope' in the AWS config files"),
    (("--aws", "--accounts-file", "missing.txt", "--role-arn", ROLE), "--accounts-file missing.txt"),
    (("aws://us-east-1?regoin=eu-west-1",), "unknown option 'regoin' (did you mean region?)"),
    (("aws://us-east-1/extra",), "expected aws://REGIONS or aws://ACCOUNT/REGIONS"),
    # an empty value (an unset CI variable) must not quietly become the default region or no assertion
    (("--aws", "--region", ""), "--region: empty region name"),
    (("--aws", "--region", " , "), "--region: empty region name"),
    (("aws://?region=",), "--region: empty region name"),
    (("--aws", "--account", ""), "--account: empty account ID"),
    (("--aws", "--role-arn", ROLE, "--account", ""), "--account: empty account ID"),
])
def test_user_mistakes_are_usage_errors_naming_the_flag(standin: BedrockStandIn,
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        args: tuple[str, ...], expected: str) -> None:
    """The same checks the CLI runs before reading anything (in-process: 19 subprocesses would cost 15 s;
    the subprocess behaviour -- one line, exit 2 -- is checked below)."""
    from typer.testing import CliRunner

    from checker.cli import app

    monkeypatch.chdir(tmp_path)
    for name, value in standin.env().items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["scan", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert standin.requests == []


@pytest.mark.parametrize("args", [
    ("--region", "us-east-1"),
    ("--aws", "--region", "us-east-7"),
    ("--aws", "--role-arn", "arn:aws:iam:::role/Audit", "--account", A1),
    ("--aws", "--profile", "nope"),
])
def test_user_mistakes_in_the_console_script(cli: Cli, standin: BedrockStandIn,
                                             args: tuple[str, ...]) -> None:
    completed = run(cli, standin, "scan", *args)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert len(completed.stderr.strip().splitlines()) == 1, completed.stderr
    assert completed.stderr.startswith("bedrock-audit: error: ") and "Traceback" not in completed.stderr
    assert completed.stdout == "" and standin.requests == []


def test_no_region_anywhere_is_a_usage_error(cli: Cli, standin: BedrockStandIn) -> None:
    completed = run(cli, standin, "fetch", "-o", "jobs.jsonl", env={"AWS_DEFAULT_REGION": ""})
    assert completed.returncode == 2
    assert "no region: name one with --region" in completed.stderr


def test_all_regions_scans_every_bedrock_region_of_the_partition(cli: Cli, standin: BedrockStandIn) -> None:
    standin.add_jobs(CALLER_ACCOUNT, "eu-central-1", 1)
    completed = run(cli, standin, "scan", "--aws", "--all-regions", "-f", "json", "--include-passed")
    assert completed.returncode == 0, completed.stderr
    regions = {c.region for c in standin.calls("ListModelInvocationJobs")}
    assert len(regions) >= 30 and {"us-east-1", "eu-central-1", "ap-northeast-1"} <= regions
    assert "ap-east-1" not in regions and "cn-north-1" not in regions
    assert report(completed)["summary"]["jobs"] == 1


def test_all_regions_in_a_partition_without_bedrock_says_why_nothing_was_scanned(cli: Cli,
                                                                                 standin: BedrockStandIn) -> None:
    """botocore lists no Bedrock endpoint in aws-cn: the scan fails closed (no records) and says why."""
    completed = run(cli, standin, "scan", "--aws", "--all-regions", env={"AWS_DEFAULT_REGION": "cn-north-1"})
    assert completed.returncode == 3
    assert ("--all-regions: botocore's endpoint data lists no Amazon Bedrock region in partition aws-cn "
            "(the partition of cn-north-1)") in completed.stderr
    assert standin.calls("ListModelInvocationJobs") == []


def test_a_live_baseline_never_records_the_external_id(cli: Cli, standin: BedrockStandIn, tmp_path: Path) -> None:
    standin.add_role(ROLE.replace("{account_id}", A1), external_id="acme-secret-id")
    standin.add_jobs(A1, "us-east-1", 2)
    location = f"aws://us-east-1?role-arn={ROLE}&account={A1}&external-id=acme-secret-id"
    completed = run(cli, standin, "baseline", "create", location, "-o", str(tmp_path / "baseline.json"))
    assert completed.returncode == 0, completed.stderr
    written = (tmp_path / "baseline.json").read_text()
    assert "acme-secret-id" not in written + completed.stderr + completed.stdout
    assert "external-id=***" in written
