"""The one reader of ARNs (Amazon Resource Names): ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``.

Format: AWS General Reference, "Amazon Resource Names (ARNs)"; the job ARN of a batch inference job is
``arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x7k2m9q4p1ab``.
"""

from __future__ import annotations

from typing import Any


def arn_parts(arn: str) -> dict[str, str]:
    """Partition, region and account of a Bedrock ARN; ``{}`` if it is not one.

    ``"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc"`` ->
    ``{"partition": "aws", "region": "us-east-1", "account": "123456789012"}`` (an empty region or
    account is left out).
    """
    # what ^arn:(?P<partition>[^:]+):bedrock:(?P<region>[^:]*):(?P<account>[^:]*): matches, without a
    # regular expression (every job's ARN is split, so this is on the scan's hot path)
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[1] or parts[2] != "bedrock":
        return {}
    found = {"partition": parts[1]}
    if parts[3]:
        found["region"] = parts[3]
    if parts[4]:
        found["account"] = parts[4]
    return found


def arn_account(arn: Any) -> str | None:
    """The account field of any ARN (any service), or ``None`` when ``arn`` is not a string with six
    ``:``-separated fields or its account field is empty: ``"arn:aws:iam::123456789012:role/x"`` ->
    ``"123456789012"``."""
    if isinstance(arn, str):
        parts = arn.split(":", 5)
        if len(parts) == 6 and parts[4]:
            return parts[4]
    return None
