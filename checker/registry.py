"""What plugins registered: :class:`Registry` (one typed map per kind, each entry with its plugin),
:class:`PluginInfo`, and the checks every registered rule, reporter and source passes
(:func:`accept_rule`, :func:`accept_reporter`, :func:`accept_source`, :func:`validate_rule`).

Loading plugins and calling their hooks is :mod:`checker.plugins`; this module imports no plugin and no
pluggy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from checker.model import RESERVED_PREFIX, ErrorKind, Problem, Rule, reserved_rule_id

FORMAT_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
"""Report and input format names: what ``-f``, ``-o NAME=PATH`` and ``--input-format`` accept."""


def _empty_registered() -> dict[str, list[str]]:
    return {"rules": [], "reporters": [], "sources": []}


@dataclass
class PluginInfo:
    """One plugin as ``bedrock-audit plugins`` shows it.

    ``status``: ``loaded``, ``failed`` or ``disabled``. ``hooks``: the hook names it implements.
    ``registered``: what it registered, by kind (``rules``, ``reporters``, ``sources``) -> names/ids.
    """

    name: str
    module: str
    distribution: str | None
    version: str | None
    builtin: bool
    status: str = "loaded"
    error: str | None = None
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=_empty_registered)

    @property
    def label(self) -> str:
        """``"acme (acme-bedrock-rules 1.2.0)"``."""
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version})"
        return self.name

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``bedrock-audit plugins -f json``)."""
        return {"name": self.name, "module": self.module, "distribution": self.distribution,
                "version": self.version, "builtin": self.builtin, "status": self.status,
                "error": self.error, "hooks": list(self.hooks),
                "registered": {kind: list(names) for kind, names in self.registered.items()}}


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Registered(Generic[T]):
    """One registered item (a rule, a reporter factory, a source) and the plugin that registered it."""

    value: T
    plugin: PluginInfo

    @property
    def builtin(self) -> bool:
        """True when one of bedrock-audit's own plugins registered it (:data:`checker.plugins.BUILTIN_PLUGINS`)."""
        return self.plugin.builtin


class RuleTable(dict[str, Rule]):
    """Rule id -> :class:`Rule` in registration order, knowing which rules are bedrock-audit's own.

    ``trusted``: the ids of rules whose check is bedrock-audit's code (the built-in rules, the policy's
    custom rules). The engine gives every other rule its own copy of the record
    (:func:`checker.policy.configure_rules` reads ``trusted``).
    """

    def __init__(self, rules: Mapping[str, Rule] | None = None, trusted: Iterable[str] = ()) -> None:
        super().__init__(rules or {})
        self.trusted = frozenset(trusted)


