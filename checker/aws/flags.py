"""The live-AWS flags of ``scan`` and ``fetch`` as values, and the live scan they describe.

:class:`AwsFlags` holds the flags as given; :meth:`AwsFlags.target` checks them into an
:class:`~checker.aws.location.AwsTarget`, and :class:`LiveAws` hands that target to the scan as a value
(a :class:`checker.api.Target`), never as an ``aws://`` string parsed back. The command-line declarations
live in :mod:`checker.cli.aws_options`. Nothing here imports boto3; checking a target imports botocore
(for its region data) only when an AWS scan was asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from checker.aws.location import (
    AwsTarget,
    LocationError,
    is_aws_location,
    parse_location,
    read_accounts_file,
    redact,
    target_from_options,
)

if TYPE_CHECKING:
    from checker.sources.base import Item

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

    def target(self, implied: bool = False) -> AwsTarget | None:
        """The live scan these flags describe, or ``None`` without ``--aws`` (and not ``implied``: fetch
        always reads AWS). Raises ``checker.errors.ConfigError`` for a bad value or an AWS flag without
        ``--aws``."""
        from checker.errors import ConfigError

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
            return target_from_options(
                regions=self.region or (), all_regions=self.all_regions, profile=self.profile,
                role_arn=self.role_arn, accounts=accounts, external_id=self.external_id,
                status=self.status, submitted_after=self.submitted_after, max_attempts=self.max_attempts,
                concurrency=self.concurrency)
        except LocationError as exc:
            raise ConfigError(str(exc)) from None


@dataclass(frozen=True)
class LiveAws:
    """Live Amazon Bedrock jobs of ``target``, as a :class:`checker.api.Target` (ListModelInvocationJobs +
    ListTagsForResource over every account/region pair, :func:`checker.aws.fanout.scan_live`)."""

    target: AwsTarget

    @property
    def shown(self) -> str:
        """The ``aws://`` location as reports show it (external ID redacted)."""
        return self.target.uri(redact=True)

    def check(self) -> None:
        """Check the profile and regions now. Raises ``checker.errors.ConfigError``."""
        from checker.aws.fanout import plan_for
        from checker.errors import ConfigError

        try:
            plan_for(self.target)
        except LocationError as exc:
            raise ConfigError(str(exc)) from None

    def read(self) -> Iterator[Item]:
        """The jobs (API-shape records) and gaps (SOURCE problems); a failure of ours is a scrubbed gap."""
        from checker.aws.fanout import scan_live
        from checker.aws.faults import Scrubber
        from checker.sources.base import source_problem

        try:
            yield from scan_live(self.target)
        except Exception as exc:  # noqa: BLE001 - a bug of ours must still be a reported, scrubbed gap
            yield source_problem(Scrubber()(f"the aws source failed: {type(exc).__name__}: {exc}"), self.shown)


def check_locations(locations: Sequence[str]) -> list[str]:
    """Check every ``aws://`` location now (options, profile, regions), so a mistake is a usage error
    (exit 2) before anything is read. Returns the locations as reports may show them (external IDs
    redacted). Raises ``checker.errors.ConfigError``."""
    from checker.errors import ConfigError

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
