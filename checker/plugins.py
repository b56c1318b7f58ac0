"""Build a plugin manager, load plugins one by one, and collect what they register.

There is no module-level manager: :func:`load_plugins` builds a fresh one per call. Built-in plugins
(:data:`BUILTIN_PLUGINS`) are imported by module name; third-party plugins come from entry points of the
group ``bedrock_audit`` and are loaded one at a time in our own loop, so one broken plugin is named
(plugin, distribution, version, cause) without hiding the others. Hooks are then called one
implementation at a time for the same reason (pluggy aborts a hook call at the first raising
implementation). Every failure becomes a PLUGIN :class:`~checker.model.Problem`: the run fails closed
(exit 4) unless the user disables the plugin.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from checker import hookspecs
from checker.model import ErrorKind, Problem, Rule

BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("builtin-sources", "checker.sources"),
    ("builtin-reporters", "checker.reporters"),
    ("builtin-rules", "rules"),
)
"""``(plugin name, module)`` of the built-ins; they register through the same hooks as any plugin."""

AUTOLOAD_ENV = "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD"
"""Set to ``1`` to load no entry-point plugins (built-ins still load)."""

HOOKS = ("register_rules", "register_reporters", "register_sources")


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
    registered: dict[str, list[str]] = field(default_factory=lambda: {"rules": [], "reporters": [], "sources": []})

    @property
    def label(self) -> str:
        """``"acme-rules (acme-bedrock-rules 1.2.0)"``."""
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version})"
        return self.name


@dataclass
class Registry:
    """Everything the plugins registered, plus what went wrong.

    ``rules``: id -> :class:`Rule` in registration order. ``rule_plugin``: id -> plugin name.
    ``reporters``: format name -> factory. ``sources``: source name -> source. ``problems``: one PLUGIN
    problem per failure (a failed import, a bad hook, a duplicate rule id, ...).
    """

    plugins: list[PluginInfo] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    rule_plugin: dict[str, str] = field(default_factory=dict)
    reporters: dict[str, Any] = field(default_factory=dict)
    reporter_plugin: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)
    source_plugin: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

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
        self.problems.append(Problem(ErrorKind.PLUGIN, f"plugin {info.label}: {message}", plugin=info.name))


def new_plugin_manager() -> pluggy.PluginManager:
    """A fresh manager with bedrock-audit's hook specifications and no plugins."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def autoload_enabled(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """False when :data:`AUTOLOAD_ENV` is set to a true value (``1``, ``true``, ``yes``)."""
    value = (environ if environ is not None else os.environ).get(AUTOLOAD_ENV, "")
    return value.strip().lower() not in ("1", "true", "yes", "on")


def load_plugins(disabled: Iterable[str] = (), autoload: bool | None = None,
                 extra: Iterable[tuple[str, object]] = ()) -> Registry:
    """Load the built-ins and (unless ``autoload`` is False) every ``bedrock_audit`` entry point.

    ``disabled``: plugin names (entry-point names, or built-in names) not to load; they are listed with
    status ``disabled``. ``extra``: ``(name, plugin_object)`` pairs registered after the entry points
    (tests and embedding). Never raises for a plugin's fault: failures land in ``Registry.problems``.
    """
    if autoload is None:
        autoload = autoload_enabled()
    skip = set(disabled)
    manager = new_plugin_manager()
    registry = Registry()
    for name, module_name in BUILTIN_PLUGINS:
        info = PluginInfo(name, module_name, "bedrock-audit", _own_version(), builtin=True)
        registry.plugins.append(info)
        if name in skip:
            info.status = "disabled"
            continue
        _register(manager, registry, info, functools.partial(importlib.import_module, module_name))
    if autoload:
        for entry_point in _entry_points():
            dist = getattr(entry_point, "dist", None)
            info = PluginInfo(entry_point.name, entry_point.value, dist.name if dist else None,
                              dist.version if dist else None, builtin=False)
            registry.plugins.append(info)
            if entry_point.name in skip:
                info.status = "disabled"
                continue
            if any(p.name == entry_point.name and p is not info for p in registry.plugins):
                registry.fail(info, "another plugin has the same name")
                continue
            _register(manager, registry, info, entry_point.load)
    for name, plugin in extra:
        info = PluginInfo(name, getattr(plugin, "__name__", repr(plugin)), None, None, builtin=False)
        registry.plugins.append(info)
        if name in skip:
            info.status = "disabled"
            continue
        _register(manager, registry, info, functools.partial(_identity, plugin))
    unknown = skip - {p.name for p in registry.plugins}
    for name in sorted(unknown):
        registry.problems.append(Problem(ErrorKind.PLUGIN, f"--disable-plugin {name}: no plugin has that name",
                                         plugin=name))
    _collect(manager, registry)
    return registry


def _identity(plugin: object) -> object:
    return plugin


def _own_version() -> str:
    from checker import __version__

    return __version__


def _entry_points() -> list[metadata.EntryPoint]:
    seen: set[tuple[str, str]] = set()
    found = []
    for entry_point in metadata.entry_points(group=hookspecs.PROJECT_NAME):
        key = (entry_point.name, entry_point.value)
        if key not in seen:  # the same distribution visible twice on sys.path
            seen.add(key)
            found.append(entry_point)
    return sorted(found, key=lambda ep: ep.name)