@dataclass
class Registry:
    """Everything the plugins registered, plus what went wrong.

    One typed map per kind, each entry with its plugin (:class:`Registered`), in registration order:
    ``rule_entries`` (rule id -> rule), ``reporter_entries`` (format name -> reporter factory),
    ``source_entries`` (input format name -> source). ``problems``: one PLUGIN problem per failure (a
    failed import, a bad hook, a duplicate rule id, ...). ``unknown_disabled``: names given to
    ``--disable-plugin`` that match no plugin (the CLI decides what that means).

    Read-only views by kind: :attr:`rules`, :attr:`reporters`, :attr:`sources` (name -> item) and
    :attr:`rule_plugin`, :attr:`reporter_plugin`, :attr:`source_plugin` (name -> plugin name); each is a
    fresh dict, so changing it changes nothing here.
    """

    plugins: list[PluginInfo] = field(default_factory=list)
    rule_entries: dict[str, Registered[Rule]] = field(default_factory=dict)
    reporter_entries: dict[str, Registered[Any]] = field(default_factory=dict)
    source_entries: dict[str, Registered[Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown_disabled: list[str] = field(default_factory=list)

    def unknown_disabled_message(self) -> str | None:
        """The message for ``--disable-plugin`` names that match no plugin, or ``None``."""
        if not self.unknown_disabled:
            return None
        names = ", ".join(p.name for p in self.plugins)
        return (f"--disable-plugin {', '.join(self.unknown_disabled)}: no plugin has that name "
                f"(plugins: {names}; see `bedrock-audit plugins`)")

    @property
    def rules(self) -> RuleTable:
        """Rule id -> :class:`Rule`, with ``trusted`` = the built-in plugins' rule ids."""
        return RuleTable({k: e.value for k, e in self.rule_entries.items()},
                         (k for k, e in self.rule_entries.items() if e.builtin))

    @property
    def rule_plugin(self) -> dict[str, str]:
        """Rule id -> name of the plugin that registered it."""
        return {k: e.plugin.name for k, e in self.rule_entries.items()}

    @property
    def reporters(self) -> dict[str, Any]:
        """Report format name -> reporter factory."""
        return {k: e.value for k, e in self.reporter_entries.items()}

    @property
    def reporter_plugin(self) -> dict[str, str]:
        """Report format name -> name of the plugin that registered it."""
        return {k: e.plugin.name for k, e in self.reporter_entries.items()}

    @property
    def sources(self) -> dict[str, Any]:
        """Input format name -> source."""
        return {k: e.value for k, e in self.source_entries.items()}

    @property
    def source_plugin(self) -> dict[str, str]:
        """Input format name -> name of the plugin that registered it."""
        return {k: e.plugin.name for k, e in self.source_entries.items()}

    def plugin(self, name: str) -> PluginInfo:
        """The :class:`PluginInfo` called ``name``. Raises ``KeyError``."""
        for info in self.plugins:
            if info.name == name:
                return info
        raise KeyError(name)

    def fail(self, info: PluginInfo, message: str) -> None:
        """Record a failure of plugin ``info`` (shown in every report; exit 4)."""
        if info.status == "loaded":
            info.status = "failed"
        info.error = message if info.error is None else f"{info.error}; {message}"
        hint = "" if info.builtin else f" (to run without it: --disable-plugin {info.name})"
        self.problems.append(Problem(ErrorKind.PLUGIN, f"plugin {info.label}: {message}{hint}",
                                     plugin=info.name))


def _owner(entries: Mapping[str, Registered[Any]], name: str) -> str | None:
    entry = entries.get(name)
    return None if entry is None else entry.plugin.name


def accept_rule(registry: Registry, info: PluginInfo, *args: Any) -> None:
    """Record what plugin ``info`` passed to ``register(rule)`` of ``register_rules``
    (or fail the plugin, saying why)."""
    if len(args) != 1 or not isinstance(args[0], Rule):
        got = ", ".join(type(a).__name__ for a in args)
        registry.fail(info, f"register_rules: expected register(rule: checker.Rule), got register({got})")
        return
    rule = args[0]
    if not info.builtin and reserved_rule_id(rule.id):
        registry.fail(info, f"rule {rule.id}: the {RESERVED_PREFIX} prefix is reserved for bedrock-audit's "
                            "built-in rules; use your own (ACME001)")
        return
    # the built-in rules' metadata is checked by the test suite (tests/test_plugin_contract.py); checking
    # it again on every start would cost ~10 ms of start-up
    problem = None if info.builtin else validate_rule(rule)
    if problem:
        registry.fail(info, f"rule {rule.id}: {problem}")
        return
    owner = _owner(registry.rule_entries, rule.id)
    if owner is not None:
        registry.fail(info, f"rule id {rule.id} is already registered by plugin "
                            f"{registry.plugin(owner).label}")
        return
    for other_id, other in registry.rule_entries.items():
        if other.value.name == rule.name:
            registry.fail(info, f"rule name {rule.name} ({rule.id}) is already used by {other_id} of "
                                f"plugin {other.plugin.label}")
            return
    registry.rule_entries[rule.id] = Registered(rule, info)
    info.registered["rules"].append(rule.id)


def accept_reporter(registry: Registry, info: PluginInfo, *args: Any) -> None:
    """Record what plugin ``info`` passed to ``register(name, factory)`` of ``register_reporters``
    (or fail the plugin, saying why)."""
    if len(args) != 2 or not isinstance(args[0], str) or not callable(args[1]):
        registry.fail(info, "register_reporters: expected register(name: str, factory: callable)")
        return
    name, factory = args
    if not FORMAT_NAME_RE.match(name):
        registry.fail(info, f"register_reporters: format name {name!r} must be lowercase letters, digits, "
                            "- and _")
        return
    owner = _owner(registry.reporter_entries, name)
    if owner is not None:
        registry.fail(info, f"report format {name!r} is already registered by plugin "
                            f"{registry.plugin(owner).label}")
        return
    registry.reporter_entries[name] = Registered(factory, info)
    info.registered["reporters"].append(name)


def accept_source(registry: Registry, info: PluginInfo, *args: Any) -> None:
    """Record what plugin ``info`` passed to ``register(source)`` of ``register_sources``
    (or fail the plugin, saying why)."""
    source = args[0] if len(args) == 1 else None
    name = getattr(source, "name", None)
    missing = [a for a in ("name", "extensions", "schemes", "sniff", "read") if not hasattr(source, a)]
    if len(args) != 1 or missing or not isinstance(name, str):
        registry.fail(info, f"register_sources: {source!r} lacks {', '.join(missing) or 'a name'} "
                            "(see checker.sources.base.Source)")
        return
    if not FORMAT_NAME_RE.match(name):
        registry.fail(info, f"register_sources: input format name {name!r} must be lowercase letters, "
                            "digits, - and _")
        return
    owner = _owner(registry.source_entries, name)
    if owner is not None:
        registry.fail(info, f"input format {name!r} is already registered by plugin "
                            f"{registry.plugin(owner).label}")
        return
    for kind in ("extensions", "schemes"):
        claimed = getattr(source, kind)
        if isinstance(claimed, str) or not all(isinstance(c, str) for c in claimed):
            registry.fail(info, f"register_sources: {name}.{kind} must be a tuple of strings")
            return
        for other_name, other in registry.source_entries.items():
            taken = sorted(set(claimed) & set(getattr(other.value, kind)))
            if taken:
                registry.fail(info, f"input format {name!r}: {kind[:-1]} {taken[0]} is already claimed by "
                                    f"{other_name!r} of plugin {other.plugin.label}")
                return
    registry.source_entries[name] = Registered(source, info)
    info.registered["sources"].append(name)


def validate_rule(rule: Rule) -> str | None:
    """Why ``rule``'s metadata is invalid, or ``None`` if it is valid.

    Checked: ``rule.metadata()`` against ``schemas/rule-metadata.schema.json``; ``params_schema``
    against the JSON Schema (Draft 2020-12) metaschema; each parameter's ``default`` against that
    parameter's own schema (a default the rule's schema rejects would reach the check unvalidated).
    """
    from checker.schema import (
        RULE_METADATA_SCHEMA,
        SchemaValidator,
        dangling_ref,
        json_pointer,
        load_schema,
        metaschema_errors,
        remote_ref,
        validator_for,
    )

    errors = validator_for(load_schema(RULE_METADATA_SCHEMA)).errors(rule.metadata())
    if errors:
        return f"metadata invalid: {errors[0]}"
    meta = metaschema_errors(dict(rule.params_schema))
    if meta:
        return f"params_schema is not a valid JSON Schema: {meta}"
    remote = remote_ref(rule.params_schema)
    if remote is not None:
        return f"params_schema: $ref {remote!r} points outside the schema (nothing is fetched)"
    dangling = dangling_ref(rule.params_schema)
    if dangling is not None:
        place, ref = dangling
        return f"params_schema{json_pointer(place)}: $ref {ref!r} points at nothing in the schema"
    for name, spec in rule.params_schema.get("properties", {}).items():
        if isinstance(spec, Mapping) and "default" in spec:
            bad = SchemaValidator(spec).errors(spec["default"])
            if bad:
                return f"params_schema: the default of {name!r} fails its own schema: {bad[0]}"
    return None
