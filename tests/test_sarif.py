"""The SARIF report, checked by the OASIS SARIF 2.1.0 schema (jsonschema Draft4Validator) and by what
GitHub code scanning relies on: one rules[] entry per rule id, levels, locations, fingerprints, limits."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from conftest import VENDOR, Cli, compliant_row, write_jsonl
from gate_scenario import NOW, POLICY, SCAN_ARGS, arn, write_scenario
from test_reports import mixed_input, run  # noqa: F401 - fixtures shared with the other reports

from checker.engine import ConfiguredRule
from checker.model import ErrorKind, JobRef, Problem, Provenance, Result, Severity, Status
from checker.plugins import load_plugins
from checker.reporters.base import ReportContext
from checker.reporters.sarif import SarifReporter, artifact_location, fingerprint
from checker.summary import Summary


@pytest.fixture(autouse=True)
def policy(tmp_path: Path) -> None:
    """test_reports' policy (BA003 allows an unset timeout), the built-in rules pinned to BA001-BA004 (plus
    the test plugin's TST001) so that rules added later do not change these expectations."""
    (tmp_path / "policy.toml").write_text('select = ["BA00[1-4]", "TST*"]\n[rules.BA003]\nallow_unset = true\n')
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid(log: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_sarif_validates_and_reports_every_kind_of_outcome(cli: Cli, tmp_path: Path,
                                                           mixed_input: list[str]) -> None:  # noqa: F811
    code, out = run(cli, tmp_path, mixed_input, "-f", "sarif")
    assert code == 4
    log = json.loads(out)
    assert_valid(log)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == ["BA001", "BA002", "BA003", "BA004", "TST001"] and len(set(ids)) == len(ids)
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["helpUri"].startswith("https://")
        assert "security" in rule["properties"]["tags"]
        assert float(rule["properties"]["security-severity"]) >= 0
    results = run_["results"]
    assert results, "the FAIL results are missing"
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "jobs.jsonl", "uriBaseId": "%SRCROOT%"}  # relative to the working directory
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        logical = location["logicalLocations"][0]
        assert logical["fullyQualifiedName"].startswith("arn:aws:bedrock:") and logical["kind"] == "resource"
        assert logical["fullyQualifiedName"] in result["message"]["text"]
        assert result["partialFingerprints"]["bedrockAuditFinding/v1"] == fingerprint(
            result["ruleId"], logical["fullyQualifiedName"])
    explode = next(r for r in results if r["ruleId"] == "BA001")
    assert explode["level"] == "error" and explode["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    (invocation,) = run_["invocations"]
    assert invocation["exitCode"] == 4 and invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    kinds = sorted(n["descriptor"]["id"] for n in notes)
    # unknown tags (input), the raising rule (rule), the bad line and the schema-invalid record (input),
    # the missing file (source)
    assert kinds == ["input-error", "input-error", "input-error", "input-error", "rule-error", "source-error"]
    raised = next(n for n in notes if n["descriptor"]["id"] == "rule-error")
    assert raised["associatedRule"] == {"id": "TST001", "index": 4} and "boom" in raised["message"]["text"]
    assert all(n["level"] == "error" for n in notes)


def test_levels_follow_the_effective_severity(cli: Cli, jsonl, tmp_path: Path) -> None:
    path = jsonl([compliant_row(vpc_config=None, timeout_duration_in_hours=100, tags={"owner": "x"})])
    (tmp_path / "policy.toml").write_text(POLICY + '[rules.BA001]\nseverity = "critical"\n[rules.BA003]\nseverity = "low"\n'
                                          '[rules.BA004]\nseverity = "info"\n')
    result = cli("scan", str(path), "-f", "sarif", "--config", "policy.toml")
    log = json.loads(result.stdout)
    assert_valid(log)
    driver = log["runs"][0]["tool"]["driver"]
    severity = {r["id"]: r["properties"]["security-severity"] for r in driver["rules"]}
    assert severity == {"BA001": "9.5", "BA002": "8.0", "BA003": "3.0", "BA004": "0.0"}
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    # fail-on low (the default): a gating low is a warning; info does not gate, so it is a note
    assert levels == {"BA001": "error", "BA003": "warning", "BA004": "note"}
    gating = {r["ruleId"]: (r["properties"]["gating"], r["properties"].get("notGating"))
              for r in log["runs"][0]["results"]}
    assert gating == {"BA001": (True, None), "BA003": (True, None), "BA004": (False, "info is below fail-on low")}
    defaults = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert defaults == {"BA001": "error", "BA002": "error", "BA003": "warning", "BA004": "note"}


def test_invocation_times_are_the_real_start_and_end_not_now(cli: Cli, jsonl) -> None:
    """--now moves the rules' clock (here to 2020), never the invocation's times."""
    path = jsonl([compliant_row(vpc_config=None)])
    before = datetime.now(UTC)
    log = json.loads(cli("scan", str(path), "-f", "sarif", "--now", "2020-01-01T00:00:00Z").stdout)
    after = datetime.now(UTC)
    assert_valid(log)
    (invocation,) = log["runs"][0]["invocations"]
    start = datetime.fromisoformat(invocation["startTimeUtc"])
    end = datetime.fromisoformat(invocation["endTimeUtc"])
    assert before <= start <= end <= after


def test_fingerprints_are_stable_across_runs_reordering_and_line_moves(cli: Cli, tmp_path: Path) -> None:
    rows = [compliant_row(f"cccccccccc{i:02d}", vpc_config=None, tags={}) for i in range(6)]
    write_jsonl(tmp_path / "a.jsonl", rows)
    write_jsonl(tmp_path / "b.jsonl", ["", *reversed(rows)])

    def prints(name: str) -> dict[tuple[str, str], str]:
        log = json.loads(cli("scan", name, "-f", "sarif", "--now", NOW).stdout)
        return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]):
                r["partialFingerprints"]["bedrockAuditFinding/v1"] for r in log["runs"][0]["results"]}

    first = prints("a.jsonl")
    assert len(first) == 12 and len(set(first.values())) == 12
    assert prints("a.jsonl") == first
    assert prints("b.jsonl") == first


