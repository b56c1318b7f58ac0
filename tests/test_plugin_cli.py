"""Installed plugins seen through the console script: a broken plugin fails the scan closed (exit 4, in
every report format) unless disabled, while --help, --version, rules and plugins keep working; a plugin
rule that raises is an ERROR for that job only; a plugin's report format that raises is named."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from conftest import ROOT, VENDOR, Cli, compliant_row, write_jsonl
from fake_plugins import install, rule_plugin

BROKEN_IMPORT = {"broken_rules.py": "raise ImportError('cannot import name Frobnicator from acme.core')\n"}


@pytest.fixture
def jobs(tmp_path: Path) -> Path:
    """Two compliant jobs (job names ``good-one`` and ``bad-one``)."""
    return write_jsonl(tmp_path / "jobs.jsonl", [compliant_row("aaaaaaaaaaaa", job_name="good-one"),
                                                 compliant_row("bbbbbbbbbbbb", job_name="bad-one")])


def env(*roots: Path, **extra: str) -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join(str(r) for r in roots), **extra}


@pytest.fixture
def broken(tmp_path: Path) -> dict[str, str]:
    """Environment in which the plugin ``broken`` (distribution ``broken-rules`` 2.3.1) fails to import."""
    root = install(tmp_path / "site", "broken-rules", "2.3.1", {"broken": "broken_rules"}, BROKEN_IMPORT)
    return env(root)


def test_a_plugin_that_fails_to_import_fails_the_scan_in_every_report(cli: Cli, jobs: Path, tmp_path: Path,
                                                                      broken: dict[str, str]) -> None:
    result = cli("scan", str(jobs), "-f", "json", "--include-passed", "-o", f"junit={tmp_path / 'r.xml'}",
                 "-o", f"text={tmp_path / 'r.txt'}", env=broken)
    assert result.returncode == 4, result.stderr
    expected = "plugin broken (broken-rules 2.3.1): failed to import broken_rules: ImportError: cannot import"
    assert expected in result.stderr and "--disable-plugin broken" in result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "report.schema.json").read_text()),
                        cls=jsonschema.Draft202012Validator)
    assert [e["kind"] for e in report["errors"]] == ["plugin"] and expected in report["errors"][0]["message"]
    assert report["summary"]["exit_code"] == 4
    assert {"name": "broken", "distribution": "broken-rules", "version": "2.3.1", "status": "failed"} in \
        report["tool"]["plugins"]
    junit = (tmp_path / "r.xml").read_text()
    xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd")).validate(str(tmp_path / "r.xml"))
    assert "<error" in junit and "broken-rules 2.3.1" in junit
    assert expected in (tmp_path / "r.txt").read_text().replace("\n      ", " ")


def test_a_broken_plugin_does_not_stop_help_version_rules_or_plugins(cli: Cli,
                                                                     broken: dict[str, str]) -> None:
    helped = cli("--help", env=broken)
    assert helped.returncode == 0 and "scan" in helped.stdout and not helped.stderr
    assert cli("scan", "--help", env=broken).returncode == 0
    version = cli("--version", env=broken)
    assert version.returncode == 0 and "plugin broken (broken-rules 2.3.1) (failed to load: failed to import " \
        "broken_rules: ImportError: cannot import name Frobnicator from acme.core)" in version.stdout
    listed = cli("rules", env=broken)
    assert listed.returncode == 4 and "BA001" in listed.stdout and "failed to import" in listed.stderr
    shown = cli("rules", "show", "BA001", env=broken)
    assert shown.returncode == 4 and "vpc-config-required" in shown.stdout
    plugins = cli("plugins", "-f", "json", env=broken)
    assert plugins.returncode == 4
    info = next(p for p in json.loads(plugins.stdout) if p["name"] == "broken")
    assert info["status"] == "failed" and info["version"] == "2.3.1" and "ImportError" in info["error"]


def test_disabling_the_broken_plugin_lets_the_scan_pass(cli: Cli, jobs: Path, broken: dict[str, str]) -> None:
    result = cli("scan", str(jobs), "-f", "json", "--include-passed", "--disable-plugin", "broken", env=broken)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == [] and {"name": "broken", "distribution": "broken-rules", "version": "2.3.1",
                                       "status": "disabled"} in report["tool"]["plugins"]
    by_env = cli("scan", str(jobs), env={**broken, "BEDROCK_AUDIT_DISABLE_PLUGIN": "broken"})
    assert by_env.returncode == 0, by_env.stderr
    no_autoload = cli("scan", str(jobs), env={**broken, "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert no_autoload.returncode == 0, no_autoload.stderr
    version = cli("--version", env={**broken, "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert "plugin broken (broken-rules 2.3.1) (not loaded: BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD is set)" \
        in version.stdout and "failed" not in version.stdout
    version = cli("--version", env={**broken, "BEDROCK_AUDIT_DISABLE_PLUGIN": "broken"})
    assert "plugin broken (broken-rules 2.3.1) (disabled)" in version.stdout and "failed" not in version.stdout


def test_disabling_an_installed_plugin_while_autoload_is_off_is_not_a_usage_error(
        cli: Cli, jobs: Path, broken: dict[str, str]) -> None:
    """An org-wide BEDROCK_AUDIT_DISABLE_PLUGIN=broken plus a job's AUTOLOAD=1: the plugin is installed,
    so its name is known, and it is not loaded either way."""
    both = {**broken, "BEDROCK_AUDIT_DISABLE_PLUGIN": "broken", "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = cli("scan", str(jobs), env=both)
    assert result.returncode == 0, result.stderr
    assert cli("plugins", env=both).returncode == 0
    misspelt = cli("scan", str(jobs), env={**both, "BEDROCK_AUDIT_DISABLE_PLUGIN": "brokne"})
    assert misspelt.returncode == 2 and "--disable-plugin brokne: no plugin has that name" in misspelt.stderr


def test_a_misspelt_disable_plugin_name_is_a_usage_error(cli: Cli, jobs: Path) -> None:
    result = cli("scan", str(jobs), "--disable-plugin", "acmee")
    assert result.returncode == 2
    assert "--disable-plugin acmee: no plugin has that name" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_config_error_caused_by_a_failed_plugin_exits_4(cli: Cli, jobs: Path,
                                                          broken: dict[str, str]) -> None:
    result = cli("scan", str(jobs), "-f", "broken-format", env=broken)
    assert result.returncode == 4
    assert "unknown report format 'broken-format'" in result.stderr and "a plugin failed" in result.stderr


def test_a_misspelt_hook_in_an_installed_plugin_fails_loudly(cli: Cli, jobs: Path, tmp_path: Path) -> None:
    source = "from checker import hookimpl\n\n@hookimpl\ndef register_rule(register):\n    pass\n"
    root = install(tmp_path / "site", "typo-rules", "0.1", {"typo": "typo_rules"}, {"typo_rules.py": source})
    result = cli("scan", str(jobs), env=env(root))
    assert result.returncode == 4
    assert "plugin typo (typo-rules 0.1): unknown hook 'register_rule' (did you mean register_rules?)" in \
        result.stderr


def test_an_import_time_sys_exit_is_a_plugin_failure(cli: Cli, jobs: Path, tmp_path: Path) -> None:
    root = install(tmp_path / "site", "exit-rules", "0.1", {"exits": "exit_rules"},
                   {"exit_rules.py": "import sys\nsys.exit(0)\n"})
    result = cli("scan", str(jobs), "-f", "json", "--include-passed", env=env(root))
    assert result.returncode == 4 and "SystemExit(0)" in json.loads(result.stdout)["errors"][0]["message"]


def test_two_plugins_with_the_same_rule_id_name_both(cli: Cli, jobs: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    rule_plugin(site, "acme-bedrock-rules", "acme", "ACME001", "acme-rule")
    rule_plugin(site, "other-bedrock-rules", "other", "ACME001", "other-rule")
    result = cli("scan", str(jobs), env=env(site))
    assert result.returncode == 4
    assert ("plugin other (other-bedrock-rules 1.0.0): rule id ACME001 is already registered by plugin acme "
            "(acme-bedrock-rules 1.0.0)") in result.stderr


def scan_json(cli: Cli, jobs: Path, site: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = cli("scan", str(jobs), "-f", "json", "--include-passed", *args, env=env(site))
    return result.returncode, json.loads(result.stdout)


def results_of(report: dict[str, Any], rule_id: str) -> dict[str, tuple[str, str]]:
    return {r["job"]["name"]: (r["status"], r["message"])
            for r in report["results"] if r["rule_id"] == rule_id}


def test_a_plugin_rule_that_raises_on_one_job_is_an_error_for_that_job_only(cli: Cli, jobs: Path,
                                                                           tmp_path: Path) -> None:
    body = "return passed() if job.job_name == 'good-one' else {}['boom']"
    site = rule_plugin(tmp_path / "site", "flaky-rules", "flaky", "FLAKY001", "flaky-rule", body)
    code, report = scan_json(cli, jobs, site)
    assert code == 4
    found = results_of(report, "FLAKY001")
    assert found["good-one"] == ("PASS", "")
    status, message = found["bad-one"]
    assert status == "ERROR" and "rule FLAKY001 raised KeyError: 'boom'" in message
    assert results_of(report, "BA001") == {"good-one": ("PASS", ""), "bad-one": ("PASS", "")}
    assert report["summary"]["error_results"]["rule"] == 1


def test_a_plugin_rule_calling_sys_exit_is_an_error_not_a_pass(cli: Cli, jobs: Path, tmp_path: Path) -> None:
    site = rule_plugin(tmp_path / "site", "exit-rules", "exits", "EXIT001", "exit-rule",
                       "import sys; sys.exit(0)")
    code, report = scan_json(cli, jobs, site)
    assert code == 4
    assert {status for status, _ in results_of(report, "EXIT001").values()} == {"ERROR"}


def test_a_plugin_printing_to_stdout_cannot_corrupt_the_report(cli: Cli, jobs: Path, tmp_path: Path) -> None:
    site = rule_plugin(tmp_path / "site", "chatty-rules", "chatty", "CHAT001", "chatty-rule",
                       "print('debug: checking', job.job_name); return passed()")
    (site / "chatty_plugin.py").write_text("print('chatty plugin imported')\n"
                                           + (site / "chatty_plugin.py").read_text())
    result = cli("scan", str(jobs), "-f", "json", "--include-passed", env=env(site))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["jobs"] == 2
    assert "chatty plugin imported" in result.stderr and "debug: checking good-one" in result.stderr


REPORTER_PLUGIN = '''
from checker import hookimpl

class Reporter:
    def __init__(self, stream, context):
        self.stream = stream
    def start(self):
        self.stream.write("start\\n")
    def job(self, job, provenance, results):
        raise ValueError("cannot format " + job.name)
    def problem(self, problem):
        pass
    def finish(self, summary):
        pass

@hookimpl
def register_reporters(register):
    register("fragile", Reporter)
'''


def test_a_plugin_report_format_that_raises_is_named_and_leaves_no_file(cli: Cli, jobs: Path,
                                                                       tmp_path: Path) -> None:
    site = install(tmp_path / "site", "fragile-report", "0.2", {"fragile": "fragile_report"},
                   {"fragile_report.py": REPORTER_PLUGIN})
    out = tmp_path / "out.txt"
    result = cli("scan", str(jobs), "-o", f"fragile={out}", "-o", f"json={tmp_path / 'r.json'}",
                 env=env(site))
    assert result.returncode == 4
    assert ("report format 'fragile' of plugin fragile (fragile-report 0.2) failed in job(): ValueError: "
            "cannot format good-one") in result.stderr
    assert "Traceback" not in result.stderr and not out.exists() and not (tmp_path / "r.json").exists()


def test_a_plugin_rule_that_changes_the_record_cannot_change_other_rules_verdicts(cli: Cli, tmp_path: Path) -> None:
    """A sloppy plugin rule (sorted first) that 'normalises' the record in place must not turn BA001's
    FAIL into a PASS, rename the job in the reports, or add the tag a waiver looks for."""
    body = ("job.row.update(vpc_config={'subnet_ids': ['subnet-0123456789abcdef0'], 'security_group_ids': "
            "['sg-0123456789abcdef0']}, job_name='renamed'); job.get('tags')['env'] = 'legacy'; return passed()")
    site = rule_plugin(tmp_path / "site", "sloppy-rules", "sloppy", "AAA001", "sloppy-rule", body)
    jobs = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row("aaaaaaaaaaaa", job_name="no-vpc", vpc_config=None)])
    (tmp_path / "bedrock-audit.toml").write_text(
        'waiver-max-days = 400000\n'  # a waiver that never lapses on the real clock
        '[[waivers]]\nrule = "BA001"\njob = "*"\ntags = { env = "legacy" }\nreason = "legacy"\nowner = "ml"\n'
        'expires = 2999-01-01\n')
    code, report = scan_json(cli, jobs, site, "--select", "BA001", "--select", "AAA001")
    assert results_of(report, "AAA001") == {"no-vpc": ("PASS", "")}
    assert results_of(report, "BA001")["no-vpc"][0] == "FAIL"
    assert code == 1
