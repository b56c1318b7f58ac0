"""``bedrock-audit baseline create``: scan like ``scan`` and record every unwaived FAIL in a baseline file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

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
from checker.errors import ExitCode

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
) -> None:
    """Scan like `scan` and record every unwaived FAIL (rule id + job ARN) in a baseline file.

    Nothing is written if anything could not be checked (exit 3 or 4): a baseline must describe a
    complete scan. Findings do not make this command fail (exit 0 once the file is written).

    Example:

    \b
      bedrock-audit baseline create exports/ -o bedrock-audit-baseline.json
      bedrock-audit scan exports/ --baseline bedrock-audit-baseline.json
    """
    def body() -> int:
        from checker.api import build_setup, plugin_failures_win, shown_locations
        from checker.baseline import BaselineWriter
        from checker.clobber import read_extensions, refuse_inputs_as_outputs, scan_inputs
        from checker.errors import ConfigError
        from checker.reporters.output import AtomicFile

        request = scan_request(paths, config=config, waivers=waivers, select=select, ignore=ignore,
                               allow_empty=allow_empty, input_format=input_format, disabled=disable_plugin)
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
            summary = setup.run(request, [writer], warn, note)
        except BaseException:
            out.abort()
            raise
        if summary.exit_code > int(ExitCode.FINDINGS):
            out.abort()
            error(f"baseline not written: {summary.input_errors} input and {summary.plugin_errors} plugin/rule "
                  "errors (see above; a baseline must come from a complete scan)", ExitCode(summary.exit_code))
        out.commit()
        note(f"{output}: baseline of {writer.count} failures on {writer.jobs} jobs written "
             f"({summary.jobs} jobs scanned)")
        return 0

    guard(show_traceback, body)
