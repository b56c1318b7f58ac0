"""The Markdown report, rendered by a CommonMark parser with GFM tables (markdown-it-py, the parser rich
uses): tables keep their shape whatever the data holds, no HTML gets through, and the report stays under
GitHub's 1 MiB step-summary limit."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Cli, compliant_row
from gate_scenario import SCAN_ARGS, write_scenario
from markdown_it import MarkdownIt

from checker.engine import ConfiguredRule
from checker.model import JobRef, Provenance, Result, Severity, Status
from checker.plugins import load_plugins
from checker.reporters import markdown
from checker.reporters.base import ReportContext
from checker.summary import Summary


class Tables(HTMLParser):
    """Collects the rendered tables as lists of rows of cell texts, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: set[str] = set()
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        self.links += [value for name, value in attrs if name == "href"]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def render(text: str) -> Tables:
    parsed = Tables()
    parsed.feed(MarkdownIt("commonmark").enable("table").render(text))
    return parsed


def test_gate_scenario_renders_as_tables(cli: Cli, tmp_path: Path) -> None:
    write_scenario(tmp_path)
    result = cli(*SCAN_ARGS, "-f", "markdown")
    assert result.returncode == 1
    text = result.stdout
    assert text.startswith("## ❌ bedrock-audit: gate failed (exit 1)\n")
    parsed = render(text)
    status, severity, *rule_tables, waived, fixed = parsed.tables
    assert dict((row[0], row[1]) for row in status[1:]) == {
        "FAIL": "3", "ERROR (could not check)": "0", "SKIP (waived)": "1", "SKIP (not applicable)": "0", "PASS": "16"}
    assert [row[:3] for row in severity[1:]] == [["critical", "0", "yes"], ["high", "1", "yes"],
                                                ["medium", "2", "yes"], ["low", "0", "yes"], ["info", "0", "no"]]
    assert [t[1][0] for t in rule_tables] == ["partner-scoring", "nightly-summaries", "new-job"]
    assert [t[1][-1] for t in rule_tables] == ["existing", "new", "new"]
    assert [t[1][-2] for t in rule_tables] == ["no (in the baseline)", "yes", "yes"]
    assert waived[1] == ["BA001", "legacy-etl", "ml-platform", "2025-09-30", "legacy ETL moves into the VPC in SEC-123"]
    assert fixed[1] == ["BA001", "claims-ok"]
    assert "#### BA001 `vpc-config-required` (high): 0 failing (0 gating), 1 waived, 0 unknown" in text
    assert "### Findings at or above fail-on low (they fail the gate unless waived or in the baseline)" in text
    assert "below fail-on" not in text  # no rule below the gate has findings here
    warnings = MarkdownIt("commonmark").render(text.split("### Warnings")[1])
    assert "<li>unused waiver: waivers.toml: waivers[2] (rule BA004, job retired-*, owner finops)" in warnings


def test_hostile_data_cannot_break_tables_or_inject_html(cli: Cli, jsonl) -> None:
    nasty = "x|y <script>alert(1)</script> *bold* `tick` [link](http://evil) \x1b[31m"
    path = jsonl([compliant_row("dddddddddd01", vpc_config=None, tags={"owner": nasty, "cost-center": ""})])
    result = cli("scan", str(path), "-f", "markdown")
    parsed = render(result.stdout)
    assert "script" not in parsed.tags
    assert parsed.links and all(link.startswith("https://docs.aws.amazon.com/") for link in parsed.links)
    for table in parsed.tables:
        assert len({len(row) for row in table}) == 1, table  # every row has the header's cell count
    assert "\x1b" not in result.stdout
    bad = [row for table in parsed.tables for row in table if "tag cost-center is empty" in " ".join(row)]
    assert bad, parsed.tables


def configured_rules() -> list[ConfiguredRule]:
    """BA001-BA004, configured with their own severity."""
    registry = load_plugins(autoload=False)
    return [ConfiguredRule(registry.rules[i], {}, registry.rules[i].severity, None)
            for i in ("BA001", "BA002", "BA003", "BA004")]


def test_tables_are_capped_and_say_how_much_is_left_out() -> None:
    rules = configured_rules()
    out = io.StringIO()
    reporter = markdown.MarkdownReporter(out, ReportContext(version="0", now=datetime(2025, 7, 1, tzinfo=UTC),
                                                            fail_on=Severity.LOW, policy_path=None, rules=rules))
    reporter.start()
    for i in range(50):
        reporter.job(JobRef(f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{i:012d}", f"job-{i}"),
                     Provenance("jobs.jsonl", i + 1, i + 1),
                     [Result(rules[0].rule, Severity.HIGH, Status.FAIL, "m" * 1000, None)]
                     + [Result(c.rule, c.severity, Status.PASS, "", None) for c in rules[1:]])
    reporter.finish(Summary())
    text = out.getvalue()
    table = render(text).tables[2]
    assert len(table) == 1 + markdown.MAX_ROWS
    assert [row[0] for row in table[1:]] == [f"job-{i}" for i in range(markdown.MAX_ROWS)]  # input order
    assert "… and 30 more failing jobs" in text
    assert max(len(cell) for row in table for cell in row) <= markdown.MAX_CELL


def test_the_document_stops_before_githubs_step_summary_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "MAX_BYTES", 3000)
    rules = configured_rules()
    out = io.StringIO()
    reporter = markdown.MarkdownReporter(out, ReportContext(version="0", now=datetime(2025, 7, 1, tzinfo=UTC),
                                                            fail_on=Severity.LOW, policy_path=None, rules=rules))
    for i in range(30):
        reporter.job(JobRef(f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{i:012d}", f"job-{i}"),
                     Provenance("jobs.jsonl", i + 1, i + 1),
                     [Result(c.rule, c.severity, Status.FAIL, "finding " * 20, None) for c in rules])
    reporter.finish(Summary())
    text = out.getvalue()
    body, note = text.rsplit("\n_Summary cut", 1)
    assert len(body.encode()) <= 3000 and "GitHub's step summary limit is 1 MiB" in note
    assert re.match(r"## ", text)