def test_waived_and_baselined_results(cli: Cli, tmp_path: Path) -> None:
    write_scenario(tmp_path)
    result = cli(*SCAN_ARGS, "-f", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert_valid(log)
    run_ = log["runs"][0]
    by_job = {(r["ruleId"], r["properties"]["jobName"]): r for r in run_["results"]}
    assert set(by_job) == {("BA001", "legacy-etl"), ("BA003", "nightly-summaries"), ("BA002", "partner-scoring"),
                           ("BA004", "new-job")}
    waived = by_job[("BA001", "legacy-etl")]
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "SEC-123" in suppression["justification"] and "ml-platform" in suppression["justification"]
    assert "2025-09-30" in suppression["justification"] and waived["level"] == "note"
    lapsed = by_job[("BA003", "nightly-summaries")]
    assert "suppressions" not in lapsed and "lapsed on 2025-06-01" in lapsed["message"]["text"]
    assert lapsed["properties"]["waiver"]["state"] == "expired"
    assert by_job[("BA002", "partner-scoring")]["baselineState"] == "unchanged"
    assert by_job[("BA004", "new-job")]["baselineState"] == "new"
    properties = run_["properties"]
    assert [e["job_arn"] for e in properties["baseline"]["fixed"]] == [arn("claims-ok")]
    notes = {n["descriptor"]["id"]: n for n in run_["invocations"][0]["toolExecutionNotifications"]}
    assert "retired-*" in notes["warning"]["message"]["text"] and notes["warning"]["level"] == "warning"
    assert notes["baseline-fixed"]["level"] == "note"


def context(rules: list[ConfiguredRule]) -> ReportContext:
    return ReportContext(version="0", now=datetime(2025, 7, 1, tzinfo=UTC), fail_on=Severity.LOW,
                         policy_path=None, rules=rules)


def builtin_rules() -> list[ConfiguredRule]:
    """BA001-BA004, configured with their own severity."""
    registry = load_plugins(autoload=False)
    return [ConfiguredRule(registry.rules[i], {}, registry.rules[i].severity, None)
            for i in ("BA001", "BA002", "BA003", "BA004")]


def test_live_aws_records_get_a_stable_synthetic_uri() -> None:
    job_arn = "arn:aws:bedrock:eu-west-1:123456789012:model-invocation-job/abcdefgh1234"
    provenance = Provenance("aws://123456789012/eu-west-1", None, 7)
    assert artifact_location(provenance, job_arn, "/anywhere") == {
        "uri": "aws/123456789012/eu-west-1/model-invocation-job/abcdefgh1234.json"}
    rules = builtin_rules()
    out = io.StringIO()
    reporter = SarifReporter(out, context(rules))
    reporter.start()
    result = Result(rules[0].rule, Severity.HIGH, Status.FAIL, "no VPC configuration", "/vpc_config")
    reporter.job(JobRef(job_arn, "nightly", "123456789012", "eu-west-1"), provenance,
                 [result] + [Result(c.rule, c.severity, Status.PASS, "", None) for c in rules[1:]])
    reporter.finish(Summary())
    log = json.loads(out.getvalue())
    assert_valid(log)
    (sarif_result,) = log["runs"][0]["results"]
    location = sarif_result["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "aws/123456789012/eu-west-1/model-invocation-job/abcdefgh1234.json"}}
    assert location["logicalLocations"][0]["fullyQualifiedName"] == job_arn


def test_past_githubs_result_limit_the_cut_is_clear_and_deterministic(cli: Cli, tmp_path: Path) -> None:
    # 6,300 jobs failing all four rules = 25,200 results, 200 over GitHub's 25,000 per run
    template = json.dumps(compliant_row("IDIDIDIDIDID", vpc_config=None, timeout_duration_in_hours=100, tags={},
                                        role_arn="arn:aws:iam::210987654321:role/x"))
    lines = [template.replace("IDIDIDIDIDID", f"{i:012d}") for i in range(6300)]
    write_jsonl(tmp_path / "a.jsonl", lines)
    write_jsonl(tmp_path / "b.jsonl", reversed(lines))
    logs = []
    for name in ("a.jsonl", "b.jsonl"):
        result = cli("scan", name, "-o", f"sarif={name}.sarif", "-f", "json", "--include-passed", "--now", NOW)
        assert result.returncode == 1
        assert "SARIF report cut to GitHub's limits" in result.stderr and "25000 of 25200" in result.stderr
        raw = (tmp_path / f"{name}.sarif").read_bytes()
        assert len(gzip.compress(raw)) < 10_000_000
        logs.append(json.loads(raw))
        assert len(json.loads(result.stdout)["results"]) == 25200  # the JSON report keeps everything
    log = logs[0]
    # the same OASIS schema, checked by jsonschema-rs's Draft 4 validator: python-jsonschema takes ~5 s
    # on 25,000 results (every other SARIF test here uses python-jsonschema's Draft4Validator)
    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert jsonschema_rs.Draft4Validator(schema).is_valid(log)
    results = log["runs"][0]["results"]
    assert len(results) == 25000
    counts = {rule: sum(1 for r in results if r["ruleId"] == rule) for rule in ("BA001", "BA002", "BA003", "BA004")}
    assert counts == {"BA001": 6300, "BA002": 6300, "BA003": 6300, "BA004": 6100}  # high first, then by id
    assert log["runs"][0]["properties"]["truncated"]["results"] == 25200
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "sarif-truncated" for n in notes)

    def kept(one: dict) -> list[tuple[str, str]]:
        return [(r["ruleId"], r["properties"]["jobArn"]) for r in one["runs"][0]["results"]]

    assert kept(logs[0]) == kept(logs[1])  # the same results, in the same order, whatever the input order


def test_the_gzip_size_limit_cuts_in_the_same_order() -> None:
    rules = builtin_rules()
    out = io.StringIO()
    reporter = SarifReporter(out, context(rules), max_gzip_bytes=150_000)
    reporter.start()
    for i in range(400):
        job_arn = f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{i:012d}"
        noise = "".join(f"{(i * 7919 + k) % 65536:04x}" for k in range(300))  # hardly compressible
        reporter.job(JobRef(job_arn, f"job-{i}"), Provenance("jobs.jsonl", i + 1, i + 1),
                     [Result(c.rule, c.severity, Status.FAIL, f"finding {noise}", None) for c in rules])
    warnings: list[str] = []
    reporter.context.warn = warnings.append
    reporter.finish(Summary())
    log = json.loads(out.getvalue())
    assert_valid(log)
    results = log["runs"][0]["results"]
    assert 0 < len(results) < 1600
    assert len(gzip.compress(out.getvalue().encode())) <= 150_000
    assert warnings and "of 1600 results kept" in warnings[0]
    severities = [rules[r["ruleIndex"]].severity for r in results]
    assert severities == sorted(severities, reverse=True)


@pytest.mark.parametrize("shift", range(4))
def test_notifications_longer_than_a_copy_chunk_keep_non_ascii_text_whole(shift: int) -> None:
    """Notifications are copied into the report in chunks; a multi-byte character (here 4 bytes, the
    64 KiB chunk boundary inside it for at least three of the four shifts) must come out whole."""
    text = "x" * shift + "\N{SLIGHTLY SMILING FACE}" * 20_000
    out = io.StringIO()
    reporter = SarifReporter(out, context(builtin_rules()))
    reporter.start()
    reporter.problem(Problem(ErrorKind.INPUT, text, Provenance("jobs.jsonl", 1, 1)))
    reporter.finish(Summary())
    log = json.loads(out.getvalue())
    assert_valid(log)
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == f"jobs.jsonl:1: {text}"


@pytest.mark.parametrize("source, expected", [
    ("-", {"uri": "stdin", "description": {"text": "standard input"}}),
    ("sub dir/jobs.jsonl", {"uri": "sub%20dir/jobs.jsonl", "uriBaseId": "%SRCROOT%"}),
    ("/elsewhere/jobs.jsonl", {"uri": "file:///elsewhere/jobs.jsonl"}),
])
def test_artifact_locations(source: str, expected: dict) -> None:
    assert artifact_location(Provenance(source, 1, 1), None, "/work/repo") == expected


def test_rule_controls_go_into_the_rule_properties() -> None:
    import dataclasses

    from checker.reporters.sarif import rule_descriptor

    configured = builtin_rules()[0]
    rule = dataclasses.replace(configured.rule, controls={"nist-800-53": {"SC-7": "Boundary Protection",
                                                                         "AC-4": "Information Flow Enforcement"}})
    descriptor = rule_descriptor(ConfiguredRule(rule, {}, Severity.HIGH, None), "builtin-rules")
    assert descriptor["properties"]["controls"] == {
        "nist-800-53": {"SC-7": "Boundary Protection", "AC-4": "Information Flow Enforcement"}}
    bare = dataclasses.replace(configured.rule, controls={})
    assert "controls" not in rule_descriptor(ConfiguredRule(bare, {}, Severity.HIGH, None), None)["properties"]


def test_notifications_are_capped_and_count_against_the_gzip_limit() -> None:
    # 300 schema-invalid records with hardly compressible messages, then 400 jobs failing four rules:
    # notifications beyond the cap are counted in one warning, and what is kept still fits 150 kB gzip
    rules = builtin_rules()
    out = io.StringIO()
    reporter = SarifReporter(out, context(rules), max_gzip_bytes=150_000, max_notifications=100)
    reporter.start()
    for i in range(300):
        noise = "".join(f"{(i * 104729 + k) % 65536:04x}" for k in range(200))
        reporter.problem(Problem(ErrorKind.INPUT, f"schema-invalid record: {noise}", Provenance("jobs.jsonl", i + 1, i + 1)))
    for i in range(400):
        job_arn = f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{i:012d}"
        noise = "".join(f"{(i * 7919 + k) % 65536:04x}" for k in range(300))
        reporter.job(JobRef(job_arn, f"job-{i}"), Provenance("jobs.jsonl", 301 + i, 301 + i),
                     [Result(c.rule, c.severity, Status.FAIL, f"finding {noise}", None) for c in rules])
    warnings: list[str] = []
    reporter.context.warn = warnings.append
    reporter.finish(Summary())
    raw = out.getvalue().encode()
    assert len(gzip.compress(raw)) <= 150_000
    log = json.loads(raw)
    assert_valid(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    problems = [n for n in notes if n["descriptor"]["id"] == "input-error"]
    assert [n["message"]["text"].split(":")[1] for n in problems] == [str(i) for i in range(1, 101)]
    (capped,) = [n for n in notes if n["descriptor"]["id"] == "sarif-notifications-truncated"]
    assert "first 100 of 300 notifications" in capped["message"]["text"] and capped["level"] == "warning"
    assert any("first 100 of 300 notifications" in w for w in warnings)
    assert any("of 1600 results kept" in w for w in warnings)
    assert 0 < len(log["runs"][0]["results"]) < 1600
