"""Allowlist patterns: shell-style globs with placeholders for the job's own identity.

Every rule with an allowlist (role ARNs, subnets, security groups, KMS keys, buckets, models, regions)
matches through these functions, so all of them read patterns the same way:

* ``*`` matches any run of characters *including* ``/`` and ``:``; ``?`` one character; ``[...]`` a set
  (:func:`fnmatch.fnmatchcase` -- always case-sensitive, whatever the operating system);
* ``{account_id}``, ``{region}`` and ``{partition}`` stand for the job's own account ID, region and
  partition, as read from its job ARN (``arn:aws:bedrock:us-east-1:123456789012:...``).

Pure functions, no I/O: rules (and third-party rule packs) may import them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from checker.model import Job


def expand(pattern: str, job: Job) -> str:
    """``pattern`` with ``{account_id}``, ``{region}`` and ``{partition}`` filled from ``job``'s ARN.

    ``"arn:{partition}:iam::{account_id}:role/*"`` -> ``"arn:aws:iam::123456789012:role/*"``. An unknown
    account or region becomes ``?`` (which then matches no 12-digit account); an unknown partition
    becomes ``aws``.
    """
    return (pattern.replace("{account_id}", job.account_id or "?")
            .replace("{region}", job.region or "?")
            .replace("{partition}", job.partition or "aws"))


def expand_all(patterns: Iterable[str], job: Job) -> list[str]:
    """:func:`expand` applied to every pattern, in order."""
    return [expand(pattern, job) for pattern in patterns]


def matches_any(value: str, patterns: Iterable[str]) -> bool:
    """True when ``value`` matches at least one (already expanded) glob of ``patterns``."""
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def first_unlisted(values: Sequence[str], patterns: Sequence[str]) -> tuple[int, str] | None:
    """``(index, value)`` of the first value matching none of ``patterns``; ``None`` when every value
    is listed. An empty ``patterns`` lists nothing, so any value is unlisted."""
    for index, value in enumerate(values):
        if not matches_any(value, patterns):
            return index, value
    return None
