"""``bedrock-audit init`` as a new user runs it: a commented policy file with every rule (built-in and
plugin), its parameters and defaults, that loads with the policy loader and scans like no file; never
overwrites; ``--pyproject`` appends a ``[tool.bedrock-audit]`` table."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import Cli, compliant_row, write_jsonl
from fake_plugins import HOOKS_REGISTERING_RULE, install

from checker.api import load_registry
from checker.policy import configure_rules, load_policy, policy_from_mapping

NOW = "2025-07-01T00:00:00Z"
PLUGIN_RULE = '''
from checker import Rule, Severity, passed

def check(job, params):
    return passed()

RULE = Rule(
    id="ACME042", name="acme-odd-defaults", title="A plugin rule with awkward defaults", description="d",
    rationale="r", remediation="m", severity=Severity.LOW, check=check, help_url="https://example.com/a",
    params_schema={"type": "object", "additionalProperties": False, "properties": {
        "names": {"description": "Globs.", "type": "array", "items": {"type": "string"},
                  "default": ["a\\"b", "c\\\\d", "caf\\u00e9", "tab\\there"]},
        "limits": {"description": "Per key.", "type": "object", "default": {"cost-center": 3, "a b": 1.5}},
        "cap": {"description": "Hours (null: none).", "type": ["integer", "null"], "default": None},
        "mode": {"type": "string", "enum": ["strict", "loose"], "default": "strict"},
    }},
)
'''


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    root = install(tmp_path / "site", "acme-rules", "1.0.0", {"acme": "acme_odd"},
                   {"acme_odd.py": PLUGIN_RULE + HOOKS_REGISTERING_RULE})
    return {"PYTHONPATH": str(root)}


@pytest.fixture
def jobs(tmp_path: Path) -> str:
    rows = [compliant_row("aaaaaaaaaaa1"), compliant_row("aaaaaaaaaaa2", vpc_config=None, tags={}),
            compliant_row("aaaaaaaaaaa3", status="Failed", timeout_duration_in_hours=100)]
    return str(write_jsonl(tmp_path / "jobs.jsonl", rows))


def scan_json(cli: Cli, jobs: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    result = cli("scan", jobs, "-f", "json", "--now", NOW, env=env)
    report = json.loads(result.stdout)
    report.pop("generated_at")
    report["policy"].pop("path")
    return result.returncode, report


def test_init_writes_every_rule_and_scans_like_no_file(cli: Cli, tmp_path: Path, jobs: str,
                                                       plugin_env: dict[str, str]) -> None:
    before = scan_json(cli, jobs, plugin_env)
    result = cli("init", env=plugin_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("bedrock-audit: note: bedrock-audit.toml: policy written (15 rules")
    text = (tmp_path / "bedrock-audit.toml").read_text()
    for rule_id, name in [("BA001", "vpc-config-required"), ("BA013", "vpc-allowlist"), ("ACME042",
                                                                                         "acme-odd-defaults")]:
        assert f"## {rule_id} {name}: " in text and f"# [rules.{rule_id}]" in text
    assert "## ACME042 acme-odd-defaults: A plugin rule with awkward defaults" in text
    assert "##   severity low, on by default, plugin acme; `bedrock-audit rules show ACME042`" in text
    assert "# max_hours = 72" in text and "## Highest allowed timeout, hours. (24-168)" in text
    assert '# allowed = []   # required, no default: set it to turn the rule on' in text
    assert "## cap: default none (TOML has no null: leave it out)" in text
    assert "## (one of: strict, loose)" in text
    assert load_policy(tmp_path / "bedrock-audit.toml").rules == {}
    assert scan_json(cli, jobs, plugin_env) == before  # the same scan as no file
    assert before[0] == 1  # and that scan had findings to compare


def test_each_rule_block_uncommented_gives_the_defaults(cli: Cli, tmp_path: Path, plugin_env: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove one # from each line of a rule's block, as the file says: its values are the rule's defaults
    (for a rule that has them), written as valid TOML -- quotes, backslashes, tabs and non-ASCII too."""
    assert cli("init", env=plugin_env).returncode == 0
    text = (tmp_path / "bedrock-audit.toml").read_text()
    monkeypatch.syspath_prepend(plugin_env["PYTHONPATH"])  # the plugin rule, in this process too
    registry = load_registry()
    assert "ACME042" in registry.rules
    blocks = re.findall(r"^# \[rules\.(\w+)\]\n((?:#.*\n)*)", text, re.MULTILINE)
    assert sorted(rule_id for rule_id, _ in blocks) == sorted(registry.rules)
    checked = 0
    for rule_id, body in blocks:
        rule = registry.rules[rule_id]
        if rule.params_schema.get("required"):
            continue
        table = tomllib.loads("\n".join(line[1:] for line in body.splitlines()))
        policy = policy_from_mapping({"rules": {rule_id: table}})
        (configured,) = configure_rules(policy, registry.rules, select=[rule_id])
        defaults = {k: v["default"] for k, v in rule.params_schema.get("properties", {}).items()
                    if "default" in v}  # ACME042's cap (null) is left out of the file and filled by default
        assert configured.params == defaults, rule_id
        checked += 1
    assert checked == 11


