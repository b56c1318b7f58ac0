"""BA008 region-allowlist: the job runs in an approved region (data residency; disabled until configured)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, passed
from checker.globs import matches_any


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when the region in the job ARN matches none of ``allowed`` (globs such as ``eu-*``)."""
    region = job.region
    if region is None:  # the table schema requires a job ARN with a region; defensive
        return failed(f"job ARN {job.job_arn} names no region", "/job_arn")
    if matches_any(region, params["allowed"]):
        return passed()
    return failed(f"job runs in region {region}, which is not allowed ({', '.join(params['allowed'])})",
                  "/job_arn")


RULE = Rule(
    id="BA008",
    name="region-allowlist",
    title="Job runs in an approved region",
    description=(
        "The job's region, read from its job ARN (the table has no region column), matches one of the "
        "allowed region globs (e.g. \"eu-*\"). Off until configured: allowed has no default."
    ),
    rationale=(
        "A batch job processes its records in the region it was created in (its ARN, "
        "arn:aws:bedrock:REGION:ACCOUNT:model-invocation-job/ID, ModelInvocationJobArn shape, botocore "
        "bedrock/2023-04-20); data-residency commitments (e.g. EU-only processing) are kept by running "
        "jobs only in approved regions. Bedrock has a control-plane endpoint in 33 commercial regions "
        "(botocore endpoints.json), so a job in an unexpected region is easy to create."
    ),
    remediation=(
        "Create the job with a Bedrock client for an approved region (and an input/output bucket in that "
        "region); consider an SCP with aws:RequestedRegion to deny bedrock:CreateModelInvocationJob "
        "elsewhere."
    ),
    severity=Severity.MEDIUM,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html",
    categories=("data-residency", "governance"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["allowed"],
        "properties": {
            "allowed": {
                "description": "Region globs, e.g. [\"eu-west-1\", \"eu-central-*\"].",
                "type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z0-9*?\\[\\]-]+$"},
            },
        },
    },
    enabled_by_default=False,
    columns=("job_arn",),
    controls={
        "nist-800-53": {
            "SA-9(5)": "Processing location: jobs process data only in approved regions.",
            "AC-4": "Information flow: records do not leave the approved geography through a job.",
        },
    },
)
