"""BA012 expiration-consistency: the expiration time agrees with the submit time plus the timeout."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.timeutil import format_rfc3339


@functools.lru_cache(maxsize=256)
def _timeout(hours: int) -> timedelta:
    """``timedelta(hours=hours)``, built once per distinct timeout (the service allows 24-168 hours)."""
    return timedelta(hours=hours)


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``job_expiration_time`` differs from ``submit_time + timeout_duration_in_hours`` by more
    than ``tolerance_minutes``. Not applicable to a planned job (no times before it runs)."""
    if job.planned:
        return not_applicable("planned job (it has no submit or expiration time before it runs)")
    expires = job.timestamp("job_expiration_time")
    submitted = job.timestamp("submit_time")
    hours = job.get("timeout_duration_in_hours")
    if expires is None or submitted is None or hours is None:
        nulls = [name for name, value in (("job_expiration_time", expires), ("submit_time", submitted),
                                          ("timeout_duration_in_hours", hours)) if value is None]
        return not_applicable(f"{' and '.join(nulls)} {'is' if len(nulls) == 1 else 'are'} null")
    expected = submitted + _timeout(hours)
    off = expires - expected
    minutes = abs(off.total_seconds()) / 60
    if minutes <= params["tolerance_minutes"]:
        return passed()
    direction = "later" if off > timedelta(0) else "earlier"
    shown = f"{minutes / 60:.1f} h" if minutes >= 120 else f"{minutes:.0f} min"
    return failed(
        f"job_expiration_time {format_rfc3339(expires)} is {shown} {direction} than "
        f"submit_time + timeout ({hours} h) = {format_rfc3339(expected)}; tolerance "
        f"{params['tolerance_minutes']} min", "/job_expiration_time")


RULE = Rule(
    id="BA012",
    name="expiration-consistency",
    title="Expiration time matches submit time plus timeout",
    description=(
        "job_expiration_time lies within tolerance_minutes (default 60) of submit_time + "
        "timeout_duration_in_hours. A mismatch means the record was edited, mis-exported (e.g. a "
        "timestamp shifted by a time zone) or the timeout was reported wrongly. Not applicable when any "
        "of the three is null."
    ),
    rationale=(
        "jobExpirationTime is 'the time at which the batch inference job times or timed out' and "
        "timeoutDurationInHours 'the number of hours after which to force the batch inference job to "
        "time out' (botocore bedrock/2023-04-20); an Expired job is one 'scheduled but didn't begin "
        "before the set timeout duration', so the timeout runs from submission and the two fields "
        "determine each other. Other rules (timeout bounds, stale jobs) trust these fields, so a record "
        "where they disagree is audit evidence that cannot be taken at face value. The exact offset the "
        "service uses is not documented, hence the tolerance."
    ),
    remediation=(
        "Re-export the record from the source of truth (GetModelInvocationJob or the Datadog table) "
        "and check the export's time-zone handling (DDSQL timestamps are UTC without a zone)."
    ),
    severity=Severity.LOW,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetModelInvocationJob.html",
    categories=("integrity",),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "tolerance_minutes": {
                "description": "Largest accepted difference, minutes.",
                "type": "integer", "minimum": 0, "default": 60,
            },
        },
    },
    columns=("job_expiration_time", "submit_time", "timeout_duration_in_hours"),
    controls={
        "nist-800-53": {
            "SI-7": "Information integrity: job records whose fields contradict each other are flagged.",
            "AU-9": "Job records used as audit evidence are checked for signs of alteration.",
        },
    },
)
