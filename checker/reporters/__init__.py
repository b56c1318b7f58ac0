"""Built-in report formats, registered through the ``register_reporters`` hook like any plugin's.

Each module is imported only when its format is used, so a scan pays only for what it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from checker.markers import hookimpl
from checker.reporters.base import ReportContext


def _text(stream: TextIO, context: ReportContext) -> Any:
    from checker.reporters.text import TextReporter

    return TextReporter(stream, context)


def _json(stream: TextIO, context: ReportContext) -> Any:
    if context.include_passed:  # --include-passed: every result, the 1.x layout
        from checker.reporters.json_report import JsonReporter

        return JsonReporter(stream, context)
    from checker.reporters.json_compact import CompactJsonReporter

    return CompactJsonReporter(stream, context)


def _junit(stream: TextIO, context: ReportContext) -> Any:
    from checker.reporters.junit import JUnitReporter

    return JUnitReporter(stream, context)


def _sarif(stream: TextIO, context: ReportContext) -> Any:
    from checker.reporters.sarif import SarifReporter

    return SarifReporter(stream, context)


def _markdown(stream: TextIO, context: ReportContext) -> Any:
    from checker.reporters.markdown import MarkdownReporter

    return MarkdownReporter(stream, context)


@hookimpl
def register_reporters(register: Callable[[str, Any], None]) -> None:
    """Register ``text``, ``json``, ``junit``, ``sarif`` and ``markdown``."""
    register("text", _text)
    register("json", _json)
    register("junit", _junit)
    register("sarif", _sarif)
    register("markdown", _markdown)
