"""Reports checked by their real consumers: the JSON report schema, the Jenkins JUnit XSD and a strict
XML parser; the text report's colour rules."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import orjson
import pytest
import xmlschema
from conftest import ROOT, VENDOR, Cli, compliant_row, fake_plugin_dir, sample_api_job
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import RAISING_PLUGIN

from checker.model import ErrorKind, JobRef, Provenance, Result, Rule, Severity, Status, passed
from checker.reporters.base import ReportContext, result_source
from checker.reporters.json_report import JsonReporter, job_dict, result_dict
from checker.schema import REPORT_2_SCHEMA, REPORT_SCHEMA, load_schema

CONTROL = "bad\x00\x01\x08\x0b\x1b[31mname\x7f\ufffe"


@pytest.fixture
def mixed_input(jsonl, tmp_path: Path) -> list[str]:
    """Every kind of outcome: PASS, FAIL, ERROR (unknown column, a raising rule), SKIP, a schema-invalid
    record, an unparsable line, a missing file, a control character in a message."""
    no_tags = compliant_row("aaaaaaaaaaa3")
    del no_tags["tags"]
    path = jsonl([
        compliant_row("aaaaaaaaaaa1"),
        compliant_row("aaaaaaaaaaa2", vpc_config=None, job_name="explode"),
        no_tags,
        compliant_row("aaaaaaaaaaa4", tags={"owner": CONTROL, "cost-center": "x"}, timeout_duration_in_hours=None),
        compliant_row("aaaaaaaaaaa5", status="Running" + CONTROL),
        "{not json " + CONTROL,
    ])
    api = tmp_path / "get.json"
    api.write_text(json.dumps(sample_api_job()))
    return [str(path), str(api), str(tmp_path / "missing.jsonl")]


def run(cli: Cli, tmp_path: Path, inputs: list[str], *args: str) -> tuple[int, str]:
    env = fake_plugin_dir(tmp_path / "site", "raising_rules", RAISING_PLUGIN)
    result = cli("scan", *inputs, *args, "--now", "2025-07-01T00:00:00Z",
                 "--config", str(tmp_path / "policy.toml"), env=env)
    return result.returncode, result.stdout


@pytest.fixture(autouse=True)
def policy(tmp_path: Path) -> None:
    (tmp_path / "policy.toml").write_text('[rules.BA003]\nallow_unset = true\n')


def validate(report: dict, name: str) -> None:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(report)] == []


def test_compact_json_report_validates_and_lists_findings_first(cli: Cli, tmp_path: Path,
                                                                 mixed_input: list[str]) -> None:
    code, out = run(cli, tmp_path, mixed_input, "-f", "json")
    assert code == 4
    report = json.loads(out)
    validate(report, REPORT_2_SCHEMA)
    assert report["report_version"] == "2.0" and report["schema"] == load_schema(REPORT_2_SCHEMA)["$id"]
    jobs = report["jobs"]
    with_findings = [bool(job["results"]) for job in jobs]
    assert with_findings == sorted(with_findings, reverse=True) and any(with_findings)  # findings first
    by_name = {job["job"]["name"]: job for job in jobs}
    explode = {r["rule_id"]: r for r in by_name["explode"]["results"]}
    assert explode["BA001"]["status"] == "FAIL" and explode["BA001"]["gates"] is True
    assert explode["TST001"]["status"] == "ERROR" and explode["TST001"]["error_kind"] == "rule"
    assert "PASS" not in {r["status"] for job in jobs for r in job["results"]}
    rules = len(report["rules"])
    for job in jobs:  # every rule is accounted for: findings + passed + not applicable
        assert len(job["results"]) + job["passed"] + len(job["not_applicable"]) == rules
    summary = report["summary"]
    assert sum(counts["PASS"] for counts in summary["rules"].values()) == summary["results"]["PASS"]
    assert summary["rules"]["BA001"]["FAIL"] == summary["failures_by_severity"]["high"] - \
        sum(1 for j in jobs for r in j["results"] if r["status"] == "FAIL" and r["severity"] == "high"
            and r["rule_id"] != "BA001")
    assert sorted(e["kind"] for e in report["errors"]) == ["input", "input", "source"]


def test_include_passed_gives_every_result_in_the_1x_layout(cli: Cli, tmp_path: Path,
                                                             mixed_input: list[str]) -> None:
    code, out = run(cli, tmp_path, mixed_input, "-f", "json", "--include-passed")
    assert code == 4
    report = json.loads(out)
    validate(report, REPORT_SCHEMA)
    assert report["report_version"] == "1.2"
    statuses = {(r["job"]["name"], r["rule_id"]): r["status"] for r in report["results"]}
    assert statuses[("explode", "BA001")] == "FAIL"
    assert statuses[("explode", "TST001")] == "ERROR"
    assert statuses[("claims-summary-batch-20250602", "BA003")] == "PASS"
    assert "SKIP" in {r["status"] for r in report["results"]}
    kinds = sorted(e["kind"] for e in report["errors"])
    assert kinds == ["input", "input", "source"]
    summary = report["summary"]
    assert summary["exit_code"] == 4 and summary["error_results"] == {"input": 2, "rule": 1}
    assert report["generated_at"] == "2025-07-01T00:00:00Z"


def test_junit_validates_against_the_jenkins_xsd_and_a_strict_parser(cli: Cli, tmp_path: Path,
                                                                     mixed_input: list[str]) -> None:
    code, _ = run(cli, tmp_path, mixed_input, "-f", "json", "-o", f"junit={tmp_path / 'r.xml'}")
    assert code == 4
    raw = (tmp_path / "r.xml").read_bytes()
    xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd")).validate(str(tmp_path / "r.xml"))
    root = ET.fromstring(raw)  # expat: rejects any XML-illegal character
    suites = root.findall("testsuite")
    names = [s.get("name") for s in suites]
    assert "explode" in names and "claims-summary-batch-20250602" in names
    explode = suites[names.index("explode")]
    props = {p.get("name"): p.get("value") for p in explode.iter("property")}
    assert props["job_arn"].endswith("/aaaaaaaaaaa2") and props["account_id"] == "123456789012"
    assert props["region"] == "us-east-1" and props["source"].endswith("jobs.jsonl:2")
    cases = {c.get("classname"): c for c in explode.findall("testcase")}
    assert cases["BA001"].get("name") == "vpc-config-required" and cases["BA001"].find("failure") is not None
    assert cases["TST001"].find("error") is not None
    rule_time = sum(float(c.get("time")) for c in root.iter("testcase") if c.get("classname", "").startswith("BA"))
    assert rule_time > 0  # rules are timed when a JUnit report is among the outputs, even if -f json is not
    for case in root.iter("testcase"):
        assert case.get("time") is not None
        assert len([c for c in case if c.tag in ("failure", "error", "skipped")]) <= 1
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                assert child.get("message"), ET.tostring(case)
    invalid = [s for s in suites if any(c.get("classname") == "bedrock-audit.input" for c in s.iter("testcase"))]
    assert len(invalid) == 2
    assert any("/status" in (s.find("testcase/error").get("message") or "") for s in invalid)
    assert any(c.get("classname") == "bedrock-audit.source" for c in root.iter("testcase"))
    totals = root.attrib
    assert int(totals["tests"]) == sum(int(s.get("tests")) for s in suites)
    assert int(totals["failures"]) == sum(int(s.get("failures")) for s in suites)
    assert b"\x1b" not in raw and b"\x00" not in raw


def test_text_report_has_no_colour_unless_a_terminal(cli: Cli, jsonl) -> None:
    path = str(jsonl([compliant_row(vpc_config=None)]))
    plain = cli("scan", path)
    assert "\x1b[" not in plain.stdout and "FAIL  BA001 vpc-config-required [high]" in plain.stdout
    forced = cli("scan", path, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert forced.returncode == 1


def test_text_report_strips_terminal_escapes_from_data(cli: Cli, jsonl) -> None:
    path = str(jsonl([compliant_row(tags={"owner": "x", "cost-center": "c"}, job_name="ok",
                                    role_arn="arn:aws:iam::210987654321:role/\x1b[2Jevil")]))
    result = cli("scan", path)
    assert "\x1b" not in result.stdout


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize("format", ["text", "markdown"])
def test_text_and_markdown_escape_bidirectional_controls(cli: Cli, jsonl, format: str) -> None:
    """A U+202E in the service's message must not reorder the line a reader sees (Trojan Source)."""
    message = "denied on " + BIDI + "txt.exe"
    path = str(jsonl([compliant_row(status="Failed", message=message, end_time="2025-06-01T00:00:00Z")]))
    result = cli("scan", path, "--fail-on", "info", "-f", format)
    assert result.returncode == 1, result.stderr
    assert not any(char in result.stdout for char in BIDI)
    assert "denied on \\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061ctxt.exe" \
        in result.stdout.replace("\\\\", "\\")


