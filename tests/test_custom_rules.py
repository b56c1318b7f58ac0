"""Declarative ``[[custom-rules]]``: a JSON Schema per rule, failures that name the field, unknown data
that ERRORs, ids that cannot collide, and the example policy in examples/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, Cli, compliant_row, sample_api_job, write_jsonl
from fake_plugins import rule_plugin

from checker.custom_rules import referenced_columns

CLASSIFICATION_RULE = '''
[[custom-rules]]
id = "ORG001"
title = "Job declares its data classification"
severity = "high"
description = "The job carries a data-classification tag with a known level."
remediation = "Tag the job with data-classification."

[custom-rules.schema]
required = ["tags"]
properties.tags.type = "object"
properties.tags.required = ["data-classification"]
properties.tags.properties.data-classification.enum = ["internal", "confidential"]
'''


def policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bedrock-audit.toml"
    path.write_text(text)
    return path


def org001(cli: Cli, inputs: list[Path], *args: str, env: dict[str, str] | None = None) -> \
        tuple[int, list[dict[str, Any]], dict[str, Any]]:
    result = cli("scan", *map(str, inputs), "-f", "json", "--include-passed", "--select", "ORG001", *args, env=env)
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    return result.returncode, [r for r in report["results"] if r["rule_id"] == "ORG001"], report


def test_a_failure_names_the_offending_field(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE)
    tags = {"owner": "a", "cost-center": "cc-1"}
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [
        compliant_row("aaaaaaaaaaaa", tags={**tags, "data-classification": "internal"}),
        compliant_row("bbbbbbbbbbbb", tags=tags),
        compliant_row("cccccccccccc", tags={**tags, "data-classification": "secret"}),
    ])
    code, results, report = org001(cli, [jobs])
    assert code == 1
    assert [r["status"] for r in results] == ["PASS", "FAIL", "FAIL"]
    assert results[1]["pointer"] == "/tags/data-classification"
    assert results[1]["message"].startswith("/tags/data-classification: 'data-classification' is a required")
    assert results[2]["pointer"] == "/tags/data-classification"
    assert "'secret' is not one of" in results[2]["message"]
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "report.schema.json").read_text()),
                        cls=jsonschema.Draft202012Validator)
    rule = next(r for r in report["rules"] if r["id"] == "ORG001")
    assert rule["plugin"] == "policy" and rule["severity"] == "high"


def test_a_column_missing_from_the_export_is_an_error_never_a_pass(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE.replace('required = ["tags"]\n', ""))  # tags optional in the schema
    row = compliant_row()
    del row["tags"]
    code, results, _ = org001(cli, [write_jsonl(tmp_path / "jobs.jsonl", [row])])
    assert code == 3
    assert results[0]["status"] == "ERROR" and "column tags not in input" in results[0]["message"]
    api = tmp_path / "get.json"
    api.write_text(json.dumps(sample_api_job()))  # the API never returns tags
    code, results, _ = org001(cli, [api])
    assert code == 3 and results[0]["status"] == "ERROR" and "tags unknown" in results[0]["message"]


def test_policy_settings_and_select_apply_to_custom_rules(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE + '\n[rules.ORG001]\nseverity = "info"\n')
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row(tags={"owner": "a", "cost-center": "cc-1"})])
    code, results, _ = org001(cli, [jobs])
    assert code == 0 and results[0]["status"] == "FAIL" and results[0]["severity"] == "info"
    ignored = cli("scan", str(jobs), "-f", "json", "--include-passed", "--ignore", "ORG001")
    assert "ORG001" not in {r["rule_id"] for r in json.loads(ignored.stdout)["results"]}


@pytest.mark.parametrize(("rule_id", "expected"), [
    ("BA001", "the BA prefix is reserved for built-in rules"),
    ("ACME001", "custom-rules[0]: id ACME001 is already used by ACME001 (acme-rule) of plugin acme "
                "(acme-bedrock-rules 1.0.0)"),
])
def test_ids_may_not_collide_with_plugin_rules(cli: Cli, tmp_path: Path, rule_id: str, expected: str) -> None:
    site = rule_plugin(tmp_path / "site", "acme-bedrock-rules", "acme", "ACME001", "acme-rule")
    policy(tmp_path, CLASSIFICATION_RULE.replace('"ORG001"', f'"{rule_id}"'))
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])
    result = cli("scan", str(jobs), env={"PYTHONPATH": str(site)})
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    listing = cli("rules", env={"PYTHONPATH": str(site)})
    assert listing.returncode == 2 and "ACME001" in listing.stdout and expected in listing.stderr


def test_two_custom_rules_with_one_id_collide(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE + CLASSIFICATION_RULE.replace("ORG001", "ORG002").replace(
        'severity = "high"', 'severity = "high"\nname = "org001"'))
    result = cli("rules")
    assert result.returncode == 2
    assert "custom-rules[1]: name org001 is already used by ORG001" in result.stderr


@pytest.mark.parametrize(("schema", "expected"), [
    ('properties.tags.type = "mapping"', "custom-rules[0].schema is not a valid JSON Schema"),
    ("properties.submit_time.const = 2025-06-01T00:00:00Z", "is a TOML date/time"),
    ("type = 5", "custom-rules[0].schema is not a valid JSON Schema"),
    ('properties.tags."$ref" = "https://example.com/tags.json"', "points outside the schema"),
    ('properties.job_name.pattern = "a**"', "custom-rules[0].schema"),
    # a $ref loop: python-jsonschema never finishes, jsonschema-rs would accept every record
    ('"$ref" = "#"', "$ref '#' leads back to itself"),
    ('properties.tags."$ref" = "#/$defs/missing"', "$ref '#/$defs/missing' points at nothing in the schema"),
    ('properties.tags."$ref" = "#tagz"\n"$defs".t."$anchor" = "tags"', "$ref '#tagz' points at nothing"),
    ('properties.tags."$ref" = "#/$defs/t"\n"$defs".t.allOf = [{ "$ref" = "#/$defs/u" }]\n'
     '"$defs".u.not."$ref" = "#/$defs/t"', "leads back to itself without descending into the record"),
    # ECMA 262 patterns jsonschema-rs compiles but Python's re (python-jsonschema) does not: every record
    # would be a rule ERROR (exit 4) instead of one config error naming the pattern
    ('properties.job_name.pattern = "\\\\p{L}+"',
     "/properties/job_name/pattern: '\\\\p{L}+' is not a 'regex' (Python re: bad escape \\p"),
    ('properties.job_name.pattern = "(?<n>x)"', "/properties/job_name/pattern: '(?<n>x)' is not a 'regex'"),
    ('properties.tags.patternProperties."\\\\cA".type = "string"',
     "/properties/tags/patternProperties/\\cA: '\\\\cA' is not a 'regex'"),
    ('properties.job_name.pattern = "^(abc"', "/properties/job_name/pattern: '^(abc' is not a 'regex'"),
    ('properties.tags."$dynamicRef" = "#/$defs/missing"', "'#/$defs/missing' points at nothing in the schema"),
])
def test_an_invalid_schema_is_a_config_error_naming_it(cli: Cli, tmp_path: Path, schema: str,
                                                       expected: str) -> None:
    head = CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
    policy(tmp_path, f"{head}[custom-rules.schema]\n{schema}\n")
    result = cli("scan", str(write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])))
    assert result.returncode == 2 and expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_ref_to_a_dynamic_anchor_is_not_dangling(cli: Cli, tmp_path: Path) -> None:
    # a $dynamicAnchor is also a plain-name fragment: python-jsonschema resolves "#t" to it
    head = CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
    policy(tmp_path, f'{head}[custom-rules.schema]\nproperties.tags."$ref" = "#t"\n'
                     '"$defs".t."$dynamicAnchor" = "t"\n"$defs".t.required = ["data-classification"]\n')
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row(), compliant_row("x7k2m9q4p1ac", tags={"owner": "a"})])
    code, results, _ = org001(cli, [jobs])
    assert code == 1, results
    assert [r["status"] for r in results] == ["PASS", "FAIL"]


def test_a_custom_rule_without_a_schema_is_a_config_error(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE.split("[custom-rules.schema]")[0])
    result = cli("rules")
    assert result.returncode == 2 and "custom-rules[0]: 'schema' is a required property" in result.stderr


def test_rules_show_prints_the_job_schema(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE)
    shown = cli("rules", "show", "ORG001", "-f", "json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["plugin"] == "policy" and document["name"] == "org001"
    assert document["job_schema"]["properties"]["tags"]["required"] == ["data-classification"]
    assert document["columns"] == ["tags"]


@pytest.mark.parametrize(("schema", "expected"), [
    ({"required": ["tags"], "properties": {"vpc_config": {"type": "object"}}}, {"tags", "vpc_config"}),
    ({"allOf": [{"properties": {"status": {}}}], "if": {"required": ["message"]}, "then": {}},
     {"status", "message"}),
    ({"$defs": {"t": {"required": ["tags"]}}, "$ref": "#/$defs/t"}, {"tags"}),
    ({"dependentRequired": {"end_time": ["status"]}}, {"end_time", "status"}),
    ({"properties": {"tags": {"additionalProperties": {"type": "string"}}}}, {"tags"}),
    ({"additionalProperties": {"type": "string"}}, None),
    ({"anyOf": [{"patternProperties": {"^x": {}}}]}, None),
    ({"$ref": "https://example.com/other.json"}, None),
])
def test_the_columns_a_schema_reads(schema: dict[str, Any], expected: set[str] | None) -> None:
    assert referenced_columns(schema) == (frozenset(expected) if expected is not None else None)


def test_a_schema_that_reads_every_column_errors_on_any_unknown_one(cli: Cli, tmp_path: Path) -> None:
    policy(tmp_path, CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
           + "[custom-rules.schema]\nmaxProperties = 100\n")
    row = compliant_row()
    del row["message"]
    code, results, _ = org001(cli, [write_jsonl(tmp_path / "jobs.jsonl", [row])])
    assert code == 3 and results[0]["status"] == "ERROR" and "message" in results[0]["message"]


def test_the_example_policy_works_on_the_example_exports(cli: Cli) -> None:
    examples = ROOT / "examples"
    result = cli("scan", str(examples / "jobs.jsonl"), "--config", str(examples / "custom-rules.toml"),
                 "--select", "ORG*", "-f", "json", "--include-passed")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    failed = {(r["rule_id"], r["job"]["name"], r["pointer"])
              for r in report["results"] if r["status"] == "FAIL"}
    assert ("ORG001", "product-descriptions-rewrite", "/tags/data-classification") in failed
    assert ("ORG002", "ticket-triage-eu-0604", "/input_data_config/s3_input_data_config/s3_uri") in failed
    assert ("ORG001", "claims-summary-batch-20250602", "/tags/data-classification") not in failed
    assert not report["errors"]


def test_formats_in_a_custom_schema_are_checked() -> None:
    from checker.custom_rules import build_custom_rule
    from checker.testing import assert_fails, assert_passes, example_row

    rule = build_custom_rule({
        "id": "ORG009", "title": "Token is a UUID", "severity": "low", "description": "d", "remediation": "r",
        "schema": {"properties": {"client_request_token": {"type": ["string", "null"], "format": "uuid"}}},
    }, "custom-rules[0]")
    assert_passes(rule, example_row(client_request_token="3f9c2a7e-5b1d-4e8a-9c6f-0d2b4a8e1c57"))
    assert_fails(rule, example_row(client_request_token="not-a-uuid"), pointer="/client_request_token",
                 message="is not a 'uuid'")


@pytest.mark.parametrize(("schema", "expected"), [
    ('properties.tags.requried = ["owner"]',
     "custom-rules[0].schema.properties.tags: unknown keyword 'requried' (did you mean 'required'?)"),
    ("properties.timeout_duration_in_hours.maximun = 24",
     "schema.properties.timeout_duration_in_hours: unknown keyword 'maximun' (did you mean 'maximum'?)"),
    ('allOf = [{ properties = { job_name = { patern = "^etl-" } } }]',
     "schema.allOf[0].properties.job_name: unknown keyword 'patern' (did you mean 'pattern'?)"),
    ('dependencies.tags = ["owner"]', "schema: unknown keyword 'dependencies'"),
])
def test_a_misspelt_schema_keyword_is_a_config_error_not_a_rule_that_passes_everything(
        cli: Cli, tmp_path: Path, schema: str, expected: str) -> None:
    """JSON Schema ignores keywords it does not know: `requried` would make the rule pass every job."""
    head = CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
    policy(tmp_path, f"{head}[custom-rules.schema]\n{schema}\n")
    result = cli("scan", str(write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])))
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr


@pytest.mark.parametrize(("schema", "expected"), [
    ('properties.input_data_config.properties.s3_input_data_config.properties.s3_uri.format = "uri"',
     "schema.properties.input_data_config.properties.s3_input_data_config.properties.s3_uri: format 'uri' is "
     "not checked here"),
    ('anyOf = [{ properties = { job_name = { format = "hostname" } } }]',
     "schema.anyOf[0].properties.job_name: format 'hostname' is not checked here"),
])
def test_a_format_python_jsonschema_does_not_check_is_a_config_error(cli: Cli, tmp_path: Path, schema: str,
                                                                     expected: str) -> None:
    """python-jsonschema skips a format it has no checker for: `format = "uri"` would pass every job."""
    head = CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
    policy(tmp_path, f"{head}[custom-rules.schema]\n{schema}\n")
    result = cli("scan", str(write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])))
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr and "date-time" in result.stderr and "use a pattern" in result.stderr


def test_property_names_and_data_may_look_like_anything_and_x_annotations_are_allowed(
        cli: Cli, tmp_path: Path) -> None:
    head = CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
    policy(tmp_path, f'''{head}[custom-rules.schema]
x-owner = "security"
"$comment" = "tag keys are data, not keywords"
properties.tags.properties.requried.const = "yes"
properties.tags.properties.patern.enum = [{{ maximun = 1 }}]
properties.tags."$defs".foo.type = "string"
''')
    code, results, _ = org001(cli, [write_jsonl(tmp_path / "jobs.jsonl", [
        compliant_row(tags={"owner": "a", "cost-center": "b", "requried": "no"})])])
    assert code == 1
    assert results[0]["status"] == "FAIL" and results[0]["pointer"] == "/tags/requried"


def test_a_column_the_record_does_not_have_is_an_error_never_a_pass(cli: Cli, tmp_path: Path) -> None:
    """`properties.tgas...` (a typo) or an API-only member a table export lacks: the rule cannot check it."""
    head = CLASSIFICATION_RULE.split("[custom-rules.schema]")[0]
    policy(tmp_path, f'{head}[custom-rules.schema]\nproperties.tgas.required = ["owner"]\n')
    code, results, _ = org001(cli, [write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])])
    assert code == 3
    assert results[0]["status"] == "ERROR"
    assert results[0]["message"] == ("ORG001 cannot decide: column tgas not in input (nor a column of the "
                                     "aws.bedrock_model_invocation_job table: did you mean tags?)")
    policy(tmp_path, f'{head}[custom-rules.schema]\nproperties.model_invocation_type.const = "Batch"\n')
    code, results, _ = org001(cli, [write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])])
    assert code == 3 and results[0]["message"].endswith(": column model_invocation_type not in input")


NOT_PROD_RULE = '''
[[custom-rules]]
id = "ORG001"
title = "Batch jobs do not run in prod"
severity = "high"
description = "env is not prod."
remediation = "Run batch jobs in a non-production account."

[custom-rules.schema]
properties.tags.properties.env.not.pattern = "^prod$"
'''

UNICODE_DIGITS_RULE = NOT_PROD_RULE.replace('"^prod$"', '"^\\\\d+$"')


@pytest.mark.parametrize(("rule", "values", "expected"), [
    # Python's $ also matches before a final newline (the table schema lets any text through in tags)
    (NOT_PROD_RULE, ["dev", "prod", "prod\n", "prod\r"], ["PASS", "FAIL", "FAIL", "PASS"]),
    # Python's \d matches any Unicode digit; ECMA's (the fast pass) only 0-9
    (UNICODE_DIGITS_RULE, ["12", "\u0661\u0662", "x1"], ["FAIL", "FAIL", "PASS"]),
])
def test_a_negated_pattern_gets_python_jsonschemas_verdict(cli: Cli, tmp_path: Path, rule: str,
                                                           values: list[str], expected: list[str]) -> None:
    # Under ``not``, a value the fast pass wrongly refuses would wrongly pass the rule: fail open.
    policy(tmp_path, rule)
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [
        compliant_row(f"{index:012d}", tags={"owner": "a", "cost-center": "b", "env": value})
        for index, value in enumerate(values)])
    _, results, _ = org001(cli, [jobs])
    assert [r["status"] for r in results] == expected


@pytest.mark.parametrize("tag", ["default", "enum", "const", "examples"])
def test_a_pattern_under_a_property_named_like_a_keyword_gets_python_jsonschemas_verdict(
        cli: Cli, tmp_path: Path, tag: str) -> None:
    # A tag (or column) may be called "default" or "enum": its subschema is a schema like any other, and its
    # patterns must reach the fast pass rewritten, or "prod\n" passes a rule python-jsonschema fails.
    policy(tmp_path, NOT_PROD_RULE.replace("properties.env.", f"properties.{tag}."))
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [
        compliant_row(f"{index:012d}", tags={"owner": "a", "cost-center": "b", tag: value})
        for index, value in enumerate(["dev", "prod", "prod\n", "prod\r"])])
    _, results, _ = org001(cli, [jobs])
    assert [r["status"] for r in results] == ["PASS", "FAIL", "FAIL", "PASS"]


def test_a_pattern_only_pythons_re_compiles_is_checked_by_python_jsonschema(cli: Cli, tmp_path: Path) -> None:
    # "{" not followed by a quantifier is a literal brace to Python's re (and so to python-jsonschema, whose
    # verdicts the README promises); jsonschema-rs refuses to compile it. Not a configuration error, and never
    # a message quoting a rewritten pattern the user did not write.
    policy(tmp_path, NOT_PROD_RULE.replace('"^prod$"', '"{[a-z]+}$"'))
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [
        compliant_row(f"{index:012d}", tags={"owner": "a", "cost-center": "b", "env": value})
        for index, value in enumerate(["dev", "{stage}", "{stage}\n", "x{y}z"])])
    code, results, _ = org001(cli, [jobs])
    assert [r["status"] for r in results] == ["PASS", "FAIL", "FAIL", "PASS"], code
