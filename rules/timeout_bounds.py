"""BA003 timeout-bounds: the job's timeout lies within the organisation's bounds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``timeout_duration_in_hours`` is outside ``[min_hours, max_hours]``, or unset (unless
    ``allow_unset``)."""
    hours = job.get("timeout_duration_in_hours")
    low, high = params["min_hours"], params["max_hours"]
    if hours is None:
        if params["allow_unset"]:
            return not_applicable("no timeout set (allow_unset = true)")
        return failed(f"no timeout set; set timeoutDurationInHours between {low} and {high}",
                      "/timeout_duration_in_hours")
    if hours < low:
        return failed(f"timeout {hours} h is below the minimum of {low} h", "/timeout_duration_in_hours")
    if hours > high:
        return failed(f"timeout {hours} h is above the maximum of {high} h", "/timeout_duration_in_hours")
    return passed()


RULE = Rule(
    id="BA003",
    name="timeout-bounds",
    title="Job timeout is within the allowed range",
    description=(
        "The job's timeoutDurationInHours is set and lies between min_hours and max_hours (defaults 24 "
        "and 72). The service accepts 24-168 hours; the upper bound here is organisation policy."
    ),
    rationale=(
        "The timeout bounds how long a job can hold the service role's access to your data and keep "
        "spending: a job still queued when it runs out ends as Expired, one still running as "
        "PartiallyCompleted (status documentation, botocore bedrock/2023-04-20; range 24-168 h from the "
        "ModelInvocationJobTimeoutDurationInHours shape). No default is documented, so an unset timeout "
        "leaves the duration to the service."
    ),
    remediation=(
        "Submit the job with timeoutDurationInHours set within the allowed range (CreateModelInvocationJob)."
    ),
    severity=Severity.MEDIUM,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html",
    categories=("cost", "availability"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min_hours": {"description": "Lowest allowed timeout, hours.", "type": "integer",
                          "minimum": 24, "maximum": 168, "default": 24},
            "max_hours": {"description": "Highest allowed timeout, hours.", "type": "integer",
                          "minimum": 24, "maximum": 168, "default": 72},
            "allow_unset": {"description": "A job without a timeout is not a finding.", "type": "boolean",
                            "default": False},
        },
    },
    columns=("timeout_duration_in_hours",),
    controls={
        "nist-800-53": {
            "CM-6": "Configuration settings: the job timeout is held to the approved range.",
            "AC-12": "The service role's access for a job ends when its bounded timeout runs out.",
        },
    },
)
