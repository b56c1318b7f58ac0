"""``bedrock-audit fetch``: read live jobs (AWS, or the Datadog table) and write them as table-shape JSON Lines."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from checker.cli.aws_options import (
    AccountOption,
    AccountsFileOption,
    AllRegionsFlag,
    ConcurrencyOption,
    ExternalIdOption,
    FetchAwsFlag,
    MaxAttemptsOption,
    ProfileOption,
    RegionOption,
    RoleArnOption,
    StatusOption,
    SubmittedAfterOption,
)
from checker.cli.errors import guard, note, warn
from checker.cli.options import TracebackOption

if TYPE_CHECKING:
    from checker.sources.base import Item


def fetch(
    location: Annotated[str | None, typer.Argument(
        metavar="[ddsql://...]",
        help="Read the Datadog table aws.bedrock_model_invocation_job through the DDSQL API instead of AWS, "
             "e.g. 'ddsql://?status=InProgress' (keys in DD_API_KEY and DD_APP_KEY; README \"From Datadog\").",
        show_default=False)] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH",
        help="Where to write the jobs as JSON Lines in the table shape (atomically), or - for stdout.",
        show_default=False)] = None,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial", help="Exit 0 even when an account/region could not be listed (every gap is "
                                "still printed and written to the file).")] = False,
    show_traceback: TracebackOption = False,
    aws: FetchAwsFlag = False,
    region: RegionOption = None,
    all_regions: AllRegionsFlag = False,
    profile: ProfileOption = None,
    role_arn: RoleArnOption = None,
    account: AccountOption = None,
    accounts_file: AccountsFileOption = None,
    external_id: ExternalIdOption = None,
    status: StatusOption = None,
    submitted_after: SubmittedAfterOption = None,
    max_attempts: MaxAttemptsOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Read live jobs from AWS (or Datadog) and write them as table-shape JSON Lines, for later offline scans.

    Scanning the file gives the same results as scanning AWS directly: jobs whose tags could not be read
    are marked (their tag rules still ERROR), and an account/region that could not be listed is recorded
    as a gap line that the scan reports again. Gaps make the exit code 3, unless --allow-partial.

    Examples:

    \b
      bedrock-audit fetch --aws --region us-east-1 -o jobs.jsonl
      bedrock-audit scan jobs.jsonl

    \b
      bedrock-audit fetch --aws --all-regions --account 111111111111 --account 222222222222 \\
        --role-arn 'arn:aws:iam::{account_id}:role/BedrockAudit' -o org-jobs.jsonl

    \b
      bedrock-audit fetch ddsql:// -o jobs.jsonl   # keys: DD_API_KEY, DD_APP_KEY
    """
    def body() -> int:
        from checker.aws.flags import AwsFlags, LiveAws
        from checker.errors import ConfigError

        flags = AwsFlags(aws, region, all_regions, profile, role_arn, account, accounts_file, external_id,
                         status, submitted_after, max_attempts, concurrency)
        if location is None:
            live: list[LiveAws] = []

            def check_aws() -> None:  # after the -o checks, as before ddsql:// came
                if flags.accounts_file is not None:
                    from checker.clobber import refuse_inputs_as_outputs

                    refuse_inputs_as_outputs([(f"--output {output}", str(output))],
                                             [("--accounts-file", str(flags.accounts_file))])
                aws_target = flags.target(implied=True)
                assert aws_target is not None
                live.append(LiveAws(aws_target))
                live[0].check()

            return _fetch(output, allow_partial, check_aws, lambda: live[0].read())
        from checker.ddsql.location import is_ddsql_location

        if not is_ddsql_location(location):
            raise ConfigError(f"fetch reads live AWS (--aws flags) or ddsql:// locations, not {location!r}: "
                              "files are already exports")
        if aws or flags.given():
            raise ConfigError(f"{(flags.given() or ['--aws'])[0]} applies to live AWS, not to ddsql://")
        return _fetch(output, allow_partial, lambda: _check_ddsql(location), lambda: _read_ddsql(location))

    guard(show_traceback, body)


def _check_ddsql(location: str) -> None:
    from checker.ddsql.preflight import check_locations

    check_locations([location])


def _read_ddsql(location: str) -> Iterator[Item]:
    from checker.sources.ddsql import SOURCE

    return SOURCE.read(location, None)


def _fetch(output: str | None, allow_partial: bool, check: Callable[[], None],
           read: Callable[[], Iterator[Item]]) -> int:
    from checker.errors import ConfigError
    from checker.fetch import fetch_exit_code, write_rows
    from checker.normalize import Normalizer
    from checker.reporters.output import AtomicFile, StdoutOutput
    from checker.schema import table_columns

    if output is None:
        raise ConfigError("name the output with -o PATH (or -o - for stdout), e.g. -o jobs.jsonl")
    extension = os.path.splitext(output)[1].lower()
    if output != "-" and extension in (".json", ".csv"):
        raise ConfigError(f"-o {output}: fetch writes JSON Lines, and scans choose the format by extension: "
                          "name it .jsonl")
    check()
    if output != "-" and extension and extension not in (".jsonl", ".ndjson"):  # pyproject.toml, main.tf ...
        raise ConfigError(f"-o {output}: fetch writes JSON Lines, not {extension} (a project file there would "
                          "be overwritten): name it .jsonl")
    out: Any = StdoutOutput() if output == "-" else AtomicFile(output)
    try:
        summary = write_rows(read(), out.stream, Normalizer(*table_columns()),
                             lambda problem: print(f"bedrock-audit: error: {problem.provenance}: "
                                                   f"{problem.message}", file=sys.stderr))
    except BaseException:
        out.abort()
        raise
    out.commit()
    code = fetch_exit_code(summary, allow_partial)
    if summary.tags_unknown:
        warn(f"tags unknown for {summary.tags_unknown} job(s): written with \"_unknown\": "
             "{\"tags\": ...}, so their tag rules ERROR when the file is scanned")
    if output != "-":
        gaps = f"; it records {len(summary.problems)} gap(s), which scanning it reports again" \
            if summary.problems else ""
        note(f"wrote {summary.records} job(s) to {output}{gaps}")
    return int(code)
