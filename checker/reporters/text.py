"""The human report (``-f text``, the default), for a terminal or a CI log.

Grouped by rule (``--group-by rule``, the default): what gates comes first, in sections --

1. ``FAIL`` findings that fail the gate (at or above ``--fail-on``, not in the baseline), by rule, most
   severe first, each rule with its count;
2. ``ERROR`` what could not be checked (every one gates: exit 3 or 4); a column absent from an input is
   one line per rule and input with the number of jobs affected (:mod:`checker.reporters.gaps`);
3. ``NOTE`` findings that do not gate: below the threshold, or existing in the baseline;
4. ``SKIP`` waived findings --

then the totals and the verdict, which says how many findings gate and at which threshold ("gate
failed: 3 findings gate at --fail-on low; 2 more below the threshold (exit 1)"). ``--group-by job``
prints each job's lines as it is checked (input order), with the same labels. ``--quiet`` shows only
what gates (sections 1 and 2) and the verdict.

Grouping needs every finding before the first is shown: they are spooled (one temporary file per
section and rule, in memory up to 64 KiB each), so memory stays flat. On a terminal the output is
rendered with rich (colour, unless ``NO_COLOR`` is set; a boxed table); anywhere else as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any, TextIO

import orjson

from checker.model import ErrorKind, JobRef, Problem, Provenance, Result, Severity, Status
from checker.reporters.base import ReportContext, printable, problem_text, problem_where
from checker.reporters.gaps import GapTally
from checker.reporters.output import drain, text_spool
from checker.summary import Summary

GATE, ERRORS, NOTES, WAIVED = range(4)
"""Sections of the grouped report, in the order they are shown."""

_LABEL = {GATE: "FAIL", ERRORS: "ERROR", NOTES: "NOTE", WAIVED: "SKIP"}
_STYLE = {"FAIL": "bold red", "ERROR": "bold magenta", "NOTE": "cyan", "SKIP": "yellow"}
_SPOOL_BYTES = 64 * 1024


class TextReporter:
    """Findings grouped by rule (or listed by job), then totals and the verdict. PASS results are counted,
    not listed; waived ones are listed (not with ``--quiet``)."""

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.context = context
        self.out: _RichOut | _PlainOut = _RichOut(stream) if _isatty(stream) else _PlainOut(stream)
        self.by_job = context.group_by == "job"
        self.quiet = context.quiet
        self.gaps = GapTally()
        self.counts = [0, 0, 0, 0]  # findings per section (ERRORS: rule errors and problems, not gaps)
        self.existing = 0  # NOTES that are in the baseline (the rest are below the threshold)
        self.order = {c.rule.id: i for i, c in enumerate(context.rules)}
        self._spools: dict[tuple[int, int, int, str], tuple[IO[str], list[int], str]] = {}
        self._pending = ""  # a spooled line cut by drain's chunking (see _replay)

    def start(self) -> None:
        """Nothing before the first finding."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Sort this job's FAIL, ERROR and waived results into sections (``--group-by job``: print them)."""
        for result in results:
            status = result.status
            if status is Status.PASS or (status is Status.SKIP and not result.waiver):
                continue
            if status is Status.ERROR and self.gaps.add(job, provenance, result):
                continue
            section = self._section(result)
            if section == NOTES and result.baseline == "existing":
                self.existing += 1
            marker = "" if status is not Status.FAIL else {
                "new": "  (new)", "existing": "  (existing, in baseline)"}.get(result.baseline or "", "")
            what = f"{result.rule.id} {result.rule.name}"
            where = f"{job.label}  {provenance.at(result.pointer)}{marker}"
            self._entry(section, result.rule, result.severity, what, where, result.message)

    def _section(self, result: Result) -> int:
        if result.status is Status.ERROR:
            return ERRORS
        if result.status is Status.SKIP:
            return WAIVED
        if result.baseline == "existing" or result.severity < self.context.fail_on:
            return NOTES
        return GATE

    def _entry(self, section: int, rule: Any, severity: Severity | None, what: str, where: str,
               message: str) -> None:
        self.counts[section] += 1
        label = _LABEL[section]
        shown = severity.label if severity is not None else ""
        if self.quiet and section in (NOTES, WAIVED):
            return
        if self.by_job:
            self.out.line(label, what, shown, where, message)
            return
        key = (section, -int(severity) if severity is not None and section == GATE else 0,
               self.order.get(rule.id, len(self.order)) if rule is not None else 1 << 30,
               rule.id if rule is not None else "")
        slot = self._spools.get(key)
        if slot is None:
            header = f"{rule.id} {rule.name} [{shown}]" if rule is not None else "input, source and plugin errors"
            slot = self._spools[key] = (text_spool(_SPOOL_BYTES), [0], header)
        slot[0].write(orjson.dumps([label, what, shown, where, message]).decode() + "\n")
        slot[1][0] += 1

    def problem(self, problem: Problem) -> None:
        """A record or source that could not be checked (a section of its own, after the rules' errors)."""
        self._entry(ERRORS, None, None, f"{problem.kind.value} error", problem_where(problem),
                    problem_text(problem))

    def finish(self, summary: Summary) -> None:
        """The sections (grouped by rule), the totals, the warnings and the verdict."""
        out = self.out
        fail_on = self.context.fail_on.label
        if not self.by_job:
            titles = {GATE: f"findings that gate at --fail-on {fail_on}",
                      ERRORS: "could not check (every one gates)",
                      NOTES: f"findings that do not gate (below --fail-on {fail_on}, or in the baseline)",
                      WAIVED: "waived findings"}
            for section in (GATE, ERRORS, NOTES, WAIVED):
                count = self.counts[section] + (len(self.gaps) if section == ERRORS else 0)
                if count == 0 or (self.quiet and section in (NOTES, WAIVED)):
                    continue
                out.heading(_LABEL[section], f"{titles[section]}: {count}")
                if section == ERRORS:
                    self._print_gaps()
                for key in sorted(k for k in self._spools if k[0] == section):
                    spool, (entries,), header = self._spools.pop(key)
                    out.subheading(f"{header}: {entries}")
                    drain(spool, lambda chunk: self._replay(chunk))
        else:
            self._print_gaps()
        if not self.quiet:
            for warning in summary.warnings:
                out.note("yellow", "warning", warning)
            self._table(summary)
        style, label, text = verdict(summary, self.context.fail_on, gating=self.counts[GATE],
                                     below=self.counts[NOTES] - self.existing, existing=self.existing,
                                     soft_fail=self.context.soft_fail)
        out.note(style, label, text)

    def _print_gaps(self) -> None:
        for gap in self.gaps.groups():
            result = gap.result
            self.out.line("ERROR", f"{result.rule.id} {result.rule.name}", result.severity.label, gap.where,
                          result.message)

    def _replay(self, chunk: str) -> None:
        """Print the spooled entries in ``chunk`` (whole lines; a partial last line waits for the next)."""
        lines = (self._pending + chunk).split("\n")
        self._pending = lines.pop()
        for line in lines:
            label, what, severity, where, message = orjson.loads(line)
            self.out.line(label, what, severity, where, message)

    def _table(self, summary: Summary) -> None:
        out = self.out
        rows: list[tuple[str, Any]] = [("records read", summary.records), ("jobs evaluated", summary.jobs)]
        rows += [(f"results {s.value}", summary.results[s]) for s in Status]
        rows += [(f"FAIL {s.label}", summary.failures[s]) for s in sorted(Severity, reverse=True)
                 if summary.failures[s]]
        rows += [(f"{k.value} errors", summary.problems[k]) for k in ErrorKind if summary.problems[k]]
        if summary.waived:
            rows.append(("waived (SKIP)", summary.waived))
        outcome = summary.baseline
        if outcome is not None:
            rows += [("FAIL new (not in baseline)", outcome.new), ("FAIL existing (in baseline)", outcome.existing),
                     ("baseline entries fixed", len(outcome.fixed))]
        if summary.duplicates:
            rows.append(("duplicate records (checked once)", summary.duplicates))
        if summary.differing:
            rows.append(("records differing from another of the job (all checked)", summary.differing))
        out.table("bedrock-audit summary", [(what, str(count)) for what, count in rows])
        if outcome is not None:
            from checker.baseline import entry_label

            for entry in outcome.fixed:
                out.note("", "fixed since the baseline", entry_label(entry))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def verdict(summary: Summary, fail_on: Severity, gating: int, below: int, existing: int = 0,
            soft_fail: bool = False) -> tuple[str, str, str]:
    """The last line of the text report as ``(style, label, text)``: whether the gate passed, how many
    findings gate at which threshold, how many more do not, and the exit code, e.g. ``("red", "gate
    failed", "3 findings gate at --fail-on low; 2 more below the threshold (exit 1)")``. ``gating``: FAILs
    at or above ``fail_on`` not in the baseline; ``below``: FAILs below it; ``existing``: FAILs in the
    baseline."""
    code = summary.exit_code
    if gating:
        findings = f"{_plural(gating, 'finding')} gate{'s' if gating == 1 else ''} at --fail-on {fail_on.label}"
    else:
        findings = f"no finding gates at --fail-on {fail_on.label}"
    if below:
        findings += f"; {below} {'more ' if gating else ''}below the threshold"
    if existing:
        findings += f"; {existing} in the baseline (not gating)"
    partial = summary.partial_note  # --allow-partial: say what was not checked next to the verdict
    if code == 0 and partial:
        return "yellow", "gate passed on a partial scan", f"{findings}; {partial} (exit 0)"
    if code == 0:
        passed = "gate passed (--soft-fail)" if gating and soft_fail else "gate passed"
        return ("yellow" if gating else "green"), passed, f"{findings} (exit 0)"
    if code == 1:
        return "red", "gate failed", findings + (f"; partial scan: {partial}" if partial else "") + " (exit 1)"
    errors = summary.input_errors + summary.plugin_errors
    return ("magenta", "gate failed", f"not everything could be checked: {_plural(errors, 'error')}; "
            f"{findings} (exit {code})")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _PlainOut:
    """Plain text, no escape sequences of ours; control characters in data shown as escapes."""

    def __init__(self, stream: TextIO) -> None:
        self.write = stream.write

    def line(self, label: str, what: str, severity: str, where: str, message: str) -> None:
        head = f"{label:<5} {printable(what, one_line=True)}" + (f" [{severity}]" if severity else "")
        tail = f"  {printable(where, one_line=True)}" if where else ""
        self.write(f"{head}{tail}\n      " + printable(message).replace("\n", "\n      ") + "\n")

    def heading(self, label: str, text: str) -> None:
        self.write(f"== {label}: {text}\n")

    def subheading(self, text: str) -> None:
        self.write(f"-- {printable(text)}\n")

    def note(self, style: str, label: str, text: str) -> None:
        self.write(f"{label}: {printable(text)}\n")

    def table(self, title: str, rows: list[tuple[str, str]]) -> None:
        width = max(len(what) for what, _ in rows)
        digits = max(len(count) for _, count in rows)
        self.write(title + "\n" + "".join(f"  {what:<{width}}  {count:>{digits}}\n" for what, count in rows))


