"""BA013 vpc-allowlist: every subnet and security group of the job is approved (disabled until configured)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.globs import allowlist, first_unlisted


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when a subnet matches no glob of ``allowed_subnets`` or a security group none of
    ``allowed_security_groups``. A job without a VPC configuration is not applicable (BA001 reports it)."""
    vpc = job.get("vpc_config")
    if vpc is None:
        return not_applicable("vpc_config is null (BA001 vpc-config-required reports that)")
    for field, kind, option in (("subnet_ids", "subnet", "allowed_subnets"),
                                ("security_group_ids", "security group", "allowed_security_groups")):
        allowed = allowlist(params[option], job)
        unlisted = first_unlisted(vpc.get(field) or [], allowed)
        if unlisted is not None:
            index, value = unlisted
            return failed(f"{kind} {value} matches no pattern of {option} ({', '.join(allowed.patterns)})",
                          f"/vpc_config/{field}/{index}")
    return passed()


RULE = Rule(
    id="BA013",
    name="vpc-allowlist",
    title="Job uses only approved subnets and security groups",
    description=(
        "Every subnet of the job's VPC configuration matches a glob of allowed_subnets and every security "
        "group one of allowed_security_groups. Both lists are required (write [\"*\"] to accept any "
        "value on one side). Jobs without a VPC configuration are not applicable: BA001 "
        "vpc-config-required reports them. Off until configured."
    ),
    rationale=(
        "A VPC configuration protects the job's data only if its network interfaces land in private "
        "subnets whose routes lead to S3 through VPC endpoints, under security groups that allow nothing "
        "else (Bedrock user guide, batch-vpc.html; Datadog CSM rule def-000-eeg fails jobs in subnets "
        "with a default route to an internet or NAT gateway). vpcConfig takes 1-16 subnets and 1-5 "
        "security groups (botocore bedrock/2023-04-20), none of which the service vets."
    ),
    remediation=(
        "Submit the job with vpcConfig.subnetIds and vpcConfig.securityGroupIds drawn from the approved "
        "private subnets and security groups, or add them to the allowlists after review. A submitted "
        "job cannot be changed: stop it and submit it again."
    ),
    severity=Severity.MEDIUM,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-vpc.html",
    categories=("network",),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["allowed_subnets", "allowed_security_groups"],
        "properties": {
            "allowed_subnets": {
                "description": "Globs every subnet id must match, e.g. [\"subnet-0a1b2c3d4e5f67890\"].",
                "type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
            },
            "allowed_security_groups": {
                "description": "Globs every security group id must match, e.g. [\"sg-0123456789abcdef0\"].",
                "type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
            },
        },
    },
    enabled_by_default=False,
    columns=("vpc_config",),
    controls={
        "nist-800-53": {
            "SC-7": "Boundary protection: jobs attach only to the approved, private network segments.",
            "CM-6": "Configuration settings: subnet and security-group choices follow the approved baseline.",
        },
    },
)
