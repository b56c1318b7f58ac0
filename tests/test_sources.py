"""Readers: every input format yields rows with provenance, and a bad row never stops the next."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, compliant_row, sample_api_job, sample_rows

from checker.inputs import Inputs
from checker.model import ErrorKind, Problem
from checker.plugins import load_plugins
from checker.sources.base import MAX_LINE_BYTES, RawRecord


def read(*locations: str, input_format: str | None = None) -> tuple[list[RawRecord], list[Problem], list[str]]:
    notes: list[str] = []
    inputs = Inputs(load_plugins(autoload=False).sources, notes.append)
    items = list(inputs.read(list(locations), input_format))
    return ([i for i in items if isinstance(i, RawRecord)], [i for i in items if isinstance(i, Problem)], notes)


def test_jsonl_keeps_line_numbers_and_reads_past_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    path.write_bytes(b"\n".join([
        json.dumps(compliant_row("aaaaaaaaaaa1")).encode(),
        b"",
        b"{broken json",
        b"[1, 2]",
        b'{"job_arn": "\xff\xfe"}',
        b"[" * 5000 + b"]" * 5000,
        json.dumps(compliant_row("aaaaaaaaaaa2")).encode(),
    ]) + b"\n")
    records, problems, _ = read(str(path))
    assert [r.provenance.line for r in records] == [1, 7]
    assert [(p.provenance.line, p.kind) for p in problems] == [(3, ErrorKind.INPUT), (4, ErrorKind.INPUT),
                                                              (5, ErrorKind.INPUT), (6, ErrorKind.INPUT)]
    assert "invalid JSON" in problems[0].message
    assert "expected a JSON object, got array" in problems[1].message
    assert "invalid UTF-8" in problems[2].message


def test_jsonl_line_longer_than_the_limit_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"job_arn": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}\n')
        handle.write(json.dumps(compliant_row()).encode() + b"\n")
    records, problems, _ = read(str(path))
    assert [r.provenance.line for r in records] == [2]
    assert len(problems) == 1 and "longer than 16 MiB" in problems[0].message and problems[0].provenance.line == 1


def test_json_array_rows_get_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(sample_rows(), indent=2))
    records, problems, _ = read(str(path))
    assert problems == []
    assert [r.data["job_name"] for r in records] == [r["job_name"] for r in sample_rows()]
    text = path.read_text().splitlines()
    for record in records:
        assert text[record.provenance.line - 1].strip() == "{"
        assert f'"job_arn": "{record.data["job_arn"]}"' in "\n".join(text[record.provenance.line - 1:
                                                                           record.provenance.line + 40])


def test_aws_list_output_and_get_body(tmp_path: Path) -> None:
    summaries = tmp_path / "list.json"
    body = sample_api_job()
    summaries.write_text(json.dumps({"invocationJobSummaries": [body, body]}, indent=1))
    get = tmp_path / "get.json"
    get.write_text(json.dumps(body))
    records, problems, _ = read(str(summaries), str(get))
    assert problems == []
    lines = summaries.read_text().splitlines()
    first, second, single = (r.provenance.line for r in records)
    assert first == 3 and second > first and single == 1
    assert lines[first - 1].strip() == "{" and lines[second - 1].strip() == "{"
    assert lines[second - 2].strip() == "},"
    assert all(r.data["jobArn"] == body["jobArn"] for r in records)


def test_ddsql_tabular_response(tmp_path: Path) -> None:
    rows = sample_rows()
    columns = []
    for name in rows[0]:
        values = [row[name] for row in rows]
        if name.endswith("_config") or name == "tags":
            values = [json.dumps(v) if v is not None else None for v in values]
        columns.append({"name": name, "type": "json" if name.endswith("_config") else "string", "values": values})
    path = tmp_path / "tabular.json"
    path.write_text(json.dumps({"data": {"id": "q1", "type": "ddsql_tabular", "attributes": {"columns": columns}}}))
    records, problems, _ = read(str(path))
    assert problems == [] and len(records) == 3
    assert [r.provenance.record for r in records] == [1, 2, 3]
    assert records[1].data["job_name"] == "product-descriptions-rewrite"


def test_ddsql_tabular_with_ragged_columns_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "tabular.json"
    path.write_text(json.dumps({"data": {"attributes": {"columns": [
        {"name": "job_arn", "values": ["a", "b"]}, {"name": "status", "values": ["Completed"]}]}}}))
    records, problems, _ = read(str(path))
    assert records == [] and problems[0].kind is ErrorKind.SOURCE and "different lengths" in problems[0].message


@pytest.mark.parametrize("columns", ["x", None, {"job_arn": ["a"]}])
def test_ddsql_tabular_whose_columns_are_not_an_array_is_a_source_error_not_zero_rows(
        tmp_path: Path, columns: Any) -> None:
    path = tmp_path / "tabular.json"
    path.write_text(json.dumps({"data": {"attributes": {"columns": columns}}}))
    records, problems, _ = read(str(path))
    assert records == []
    assert [(p.kind, p.message) for p in problems] == [
        (ErrorKind.SOURCE, "DDSQL tabular response: data.attributes.columns must be an array, got "
                           f"{'string' if columns == 'x' else 'null' if columns is None else 'object'}")]


def test_csv_with_bom_crlf_and_hstore(tmp_path: Path) -> None:
    records, problems, _ = read(str(Path(__file__).parent.parent / "examples" / "jobs.csv"))
    assert problems == [] and len(records) == 7
    assert [r.provenance.line for r in records] == [2, 3, 4, 5, 6, 7, 8]
    first = records[0].data
    assert first["_key"] == "9f3c1b7e2a4d4c6f8e0a1b2c3d4e5f60"  # the BOM is not part of the first column name
    assert first["message"] is None  # empty cell = null
    assert first["tags"].startswith('"cost-center"=>')


def test_csv_without_header_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("abc,arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x7k2m9q4p1ab,Completed\n")
    records, problems, _ = read(str(path))
    assert records == [] and len(problems) == 1
    assert problems[0].kind is ErrorKind.SOURCE and "no job_arn column" in problems[0].message


def test_csv_bad_rows_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    path.write_bytes(b"job_arn,status\r\n"
                     b"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/aaaaaaaaaaa1,Completed\r\n"
                     b"only-one-cell\r\n"
                     b"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/aaaaaaaaaaa2,\xff\r\n"
                     b'"multi\r\nline",Completed\r\n'
                     b"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/aaaaaaaaaaa3,Failed\r\n")
    records, problems, _ = read(str(path))
    assert [r.provenance.line for r in records] == [2, 5, 7]
    assert [(p.provenance.line, p.message.split(": ", 1)[1]) for p in problems] == [
        (3, "row has 1 cells, the header has 2"), (4, "invalid UTF-8")]


def test_missing_file_folder_and_unknown_format(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text(json.dumps(compliant_row()) + "\n")
    (tmp_path / "data" / "README.md").write_text("# not data")
    records, problems, notes = read(str(tmp_path / "nope.jsonl"), str(tmp_path / "notes.txt"),
                                    str(tmp_path / "data"))
    assert len(records) == 1
    assert [p.message for p in problems] == [
        "no such file", "cannot tell the format of this input; name it with --input-format (tfplan, request, jsonl, "
        "json, csv, tf)"]
    assert notes and "README.md" in notes[0]


def test_a_folder_without_job_exports_names_the_extensions_that_are_read(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# not data")
    _, problems, _ = read(str(tmp_path))
    assert [p.message for p in problems] == ["folder holds no .jsonl, .ndjson, .json, .csv or .tf files"]

    class TsvSource:  # a plugin's input format: its extension is read from folders too
        name, description, extensions, schemes = "tsv", "tab-separated", (".tsv",), ()

    sources = {**load_plugins(autoload=False).sources, "tsv": TsvSource()}
    problems = list(Inputs(sources, lambda _note: None).read([str(tmp_path)]))
    assert [p.message for p in problems] == [
        "folder holds no .jsonl, .ndjson, .json, .csv, .tf or .tsv files"]


def test_format_is_sniffed_when_the_extension_says_nothing(tmp_path: Path) -> None:
    jsonl = tmp_path / "export.txt"
    jsonl.write_text("\n".join(json.dumps(r) for r in sample_rows()) + "\n")
    csv_path = tmp_path / "export.dat"
    csv_path.write_bytes((DATA.parent.parent / "examples" / "jobs.csv").read_bytes())
    array = tmp_path / "export"
    array.write_text(json.dumps(sample_rows(), indent=2))
    for path, count in ((jsonl, 3), (csv_path, 7), (array, 3)):
        records, problems, _ = read(str(path))
        assert problems == [] and len(records) == count, path


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.json", "empty.csv"])
def test_empty_files_yield_nothing(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("")
    assert read(str(tmp_path / name))[:2] == ([], [])


def test_a_folder_that_cannot_be_listed_is_a_source_error_not_a_silent_skip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    exports = tmp_path / "exports"
    (exports / "2025-06").mkdir(parents=True)
    (exports / "a.jsonl").write_text(json.dumps(compliant_row()) + "\n")
    (exports / "2025-06" / "b.jsonl").write_text(json.dumps(compliant_row("b7k2m9q4p1ab")) + "\n")
    locked = str(exports / "2025-06")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:  # what chmod 000 does to anyone but root
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    records, problems, _ = read(str(exports))
    assert len(records) == 1
    assert [(p.kind, p.message, p.provenance.source if p.provenance else None) for p in problems] == [
        (ErrorKind.SOURCE, "cannot read folder: Permission denied", locked)]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a chmod 000 folder")
def test_an_unreadable_top_folder_says_so(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "a.jsonl").write_text(json.dumps(compliant_row()) + "\n")
    exports.chmod(0)
    try:
        _, problems, _ = read(str(exports))
    finally:
        exports.chmod(0o755)
    assert [p.message for p in problems] == ["cannot read folder: Permission denied"]


def test_a_linked_folder_is_read_once_and_a_link_loop_ends(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "b.jsonl").write_text(json.dumps(compliant_row("b7k2m9q4p1ab")) + "\n")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "a.jsonl").write_text(json.dumps(compliant_row()) + "\n")
    (exports / "linked").symlink_to(real, target_is_directory=True)
    (exports / "loop").symlink_to(exports, target_is_directory=True)
    records, problems, _ = read(str(exports))
    assert problems == []
    assert sorted(Path(r.provenance.source).name for r in records) == ["a.jsonl", "b.jsonl"]
