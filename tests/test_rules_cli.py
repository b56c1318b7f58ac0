"""The rule catalogue through the installed console script: the compliance mapping (``rules
--framework``), the JSON report's rule metadata, rules that run only once configured, and a scan of
examples/ with a policy that turns every rule on."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import jsonschema
import xmlschema
from conftest import ROOT, VENDOR, Cli, compliant_row, write_jsonl

from checker.plugins import load_plugins
from checker.schema import REPORT_SCHEMA, load_schema

EXAMPLES = ROOT / "examples"
NIST_ID = re.compile(r"^[A-Z]{2}-[0-9]{1,2}(\([0-9]{1,2}\))?$")


def test_every_rule_maps_to_nist_800_53_controls_with_justifications() -> None:
    registry = load_plugins(autoload=False)
    assert len(registry.rules) >= 14
    for rule in registry.rules.values():
        controls = rule.controls.get("nist-800-53")
        assert controls, f"{rule.id} has no NIST SP 800-53 mapping"
        for control, why in controls.items():
            assert NIST_ID.match(control), (rule.id, control)
            assert len(why) > 20, (rule.id, control)


def test_rules_off_until_configured_have_no_defaults_for_their_required_options() -> None:
    registry = load_plugins(autoload=False)
    off = {rule_id for rule_id, rule in registry.rules.items() if not rule.enabled_by_default}
    assert off == {"BA007", "BA008", "BA009", "BA013"}
    for rule_id in off:
        schema = registry.rules[rule_id].params_schema
        assert schema["required"], rule_id
        assert all("default" not in schema["properties"][name] for name in schema["required"]), rule_id


def test_rules_framework_filter_text_and_json(cli: Cli) -> None:
    text = cli("rules", "--framework", "nist-800-53")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SEVERITY", "ON", "PLUGIN", "TITLE"] and len(lines) == 15
    assert re.search(r"^BA005 +output-kms-cmk .*\[SC-12, SC-28\]$", text.stdout, re.M)
    assert re.search(r"^BA008 +region-allowlist .*\[AC-4, SA-9\(5\)\]$", text.stdout, re.M)
    as_json = cli("rules", "-f", "json", "--framework", "NIST-800-53")
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert [row["id"] for row in rows] == [f"BA{n:03d}" for n in range(1, 15)]
    assert "SC-28" in rows[4]["controls"]["nist-800-53"]
    assert rows[4]["controls"]["nist-800-53"]["SC-28"].startswith("Batch output at rest")


def test_rules_framework_unknown_is_a_usage_error(cli: Cli) -> None:
    result = cli("rules", "--framework", "iso-27001")
    assert result.returncode == 2
    assert result.stderr.strip() == ("bedrock-audit: error: --framework: no rule maps to 'iso-27001' "
                                     "(known: nist-800-53)")
    assert result.stdout == ""


def test_rules_markdown_with_framework_lists_only_mapped_rules(cli: Cli) -> None:
    result = cli("rules", "-f", "markdown", "--framework", "nist-800-53")
    assert result.returncode == 0
    assert result.stdout.count("| [BA0") == 14
    assert "| `allowed` (required) |" in result.stdout


def test_rules_show_carries_controls_and_statuses(cli: Cli) -> None:
    result = cli("rules", "show", "BA011", "-f", "json")
    document = json.loads(result.stdout)
    assert document["controls"]["nist-800-53"].keys() == {"AU-6", "SI-4"}
    assert document["applies_to"] == ["Completed", "Expired", "Failed", "PartiallyCompleted", "Stopped"]
    assert document["severity"] == "info"


def test_selecting_a_rule_that_needs_configuration_says_where_to_configure_it(cli: Cli, tmp_path: Path) -> None:
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])
    result = cli("scan", str(jobs), "--select", "BA007")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "bedrock-audit: error: BA007 (model-allowlist) runs only once configured: 'allowed' is a required "
        "property; set it under [rules.BA007] in the policy file (see `bedrock-audit rules show BA007`)")
    (tmp_path / "bedrock-audit.toml").write_text('[rules.BA013]\nallowed_subnets = ["subnet-*"]\n')
    result = cli("scan", str(jobs))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("rules.BA013: 'allowed_security_groups' is a required property")
    assert "Traceback" not in result.stderr


def test_info_findings_gate_only_when_asked(cli: Cli, tmp_path: Path) -> None:
    failed = compliant_row(status="Failed", message="Job failed during validation: bad JSONL on line 3.")
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [failed])
    default = cli("scan", str(jobs), "-f", "json", "--include-passed")
    assert default.returncode == 0, default.stderr
    results = [r for r in json.loads(default.stdout)["results"] if r["status"] == "FAIL"]
    assert [r["rule_id"] for r in results] == ["BA011"]
    assert "bad JSONL on line 3" in results[0]["message"]
    gated = cli("scan", str(jobs), "--fail-on", "info")
    assert gated.returncode == 1


def test_now_flag_is_the_clock_of_the_stale_job_rule(cli: Cli) -> None:
    fixture = str(ROOT / "tests" / "data" / "rules" / "ba010-stale-active-job.jsonl")
    # the fixture has one job without a job_expiration_time column (an ERROR, exit 3, at any clock):
    # compare the FAIL counts
    early = json.loads(cli("scan", fixture, "--select", "BA010", "--now", "2025-06-07", "-f", "json", "--include-passed").stdout)
    late = json.loads(cli("scan", fixture, "--select", "BA010", "--now", "2025-06-10T00:00:00Z",
                          "-f", "json", "--include-passed").stdout)
    assert early["summary"]["results"]["FAIL"] == 0
    assert late["summary"]["results"]["FAIL"] == 3


def _fails_by_rule(report: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for result in report["results"]:  # type: ignore[attr-defined]
        if result["status"] == "FAIL":
            found[result["rule_id"]].add(result["job"]["name"])
    return dict(found)


def test_examples_with_every_rule_turned_on(cli: Cli, tmp_path: Path) -> None:
    """What a new user sees: the example exports, the example policy (which configures every rule)."""
    result = cli("scan", str(EXAMPLES / "jobs.jsonl"), str(EXAMPLES / "jobs.csv"),
                 "--config", str(EXAMPLES / "bedrock-audit.toml"), "--now", "2025-06-10", "-f", "json", "--include-passed",
                 "-o", f"junit={tmp_path / 'report.xml'}")
    assert result.returncode == 1, result.stderr
    # the JSONL and the CSV export hold the same jobs: each is evaluated once, each CSV record named
    assert result.stderr.count("bedrock-audit: warning: duplicate job ") == 7
    assert len(result.stderr.splitlines()) == 7
    report = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(load_schema(REPORT_SCHEMA),
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(report)) == []
    assert report["errors"] == []
    assert report["summary"]["jobs"] == 7 and report["summary"]["duplicates"] == 7
    assert report["summary"]["results"]["ERROR"] == 0
    rules = {rule["id"]: rule for rule in report["rules"]}
    assert sorted(rules) == [f"BA{n:03d}" for n in range(1, 15)]
    for rule in rules.values():
        assert rule["controls"]["nist-800-53"], rule["id"]
    assert rules["BA010"]["applies_to"] == ["InProgress", "Scheduled", "Stopping", "Submitted", "Validating"]
    assert _fails_by_rule(report) == {
        "BA001": {"product-descriptions-rewrite"},
        "BA002": {"fraud-scoring-nightly-20250605"},
        "BA003": {"product-descriptions-rewrite", "legal-contract-summaries"},
        "BA004": {"product-descriptions-rewrite", "legal-contract-summaries"},
        "BA005": {"product-descriptions-rewrite", "hr-survey-sentiment"},
        "BA006": {"ticket-triage-eu-0604", "hr-survey-sentiment"},
        "BA007": {"hr-survey-sentiment"},
        "BA008": {"ticket-triage-eu-0604"},
        "BA009": {"product-descriptions-rewrite", "legal-contract-summaries", "support-ticket-embeddings",
                  "hr-survey-sentiment"},
        "BA010": {"fraud-scoring-nightly-20250605"},
        "BA011": {"ticket-triage-eu-0604", "hr-survey-sentiment"},
        "BA012": {"hr-survey-sentiment"},
        "BA013": {"hr-survey-sentiment"},
        "BA014": {"ticket-triage-eu-0604"},
    }
    fails = [r for r in report["results"] if r["status"] == "FAIL"]  # once each, from the JSONL file
    assert len(fails) == sum(len(names) for names in _fails_by_rule(report).values())
    xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd")).validate(str(tmp_path / "report.xml"))


def test_a_plugin_rule_with_a_malformed_nist_control_id_is_rejected() -> None:
    from dataclasses import replace

    from checker.registry import validate_rule

    rule = load_plugins(autoload=False).rules["BA005"]
    assert validate_rule(rule) is None
    bad = replace(rule, id="ACME005", controls={"nist-800-53": {"SC 28": "encryption at rest"}})
    problem = validate_rule(bad)
    assert problem is not None and "SC 28" in problem
    assert validate_rule(replace(rule, id="ACME006", controls={"nist-800-53": {}})) is not None
