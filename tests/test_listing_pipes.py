"""The command line as a shell user meets it: several PATHs in the usage line, listings into a pipe that
closes early (``bedrock-audit rules | head -1``) (issue #15, item 11)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import compliant_row, console_script, write_jsonl


def test_usage_shows_that_several_paths_are_accepted(cli) -> None:
    for command in (("scan",), ("baseline", "create")):
        result = cli(*command, "--help")
        assert f"Usage: bedrock-audit {' '.join(command)} [OPTIONS] [PATH...]" in result.stdout


def _closed_pipe(*args: str, cwd: Path) -> tuple[int, str]:
    """Run the console script with a stdout pipe closed before it writes anything."""
    process = subprocess.Popen([console_script(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, cwd=cwd)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    return process.wait(timeout=120), stderr


@pytest.mark.smoke
@pytest.mark.parametrize("args", [("rules",), ("rules", "-f", "markdown"), ("rules", "show", "BA001"),
                                  ("plugins",), ("--help",), ("--version",)])
def test_a_listing_into_a_closed_pipe_exits_0_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, stderr = _closed_pipe(*args, cwd=tmp_path)
    assert (code, stderr) == (0, "")


@pytest.mark.smoke
def test_a_report_into_a_closed_pipe_is_still_an_error(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])
    code, stderr = _closed_pipe("scan", "jobs.jsonl", "--now", "2025-07-01", cwd=tmp_path)
    assert code == 2 and "broken pipe" in stderr
