"""The hook markers and hook specifications of bedrock-audit (pluggy project ``bedrock_audit``).

Hooks only *register* things; the engine runs them (pluggy stops a hook call at the first implementation
that raises, so nothing is ever *run* as a hook call). Each hook receives one argument, ``register``, a
callback the implementation calls once per item; it returns ``None``. The reference with examples is
``docs/hooks.md`` (a test keeps it in step with this module).

Keyword-only: pluggy hooks are called with keyword arguments only (``manager.hook.register_rules(
register=...)``), so argument names are the contract. Declare the parameter as an ordinary one --
``def register_rules(register): ...`` -- not after a ``*``: pluggy reads a function's argument names
from its positional parameters and ignores keyword-only ones (pluggy ``varnames``), so
``def register_rules(*, register)`` would never receive it. bedrock-audit rejects such an
implementation with a message saying so. An implementation may also declare no parameter at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from checker.model import Rule
    from checker.reporters.base import ReportContext, Reporter
    from checker.sources.base import Source

from checker.markers import PROJECT_NAME as PROJECT_NAME  # the markers live apart: no import circle
from checker.markers import hookimpl as hookimpl
from checker.markers import hookspec


class RuleRegistrar(Protocol):
    """``register(rule)``: the callback ``register_rules`` receives."""

    def __call__(self, rule: Rule, /) -> None: ...


class ReporterFactory(Protocol):
    """``factory(stream, context) -> Reporter``: builds the reporter of one run, writing to ``stream``."""

    def __call__(self, stream: TextIO, context: ReportContext, /) -> Reporter: ...


class ReporterRegistrar(Protocol):
    """``register(name, factory)``: the callback ``register_reporters`` receives."""

    def __call__(self, name: str, factory: ReporterFactory, /) -> None: ...


class SourceRegistrar(Protocol):
    """``register(source)``: the callback ``register_sources`` receives."""

    def __call__(self, source: Source, /) -> None: ...


@hookspec
def register_rules(register: RuleRegistrar) -> None:
    """Register rules: call ``register(rule)`` once per :class:`checker.Rule`.

    When: once per command that needs rules (``scan``, ``rules``, ``plugins``), after every plugin has
    been imported and before any job is read; built-in rules first, then plugins in entry-point name
    order. Each rule's metadata is checked against ``schemas/rule-metadata.schema.json`` and its
    ``params_schema`` against the JSON Schema metaschema. A rule id or name already registered by another
    plugin, invalid metadata, or raising here is a plugin error (exit 4) naming this plugin; the other
    plugins' rules still register. Returns ``None`` (a returned value is a plugin error: call
    ``register`` instead).
    """


@hookspec
def register_reporters(register: ReporterRegistrar) -> None:
    """Register report formats: call ``register(name, factory)`` once per format.

    ``name`` is what ``-f NAME`` and ``-o NAME=PATH`` accept (lowercase letters, digits, ``-`` and
    ``_``). ``factory(stream, context)`` returns a :class:`checker.reporters.base.Reporter` writing to the
    text stream ``stream``; ``context`` is the run's :class:`checker.reporters.base.ReportContext`. The
    factory is called only when the format is used. When: as ``register_rules``, before it. A name
    registered twice is a plugin error (exit 4). Returns ``None``.
    """


@hookspec
def register_sources(register: SourceRegistrar) -> None:
    """Register input formats and URI schemes: call ``register(source)`` once per
    :class:`checker.sources.base.Source`.

    A source claims a path by extension (``extensions``), a location by URI scheme (``schemes``, e.g.
    ``aws`` for ``aws://...``) or an input by sniffing its first bytes (``sniff``); ``name`` is what
    ``--input-format`` accepts. When: first of the three hooks. A name, extension or scheme already
    claimed by another source is a plugin error (exit 4). Returns ``None``.
    """
