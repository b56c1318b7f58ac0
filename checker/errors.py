"""The exit codes and the exceptions that map to one, in one place (``../shared/DESIGN.md`` §10).

:class:`ExitCode` is what ``bedrock-audit`` exits with; the pure function that picks it for a finished
scan is :func:`checker.exitcodes.exit_code`. Each exception here names the code it stands for:
:class:`ConfigError` and :class:`OutputError` are usage errors (2), :class:`ReporterFailed` a plugin
error (4). A user mistake is one of these, never a traceback.
"""

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


class ConfigError(Exception):
    """A usage or configuration mistake (exit 2). ``str(exc)`` is the one-line message for the user."""

    exit_code = ExitCode.USAGE


class OutputError(Exception):
    """A report destination cannot be written (a usage error, exit 2)."""

    exit_code = ExitCode.USAGE


class ReporterFailed(Exception):
    """A plugin's report format raised (exit 4). ``str(exc)`` is the one-line message for the user."""

    exit_code = ExitCode.PLUGIN


class PluginConfigError(Exception):
    """A configuration error met after a plugin failed to load: exit 4, not 2 (the highest applicable
    code wins, and a missing rule or format is often the failed plugin's: ``[rules.ACME001]``,
    ``-f acme-csv``). ``str(exc)`` is one line for the user."""

    exit_code = ExitCode.PLUGIN
