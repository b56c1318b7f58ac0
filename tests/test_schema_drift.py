"""Schema drift: columns the table schema does not know are kept, warned about once each, and an input
where every row brings a column of its own does not turn into a warning per row."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cli, compliant_row, write_jsonl

from checker.scan import MAX_DRIFT_WARNINGS


def test_a_column_on_every_record_is_one_warning(cli: Cli, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "jobs.jsonl",
                [compliant_row(f"{i:012d}", estimated_cost_usd=1.5) for i in range(300)])
    result = cli("scan", "jobs.jsonl", "-f", "json", "--now", "2025-07-01T00:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("schema drift") == 1
    assert "'estimated_cost_usd' (first seen at jobs.jsonl:1)" in result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == 300 and len(report["warnings"]) == 1


def test_a_column_of_its_own_on_every_record_is_not_a_warning_per_record(cli: Cli, tmp_path: Path) -> None:
    rows = [compliant_row(f"{i:012d}", **{f"label_{i}": "x"}) for i in range(MAX_DRIFT_WARNINGS + 250)]
    write_jsonl(tmp_path / "jobs.jsonl", rows)
    result = cli("scan", "jobs.jsonl", "-f", "json", "-o", "junit=r.xml", "--now", "2025-07-01T00:00:00Z")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == len(rows)
    named = [w for w in report["warnings"] if "schema drift: column" in w]
    assert len(named) == MAX_DRIFT_WARNINGS and "'label_0'" in named[0]
    assert report["warnings"][-1] == (f"schema drift: 250 more records (the first at jobs.jsonl:"
                                      f"{MAX_DRIFT_WARNINGS + 1}) have columns not in the schema beyond the "
                                      f"{MAX_DRIFT_WARNINGS} named above; kept, not checked")
    assert len(report["warnings"]) == MAX_DRIFT_WARNINGS + 1
    assert result.stderr.count("schema drift") == MAX_DRIFT_WARNINGS + 1
    assert (tmp_path / "r.xml").read_text().count('classname="bedrock-audit.warning"') == MAX_DRIFT_WARNINGS + 1
