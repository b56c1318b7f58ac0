"""BA010 stale-active-job: an active job is past its expiration time or has been active too long."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from checker import Job, Rule, Severity, UnknownData, Verdict, failed, not_applicable, passed
from checker.timeutil import format_rfc3339

ACTIVE_STATUSES = frozenset({"Submitted", "Validating", "Scheduled", "InProgress", "Stopping"})
"""Statuses of a job that has not ended (ModelInvocationJobStatus, botocore bedrock/2023-04-20; the
other five -- Completed, Failed, Stopped, PartiallyCompleted, Expired -- are terminal)."""


def _stamp(moment: datetime) -> str:
    return format_rfc3339(moment, "seconds")


def _duration(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``job.now`` is more than ``grace_minutes`` past ``job_expiration_time``, or more than
    ``max_active_hours`` after ``submit_time``. The clock is the scan's (``--now``), never the system's.

    Raises :class:`UnknownData` (ERROR, exit 3) when the clock is more than ``grace_minutes`` before
    ``submit_time``: the export was taken after the clock (``--now`` set too early), so the job's age
    cannot be judged -- it must not pass for looking young."""
    status = job.get("status")
    if status is None:
        return not_applicable("status is null")
    if status not in ACTIVE_STATUSES:
        return not_applicable(f"the job has ended (status {status})")
    now = job.now
    expires = job.timestamp("job_expiration_time")
    submitted = job.timestamp("submit_time")
    limit = params["max_active_hours"]
    if expires is None and (submitted is None or limit is None):
        return not_applicable("job_expiration_time is null and there is no submit_time/max_active_hours "
                              "to judge the job's age by")
    grace = timedelta(minutes=params["grace_minutes"])
    if submitted is not None and now + grace < submitted:
        raise UnknownData("submit_time", f"the scan clock {_stamp(now)} is before the job's submit_time "
                                         f"{_stamp(submitted)}: set --now to when the export was taken")
    if expires is not None and now > expires + grace:
        return failed(f"job is still {status} {_duration(now - expires)} after its expiration time "
                      f"{_stamp(expires)} (scan clock {_stamp(now)})", "/job_expiration_time")
    if submitted is not None and limit is not None and now - submitted > timedelta(hours=limit):
        return failed(f"job has been {status} for {_duration(now - submitted)} since {_stamp(submitted)}, "
                      f"longer than max_active_hours = {limit} (scan clock {_stamp(now)})", "/submit_time")
    return passed()


RULE = Rule(
    id="BA010",
    name="stale-active-job",
    title="No job stays active past its expiration",
    description=(
        "A job that has not ended (Submitted, Validating, Scheduled, InProgress, Stopping) fails when "
        "the scan's clock is more than grace_minutes past its job_expiration_time, or more than "
        "max_active_hours (default 168, the longest timeout the service accepts; null: no limit) past "
        "its submit_time. The clock is --now (default: the current time): scan an old export with "
        "--now set to when it was taken; a clock more than grace_minutes before the job's submit_time "
        "cannot judge its age and is an ERROR."
    ),
    rationale=(
        "jobExpirationTime is 'the time at which the batch inference job times or timed out'; a job "
        "still active after it -- or after the 168-hour maximum of timeoutDurationInHours "
        "(ModelInvocationJobTimeoutDurationInHours, botocore bedrock/2023-04-20) -- is stuck, or the "
        "record is stale. Either way it keeps the service role's access to the input and output "
        "buckets alive and blocks the per-model, per-region job quota (AWS ML blog: 10 batch jobs per "
        "model per region), and nobody notices because jobs cannot be deleted."
    ),
    remediation=(
        "Check the job with GetModelInvocationJob; stop it with StopModelInvocationJob (you are charged "
        "only for tokens already processed) and open a support case if it does not end, or refresh the "
        "export if the record is out of date."
    ),
    severity=Severity.MEDIUM,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-stop.html",
    categories=("lifecycle", "cost"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "max_active_hours": {
                "description": "Longest a job may be active after submission, hours (null: no limit).",
                "type": ["integer", "null"], "minimum": 1, "default": 168,
            },
            "grace_minutes": {
                "description": "How long past job_expiration_time a job may still show as active, minutes.",
                "type": "integer", "minimum": 0, "default": 60,
            },
        },
    },
    applies_to=ACTIVE_STATUSES,
    columns=("status", "job_expiration_time", "submit_time"),
    controls={
        "nist-800-53": {
            "CA-7": "Continuous monitoring: jobs the service should already have ended are surfaced.",
            "SI-4": "System monitoring: a job holding its service role's data access past its "
                    "expiry is detected.",
        },
    },
)
