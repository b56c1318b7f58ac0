"""The live-AWS flags of ``scan`` and ``fetch``, and how they become one ``aws://`` location.

Declared here so that :mod:`checker.cli` only lists them in its command signatures. Nothing here imports
boto3; :func:`check_locations` imports botocore (for its region data) only when an AWS scan was asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated

import typer

from checker.aws.location import (
    CONCURRENCY_RANGE,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_ATTEMPTS,
    MAX_ATTEMPTS_RANGE,
    STATUSES,
    LocationError,
    is_aws_location,
    parse_location,
    read_accounts_file,
    redact,
    target_from_options,
)

AwsFlag = Annotated[bool, typer.Option(
    "--aws", help="Scan live jobs in AWS with boto3 (ListModelInvocationJobs + ListTagsForResource), as well "
                  "as any PATHs. The options below shape it.")]
FetchAwsFlag = Annotated[bool, typer.Option(
    "--aws", help="Read live jobs from AWS (fetch always does; accepted for symmetry with scan).")]
RegionOption = Annotated[list[str] | None, typer.Option(
    "--region", metavar="REGION",
    help="(--aws) Region to scan (repeatable, or comma-separated). Default: the profile's or AWS_REGION's "
         "region. Regions where Bedrock has no endpoint are skipped with a note.", show_default=False)]
AllRegionsFlag = Annotated[bool, typer.Option(
    "--all-regions", help="(--aws) Scan every region where botocore's endpoint data lists Bedrock.")]
ProfileOption = Annotated[str | None, typer.Option(
    "--profile", metavar="NAME",
    help="(--aws) Named profile from the AWS config files. Default: the default credential chain "
         "(AWS_PROFILE, environment, SSO, instance role ...).", show_default=False)]
RoleArnOption = Annotated[str | None, typer.Option(
    "--role-arn", metavar="ARN",
    help="(--aws) Role to assume in each account; {account_id} stands for the account, e.g. "
         "'arn:aws:iam::{account_id}:role/BedrockAudit'.", show_default=False)]
AccountOption = Annotated[list[str] | None, typer.Option(
    "--account", metavar="ACCOUNT_ID",
    help="(--aws) Account to scan through --role-arn (repeatable, or comma-separated). Without --role-arn: "
         "the account the credentials must belong to.", show_default=False)]
AccountsFileOption = Annotated[Path | None, typer.Option(
    "--accounts-file", metavar="PATH", dir_okay=False,
    help="(--aws) File of account IDs (whitespace- or comma-separated, # comments), e.g. from `aws "
         "organizations list-accounts --query 'Accounts[?Status==`ACTIVE`].Id' --output text`.",
    show_default=False)]
ExternalIdOption = Annotated[str | None, typer.Option(
    "--external-id", metavar="ID", envvar="BEDROCK_AUDIT_EXTERNAL_ID",
    help="(--aws) ExternalId for sts:AssumeRole, if the role's trust policy requires one.",
    show_default=False)]
StatusOption = Annotated[str | None, typer.Option(
    "--status", metavar="STATUS",
    help=f"(--aws) Only jobs in this status (statusEquals): {', '.join(STATUSES)}.", show_default=False)]
SubmittedAfterOption = Annotated[str | None, typer.Option(
    "--submitted-after", metavar="TIMESTAMP",
    help="(--aws) Only jobs submitted after this time (submitTimeAfter): a date (2025-06-01, UTC) or RFC "
         "3339 with a zone.", show_default=False)]
MaxAttemptsOption = Annotated[int | None, typer.Option(
    "--max-attempts", metavar="N",
    help=f"(--aws) Attempts per AWS call, first try included, with botocore's adaptive retries "
         f"({MAX_ATTEMPTS_RANGE[0]}-{MAX_ATTEMPTS_RANGE[1]}). [default: {DEFAULT_MAX_ATTEMPTS}]",
    show_default=False)]
ConcurrencyOption = Annotated[int | None, typer.Option(
    "--concurrency", metavar="N",
    help=f"(--aws) Account/region pairs listed at once, and tag calls in flight "
         f"({CONCURRENCY_RANGE[0]}-{CONCURRENCY_RANGE[1]}; 1 = one call at a time). "
         f"[default: {DEFAULT_CONCURRENCY}]", show_default=False)]


@dataclass
class AwsFlags:
    """The live-AWS flags as given on the command line (``None``/empty/False when not given)."""

    aws: bool = False
    region: list[str] | None = None
    all_regions: bool = False
    profile: str | None = None
    role_arn: str | None = None
    account: list[str] | None = None
    accounts_file: Path | None = None
    external_id: str | None = None
    status: str | None = None
    submitted_after: str | None = None
    max_attempts: int | None = None
    concurrency: int | None = None

    def given(self) -> list[str]:
        """The flags given besides ``--aws``, as ``--flag`` names."""
        return ["--" + f.name.replace("_", "-") for f in fields(self)
                if f.name != "aws" and getattr(self, f.name) not in (None, False, [])]

    def location(self, implied: bool = False) -> str | None:
        """The ``aws://`` location these flags describe, or ``None`` without ``--aws`` (and not
        ``implied``). Raises ``checker.policy.ConfigError`` for a bad value or an AWS flag without
        ``--aws``."""
        from checker.policy import ConfigError

        if not (self.aws or implied):
            given = self.given()
            if given:
                raise ConfigError(f"{given[0]} applies to live AWS scans: add --aws (or scan an aws:// "
                                  "location)")
            return None
        try:
            accounts = list(self.account or ())
            if self.accounts_file is not None:
                accounts += read_accounts_file(self.accounts_file)
            target = target_from_options(
                regions=self.region or (), all_regions=self.all_regions, profile=self.profile,
                role_arn=self.role_arn, accounts=accounts, external_id=self.external_id,
                status=self.status, submitted_after=self.submitted_after, max_attempts=self.max_attempts,
                concurrency=self.concurrency)
        except LocationError as exc:
            raise ConfigError(str(exc)) from None
        return target.uri()


def check_locations(locations: Sequence[str]) -> list[str]:
    """Check every ``aws://`` location now (options, profile, regions), so a mistake is a usage error
    (exit 2) before anything is read. Returns the locations as reports may show them (external IDs
    redacted). Raises ``checker.policy.ConfigError``."""
    from checker.policy import ConfigError

    shown = []
    for location in locations:
        if is_aws_location(location):
            try:
                target = parse_location(location)
                from checker.aws.fanout import plan_for

                plan_for(target)
            except LocationError as exc:
                raise ConfigError(str(exc)) from None
            shown.append(redact(location))
        else:
            shown.append(location)
    return shown
