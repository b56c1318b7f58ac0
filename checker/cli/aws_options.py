"""The live-AWS flags of ``scan`` and ``fetch`` as command-line options; their values become an
:class:`checker.aws.flags.AwsFlags`, then an :class:`~checker.aws.location.AwsTarget` handed to the scan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checker.aws.location import (
    CONCURRENCY_RANGE,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_ATTEMPTS,
    MAX_ATTEMPTS_RANGE,
    STATUSES,
)

AwsFlag = Annotated[bool, typer.Option(
    "--aws", help="Scan live jobs in AWS with boto3 (ListModelInvocationJobs + ListTagsForResource), as well "
                  "as any PATHs. The options below shape it.")]
FetchAwsFlag = Annotated[bool, typer.Option(
    "--aws", help="Read live jobs from AWS (fetch always does; accepted for symmetry with scan).")]
RegionOption = Annotated[list[str] | None, typer.Option(
    "--region", metavar="REGION",
    help="(--aws) Region to scan (repeatable, or comma-separated). Default: the profile's or AWS_REGION's "
         "region. Regions where Bedrock has no endpoint are skipped with a note. Without --aws: the one "
         "region planned jobs (plans, .tf folders, request files) will run in.", show_default=False)]
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
         "the account the credentials must belong to. Without --aws: the one account planned jobs (plans, "
         ".tf folders, request files) will run in.", show_default=False)]
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


