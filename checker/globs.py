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
import functools
import re
from collections.abc import Iterable, Sequence

from checker.model import Job


def expand(pattern: str, job: Job) -> str:
    """``pattern`` with ``{account_id}``, ``{region}`` and ``{partition}`` filled from ``job``'s ARN.

    ``"arn:{partition}:iam::{account_id}:role/*"`` -> ``"arn:aws:iam::123456789012:role/*"``. An unknown
    account or region becomes ``?`` (which then matches no 12-digit account); an unknown partition
    becomes ``aws``.
    """
    return expand_all((pattern,), job)[0]


def expand_all(patterns: Sequence[str], job: Job) -> list[str]:
    """:func:`expand` applied to every pattern, in order (the job's ARN is parsed once)."""
    if not any("{" in pattern for pattern in patterns):
        return list(patterns)
    return list(_expanded(tuple(patterns), job.account_id or "?", job.region or "?", job.partition or "aws"))


@functools.lru_cache(maxsize=4096)
def _expanded(patterns: tuple[str, ...], account: str, region: str, partition: str) -> tuple[str, ...]:
    """The expansion for one identity; cached, since jobs of one account and region share it."""
    return tuple(pattern.replace("{account_id}", account).replace("{region}", region)
                 .replace("{partition}", partition) for pattern in patterns)


@functools.lru_cache(maxsize=4096)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression matching what any of ``patterns`` matches (``fnmatch.translate``)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns))


def matches_any(value: str, patterns: Iterable[str]) -> bool:
    """True when ``value`` matches at least one (already expanded) glob of ``patterns``; never for an
    empty ``patterns``."""
    key = tuple(patterns)
    return bool(key) and _compiled(key).match(value) is not None


def first_unlisted(values: Sequence[str], patterns: Sequence[str]) -> tuple[int, str] | None:
    """``(index, value)`` of the first value matching none of ``patterns``; ``None`` when every value
    is listed. An empty ``patterns`` lists nothing, so any value is unlisted."""
    for index, value in enumerate(values):
        if not matches_any(value, patterns):
            return index, value
    return None
