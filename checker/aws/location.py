"""What a live AWS scan covers, as one ``aws://`` location (no boto3 here).

The AWS source receives, like every source, one location string. ``scan --aws --region ...`` and
``fetch`` build that string from their flags with :func:`target_from_options` + :meth:`AwsTarget.uri`;
a user may also name it directly (``bedrock-audit scan aws://us-east-1,eu-west-1``). Grammar::

    aws://[REGION[,REGION...] | *][?OPTION=VALUE&...]
    aws://ACCOUNT/[REGION[,REGION...]][?OPTION=VALUE&...]     (the form reports use for a location)

``*`` means every region with a Bedrock endpoint; no region means the default region of the profile or
environment. Options carry the flag names: ``region``, ``all-regions``, ``profile``, ``role-arn``,
``account`` (repeatable, or comma-separated), ``external-id``, ``status``, ``submitted-after``,
``max-attempts``, ``concurrency``. Every value is checked here; a bad one raises :class:`LocationError`
with one line for the user (the CLI turns it into a usage error, exit 2).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checker.suggest import closest
from checker.uri_options import query_options

SCHEME = "aws"

STATUSES = ("Submitted", "InProgress", "Completed", "Failed", "Stopping", "Stopped", "PartiallyCompleted",
            "Expired", "Validating", "Scheduled")
"""ModelInvocationJobStatus, the values ``statusEquals`` accepts (botocore ``bedrock/2023-04-20``)."""

DEFAULT_MAX_ATTEMPTS = 6
"""Total attempts per API call (first try + retries) in botocore's adaptive retry mode."""
MAX_ATTEMPTS_RANGE = (1, 20)

DEFAULT_CONCURRENCY = 16
"""Parallel (account, region) listings, and parallel ListTagsForResource calls. The work is waiting on
the network, not computing, so this is far above the core count; adaptive retries back off when AWS
throttles."""
CONCURRENCY_RANGE = (1, 64)

PLACEHOLDER = "{account_id}"
ALL_REGIONS = "*"

_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
_ROLE_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_OPTIONS = ("region", "all-regions", "profile", "role-arn", "account", "external-id", "status",
            "submitted-after", "max-attempts", "concurrency")
_REPEATABLE = ("region", "account")


class LocationError(ValueError):
    """A live-AWS option or ``aws://`` location is wrong; ``str(exc)`` is one line for the user."""


@dataclass(frozen=True)
class AwsTarget:
    """A validated live scan: which regions and accounts, with which credentials, which jobs.

    ``regions``: region names in the order given (empty with ``all_regions`` False: the default region).
    ``profile``: a named profile of the AWS config files (``None``: the default credential chain).
    ``role_arn``: the role to assume in each account; ``{account_id}`` stands for the account.
    ``accounts``: 12-digit account IDs (empty: the account of the credentials or of ``role_arn``).
    ``external_id``: sts:AssumeRole ``ExternalId``. ``status``: only jobs in this status
    (``statusEquals``); ``submitted_after``: only jobs submitted after this aware UTC time
    (``submitTimeAfter``). ``max_attempts``: attempts per API call (botocore adaptive retries).
    ``concurrency``: parallel account/region listings and parallel tag calls.
    """

    regions: tuple[str, ...] = ()
    all_regions: bool = False
    profile: str | None = None
    role_arn: str | None = None
    accounts: tuple[str, ...] = ()
    external_id: str | None = None
    status: str | None = None
    submitted_after: datetime | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    concurrency: int = DEFAULT_CONCURRENCY

    def role_for(self, account: str) -> str | None:
        """The role ARN to assume for ``account`` (``None``: use the credentials as they are)."""
        if self.role_arn is None:
            return None
        return self.role_arn.replace(PLACEHOLDER, account)

    @property
    def fixed_account(self) -> str | None:
        """The account a role ARN without ``{account_id}`` belongs to, else ``None``."""
        if self.role_arn is None or PLACEHOLDER in self.role_arn:
            return None
        return self.role_arn.split(":")[4]

    def uri(self, redact: bool = False) -> str:
        """The ``aws://`` location that :func:`parse_location` turns back into this target.

        ``redact``: replace the external ID by ``***`` (for reports and logs).
        """
        host = ALL_REGIONS if self.all_regions else ",".join(self.regions)
        query: list[tuple[str, str]] = []
        if self.profile is not None:
            query.append(("profile", self.profile))
        if self.role_arn is not None:
            query.append(("role-arn", self.role_arn))
        query += [("account", account) for account in self.accounts]
        if self.external_id is not None:
            query.append(("external-id", "***" if redact else self.external_id))
        if self.status is not None:
            query.append(("status", self.status))
        if self.submitted_after is not None:
            query.append(("submitted-after", self.submitted_after.strftime("%Y-%m-%dT%H:%M:%SZ")))
        if self.max_attempts != DEFAULT_MAX_ATTEMPTS:
            query.append(("max-attempts", str(self.max_attempts)))
        if self.concurrency != DEFAULT_CONCURRENCY:
            query.append(("concurrency", str(self.concurrency)))
        text = urllib.parse.urlencode(query, safe=":/{}*,@")
        return f"{SCHEME}://{host}" + (f"?{text}" if text else "")


