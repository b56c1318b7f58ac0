"""BA005 output-kms-cmk: the job's output is encrypted with a customer managed KMS key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.globs import allowlist, matches_any

POINTER = "/output_data_config/s3_output_data_config/s3_encryption_key_id"
_KMS_ARN = re.compile(r"^arn:(?P<partition>[^:]+):kms:(?P<region>[^:]*):(?P<account>[0-9]{12}):(?P<resource>.+)$")


def key_arn(key: str, job: Job) -> str:
    """The full ARN of ``key`` as written in ``s3EncryptionKeyId`` (KmsKeyId shape: key ARN, alias ARN,
    bare key id or ``alias/NAME``). A bare id or alias names a key of the job's own account and region
    (KMS resolves them in the caller's account and region), so it becomes
    ``arn:{partition}:kms:{region}:{account}:key/ID`` or ``...:alias/NAME``."""
    if _KMS_ARN.match(key):
        return key
    return _short_form_arn(key, job)


def _short_form_arn(key: str, job: Job) -> str:
    """:func:`key_arn` of a key that is not an ARN."""
    resource = key if key.startswith("alias/") else f"key/{key}"
    return f"arn:{job.partition or 'aws'}:kms:{job.region or ''}:{job.account_id or ''}:{resource}"


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when the output has no KMS key, uses an AWS managed key (``alias/aws/...``), uses a key of
    another account that is not allowed, or (with ``allowed`` set) a key matching no allowed pattern."""
    output = job.get("output_data_config")
    if output is None:
        return not_applicable("output_data_config is null")
    s3 = output.get("s3_output_data_config")
    if not s3:
        return not_applicable("the job has no S3 output configuration")
    key = s3.get("s3_encryption_key_id")
    if not key:
        return failed("output is not encrypted with a customer managed KMS key (no s3EncryptionKeyId: "
                      "the service uses an AWS managed key)", POINTER)
    if key.startswith("alias/aws/"):  # an AWS managed alias by name: no need for the job's account or region
        return failed(f"output KMS key {key} is an AWS managed key; use a customer managed key", POINTER)
    resource = _KMS_ARN.match(key)  # arn = key_arn(key, job), matching the ARN pattern only once
    arn = key
    if resource is None:
        arn = _short_form_arn(key, job)
        resource = _KMS_ARN.match(arn)
    if resource is None:  # the table schema admits only the KmsKeyId shape, so this is defensive
        return failed(f"output KMS key {key!r} is not a KMS key ARN, key id or alias", POINTER)
    if resource["resource"].startswith("alias/aws/"):
        return failed(f"output KMS key {key} is an AWS managed key; use a customer managed key", POINTER)
    listed = False
    if params["allowed"]:
        allowed = allowlist(params["allowed"], job)
        # short forms (alias/NAME, key id) on either side are compared as the ARN they resolve to as well
        listed = (allowed.matches(key) or allowed.matches(arn)
                  or matches_any(arn, [key_arn(pattern, job) for pattern in allowed.patterns
                                       if not pattern.startswith("arn:")]))
        if not listed:
            return failed(f"output KMS key {key} matches no allowed key ({', '.join(allowed.patterns)})",
                          POINTER)
    key_account = resource["account"]
    if job.account_id and key_account != job.account_id and not listed:
        return failed(f"output KMS key {key} is in account {key_account}, not the job's account "
                      f"{job.account_id}; list it under allowed to accept it", POINTER)
    return passed()


RULE = Rule(
    id="BA005",
    name="output-kms-cmk",
    title="Job output is encrypted with a customer managed KMS key",
    description=(
        "The job's output configuration names a KMS key (s3EncryptionKeyId) that is customer managed: "
        "an AWS managed alias (alias/aws/...) does not count. A key of another account fails unless it "
        "matches allowed. With allowed set (globs of key ARNs, alias ARNs, key ids or alias/NAME; "
        "{account_id}, {region} and {partition} stand for the job's own), the key must match one of "
        "them. A bare key id or alias/NAME -- in the record or in a pattern -- is also compared as the "
        "ARN it resolves to in the job's account and region."
    ),
    rationale=(
        "Without s3EncryptionKeyId the batch output -- model responses to your records -- is encrypted "
        "with an AWS managed key, whose key policy you cannot restrict or audit and which you cannot "
        "disable; the console only offers a customer key under 'Customize encryption settings' "
        "(Bedrock user guide, batch-inference-create.html). s3EncryptionKeyId (KmsKeyId shape: key "
        "ARN, alias ARN, key id or alias) is optional in ModelInvocationJobS3OutputDataConfig "
        "(botocore bedrock/2023-04-20). Prowler's proposed check "
        "bedrock_model_invocation_job_output_encrypted_with_cmk (PR #12801) rates this high."
    ),
    remediation=(
        "Create the job with outputDataConfig.s3OutputDataConfig.s3EncryptionKeyId set to a customer "
        "managed KMS key in the job's account and region whose key policy lets the service role use "
        "it (kms:GenerateDataKey, kms:Decrypt). A submitted job cannot be changed: stop it and submit "
        "it again."
    ),
    severity=Severity.HIGH,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-create.html",
    categories=("encryption", "data-protection"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "allowed": {
                "description": "Globs of the keys the output may use (key/alias ARNs, key ids, alias/NAME); "
                               "{account_id}, {region}, {partition} = the job's. Empty: any customer "
                               "managed key of the job's account.",
                "type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
            },
        },
    },
    columns=("output_data_config", "job_arn", "account_id"),
    controls={
        "nist-800-53": {
            "SC-28": "Batch output at rest is encrypted under a key the organisation controls.",
            "SC-12": "Key policy, rotation and disabling of the output key stay with the organisation, "
                     "not with an AWS managed key.",
        },
    },
)
