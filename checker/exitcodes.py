"""How a scan's outcome maps to an exit code (``../shared/DESIGN.md`` §10; highest wins).

:class:`~checker.errors.ExitCode` itself lives in :mod:`checker.errors` beside the exceptions that map to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.errors import ExitCode

if TYPE_CHECKING:
    from checker.model import Result, Severity


def exit_code(*, gate_failures: int, input_errors: int, plugin_errors: int, soft_fail: bool,
              allow_partial: bool = False) -> ExitCode:
    """The exit code of a finished scan.

    ``gate_failures``: unwaived FAIL results at or above ``fail-on``. ``input_errors``: input and source
    problems plus ERROR results caused by unknown data. ``plugin_errors``: plugin problems plus ERROR
    results of rules that raised. ``soft_fail`` turns FINDINGS into OK and never hides 2-4.
    ``allow_partial`` (``--allow-partial``): input errors do not set INPUT, so the code reflects findings
    (the reports still list every gap); the caller grants it only when something was checked at all.
    It never hides PLUGIN.
    """
    if plugin_errors:
        return ExitCode.PLUGIN
    if input_errors and not allow_partial:
        return ExitCode.INPUT
    if gate_failures and not soft_fail:
        return ExitCode.FINDINGS
    return ExitCode.OK


def gates(result: Result, fail_on: Severity) -> bool:
    """Whether ``result`` counts towards ``gate_failures``: a FAIL (a waived finding is a SKIP) at or above
    ``fail_on`` that is not in the baseline. ``--soft-fail`` does not change it: it only turns the exit
    code 1 into 0, and every report still shows these findings as the ones the gate is about."""
    return result.status == "FAIL" and result.severity >= fail_on and result.baseline != "existing"


def not_gating(result: Result, fail_on: Severity) -> str:
    """Why a FAIL does not fail the gate, for reports: ``"in the baseline"`` or ``"info is below fail-on
    low"``; ``""`` when it gates (see :func:`gates`)."""
    if result.baseline == "existing":
        return "in the baseline"
    if result.severity < fail_on:
        return f"{result.severity.label} is below fail-on {fail_on.label}"
    return ""