class _RichOut:
    """rich on a terminal: colour (unless NO_COLOR) and a boxed summary table."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console

        self.console = Console(file=stream, highlight=False, soft_wrap=True, emoji=False)

    def line(self, label: str, what: str, severity: str, where: str, message: str) -> None:
        from rich.text import Text

        line = Text()
        line.append(f"{label:<5} ", style=_STYLE[label])
        line.append(printable(what, one_line=True), style="dim" if label == "NOTE" else "")
        if severity:
            line.append(f" [{severity}]", style="dim" if label == "NOTE" else "")
        if where:
            line.append(f"  {printable(where, one_line=True)}", style="dim")
        line.append("\n      " + printable(message).replace("\n", "\n      "), style="dim" if label == "NOTE" else "")
        self.console.print(line)

    def heading(self, label: str, text: str) -> None:
        from rich.rule import Rule
        from rich.text import Text

        self.console.print(Rule(Text.assemble((label, _STYLE[label]), " ", text), align="left"))

    def subheading(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(printable(text), style="bold"))

    def note(self, style: str, label: str, text: str) -> None:
        from rich.text import Text

        self.console.print(Text.assemble((label, style), ": ", printable(text)))

    def table(self, title: str, rows: list[tuple[str, str]]) -> None:
        from rich.table import Table

        table = Table(title=title, show_header=True, title_justify="left")
        table.add_column("what")
        table.add_column("count", justify="right")
        for what, count in rows:
            table.add_row(what, count)
        self.console.print(table)
