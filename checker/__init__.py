"""bedrock-audit: policy-as-code compliance checks for Amazon Bedrock batch inference jobs.

This package is the engine (import name ``checker``). What rule and plugin authors need is importable
from here:

* :data:`hookimpl` -- mark ``register_rules`` / ``register_reporters`` / ``register_sources``;
* :class:`Rule`, :class:`Job`, :class:`Verdict`, :func:`passed`, :func:`failed`,
  :func:`not_applicable`, :class:`Severity`, :class:`Status`, :class:`Result`, :class:`UnknownData`.

Importing it has no side effects (no plugin manager is built until a command runs).
"""

from __future__ import annotations

from checker.hookspecs import hookimpl
from checker.model import (
    Job,
    Result,
    Rule,
    Severity,
    Status,
    UnknownData,
    Verdict,
    failed,
    not_applicable,
    passed,
)

__version__ = "0.1.0"

__all__ = [
    "Job",
    "Result",
    "Rule",
    "Severity",
    "Status",
    "UnknownData",
    "Verdict",
    "__version__",
    "failed",
    "hookimpl",
    "not_applicable",
    "passed",
]
