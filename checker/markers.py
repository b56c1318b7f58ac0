"""The pluggy markers of bedrock-audit: :data:`hookimpl` marks a plugin's hook implementations.

They live apart from :mod:`checker.hookspecs` so that the built-in plugins (``checker.reporters``,
``checker.sources``, ``rules``) can mark their hooks without importing the specifications, which name their
types: no import circle. Plugin authors use ``from checker import hookimpl`` (the same object).
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "bedrock_audit"
"""pluggy project name and the entry-point group plugins are published under."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
