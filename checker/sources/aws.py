"""Live Amazon Bedrock jobs (``aws://`` locations), read with boto3.

The location carries every option of the scan (see :mod:`checker.aws.location`): ``scan --aws
--region us-east-1 --role-arn ...`` builds it from the flags, and ``bedrock-audit scan
aws://us-east-1,eu-west-1`` names it directly. Reading it lists jobs with ListModelInvocationJobs and
each job's tags with ListTagsForResource across every (account, region) pair concurrently
(:mod:`checker.aws.fanout`).

This module imports neither boto3 nor botocore: they are imported when an ``aws://`` location is read,
so a file scan never pays for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from checker.sources.base import Item, source_problem


class AwsSource:
    """The ``aws`` input scheme."""

    name = "aws"
    description = "live jobs from Amazon Bedrock via boto3 (aws://REGIONS?OPTIONS, or scan --aws)"
    extensions: tuple[str, ...] = ()
    schemes = ("aws",)

    def sniff(self, head: bytes) -> bool:
        """Never claims a file or stdin."""
        return False

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield the jobs (API-shape records) and the gaps (SOURCE problems) of ``location``."""
        from checker.aws.location import LocationError, parse_location, redact

        if stream is not None:
            yield source_problem("the aws source reads aws:// locations (scan --aws ...), not files or stdin",
                                 location)
            return
        try:
            target = parse_location(location)
        except LocationError as exc:
            yield source_problem(str(exc), redact(location))
            return
        from checker.aws.fanout import scan_live
        from checker.aws.faults import Scrubber

        try:
            yield from scan_live(target)
        except Exception as exc:  # noqa: BLE001 - a bug of ours must still be a reported, scrubbed gap
            yield source_problem(Scrubber()(f"the aws source failed: {type(exc).__name__}: {exc}"),
                                 target.uri(redact=True))


SOURCE = AwsSource()