def run_in_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run the console script with stdout on a pseudo-terminal; return what it printed."""
    import os
    import pty
    import subprocess

    from conftest import console_script

    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_") and k != "NO_COLOR"}
    environment.update({"COLUMNS": "120", "TERM": "xterm-256color", **env})
    process = subprocess.Popen([console_script(), *args], stdout=follower, stderr=subprocess.DEVNULL,
                               cwd=cwd, env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_text_report_on_a_terminal_uses_colour_and_a_table_unless_no_color(jsonl, tmp_path: Path) -> None:
    path = str(jsonl([compliant_row(vpc_config=None, role_arn="arn:aws:iam::210987654321:role/\x1b[2Jevil")]))
    coloured = run_in_terminal(["scan", path], {}, tmp_path)
    assert "\x1b[" in coloured and "┏" in coloured and "vpc-config-required" in coloured
    assert "\x1b[2J" not in coloured and "\\x1b[2Jevil" in coloured  # data cannot drive the terminal
    assert re.search(r"\x1b\[[0-9;]*3[1-7]m", coloured)  # a colour (red FAIL)
    plain = run_in_terminal(["scan", path], {"NO_COLOR": "1"}, tmp_path)
    assert "┏" in plain and "vpc-config-required" in plain
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", plain)  # NO_COLOR: no colour (bold and dim are not colours)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Status)), _TEXT, st.none() | _TEXT,
                          st.none() | st.sampled_from(list(ErrorKind)), st.sampled_from(list(Severity)),
                          st.none() | st.dictionaries(_TEXT, _TEXT, max_size=2),
                          st.none() | st.sampled_from(["new", "existing"])), min_size=1, max_size=4),
       st.none() | _TEXT, st.none() | st.integers(1, 10**6))
def test_json_report_writes_each_result_as_result_dict_would(results, name: str | None, line: int | None) -> None:
    """The JSON reporter pieces each result together from cached fragments; the bytes must be exactly what
    encoding :func:`result_dict` gives, whatever the status, message, waiver or baseline."""
    rule = Rule("TST001", "test-rule", "T", "d", "r", "m", Severity.LOW, lambda job, params: passed(), "https://x")
    made = [Result(rule, severity, status, message, pointer, kind, 0.0, waiver, baseline)
            for status, message, pointer, kind, severity, waiver, baseline in results]
    ref = JobRef("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc", name, "123456789012", None)
    provenance = Provenance("in.jsonl", line, 7)
    stream = io.StringIO()
    reporter = JsonReporter(stream, ReportContext(version="0", now=datetime(2025, 1, 1, tzinfo=UTC),
                                                  fail_on=Severity.LOW, policy_path=None, rules=[]))
    for _ in range(2):  # the second job reuses the cached per-rule fragments
        reporter.job(ref, provenance, made)
    expected = [result_dict(r, job_dict(ref), result_source(provenance)) for r in made]
    lines = stream.getvalue().lstrip("\n").split(",\n")
    assert [json.loads(f"[{line}]") for line in lines] == [expected, expected]
    assert lines[0] == ",".join(orjson.dumps(item).decode() for item in expected)


def test_a_compliant_job_costs_at_most_half_a_kilobyte_in_the_json_report(cli: Cli, jsonl) -> None:
    """Issue 15: the default JSON report stays small on big estates (the 1.x layout: ~4 KB per job)."""
    def size(count: int) -> int:
        path = jsonl([compliant_row(f"{i:012d}") for i in range(count)], name=f"jobs-{count}.jsonl")
        result = cli("scan", str(path), "-f", "json", "--now", "2025-07-01T00:00:00Z")
        assert result.returncode == 0 and json.loads(result.stdout)["summary"]["jobs"] == count
        return len(result.stdout.encode())

    per_job = (size(101) - size(1)) / 100
    assert per_job <= 512, per_job


def test_include_passed_without_a_json_report_says_it_changes_nothing(cli: Cli) -> None:
    # new-user trial: --include-passed with -f sarif silently did nothing
    result = cli("scan", str(ROOT / "examples" / "jobs.jsonl"), "-f", "sarif", "--include-passed")
    assert "--include-passed changes only the JSON report, and none is written" in result.stderr
    quiet = cli("scan", str(ROOT / "examples" / "jobs.jsonl"), "-f", "json", "--include-passed")
    assert "--include-passed changes only" not in quiet.stderr
