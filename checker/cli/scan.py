"""``bedrock-audit scan``: check job records against the policy and write reports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checker.cli.app import load
from checker.cli.aws_options import (
    AccountOption,
    AccountsFileOption,
    AllRegionsFlag,
    AwsFlag,
    ConcurrencyOption,
    ExternalIdOption,
    MaxAttemptsOption,
    ProfileOption,
    RegionOption,
    RoleArnOption,
    StatusOption,
    SubmittedAfterOption,
)
from checker.cli.errors import guard, note, warn
from checker.cli.options import (
    AllowEmptyOption,
    AllowPartialOption,
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
from checker.cli.planned_options import TfDirOption, VarFileOption, VarOption, planned_options, source_options

if TYPE_CHECKING:
    from checker.api import Report


def scan(
    paths: PathsArgument = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT", envvar="BEDROCK_AUDIT_FORMAT",
        help="Report written to stdout: text, json, junit, sarif or markdown (and plugin formats).")] = "text",
    include_passed: Annotated[bool, typer.Option(
        "--include-passed", envvar="BEDROCK_AUDIT_INCLUDE_PASSED",
        help="JSON report (-f json, -o json=PATH): every result, PASS included, one per job and rule, in "
             "the report_version 1 layout (schemas/report.schema.json). Default: findings first and "
             "compact, report_version 2 (schemas/report-2.schema.json).")] = False,
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT=PATH",
        help="Also write a report to a file, atomically (repeatable), e.g. -o junit=results.xml, "
             "-o sarif=bedrock-audit.sarif, -o markdown=summary.md.")] = None,
    config: ConfigOption = None,
    waivers: WaiversOption = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", metavar="FILE", envvar="BEDROCK_AUDIT_BASELINE", dir_okay=False,
        help="Fail only on findings not in this baseline (from `bedrock-audit baseline create`); findings "
             "in it are still reported, as existing, and fixed entries are listed.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", metavar="SEVERITY", envvar="BEDROCK_AUDIT_FAIL_ON",
        help="Lowest severity of a FAIL that fails the gate: critical, high, medium, low, info. "
             "[default: low, or the policy file's fail-on]", show_default=False)] = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    soft_fail: Annotated[bool, typer.Option(
        "--soft-fail", help="Exit 0 instead of 1 when findings fail the gate (2-4 are never hidden).")] = False,
    allow_empty: AllowEmptyOption = False,
    now: NowOption = None,
    input_format: InputFormatOption = None,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
    allow_partial: AllowPartialOption = False,
    group_by: Annotated[str, typer.Option(
        "--group-by", metavar="rule|job", envvar="BEDROCK_AUDIT_GROUP_BY",
        help="Text report: group findings by rule (what gates first, with counts) or list them job by job "
             "as they are checked.")] = "rule",
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Text report: show only what gates (findings at or above --fail-on, errors) "
                              "and the verdict.")] = False,
    aws: AwsFlag = False,
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
    tf_dir: TfDirOption = None,
    var: VarOption = None,
    var_file: VarFileOption = None,
) -> None:
    """Check job records against the policy and write reports.

    Before deployment it also reads Terraform plans (terraform show -json), .tf folders and
    CreateModelInvocationJob request files (JSON/YAML); without --aws, --account ID and --region name the
    account and region those jobs will run in.

    Examples:

    \b
      bedrock-audit scan jobs.jsonl
      bedrock-audit scan exports/ more-jobs.csv -f json -o junit=bedrock-audit.xml --fail-on high
      bedrock-audit scan jobs.jsonl -o sarif=bedrock-audit.sarif -f markdown >> "$GITHUB_STEP_SUMMARY"
      bedrock-audit scan jobs.jsonl --waivers waivers.toml --baseline baseline.json
      datadog-export | bedrock-audit scan - --input-format csv
      bedrock-audit scan --aws --region us-east-1 --region eu-west-1 -o junit=bedrock-audit.xml
      bedrock-audit scan --aws --all-regions --accounts-file accounts.txt \\
        --role-arn 'arn:aws:iam::{account_id}:role/BedrockAudit' --allow-partial -f json > audit.json
      bedrock-audit scan plan.json --account 111122223333 -o sarif=bedrock-audit.sarif
      bedrock-audit scan infra/ --var-file prod.tfvars --var env=prod
      bedrock-audit scan 'ddsql://?status=InProgress,Submitted' -f json   # keys: DD_API_KEY, DD_APP_KEY
    """
    def body() -> int:
        from checker.api import Report, run_scan, shown_locations
        from checker.aws.flags import AwsFlags, LiveAws
        from checker.clobber import refuse_inputs_as_outputs
        from checker.errors import ConfigError

        planned = planned_options(aws, account, region, tf_dir, var, var_file)
        given = [] if aws else [flag for flag, value in (("--account", account), ("--region", region)) if value]
        if given and not paths:
            raise ConfigError(f"{given[0]} applies to live AWS scans: add --aws (or name the plans, .tf folders "
                              "or request files whose jobs run there)")
        flags = AwsFlags(aws, region if aws else None, all_regions, profile, role_arn, account if aws else None,
                         accounts_file, external_id, status, submitted_after, max_attempts, concurrency)
        target = flags.target()
        request = scan_request(paths, config=config, waivers=waivers, select=select, ignore=ignore,
                               allow_empty=allow_empty, input_format=input_format, disabled=disable_plugin,
                               targets=() if target is None else (LiveAws(target),), fail_on=fail_on,
                               soft_fail=soft_fail, baseline=baseline, allow_partial=allow_partial,
                               include_passed=include_passed, source_options=source_options(planned),
                               text_options={"group_by": group_by, "quiet": quiet})
        if group_by not in ("rule", "job"):
            raise ConfigError(f"--group-by: expected rule or job, got {group_by!r}")
        if not request.locations and not request.targets:
            raise ConfigError("no input given: name files, folders, - for stdin or ddsql:// (Datadog), or use "
                              "--aws (see bedrock-audit scan --help)")
        shown = shown_locations(request)
        request = replace(request, now=parse_now(now))
        reports = [*map(_file_report, output or []), Report(format)]
        if include_passed and not any(r.format == "json" for r in reports):
            warn("--include-passed changes only the JSON report, and none is written (add -f json or -o json=PATH)")
        if accounts_file is not None:
            refuse_inputs_as_outputs([(f"--output {r.format}={r.path}", r.path) for r in reports if r.path],
                                     [("--accounts-file", str(accounts_file))])
        summary = run_scan(request, reports, warn=warn, note=note, registry=load(disable_plugin), shown=shown)
        return summary.exit_code

    guard(show_traceback, body)


def _file_report(spec: str) -> Report:
    """``-o FORMAT=PATH`` -> :class:`checker.api.Report`. Raises ``ConfigError`` for another shape."""
    from checker.api import Report
    from checker.errors import ConfigError

    name, sep, path = spec.partition("=")
    if not sep or not name or not path:
        raise ConfigError(f"--output {spec!r}: expected FORMAT=PATH, e.g. junit=results.xml")
    return Report(name, path)
