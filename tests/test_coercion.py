"""One coercion rule for every source (issue #15, items 8 and 9): a value is judged by what it is, not by
how the file format spells it. int64 columns take a whole number in any spelling and refuse fractions in
every source; tags in PostgreSQL hstore text are read as PostgreSQL reads them, quoted or bare."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import compliant_row, sample_api_job

from checker.normalize import normalize_tags, to_int

NOW = "2025-07-01T00:00:00Z"
JSON_COLUMNS = ("input_data_config", "output_data_config", "vpc_config")


def _csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows as the DDSQL editor exports them: json columns as JSON text, tags as hstore, every cell text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        cells = {}
        for name, value in row.items():
            if value is None:
                cells[name] = ""
            elif name in JSON_COLUMNS:
                cells[name] = json.dumps(value)
            elif name == "tags" and isinstance(value, dict):
                cells[name] = ", ".join(f'"{k}"=>"{v}"' for k, v in value.items())
            else:
                cells[name] = value if isinstance(value, str) else json.dumps(value)
        writer.writerow(cells)
    return out.getvalue()


def _tabular(rows: list[dict[str, Any]]) -> str:
    """The DDSQL API's column-major response."""
    columns = [{"name": name, "type": "string", "values": [row[name] for row in rows]} for name in rows[0]]
    return json.dumps({"data": {"type": "ddsql_tabular", "attributes": {"columns": columns}}})


def _api_body(timeout: Any) -> str:
    body = sample_api_job()
    body["timeoutDurationInHours"] = timeout
    return json.dumps(body)


def _write(tmp_path: Path, source: str, timeout: Any) -> Path:
    row = compliant_row(timeout_duration_in_hours=timeout)
    path = tmp_path / {"jsonl": "jobs.jsonl", "json": "jobs.json", "csv": "jobs.csv", "tabular": "tab.json",
                       "api": "get.json"}[source]
    path.write_text({"jsonl": lambda: json.dumps(row) + "\n", "json": lambda: json.dumps([row]),
                     "csv": lambda: _csv_text([row]), "tabular": lambda: _tabular([row]),
                     "api": lambda: _api_body(timeout)}[source]())
    return path


SOURCES = ["jsonl", "json", "csv", "tabular", "api"]
WHOLE = [48, 48.0, "48", "48.0", " 48 ", "+48"]
NOT_WHOLE = [48.5, "48.5", "4.8e1", "forty-eight", True]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("timeout", WHOLE)
def test_a_whole_number_is_accepted_from_every_source(cli, tmp_path: Path, source: str, timeout: Any) -> None:
    path = _write(tmp_path, source, timeout)
    result = cli("scan", str(path), "--now", NOW, "-f", "json", "--select", "BA003", "--allow-partial")
    report = json.loads(result.stdout)
    assert report["errors"] == [] and report["summary"]["jobs"] == 1, report["errors"]
    assert result.returncode == 0


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("timeout", NOT_WHOLE)
def test_anything_else_is_refused_by_every_source_alike(cli, tmp_path: Path, source: str, timeout: Any) -> None:
    if source == "csv" and timeout is True:
        timeout = "true"  # CSV has text only
    path = _write(tmp_path, source, timeout)
    result = cli("scan", str(path), "--now", NOW, "-f", "json", "--select", "BA003")
    report = json.loads(result.stdout)
    assert result.returncode == 3 and report["summary"]["jobs"] == 0
    [error] = report["errors"]
    assert error["pointer"] == "/timeout_duration_in_hours"


def test_to_int_never_rounds() -> None:
    assert [to_int(v) for v in (24.0, "72", " 48.00 ", "-1", "+48")] == [24, 72, 48, -1, 48]
    for value in (48.5, "48.5", "48.", ".0", "", "0x30", "4.8e1", True, False, None, float("inf"), "1" * 20):
        assert to_int(value) is value


@pytest.mark.parametrize(("text", "tags"), [
    ("owner=>ml, cost-center=>cc-1", {"owner": "ml", "cost-center": "cc-1"}),
    ('"owner" => "ml platform", env=>prod', {"owner": "ml platform", "env": "prod"}),
    ("a=>NULL, b=>null, c=>\"NULL\"", {"a": "", "b": "", "c": "NULL"}),  # bare NULL is SQL NULL
    (r'"say \"hi\""=>"back\\slash", k\ 1=>v\,2', {'say "hi"': "back\\slash", "k 1": "v,2"}),
    ("url=>https://x.test/?a=b, k=>v,", {"url": "https://x.test/?a=b", "k": "v"}),  # = in a bare value
    ("  ", {}),
])
def test_hstore_text_is_read_as_postgresql_reads_it(text: str, tags: dict[str, str]) -> None:
    assert normalize_tags(text) == tags


@pytest.mark.parametrize("text", ["a=>b c=>d", '"a"=>"b', "=>x", "a=>", "a=>b,,c=>d"])
def test_what_postgresql_refuses_is_left_for_the_schema(text: str) -> None:
    assert normalize_tags(text) == text


@pytest.mark.parametrize("source", ["csv", "jsonl"])
def test_bare_hstore_tags_pass_the_mandatory_tags_rule(cli, tmp_path: Path, source: str) -> None:
    row = compliant_row()
    row["tags"] = ", ".join(f"{k}=>{v}" for k, v in row["tags"].items())
    path = tmp_path / f"jobs.{source}"
    path.write_text(_csv_text([row]) if source == "csv" else json.dumps(row) + "\n")
    result = cli("scan", str(path), "--now", NOW, "-f", "json", "--select", "BA004")
    report = json.loads(result.stdout)
    assert result.returncode == 0, report["errors"]
    assert report["summary"]["results"]["PASS"] == 1
