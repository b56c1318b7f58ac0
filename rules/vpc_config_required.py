"""BA001 vpc-config-required: the job runs with a VPC configuration (subnets and security groups)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, passed
from checker.globs import first_unlisted


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when ``vpc_config`` is null or lacks subnets or security groups, or (with allowlists set) a
    subnet or security group is not allowed."""
    vpc = job.get("vpc_config")
    if vpc is None:
        return failed("no VPC configuration: the job reads and writes S3 outside any VPC you control",
                      "/vpc_config")
    subnets = vpc.get("subnet_ids") or []
    groups = vpc.get("security_group_ids") or []
    if not subnets:
        return failed("VPC configuration has no subnets", "/vpc_config/subnet_ids")
    if not groups:
        return failed("VPC configuration has no security groups", "/vpc_config/security_group_ids")
    if not params["allowed_subnets"] and not params["allowed_security_groups"]:
        return passed()  # no allowlists (the default)
    for field, values, allowed in (("subnet_ids", subnets, params["allowed_subnets"]),
                                   ("security_group_ids", groups, params["allowed_security_groups"])):
        unlisted = first_unlisted(values, allowed) if allowed else None
        if unlisted is not None:
            index, value = unlisted
            kind = "subnet" if field == "subnet_ids" else "security group"
            return failed(f"{kind} {value} is not in the allowed list", f"/vpc_config/{field}/{index}")
    return passed()


RULE = Rule(
    id="BA001",
    name="vpc-config-required",
    title="Batch inference job runs inside a VPC",
    description=(
        "The job has a VPC configuration (vpcConfig) with at least one subnet and one security group, so "
        "Amazon Bedrock reaches the job's S3 input and output through your VPC. Optionally, every subnet "
        "and security group must match an allowlist (globs)."
    ),
    rationale=(
        "AWS: 'Set up a VPC to protect the data in your S3 buckets' for batch inference; with a VPC, "
        "traffic goes through network interfaces in your subnets and can be held to S3 VPC endpoints and "
        "bucket policies (Bedrock user guide, batch-vpc.html). Datadog's CSM rule def-000-eeg flags jobs "
        "without one. The field is optional in CreateModelInvocationJob (botocore bedrock/2023-04-20), "
        "and the console cannot set it, so it is easily missed."
    ),
    remediation=(
        "Create the job with the API and set vpcConfig = {subnetIds: [...], securityGroupIds: [...]} "
        "(1-16 private subnets, 1-5 security groups); give the service role the ec2:Describe* and "
        "ec2:CreateNetworkInterface permissions batch-vpc.html lists. A running job cannot be changed: "
        "stop it and submit it again."
    ),
    severity=Severity.HIGH,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-vpc.html",
    categories=("network", "data-protection"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "allowed_subnets": {
                "description": "Globs every subnet id must match (empty: any subnet).",
                "type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
            },
            "allowed_security_groups": {
                "description": "Globs every security group id must match (empty: any security group).",
                "type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
            },
        },
    },
    columns=("vpc_config",),
    controls={
        "nist-800-53": {
            "SC-7": "Boundary protection: the job's traffic to S3 passes through network interfaces in "
                    "subnets the organisation controls.",
            "AC-4": "Information flow enforcement: data movement can be held to VPC endpoints and bucket "
                    "policies.",
        },
    },
)