def _register(manager: pluggy.PluginManager, registry: Registry, info: PluginInfo,
              load: Callable[[], object]) -> None:
    try:
        plugin = load()
    except BaseException as exc:  # noqa: BLE001 - SystemExit/KeyboardInterrupt in a plugin import too
        if isinstance(exc, KeyboardInterrupt):
            raise
        registry.fail(info, f"failed to import {info.module}: {type(exc).__name__}: {exc}")
        return
    try:
        manager.register(plugin, name=info.name)
        manager.check_pending()
    except Exception as exc:  # noqa: BLE001 - pluggy.PluginValidationError and friends
        if manager.is_registered(plugin):
            manager.unregister(plugin)
        registry.fail(info, f"invalid hook implementation: {exc}")
        return
    info.hooks = sorted(
        caller.name for caller in manager.get_hookcallers(plugin) or [] if caller.name in HOOKS
    )
    if not info.hooks:
        registry.fail(info, f"implements none of the hooks {', '.join(HOOKS)}")


def _collect(manager: pluggy.PluginManager, registry: Registry) -> None:
    """Call each registration hook one implementation at a time (builtins first, then plugins)."""
    order = {info.name: index for index, info in enumerate(registry.plugins)}
    for hook_name, register_for in (
        ("register_sources", _source_registrar),
        ("register_reporters", _reporter_registrar),
        ("register_rules", _rule_registrar),
    ):
        caller = getattr(manager.hook, hook_name)
        implementations = sorted(caller.get_hookimpls(), key=lambda impl: order.get(impl.plugin_name, 1 << 30))
        for implementation in implementations:
            info = registry.plugin(implementation.plugin_name)
            try:
                implementation.function(register=register_for(registry, info))
            except Exception as exc:  # noqa: BLE001
                registry.fail(info, f"{hook_name} raised {type(exc).__name__}: {exc}")


def _rule_registrar(registry: Registry, info: PluginInfo) -> Callable[[Any], None]:
    def register(rule: Any) -> None:
        if not isinstance(rule, Rule):
            registry.fail(info, f"register_rules: registered {type(rule).__name__!s}, not a checker.Rule")
            return
        problem = validate_rule(rule)
        if problem:
            registry.fail(info, f"rule {rule.id}: {problem}")
            return
        owner = registry.rule_plugin.get(rule.id)
        if owner is not None:
            registry.fail(info, f"rule id {rule.id} is already registered by plugin {registry.plugin(owner).label}")
            return
        for other_id, other in registry.rules.items():
            if other.name == rule.name:
                registry.fail(info, f"rule name {rule.name} ({rule.id}) is already used by {other_id} of "
                                    f"plugin {registry.plugin(registry.rule_plugin[other_id]).label}")
                return
        registry.rules[rule.id] = rule
        registry.rule_plugin[rule.id] = info.name
        info.registered["rules"].append(rule.id)

    return register


def _reporter_registrar(registry: Registry, info: PluginInfo) -> Callable[..., None]:
    def register(name: Any, factory: Any) -> None:
        if not isinstance(name, str) or not name or not callable(factory):
            registry.fail(info, "register_reporters: expected register(name: str, factory: callable)")
            return
        owner = registry.reporter_plugin.get(name)
        if owner is not None:
            registry.fail(info, f"report format {name!r} is already registered by plugin {owner}")
            return
        registry.reporters[name] = factory
        registry.reporter_plugin[name] = info.name
        info.registered["reporters"].append(name)

    return register


def _source_registrar(registry: Registry, info: PluginInfo) -> Callable[[Any], None]:
    def register(source: Any) -> None:
        name = getattr(source, "name", None)
        missing = [a for a in ("name", "extensions", "schemes", "sniff", "read") if not hasattr(source, a)]
        if missing or not isinstance(name, str):
            registry.fail(info, f"register_sources: {source!r} lacks {', '.join(missing) or 'a name'}")
            return
        owner = registry.source_plugin.get(name)
        if owner is not None:
            registry.fail(info, f"input format {name!r} is already registered by plugin {owner}")
            return
        registry.sources[name] = source
        registry.source_plugin[name] = info.name
        info.registered["sources"].append(name)

    return register


def validate_rule(rule: Rule) -> str | None:
    """Why ``rule``'s metadata is invalid (against ``schemas/rule-metadata.schema.json`` and the JSON
    Schema metaschema for its ``params_schema``), or ``None`` if it is valid."""
    from checker.schema import RULE_METADATA_SCHEMA, load_schema, metaschema_errors, validator_for

    errors = validator_for(load_schema(RULE_METADATA_SCHEMA)).errors(rule.metadata())
    if errors:
        return f"metadata invalid: {errors[0]}"
    meta = metaschema_errors(rule.params_schema)
    if meta:
        return f"params_schema is not a valid JSON Schema: {meta}"
    return None


def describe_entry_points() -> list[str]:
    """``["acme-rules (acme-bedrock-rules 1.2.0)", ...]`` for ``--version``, without importing plugins."""
    lines = []
    for entry_point in _entry_points():
        dist = getattr(entry_point, "dist", None)
        lines.append(f"{entry_point.name} ({dist.name} {dist.version})" if dist else entry_point.name)
    return lines
