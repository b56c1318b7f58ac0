"""Inputs the fuzzer (fuzz/, README "Fuzzing") found to break a scan, each reduced to what broke it.

Each test runs the scan a user would (``bedrock-audit scan FILE -f json``) and asserts what the user
sees: a one-line error naming the file (and line), a complete JSON report, no internal error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Cli


def scan_json(cli: Cli, path: Path) -> tuple[int, dict[str, Any], str]:
    result = cli("scan", str(path), "-f", "json")
    assert "internal error" not in result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def errors(report: dict[str, Any]) -> list[tuple[str, str | None, int | None]]:
    """``(message, path, line)`` of each input or source error in the JSON report that names a file."""
    return [(e["message"], e["source"]["path"], e["source"]["line"]) for e in report["errors"] if e["source"]]


def test_csv_header_with_invalid_utf8_and_no_job_arn_is_one_input_error(cli: Cli, tmp_path: Path) -> None:
    # fuzz: a byte of the header made invalid UTF-8 inside "job_arn": the "no job_arn column" message quoted
    # the undecodable header and the JSON report crashed on it (exit 4, "internal error: TypeError").
    path = tmp_path / "jobs.csv"
    path.write_bytes(b"_key,jo\xaeb_arn,status\nk1,arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x,"
                     b"Completed\n")
    code, report, stderr = scan_json(cli, path)
    assert code == 3
    assert errors(report) == [("line 1: invalid UTF-8 in the CSV header", str(path), None)]


def test_csv_header_cells_with_line_breaks_are_quoted_on_one_line(cli: Cli, tmp_path: Path) -> None:
    # fuzz: a header without job_arn whose cells span lines; the error quoted them as they were, so the
    # "one line per error" of every report broke (and a 16 MiB cell would have been quoted whole).
    path = tmp_path / "jobs.csv"
    path.write_bytes(b'_key,"owner=>a\nb",' + b"x" * 500 + b"\nk1,v,w\n")
    code, report, _ = scan_json(cli, path)
    assert code == 3
    [(message, where, _line)] = errors(report)
    assert where == str(path) and "\n" not in message and len(message) < 300
    assert message.startswith("line 1: the CSV header has no job_arn column (first row: _key, owner=>a\\nb, xxx")


def test_csv_duplicate_header_cells_with_line_breaks_are_quoted_on_one_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    path.write_bytes(b'job_arn,"a\r\nb","a\r\nb"\nk1,v,w\n')
    code, report, _ = scan_json(cli, path)
    assert code == 3
    assert errors(report) == [("line 1: duplicate CSV columns: a\\r\\nb", str(path), None)]


def test_gap_line_with_line_breaks_is_one_line_source_error(cli: Cli, tmp_path: Path) -> None:
    # a hand-edited `_gap` line (bedrock-audit fetch writes one-line messages) spread its message and its
    # location over several report lines
    path = tmp_path / "jobs.jsonl"
    path.write_text(json.dumps({"_gap": {"location": "aws://1\n2", "message": "AccessDenied\nforged: line"}}) + "\n")
    result = cli("scan", str(path), "-f", "json", "--allow-empty")
    assert result.returncode == 3 and "internal error" not in result.stderr
    assert errors(json.loads(result.stdout)) == [("AccessDenied\\nforged: line", "aws://1\\n2", None)]


def test_unrecognised_json_document_quotes_its_keys_on_one_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"a\nb": 1, "k" * 300: 2}))
    code, report, _ = scan_json(cli, path)
    assert code == 3
    [(message, where, _line)] = errors(report)
    assert where == str(path) and "\n" not in message and len(message) < 400
    assert message.endswith(f"(top-level keys: a\\nb, {'k' * 59}…)")
