"""What every fuzz target does with one input: read it as a scan does, then check what came out.

One input (bytes) goes through a loader exactly as ``bedrock-audit scan`` drives it -- the source's
``read`` on a buffered stream with a location name (``fuzz.jsonl``), or, in ``auto`` mode, through
:class:`checker.inputs.Inputs` sniffing the format -- and every record it yields goes through the
whole per-record path (:class:`checker.scan.Evaluator`: normaliser, table schema, every rule of the
example policy) and into the built-in reporters (text, JSON, SARIF, JUnit, Markdown) of one
:class:`checker.scan.Pipeline`, as a scan's would.

A finding is any of:

* an exception escaping a loader, the evaluator, the engine or a reporter (atheris prints the traceback
  and saves the input as ``crash-<sha1>``);
* a problem whose message is not one line, or whose provenance does not name the input (for a bad line
  or row: its line or record number);
* a loader bug reported through the scan's last-resort guard ("the jsonl reader failed: ...");
* a rule that raised on a schema-valid record (an ERROR result of kind ``rule``).

:func:`check` raises :class:`Finding` for the last three, so atheris records those inputs too.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from checker import api  # noqa: E402
from checker.engine import Engine  # noqa: E402
from checker.inputs import Inputs  # noqa: E402
from checker.model import ErrorKind, JobRef, Problem, Provenance, Result, Status  # noqa: E402
from checker.scan import Pipeline, ScanSettings  # noqa: E402
from checker.sources.base import Item  # noqa: E402
from checker.summary import Summary  # noqa: E402

LOADERS = {"jsonl": "fuzz.jsonl", "json": "fuzz.json", "csv": "fuzz.csv", "auto": "fuzz-input"}
"""Fuzz target -> the location name its inputs are read under (``auto``: no extension, sniffed)."""

NOW = datetime(2025, 6, 4, 12, 0, tzinfo=UTC)
REPORT_FORMATS = ("text", "json", "sarif", "junit", "markdown")


class Finding(Exception):
    """An input made the scan misbehave without raising (see the module doc)."""


class Scanner:
    """The assembled scan (example policy, every rule on, fixed clock), built once per fuzzing process."""

    def __init__(self, reports: bool = True) -> None:
        registry = api.load_registry()
        request = api.ScanRequest(config=REPO / "examples" / "bedrock-audit.toml", now=NOW)
        self.setup = api.build_setup(request, registry)
        self.registry = registry
        self.sources = self.setup.sources
        self.inputs = Inputs(self.sources, note=lambda _line: None)
        self.reports = reports
        self.engine = Engine(self.setup.configured, timed=False)

    def items(self, loader: str, data: bytes) -> Iterator[Item]:
        """The items a scan reads from ``data`` with ``loader`` (``auto``: sniffed, as for stdin)."""
        location = LOADERS[loader]
        stream = io.BufferedReader(io.BytesIO(data))  # peek(), as a real file has (sniffing uses it)
        if loader == "auto":
            yield from self.inputs._read_stream(location, stream, None)
        else:
            yield from self.sources[loader].read(location, stream)

    def run(self, loader: str, data: bytes) -> None:
        """Read ``data`` with ``loader`` and scan every record; raise on anything in the module doc."""
        checker = Checker(LOADERS[loader])
        reporters: list[Any] = [checker]
        if self.reports:
            context = self.setup.context([LOADERS[loader]], warn=lambda _line: None)
            reporters += [self.registry.reporters[name](io.StringIO(), context) for name in REPORT_FORMATS]
        settings = ScanSettings(fail_on=self.setup.fail_on, allow_empty=True, now=NOW)
        pipeline = Pipeline(self.engine, reporters, settings, warn=lambda _line: None, stages=self.setup.stages)
        pipeline.run(self.items(loader, data))


class Checker:
    """A reporter that checks every problem and result it receives (raises :class:`Finding`)."""

    needs_timings = False

    def __init__(self, location: str) -> None:
        self.location = location

    def start(self) -> None:
        """Nothing to do."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """No rule may crash on a schema-valid record; every message is one line."""
        for result in results:
            if result.status is Status.ERROR and result.error_kind is ErrorKind.RULE:
                raise Finding(f"rule crashed on a schema-valid record: {result.message}")
            if "\n" in result.message or "\r" in result.message or not _encodable(result.message):
                raise Finding(f"result message is not one line of text: {result.message!r}")

    def problem(self, problem: Problem) -> None:
        """See :func:`check_problem`."""
        check_problem(problem, self.location)

    def finish(self, summary: Summary) -> None:
        """Nothing to do."""


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_problem(problem: Problem, location: str) -> None:
    """Raise :class:`Finding` unless ``problem`` is one line naming ``location`` (and the line or record
    for a bad line or row), and is not the last-resort guard's report of a loader bug."""
    message = problem.message
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        raise Finding(f"problem message is not text (a report cannot encode it): {message!r}") from None
    if "\n" in message or "\r" in message:
        raise Finding(f"problem message is not one line: {message!r}")
    if " reader failed: " in message:
        raise Finding(f"loader bug caught by the guard: {message}")
    provenance = problem.provenance
    if problem.kind is ErrorKind.SOURCE and provenance is not None and provenance.source and location.endswith(
            ("jsonl", "input")):
        return  # a `_gap` line: the SOURCE problem it records names the location that was not read
    if provenance is None or provenance.source != location:
        raise Finding(f"problem does not name the input {location!r}: {provenance!r}: {message}")
    if problem.kind is ErrorKind.INPUT and provenance.line is None and provenance.record is None:
        raise Finding(f"input problem names neither a line nor a record: {message}")
