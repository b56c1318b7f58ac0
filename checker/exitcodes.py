"""Exit codes and how a scan's outcome maps to one (``../shared/DESIGN.md`` §10; highest wins)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What ``bedrock-audit`` exits with. When several apply, the highest wins.

    OK (0): no unwaived FAIL at or above ``fail-on``. FINDINGS (1): at least one. USAGE (2): bad flag,
    bad config, unwritable output. INPUT (3): unreadable source, unparsable or schema-invalid record,
    no records at all (unless ``--allow-empty``), data a rule needed was unknown. PLUGIN (4): a plugin
    failed to load or register, a rule raised, or bedrock-audit itself failed (internal error).
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INPUT = 3
    PLUGIN = 4


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
