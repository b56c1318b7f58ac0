"""Every report format, byte for byte, against golden files (tests/data/golden/).

Two scans through the console script: the CI-gate scenario (waived, lapsed, baselined, new and fixed
findings; an unused waiver) and an errors scenario (unparsable line, schema-invalid record, unknown
column, missing file). Volatile parts are normalised: the tool version, the working directory (SARIF's
``%SRCROOT%``) JUnit durations and SARIF's real start and end times; the clock is fixed with ``--now``.

To accept intended changes: ``BEDROCK_AUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_reports.py``
and review the diff of tests/data/golden/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import DATA, Cli, compliant_row, write_jsonl
from gate_scenario import NOW, POLICY, SCAN_ARGS, write_scenario

from checker import __version__

GOLDEN = DATA / "golden"
FORMATS = {"text": "txt", "json": "json", "junit": "xml", "sarif": "sarif", "markdown": "md"}
UPDATE = os.environ.get("BEDROCK_AUDIT_UPDATE_GOLDEN") == "1"


def normalise(text: str, folder: Path) -> str:
    """Replace what changes between machines and runs."""
    text = text.replace(folder.as_uri(), "file:///WORKDIR")
    text = text.replace(str(folder), "/WORKDIR")
    text = re.sub(r'(?<=")' + re.escape(__version__) + r'(?=")', "VERSION", text)
    text = re.sub(r'\btime="[0-9.]+"', 'time="0.000"', text)
    text = re.sub(r'"(start|end)TimeUtc":"[^"]+"', r'"\1TimeUtc":"REAL-TIME"', text)
    return text


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} missing: run with BEDROCK_AUDIT_UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (BEDROCK_AUDIT_UPDATE_GOLDEN=1 to accept)"


def scan_all_formats(cli: Cli, folder: Path, *args: str) -> tuple[int, dict[str, str]]:
    """One scan writing every format (stdout: text; files: the rest); returns the normalised reports."""
    outputs = [f"-o{fmt}=report.{ext}" for fmt, ext in FORMATS.items() if fmt != "text"]
    result = cli(*args, *outputs, cwd=folder)
    reports = {"text": result.stdout}
    for fmt, ext in FORMATS.items():
        if fmt != "text":
            reports[fmt] = (folder / f"report.{ext}").read_text(encoding="utf-8")
    return result.returncode, {fmt: normalise(text, folder) for fmt, text in reports.items()}


@pytest.fixture(scope="module")
def gate_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, str]]:
    folder = tmp_path_factory.mktemp("gate")
    write_scenario(folder)
    return scan_all_formats(Cli(folder), folder, *SCAN_ARGS)


@pytest.fixture(scope="module")
def error_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, str]]:
    folder = tmp_path_factory.mktemp("errors")
    (folder / "bedrock-audit.toml").write_text(POLICY)
    no_tags = compliant_row("bbbbbbbbbb02", job_name="tags-unknown")
    del no_tags["tags"]
    write_jsonl(folder / "jobs.jsonl", [
        compliant_row("bbbbbbbbbb01", job_name="fine"),
        no_tags,
        "{not json",
        compliant_row("bbbbbbbbbb04", job_name="bad-status", status="Running"),
    ])
    return scan_all_formats(Cli(folder), folder, "scan", "jobs.jsonl", "missing.jsonl", "--now", NOW)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_gate_scenario_matches_golden(gate_reports: tuple[int, dict[str, str]], fmt: str) -> None:
    code, reports = gate_reports
    assert code == 1  # new-job's BA004 and the lapsed waiver's BA003 are new findings
    check(f"gate.{FORMATS[fmt]}", reports[fmt])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_error_scenario_matches_golden(error_reports: tuple[int, dict[str, str]], fmt: str) -> None:
    code, reports = error_reports
    assert code == 3
    check(f"errors.{FORMATS[fmt]}", reports[fmt])