def target_from_options(*, regions: Sequence[str] = (), all_regions: bool = False, profile: str | None = None,
                        role_arn: str | None = None, accounts: Sequence[str] = (),
                        external_id: str | None = None, status: str | None = None,
                        submitted_after: str | datetime | None = None,
                        max_attempts: int | str | None = None,
                        concurrency: int | str | None = None) -> AwsTarget:
    """Check the live-scan options and build an :class:`AwsTarget`. Option names in messages are the
    CLI flags (``--role-arn``). Raises :class:`LocationError`."""
    if any(not value.replace(",", "").strip() for value in regions):
        raise LocationError("--region: empty region name (leave --region out to scan the default region)")
    if any(not value.replace(",", "").strip() for value in accounts):
        raise LocationError("--account: empty account ID (leave --account out to scan the credentials' "
                            "own account)")
    region_list = _dedupe(_split_commas(regions))
    for region in region_list:
        if not _REGION.match(region):
            hint = closest(region, ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"))
            raise LocationError(f"--region: {region!r} is not a region name like us-east-1{hint}")
    if all_regions and region_list:
        raise LocationError("--region and --all-regions exclude each other: use one")
    account_list = _dedupe(_split_commas(accounts))
    for account in account_list:
        if not _ACCOUNT.match(account):
            raise LocationError(f"--account: {account!r} is not a 12-digit AWS account ID")
    if profile is not None and not profile.strip():
        raise LocationError("--profile: empty profile name")
    if role_arn is not None:
        _check_role(role_arn, account_list)
    elif account_list and len(account_list) > 1:
        raise LocationError("--account: reaching several accounts needs --role-arn with {account_id}, e.g. "
                            "--role-arn 'arn:aws:iam::{account_id}:role/BedrockAudit'")
    if external_id is not None:
        if role_arn is None:
            raise LocationError("--external-id applies to the role of --role-arn, and no --role-arn is given")
        if not _EXTERNAL_ID.match(external_id):
            raise LocationError("--external-id: 2-1224 characters of letters, digits and +=,.@:/-")
    return AwsTarget(
        regions=tuple(region_list), all_regions=all_regions, profile=profile.strip() if profile else None,
        role_arn=role_arn, accounts=tuple(account_list), external_id=external_id,
        status=_status(status) if status is not None else None,
        submitted_after=parse_submitted_after(submitted_after) if submitted_after is not None else None,
        max_attempts=_bounded("--max-attempts", max_attempts, DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_RANGE),
        concurrency=_bounded("--concurrency", concurrency, DEFAULT_CONCURRENCY, CONCURRENCY_RANGE),
    )


def parse_location(location: str) -> AwsTarget:
    """``aws://...`` (see the module doc) -> :class:`AwsTarget`. Raises :class:`LocationError`, whose
    message shows the location without credentials or external ID (:func:`_shown`)."""
    shown = _shown(location)
    parts = urllib.parse.urlsplit(location)
    if parts.scheme.lower() != SCHEME:
        raise LocationError(f"{shown}: not an {SCHEME}:// location")
    if parts.fragment:
        raise LocationError(f"{shown}: unexpected '#{parts.fragment}'")
    host = urllib.parse.unquote(parts.netloc)
    path = urllib.parse.unquote(parts.path).strip("/")
    options = query_options(parts.query, shown, _OPTIONS, _REPEATABLE, LocationError)
    accounts = list(options.get("account", []))
    if _ACCOUNT.match(host):
        accounts.insert(0, host)
        host = path
    elif path:
        raise LocationError(f"{shown}: expected aws://REGIONS or aws://ACCOUNT/REGIONS, not a path "
                            f"after the regions")
    all_regions = host == ALL_REGIONS or _flag(options.get("all-regions"), shown)
    regions = [] if host in ("", ALL_REGIONS) else [host]
    regions += options.get("region", [])

    def one(name: str) -> str | None:
        return options[name][0] if name in options else None

    return target_from_options(
        regions=regions, all_regions=all_regions, profile=one("profile"), role_arn=one("role-arn"),
        accounts=accounts, external_id=one("external-id"), status=one("status"),
        submitted_after=one("submitted-after"), max_attempts=one("max-attempts"),
        concurrency=one("concurrency"),
    )


def is_aws_location(location: str) -> bool:
    """True for ``aws://...`` (any case)."""
    return location[:6].lower() == f"{SCHEME}://"


def read_accounts_file(path: str | Path) -> list[str]:
    """Account IDs from a file: 12-digit IDs separated by whitespace or commas, ``#`` comments.

    ``aws organizations list-accounts --query 'Accounts[?Status==`ACTIVE`].Id' --output text`` writes
    such a file. Raises :class:`LocationError` naming the line of anything else, or an unreadable file.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LocationError(f"--accounts-file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LocationError(f"--accounts-file {path}: not UTF-8 text") from None
    accounts: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for token in line.split("#", 1)[0].replace(",", " ").split():
            if not _ACCOUNT.match(token):
                raise LocationError(f"--accounts-file {path}: line {number}: {token!r} is not a 12-digit "
                                    "account ID")
            accounts.append(token)
    if not accounts:
        raise LocationError(f"--accounts-file {path}: no account IDs in the file")
    return accounts


def parse_submitted_after(value: str | datetime) -> datetime:
    """``2025-06-01`` or RFC 3339 text (or a datetime; naive = UTC) -> aware UTC datetime, whole
    seconds (the API's query format). Raises :class:`LocationError`."""
    if isinstance(value, datetime):
        given = value if value.tzinfo else value.replace(tzinfo=UTC)
        return given.astimezone(UTC).replace(microsecond=0)
    from checker.errors import ConfigError
    from checker.timeutil import parse_date_or_timestamp

    try:
        return parse_date_or_timestamp(value, "--submitted-after").replace(microsecond=0)
    except ConfigError as exc:
        raise LocationError(str(exc)) from None


def _check_role(role_arn: str, accounts: list[str]) -> None:
    for placeholder in re.findall(r"\{[^}]*\}", role_arn):
        if placeholder != PLACEHOLDER:
            raise LocationError(f"--role-arn: unknown placeholder {placeholder} (the only one is "
                                f"{PLACEHOLDER})")
    example = role_arn.replace(PLACEHOLDER, "123456789012")
    if not _ROLE_ARN.match(example):
        raise LocationError(f"--role-arn: {role_arn!r} is not an IAM role ARN like "
                            "arn:aws:iam::{account_id}:role/BedrockAudit")
    if PLACEHOLDER in role_arn:
        if not accounts:
            raise LocationError("--role-arn uses {account_id}: name the accounts with --account or "
                                "--accounts-file")
        return
    own = role_arn.split(":")[4]
    others = [a for a in accounts if a != own]
    if others:
        raise LocationError(f"--role-arn names a role of account {own}, but --account names {others[0]}: "
                            "put {account_id} in the role ARN to reach each account")


def _status(value: str) -> str:
    wanted = value.strip().lower()
    for status in STATUSES:
        if status.lower() == wanted:
            return status
    raise LocationError(f"--status: unknown job status {value!r}{closest(value, STATUSES)} "
                        f"(one of {', '.join(STATUSES)})")


def _bounded(flag: str, value: int | str | None, default: int, bounds: tuple[int, int]) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise LocationError(f"{flag}: {value!r} is not a whole number") from None
    low, high = bounds
    if not low <= number <= high:
        raise LocationError(f"{flag}: {number} is outside {low}-{high}")
    return number


def _flag(values: list[str] | None, location: str) -> bool:
    if not values:
        return False
    value = values[-1].strip().lower()
    if value in ("", "1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise LocationError(f"{location}: all-regions={values[-1]!r}: expected true or false")


def _split_commas(values: Iterable[str]) -> list[str]:
    return [part.strip().lower() for value in values for part in value.split(",") if part.strip()]


def _dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))



def _shown(location: str) -> str:
    """``location`` as a message may echo it: credential-shaped text (an access key ID, a secret key,
    ``aws_secret_access_key=...``) replaced by ``***`` and the external ID redacted."""
    from checker.aws.faults import Scrubber

    return redact(Scrubber()(location))


def redact(location: str) -> str:
    """``location`` with the value of any ``external-id`` option replaced by ``***`` (for reports)."""
    return re.sub(r"(?i)(external[-_]id=)[^&#]*", r"\1***", location)
