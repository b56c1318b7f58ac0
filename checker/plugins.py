"""Build a plugin manager, load plugins one by one, and collect what they register.

There is no module-level manager: :func:`load_plugins` builds a fresh one per call. Built-in plugins
(:data:`BUILTIN_PLUGINS`) are imported by module name; third-party plugins come from entry points of the
group ``bedrock_audit`` and are loaded one at a time in our own loop, so one broken plugin is named
(plugin, distribution, version, cause) without hiding the others. Hooks are then called one
implementation at a time for the same reason (pluggy aborts a hook call at the first raising
implementation). Every failure becomes a PLUGIN :class:`~checker.model.Problem`: the run fails closed
(exit 4) unless the user disables the plugin.

What counts as a failure (each one names the plugin): the import raises (even ``SystemExit``); a hook
implementation pluggy rejects (an argument the spec lacks) or a hook name that does not exist (misspelt:
``pm.check_pending()``); a function named like a hook but not marked with ``@hookimpl`` (it would never
run); a keyword-only ``register`` parameter (pluggy would never pass it); a hook wrapper; a hook that
raises, returns a value or is a generator (``yield rule`` instead of ``register(rule)``); registering an
invalid rule, a rule id or name, report format, input format, extension or scheme another plugin
already registered; ``register`` called after the hook returned. While plugins are imported and their
hooks run, ``sys.stdout`` is redirected to stderr, so a plugin's ``print`` cannot corrupt a report
written to stdout.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import importlib
import inspect
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import metadata
from typing import Any

import pluggy

from checker import hookspecs
from checker.registry import (
    PluginInfo,
    Registry,
    accept_reporter,
    accept_rule,
    accept_source,
)

BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("builtin-sources", "checker.sources"),
    ("builtin-reporters", "checker.reporters"),
    ("builtin-rules", "rules"),
)
"""``(plugin name, module)`` of the built-ins; they register through the same hooks as any plugin."""

AUTOLOAD_ENV = "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD"
"""Set to ``1`` to load no entry-point plugins (built-ins still load)."""

HOOKS = ("register_sources", "register_reporters", "register_rules")
"""Every hook, in the order they are called."""

def new_plugin_manager() -> pluggy.PluginManager:
    """A fresh manager with bedrock-audit's hook specifications and no plugins."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def autoload_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """False when :data:`AUTOLOAD_ENV` is set to a true value (``1``, ``true``, ``yes``, ``on``)."""
    value = (environ if environ is not None else os.environ).get(AUTOLOAD_ENV, "")
    return value.strip().lower() not in ("1", "true", "yes", "on")


def load_plugins(disabled: Iterable[str] = (), autoload: bool | None = None,
                 extra: Iterable[tuple[str, object]] = ()) -> Registry:
    """Load the built-ins and (unless ``autoload`` is False) every ``bedrock_audit`` entry point.

    ``disabled``: plugin names (entry-point names, or built-in names) not to load; they are listed with
    status ``disabled``. ``autoload``: ``None`` reads :data:`AUTOLOAD_ENV`. ``extra``: ``(name,
    plugin_object)`` pairs registered after the entry points (tests and embedding; see
    :mod:`checker.testing`). Never raises for a plugin's fault: failures land in ``Registry.problems``.
    """
    if autoload is None:
        autoload = autoload_enabled()
    skip = set(disabled)
    manager = new_plugin_manager()
    registry = Registry()
    with _stdout_to_stderr():
        for name, module_name in BUILTIN_PLUGINS:
            info = PluginInfo(name, module_name, "bedrock-audit", _own_version(), builtin=True)
            _add(manager, registry, info, skip, functools.partial(importlib.import_module, module_name))
        if autoload:
            for entry_point in _entry_points():
                _add(manager, registry, _entry_point_info(entry_point), skip, entry_point.load)
        for name, plugin in extra:
            info = PluginInfo(name, getattr(plugin, "__name__", type(plugin).__name__), None, None,
                              builtin=False)
            _add(manager, registry, info, skip, functools.partial(_identity, plugin))
        known = {p.name for p in registry.plugins}
        if not autoload:  # installed but not loaded: its name is still a plugin's name
            known.update(entry_point.name for entry_point in _entry_points())
        registry.unknown_disabled = sorted(skip - known)
        _collect(manager, registry)
    return registry


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Plugin code runs with ``sys.stdout`` pointing at stderr: stdout belongs to the report."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


