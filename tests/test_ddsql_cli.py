"""``bedrock-audit scan ddsql://`` and ``fetch ddsql://`` as a user runs them: the real datadog-api-client
against tests/ddsql_standin.py on 127.0.0.1 (DD_HOST), reports read back, exit codes, keys never shown."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import VENDOR, Cli, Script
from ddsql_standin import API_KEY, APP_KEY, DdsqlStandIn, Fault, make_rows


@pytest.fixture
def standin() -> Iterator[DdsqlStandIn]:
    with DdsqlStandIn(make_rows(30)) as server:
        yield server


def dd_env(standin: DdsqlStandIn, **more: str) -> dict[str, str]:
    return {"DD_HOST": standin.url, "DD_API_KEY": API_KEY, "DD_APP_KEY": APP_KEY, "DD_SITE": "",
            "DD_APPLICATION_KEY": "", **more}


def report(text: str) -> dict[str, Any]:
    return json.loads(text)


def test_scan_checks_every_row_once_past_two_row_limits(cli: Cli, standin: DdsqlStandIn) -> None:
    standin.set_rows(make_rows(25_000))
    done = cli("scan", "ddsql://", "-f", "json", "--include-passed", env=dd_env(standin))
    document = report(done.stdout)
    assert done.returncode == 1, done.stderr  # the sample rows have findings
    assert document["summary"]["records"] == document["summary"]["jobs"] == 25_000
    per_job = Counter(r["job"]["arn"] for r in document["results"])
    assert len(per_job) == 25_000 and len(set(per_job.values())) == 1  # every job, each with every rule once
    assert document["errors"] == [] and document["inputs"] == ["ddsql://aws.bedrock_model_invocation_job"]
    pages = Counter(r["source"]["path"] for r in document["results"] if r["rule_id"] == "BA001")
    assert pages == {f"ddsql://aws.bedrock_model_invocation_job?page={n}": count
                     for n, count in ((1, 9_999), (2, 9_999), (3, 5_002))}  # a full page's last row starts the next
    assert "ddsql: 25000 rows in 3 pages (3 queries, 0 polls, 0 retries)" in done.stderr


def test_missing_api_key_exits_2_naming_it_before_any_request(cli: Cli, standin: DdsqlStandIn) -> None:
    done = cli("scan", "ddsql://", env=dd_env(standin, DD_API_KEY=""))
    assert done.returncode == 2 and "DD_API_KEY is not set" in done.stderr and standin.requests == []


def test_missing_application_key_exits_2_and_the_other_name_is_accepted(cli: Cli, standin: DdsqlStandIn) -> None:
    done = cli("scan", "ddsql://", env=dd_env(standin, DD_APP_KEY=""))
    assert done.returncode == 2 and "DD_APP_KEY (or DD_APPLICATION_KEY) is not set" in done.stderr
    done = cli("scan", "ddsql://", "-f", "json", env=dd_env(standin, DD_APP_KEY="", DD_APPLICATION_KEY=APP_KEY))
    assert done.returncode == 1 and report(done.stdout)["summary"]["jobs"] == 30


def test_an_unknown_site_or_option_is_a_usage_error(cli: Cli, standin: DdsqlStandIn) -> None:
    done = cli("scan", "ddsql://", env=dd_env(standin, DD_HOST="", DD_SITE="datadoghq.con"))
    assert done.returncode == 2 and "DD_SITE='datadoghq.con' is not a Datadog site" in done.stderr
    done = cli("scan", "ddsql://?stauts=Failed", env=dd_env(standin))
    assert done.returncode == 2 and "unknown option 'stauts' (did you mean status?)" in done.stderr
    done = cli("scan", "ddsql://?row-limit=20000", env=dd_env(standin))
    assert done.returncode == 2 and "row-limit=20000 is outside 1-10000" in done.stderr
    assert standin.requests == []


def test_denied_exits_3_naming_datadog_and_the_permission_never_the_keys(
        cli: Cli, standin: DdsqlStandIn, tmp_path: Path) -> None:
    standin.faults = [Fault(403, {"X-Echo": APP_KEY}, {"errors": [f"Forbidden: key {API_KEY} app {APP_KEY}"]})]
    done = cli("scan", "ddsql://", "-f", "json", "-o", f"sarif={tmp_path / 'r.sarif'}",
               "-o", f"junit={tmp_path / 'r.xml'}", env=dd_env(standin))
    assert done.returncode == 3
    errors = report(done.stdout)["errors"]
    assert [e["kind"] for e in errors] == ["source", "input"]  # the gap, then "no records at all"
    assert "refused the DDSQL query: 403" in errors[0]["message"] and "timeseries_query" in errors[0]["message"]
    assert "Datadog at http://127.0.0.1:" in errors[0]["message"] and "; gaps: page 1 (denied) (see the report)" in done.stderr
    written = done.stdout + done.stderr + (tmp_path / "r.sarif").read_text() + (tmp_path / "r.xml").read_text()
    assert API_KEY not in written and APP_KEY not in written


def test_keys_stay_out_of_a_traceback_too(script: Script, standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(500, body={"errors": [f"boom {API_KEY} {APP_KEY}"]})] * 3
    done = script("scan", "ddsql://?max-attempts=3", "--traceback", "-f", "json", env=dd_env(standin))
    assert done.returncode == 3 and "after 3 attempts" in report(done.stdout)["errors"][0]["message"]
    assert API_KEY not in done.stdout + done.stderr and APP_KEY not in done.stdout + done.stderr


def test_a_gap_after_the_first_page_is_in_the_report_and_allow_partial_keeps_the_findings(
        cli: Cli, standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(), Fault(503), Fault(503)]
    done = cli("scan", "ddsql://?row-limit=10&max-attempts=2", "-f", "json", "--allow-partial", env=dd_env(standin))
    document = report(done.stdout)
    assert done.returncode == 1 and document["summary"]["jobs"] == 9  # page 1 less the row held back for page 2
    assert [e["kind"] for e in document["errors"]] == ["source"]
    assert document["errors"][0]["source"]["path"].endswith("page=2")
    assert "not read" in document["errors"][0]["message"]


def test_fetch_writes_the_rows_and_scanning_the_file_gives_the_live_results(
        cli: Cli, standin: DdsqlStandIn, tmp_path: Path) -> None:
    env = dd_env(standin)
    done = cli("fetch", "ddsql://?status=Failed,InProgress", "-o", str(tmp_path / "jobs.jsonl"), env=env)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "jobs.jsonl").read_text().splitlines()
    assert len(lines) == 10 and all(json.loads(line)["status"] in ("Failed", "InProgress") for line in lines)
    first = json.loads(lines[0])
    assert first["submit_time"].endswith("Z") and isinstance(first["input_data_config"], dict)
    live = report(cli("scan", "ddsql://?status=Failed,InProgress", "-f", "json", "--include-passed", "--now", "2025-07-01", env=env).stdout)
    offline = report(cli("scan", str(tmp_path / "jobs.jsonl"), "-f", "json", "--include-passed", "--now", "2025-07-01", env=env).stdout)

    def outcome(document: dict[str, Any]) -> list[tuple[str, str, str]]:
        return sorted((r["job"]["arn"], r["rule_id"], r["status"]) for r in document["results"])
    assert outcome(live) == outcome(offline) and len(outcome(live)) > 10


def test_fetch_records_a_gap_and_exits_3(cli: Cli, standin: DdsqlStandIn, tmp_path: Path) -> None:
    standin.faults = [Fault(429, {"X-RateLimit-Reset": "600"})]
    done = cli("fetch", "ddsql://", "-o", str(tmp_path / "jobs.jsonl"), env=dd_env(standin))
    assert done.returncode == 3 and "rate-limited (429)" in done.stderr
    gap = json.loads((tmp_path / "jobs.jsonl").read_text())
    assert "rate-limited" in gap["_gap"]["message"]


def test_fetch_refuses_aws_flags_with_a_ddsql_location(cli: Cli, standin: DdsqlStandIn, tmp_path: Path) -> None:
    done = cli("fetch", "ddsql://", "--region", "us-east-1", "-o", str(tmp_path / "j.jsonl"), env=dd_env(standin))
    assert done.returncode == 2 and "--region applies to live AWS, not to ddsql://" in done.stderr


def test_sarif_of_a_ddsql_scan_validates(cli: Cli, standin: DdsqlStandIn) -> None:
    from jsonschema import Draft4Validator

    done = cli("scan", "ddsql://?row-limit=7", "-f", "sarif", env=dd_env(standin))
    document = json.loads(done.stdout)
    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text())
    Draft4Validator(schema).validate(document)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert any("page%3D5" in uri or "page=5" in uri for uri in uris)


def test_help_teaches_ddsql(cli: Cli) -> None:
    assert "ddsql://" in cli("scan", "--help").stdout
    assert "ddsql://" in cli("fetch", "--help").stdout


def test_fetch_refuses_an_output_named_like_a_project_file(cli: Cli, standin: DdsqlStandIn, tmp_path: Path) -> None:
    for name in ("pyproject.toml", "bedrock-audit.toml", "job.yaml", "main.tf"):
        kept = tmp_path / name
        kept.write_text("[tool.bedrock-audit]\n")
        done = cli("fetch", "ddsql://", "-o", str(kept), env=dd_env(standin))
        assert done.returncode == 2 and "name it .jsonl" in done.stderr, done.stderr
        assert kept.read_text() == "[tool.bedrock-audit]\n"
    assert standin.requests == []
    assert cli("fetch", "ddsql://?status=Failed", "-o", str(tmp_path / "jobs.ndjson"), env=dd_env(standin)).returncode == 0
