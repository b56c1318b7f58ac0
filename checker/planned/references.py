"""Resolve a reference to another resource of the same configuration or plan, where Terraform's semantics
allow it without applying anything.

Shared by the plan loader (:mod:`checker.sources.tfplan`) and the ``.tf`` loader (``checker.planned.hcl*``).
What resolves (terraform-facts.md; hashicorp/terraform-provider-aws resource docs):

* any attribute whose value the caller already knows (a data source read into the plan's prior state, a
  resource attribute known at plan time);
* ``aws_iam_role.X.arn`` from the role's ``name`` and ``path`` (default ``/``) in the job's account:
  ``arn:{partition}:iam::{account}:role{path}{name}`` (IAM role ARN format); ``.name``/``.id`` = the name;
* ``aws_kms_key.X.arn`` / ``.key_id`` / ``.id``: a customer managed key that the configuration creates in the
  job's account and region. Its key id is generated on apply, so the value is an alias-shaped stand-in
  that satisfies the table schema's KmsKeyId pattern and reads as resolved from the address:
  ``arn:aws:kms:eu-west-1:111122223333:alias/resolved-from/aws_kms_key/batch`` (see :func:`kms_stand_in`);
* ``aws_kms_alias.X.arn`` from its ``name`` (``arn:{partition}:kms:{region}:{account}:alias/NAME``), ``.name``;
  ``.target_key_arn`` like a key;
* ``aws_s3_bucket.X.bucket`` / ``.id`` from ``bucket``; ``.arn`` = ``arn:{partition}:s3:::{bucket}``.

Anything else is :class:`Unresolved` with the reason. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Resolved:
    """A value a reference resolves to, and ``how`` in words (for notes and messages):
    ``"aws_iam_role.batch.arn = arn:aws:iam::111122223333:role/batch (from its name and path)"``."""

    value: Any
    how: str


@dataclass(frozen=True)
class Unresolved:
    """Why a reference cannot be resolved before apply: ``"aws_iam_role.batch.arn: the role has no name
    (a generated name is known only after apply)"``."""

    reason: str


_ADDRESS = re.compile(r"^(?P<data>data\.)?(?P<type>[A-Za-z][A-Za-z0-9_-]*)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)"
                      r"(?P<index>\[[^\]]*\])?$")


def resource_type(address: str) -> str | None:
    """``"aws_iam_role.batch"`` -> ``"aws_iam_role"``; ``"data.aws_iam_role.x[0]"`` -> ``"aws_iam_role"``;
    ``None`` if ``address`` is not a resource address relative to its module."""
    match = _ADDRESS.match(address)
    return match["type"] if match else None


def split_reference(reference: str) -> tuple[str, str] | None:
    """``"aws_iam_role.batch.arn"`` -> ``("aws_iam_role.batch", "arn")``;
    ``'data.aws_iam_role.x["k"].arn'`` -> ``('data.aws_iam_role.x["k"]', "arn")``; ``None`` for a reference
    that is not ``ADDRESS.ATTRIBUTE`` (``var.x``, ``local.y``, ``each.value``, ``module.m.out``)."""
    head = reference.split(".", 1)[0]
    if head in ("var", "local", "each", "count", "path", "terraform", "self", "module"):
        return None
    parts = re.match(r"^((?:data\.)?[A-Za-z][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]*\])?)\.([A-Za-z_]"
                     r"[A-Za-z0-9_]*)$", reference)
    return (parts[1], parts[2]) if parts else None


def partition_of(region: str | None) -> str | None:
    """The AWS partition of a region: ``cn-north-1`` -> ``aws-cn``, ``us-gov-west-1`` -> ``aws-us-gov``,
    ``us-iso-east-1`` -> ``aws-iso``, ``us-isob-east-1`` -> ``aws-iso-b``, others -> ``aws``; ``None`` without
    a region (AWS General Reference, "ARN format": partitions)."""
    if not region:
        return None
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    return "aws"


def kms_stand_in(address: str, account_id: str, region: str, partition: str) -> str:
    """The stand-in ARN of a KMS key created by the configuration at ``address`` (its key id exists only
    after apply): an alias ARN of the job's account and region whose name shows where it came from,
    matching the KmsKeyId pattern (``alias/[a-zA-Z0-9-_/]+``, botocore bedrock/2023-04-20).
    ``module.batch.aws_kms_key.this["x"]`` -> ``arn:aws:kms:REGION:ACCOUNT:alias/resolved-from/module/batch/
    aws_kms_key/this/x``."""
    name = re.sub(r"[^A-Za-z0-9_/-]+", "/", address.replace('"', "")).strip("/")
    return f"arn:{partition}:kms:{region}:{account_id}:alias/resolved-from/{name}"


