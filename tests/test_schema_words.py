"""Schema errors in plain words (issue #15, item 7): a value failing a pattern of the table schema is
reported as what was expected ("is not a job ARN (...)"), not as the anchored regular expression, which
stays available to programs in the JSON report's ``pattern``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import compliant_row, write_jsonl

from checker.schema import table_validator
from checker.schema.files import TABLE_SCHEMA, load_schema
from checker.schema.violations import PATTERN_DESCRIPTION


def _patterns(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """``(path to the value in a row, schema node)`` for every ``pattern`` of the table schema."""
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield path, node
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    yield from _patterns(sub, (*path, name))
            elif key == "items":
                yield from _patterns(value, (*path, "0"))
            elif key in ("anyOf", "oneOf", "allOf"):
                for sub in value:
                    yield from _patterns(sub, path)


PATTERNS = list(_patterns(load_schema(TABLE_SCHEMA)))


def test_every_pattern_of_the_table_schema_is_described() -> None:
    assert len(PATTERNS) == 13  # a new pattern needs its description too
    for path, node in PATTERNS:
        described = node.get(PATTERN_DESCRIPTION)
        assert isinstance(described, str) and described[:2] in ("a ", "an"), "/".join(path)
        assert "^" not in described and "[" not in described, "/".join(path)  # words, not a regex


def _with_value(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    row = compliant_row()
    node: Any = row
    for key in path[:-1]:
        node = node[int(key)] if key == "0" else node.setdefault(key, {})
    if path[-1] == "0":
        node[0] = value
    else:
        node[path[-1]] = value
    return row


@pytest.mark.parametrize(("path", "node"), PATTERNS, ids=["/".join(p) for p, _ in PATTERNS])
def test_a_value_failing_a_pattern_is_told_in_words(path: tuple[str, ...], node: dict[str, Any]) -> None:
    errors = table_validator().errors(_with_value(path, "no such thing!"))
    [error] = [e for e in errors if e.pointer == "/" + "/".join(path)]
    assert error.message == f"'no such thing!' is not {node[PATTERN_DESCRIPTION]}"
    assert error.pattern == node["pattern"] and node["pattern"] not in error.message


def test_the_scan_says_it_in_words_and_the_json_report_keeps_the_pattern(cli, tmp_path: Path) -> None:
    row = compliant_row()
    row["job_arn"] = row["job_arn"].replace("x7k2m9q4p1ab", "X7K2")
    write_jsonl(tmp_path / "jobs.jsonl", [row])
    text = cli("scan", "jobs.jsonl", "--now", "2025-07-01")
    assert text.returncode == 3
    assert "the job ID 12 lowercase letters or digits" in text.stdout and "(?:" not in text.stdout
    report = json.loads(cli("scan", "jobs.jsonl", "--now", "2025-07-01", "-f", "json").stdout)
    [error] = report["errors"]
    assert error["pointer"] == "/job_arn" and "is not a job ARN" in error["message"]
    assert error["pattern"] == load_schema(TABLE_SCHEMA)["properties"]["job_arn"]["pattern"]
