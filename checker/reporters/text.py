"""The human report (``-f text``, the default): one line per finding or error as it is found, then a
summary table. Colour only on a terminal and never when ``NO_COLOR`` is set (rich decides both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from checker.model import ErrorKind, JobRef, Problem, Provenance, Result, Severity, Status
from checker.reporters.base import ReportContext, Summary, printable

_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta", Status.SKIP: "yellow", Status.PASS: "green"}


class TextReporter:
    """Findings as lines, then totals. PASS results are counted, not listed; waived ones are listed."""

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        from rich.console import Console

        self.context = context
        self.console = Console(file=stream, highlight=False, soft_wrap=True, emoji=False)

    def start(self) -> None:
        """Nothing before the first finding."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """One line per FAIL, ERROR and waived SKIP of this job."""
        for result in results:
            if result.status is Status.PASS or (result.status is Status.SKIP and not result.waiver):
                continue
            marker = "" if result.status is not Status.FAIL else {
                "new": "  (new)", "existing": "  (existing, in baseline)"}.get(result.baseline or "", "")
            self._line(result.status, f"{result.rule.id} {result.rule.name}", result.severity.label,
                       f"{job.label}  {provenance}{marker}", result.message)

    def problem(self, problem: Problem) -> None:
        """One line per problem."""
        where = str(problem.provenance) if problem.provenance else (problem.plugin or "")
        message = problem.message if not problem.pointer else f"{problem.message} (field {problem.pointer})"
        self._line(Status.ERROR, f"{problem.kind.value} error", "", where, message)

    def _line(self, status: Status, what: str, severity: str, where: str, message: str) -> None:
        from rich.text import Text

        line = Text()
        line.append(f"{status.value:<5} ", style=_STYLE[status])
        line.append(printable(what))
        if severity:
            line.append(f" [{severity}]")
        if where:
            line.append(f"  {printable(where)}", style="dim")
        line.append("\n      " + printable(message).replace("\n", "\n      "))
        self.console.print(line)

    def finish(self, summary: Summary) -> None:
        """Totals by status and severity, problems, warnings and the gate verdict."""
        from rich.table import Table

        console = self.console
        for warning in summary.warnings:
            console.print(f"[yellow]warning[/]: {_escape(printable(warning))}")
        table = Table(title="bedrock-audit summary", show_header=True, title_justify="left")
        table.add_column("what")
        table.add_column("count", justify="right")
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
        for what, count in rows:
            table.add_row(what, str(count))
        console.print(table)
        if outcome is not None:
            from checker.baseline import entry_label

            for entry in outcome.fixed:
                console.print(f"fixed since the baseline: {_escape(printable(entry_label(entry)))}")
        verdict = {0: "[green]gate passed[/]", 1: "[red]gate failed[/]: findings at or above "
                   f"{self.context.fail_on.label}"}.get(summary.exit_code, "[magenta]gate failed[/]: not "
                                                                        "everything could be checked")
        if summary.partial_note:  # --allow-partial: say what was not checked next to the verdict
            verdict = (f"[yellow]gate passed on a partial scan[/]: {summary.partial_note}" if summary.exit_code == 0
                       else f"{verdict}; partial scan: {summary.partial_note}")
        console.print(f"{verdict} (exit {summary.exit_code})")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
