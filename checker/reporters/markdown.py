"""The Markdown report (``-f markdown``) for ``$GITHUB_STEP_SUMMARY`` and merge-request notes.

Layout: the gate verdict and exit code; totals by status and by severity (and which severities gate);
one table per rule that has findings, waived results or errors, listing the failing jobs with the rule's
failing, gating, waived and unknown (ERROR) counts -- rules at or above ``fail-on`` first, then those
below it (reported, never gating), each row saying in a "gates" column whether that finding fails the
gate ("**yes**", "no (in the baseline)", "no (below fail-on)"); the waivers in effect (owner, expiry,
reason); the baseline comparison; errors; warnings (unused waivers, schema drift).

It stays small enough for GitHub's step summary (1 MiB per step, docs.github.com "Workflow commands",
``GITHUB_STEP_SUMMARY``): at most :data:`MAX_ROWS` rows per table, cells cut at :data:`MAX_CELL`
characters, and the document stops at :data:`MAX_BYTES` with a note -- each cut says how much was left
out and points at the full JSON/SARIF/JUnit reports. Rows are kept in input order (the first ones win), so
memory stays bounded however many jobs there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from checker.exitcodes import gates
from checker.model import JobRef, Problem, Provenance, Result, Severity, Status
from checker.reporters.base import ReportContext, printable, problem_text, problem_where
from checker.reporters.gaps import GapTally
from checker.summary import Summary
from checker.text import clip
from checker.timeutil import format_rfc3339

MAX_ROWS = 20
"""Rows per table (per rule, waivers, errors, fixed baseline entries)."""
MAX_CELL = 240
"""Characters per table cell."""
MAX_BYTES = 900_000
"""Stop before GitHub's 1 MiB step-summary limit."""


def _one_line(text: object) -> str:
    """``text`` on one line (whitespace runs become one space), control characters shown as escapes, cut
    at :data:`MAX_CELL` characters."""
    return clip(" ".join(printable(str(text)).split()), MAX_CELL)


def cell(text: object) -> str:
    """``text`` made safe for a GFM table cell: one line, no HTML, pipes and emphasis escaped, control
    characters shown as escapes, cut at :data:`MAX_CELL` characters."""
    value = _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|":
        value = value.replace(char, "\\" + char)
    return value


def code(text: object) -> str:
    """``text`` as an inline code span usable in a table cell (pipes escaped, control characters shown
    as escapes, cut)."""
    value = _one_line(text).replace("|", "\\|")
    return f"`` {value} ``" if "`" in value else f"`{value}`"


@dataclass
class _RuleFindings:
    """Per rule: counts and the first :data:`MAX_ROWS` failing jobs."""

    failing: int = 0
    gating: int = 0
    waived: int = 0
    unknown: int = 0
    rows: list[tuple[JobRef, str, Result]] = field(default_factory=list)


