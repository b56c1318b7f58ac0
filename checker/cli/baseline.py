"""``bedrock-audit baseline create``: scan like ``scan`` and record every unwaived FAIL in a baseline file."""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checker.cli.app import load
from checker.cli.errors import error, guard, note, warn
from checker.cli.options import (
    AllowEmptyOption,
    ConfigOption,
    DisableOption,
    IgnoreOption,
    InputFormatOption,
    NowOption,
    PathsArgument,
    SelectOption,
    TracebackOption,
    WaiversOption,
    parse_now,
    scan_request,
)
from checker.cli.planned_options import (
    PlannedAccountOption,
    PlannedRegionOption,
    TfDirOption,
    VarFileOption,
    VarOption,
    planned_options,
    source_options,
)
from checker.errors import ExitCode
from checker.model import Status
from checker.reporters.base import printable, problem_text, problem_where

if TYPE_CHECKING:
    from checker.model import JobRef, Problem, Provenance, Result
    from checker.summary import Summary

SHOWN_REFUSALS = 20
"""Errors ``baseline create`` prints one by one before it only counts them."""

BASELINE_EPILOG = (
    "Exit codes: 0 baseline written (findings never fail this command); 2 usage or configuration error; "
    "3 input error (unreadable, unparsable or schema-invalid records, no records, data a rule needed was "
    "missing, an AWS account/region that could not be listed); 4 plugin or rule error. On 2-4 nothing is "
    "written."
)


def baseline_create(
    paths: PathsArgument = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", dir_okay=False,
        help="Where to write the baseline (JSON, written atomically). Required.", show_default=False)] = None,
    config: ConfigOption = None,
    waivers: WaiversOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    allow_empty: AllowEmptyOption = False,
    now: NowOption = None,
    input_format: InputFormatOption = None,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
    account: PlannedAccountOption = None,
    region: PlannedRegionOption = None,
    tf_dir: TfDirOption = None,
    var: VarOption = None,
    var_file: VarFileOption = None,
) -> None:
    """Scan like `scan` and record every unwaived FAIL (rule id + job ARN) in a baseline file.

    Nothing is written if anything could not be checked (exit 3 or 4): a baseline must describe a
    complete scan. Findings do not make this command fail (exit 0 once the file is written).

    Example:

    \b
      bedrock-audit baseline create exports/ -o bedrock-audit-baseline.json
      bedrock-audit scan exports/ --baseline bedrock-audit-baseline.json
      bedrock-audit baseline create plan.json --account 111122223333 -o bedrock-audit-baseline.json
    """
    def body() -> int:
        from checker.api import build_setup, plugin_failures_win, shown_locations
        from checker.baseline import BaselineWriter
        from checker.clobber import read_extensions, refuse_inputs_as_outputs, scan_inputs
        from checker.errors import ConfigError
        from checker.reporters.output import AtomicFile

        request = scan_request(paths, config=config, waivers=waivers, select=select, ignore=ignore,
                               allow_empty=allow_empty, input_format=input_format, disabled=disable_plugin,
                               source_options=source_options(planned_options(False, account, region, tf_dir,
                                                                             var, var_file)))
        if not request.locations:
            raise ConfigError("no input given: name files, folders, or - for stdin")
        if output is None:
            raise ConfigError("baseline create: name the baseline file with -o FILE, e.g. "
                              "-o bedrock-audit-baseline.json")
        request = replace(request, now=parse_now(now))
        registry = load(disable_plugin)
        refuse_inputs_as_outputs([(f"--output {output}", str(output))],
                                 scan_inputs(request.locations, config, request.waiver_files),
                                 read_extensions((e for s in registry.sources.values() for e in s.extensions),
                                                 input_format))
        with plugin_failures_win(registry):
            setup = build_setup(request, registry, warn)
            context = setup.context(shown_locations(request), warn=warn)  # aws:// external IDs redacted
        out = AtomicFile(str(output))
        try:
            writer = BaselineWriter(out.stream, context)
            refusals = RefusalPrinter(skip=registry.problems)  # plugin failures: load() printed them
            summary = setup.run(request, [writer, refusals], warn, note)
        except BaseException:
            out.abort()
            raise
        if summary.exit_code > int(ExitCode.FINDINGS):
            out.abort()
            refusals.print_rest()
            error(f"baseline not written: {summary.input_errors} input and {summary.plugin_errors} plugin/rule "
                  "errors (see above; a baseline must come from a complete scan)", ExitCode(summary.exit_code))
        out.commit()
        note(f"{output}: baseline of {writer.count} failures on {writer.jobs} jobs written "
             f"({summary.jobs} jobs scanned)")
        return 0

    guard(show_traceback, body)


class RefusalPrinter:
    """A reporter that prints on stderr the errors that make ``baseline create`` refuse: every problem
    (unreadable or schema-invalid record, failed source) and every rule ERROR result, one
    ``bedrock-audit: error: WHERE: WHAT`` line each as they arrive -- the first :data:`SHOWN_REFUSALS`.
    Unknown-data ERRORs (a column absent from an input, tags not fetched) are grouped as the reports group
    them (:class:`checker.reporters.gaps.GapTally`): one line per rule, source and reason with the number
    of jobs, printed by :meth:`print_rest` (the first :data:`SHOWN_REFUSALS` groups), which then counts
    what was not shown. ``skip``: problems already printed (plugin load failures)."""

    needs_timings = False

    def __init__(self, skip: Collection[Problem] = ()) -> None:
        from checker.reporters.gaps import GapTally

        self._skip = [id(problem) for problem in skip]
        self._gaps = GapTally()
        self.count = 0
        self._hidden = 0

    def _line(self, text: str, shown: int) -> None:
        if shown <= SHOWN_REFUSALS:
            print(f"bedrock-audit: error: {printable(text)}", file=sys.stderr)
        else:
            self._hidden += 1

    def start(self) -> None:
        """Nothing before the first error."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """One line per rule ERROR result (the rule could not decide); unknown data is tallied."""
        for result in results:
            if result.status is Status.ERROR and not self._gaps.add(job, provenance, result):
                self.count += 1
                self._line(f"{provenance}: {result.rule.id} {result.rule.name} on {job.label}: {result.message}",
                           self.count)

    def problem(self, problem: Problem) -> None:
        """One line per problem (not the skipped ones)."""
        if id(problem) not in self._skip:
            where = problem_where(problem)
            self.count += 1
            self._line(f"{where + ': ' if where else ''}{problem.kind.value} error: {problem_text(problem)}",
                       self.count)

    def finish(self, summary: Summary) -> None:
        """Nothing at the end (:meth:`print_rest` prints the grouped unknown data and the count)."""

    def print_rest(self) -> None:
        """Print the unknown-data groups, then say how many lines were not printed and how to see them all."""
        for shown, gap in enumerate(self._gaps.groups(), 1):
            rule = gap.result.rule
            if gap.jobs == 1:
                where = f"{gap.first_at}: {rule.id} {rule.name} on {gap.first_job.label}"
            else:
                where = (f"{gap.source}: {rule.id} {rule.name} on {gap.jobs:,} jobs (first: "
                         f"{gap.first_job.label} at {gap.first_at})")
            self._line(f"{where}: {gap.result.message}", shown)
        if self._hidden:
            print(f"bedrock-audit: error: ... and {self._hidden} more errors (`bedrock-audit scan` "
                  "with the same inputs and options lists every one)", file=sys.stderr)
