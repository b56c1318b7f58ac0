"""A :class:`~checker.planned.model.PlannedJob` -> the raw record the scan pipeline normalises, validates and
checks like any API-shaped row.

* :func:`api_body`: Terraform attribute shape (``role_arn``, ``vpc_config = [{subnet_ids = [...]}]``) ->
  CreateModelInvocationJob request shape (``roleArn``, ``vpcConfig.subnetIds``), the one mapping the plan
  and ``.tf`` loaders share (argument names: hashicorp/terraform-provider-aws model_invocation_job.go;
  members: botocore bedrock/2023-04-20 CreateModelInvocationJob).
* :func:`raw_record`: the record with provenance kind ``"planned"``, the job's identity (resource address or
  ``FILE#N``), where each attribute is set, the columns unknown before apply (naming attribute and
  expression) and the facts rules read (:data:`TERRAFORM_FACTS`).
* :func:`planned_schema`: the planned-job variant of the table schema, derived from it by code.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from checker.model import Provenance
from checker.planned.model import PlannedJob, Where
from checker.planned.references import partition_of
from checker.sources.base import RawRecord

BLOCKS = frozenset({"input_data_config", "s3_input_data_config", "output_data_config", "s3_output_data_config",
                    "vpc_config"})
"""Nested blocks of the resource (ListNestedBlock, SizeAtMost(1): single-element lists in plan JSON)."""

ARGUMENTS = {
    "job_name": "jobName", "role_arn": "roleArn", "model_id": "modelId",
    "timeout_duration_in_hours": "timeoutDurationInHours", "input_data_config": "inputDataConfig",
    "output_data_config": "outputDataConfig", "vpc_config": "vpcConfig",
    "s3_input_data_config": "s3InputDataConfig", "s3_output_data_config": "s3OutputDataConfig",
    "s3_uri": "s3Uri", "s3_input_format": "s3InputFormat", "s3_bucket_owner": "s3BucketOwner",
    "s3_encryption_key_id": "s3EncryptionKeyId", "subnet_ids": "subnetIds",
    "security_group_ids": "securityGroupIds",
}
"""Terraform argument -> CreateModelInvocationJob member. Others (``region``, ``skip_destroy``, ``timeouts``
and the computed attributes) are not part of the request and are dropped."""

COMPUTED = {
    "job_arn": "jobArn", "status": "status", "submit_time": "submitTime", "end_time": "endTime",
    "job_expiration_time": "jobExpirationTime", "model_invocation_type": "modelInvocationType",
    "total_record_count": "totalRecordCount", "processed_record_count": "processedRecordCount",
    "success_record_count": "successRecordCount", "error_record_count": "errorRecordCount",
}
"""Computed attributes of a deployed job (Terraform state) -> GetModelInvocationJob member."""

TERRAFORM_FACTS = {
    "tags": "the Terraform resource aws_bedrock_model_invocation_job has no tags argument, so the job it "
            "creates cannot carry tags",
    "client_request_token": "the Terraform provider sends a generated client request token on create "
                            "(create.UniqueId in the resource's Create)",
}
"""What rules may read about every job Terraform creates (terraform-facts.md)."""

DEPLOYED_TAGS = ("the Terraform resource aws_bedrock_model_invocation_job has no tags argument, so Terraform created "
                 "the job without tags (tags added outside Terraform are not in the state: scan the job with --aws "
                 "to see them)")
"""The ``tags`` fact of a job in a Terraform state (deployed: created, not about to be)."""

PLANNED_REQUIRED = ("job_name", "role_arn", "model_id", "input_data_config", "output_data_config")
"""Members CreateModelInvocationJob requires (botocore bedrock/2023-04-20; required arguments/blocks of the
Terraform resource): in the planned-job schema they may be unknown (absent) but not null."""


def api_body(attributes: Mapping[str, Any], deployed: bool = False) -> dict[str, Any]:
    """Terraform attribute shape -> CreateModelInvocationJob request body (camelCase).

    ``{"role_arn": "arn:...", "vpc_config": [{"subnet_ids": ["subnet-1"], "security_group_ids": [...]}]}``
    -> ``{"roleArn": "arn:...", "vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": [...]}}``.
    A block given as a list of one element becomes that element; an empty list or ``None`` is left out
    (not configured); a list of several elements is kept as a list (the schema rejects it). Keys not
    in :data:`ARGUMENTS` are dropped (``deployed``: the :data:`COMPUTED` attributes of a job in a state are
    kept, as GetModelInvocationJob members); values are not checked here (the schema does).
    """
    body: dict[str, Any] = {}
    for key, value in attributes.items():
        member = ARGUMENTS.get(key) or (COMPUTED.get(key) if deployed else None)
        if member is None or value is None:
            continue
        if key in BLOCKS:
            if isinstance(value, list):
                if not value:
                    continue
                value = value[0] if len(value) == 1 else value
            if isinstance(value, Mapping):
                value = api_body(value)
        body[member] = value
    return body


def column_of(path: str) -> str:
    """The table column an attribute path lands in: ``"output_data_config.s3_output_data_config.s3_uri"``
    -> ``"output_data_config"``."""
    return path.split(".", 1)[0]


def pointer_of(path: str) -> str:
    """The JSON pointer into the table-shape record of an attribute path (blocks are flattened, so the
    names line up): ``"vpc_config.subnet_ids"`` -> ``"/vpc_config/subnet_ids"``; ``""`` -> ``""``."""
    return "/" + path.replace(".", "/") if path else ""


def unknown_columns(job: PlannedJob) -> dict[str, str]:
    """``{column: reason}`` for every column with a value known only after apply, e.g.
    ``{"role_arn": "role_arn is known only after apply: aws_iam_role.batch.arn"}``; several unknown
    attributes of one column are joined with ``"; "``."""
    reasons: dict[str, list[str]] = {}
    for path, expression in job.unknown.items():
        text = expression if expression.startswith(path) else f"{path} is known only after apply: {expression}"
        reasons.setdefault(column_of(path), []).append(text)
    return {column: "; ".join(texts) for column, texts in reasons.items()}


def places(where: Mapping[str, Where]) -> tuple[tuple[str, str, int | None], ...]:
    """``where`` as :attr:`Provenance.places`: ``(pointer, file, line)`` triples, longest pointer first."""
    triples = [(pointer_of(path), place.file, place.line) for path, place in where.items()]
    return tuple(sorted(triples, key=lambda triple: -len(triple[0])))


def raw_record(job: PlannedJob, ordinal: int) -> RawRecord:
    """The raw record of ``job`` (the ``ordinal``-th job of its source) for the pipeline.

    Data: the request body (``job.request`` for a request file, else :func:`api_body` of the attributes)
    with ``accountId`` when known; Terraform jobs get ``tags: null`` (the resource cannot tag). Provenance:
    kind ``"planned"``, ``identity``, the block's file and line (else the source), ``places`` for each
    attribute. ``unknown``: :func:`unknown_columns`, plus ``account_id`` / ``region`` when not known.
    ``facts`` (rules read them): ``region``, ``partition`` and, for Terraform jobs, :data:`TERRAFORM_FACTS`.
    """
    deployed = job.origin == "tfstate"
    data = dict(job.request) if job.request is not None else api_body(job.attributes, deployed)
    if job.request is None:
        data["tags"] = None
    elif "tags" not in data:
        data["tags"] = None  # a request without tags creates an untagged job: null, not unknown
    if job.account_id is not None:
        data["accountId"] = job.account_id
    else:
        data.pop("accountId", None)
    unknown = unknown_columns(job)
    for column in unknown:
        data.pop(ARGUMENTS.get(column, column), None)
    if deployed:  # a job in a state has its ARN: account and region come from it
        pass
    elif job.account_id is None:
        unknown["account_id"] = "the job's account is unknown before deployment: pass --account ID" + (
            " (the account that submits the request)" if job.origin == "request" else
            " (or give the aws provider allowed_account_ids with exactly one account)")
    if job.region is None and not deployed:
        unknown["region"] = ("the job's region is unknown before deployment: pass --region (or set the provider's "
                             "region)")
    facts: dict[str, str] = {}
    if job.region is not None:
        facts["region"] = job.region
    partition = partition_of(job.region) or _arn_partition(data.get("roleArn"))
    if partition:
        facts["partition"] = partition
    if job.origin in ("tfplan", "tfstate", "tf"):
        facts.update(TERRAFORM_FACTS)
    if deployed:
        facts["tags"] = DEPLOYED_TAGS
    block = job.where.get("")
    provenance = Provenance(block.file if block else job.source, block.line if block else None, ordinal,
                            "deployed" if deployed else "planned", job.identity, places(job.where))
    return RawRecord(data, provenance, unknown, facts)


def _arn_partition(arn: Any) -> str | None:
    """The partition of an ARN (``arn:aws-us-gov:iam::...`` -> ``aws-us-gov``), else ``None``."""
    if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5:
        return arn.split(":")[1] or None
    return None


def planned_schema(table: Mapping[str, Any]) -> dict[str, Any]:
    """The planned-job variant of the table schema ``table``, derived by code (never a hand copy).

    A job not yet created has no ARN, status, times or counts: nothing is required, and what the table
    requires (``job_arn``) may be null; the members CreateModelInvocationJob requires
    (:data:`PLANNED_REQUIRED`) may be absent
    (unknown before apply) but not null. Every other constraint (patterns, lengths, 24-168 h timeout) is
    the table's. Its ``$id`` ends in ``.planned.schema.json`` (validators are cached by ``$id``).
    """
    schema = copy.deepcopy(dict(table))
    base = str(table.get("$id", "table.schema.json"))
    planned_id = base.replace(".schema.json", ".planned.schema.json")
    schema["$id"] = planned_id if planned_id != base else base + ".planned"
    schema["title"] = f"{table.get('title', 'table')} (planned job)"
    schema["required"] = []
    for column in table.get("required", ()):  # job_arn: a job not created yet has none (null)
        spec = schema["properties"].get(column)
        if spec is not None and isinstance(spec.get("type"), str):
            spec["type"] = [spec["type"], "null"]
    for column in PLANNED_REQUIRED:
        spec = schema["properties"].get(column)
        if spec is not None and isinstance(spec.get("type"), list):
            spec["type"] = [kind for kind in spec["type"] if kind != "null"] or spec["type"]
    return schema
