"""BA002 role-arn-allowlist: the job's service role matches an allowed ARN pattern."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.globs import allowlist


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``role_arn`` matches none of ``allowed`` (globs; ``*`` also matches ``/``)."""
    role = job.get("role_arn")
    if role is None:
        return not_applicable("role_arn is null")
    allowed = allowlist(params["allowed"], job)  # expanded and compiled once per job identity (cached)
    if allowed.matches(role):
        return passed()
    patterns = ", ".join(allowed.patterns)
    role_account = role.split(":")[4] if role.count(":") >= 5 else ""
    if role_account and job.account_id and role_account != job.account_id:
        return failed(f"service role {role} is in account {role_account}, not the job's account "
                      f"{job.account_id}, and matches no allowed pattern ({patterns})", "/role_arn")
    return failed(f"service role {role} matches no allowed pattern ({patterns})", "/role_arn")


RULE = Rule(
    id="BA002",
    name="role-arn-allowlist",
    title="Service role is an approved role of the job's own account",
    description=(
        "The job's service role (roleArn) matches one of the allowed ARN globs. In a pattern, "
        "{account_id} stands for the job's own account, {region} for its region and {partition} for its "
        "partition. The default "
        "allows any role of the job's account, so cross-account roles fail."
    ),
    rationale=(
        "The service role is what Amazon Bedrock assumes to read the input and write the output; it "
        "decides which data the job can reach (Bedrock user guide, batch-iam-sr.html). A role from "
        "another account, or an ad-hoc role outside the approved set, moves that trust boundary. roleArn "
        "is required in CreateModelInvocationJob (botocore bedrock/2023-04-20)."
    ),
    remediation=(
        "Submit the job with roleArn set to an approved role in the job's account (for example a "
        "dedicated arn:aws:iam::<account>:role/bedrock-batch-* role whose trust policy names "
        "bedrock.amazonaws.com with aws:SourceAccount and aws:SourceArn conditions)."
    ),
    severity=Severity.HIGH,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html",
    categories=("identity", "least-privilege"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "allowed": {
                "description": "Role ARN globs; {account_id}, {region}, {partition} = the job's.",
                "type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
                "default": ["arn:{partition}:iam::{account_id}:role/*"],
            },
        },
    },
    columns=("role_arn", "job_arn", "account_id"),
    controls={
        "nist-800-53": {
            "AC-6": "Least privilege: jobs use only approved service roles of their own account.",
            "AC-3": "Access enforcement: the role that reaches the job's data is one the organisation "
                    "governs.",
        },
    },
)
