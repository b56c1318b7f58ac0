"""Waiver guardrails: a waiver must name the jobs it excuses and must not last for years.

Two mistakes turn a waiver into a silent hole in a CI gate: a job pattern that matches every job
(``*``, ``arn:*``, ``arn:aws:bedrock:*``: the rule is off for the whole estate, but reports still show
a waiver with an owner, which looks like an exception) and an expiry so far away that nobody reviews it
again. Both are refused by default (exit 2, naming the waiver and the reason): a security gate should
fail closed on a policy mistake. The policy file -- not a ``--waivers`` file -- can relax them:
``waiver-max-days`` (default :data:`DEFAULT_MAX_DAYS`) and ``waiver-guardrails = "warn"`` (the same
findings become warnings in every report).

"Matches every job" is decided on sample jobs: a job glob that matches each of :data:`SAMPLE_ARNS`, each
of :data:`SAMPLE_NAMES` or each of :data:`SAMPLE_ADDRESSES` (planned jobs), matches every job -- unless
the waiver's ``account``, ``region`` or ``tags`` narrow it (an ``account``/``region`` glob that also
matches every sample does not).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from checker.errors import ConfigError

if TYPE_CHECKING:
    from checker.waivers import Waiver

DEFAULT_MAX_DAYS = 365
"""Longest a waiver may run from the scan's day to its ``expires`` (policy key ``waiver-max-days``)."""
MODES = ("refuse", "warn")
"""Values of the policy key ``waiver-guardrails`` (default ``refuse``)."""

_SAMPLES = (("us-east-1", "123456789012", "a1b2c3d4e5f6"), ("eu-central-1", "000000000000", "zzzzzzzzzzzz"),
            ("ap-southeast-2", "987654321098", "0123456789ab"))
SAMPLE_ARNS = tuple(f"arn:aws:bedrock:{region}:{account}:model-invocation-job/{job_id}"
                    for region, account, job_id in _SAMPLES)
"""Job ARNs of different regions, accounts and job ids (ARN format: Bedrock user guide, batch inference)."""
SAMPLE_NAMES = ("a", "Z9", "nightly-claims-20250601", "x.y+z")
"""Job names of different shapes (jobName pattern ``[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}``,
botocore bedrock/2023-04-20)."""
SAMPLE_ADDRESSES = ("aws_bedrock_model_invocation_job.nightly",
                    "module.batch.aws_bedrock_model_invocation_job.this[0]",
                    'module.a.module.b.aws_bedrock_model_invocation_job.x["eu"]')
"""Terraform resource addresses of planned jobs (a waiver's job glob also matches those)."""


def matches_every_job(waiver: Waiver) -> bool:
    """True when ``waiver`` covers every job: its job glob matches every sample ARN or every sample job
    name, and no ``account``, ``region`` or ``tags`` condition narrows it."""
    def everywhere(pattern: str, samples: Sequence[str]) -> bool:
        return all(fnmatch.fnmatchcase(sample, pattern) for sample in samples)

    if not any(everywhere(waiver.job, samples) for samples in (SAMPLE_ARNS, SAMPLE_NAMES, SAMPLE_ADDRESSES)):
        return False
    if waiver.account is not None and not everywhere(waiver.account, [account for _, account, _ in _SAMPLES]):
        return False
    if waiver.region is not None and not everywhere(waiver.region, [region for region, _, _ in _SAMPLES]):
        return False
    return not waiver.tags


def guardrail_findings(waiver: Waiver, now: datetime, max_days: int) -> list[str]:
    """What is wrong with ``waiver`` (each a sentence starting with its origin), ``[]`` when nothing.
    ``now``: the scan's clock (aware UTC); ``max_days``: the longest allowed run, days."""
    return [text for text, _ in _findings(waiver, now, max_days)]


def _findings(waiver: Waiver, now: datetime, max_days: int) -> list[tuple[str, bool]]:
    """:func:`guardrail_findings`, each with whether it is about the expiry (raising ``max_days`` helps)."""
    found = []
    if matches_every_job(waiver):
        found.append((f"{waiver.origin}: job {waiver.job!r} matches every job and no account, region or tags "
                      "narrows it: a waiver must name the jobs it excuses (to turn a rule off for every job, use "
                      "ignore or [rules.ID] enabled = false instead)", False))
    days = (waiver.expires - now.date()).days
    if days > max_days:
        found.append((f"{waiver.origin}: expires {waiver.expires.isoformat()} is {days} days away, more than "
                      f"waiver-max-days ({max_days}): a waiver is reviewed when it lapses; shorten expires", True))
    return found


def check_waivers(waivers: Sequence[Waiver], now: datetime, max_days: int = DEFAULT_MAX_DAYS,
                  mode: str = "refuse") -> list[str]:
    """Apply the guardrails to ``waivers``. ``mode`` ``"refuse"``: raise :class:`ConfigError` (exit 2)
    naming the first finding and how many more there are; ``"warn"``: return the findings as warnings
    for every report (each prefixed ``waiver guardrail:``)."""
    found = [finding for waiver in waivers for finding in _findings(waiver, now, max_days)]
    if not found:
        return []
    if mode == "warn":
        return [f"waiver guardrail: {text}" for text, _ in found]
    more = f" (and {len(found) - 1} more guardrail findings)" if len(found) > 1 else ""
    # Raising waiver-max-days is a way out only when every finding is about the expiry.
    raise_max = " (or raise waiver-max-days)" if all(expiry for _, expiry in found) else ""
    raise ConfigError(f"{found[0][0]}{more}; to accept such waivers, set waiver-guardrails = \"warn\"{raise_max} "
                      "in the policy file")
