"""Did-you-mean as a user meets it: a mistyped rule id or name (``rules show``, ``[rules.X]``, select,
ignore, a waiver's rule), policy key, waiver key or rule parameter names what was probably meant."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli, compliant_row, write_jsonl

from checker.plugins import load_plugins
from checker.suggest import close_matches, keys_at, similar_rules


@pytest.fixture
def jobs(tmp_path: Path) -> str:
    return str(write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()]))


def test_rules_show_suggests_rules_by_part_of_their_name(cli: Cli) -> None:
    result = cli("rules", "show", "vpc")
    assert result.returncode == 2
    assert result.stderr == ("bedrock-audit: error: no rule 'vpc'; did you mean BA001 vpc-config-required or "
                             "BA013 vpc-allowlist? (see `bedrock-audit rules`)\n")
    assert "did you mean BA003 timeout-bounds?" in cli("rules", "show", "timeout-bound").stderr
    assert "did you mean BA004 mandatory-tags?" in cli("rules", "show", "mandatory-tag").stderr
    assert "did you mean" not in cli("rules", "show", "qqqqqq").stderr


@pytest.mark.parametrize(("policy", "expected"), [
    ('fail_on = "high"\n', "bedrock-audit.toml: unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ('[rule.BA001]\n', "unknown key 'rule' (did you mean 'rules'?)"),
    ('[rules.vpc-config]\n', "rules.vpc-config: no such rule; did you mean BA001 vpc-config-required?"),
    ('[rules.BA003]\nmax_hour = 100\n', "rules.BA003: unknown key 'max_hour' (did you mean 'max_hours'?)"),
    ('[rules.BA003]\nseverty = "low"\n', "rules.BA003: unknown key 'severty' (did you mean 'severity'?)"),
    ('[rules.BA004]\npaterns = {}\n', "rules.BA004: unknown key 'paterns' (did you mean 'patterns'?)"),
    ('[rules.BA007]\nalowed = ["x"]\n', "rules.BA007: unknown key 'alowed' (did you mean 'allowed'?)"),
    ('select = ["timeout"]\n', "select: 'timeout' matches no rule; did you mean BA003 timeout-bounds?"),
    ('[[waivers]]\nrule = "BA001"\njob = "x"\nreason = "r"\nowner = "o"\nexpire = 2027-01-01\n',
     "waivers[0]: unknown key 'expire' (did you mean 'expires'?)"),
    ('[[custom-rules]]\nid = "ORG001"\ntitle = "t"\nseverity = "low"\ndescription = "d"\nremediation = "r"\n'
     'schemas = {}\n', "custom-rules[0]: unknown key 'schemas' (did you mean 'schema'?)"),
])
def test_policy_mistakes_name_what_was_meant(cli: Cli, tmp_path: Path, jobs: str, policy: str,
                                             expected: str) -> None:
    (tmp_path / "bedrock-audit.toml").write_text(policy)
    result = cli("scan", jobs)
    assert result.returncode == 2
    assert expected in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_flags_and_waiver_files_suggest_too(cli: Cli, tmp_path: Path, jobs: str) -> None:
    selected = cli("scan", jobs, "--select", "vpc-config")
    assert selected.returncode == 2 and "did you mean BA001 vpc-config-required?" in selected.stderr
    ignored = cli("scan", jobs, "--ignore", "idempotency")
    assert "warning: ignore: 'idempotency' matches no rule; did you mean BA014 idempotency-token?" in ignored.stderr
    (tmp_path / "w.toml").write_text('[[waivers]]\nrule = "BA001"\njob = "x"\nreason = "r"\nownr = "o"\n'
                                     'expires = 2027-01-01\n')
    waived = cli("scan", jobs, "--waivers", "w.toml")
    assert waived.returncode == 2 and "unknown key 'ownr' (did you mean 'owner'?)" in waived.stderr
    (tmp_path / "w.toml").write_text('[[waivers]]\nrule = "vpc-config"\njob = "x"\nreason = "r"\nowner = "o"\n'
                                     'expires = 2027-01-01\n')
    unused = cli("scan", jobs, "--waivers", "w.toml", "--now", "2026-01-01")
    assert "names no rule this scan ran; did you mean BA001 vpc-config-required?" in unused.stderr


def test_the_helpers() -> None:
    rules = load_plugins(autoload=False).rules
    assert [r.id for r in similar_rules(rules, "VPC*")] == ["BA001", "BA013"]
    assert similar_rules(rules, "*") == [] and similar_rules(rules, "zzzzzz") == []
    assert close_matches("FAIL_ON", ["fail-on", "select"]) == ["fail-on"]
    schema = {"$defs": {"w": {"properties": {"rule": {}, "job": {}}}},
              "properties": {"waivers": {"items": {"$ref": "#/$defs/w"}}, "rules": {"additionalProperties": {
                  "properties": {"severity": {}}}}}}
    assert keys_at(schema, "") == ["waivers", "rules"]
    assert keys_at(schema, "/waivers/3") == ["rule", "job"]
    assert keys_at(schema, "/rules/BA001") == ["severity"]
    assert keys_at(schema, "/nowhere/x") == []