def _add(manager: pluggy.PluginManager, registry: Registry, info: PluginInfo, skip: set[str],
         load: Callable[[], object]) -> None:
    clash = next((p for p in registry.plugins if p.name == info.name), None)
    registry.plugins.append(info)
    if info.name in skip:
        info.status = "disabled"
        return
    if clash is not None:
        registry.fail(info, f"plugin {clash.label} already has the name {info.name!r}")
        return
    _register(manager, registry, info, load)


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


def _entry_point_info(entry_point: metadata.EntryPoint) -> PluginInfo:
    """The :class:`PluginInfo` of a third-party plugin's entry point (not loaded yet)."""
    dist = getattr(entry_point, "dist", None)
    return PluginInfo(entry_point.name, entry_point.value, dist.name if dist else None,
                      dist.version if dist else None, builtin=False)


def _register(manager: pluggy.PluginManager, registry: Registry, info: PluginInfo,
              load: Callable[[], object]) -> None:
    try:
        plugin = load()
    except BaseException as exc:  # noqa: BLE001 - SystemExit in a plugin's import is its failure too
        if isinstance(exc, KeyboardInterrupt):
            raise
        registry.fail(info, f"failed to import {info.module}: {_describe(exc)}")
        return
    try:
        manager.register(plugin, name=info.name)
        manager.check_pending()
        problems = _problems_of(manager, plugin, info)
    except BaseException as exc:  # noqa: BLE001 - pluggy.PluginValidationError, or the plugin's own
        if isinstance(exc, KeyboardInterrupt):
            raise
        problems = [_explain_validation_error(exc)]
    if problems:
        with contextlib.suppress(Exception):
            if manager.is_registered(plugin):
                manager.unregister(plugin)
        info.hooks = []
        for message in problems:
            registry.fail(info, message)


def _problems_of(manager: pluggy.PluginManager, plugin: object, info: PluginInfo) -> list[str]:
    """Record the hooks ``plugin`` implements in ``info``; return why it cannot work (``[]``: it can)."""
    implementations = [(caller.name, impl) for caller in manager.get_hookcallers(plugin) or []
                       for impl in caller.get_hookimpls() if impl.plugin is plugin]
    info.hooks = sorted({hook for hook, _ in implementations})
    problems = [message for _, impl in implementations if (message := _unsupported(impl))]
    problems += [
        f"{name} is defined but not marked with @checker.hookimpl, so it would never be called"
        for name in HOOKS
        if name not in info.hooks and callable(getattr(plugin, name, None))
    ]
    if not info.hooks and not problems:
        problems.append(f"implements none of the hooks {', '.join(HOOKS)} (mark them with @checker.hookimpl)")
    return problems


def _unsupported(implementation: Any) -> str | None:
    """Why a hook implementation cannot work although pluggy accepted it, or ``None``."""
    name = implementation.function.__name__
    if implementation.hookwrapper or getattr(implementation, "wrapper", False):
        return f"{name}: hook wrappers are not supported; register items with a plain @hookimpl"
    try:
        parameters = inspect.signature(implementation.function).parameters.values()
    except (TypeError, ValueError):
        return None
    keyword_only = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if keyword_only:
        return (f"{name}: parameter {', '.join(keyword_only)} is keyword-only; declare it as "
                f"`def {name}(register)` -- pluggy passes hook arguments by name from the ordinary "
                "parameters only")
    return None


def _explain_validation_error(exc: BaseException) -> str:
    """pluggy's message, with a suggestion when a hook name is misspelt."""
    if not isinstance(exc, Exception):
        return f"failed while being registered: {_describe(exc)}"
    text = " ".join(str(exc).split())
    unknown = re.search(r"unknown hook '([^']+)'", text)
    if unknown:
        close = difflib.get_close_matches(unknown.group(1), HOOKS, n=1, cutoff=0.6)
        suggestion = f" (did you mean {close[0]}?)" if close else f" (the hooks are {', '.join(HOOKS)})"
        return f"unknown hook {unknown.group(1)!r}{suggestion}"
    arguments = re.search(r"hook '([^']+)'.*Argument\(s\) (\{[^}]*\}) are declared in the hookimpl", text)
    if arguments:
        return (f"{arguments.group(1)} declares argument(s) {arguments.group(2)} the hook does not have; "
                f"it passes only `register`: def {arguments.group(1)}(register)")
    return f"invalid hook implementation: {text}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"SystemExit({exc.code!r}) (a plugin must not exit the process)"
    return f"{type(exc).__name__}: {exc}"