def test_init_never_overwrites(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "bedrock-audit.toml").write_text('fail-on = "high"\n')
    result = cli("init")
    assert result.returncode == 2
    assert result.stderr == ("bedrock-audit: error: bedrock-audit.toml: already exists; not overwritten (edit it, "
                             "or remove it and run init again)\n")
    assert (tmp_path / "bedrock-audit.toml").read_text() == 'fail-on = "high"\n'


def test_init_pyproject_appends_a_table_once(cli: Cli, tmp_path: Path, jobs: str) -> None:
    before = scan_json(cli, jobs)
    original = '[project]\nname = "pipelines"\n\n[tool.ruff]\nline-length = 100'  # no final newline
    (tmp_path / "pyproject.toml").write_text(original)
    result = cli("init", "--pyproject")
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "pyproject.toml").read_text()
    assert written.startswith(original + "\n\n# bedrock-audit policy") and "\n[tool.bedrock-audit]\n" in written
    assert "# [tool.bedrock-audit.rules.BA002]" in written and "# [[tool.bedrock-audit.waivers]]" in written
    assert scan_json(cli, jobs) == before
    again = cli("init", "--pyproject")
    assert again.returncode == 2 and "pyproject.toml: already has a [tool.bedrock-audit] table" in again.stderr
    assert (tmp_path / "pyproject.toml").read_text() == written
    assert not (tmp_path / "bedrock-audit.toml").exists()


@pytest.mark.parametrize("content, expected", [
    ('[project\n', "pyproject.toml: invalid TOML"),
    ('tool = { black = {} }\n', "a [tool.bedrock-audit] table cannot be appended to it"),
])
def test_init_pyproject_leaves_a_file_it_cannot_extend_alone(cli: Cli, tmp_path: Path, content: str,
                                                            expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(content)
    result = cli("init", "--pyproject")
    assert result.returncode == 2 and expected in result.stderr and "not changed" in result.stderr
    assert (tmp_path / "pyproject.toml").read_text() == content


def test_init_pyproject_creates_one_and_refuses_next_to_bedrock_audit_toml(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", "--pyproject").returncode == 0
    assert load_policy(tmp_path / "pyproject.toml").rules == {}
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "bedrock-audit.toml").write_text("")
    result = cli("init", "--pyproject")
    assert result.returncode == 2 and "bedrock-audit.toml exists here and takes precedence" in result.stderr
    assert not (tmp_path / "pyproject.toml").exists()


def test_init_writes_nothing_when_a_plugin_failed(cli: Cli, tmp_path: Path) -> None:
    root = install(tmp_path / "site", "broken-rules", "2.3.1", {"broken": "broken_rules"},
                   {"broken_rules.py": "raise ImportError('nope')\n"})
    result = cli("init", env={"PYTHONPATH": str(root)})
    assert result.returncode == 4 and "nothing written: a plugin failed to load" in result.stderr
    assert not (tmp_path / "bedrock-audit.toml").exists()
    assert cli("init", "--disable-plugin", "broken", env={"PYTHONPATH": str(root)}).returncode == 0


def test_init_help_teaches(cli: Cli) -> None:
    result = cli("init", "--help")
    assert result.returncode == 0 and "Never overwrites" in result.stdout and "--pyproject" in result.stdout
    assert "init" in cli("--help").stdout
