"""Progress on a terminal for long file scans (issue 15 item 14): a bar on stderr by bytes read when stderr
is a terminal (a pseudo-terminal here), nothing when it is not."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest
from conftest import _environment, compliant_row, console_script, write_jsonl

pytestmark = pytest.mark.smoke  # runs the console script (about 5 s each)


def _run(tmp_path: Path, stderr_tty: bool) -> tuple[int, str, str]:
    write_jsonl(tmp_path / "jobs.jsonl", [compliant_row(f"pppppppp{n:04d}") for n in range(3000)])
    env = _environment({"BEDROCK_AUDIT_PROGRESS_DELAY": "0", "COLUMNS": "100"})
    args = [console_script(), "scan", "jobs.jsonl", "-f", "json"]
    if not stderr_tty:
        done = subprocess.run(args, capture_output=True, cwd=tmp_path, env=env, timeout=120, check=False)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    leader, follower = pty.openpty()
    report = tmp_path / "stdout.json"  # a file, not a pipe: the child never blocks on it while we read the pty
    with report.open("wb") as out, subprocess.Popen(args, stdout=out, stderr=follower, cwd=tmp_path,
                                                    env=env) as process:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        code = process.wait(timeout=120)
    os.close(leader)
    return code, report.read_text(), seen.decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_bar_by_bytes_and_the_report_is_untouched(tmp_path: Path) -> None:
    code, stdout, stderr = _run(tmp_path, stderr_tty=True)
    assert code == 0
    assert "reading jobs.jsonl" in stderr and "/" in stderr and "B" in stderr  # e.g. 1.2/2.9 MB
    assert json.loads(stdout)["summary"]["jobs"] == 3000


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    code, stdout, stderr = _run(tmp_path, stderr_tty=False)
    assert code == 0 and stderr == ""
    assert json.loads(stdout)["summary"]["jobs"] == 3000
