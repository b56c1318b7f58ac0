"""BA014 idempotency-token: the job was submitted with a client request token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, passed


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``client_request_token`` is null or blank, unless the job's facts say a token is
    generated on create (the Terraform provider sends one)."""
    token = job.get("client_request_token")
    if isinstance(token, str) and token.strip():
        return passed()
    if job.facts.get("client_request_token"):
        return passed()
    return failed("job was submitted without a client request token (clientRequestToken): a retried "
                  "request can start the same job twice", "/client_request_token")


RULE = Rule(
    id="BA014",
    name="idempotency-token",
    title="Job was submitted with an idempotency token",
    description="The job's client_request_token (clientRequestToken) is present and not blank.",
    rationale=(
        "CreateModelInvocationJob is idempotent only through clientRequestToken: 'If this token matches "
        "a previous request, Amazon Bedrock ignores the request' (botocore bedrock/2023-04-20, where the "
        "member is an idempotencyToken that the AWS SDKs fill in when the caller does not). A job without "
        "one was submitted by a client that sends none, so a retried request could have started a "
        "duplicate job -- processing the data twice and paying twice -- and the job cannot be correlated with the "
        "request that created it."
    ),
    remediation=(
        "Submit jobs through an AWS SDK (which fills clientRequestToken) or pass a unique "
        "clientRequestToken per logical job, e.g. derived from the pipeline run id."
    ),
    severity=Severity.LOW,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html",
    categories=("reliability", "cost"),
    columns=("client_request_token",),
    controls={
        "nist-800-53": {
            "AU-3": "Audit content: the token ties each job to the request and pipeline run that created it.",
            "CM-6": "Configuration settings: job submission follows the client baseline (SDK idempotency).",
        },
    },
)
