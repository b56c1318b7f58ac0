"""bedrock-audit: policy-as-code compliance checks for Amazon Bedrock batch inference jobs.

This package is the engine (import name ``checker``). Everything a plugin author needs is importable from
here (``docs/hooks.md``, ``docs/writing-a-rule-plugin.md``):

* hooks: :data:`hookimpl` marks ``register_rules`` / ``register_reporters`` / ``register_sources``;
  :class:`RuleRegistrar`, :class:`ReporterRegistrar`, :class:`SourceRegistrar` type their ``register``
  argument, :class:`ReporterFactory` a reporter factory;
* rules: :class:`Rule`, :class:`Job`, :class:`Verdict` (built with :func:`passed`, :func:`failed`,
  :func:`not_applicable`), :class:`Severity`, :class:`Status`, :class:`UnknownData`;
* reporters: :class:`Reporter`, :class:`ReportContext`, :class:`Summary`, :class:`Result`,
  :class:`JobRef`, :class:`Provenance`, :class:`Problem`, :class:`ErrorKind`;
* sources: :class:`Source`, :class:`RawRecord`;
* tests: :mod:`checker.testing` (build jobs, run one rule, assert verdicts).

Importing it has no side effects (no plugin manager is built until a command runs).
"""

from __future__ import annotations

from checker.hookspecs import (
    ReporterFactory,
    ReporterRegistrar,
    RuleRegistrar,
    SourceRegistrar,
    hookimpl,
)
from checker.model import (
    ErrorKind,
    Job,
    JobRef,
    Problem,
    Provenance,
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
from checker.reporters.base import ReportContext, Reporter
from checker.sources.base import RawRecord, Source
from checker.summary import Summary

__version__ = "0.1.0"

__all__ = [
    "ErrorKind",
    "Job",
    "JobRef",
    "Problem",
    "Provenance",
    "RawRecord",
    "ReportContext",
    "Reporter",
    "ReporterFactory",
    "ReporterRegistrar",
    "Result",
    "Rule",
    "RuleRegistrar",
    "Severity",
    "Source",
    "SourceRegistrar",
    "Status",
    "Summary",
    "UnknownData",
    "Verdict",
    "__version__",
    "failed",
    "hookimpl",
    "not_applicable",
    "passed",
]
