"""The option types the commands share, declared once (``scan`` and ``baseline create`` take the same
inputs, policy, rule selection and clock, with the same help), and how they become a
:class:`checker.api.ScanRequest`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from checker.api import ScanRequest, Target

EPILOG = (
    "Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage or configuration error; "
    "3 input error (unreadable, unparsable or schema-invalid records, no records, data a rule needed "
    "was missing, an AWS account/region or a Datadog page that could not be read; --allow-partial keeps "
    "these out); "
    "4 plugin or rule error. The highest applicable code wins."
)

PathsArgument = Annotated[list[str] | None, typer.Argument(
    metavar="PATH...",
    help="Job exports to check, one or more: .jsonl/.ndjson, .json (row array, AWS list/get output, DDSQL tabular "
         "response) or .csv files, folders of them, - for stdin, aws://REGION,... for live AWS "
         "(scan: see --aws), or ddsql://?OPTIONS for the Datadog table through the DDSQL API (keys in "
         "DD_API_KEY and DD_APP_KEY; README \"From Datadog\"). Before deployment: Terraform plan/state "
         "JSON (terraform show -json), .tf folders, CreateModelInvocationJob request files (JSON/YAML).",
    show_default=False)]
DisableOption = Annotated[
    list[str] | None,
    typer.Option("--disable-plugin", metavar="NAME", envvar="BEDROCK_AUDIT_DISABLE_PLUGIN",
                 help="Do not load this plugin (repeatable). Set BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD=1 to "
                      "load no third-party plugins at all."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", metavar="PATH", envvar="BEDROCK_AUDIT_CONFIG",
                 help="Policy file (TOML). Default: the nearest bedrock-audit.toml, or pyproject.toml with "
                      "[tool.bedrock-audit], from the working directory upwards.",
                 dir_okay=False),
]
TracebackOption = Annotated[
    bool, typer.Option("--traceback", help="Show the Python stack when bedrock-audit itself fails.")
]
WaiversOption = Annotated[
    list[Path] | None,
    typer.Option("--waivers", metavar="FILE", envvar="BEDROCK_AUDIT_WAIVERS",
                 help="TOML file of [[waivers]] (rule, job, reason, owner, expires; see README \"Waivers\"), "
                      "applied with the policy file's (repeatable).", dir_okay=False, show_default=False),
]
SelectOption = Annotated[list[str] | None, typer.Option(
    "--select", metavar="RULE", envvar="BEDROCK_AUDIT_SELECT",
    help="Run only these rules: ids, names or globs (repeatable; replaces the policy's select).")]
IgnoreOption = Annotated[list[str] | None, typer.Option(
    "--ignore", metavar="RULE", envvar="BEDROCK_AUDIT_IGNORE",
    help="Do not run these rules: ids, names or globs (repeatable; replaces the policy's ignore).")]
AllowEmptyOption = Annotated[bool, typer.Option("--allow-empty", help="No records at all is not an error.")]
NowOption = Annotated[str | None, typer.Option(
    "--now", metavar="TIMESTAMP", envvar="BEDROCK_AUDIT_NOW",
    help="The clock for age-based rules and waiver expiry, RFC 3339 (2025-06-30T00:00:00Z) or a "
         "date; default: the current time. Makes scans reproducible.")]
InputFormatOption = Annotated[str | None, typer.Option(
    "--input-format", metavar="NAME",
    help="Format of the inputs (jsonl, json, csv) instead of guessing from extension or content; "
         "needed for stdin only when guessing fails.")]
AllowPartialOption = Annotated[bool, typer.Option(
    "--allow-partial", help="Gaps (a denied or unreachable AWS account/region or Datadog page, unreadable "
                            "input, unknown data) are still reported but do not exit 3: the exit code reflects "
                            "findings. Needs at least one job checked.")]
FormatOption = Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")]


def parse_now(text: str | None) -> datetime:
    """``--now`` value -> aware UTC datetime (``None``: the current time). Raises ``ConfigError``."""
    from checker.timeutil import parse_date_or_timestamp

    return datetime.now(UTC) if text is None else parse_date_or_timestamp(text, "--now")


def scan_request(paths: list[str] | None, *, config: Path | None, waivers: list[Path] | None,
                 select: list[str] | None, ignore: list[str] | None, allow_empty: bool,
                 input_format: str | None, disabled: list[str] | None,
                 targets: Sequence[Target] = (), **more: object) -> ScanRequest:
    """The request the shared options describe (``now`` is set later, once the inputs were checked);
    ``more``: the command's own :class:`~checker.api.ScanRequest` fields (``fail_on``, ``baseline``, ...)."""
    from checker.api import ScanRequest

    return ScanRequest(locations=tuple(paths or ()), targets=tuple(targets), input_format=input_format, config=config,
                       waiver_files=tuple(waivers or ()), select=select, ignore=ignore, allow_empty=allow_empty,
                       disabled_plugins=tuple(disabled or ()), **more)  # type: ignore[arg-type]
