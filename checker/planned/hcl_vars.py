"""Root module variable values in Terraform's precedence, from defaults, tfvars files and ``--var``.

Precedence (developer.hashicorp.com/terraform/language/values/variables, "Variable Definition
Precedence"), later wins: ``default`` < ``terraform.tfvars`` (``.json``) < ``*.auto.tfvars`` (``.json``) in
lexical order of file name < ``--var-file`` and ``--var`` in the order given on the command line.
``--var`` values are strings unless the variable's type is a collection (then parsed as HCL), as
Terraform does; a declared ``number``/``bool`` type converts strings.
"""

from __future__ import annotations

import json
import os
from typing import Any

from checker.planned.hcl_eval import Evaluator
from checker.planned.hcl_modules import Module, display_path, read_text
from checker.planned.hcl_parse import HclError, parse_hcl
from checker.planned.hcl_values import EvalError, Unknown, to_bool, to_number


class VarError(Exception):
    """A tfvars file or ``--var`` that cannot be used; ``str(exc)`` is one line naming file and line."""

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


def _no_names(name: str) -> Any:
    raise KeyError(name)


def read_tfvars(path: str, shown: str) -> dict[str, Any]:
    """The values of a ``.tfvars`` (HCL) or ``.tfvars.json`` file (literals only: a tfvars file cannot
    refer to anything). Raises :class:`VarError`."""
    try:
        text = read_text(path, shown)
    except HclError as exc:
        raise VarError(str(exc), shown, exc.line) from None
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            line = getattr(exc, "lineno", None)
            raise VarError(f"{shown}:{line}: not valid JSON ({getattr(exc, 'msg', exc)})", shown, line) from None
        if not isinstance(data, dict):
            raise VarError(f"{shown}:1: a .tfvars.json file must hold one JSON object", shown, 1)
        return data
    try:
        body = parse_hcl(text, shown)
    except HclError as exc:
        raise VarError(str(exc), shown, exc.line) from None
    if body.blocks:
        block = body.blocks[0]
        raise VarError(f"{shown}:{block.line}: a .tfvars file holds only NAME = VALUE lines, not blocks",
                       shown, block.line)
    values: dict[str, Any] = {}
    for name, attr in body.attrs.items():
        value = Evaluator(_no_names, attr.source).evaluate(attr.expr)
        if isinstance(value, Unknown):
            raise VarError(f"{shown}:{attr.line}: {name} = {attr.text}: a .tfvars value must be a literal",
                           shown, attr.line)
        values[name] = value
    return values


def _type_text(module: Module, name: str) -> str:
    block = module.variables.get(name)
    attr = block.body.attrs.get("type") if block is not None else None
    return attr.text.replace(" ", "") if attr is not None else ""


def convert(value: Any, type_text: str, label: str) -> Any:
    """``value`` converted to a primitive declared ``type`` (``number``/``bool``/``string``); other
    types unchanged. Raises :class:`EvalError` naming ``label`` when Terraform would refuse it."""
    try:
        if type_text == "number" and value is not None:
            return to_number(value)
        if type_text == "bool" and value is not None:
            return to_bool(value)
        if type_text == "string" and isinstance(value, (int, float, bool)):
            return str(value).lower() if isinstance(value, bool) else str(value)
    except EvalError as exc:
        raise EvalError(f"{label}: {exc}") from None
    return value


def _cli_value(module: Module, name: str, raw: str) -> Any:
    kind = _type_text(module, name)
    if kind.startswith(("list", "set", "map", "object", "tuple")):
        try:
            body = parse_hcl(f"v = {raw}", f"--var {name}")
        except HclError as exc:
            raise VarError(f"--var {name}: not a valid {kind} value ({str(exc).split(': ', 1)[-1]})",
                           "--var") from None
        return Evaluator(_no_names, body.attrs["v"].source).evaluate(body.attrs["v"].expr)
    return raw


def root_variables(module: Module, var_files: list[str], variables: list[tuple[str, str]] | dict[str, str],
                   only_file: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Values of the root module's variables, in Terraform's precedence, and the tfvars files read (as
    shown). ``var_files`` paths as the user gave them; ``variables``: ``--var`` pairs in order (a dict keeps
    its order). Raises :class:`VarError` for an unreadable file or a value of the wrong type.
    """
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}  # variable -> where its value comes from (for messages)
    read: list[str] = []
    for name, block in module.variables.items():
        default = block.body.attrs.get("default")
        if default is not None:
            value = Evaluator(_no_names, default.source).evaluate(default.expr)
            values[name] = value
    if not only_file:
        try:
            listing = sorted(os.listdir(module.directory))
        except OSError:
            listing = []
        automatic: list[str] = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in listing]
        automatic += [n for n in listing if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        for name in automatic:
            shown = display_path(module.display, name)
            found = read_tfvars(os.path.join(module.directory, name), shown)
            values.update(found)
            origin.update(dict.fromkeys(found, shown))
            read.append(shown)
    pairs = list(variables.items()) if isinstance(variables, dict) else list(variables)
    given: list[tuple[str, Any]] = []
    for path in var_files:
        found = read_tfvars(path, path)
        given.extend(found.items())
        origin.update(dict.fromkeys(found, path))
        read.append(path)
    for name, raw in pairs:
        given.append((name, _cli_value(module, name, raw)))
        origin[name] = f"--var {name}"
    values.update(given)
    for name in list(values):
        if name not in module.variables:
            continue  # Terraform warns about values for undeclared variables; they are not used
        try:
            values[name] = convert(values[name], _type_text(module, name), f"var.{name}")
        except EvalError as exc:
            where = origin.get(name, module.display)
            raise VarError(f"{where}: {exc}", where) from None
    return {k: v for k, v in values.items() if k in module.variables}, read