def resolve(address: str, attribute: str, resources: Mapping[str, Mapping[str, Any]],
            account_id: str | None, region: str | None, partition: str | None = None) -> Resolved | Unresolved:
    """Resolve ``address.attribute`` (``"aws_iam_role.batch"``, ``"arn"``) before apply.

    ``address`` is relative to the module the reference is made in (``data.`` prefix for data sources,
    ``[index]`` kept); ``resources`` maps such addresses (of the same module) to the attribute values known
    at plan time (unknown ones absent or ``None``); the resource type is read from the address.
    ``account_id``/``region``/``partition`` are the job's (``partition`` defaults to the region's).
    Never raises: anything not resolvable is :class:`Unresolved` naming the reference and why.
    """
    reference = f"{address}.{attribute}"
    if address not in resources:
        return Unresolved(f"{reference}: {address} is not in this configuration")
    values = resources[address]
    known = values.get(attribute)
    if known is not None:
        return Resolved(known, f"{reference} = {known}")
    kind = resource_type(address)
    if address.startswith("data."):
        return Unresolved(f"{reference}: the data source is read only during apply")
    partition = partition or partition_of(region) or "aws"
    if kind == "aws_iam_role":
        return _iam_role(reference, attribute, values, account_id, partition)
    if kind in ("aws_kms_key", "aws_kms_alias"):
        return _kms(reference, kind, address, attribute, values, account_id, region, partition)
    if kind == "aws_s3_bucket":
        return _bucket(reference, attribute, values, partition)
    return Unresolved(f"{reference} is known only after apply")


def _missing_account(reference: str) -> Unresolved:
    return Unresolved(f"{reference}: the account is unknown (pass --account ID, or give the aws provider "
                      "allowed_account_ids with one account)")


def _iam_role(reference: str, attribute: str, values: Mapping[str, Any], account_id: str | None,
              partition: str) -> Resolved | Unresolved:
    name = values.get("name")
    if not isinstance(name, str) or not name:
        return Unresolved(f"{reference}: the role has no fixed name (a generated name or name_prefix is known "
                          "only after apply)")
    if attribute in ("name", "id"):
        return Resolved(name, f"{reference} = {name} (its name)")
    if attribute != "arn":
        return Unresolved(f"{reference} is known only after apply")
    if account_id is None:
        return _missing_account(reference)
    path = values.get("path")
    path = path if isinstance(path, str) and path.startswith("/") and path.endswith("/") else "/"
    arn = f"arn:{partition}:iam::{account_id}:role{path}{name}"
    return Resolved(arn, f"{reference} = {arn} (from its name and path in account {account_id})")


def _kms(reference: str, kind: str, address: str, attribute: str, values: Mapping[str, Any],
         account_id: str | None, region: str | None, partition: str) -> Resolved | Unresolved:
    if kind == "aws_kms_alias" and attribute in ("arn", "name", "id"):
        name = values.get("name")
        if not isinstance(name, str) or not name.startswith("alias/"):
            return Unresolved(f"{reference}: the alias has no fixed name (name_prefix is known only after apply)")
        if attribute != "arn":
            return Resolved(name, f"{reference} = {name}")
        if account_id is None:
            return _missing_account(reference)
        if region is None:
            return Unresolved(f"{reference}: the region is unknown (pass --region)")
        arn = f"arn:{partition}:kms:{region}:{account_id}:{name}"
        return Resolved(arn, f"{reference} = {arn} (from its name)")
    if (kind, attribute) not in (("aws_kms_key", "arn"), ("aws_kms_key", "key_id"), ("aws_kms_key", "id"),
                                 ("aws_kms_alias", "target_key_arn")):
        return Unresolved(f"{reference} is known only after apply")
    if account_id is None:
        return _missing_account(reference)
    if region is None:
        return Unresolved(f"{reference}: the region is unknown (pass --region)")
    arn = kms_stand_in(address, account_id, region, partition)
    return Resolved(arn, f"{reference} = a customer managed key created by {address} in account {account_id} "
                         f"(stand-in {arn})")


def _bucket(reference: str, attribute: str, values: Mapping[str, Any], partition: str) -> Resolved | Unresolved:
    bucket = values.get("bucket")
    if not isinstance(bucket, str) or not bucket:
        return Unresolved(f"{reference}: the bucket has no fixed name (bucket_prefix or a generated name is "
                          "known only after apply)")
    if attribute in ("bucket", "id"):
        return Resolved(bucket, f"{reference} = {bucket}")
    if attribute == "arn":
        arn = f"arn:{partition}:s3:::{bucket}"
        return Resolved(arn, f"{reference} = {arn}")
    return Unresolved(f"{reference} is known only after apply")
