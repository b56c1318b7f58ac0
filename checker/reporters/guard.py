"""Plugin reporters behind a guard: an exception a plugin's reporter raises names the format and the plugin.

A reporter that fails cannot be trusted to have written its report, so the scan stops (every report
file is discarded, nothing half-written is left) and exits 4 with one line naming the format, the
plugin and the cause, instead of an anonymous internal error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TextIO

from checker.errors import ReporterFailed
from checker.model import JobRef, Problem, Provenance, Result
from checker.reporters.base import ReportContext, Reporter, needs_timings
from checker.summary import Summary


class GuardedReporter:
    """Wraps a plugin's reporter; any exception from it becomes :class:`ReporterFailed`."""

    def __init__(self, inner: Reporter, what: str) -> None:
        self.inner = inner
        self.what = what
        self.needs_timings = needs_timings(inner)

    def _call(self, method: str, *args: Any) -> None:
        try:
            getattr(self.inner, method)(*args)
        except Exception as exc:
            raise ReporterFailed(f"{self.what} failed in {method}(): {type(exc).__name__}: {exc}") from exc

    def start(self) -> None:
        """As :meth:`Reporter.start`."""
        self._call("start")

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """As :meth:`Reporter.job`."""
        self._call("job", job, provenance, results)

    def problem(self, problem: Problem) -> None:
        """As :meth:`Reporter.problem`."""
        self._call("problem", problem)

    def finish(self, summary: Summary) -> None:
        """As :meth:`Reporter.finish`."""
        self._call("finish", summary)


def build_reporter(factory: Callable[[TextIO, ReportContext], Any], stream: TextIO, context: ReportContext,
                   what: str | None) -> Reporter:
    """``factory(stream, context)``; for a plugin's format (``what`` = ``"report format 'x' of plugin
    y (dist 1.0)"``) guarded by :class:`GuardedReporter`. Built-in formats (``what`` = ``None``) are
    returned as built. Raises :class:`ReporterFailed` if a plugin's factory raises or returns something
    that is not a reporter."""
    if what is None:
        return factory(stream, context)  # type: ignore[no-any-return]
    try:
        reporter = factory(stream, context)
    except Exception as exc:
        raise ReporterFailed(f"{what} failed to start: {type(exc).__name__}: {exc}") from exc
    missing = [m for m in ("start", "job", "problem", "finish") if not callable(getattr(reporter, m, None))]
    if missing:
        raise ReporterFailed(f"{what}: its factory returned {type(reporter).__name__}, which lacks "
                             f"{', '.join(missing)}() (see checker.reporters.base.Reporter)")
    return GuardedReporter(reporter, what)
