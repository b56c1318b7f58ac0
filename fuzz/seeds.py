"""Seed corpora for the fuzz targets, built from examples/ and tests/data (nothing is copied by hand).

``python fuzz/seeds.py OUT`` writes ``OUT/<loader>/<name>`` for every loader in
:data:`harness.LOADERS`. Seeds are small (one to a few records each: the fuzzer mutates small inputs
fastest), and cover every shape each loader accepts: JSONL rows in both shapes, ``_gap`` lines, list
pages on one line; JSON arrays, AWS list output (with and without ``nextToken``), GetModelInvocationJob
bodies, one table row, DDSQL tabular responses (completed and running); CSV with quoted and unquoted
hstore tags, ``key:value`` tags, CRLF, a byte-order mark, multi-line cells.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
EXAMPLES = REPO / "examples"


def _jsonl_lines() -> list[str]:
    lines = []
    for path in [EXAMPLES / "jobs.jsonl", DATA / "rules-fixture.jsonl", *sorted((DATA / "rules").glob("*.jsonl"))]:
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def _rows() -> list[dict[str, Any]]:
    return json.loads((DATA / "sample-ddsql-rows.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _body() -> dict[str, Any]:
    return json.loads((DATA / "sample-get-model-invocation-job.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _tabular(rows: list[dict[str, Any]], state: str | None = None) -> dict[str, Any]:
    columns = []
    for name in rows[0]:
        values = [row.get(name) for row in rows]
        if name.endswith("_config") or name == "tags":
            values = [json.dumps(v) if v is not None else None for v in values]
        kind = "json" if name.endswith("_config") else "timestamp" if name.endswith("_time") else "string"
        columns.append({"name": name, "type": kind, "values": values})
    attributes: dict[str, Any] = {"columns": columns}
    if state:
        attributes["state"] = state
    return {"data": {"id": "q1", "type": "ddsql_tabular", "attributes": attributes}}


def jsonl_seeds() -> dict[str, bytes]:
    """Single lines, small groups, a gap line, a list page, a BOM, CRLF and a bad line."""
    lines = _jsonl_lines()
    seeds = {f"line-{n:03d}": (line + "\n").encode() for n, line in enumerate(lines)}
    seeds["examples-jobs"] = (EXAMPLES / "jobs.jsonl").read_bytes()
    seeds["api-shape"] = json.dumps(_body()).encode() + b"\n"
    seeds["gap"] = b'{"_gap": {"location": "aws://123456789012/us-east-1", "message": "AccessDenied"}}\n' + \
        lines[0].encode() + b"\n"
    seeds["list-page"] = json.dumps({"invocationJobSummaries": [_body()], "nextToken": "abc"}).encode() + b"\n"
    seeds["bom-crlf"] = b"\xef\xbb\xbf" + lines[1].encode() + b"\r\n\r\n" + lines[2].encode() + b"\r\n"
    seeds["bad-line"] = lines[3].encode() + b"\n[1, 2]\n{not json\n" + lines[4].encode() + b"\n"
    return seeds


def json_seeds() -> dict[str, bytes]:
    """Every document shape the JSON loader accepts."""
    rows, body = _rows(), _body()
    documents: dict[str, Any] = {
        "array-rows": rows,
        "array-api": [body, body],
        "row": rows[0],
        "get-body": body,
        "list": {"invocationJobSummaries": [body]},
        "list-next-token": {"invocationJobSummaries": [body], "nextToken": "eyJ0b2tlbiI6MX0="},
        "list-empty": {"invocationJobSummaries": []},
        "tabular": _tabular(rows),
        "tabular-running": _tabular(rows[:1], "running"),
        "mixed-array": [rows[1], 7, "x", None, body],
    }
    seeds = {name: json.dumps(doc, indent=2).encode() for name, doc in documents.items()}
    seeds["sample-ddsql-rows"] = (DATA / "sample-ddsql-rows.json").read_bytes()
    seeds["compact-bom"] = b"\xef\xbb\xbf" + json.dumps(rows[:2]).encode()
    return seeds


def _csv(rows: list[dict[str, Any]], tags: list[str], newline: str = "\n") -> bytes:
    out = io.StringIO()
    names = list(rows[0])
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(names)
    for row, tag_text in zip(rows, tags, strict=False):
        cells = []
        for name in names:
            value = row.get(name)
            if name == "tags":
                value = tag_text
            elif isinstance(value, dict | list):
                value = json.dumps(value)
            elif isinstance(value, str) and value.endswith("Z") and name.endswith("_time"):
                value = value[:-1].replace("T", " ")
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return out.getvalue().encode()


def csv_seeds() -> dict[str, bytes]:
    """The example export, and small exports with each tags spelling."""
    rows = _rows()
    seeds = {"examples-jobs": (EXAMPLES / "jobs.csv").read_bytes()}
    spellings = {
        "hstore-quoted": '"owner"=>"ml-platform", "cost-center"=>"cc-4410"',
        "hstore-unquoted": "owner=>ml, cost-center=>cc-1",
        "hstore-null": '"owner"=>NULL, "env"=>"a\\"b"',
        "key-value": "owner:ml-platform,cost-center:cc-4410",
        "pg-array": '{owner:ml,"cost-center:cc-1"}',
        "json-tags": '{"owner": "ml"}',
        "empty-tags": "",
    }
    for name, text in spellings.items():
        seeds[name] = _csv(rows[:1], [text])
    seeds["crlf-bom"] = b"\xef\xbb\xbf" + _csv(rows, [""] * 3, "\r\n")
    seeds["multiline-cell"] = _csv(rows[:2], ['"owner"=>"a\nb"', "x:y"])
    seeds["short-row"] = b"job_arn,status\narn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc\n"
    return seeds


SEEDS = {"jsonl": jsonl_seeds, "json": json_seeds, "csv": csv_seeds}


def write(out: Path) -> dict[str, Path]:
    """Write every loader's seeds under ``out``; ``auto`` gets all of them. Returns loader -> folder."""
    folders = {}
    every: dict[str, bytes] = {}
    for loader, make in SEEDS.items():
        seeds = make()
        every.update({f"{loader}-{name}": data for name, data in seeds.items()})
        folders[loader] = _write_folder(out / loader, seeds)
    folders["auto"] = _write_folder(out / "auto", every)
    return folders


def _write_folder(folder: Path, seeds: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (folder / f"seed-{name}").write_bytes(data)
    return folder


if __name__ == "__main__":
    for loader, folder in write(Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz/seeds")).items():
        print(f"{loader}: {len(list(folder.iterdir()))} seeds in {folder}")
