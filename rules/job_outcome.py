"""BA011 job-outcome: finished jobs that did not complete are reported with the service's message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.text import clip

FINISHED_STATUSES = frozenset({"Completed", "Failed", "Stopped", "PartiallyCompleted", "Expired"})
"""Terminal statuses (ModelInvocationJobStatus, botocore bedrock/2023-04-20; Terraform treats them as
"no Stop needed", hashicorp/terraform-provider-aws model_invocation_job.go)."""

MEANING = {
    "Failed": "the job failed",
    "Stopped": "the job was stopped by a user",
    "PartiallyCompleted": "not all records could be processed in time",
    "Expired": "the job was scheduled but did not begin before its timeout",
}
"""What each unsuccessful outcome means, condensed from the ``status`` member documentation of
GetModelInvocationJobResponse (botocore bedrock/2023-04-20)."""

MAX_MESSAGE = 2048
"""The Message shape's maximum length (botocore bedrock/2023-04-20); longer text is cut."""


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """PASS for Completed; FAIL (an ``info`` finding by default) for Failed, Stopped, PartiallyCompleted
    and Expired, quoting the job's ``message``; SKIP for a job that has not ended."""
    status = job.get("status")
    if status == "Completed":
        return passed()
    if status not in MEANING:
        return not_applicable(f"the job has not ended (status {status})")
    message = job.get("message")
    if isinstance(message, str) and message.strip():
        return failed(f"job ended {status} ({MEANING[status]}): {clip(message.strip(), MAX_MESSAGE)}", "/message")
    return failed(f"job ended {status} ({MEANING[status]}); the service recorded no message", "/status")


RULE = Rule(
    id="BA011",
    name="job-outcome",
    title="Job completed (failed, stopped, expired and partial jobs are reported)",
    description=(
        "Reports every finished job that did not complete -- Failed, Stopped, PartiallyCompleted, "
        "Expired -- with the service's message, so an audit shows what broke; Completed jobs pass and "
        "jobs that have not ended are not applicable. Severity info: reported, but it fails the gate "
        "only with fail-on = \"info\" (or a severity override)."
    ),
    rationale=(
        "The status documentation of GetModelInvocationJob (botocore bedrock/2023-04-20) defines the "
        "unsuccessful outcomes: Failed ('check the failure message'), Stopped (by a user), "
        "PartiallyCompleted ('not all of your records could be processed in time') and Expired "
        "('scheduled but didn't begin before the set timeout duration'); message holds the reason "
        "(up to 2048 characters). Failures during validation often point at permission or data "
        "problems (the service role cannot read the input, malformed JSONL) that are themselves "
        "findings."
    ),
    remediation=(
        "Read the message (GetModelInvocationJob message), fix the cause -- service-role permissions, "
        "input format or record-count quotas, a timeout too short for the queue -- and submit the job "
        "again; for PartiallyCompleted jobs, resubmit the unprocessed records with a longer "
        "timeoutDurationInHours."
    ),
    severity=Severity.INFO,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-monitor.html",
    categories=("lifecycle", "reliability"),
    applies_to=FINISHED_STATUSES,
    columns=("status", "message"),
    controls={
        "nist-800-53": {
            "AU-6": "Audit review: failed and cut-short jobs are surfaced with their cause for review.",
            "SI-4": "System monitoring: unsuccessful processing of organisational data is reported.",
        },
    },
)
