"""Inputs that are not what they seem: one page of a paged AWS list, a report path that names an input,
tags the AWS CLI never carries, a folder whose links loop (issue #15, items 2, 3, 10, 11)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import compliant_row, sample_api_job, write_jsonl

NOW = "2025-07-01T00:00:00Z"


def _aws_list(path: Path, token_key: str | None = "nextToken") -> Path:
    document: dict[str, object] = {"invocationJobSummaries": [sample_api_job()]}
    if token_key:
        document[token_key] = "eyJwYWdlIjogMn0="
    path.write_text(json.dumps(document, indent=1))
    return path


@pytest.mark.parametrize("token_key", ["nextToken", "NextToken"])
def test_one_page_of_a_paged_aws_list_is_a_gap(cli, tmp_path: Path, token_key: str) -> None:
    page = _aws_list(tmp_path / "page1.json", token_key)
    result = cli("scan", str(page), "--now", NOW, "--ignore", "BA004", "-f", "json")
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == 1  # the page's jobs are still checked
    [gap] = [e for e in report["errors"] if e["kind"] == "source"]
    assert gap["source"]["path"] == str(page)
    assert token_key in gap["message"] and "more pages" in gap["message"]
    assert "bedrock-audit fetch --aws --region us-east-1" in gap["message"]
    assert "--allow-partial" in gap["message"]
    accepted = cli("scan", str(page), "--now", NOW, "--ignore", "BA004", "--allow-partial")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "more pages" in accepted.stdout


def test_a_complete_aws_list_is_no_gap(cli, tmp_path: Path) -> None:
    for token in (None, ""):
        path = _aws_list(tmp_path / "all.json", None)
        if token is not None:
            path.write_text(json.dumps({"invocationJobSummaries": [sample_api_job()], "nextToken": token}))
        result = cli("scan", str(path), "--now", NOW, "--ignore", "BA004")
        assert result.returncode == 0, result.stdout + result.stderr


def _inputs(tmp_path: Path) -> Path:
    path = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row()])
    os.symlink("jobs.jsonl", tmp_path / "link.jsonl")
    os.link(path, tmp_path / "hard.jsonl")
    (tmp_path / "exports").mkdir()
    shutil.copy(path, tmp_path / "exports" / "more.jsonl")
    return path


@pytest.mark.parametrize("args", [
    ("scan", "jobs.jsonl", "-o", "json=jobs.jsonl"),
    ("scan", "jobs.jsonl", "-o", "json=link.jsonl"),  # through a symbolic link
    ("scan", "link.jsonl", "-o", "sarif=./exports/../hard.jsonl"),  # a hard link, another spelling
    ("scan", "exports", "-o", "json=exports/more.jsonl"),  # a file the folder scan reads
    ("scan", "jobs.jsonl", "--waivers", "jobs.jsonl", "-o", "json=jobs.jsonl"),
    ("baseline", "create", "jobs.jsonl", "-o", "link.jsonl"),
    ("baseline", "create", "exports", "-o", "exports/more.jsonl"),
])
def test_an_output_naming_an_input_is_a_usage_error_before_anything_is_written(cli, tmp_path: Path,
                                                                                args: tuple[str, ...]) -> None:
    path = _inputs(tmp_path)
    before = {p.name: p.read_bytes() for p in (path, tmp_path / "exports" / "more.jsonl")}
    result = cli(*args, "--now", NOW)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "would overwrite" in result.stderr and result.stdout == ""
    assert {p.name: p.read_bytes() for p in (path, tmp_path / "exports" / "more.jsonl")} == before


def test_fetch_output_naming_the_accounts_file_is_refused(cli, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("111111111111\n")
    result = cli("fetch", "--aws", "--region", "us-east-1", "--accounts-file", str(accounts), "-o", str(accounts))
    assert result.returncode == 2 and "--accounts-file" in result.stderr and "would overwrite" in result.stderr
    assert accounts.read_text() == "111111111111\n"


def test_outputs_beside_the_inputs_are_fine(cli, tmp_path: Path) -> None:
    _inputs(tmp_path)
    result = cli("scan", "jobs.jsonl", "exports", "-o", "json=report.json", "-o", "junit=exports/report.xml",
                 "--now", NOW)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "report.json").read_text())["summary"]
    assert summary["jobs"] == 1 and summary["duplicates"] == 1  # exports/more.jsonl is a copy of jobs.jsonl


def test_a_symbolic_link_loop_is_named_as_a_loop(cli, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_jsonl(folder / "jobs.jsonl", [compliant_row()])
    os.symlink("b.jsonl", folder / "a.jsonl")
    os.symlink("a.jsonl", folder / "b.jsonl")
    os.symlink("d2", folder / "d1")  # two links to folders that point at each other
    os.symlink("d1", folder / "d2")
    os.symlink("gone.jsonl", folder / "dangling.jsonl")
    result = cli("scan", "exports", "exports/a.jsonl", "--now", NOW, "-f", "json")
    assert result.returncode == 3
    errors = {(e["source"]["path"], e["message"]) for e in json.loads(result.stdout)["errors"]}
    loop = "(it never reaches a file or folder)"
    assert errors == {
        ("exports/a.jsonl", f"symbolic link loop: exports/a.jsonl -> b.jsonl -> a.jsonl {loop}"),
        ("exports/b.jsonl", f"symbolic link loop: exports/b.jsonl -> a.jsonl -> b.jsonl {loop}"),
        ("exports/d1", f"symbolic link loop: exports/d1 -> d2 -> d1 {loop}"),
        ("exports/d2", f"symbolic link loop: exports/d2 -> d1 -> d2 {loop}"),
        ("exports/dangling.jsonl", "broken symbolic link: it points to gone.jsonl, which does not exist"),
    }  # exports/a.jsonl named twice (in the folder and as a PATH): the same problem both times
    assert json.loads(result.stdout)["summary"]["jobs"] == 1


def test_tags_unknown_in_aws_cli_output_say_how_to_get_them_and_how_to_accept_the_gap(cli, tmp_path: Path) -> None:
    listing = _aws_list(tmp_path / "list.json", token_key=None)
    result = cli("scan", str(listing), "--now", NOW, "-f", "json", "--include-passed")
    assert result.returncode == 3
    [error] = [r for r in json.loads(result.stdout)["results"] if r["status"] == "ERROR"]
    assert error["rule_id"] == "BA004"
    message = error["message"]
    assert "never carry tags" in message
    assert "bedrock-audit fetch --aws --region us-east-1 -o jobs.jsonl" in message  # the job's own region
    assert "bedrock-audit scan --aws --region us-east-1" in message
    assert "--allow-partial" in message and "--ignore BA004" in message
    for accept in (("--allow-partial",), ("--ignore", "BA004")):
        assert cli("scan", str(listing), "--now", NOW, *accept).returncode == 0
