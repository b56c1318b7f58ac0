"""The shape every pre-deployment loader produces: one :class:`PlannedJob` per job as it would be created.

Loaders: Terraform plan/state JSON (:mod:`checker.sources.tfplan`), ``.tf`` folders (``checker.planned.hcl*``),
CreateModelInvocationJob request bodies (:mod:`checker.sources.request`). Plain data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Where:
    """A place in a user's file: ``file`` as the user named it (or relative to the folder scanned) and the
    1-based ``line`` (``None`` when the format has no lines)."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass
class PlannedJob:
    """One ``aws_bedrock_model_invocation_job`` (or request) as it would be created.

    ``identity``: the Terraform resource address
    (``module.batch.aws_bedrock_model_invocation_job.this["nightly"]``) or ``"FILE#N"`` for a request.
    ``origin``: ``"tfplan"`` | ``"tfstate"`` | ``"tf"`` | ``"request"``. ``source``: the input file or
    folder as the user named it.
    ``attributes``: Terraform attribute shape (snake_case provider names, nested blocks as single-element
    lists, as in plan JSON ``after``), the values known at plan time; for a request: empty, the API
    (camelCase) body is in ``request``.
    ``unknown``: attribute path (``"role_arn"``,
    ``"output_data_config.s3_output_data_config.s3_encryption_key_id"``) -> the expression text it comes
    from (``"aws_iam_role.batch.arn"``, ``"var.role"``).
    ``where``: attribute path -> where it is set; ``""`` -> the resource block itself.
    ``account_id``: from ``--account``, the provider's ``allowed_account_ids`` or ARNs. ``region``: the
    resource's ``region``, the provider's, or ``--region``.
    ``request``: request files only, the CreateModelInvocationJob body as given.
    """

    identity: str
    origin: str
    source: str
    attributes: dict[str, Any]
    unknown: dict[str, str] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)
    account_id: str | None = None
    region: str | None = None
    request: dict[str, Any] | None = None