class MarkdownReporter:
    """Writes one Markdown document to ``stream`` at the end of the scan."""

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self._rules: dict[str, _RuleFindings] = {}
        self._waived: list[tuple[JobRef, Result]] = []
        self._waived_count = 0
        self._errors: list[tuple[str, str, str]] = []
        self._error_count = 0
        self._baseline_used = False
        self._gaps = GapTally()

    def start(self) -> None:
        """Nothing before the end: the verdict comes first."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Count the job's results and keep the first rows of each table."""
        for result in results:
            findings = self._rules.get(result.rule.id)
            if result.status is Status.FAIL:
                findings = findings or self._rules.setdefault(result.rule.id, _RuleFindings())
                findings.failing += 1
                findings.gating += gates(result, self.context.fail_on)
                if len(findings.rows) < MAX_ROWS:
                    findings.rows.append((job, str(provenance.at(result.pointer)), result))
                self._baseline_used = self._baseline_used or result.baseline is not None
            elif result.status is Status.SKIP and result.waiver:
                findings = findings or self._rules.setdefault(result.rule.id, _RuleFindings())
                findings.waived += 1
                self._waived_count += 1
                if len(self._waived) < MAX_ROWS:
                    self._waived.append((job, result))
            elif result.status is Status.ERROR:
                findings = findings or self._rules.setdefault(result.rule.id, _RuleFindings())
                findings.unknown += 1
                if self._gaps.add(job, provenance, result):  # one row per rule and input, with a job count
                    continue
                kind = result.error_kind.value if result.error_kind else "rule"
                self._error(f"{kind} ({result.rule.id})", f"{job.label} ({provenance.at(result.pointer)})",
                            result.message)

    def problem(self, problem: Problem) -> None:
        """Keep the first rows of the errors table."""
        self._error(problem.kind.value, problem_where(problem), problem_text(problem))

    def _error(self, kind: str, where: str, message: str) -> None:
        self._error_count += 1
        if len(self._errors) < MAX_ROWS:
            self._errors.append((kind, where, message))

    def finish(self, summary: Summary) -> None:
        """Write the document, stopping at :data:`MAX_BYTES`."""
        for gap in self._gaps.groups():
            self._error(f"input ({gap.result.rule.id})", gap.where, gap.result.message)
        written = 0
        for block in self._blocks(summary):
            if written + len(block.encode()) > MAX_BYTES:
                self.stream.write(f"\n_Summary cut at {MAX_BYTES // 1000} kB (GitHub's step summary limit is "
                                  "1 MiB): see the JSON, SARIF or JUnit report for everything._\n")
                return
            self.stream.write(block)
            written += len(block.encode())

    def _blocks(self, summary: Summary) -> Any:
        context = self.context
        verdict = {0: "✅ bedrock-audit: gate passed", 1: "❌ bedrock-audit: gate failed"}.get(
            summary.exit_code, "⚠️ bedrock-audit: not everything could be checked")
        soft = " (soft fail)" if context.soft_fail and summary.gate_failures else ""
        if summary.partial_note:  # --allow-partial: a partial scan never gets a plain green tick
            verdict = ("⚠️ bedrock-audit: gate passed on a partial scan" if summary.exit_code == 0
                       else f"{verdict}; partial scan") + f": {summary.partial_note}"
        yield f"## {verdict}{soft} (exit {summary.exit_code})\n\n"
        policy = f" · policy {code(context.policy_path)}" if context.policy_path else ""
        yield (f"**{summary.jobs}** jobs evaluated from **{summary.records}** records · fails on "
               f"**{context.fail_on.label}** and above{policy} · {format_rfc3339(context.now)}"
               "\n\n")
        plain_skips = summary.results[Status.SKIP] - summary.waived
        yield "| status | results |\n|---|---:|\n"
        yield f"| FAIL | {summary.results[Status.FAIL]} |\n"
        yield f"| ERROR (could not check) | {summary.results[Status.ERROR]} |\n"
        yield f"| SKIP (waived) | {summary.waived} |\n"
        yield f"| SKIP (not applicable) | {plain_skips} |\n"
        yield f"| PASS | {summary.results[Status.PASS]} |\n\n"
        yield "| severity | FAIL | fails the gate |\n|---|---:|---|\n"
        for severity in sorted(Severity, reverse=True):
            gates = "yes" if severity >= context.fail_on else "no"
            yield f"| {severity.label} | {summary.failures[severity]} | {gates} |\n"
        problems = sum(summary.problems.values())
        if problems:
            kinds = ", ".join(f"{n} {k.value}" for k, n in summary.problems.items() if n)
            yield f"\n**{problems}** records, sources or plugins could not be checked ({kinds}).\n"
        yield "\n"
        yield from self._rule_tables()
        yield from self._waiver_table()
        yield from self._baseline(summary)
        yield from self._error_table()
        if summary.warnings:
            yield "### Warnings\n\n"
            for warning in summary.warnings[:MAX_ROWS]:
                yield f"- {cell(warning)}\n"
            if len(summary.warnings) > MAX_ROWS:
                yield f"- … and {len(summary.warnings) - MAX_ROWS} more\n"
            yield "\n"

    def _rule_tables(self) -> Any:
        if not self._rules:
            return
        configured = {c.rule.id: c for c in self.context.rules}
        fail_on = self.context.fail_on
        ordered = sorted(self._rules, key=lambda r: (-int(configured[r].severity), r))
        above = [r for r in ordered if configured[r].severity >= fail_on]
        below = [r for r in ordered if configured[r].severity < fail_on]
        if above:
            yield (f"### Findings at or above fail-on {fail_on.label} (they fail the gate unless waived or in the "
                   "baseline)\n\n")
            yield from self._rule_blocks(above, configured)
        if below:
            yield f"### Findings below fail-on {fail_on.label} (reported, they never fail the gate)\n\n"
            yield from self._rule_blocks(below, configured)

    def _rule_blocks(self, rule_ids: list[str], configured: dict[str, Any]) -> Any:
        for rule_id in rule_ids:
            findings = self._rules[rule_id]
            entry = configured[rule_id]
            rule = entry.rule
            yield (f"#### {rule.id} `{rule.name}` ({entry.severity.label}): {findings.failing} failing "
                   f"({findings.gating} gating), {findings.waived} waived, {findings.unknown} unknown\n\n")
            yield f"{cell(rule.title)}. [Rule documentation]({rule.help_url})\n\n"
            if not findings.rows:
                continue
            baseline = self._baseline_used
            yield ("| job | account | region | source | finding | gates |" + (" baseline |" if baseline else "")
                   + "\n|---|---|---|---|---|---|" + ("---|" if baseline else "") + "\n")
            fail_on = self.context.fail_on
            for job, source, result in findings.rows:
                verdict = "**yes**" if gates(result, fail_on) else (
                    "no (in the baseline)" if result.baseline == "existing" else "no (below fail-on)")
                row = (f"| {code(job.label)} | {cell(job.account_id or '')} | {cell(job.region or '')} | "
                       f"{code(source)} | {cell(result.message)} | {verdict} |")
                if baseline:
                    row += f" {result.baseline or ''} |"
                yield row + "\n"
            if findings.failing > len(findings.rows):
                yield f"\n… and {findings.failing - len(findings.rows)} more failing jobs (see the full report).\n"
            yield "\n"

    def _waiver_table(self) -> Any:
        if not self._waived:
            return
        yield f"### Waived ({self._waived_count})\n\n| rule | job | owner | expires | reason |\n|---|---|---|---|---|\n"
        for job, result in self._waived:
            waiver = result.waiver or {}
            yield (f"| {result.rule.id} | {code(job.label)} | {cell(waiver.get('owner', ''))} | "
                   f"{cell(waiver.get('expires', ''))} | {cell(waiver.get('reason', ''))} |\n")
        if self._waived_count > len(self._waived):
            yield f"\n… and {self._waived_count - len(self._waived)} more.\n"
        yield "\n"

    def _baseline(self, summary: Summary) -> Any:
        outcome = summary.baseline
        if outcome is None:
            return
        yield (f"### Baseline\n\nCompared with {code(outcome.path)} ({outcome.entries} entries): "
               f"**{outcome.new}** new failures (these gate), {outcome.existing} existing (reported, not "
               f"gating), {len(outcome.fixed)} fixed, {outcome.unchecked} not checked in this scan.\n\n")
        if outcome.fixed:
            yield "Fixed since the baseline (regenerate it to drop them):\n\n| rule | job |\n|---|---|\n"
            for entry in outcome.fixed[:MAX_ROWS]:
                yield f"| {cell(entry['rule_id'])} | {code(entry.get('job_name') or entry['job_arn'])} |\n"
            if len(outcome.fixed) > MAX_ROWS:
                yield f"\n… and {len(outcome.fixed) - MAX_ROWS} more.\n"
            yield "\n"

    def _error_table(self) -> Any:
        if not self._errors:
            return
        yield f"### Errors ({self._error_count})\n\n| kind | where | message |\n|---|---|---|\n"
        for kind, where, message in self._errors:
            yield f"| {cell(kind)} | {code(where) if where else ''} | {cell(message)} |\n"
        if self._error_count > len(self._errors):
            yield f"\n… and {self._error_count - len(self._errors)} more.\n"
        yield "\n"

