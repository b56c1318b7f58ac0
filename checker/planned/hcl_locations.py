"""Where each batch job's attributes are written in a configuration folder, for findings on a plan.

A plan names a job by its resource address (``module.batch["nightly"].aws_bedrock_model_invocation_job.this[0]``);
every instance of one ``resource`` block shares that block's lines, so :func:`tf_locations` reads the
folder once, without evaluating anything, and keys the places by configuration address (instance keys
removed, :func:`config_address`). Local modules and modules ``terraform init`` downloaded into
``.terraform/modules`` are followed; a module calling itself is read once.
"""

from __future__ import annotations

import json
import os
import re

from checker.planned.hcl_modules import Module, display_path, read_folder
from checker.planned.hcl_parse import Block, Body
from checker.planned.model import Where

JOB_TYPE = "aws_bedrock_model_invocation_job"
_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


def config_address(address: str) -> str:
    """A resource address without instance keys: ``module.batch["nightly"].aws_x.this[0]`` ->
    ``module.batch.aws_x.this`` (the key of :func:`tf_locations`)."""
    return _INSTANCE_KEY.sub("", address)


def tf_locations(folder: str) -> tuple[dict[str, dict[str, Where]], list[str]]:
    """Places of every ``aws_bedrock_model_invocation_job`` block under ``folder`` (a root module).

    Returns ``({config address: {attribute path: Where}}, problems)``: attribute paths as in
    :attr:`~checker.planned.model.PlannedJob.where` (``""`` the block itself,
    ``"output_data_config.s3_output_data_config.s3_encryption_key_id"``), files shown under ``folder`` as
    given. ``problems``: one line each (file:line) for files that could not be read; the places found in
    the others are still returned. Never raises.
    """
    places: dict[str, dict[str, Where]] = {}
    problems: list[str] = []
    if not os.path.isdir(folder):
        return places, [f"{folder}: not a folder"]
    root_real = os.path.realpath(folder)
    downloaded = downloaded_modules(root_real)
    pending: list[tuple[str, str, str, tuple[str, ...]]] = [(folder, folder, "", ())]
    while pending:
        directory, shown, prefix, stack = pending.pop(0)
        real = os.path.realpath(directory)
        if real in stack:
            continue
        module = read_folder(directory, shown)
        problems.extend(message if message.startswith(file) else f"{file}: {message}"
                        for file, _, message in module.problems)
        _jobs(module, prefix, places)
        for name, call in module.module_calls.items():
            target = _source(call, module, downloaded, root_real, f"{prefix}module.{name}")
            if target is not None:
                pending.append((target[0], target[1], f"{prefix}module.{name}.", (*stack, real)))
    return places, problems


def _jobs(module: Module, prefix: str, places: dict[str, dict[str, Where]]) -> None:
    for address, block in module.resources.items():
        if block.labels[0] == JOB_TYPE:
            where = {"": Where(block.file, block.line)}
            _body(block.body, block.file, "", where, top=True)
            places[f"{prefix}{address}"] = where


def _body(body: Body, file: str, prefix: str, where: dict[str, Where], top: bool) -> None:
    for name, attr in body.attrs.items():
        if not (top and name in ("count", "for_each", "provider", "depends_on")):
            where[f"{prefix}{name}"] = Where(file, attr.line)
    for block in body.blocks:
        if block.type == "dynamic" and block.labels:
            path = f"{prefix}{block.labels[0]}"
            where.setdefault(path, Where(file, block.line))
            for content in block.children("content"):
                _body(content.body, file, f"{path}.", where, top=False)
        elif not (top and block.type in ("lifecycle", "provisioner", "connection")):
            path = f"{prefix}{block.type}"
            where.setdefault(path, Where(file, block.line))
            _body(block.body, file, f"{path}.", where, top=False)


def _source(call: Block, module: Module, downloaded: dict[str, str], root_real: str,
            address: str) -> tuple[str, str] | None:
    attr = call.body.attrs.get("source")
    source = json.loads(attr.text) if attr is not None and re.fullmatch(r'"[^"\\$]*"', attr.text) else None
    if source is None:
        return None
    if source.startswith(("./", "../")):
        return os.path.normpath(os.path.join(module.directory, source)), display_path(module.display, source)
    directory = downloaded.get(module_key(address))
    if directory is None or not os.path.isdir(directory):
        return None
    return directory, display_path(module.display if not module.display else _root_shown(module, root_real),
                                   os.path.relpath(directory, root_real))


def _root_shown(module: Module, root_real: str) -> str:
    relative = os.path.relpath(root_real, os.path.realpath(module.directory))
    return display_path(module.display, relative)


def module_key(address: str) -> str:
    """The key ``terraform init`` gives a module call in ``modules.json``:
    ``module.batch["x"].module.inner`` -> ``"batch.inner"``."""
    return ".".join(part.strip(".") for part in config_address(address).split("module.")[1:])


def downloaded_modules(root_real: str) -> dict[str, str]:
    """``.terraform/modules/modules.json`` (written by ``terraform init``): module key -> folder."""
    try:
        with open(os.path.join(root_real, ".terraform", "modules", "modules.json"), encoding="utf-8") as handle:
            entries = json.load(handle).get("Modules", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {e["Key"]: os.path.join(root_real, str(e.get("Dir"))) for e in entries
            if isinstance(e, dict) and isinstance(e.get("Key"), str)}


def locate(folder: str) -> dict[str, dict[str, Where]]:
    """:func:`tf_locations` without its problems (the shape agreed with core)."""
    return tf_locations(folder)[0]
