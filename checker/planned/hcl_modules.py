"""A folder of ``.tf`` files as one Terraform module, and module instances that evaluate names in it.

Terraform reads every ``*.tf`` file of a folder as one module (developer.hashicorp.com/terraform/language/
files). :func:`read_folder` parses them (a broken file is one problem; the others are still read);
:class:`Instance` is one instantiation of a module (the root, or ``module.batch["x"]``) with its input
variables, and resolves ``var.*``, ``local.*``, ``module.*`` outputs, ``path.*``, ``terraform.workspace``
and resource references (through :func:`checker.planned.references.resolve`) lazily, each at most once; a
local that refers to itself is unknown, never a loop. Children are created by :mod:`checker.planned.hcl`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from checker.planned.hcl_eval import Evaluator
from checker.planned.hcl_parse import Attr, Block, Body, HclError, parse_hcl
from checker.planned.hcl_values import EvalError, Namespace, Unknown, contains_unknown, to_number

META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner",
                            "connection"})
"""Resource arguments that belong to Terraform, not the provider (developer.hashicorp.com/terraform/
language/meta-arguments)."""


@dataclass
class Module:
    """The parsed ``.tf`` files of one folder. ``display`` is the folder as shown to the user;
    ``files``: the file names (display form) read; ``problems``: (file, line, message) of what could not be."""

    directory: str
    display: str
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attr] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    providers: dict[str, Block] = field(default_factory=dict)
    resources: dict[str, Block] = field(default_factory=dict)
    module_calls: dict[str, Block] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, int | None, str]] = field(default_factory=list)


def display_path(base_display: str, relative: str) -> str:
    """``("infra", "modules/batch/main.tf")`` -> ``"infra/modules/batch/main.tf"`` (as the user would type it)."""
    joined = os.path.normpath(os.path.join(base_display, relative))
    return joined.replace(os.sep, "/")


def read_folder(directory: str, display: str, only: str | None = None) -> Module:
    """Parse every ``*.tf`` file of ``directory`` (or only the file ``only``) into a :class:`Module`.

    Duplicate definitions (two ``variable "x"``, two ``resource "t" "n"``) and unreadable files are
    recorded in ``problems``; a ``*.tf.json`` file that mentions ``aws_bedrock_model_invocation_job``
    too (Terraform's JSON syntax is not read: its jobs would go unchecked otherwise).
    """
    module = Module(directory, display)
    try:
        names = [only] if only else sorted(n for n in os.listdir(directory) if n.endswith((".tf", ".tf.json")))
    except OSError as exc:
        module.problems.append((display, None, f"cannot read the folder: {exc.strerror or exc}"))
        return module
    for name in names:
        path = os.path.join(directory, name)
        shown = display if only else display_path(display, name)
        if not os.path.isfile(path):
            continue
        try:
            text = read_text(path, shown)
        except HclError as exc:
            module.problems.append((shown, exc.line, str(exc)))
            continue
        if name.endswith(".tf.json"):
            if "aws_bedrock_model_invocation_job" in text:
                module.problems.append((shown, None, "Terraform JSON configuration syntax (.tf.json) is not read: "
                                        "scan the plan JSON (terraform show -json) to check the jobs it defines"))
            continue
        try:
            body = parse_hcl(text, shown)
        except HclError as exc:
            module.problems.append((shown, exc.line, str(exc)))
            continue
        module.files.append(shown)
        _collect(module, body, shown)
    return module


def read_text(path: str, shown: str) -> str:
    """The UTF-8 text of a file; raises :class:`HclError` (with the line of a byte that is not UTF-8)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise HclError(shown, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise HclError(shown, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})") from None


def _collect(module: Module, body: Body, shown: str) -> None:
    for block in body.blocks:
        kind, labels = block.type, block.labels
        if kind == "locals":
            for name, attr in block.body.attrs.items():
                _add(module, module.locals, name, attr, f"local value {name!r}", shown, attr.line)
            continue
        if kind == "provider" and len(labels) == 1:
            alias = block.body.attrs.get("alias")
            key = labels[0] + (f".{_literal(alias)}" if alias is not None else "")
            _add(module, module.providers, key, block, f"provider {key!r}", shown, block.line)
            continue
        target = {"variable": module.variables, "output": module.outputs, "module": module.module_calls}.get(kind)
        if target is not None and len(labels) == 1:
            _add(module, target, labels[0], block, f"{kind} {labels[0]!r}", shown, block.line)
        elif kind in ("resource", "data") and len(labels) == 2:
            key = ("data." if kind == "data" else "") + f"{labels[0]}.{labels[1]}"
            _add(module, module.resources, key, block, key, shown, block.line)


def _add(module: Module, table: dict[str, Any], key: str, item: Any, what: str, shown: str, line: int) -> None:
    if key in table:
        first = table[key]
        module.problems.append((shown, line, f"{shown}:{line}: {what} is defined twice (first at "
                                f"{first.file if isinstance(first, Block) else shown}:{first.line})"))
        return
    table[key] = item


def _literal(attr: Attr) -> Any:
    """The value of an attribute that must be a literal (a provider alias)."""
    value = Evaluator(lambda name: _raise(name), attr.source).evaluate(attr.expr)
    return value if isinstance(value, str) else attr.text


def _raise(name: str) -> Any:
    raise KeyError(name)


@dataclass
class Context:
    """What resolution needs: the account, region and partition of the jobs, and the loader's ``notes``."""

    account_id: str | None
    region: str | None
    notes: list[str]


class Instance:
    """One instantiation of ``module`` at ``address`` (``""`` for the root, ``module.batch["x"]``)."""

    def __init__(self, module: Module, address: str, variables: dict[str, Any], context: Context,
                 root: str) -> None:
        self.module = module
        self.address = address
        self.context = context
        self.root = root
        self._variables = variables
        self._locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        self.children: dict[str, Any] = {}
        """Module call name -> an :class:`Instance` (no count/for_each), a list or dict of them, or an
        :class:`Unknown`; filled by :mod:`checker.planned.hcl`."""
        self.resource_values: dict[str, dict[str, Any]] = {}

    def prefix(self) -> str:
        """``"module.batch."`` for addresses inside this instance (``""`` for the root)."""
        return f"{self.address}." if self.address else ""

    def evaluate(self, attr: Attr, bound: dict[str, Any] | None = None) -> Any:
        """The value of ``attr`` in this instance (``bound``: ``each``/``count``/iterators)."""
        return Evaluator(self.lookup, attr.source).evaluate(attr.expr, bound)

    def lookup(self, name: str) -> Any:
        """The value of a top-level name (raises ``KeyError`` for one Terraform would not know)."""
        if name == "var":
            return _Table(self._variable, "var")
        if name == "local":
            return _Table(self._local, "local")
        if name == "module":
            return _Table(self._module_output, "module")
        if name == "path":
            return {"module": self.module.display, "root": self.root, "cwd": os.getcwd()}
        if name == "terraform":
            return {"workspace": "default"}
        if name == "data":
            return _Table(lambda kind, text: _ResourceType(self, "data." + kind), "data")
        if name in ("each", "count", "self"):
            return Unknown(f"{name}: not available here")
        return _ResourceType(self, name)

    def _variable(self, name: str, text: str) -> Any:
        if name in self._variables:
            return self._variables[name]
        block = self.module.variables.get(name)
        if block is None:
            raise EvalError(f"var.{name}: no variable {name!r} is declared in {self.module.display}")
        default = block.body.attrs.get("default")
        if default is not None:
            self._variables[name] = Evaluator(_raise, default.source).evaluate(default.expr)
            return self._variables[name]
        return Unknown(f"var.{name} has no value: pass --var {name}=VALUE or set it in a .tfvars file")

    def _local(self, name: str, text: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        attr = self.module.locals.get(name)
        if attr is None:
            raise EvalError(f"local.{name}: no local value {name!r} in {self.module.display}")
        key = f"local.{name}"
        if key in self._resolving:
            return Unknown(f"local.{name} refers to itself (a cycle Terraform rejects)")
        self._resolving.add(key)
        try:
            value = self.evaluate(attr)
        finally:
            self._resolving.discard(key)
        self._locals[name] = value
        return value

    def _module_output(self, name: str, text: str) -> Any:
        child = self.children.get(name)
        if child is None:
            if name in self.module.module_calls:
                return Unknown(f"module.{name} was not read")
            raise EvalError(f"module.{name}: no module call {name!r} in {self.module.display}")
        return _outputs(child)

    def output(self, name: str) -> Any:
        """The value of output ``name`` of this instance."""
        block = self.module.outputs.get(name)
        if block is None or "value" not in block.body.attrs:
            raise EvalError(f"{self.prefix()}output {name!r} is not defined in {self.module.display}")
        key = f"output.{name}"
        if key in self._resolving:
            return Unknown(f"{self.prefix()}output {name} refers to itself")
        self._resolving.add(key)
        try:
            return self.evaluate(block.body.attrs["value"])
        finally:
            self._resolving.discard(key)

    def resolve(self, address: str, attribute: str, text: str) -> Any:
        """``address.attribute`` (module-relative) through :func:`checker.planned.references.resolve`."""
        from checker.planned.references import Resolved, resolve

        values = self._known_values(address)
        lookup = {address: values} if values is not None else {}
        result = resolve(address, attribute, lookup, self.context.account_id, self.context.region)
        if isinstance(result, Resolved):
            note = f"{self.prefix()}{result.how}"
            if note not in self.context.notes:
                self.context.notes.append(note)
            return result.value
        return Unknown(f"{self.prefix()}{result.reason}" if self.address else result.reason)

    def _known_values(self, address: str) -> dict[str, Any] | None:
        base = address.split("[", 1)[0]
        block = self.module.resources.get(base)
        if block is None:
            return None
        if address in self.resource_values:
            return self.resource_values[address]
        if address in self._resolving:
            return {}
        self._resolving.add(address)
        bound = _instance_binding(block, address[len(base):], self)
        values: dict[str, Any] = {}
        try:
            for name, attr in block.body.attrs.items():
                if name not in META_ARGUMENTS:
                    value = self.evaluate(attr, bound)
                    if contains_unknown(value) is None:
                        values[name] = value
        finally:
            self._resolving.discard(address)
        self.resource_values[address] = values
        return values


def _instance_binding(block: Block, index: str, instance: Instance) -> dict[str, Any]:
    """``each``/``count`` for the resource instance ``[index]`` (``index`` as in its address)."""
    if not index:
        return {}
    key = json.loads(index[1:-1])
    if "count" in block.body.attrs:
        return {"count": {"index": key}}
    for_each = block.body.attrs.get("for_each")
    if for_each is None:
        return {}
    collection = instance.evaluate(for_each)
    value = collection.get(key) if isinstance(collection, dict) else key
    return {"each": {"key": key, "value": value}}


def _outputs(child: Any) -> Any:
    if isinstance(child, Instance):
        return _Table(lambda name, text: child.output(name), child.address)
    if isinstance(child, list):
        return [_outputs(item) for item in child]
    if isinstance(child, dict):
        return {key: _outputs(item) for key, item in child.items()}
    return child


class _Table(Namespace):
    """``var``/``local``/``module``/``data`` and module outputs: ``.name`` calls ``get(name, text)``."""

    def __init__(self, get: Any, label: str) -> None:
        self._get = get
        self._label = label

    def attr(self, name: str, text: str) -> Any:
        return self._get(name, text)

    def item(self, key: Any, text: str) -> Any:
        raise EvalError(f"{text}: {self._label} cannot be indexed")


class _ResourceType(Namespace):
    """``aws_iam_role`` in ``aws_iam_role.batch.arn``."""

    def __init__(self, instance: Instance, kind: str) -> None:
        self._instance = instance
        self._kind = kind

    def attr(self, name: str, text: str) -> Any:
        address = f"{self._kind}.{name}"
        block = self._instance.module.resources.get(address)
        if block is None:
            raise EvalError(f"{address}: no such resource in {self._instance.module.display}")
        return _Resource(self._instance, address, block, "")


class _Resource(Namespace):
    """A resource (``aws_iam_role.batch``) or one of its instances (``aws_iam_role.batch[0]``)."""

    def __init__(self, instance: Instance, address: str, block: Block, index: str) -> None:
        self._instance, self._address, self._block, self._index = instance, address, block, index

    def _expanded(self) -> bool:
        return not self._index and ("count" in self._block.body.attrs or "for_each" in self._block.body.attrs)

    def attr(self, name: str, text: str) -> Any:
        if self._expanded():
            raise EvalError(f"{text}: {self._address} has count or for_each: index it ({self._address}[...])")
        return self._instance.resolve(self._address + self._index, name, text)

    def item(self, key: Any, text: str) -> Any:
        if not self._expanded():
            raise EvalError(f"{text}: {self._address} has no count or for_each")
        counted = "count" in self._block.body.attrs
        index = f"[{int(to_number(key))}]" if counted else f"[{json.dumps(str(key))}]"
        return _Resource(self._instance, self._address, self._block, index)


def expand(instance: Instance, block: Block, address: str) -> list[tuple[str, dict[str, Any]]] | Unknown:
    """The instances of a resource or module call: ``[(address, bound)]`` for its ``count``/``for_each``
    (``[(address, {})]`` without either), or :class:`Unknown` when the collection is not known."""
    attrs = block.body.attrs
    if "count" in attrs:
        count = instance.evaluate(attrs["count"])
        if isinstance(count, Unknown):
            return Unknown(f"count = {attrs['count'].text}" + (f" ({count.why})" if count.why else ""))
        try:
            number = int(to_number(count))
        except EvalError as exc:
            return Unknown(f"count = {attrs['count'].text}: {exc}")
        return [(f"{address}[{i}]", {"count": {"index": i}}) for i in range(max(number, 0))]
    if "for_each" in attrs:
        collection = instance.evaluate(attrs["for_each"])
        unknown = contains_unknown(collection) if not isinstance(collection, dict) else (
            collection if isinstance(collection, Unknown) else None)
        if isinstance(collection, dict) and unknown is None:
            pairs = list(collection.items())
        elif isinstance(collection, list) and unknown is None and all(isinstance(v, str) for v in collection):
            pairs = [(v, v) for v in dict.fromkeys(collection)]
        elif unknown is not None:
            return Unknown(f"for_each = {attrs['for_each'].text}" + (f" ({unknown.why})" if unknown.why else ""))
        else:
            return Unknown(f"for_each = {attrs['for_each'].text}: not a map or a set of strings")
        return [(f"{address}[{json.dumps(key)}]", {"each": {"key": key, "value": value}}) for key, value in pairs]
    return [(address, {})]
