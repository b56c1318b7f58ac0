"""The human report (``-f text``, the default): one line per finding or error as it is found, then a
summary table. rich (colour, unless ``NO_COLOR`` is set) on a terminal; plain text elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from checker.model import ErrorKind, JobRef, Problem, Provenance, Result, Severity, Status
from checker.reporters.base import ReportContext, printable, problem_text, problem_where
from checker.summary import Summary

_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta", Status.SKIP: "yellow", Status.PASS: "green"}


class TextReporter:
    """Findings as lines, then totals. PASS results are counted, not listed; waived ones are listed.

    On a terminal the output is rendered with rich (colour, a boxed table); anywhere else (a CI log, a
    file, a pipe) as plain text, which is what rich would print there minus the boxes -- and keeps a
    non-interactive scan from paying rich's import and per-line rendering.
    """

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.context = context
        self.out: _RichOut | _PlainOut = _RichOut(stream) if _isatty(stream) else _PlainOut(stream)

    def start(self) -> None:
        """Nothing before the first finding."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """One line per FAIL, ERROR and waived SKIP of this job."""
        for result in results:
            if result.status is Status.PASS or (result.status is Status.SKIP and not result.waiver):
                continue
            marker = "" if result.status is not Status.FAIL else {
                "new": "  (new)", "existing": "  (existing, in baseline)"}.get(result.baseline or "", "")
            self.out.line(result.status, f"{result.rule.id} {result.rule.name}", result.severity.label,
                          f"{job.label}  {provenance.at(result.pointer)}{marker}", result.message)

    def problem(self, problem: Problem) -> None:
        """One line per problem."""
        self.out.line(Status.ERROR, f"{problem.kind.value} error", "", problem_where(problem), problem_text(problem))

    def finish(self, summary: Summary) -> None:
        """Totals by status and severity, problems, warnings and the gate verdict."""
        out = self.out
        for warning in summary.warnings:
            out.note("yellow", "warning", warning)
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
        out.table("bedrock-audit summary", [(what, str(count)) for what, count in rows])
        if outcome is not None:
            from checker.baseline import entry_label

            for entry in outcome.fixed:
                out.note("", "fixed since the baseline", entry_label(entry))
        partial = summary.partial_note  # --allow-partial: say what was not checked next to the verdict
        if summary.exit_code == 0 and partial:
            out.note("yellow", "gate passed on a partial scan", f"{partial} (exit 0)")
        elif summary.exit_code == 0:
            out.note("green", "gate passed", f"exit {summary.exit_code}")
        elif summary.exit_code == 1:
            out.note("red", "gate failed", f"findings at or above {self.context.fail_on.label}"
                     + (f"; partial scan: {partial}" if partial else "") + " (exit 1)")
        else:
            out.note("magenta", "gate failed", f"not everything could be checked (exit {summary.exit_code})")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _PlainOut:
    """Plain text, no escape sequences of ours; control characters in data shown as escapes."""

    def __init__(self, stream: TextIO) -> None:
        self.write = stream.write

    def line(self, status: Status, what: str, severity: str, where: str, message: str) -> None:
        head = f"{status.value:<5} {printable(what, one_line=True)}" + (f" [{severity}]" if severity else "")
        tail = f"  {printable(where, one_line=True)}" if where else ""
        self.write(f"{head}{tail}\n      " + printable(message).replace("\n", "\n      ") + "\n")

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

    def line(self, status: Status, what: str, severity: str, where: str, message: str) -> None:
        from rich.text import Text

        line = Text()
        line.append(f"{status.value:<5} ", style=_STYLE[status])
        line.append(printable(what, one_line=True))
        if severity:
            line.append(f" [{severity}]")
        if where:
            line.append(f"  {printable(where, one_line=True)}", style="dim")
        line.append("\n      " + printable(message).replace("\n", "\n      "))
        self.console.print(line)

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