class _Registrar:
    """The ``register`` callback given to one hook implementation.

    Calls after the hook returned are refused (``RuntimeError``; inside a rule's check that makes the
    result an ERROR): what a plugin registers must be known before the first job is read.
    """

    def __init__(self, registry: Registry, info: PluginInfo, hook: str,
                 accept: Callable[..., None]) -> None:
        self.registry, self.info, self.hook, self.accept = registry, info, hook, accept
        self.open = True

    def __call__(self, *args: Any) -> None:
        if not self.open:
            message = f"{self.hook}: register() called after the hook returned; nothing was registered"
            self.registry.fail(self.info, message)
            raise RuntimeError(message)
        self.accept(self.registry, self.info, *args)


def _collect(manager: pluggy.PluginManager, registry: Registry) -> None:
    """Call each registration hook one implementation at a time (builtins first, then plugins)."""
    order = {info.name: index for index, info in enumerate(registry.plugins)}
    accepters: dict[str, Callable[..., None]] = {
        "register_sources": accept_source,
        "register_reporters": accept_reporter,
        "register_rules": accept_rule,
    }
    for hook_name in HOOKS:
        caller = getattr(manager.hook, hook_name)
        implementations = sorted(caller.get_hookimpls(),
                                 key=lambda impl: order.get(impl.plugin_name, 1 << 30))
        for implementation in implementations:
            info = registry.plugin(implementation.plugin_name)
            if info.status != "loaded":
                continue
            register = _Registrar(registry, info, hook_name, accepters[hook_name])
            arguments = {"register": register}
            try:  # as pluggy calls it: by position, the arguments the implementation declares
                returned = implementation.function(*(arguments[name] for name in implementation.argnames))
            except BaseException as exc:  # noqa: BLE001 - SystemExit from a plugin is its failure
                if isinstance(exc, KeyboardInterrupt):
                    raise
                registry.fail(info, f"{hook_name} raised {_describe(exc)}")
                continue
            finally:
                register.open = False
            if returned is not None:
                registry.fail(info, _returned(hook_name, returned))


def _returned(hook_name: str, value: object) -> str:
    if inspect.isgenerator(value):
        return (f"{hook_name} is a generator: nothing it yields is registered; call register(...) for "
                "each item instead of yielding it")
    return (f"{hook_name} returned {type(value).__name__}: hooks return nothing, call register(...) for "
            "each item")


def describe_entry_points() -> list[str]:
    """One line per installed ``bedrock_audit`` entry point for ``--version``, each tried:
    ``"acme (acme-bedrock-rules 1.2.0)"`` when it loads, ``"... (failed to load: failed to import acme:
    ImportError: ...)"``, ``"... (disabled)"`` when ``disabled`` names it, ``"... (not loaded:
    BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD is set)"`` without importing it. A built-in plugin is listed
    only when it failed. Never raises for a plugin's fault."""
    if not autoload_enabled():
        return [f"{_entry_point_info(ep).label} (not loaded: {AUTOLOAD_ENV} is set)" for ep in _entry_points()]
    registry = load_plugins(disabled_from_environment())
    lines = []
    for info in registry.plugins:
        if info.status == "failed":
            lines.append(f"{info.label} (failed to load: {info.error})")
        elif not info.builtin:
            lines.append(info.label + (" (disabled)" if info.status == "disabled" else ""))
    return lines


DISABLE_ENV = "BEDROCK_AUDIT_DISABLE_PLUGIN"
"""Plugin names not to load, separated by spaces (the environment form of ``--disable-plugin``, split as
click splits it)."""


def disabled_from_environment() -> list[str]:
    """The plugin names in :data:`DISABLE_ENV` (``"acme other"`` -> ``["acme", "other"]``)."""
    return os.environ.get(DISABLE_ENV, "").split()
