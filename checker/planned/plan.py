"""Terraform plan and state JSON (``terraform show -json``) -> :class:`~checker.planned.model.PlannedJob`.

Format: developer.hashicorp.com/terraform/internals/json-format (``format_version`` 1.x; another major
version is rejected, as the format's own rules say). Resource: ``aws_bedrock_model_invocation_job``
(hashicorp/terraform-provider-aws internal/service/bedrock/model_invocation_job.go).

Plan: every job in ``resource_changes`` (root and child modules at any depth) whose ``change.actions`` is
``create``, ``update`` or a replacement (``delete,create`` / ``create,delete``). Jobs only destroyed, and
``no-op`` (already deployed, unchanged) or ``read`` entries, are counted and named in a note, not checked:
the gate judges what the plan changes (scan the state to judge what is deployed).

A value unknown in ``after_unknown`` is told apart through the ``configuration`` section: not set there
-> the service default (left out: no ``s3_encryption_key_id`` is an AWS managed key, no ``vpc_config`` no
VPC); set to one reference -> resolved by :func:`checker.planned.references.resolve` where that is
possible (``var.X`` of a module is followed to its module call); otherwise unknown, with the reference
text. State: ``values.root_module`` (and ``child_modules``) -> deployed jobs (origin ``tfstate``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.planned.model import PlannedJob
from checker.planned.options import PlannedOptions
from checker.planned.records import BLOCKS
from checker.planned.references import Resolved, partition_of, resolve, split_reference

JOB_TYPE = "aws_bedrock_model_invocation_job"
CHECKED = {("create",): "create", ("update",): "update", ("delete", "create"): "replace",
           ("create", "delete"): "replace"}
"""``change.actions`` of the jobs a plan creates or updates (json-format: "Change Representation")."""

_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)((?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?)')
_ACCOUNT = re.compile(r"^[0-9]{12}$")


class PlanError(ValueError):
    """The document is not a plan or state this reader understands (one line, the message says why)."""


@dataclass
class Reading:
    """What a plan or state held: ``jobs`` to check, ``kind`` (``"plan"``/``"state"``), ``resources``
    read, ``skipped`` job addresses by reason (``"destroyed"``, ``"unchanged (no-op)"``, ...) and
    ``warnings`` (a ``--account`` the provider's ``allowed_account_ids`` does not list)."""

    jobs: list[PlannedJob]
    kind: str
    resources: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def check_version(document: Any) -> None:
    """Raise :class:`PlanError` unless ``document`` is an object with ``format_version`` 1.x."""
    if not isinstance(document, dict):
        raise PlanError("not a Terraform plan or state: expected a JSON object (terraform show -json)")
    version = document.get("format_version")
    if not isinstance(version, str):
        raise PlanError("not a Terraform plan or state: no format_version (expected the output of "
                        "terraform show -json)")
    if version.split(".", 1)[0] != "1":
        raise PlanError(f"unsupported Terraform JSON format_version {version!r}: this version of bedrock-audit "
                        "reads 1.x (terraform show -json of Terraform 1.x)")


def read_document(document: Any, source: str, options: PlannedOptions) -> Reading:
    """The jobs of a plan or state document (see the module doc). Raises :class:`PlanError` for a document
    of another format version or no known shape; anything malformed inside is skipped only where it
    cannot be a job, else raised as :class:`PlanError` naming the address."""
    check_version(document)
    if "resource_changes" in document or "planned_values" in document or "configuration" in document:
        return _Plan(document, source, options).read()
    return _read_state(document, source, options)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def module_steps(module_address: str) -> list[tuple[str, str]]:
    """``'module.a["x"].module.b'`` -> ``[("a", '["x"]'), ("b", "")]`` (call name, instance key)."""
    return [(m[1], m[2]) for m in _MODULE_STEP.finditer(module_address or "")]


def walk_modules(module: Any) -> Iterator[dict[str, Any]]:
    """A ``planned_values``/``values`` module and its ``child_modules`` at any depth (iteratively)."""
    stack = [module]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(reversed(_list(current.get("child_modules"))))


def _read_state(document: dict[str, Any], source: str, options: PlannedOptions) -> Reading:
    values = _dict(document.get("values"))
    reading = Reading([], "state")
    for module in walk_modules(values.get("root_module")):
        for resource in _list(module.get("resources")):
            if not isinstance(resource, dict):
                continue
            reading.resources += 1
            if resource.get("type") != JOB_TYPE or resource.get("mode", "managed") != "managed":
                continue
            address = str(resource.get("address"))
            attributes = _dict(resource.get("values"))
            arn = attributes.get("job_arn")
            account = options.account
            if isinstance(arn, str) and arn.count(":") >= 5:
                account = arn.split(":")[4] or account
            reading.jobs.append(PlannedJob(address, "tfstate", source, attributes, account_id=account,
                                           region=attributes.get("region") if isinstance(attributes.get("region"), str)
                                           else options.region))
    return reading


def _unknown_paths(unknown: Any, prefix: str = "") -> Iterator[str]:
    """Attribute paths (blocks without list indices) marked unknown in ``after_unknown``."""
    if unknown is True:
        yield prefix
    elif isinstance(unknown, dict):
        for key, value in unknown.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key in BLOCKS and isinstance(value, list):
                for element in value:
                    yield from _unknown_paths(element, path)
            elif key in BLOCKS or not isinstance(value, list):
                yield from _unknown_paths(value, path)
            elif any(_has_true(element) for element in value):
                yield path
    elif isinstance(unknown, list):
        for element in unknown:
            yield from _unknown_paths(element, prefix)


def _has_true(value: Any) -> bool:
    if value is True:
        return True
    if isinstance(value, dict):
        return any(_has_true(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_true(v) for v in value)
    return False


def _expression(expressions: Any, path: str) -> Any:
    """The configuration expression of attribute ``path`` (``None`` when the configuration does not set
    it); blocks are lists of objects of expressions."""
    node: Any = expressions
    for step in path.split("."):
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    if isinstance(node, list):
        return {"block": True} if node else None
    return node


def _set_path(attributes: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in Terraform attribute shape (creating single-element block lists as needed)."""
    steps = path.split(".")
    node: Any = attributes
    for step in steps[:-1]:
        child = node.get(step)
        if isinstance(child, list):
            if not child or not isinstance(child[0], dict):
                child[:] = [{}]
            node = child[0]
        elif isinstance(child, dict):
            node = child
        else:
            node[step] = [{}]
            node = node[step][0]
    if value is _REMOVE:
        node.pop(steps[-1], None)
    else:
        node[steps[-1]] = value


_REMOVE = object()

_FITS = {
    "role_arn": lambda v: isinstance(v, str) and v.startswith("arn:") and ":iam::" in v,
    "s3_encryption_key_id": lambda v: isinstance(v, str) and (":kms:" in v or v.startswith("alias/")),
    "s3_bucket_owner": lambda v: isinstance(v, str) and bool(_ACCOUNT.match(v)),
    "s3_uri": lambda v: isinstance(v, str) and v.startswith("s3://"),
}
"""Which resolved values can stand for an attribute: plan JSON lists an expression's references but not
its text, so ``"s3://${aws_s3_bucket.b.bucket}/in/"`` and ``aws_s3_bucket.b.bucket`` look alike; a value
is used only where it has the attribute's own form."""


class _Plan:
    """One plan document being read."""

    def __init__(self, document: dict[str, Any], source: str, options: PlannedOptions) -> None:
        self.document, self.source, self.options = document, source, options
        self.configuration = _dict(document.get("configuration"))
        self.known: dict[str, dict[str, Any]] = {}
        for section in (_dict(document.get("prior_state")).get("values"), document.get("planned_values")):
            for module in walk_modules(_dict(section).get("root_module")):
                for resource in _list(module.get("resources")):
                    if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                        self.known.setdefault(resource["address"], {}).update(_dict(resource.get("values")))
        self.variables = {name: _dict(spec).get("value") for name, spec in _dict(document.get("variables")).items()}
        self.warnings: list[str] = []

    def read(self) -> Reading:
        reading = Reading([], "plan")
        changes = _list(self.document.get("resource_changes"))
        planned = _dict(self.document.get("planned_values")).get("root_module")
        reading.resources = len(changes) if changes else sum(len(_list(m.get("resources")))
                                                             for m in walk_modules(planned))
        for change in changes:
            if not isinstance(change, dict) or change.get("type") != JOB_TYPE or change.get("mode") != "managed":
                continue
            address = str(change.get("address"))
            details = _dict(change.get("change"))
            actions = tuple(a for a in _list(details.get("actions")) if isinstance(a, str))
            if actions not in CHECKED:
                reasons: dict[tuple[str, ...], str] = {("delete",): "destroyed", ("read",): "read",
                                                       ("no-op",): "unchanged (no-op, already deployed)"}
                reason = reasons.get(actions, f"actions {list(actions)}")
                reading.skipped.setdefault(reason, []).append(address)
                continue
            reading.jobs.append(self.job(change, address, details))
        reading.warnings = self.warnings
        return reading

    def job(self, change: dict[str, Any], address: str, details: dict[str, Any]) -> PlannedJob:
        module_address = str(change.get("module_address") or "")
        frames = self.frames(module_address)
        config = self.config_resource(frames[-1][0], change)
        attributes = _dict(details.get("after"))
        attributes = {key: value for key, value in attributes.items()}
        region = self.region(attributes, config, frames)
        account = self.account(attributes, config, frames)
        partition = partition_of(region)
        job = PlannedJob(address, "tfplan", self.source, attributes, account_id=account, region=region)
        expressions = _dict(config.get("expressions"))
        for path in _unknown_paths(details.get("after_unknown")):
            if not path:
                continue
            expression = _expression(expressions, path)
            if expression is None:  # not configured: the service default applies
                _set_path(attributes, path, _REMOVE)
                continue
            value = self.evaluate(expression, path, frames, len(frames) - 1, account, region, partition)
            if isinstance(value, Resolved):  # null: as if not set (the service default)
                _set_path(attributes, path, _REMOVE if value.value is None else value.value)
            else:
                job.unknown[path] = value
                _set_path(attributes, path, _REMOVE)
        if job.account_id is None:
            role = attributes.get("role_arn")
            if isinstance(role, str) and role.count(":") >= 5 and _ACCOUNT.match(role.split(":")[4]):
                job.account_id = role.split(":")[4]  # a service role is in the job's own account
        return job

    def frames(self, module_address: str) -> list[tuple[dict[str, Any], str, str]]:
        """``(configuration module, instance address, call name)`` from the root to the job's module."""
        module = _dict(self.configuration.get("root_module"))
        frames = [(module, "", "")]
        instance = ""
        for name, key in module_steps(module_address):
            call = _dict(_dict(module.get("module_calls")).get(name))
            module = _dict(call.get("module"))
            instance = f"{instance}.module.{name}{key}" if instance else f"module.{name}{key}"
            frames.append((module, instance, name))
        return frames

    @staticmethod
    def config_resource(module: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
        wanted = f"{change.get('type')}.{change.get('name')}"
        for resource in _list(module.get("resources")):
            if isinstance(resource, dict) and resource.get("address") == wanted:
                return resource
        return {}

    def evaluate(self, expression: Any, path: str, frames: list[tuple[dict[str, Any], str, str]], depth: int,
                 account: str | None, region: str | None, partition: str | None) -> Resolved | str:
        """A configured expression -> :class:`Resolved`, or the text naming why it stays unknown."""
        if not isinstance(expression, dict):
            return "an expression this reader does not understand"
        if "constant_value" in expression:
            return Resolved(expression["constant_value"], "constant")
        if expression.get("block"):
            return "a dynamic block"
        references = [r for r in _list(expression.get("references")) if isinstance(r, str)]
        primary = [r for r in references if not any(o.startswith(r + ".") or o.startswith(r + "[")
                                                    for o in references)]
        if len(primary) != 1:
            return ", ".join(primary) or "a value computed during apply"
        reference = primary[0]
        if reference.startswith("var.") and depth > 0:
            parent_module, call_name = frames[depth - 1][0], frames[depth][2]
            call = _dict(_dict(parent_module.get("module_calls")).get(call_name))
            argument = _dict(call.get("expressions")).get(reference[4:])
            if argument is None:  # not passed: the variable's default (json-format: module "variables")
                declared = _dict(_dict(frames[depth][0].get("variables")).get(reference[4:]))
                return Resolved(declared["default"], f"{reference} (default)") if "default" in declared else reference
            outer = self.evaluate(argument, path, frames, depth - 1, account, region, partition)
            return outer if isinstance(outer, Resolved) else f"{reference} = {outer}"
        if reference.startswith("var.") and depth == 0 and self.variables.get(reference[4:]) is not None:
            return Resolved(self.variables[reference[4:]], reference)
        parts = split_reference(reference)
        if parts is None:
            return reference
        target, attribute = parts
        instance = frames[depth][1]
        absolute = f"{instance}.{target}" if instance else target
        outcome = resolve(target, attribute, {target: self.known[absolute]} if absolute in self.known else {},
                          account, region, partition)
        if not isinstance(outcome, Resolved):
            return outcome.reason if ": " in outcome.reason else reference
        fits = _FITS.get(path.rsplit(".", 1)[-1])
        if fits is not None and not fits(outcome.value):
            return reference
        return outcome

    def provider(self, config: dict[str, Any]) -> dict[str, Any]:
        """The expressions of the job's provider configuration; a module's key (``batch:aws``) that names no
        configuration of its own falls back to the one it inherits (``aws``)."""
        configs = _dict(self.configuration.get("provider_config"))
        key = str(config.get("provider_config_key") or "aws")
        while key not in configs and ":" in key:
            key = key.split(":", 1)[1]
        return _dict(_dict(configs.get(key)).get("expressions"))

    def constant(self, expression: Any) -> Any:
        expression = _dict(expression)
        if "constant_value" in expression:
            return expression["constant_value"]
        references = _list(expression.get("references"))
        if len(references) == 1 and isinstance(references[0], str) and references[0].startswith("var."):
            return self.variables.get(references[0][4:])
        return None

    def region(self, attributes: dict[str, Any], config: dict[str, Any],
               frames: list[tuple[dict[str, Any], str, str]]) -> str | None:
        own = attributes.get("region")
        if isinstance(own, str) and own:
            return own
        configured = self.constant(self.provider(config).get("region"))
        if isinstance(configured, str) and configured:
            return configured
        return self.options.region

    def account(self, attributes: dict[str, Any], config: dict[str, Any],
                frames: list[tuple[dict[str, Any], str, str]]) -> str | None:
        allowed = self.constant(self.provider(config).get("allowed_account_ids"))
        if isinstance(allowed, str) and _ACCOUNT.match(allowed):  # [var.account] lists one reference too
            allowed = [allowed]
        if self.options.account:
            key = str(config.get("provider_config_key") or "aws")
            warning = self.options.account_warning(allowed, key.rsplit(":", 1)[-1])
            if warning and warning not in self.warnings:
                self.warnings.append(warning)
            return self.options.account
        if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
            return allowed[0]
        return None


def summary_note(reading: Reading, source: str) -> str | None:
    """The note about what was read but not checked (and when no job was found), or ``None``."""
    parts = []
    if not reading.jobs:
        parts.append(f"no {JOB_TYPE} to check among {reading.resources} resources read from this {reading.kind}")
    for reason, addresses in reading.skipped.items():
        shown = ", ".join(addresses[:5]) + (f" and {len(addresses) - 5} more" if len(addresses) > 5 else "")
        parts.append(f"{len(addresses)} job(s) {reason}, not checked: {shown}")
    return "; ".join(parts) if parts else None

