"""BA009 job-name-pattern: the job name follows the naming convention (disabled until configured)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.globs import compiled_regex


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``job_name`` does not fully match the regular expression ``pattern``."""
    name = job.get("job_name")
    if name is None:
        return not_applicable("job_name is null")
    pattern = params["pattern"]
    if compiled_regex(pattern).fullmatch(name):
        return passed()
    return failed(f"job name {name!r} does not match {pattern}", "/job_name")


RULE = Rule(
    id="BA009",
    name="job-name-pattern",
    title="Job name follows the naming convention",
    description=(
        "The job name fully matches the regular expression pattern (Python syntax, matched against the "
        "whole name). Off until configured: pattern has no default."
    ),
    rationale=(
        "Job names are how people find a job in the console, in ListModelInvocationJobs (nameContains "
        "filter) and in bills; jobs cannot be deleted (Terraform aws_bedrock_model_invocation_job docs), "
        "so names that encode team, purpose and date keep years of history attributable. The service "
        "only enforces 1-63 characters of [a-zA-Z0-9+-.] (ModelInvocationJobName shape, botocore "
        "bedrock/2023-04-20)."
    ),
    remediation="Submit jobs with a jobName that matches the convention (CreateModelInvocationJob jobName).",
    severity=Severity.LOW,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html",
    categories=("governance",),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["pattern"],
        "properties": {
            "pattern": {
                "description": "Regular expression the whole job name must match, e.g. "
                               "\"(claims|support)-[a-z0-9-]+-[0-9]{8}\".",
                "type": "string", "minLength": 1, "format": "regex",
            },
        },
    },
    enabled_by_default=False,
    columns=("job_name",),
    controls={
        "nist-800-53": {
            "CM-8": "Component inventory: every job is identifiable and attributable by its name.",
        },
    },
)
