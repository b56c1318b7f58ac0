"""Policy file discovery, validation and precedence (flags > environment > file > defaults)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli, compliant_row

from checker.errors import ConfigError
from checker.model import Severity
from checker.plugins import load_plugins
from checker.policy import configure_rules, discover, load_policy, policy_from_mapping


def ids(policy: dict, **flags) -> list[str]:
    return [c.rule.id for c in configure_rules(policy_from_mapping(policy), load_plugins(autoload=False).rules,
                                               **flags)]


def test_discovery_walks_up_and_prefers_bedrock_audit_toml(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert discover(deep) is None or not str(discover(deep)).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert discover(deep) is None or not str(discover(deep)).startswith(str(tmp_path))
    (tmp_path / "a" / "pyproject.toml").write_text('[tool.bedrock-audit]\nfail-on = "high"\n')
    assert discover(deep) == tmp_path / "a" / "pyproject.toml"
    assert load_policy(discover(deep)).fail_on is Severity.HIGH
    (tmp_path / "a" / "bedrock-audit.toml").write_text('fail-on = "critical"\n')
    assert discover(deep) == tmp_path / "a" / "bedrock-audit.toml"
    (tmp_path / "a" / "b" / "bedrock-audit.toml").write_text('fail-on = "info"\n')
    assert load_policy(discover(deep)).fail_on is Severity.INFO


def test_unknown_keys_and_bad_values_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"^unknown key 'sellect' \(did you mean 'select'\?\)$"):
        policy_from_mapping({"sellect": ["BA001"]})
    with pytest.raises(ConfigError, match="^fail-on: 'urgent' is not one of"):
        policy_from_mapping({"fail-on": "urgent"})
    with pytest.raises(ConfigError, match=r"rules\.BA004\.required: 'owner' is not of type 'array'"):
        ids({"rules": {"BA004": {"required": "owner"}}})
    with pytest.raises(ConfigError,
                       match=r"rules\.mandatory-tags: unknown key 'requried' \(did you mean 'required'\?\)$"):
        ids({"rules": {"mandatory-tags": {"requried": ["owner"]}}})
    with pytest.raises(ConfigError, match=r"rules\.BA004\.patterns\.owner: '\(' is not a 'regex'"):
        ids({"rules": {"BA004": {"patterns": {"owner": "("}}}})


def test_select_ignore_globs_names_and_ids() -> None:
    on_by_default = ["BA001", "BA002", "BA003", "BA004", "BA005", "BA006", "BA010", "BA011", "BA012", "BA014"]
    assert ids({}) == on_by_default
    assert ids({"select": ["BA00[12]"]}) == ["BA001", "BA002"]
    assert ids({"select": ["*-tags", "timeout-bounds"]}) == ["BA003", "BA004"]
    assert ids({"select": ["BA00*"], "ignore": ["ba003", "vpc-*"]}) == ["BA002", "BA004", "BA005", "BA006"]
    assert ids({"select": ["BA*"]}, select=["BA001"]) == ["BA001"]  # flags replace the file
    assert ids({"rules": {"BA003": {"enabled": False}}}) == [i for i in on_by_default if i != "BA003"]
    # rules off by default run once configured, never through a glob alone
    assert ids({"select": ["BA00*"], "rules": {"BA008": {"allowed": ["eu-*"]}}}) == [
        "BA001", "BA002", "BA003", "BA004", "BA005", "BA006", "BA008"]
    with pytest.raises(ConfigError, match="no rules selected"):
        ids({"ignore": ["*"]})


def test_severity_override() -> None:
    configured = configure_rules(policy_from_mapping({"rules": {"BA003": {"severity": "critical"}}}),
                                 load_plugins(autoload=False).rules)
    assert {c.rule.id: c.severity for c in configured}["BA003"] is Severity.CRITICAL


def test_precedence_flags_over_environment_over_file(cli: Cli, jsonl, tmp_path: Path) -> None:
    # BA003 medium FAIL only (the expiration time moves with the timeout, or BA012 flags the record)
    path = str(jsonl([compliant_row(timeout_duration_in_hours=100, job_expiration_time="2025-06-06T05:00:04.218Z")]))
    (tmp_path / "bedrock-audit.toml").write_text('fail-on = "high"\n')
    assert cli("scan", path).returncode == 0                                        # file: high
    assert cli("scan", path, env={"BEDROCK_AUDIT_FAIL_ON": "medium"}).returncode == 1  # env beats file
    assert cli("scan", path, "--fail-on", "high", env={"BEDROCK_AUDIT_FAIL_ON": "medium"}).returncode == 0
    assert cli("scan", path, env={"BEDROCK_AUDIT_IGNORE": "BA003,BA004"}).returncode == 0
    (tmp_path / "other.toml").write_text('fail-on = "low"\n')
    assert cli("scan", path, env={"BEDROCK_AUDIT_CONFIG": str(tmp_path / "other.toml")}).returncode == 1


def test_pyproject_table_is_used(cli: Cli, jsonl, tmp_path: Path) -> None:
    path = str(jsonl([compliant_row(timeout_duration_in_hours=100, job_expiration_time="2025-06-06T05:00:04.218Z")]))
    (tmp_path / "pyproject.toml").write_text('[tool.bedrock-audit]\n[tool.bedrock-audit.rules.BA003]\n'
                                             'max_hours = 120\n')
    result = cli("scan", path, "-f", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout
    assert report["policy"]["path"].endswith("pyproject.toml")
    assert next(r for r in report["rules"] if r["id"] == "BA003")["params"]["max_hours"] == 120


@pytest.mark.parametrize("table", ['[tool.bedrock-audit]\nselect = [BA001]\n',
                                   '[tool . "bedrock-audit"]\nfail-on = "high\n',
                                   '[tool]\nbedrock-audit = { fail-on = high }\n'])
def test_a_broken_pyproject_with_our_table_is_an_error_not_someone_elses_policy(
        cli: Cli, jsonl, tmp_path: Path, table: str) -> None:
    """A TOML slip in [tool.bedrock-audit] must not silently hand the gate to a parent's policy file."""
    path = str(jsonl([compliant_row()]))
    (tmp_path / "bedrock-audit.toml").write_text('ignore = ["BA*"]\nselect = ["BA014"]\n')
    project = tmp_path / "service"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "service"\n' + table)
    assert discover(project) == project / "pyproject.toml"
    result = cli("scan", path, cwd=project)
    assert result.returncode == 2, result.stdout
    assert "pyproject.toml: invalid TOML" in result.stderr
    (project / "pyproject.toml").write_text('[project]\nname = "service"\ndependencies = ["bedrock-audit"\n')
    assert discover(project) == tmp_path / "bedrock-audit.toml"  # broken, but not about us


def test_a_pyproject_that_is_not_utf8_is_skipped_unless_it_holds_our_table(tmp_path: Path) -> None:
    project = tmp_path / "service"
    project.mkdir()
    (project / "pyproject.toml").write_bytes(b'[project]\nname = "service"  # caf\xe9\n')
    assert discover(project) is None or not str(discover(project)).startswith(str(tmp_path))
    (project / "pyproject.toml").write_bytes(b'[tool.bedrock-audit]\nfail-on = "high"  # caf\xe9\n')
    assert discover(project) == project / "pyproject.toml"
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_policy(discover(project))
