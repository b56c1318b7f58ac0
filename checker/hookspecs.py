"""The hook markers and hook specifications of bedrock-audit (pluggy project ``bedrock_audit``).

Hooks only *register* things; the engine runs them. Each hook receives one keyword argument,
``register``, a callback the implementation calls once per item. The full reference with examples is
``docs/hooks.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT_NAME = "bedrock_audit"
"""pluggy project name and the entry-point group plugins are published under."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_rules(register: Callable[[Any], None]) -> None:
    """Register rules: call ``register(rule)`` once per :class:`checker.Rule`.

    Called once per run, after all plugins are loaded, before any job is read. A rule id already
    registered by another plugin is a plugin error naming both plugins. Raising here is a plugin error
    (exit 4) naming this plugin; the other plugins' rules still register.
    """


@hookspec
def register_reporters(register: Callable[[str, Any], None]) -> None:
    """Register report formats: call ``register(name, factory)`` per format.

    ``factory(stream, context)`` returns a :class:`checker.reporters.base.Reporter` writing to the text
    stream ``stream``; ``context`` is the :class:`checker.reporters.base.ReportContext` of the run. The
    name is what ``-f NAME`` and ``-o NAME=PATH`` accept. A name registered twice is a plugin error.
    """


@hookspec
def register_sources(register: Callable[[Any], None]) -> None:
    """Register input formats and schemes: call ``register(source)`` per :class:`checker.sources.base.Source`.

    A source claims a path by extension, by URI scheme (``aws://``) or by sniffing the first bytes. A name
    registered twice is a plugin error.
    """
