"""``.tf`` folders -> planned jobs: the entry points core calls (:func:`load_tf`, :func:`tf_locations`).

A folder is the root module; local modules (``source = "./..."``/``"../..."``) are read at any depth
with their inputs; a registry/git module is read from ``.terraform/modules`` when ``terraform init`` put
it there, else named as not read (a problem: its jobs cannot be checked). Every
``aws_bedrock_model_invocation_job`` instance (``count``/``for_each`` expanded) becomes a
:class:`~checker.planned.model.PlannedJob` in Terraform attribute shape (blocks as single-element
lists; ``dynamic`` blocks expanded) with ``unknown`` and ``where`` per attribute path. Provider ``aws``
blocks give ``region`` and ``allowed_account_ids`` (a single one is the account).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.model import ErrorKind, Problem, Provenance
from checker.planned.hcl_locations import downloaded_modules, module_key
from checker.planned.hcl_modules import META_ARGUMENTS, Context, Instance, Module, display_path, expand, read_folder
from checker.planned.hcl_parse import Block, Body
from checker.planned.hcl_values import EvalError, Unknown, contains_unknown, to_number
from checker.planned.hcl_vars import VarError, root_variables
from checker.planned.model import PlannedJob, Where
from checker.planned.options import PlannedOptions

JOB_TYPE = "aws_bedrock_model_invocation_job"
MAX_DEPTH = 32
"""Deepest module nesting read (Terraform has no limit; a deeper chain is almost surely a loop)."""
_NUMBERS = frozenset({"timeout_duration_in_hours"})  # int32 in the provider schema (terraform-facts.md)


@dataclass
class TfLoad:
    """What :func:`load_tf` read: ``jobs``; ``problems`` (INPUT, each with file and line where known;
    exit 3); ``resources_read``: managed resource blocks of every module instance read (for the
    "no batch job" note); ``notes``: references resolved (``aws_iam_role.batch.arn = arn:... (from its
    name and path ...)``) and files read; ``warnings``: a ``--account`` a provider's ``allowed_account_ids``
    does not list."""

    jobs: list[PlannedJob] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resources_read: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        """``jobs, problems, resources_read = load_tf(...)`` (the shape agreed with core; notes by name)."""
        return iter((self.jobs, self.problems, self.resources_read))


def _problem(message: str, file: str, line: int | None = None) -> Problem:
    return Problem(ErrorKind.INPUT, message, Provenance(file, line))


def load_tf(path: str, var_files: list[str] | None = None,
            variables: dict[str, str] | list[tuple[str, str]] | None = None,
            account: str | None = None, region: str | None = None) -> TfLoad:
    """Read the ``.tf`` folder (or single ``.tf`` file) ``path`` as a root module.

    ``var_files``: ``--var-file`` paths; ``variables``: ``--var NAME=VALUE`` pairs, in command-line order
    (Terraform's precedence: defaults < terraform.tfvars < *.auto.tfvars < these). ``account``/``region``:
    ``--account``/``--region`` (``account`` wins over the provider's ``allowed_account_ids``; the resource's
    and provider's ``region`` win over ``region``). Never raises for bad input: a broken file, a bad
    tfvars value, a module calling itself, an unread module source are problems (one line, file:line).
    """
    result = TfLoad()
    only = None
    directory = path
    if os.path.isfile(path):
        directory, only = os.path.dirname(path) or ".", os.path.basename(path)
    elif not os.path.isdir(path):
        result.problems.append(Problem(ErrorKind.SOURCE, f"{path}: no such file or folder", Provenance(path)))
        return result
    module = read_folder(directory, path, only)
    _module_problems(module, result)
    try:
        values, tfvars = root_variables(module, var_files or [], variables or [], only_file=only is not None)
    except VarError as exc:
        result.problems.append(_problem(str(exc), exc.file, exc.line))
        return result
    if tfvars:
        result.notes.append(f"{path}: variable values read from {', '.join(tfvars)}")
    root = Instance(module, "", values, Context(account, region, result.notes), path)
    provider = module.providers.get("aws")
    found_account, found_region = _provider_facts(root, provider)
    _check_account(result, account, root, provider, "aws")
    root.context.account_id = account or found_account
    root.context.region = found_region or region
    loader = _Loader(result, os.path.realpath(directory), path, account, region)
    loader.walk(root, (os.path.realpath(directory),), {"aws": (root, provider)})
    return result


def _module_problems(module: Module, result: TfLoad) -> None:
    for file, line, message in module.problems:
        result.problems.append(_problem(message if message.startswith(file) else f"{file}: {message}", file, line))


def _check_account(result: TfLoad, account: str | None, instance: Instance, block: Block | None,
                   name: str) -> None:
    """Add the warning when ``account`` (``--account``) is not in ``block``'s ``allowed_account_ids``."""
    allowed = block.body.attrs.get("allowed_account_ids") if block is not None and account else None
    if allowed is None:
        return
    warning = PlannedOptions(account=account).account_warning(instance.evaluate(allowed), name)
    if warning and warning not in result.warnings:
        result.warnings.append(warning)


def _provider_facts(instance: Instance, block: Block | None) -> tuple[str | None, str | None]:
    if block is None:
        return None, None
    account = None
    allowed = block.body.attrs.get("allowed_account_ids")
    if allowed is not None:
        value = instance.evaluate(allowed)
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (str, int)):
            account = str(value[0])
    region_attr = block.body.attrs.get("region")
    region = instance.evaluate(region_attr) if region_attr is not None else None
    return account, region if isinstance(region, str) and region else None


class _Loader:
    def __init__(self, result: TfLoad, root_real: str, root_display: str, account: str | None,
                 region: str | None) -> None:
        self.result = result
        self.account = account
        self.region = region
        self.root_real = root_real
        self.root_display = root_display
        self._downloaded: dict[str, str] | None = None

    def walk(self, instance: Instance, stack: tuple[str, ...], providers: dict[str, Any]) -> None:
        module = instance.module
        start = len(self.result.jobs)  # this module's jobs come before its children's
        for name, block in module.module_calls.items():
            instance.children[name] = self._call(instance, name, block, stack, providers)
        for address, block in module.resources.items():
            if not address.startswith("data."):
                self.result.resources_read += 1
            if block.labels[0] == JOB_TYPE:
                children = self.result.jobs[start:]
                del self.result.jobs[start:]
                self._jobs(instance, block, providers)
                start = len(self.result.jobs)
                self.result.jobs.extend(children)

    # -- module calls -----------------------------------------------------------------------------
    def _call(self, parent: Instance, name: str, block: Block, stack: tuple[str, ...],
              providers: dict[str, Any]) -> Any:
        address = f"{parent.prefix()}module.{name}"
        where = f"{block.file}:{block.line}"
        source_attr = block.body.attrs.get("source")
        source = parent.evaluate(source_attr) if source_attr is not None else None
        if not isinstance(source, str):
            self.result.problems.append(_problem(f"{where}: {address} has no literal source: not read, the jobs "
                                                 "it may define are not checked", block.file, block.line))
            return Unknown(f"{address} was not read")
        local = source.startswith(("./", "../"))
        directory = os.path.normpath(os.path.join(parent.module.directory, source)) if local else \
            self._downloaded_dir(address)
        if directory is None or not os.path.isdir(directory):
            why = (f"the folder {display_path(parent.module.display, source)} does not exist" if local else
                   "a registry/git module source; run `terraform init` first so bedrock-audit can read it from "
                   ".terraform/modules, or scan the plan JSON")
            self.result.problems.append(_problem(f"{where}: {address} (source {source!r}) is not read: {why}; "
                                                 "the jobs it may define are not checked", block.file, block.line))
            return Unknown(f"{address} (source {source!r}) was not read")
        real = os.path.realpath(directory)
        if real in stack or len(stack) >= MAX_DEPTH:
            chain = " -> ".join(os.path.relpath(s, self.root_real) for s in (*stack, real))
            self.result.problems.append(_problem(
                f"{where}: {address} calls a module that is already being read ({chain}): a module calling "
                "itself is refused by Terraform; not read further", block.file, block.line))
            return Unknown(f"{address} calls itself")
        shown = display_path(parent.module.display, source) if local else \
            display_path(self.root_display, os.path.relpath(directory, self.root_real))
        module = read_folder(directory, shown)
        _module_problems(module, self.result)
        expansion = expand(parent, block, address)
        if isinstance(expansion, Unknown):
            self.result.problems.append(_problem(f"{where}: {address}: its instances cannot be known from "
                                                 f"{expansion.why}: the jobs it may define are not checked",
                                                 block.file, block.line))
            return expansion
        child_providers = self._child_providers(parent, block, providers)
        instances: dict[str, Instance] = {}
        for child_address, bound in expansion:
            inputs: dict[str, Any] = {}
            for key, attr in block.body.attrs.items():
                if key in META_ARGUMENTS or key in ("source", "version", "providers"):
                    continue
                if key not in module.variables:
                    self.result.problems.append(_problem(
                        f"{block.file}:{attr.line}: {child_address}: module {shown} has no "
                        f"variable {key!r}", block.file, attr.line))
                    continue
                inputs[key] = parent.evaluate(attr, bound)
            context = self._context(child_providers.get("aws"), parent.context)
            child = Instance(module, child_address, inputs, context, parent.root)
            self.walk(child, (*stack, real), child_providers)
            instances[child_address] = child
        if "count" in block.body.attrs:
            return list(instances.values())
        if "for_each" in block.body.attrs:
            return {json.loads(a[a.rindex("["):][1:-1]): i for a, i in instances.items()}
        return next(iter(instances.values()), Unknown(f"{address} has no instance"))

    def _context(self, provider: tuple[Instance, Block | None] | None, fallback: Context) -> Context:
        """Account and region for resolution under ``provider`` (``--account`` wins; then the provider's
        ``allowed_account_ids``; region: the provider's, then ``--region``)."""
        if provider is None or provider[1] is None:
            return fallback
        account, region = _provider_facts(provider[0], provider[1])
        _check_account(self.result, self.account, provider[0], provider[1], "aws")
        return Context(self.account or account or fallback.account_id, region or self.region or fallback.region,
                       fallback.notes)

    def _child_providers(self, parent: Instance, block: Block, providers: dict[str, Any]) -> dict[str, Any]:
        result = dict(providers)
        mapping = block.body.attrs.get("providers")
        if mapping is not None:
            for key, target in _provider_map(mapping.text).items():
                config = parent.module.providers.get(target)
                result[key] = (parent, config) if config is not None else providers.get(target)
        return result

    def _downloaded_dir(self, address: str) -> str | None:
        if self._downloaded is None:
            self._downloaded = downloaded_modules(self.root_real)
        return self._downloaded.get(module_key(address))

    # -- jobs -------------------------------------------------------------------------------------
    def _jobs(self, instance: Instance, block: Block, providers: dict[str, Any]) -> None:
        address = f"{instance.prefix()}{'.'.join(block.labels)}"
        expansion = expand(instance, block, address)
        if isinstance(expansion, Unknown):
            self.result.problems.append(_problem(
                f"{block.file}:{block.line}: {address}: its instances cannot be known from {expansion.why}: its jobs "
                "are not checked (give the values with --var/--var-file, or scan the plan JSON)",
                block.file, block.line))
            return
        provider = providers.get("aws")
        provider_attr = block.body.attrs.get("provider")
        if provider_attr is not None:
            config = instance.module.providers.get(provider_attr.text)
            provider = (instance, config) if config is not None else providers.get(provider_attr.text)
        context = self._context(provider, instance.context)
        for job_address, bound in expansion:
            job = PlannedJob(job_address, "tf", self.root_display, {})
            job.where[""] = Where(block.file, block.line)
            _body_attributes(instance, block.body, bound, "", job, block.file)
            own_region = job.attributes.get("region")
            job.account_id = context.account_id
            job.region = own_region if isinstance(own_region, str) else context.region
            self.result.jobs.append(job)


def unknown_text(expression: str, unknown: Unknown) -> str:
    """What ``PlannedJob.unknown`` says for an attribute: its expression as written, plus why when the
    reason adds something (``"var.role (var.role has no value: pass --var role=VALUE ...)"``)."""
    why = unknown.why
    if not why or why == expression or why.endswith(" is known only after apply"):
        return expression
    return f"{expression} ({why})"


def _provider_map(text: str) -> dict[str, str]:
    """``{ aws = aws.west }`` -> ``{"aws": "aws.west"}`` (module ``providers`` maps are plain references)."""
    result = {}
    for part in text.strip().strip("{}").replace("\n", ",").split(","):
        if "=" in part:
            key, _, value = part.partition("=")
            result[key.strip()] = value.strip()
    return result


def _body_attributes(instance: Instance, body: Body, bound: dict[str, Any], prefix: str, job: PlannedJob,
                     file: str) -> dict[str, Any]:
    """Fill ``job.where``/``job.unknown`` for ``body`` (in ``file``) at path ``prefix`` and return its known
    values (top level, ``prefix == ""``: into ``job.attributes``)."""
    top = not prefix
    values: dict[str, Any] = job.attributes if top else {}
    for name, attr in body.attrs.items():
        if top and name in META_ARGUMENTS:
            continue
        path = f"{prefix}{name}"
        job.where[path] = Where(file, attr.line)
        value = instance.evaluate(attr, bound)
        if name in _NUMBERS and isinstance(value, str):
            try:
                value = to_number(value)
            except EvalError as exc:
                value = Unknown(str(exc))
        unknown = contains_unknown(value)
        if unknown is not None:
            job.unknown[path] = unknown_text(attr.text, unknown)
        elif value is not None:
            values[name] = value
    for nested in body.blocks:
        if top and nested.type in META_ARGUMENTS:
            continue
        if nested.type == "dynamic" and nested.labels:
            _dynamic(instance, nested, bound, prefix, job, values)
            continue
        path = f"{prefix}{nested.type}"
        job.where.setdefault(path, Where(nested.file, nested.line))
        inner = _body_attributes(instance, nested.body, bound, f"{path}.", job, nested.file)
        values.setdefault(nested.type, []).append(inner)
    return values


def _dynamic(instance: Instance, block: Block, bound: dict[str, Any], prefix: str, job: PlannedJob,
             values: dict[str, Any]) -> None:
    """``dynamic "vpc_config" { for_each = ...  content { ... } }``: one block per element."""
    label = block.labels[0]
    path = f"{prefix}{label}"
    job.where.setdefault(path, Where(block.file, block.line))
    for_each = block.body.attrs.get("for_each")
    iterator_attr = block.body.attrs.get("iterator")
    iterator = iterator_attr.text if iterator_attr is not None else label
    collection = instance.evaluate(for_each, bound) if for_each is not None else Unknown("no for_each")
    unknown = collection if isinstance(collection, Unknown) else contains_unknown(collection)
    if unknown is not None or not isinstance(collection, (list, dict)):
        text = for_each.text if for_each is not None else "dynamic block without for_each"
        job.unknown[path] = unknown_text(f"dynamic \"{label}\" for_each = {text}", unknown or Unknown())
        return
    contents = [b for b in block.body.blocks if b.type == "content"]
    pairs = collection.items() if isinstance(collection, dict) else enumerate(collection)
    for key, value in pairs:
        scope = dict(bound)
        scope[iterator] = {"key": key, "value": value}
        inner = _body_attributes(instance, contents[0].body, scope, f"{path}.", job, block.file) if contents else {}
        values.setdefault(label, []).append(inner)
