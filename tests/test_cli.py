"""Exit codes and error messages of the command line, as CI sees them: in-process (the ``cli`` fixture),
and through the installed console script for what only a real process shows (``smoke``: signals, a
closed pipe, ``python -m checker``, the exit codes of the script itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli, Script, compliant_row, console_script, fake_plugin_dir, sample_rows

RAISING_PLUGIN = '''
from checker import Rule, Severity, hookimpl, passed

def check(job, params):
    if job.job_name == "explode":
        raise RuntimeError("boom")
    return passed()

@hookimpl
def register_rules(register):
    register(Rule(id="TST001", name="explodes-sometimes", title="Raises on one job", description="test",
                  rationale="test", remediation="test", severity=Severity.LOW, check=check,
                  help_url="https://example.com/tst001"))
'''


@pytest.mark.smoke
def test_the_console_script_exits_0_1_2_3_as_ci_sees_them(script: Script, jsonl) -> None:
    clean, finding = jsonl([compliant_row()], "clean.jsonl"), jsonl([compliant_row(vpc_config=None)], "bad.jsonl")
    assert script("scan", str(clean)).returncode == 0
    assert script("scan", str(finding)).returncode == 1
    result = script("scan", str(clean), "--fail-on", "urgent")
    assert result.returncode == 2 and "unknown severity 'urgent'" in result.stderr
    result = script("scan", "nope.jsonl")
    assert result.returncode == 3 and "no such file" in result.stdout and "Traceback" not in result.stderr


def test_clean_scan_exits_0(cli: Cli, jsonl) -> None:
    path = jsonl([compliant_row()])
    result = cli("scan", str(path))
    assert result.returncode == 0, result.stderr
    assert "gate passed" in result.stdout


def test_findings_exit_1_and_soft_fail_exits_0(cli: Cli, jsonl) -> None:
    path = jsonl([compliant_row(vpc_config=None)])
    assert cli("scan", str(path)).returncode == 1
    assert cli("scan", str(path), "--soft-fail").returncode == 0
    assert cli("scan", str(path), "--fail-on", "critical").returncode == 0  # BA001 is high


def test_missing_file_exits_3_and_names_it(cli: Cli) -> None:
    result = cli("scan", "nope.jsonl")
    assert result.returncode == 3
    assert "nope.jsonl" in result.stdout and "no such file" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_flag_exits_2_with_a_suggestion(cli: Cli, jsonl) -> None:
    result = cli("scan", str(jsonl([compliant_row()])), "--fromat", "json")
    assert result.returncode == 2
    assert "No such option: --fromat" in result.stderr and "--format" in result.stderr


def test_bad_values_exit_2(cli: Cli, jsonl) -> None:
    path = str(jsonl([compliant_row()]))
    for args, expected in [
        (["--fail-on", "urgent"], "unknown severity 'urgent'"),
        (["-f", "xml"], "unknown report format 'xml'"),
        (["-o", "junit"], "expected FORMAT=PATH"),
        (["-o", "json=/no/such/folder/r.json"], "does not exist"),
        (["--select", "BA999"], "'BA999' matches no rule"),
        (["--input-format", "yaml"], "unknown format 'yaml'"),
        (["--config", "missing.toml"], "missing.toml: policy file not found"),
    ]:
        result = cli("scan", path, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_no_input_is_a_usage_error(cli: Cli) -> None:
    result = cli("scan")
    assert result.returncode == 2 and "no input given" in result.stderr


def test_bad_config_exits_2_naming_the_key(cli: Cli, jsonl, tmp_path: Path) -> None:
    path = str(jsonl([compliant_row()]))
    (tmp_path / "bedrock-audit.toml").write_text('fail-on = "high"\nfial-on = "low"\n')
    result = cli("scan", path)
    assert result.returncode == 2 and "unknown key" in result.stderr and "'fial-on'" in result.stderr
    (tmp_path / "bedrock-audit.toml").write_text('[rules.BA003]\nmax_hours = "lots"\n')
    result = cli("scan", path)
    assert result.returncode == 2 and "rules.BA003.max_hours" in result.stderr
    (tmp_path / "bedrock-audit.toml").write_text('[rules.BA999]\nx = 1\n')
    result = cli("scan", path)
    assert result.returncode == 2 and "rules.BA999: no such rule" in result.stderr
    (tmp_path / "bedrock-audit.toml").write_text('fail-on = \n')
    result = cli("scan", path)
    assert result.returncode == 2 and "invalid TOML" in result.stderr


def test_corrupt_line_among_good_lines_exits_3_and_good_lines_are_evaluated(cli: Cli, jsonl) -> None:
    path = jsonl([compliant_row("aaaaaaaaaaa1"), "{not json", compliant_row("aaaaaaaaaaa2", vpc_config=None)])
    result = cli("scan", str(path), "-f", "json", "--include-passed")
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == 2 and report["summary"]["records"] == 3
    assert {r["status"] for r in report["results"] if r["rule_id"] == "BA001"} == {"PASS", "FAIL"}
    assert report["errors"][0]["source"]["line"] == 2 and report["errors"][0]["kind"] == "input"


def test_a_deeply_nested_record_is_an_input_error_and_the_scan_goes_on(cli: Cli, jsonl) -> None:
    deep: dict[str, object] = {}
    level = deep
    for _ in range(900):  # below orjson's nesting limit (1024), above what recursion in Python reaches
        level["nestedKey"] = level = {}
    path = jsonl([compliant_row("aaaaaaaaaaa1", input_data_config=deep), compliant_row("aaaaaaaaaaa2")])
    result = cli("scan", str(path), "-f", "json", "--include-passed")
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["records"] == 2 and report["summary"]["jobs"] == 1
    (error,) = report["errors"]
    assert error["kind"] == "input" and error["source"]["line"] == 1 and "nested too deeply" in error["message"]


def test_empty_input_exits_3_unless_allowed(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    result = cli("scan", "empty.jsonl")
    assert result.returncode == 3 and "no job records" in result.stdout
    assert cli("scan", "empty.jsonl", "--allow-empty").returncode == 0


def test_schema_invalid_record_exits_3_with_file_line_and_pointer(cli: Cli, jsonl) -> None:
    path = jsonl([compliant_row(), compliant_row("bbbbbbbbbbbb", timeout_duration_in_hours=500)])
    result = cli("scan", str(path), "-f", "json", "--include-passed")
    assert result.returncode == 3
    error = json.loads(result.stdout)["errors"][0]
    assert error["pointer"] == "/timeout_duration_in_hours" and error["source"]["line"] == 2
    assert "500 is greater than the maximum of 168" in error["message"]


def test_missing_column_exits_3(cli: Cli, jsonl) -> None:
    row = compliant_row()
    del row["vpc_config"]
    result = cli("scan", str(jsonl([row])))
    assert result.returncode == 3 and "column vpc_config not in input" in result.stdout


def test_a_rule_that_raises_is_an_error_result_and_exits_4(cli: Cli, jsonl, tmp_path: Path) -> None:
    env = fake_plugin_dir(tmp_path / "site", "raising_rules", RAISING_PLUGIN)
    path = jsonl([compliant_row("aaaaaaaaaaa1", job_name="explode"), compliant_row("aaaaaaaaaaa2")])
    result = cli("scan", str(path), "-f", "json", "--include-passed", env=env)
    assert result.returncode == 4, result.stderr
    results = [r for r in json.loads(result.stdout)["results"] if r["rule_id"] == "TST001"]
    assert [(r["job"]["name"], r["status"], r["error_kind"]) for r in results] == [
        ("explode", "ERROR", "rule"), ("claims-summary-batch-20250602", "PASS", None)]
    assert "RuntimeError: boom" in results[0]["message"]


def test_highest_exit_code_wins(cli: Cli, jsonl, tmp_path: Path) -> None:
    env = fake_plugin_dir(tmp_path / "site", "raising_rules", RAISING_PLUGIN)
    path = jsonl([compliant_row("aaaaaaaaaaa1", job_name="explode", vpc_config=None), "{bad"])
    assert cli("scan", str(path), env=env).returncode == 4
    assert cli("scan", str(path), "--disable-plugin", "raising-rules", env=env).returncode == 3


def test_bad_input_never_shows_a_traceback(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "utf.jsonl").write_bytes(b'{"job_arn": "\xc3\x28"}\n')
    (tmp_path / "deep.json").write_text("[" * 100000 + "]" * 100000)
    (tmp_path / "noheader.csv").write_text("a,b\n1,2\n")
    (tmp_path / "types.jsonl").write_text(json.dumps({**sample_rows()[0], "vpc_config": [1, 2]}) + "\n")
    (tmp_path / "long.jsonl").write_bytes(b'{"x": "' + b"y" * (17 * 1024 * 1024) + b'"}\n')
    for name in ("utf.jsonl", "deep.json", "noheader.csv", "types.jsonl", "long.jsonl"):
        result = cli("scan", name)
        assert result.returncode == 3, (name, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr, name
        assert name in result.stdout, name


def test_stdin(cli: Cli) -> None:
    rows = "\n".join(json.dumps(r) for r in sample_rows())
    result = cli("scan", "-", "-f", "json", "--include-passed", input=rows)
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == 3 and report["results"][0]["source"]["path"] == "-"


@pytest.mark.smoke
def test_python_dash_m_checker_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "checker", "--version"], capture_output=True, text=True,
                            cwd=tmp_path, check=False)
    assert result.returncode == 0 and result.stdout.startswith("bedrock-audit ")


def test_reports_to_files_and_stdout_at_once(cli: Cli, jsonl, tmp_path: Path) -> None:
    path = jsonl([compliant_row(vpc_config=None)])
    result = cli("scan", str(path), "-f", "json", "--include-passed", "-o", "junit=out/r.xml", "-o", "text=r.txt",
                 cwd=tmp_path)
    assert result.returncode == 2 and "folder out does not exist" in result.stderr
    assert not list(tmp_path.glob("**/*.tmp"))
    result = cli("scan", str(path), "-f", "json", "--include-passed", "-o", "junit=r.xml", "-o", "text=r.txt")
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["exit_code"] == 1
    assert (tmp_path / "r.xml").read_text().startswith("<?xml")
    assert "vpc-config-required" in (tmp_path / "r.txt").read_text()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_report_path_that_is_a_link_is_written_through_the_link(cli: Cli, jsonl, tmp_path: Path) -> None:
    path = jsonl([compliant_row(vpc_config=None)])
    (tmp_path / "2025-06").mkdir()
    (tmp_path / "2025-06" / "report.json").write_text("old")
    (tmp_path / "latest.json").symlink_to(Path("2025-06") / "report.json")
    result = cli("scan", str(path), "-o", "json=latest.json")
    assert result.returncode == 1, result.stderr
    assert (tmp_path / "latest.json").is_symlink()
    assert json.loads((tmp_path / "2025-06" / "report.json").read_text())["summary"]["exit_code"] == 1
    assert not list(tmp_path.glob("**/.*.tmp"))


def test_a_report_to_a_pipe_or_device_is_streamed_into_it_not_replaced(cli: Cli, jsonl, tmp_path: Path) -> None:
    """`-o junit=/dev/stdout`, `-o json=>(jq ...)`, a FIFO: the destination is not a file to rename over
    (as root, renaming over /dev/stdout would replace the device node)."""
    import os
    import stat

    path = jsonl([compliant_row(vpc_config=None)])
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = cli("scan", str(path), "-o", f"json={fifo}", "-o", "junit=null.xml")
        received = b""
        while chunk := os.read(reader, 65536):
            received += chunk
    finally:
        os.close(reader)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received)["summary"]["exit_code"] == 1
    assert not list(tmp_path.glob(".*.tmp"))
    (tmp_path / "null.xml").unlink()
    (tmp_path / "devnull").symlink_to(os.devnull)
    result = cli("scan", str(path), "-o", "json=devnull")
    assert result.returncode == 1, result.stderr
    assert (tmp_path / "devnull").is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.smoke
@pytest.mark.parametrize(("signame", "code", "said"), [("SIGINT", 130, "interrupted"),
                                                       ("SIGTERM", 143, "terminated")])
def test_a_scan_stopped_by_a_signal_leaves_no_report_and_no_temp_file(
        jsonl, tmp_path: Path, signame: str, code: int, said: str) -> None:
    """Ctrl-C, or a CI runner cancelling the job (SIGTERM), mid-scan: the previous report stays as it was,
    no half report and no hidden temporary file is left, and no traceback is shown."""
    import os
    import signal
    import subprocess
    import time

    line = json.dumps(compliant_row(vpc_config=None))
    path = jsonl([line] * 40_000)
    (tmp_path / "r.json").write_text("previous")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_")}
    process = subprocess.Popen(  # default SIGINT handling even when the test runner ignores it
        [console_script(), "scan", str(path), "-o", "json=r.json", "-o", "junit=r.xml", "-f", "sarif"],
        cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".r.json.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # well into the scan
    process.send_signal(getattr(signal, signame))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert stderr.decode().strip().splitlines()[-1] == f"bedrock-audit: {said}"
    assert b"Traceback" not in stderr
    assert (tmp_path / "r.json").read_text() == "previous"
    assert not (tmp_path / "r.xml").exists()
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("command", [["scan"], ["fetch"], ["baseline", "create"], ["rules"], ["rules", "show"],
                                     ["plugins"]])
def test_help_examples_survive_an_80_column_terminal_intact(cli: Cli, command: list[str]) -> None:
    """Every command's --help has examples, and each one can be copied: click rewraps paragraphs to the
    terminal width, which cut `... --fail-on` / `high` onto two lines."""
    result = cli(*command, "--help", env={"COLUMNS": "80"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Example"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
    examples = [line.strip() for line in lines[start + 1:end] if line.strip()]
    assert examples
    for previous, line in zip(["bedrock-audit"] + examples, examples, strict=False):
        assert line.startswith(("bedrock-audit ", "datadog-export ", "BEDROCK_AUDIT_")) or previous.endswith("\\"), line


@pytest.mark.smoke
def test_a_reader_closing_stdout_early_is_reported_not_silent(tmp_path: Path) -> None:
    import os
    import subprocess

    from conftest import console_script

    rows = tmp_path / "jobs.jsonl"
    rows.write_text("\n".join(json.dumps(compliant_row(f"a{i:011d}")) for i in range(3000)) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_")}
    result = subprocess.run(f"'{console_script()}' scan '{rows}' -f json | head -c 100 > /dev/null; "
                            "echo \"exit=${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash",
                            capture_output=True, text=True, env=env, check=False)
    assert "exit=2" in result.stdout, result.stdout + result.stderr
    assert "stdout was closed before the report was complete" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_schema_invalid_record_names_its_account_and_region(cli: Cli, jsonl) -> None:
    path = jsonl([compliant_row("bbbbbbbbbbbb", status="Running")])
    error = json.loads(cli("scan", str(path), "-f", "json", "--include-passed").stdout)["errors"][0]
    assert error["job"] == {"arn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/bbbbbbbbbbbb",
                            "name": "claims-summary-batch-20250602", "account_id": "123456789012",
                            "region": "us-east-1"}
