"""JSON Lines (``.jsonl``/``.ndjson``): one row per line, streamed; line numbers kept.

Blank lines are ignored. A line that is not valid UTF-8 or JSON, is not an object, or is longer than
:data:`~checker.sources.base.MAX_LINE_BYTES` is an input error; the next line is still read. A
``{"_gap": ...}`` line (:data:`~checker.sources.base.GAP_KEY`) is the source error it records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import orjson

from checker.model import Provenance
from checker.sources.base import (
    GAP_KEY,
    MAX_LINE_BYTES,
    Item,
    RawRecord,
    describe_json_type,
    gap_problem,
    input_problem,
)
from checker.sources.documents import LIST_KEY, rows_of_document


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """``(line_number, line)``; ``line`` is ``None`` for a line longer than MAX_LINE_BYTES (skipped)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_LINE_BYTES)
            yield number, None
            continue
        yield number, line


class JsonLinesSource:
    """The ``jsonl`` input format."""

    name = "jsonl"
    description = "JSON Lines, one job record per line (.jsonl, .ndjson)"
    extensions = (".jsonl", ".ndjson")
    schemes: tuple[str, ...] = ()

    def sniff(self, head: bytes) -> bool:
        """One complete JSON object on the first line."""
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")[0]
        if not first.startswith(b"{"):
            return False
        try:
            return isinstance(orjson.loads(first), dict)
        except orjson.JSONDecodeError:
            return False

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield one row per non-blank line of ``stream``."""
        assert stream is not None
        record = 0
        loads = orjson.loads
        for number, line in _lines(stream):
            if line is None:
                record += 1
                yield input_problem(
                    f"line {number}: longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB, skipped",
                    Provenance(location, number, record),
                )
                continue
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            record += 1
            try:
                value = loads(line)
            except orjson.JSONDecodeError as exc:
                yield input_problem(f"line {number}: {_describe(exc)}", Provenance(location, number, record))
                continue
            if type(value) is dict:
                if GAP_KEY in value and len(value) == 1:  # written by `bedrock-audit fetch`
                    yield gap_problem(value[GAP_KEY], Provenance(location, number, record))
                    continue
                if LIST_KEY in value:  # a page of `aws bedrock list-model-invocation-jobs` on one line
                    for item in rows_of_document(value, None, location):
                        yield _at_line(item, number)
                    continue
                yield RawRecord(value, Provenance(location, number, record))
            else:
                yield input_problem(
                    f"line {number}: expected a JSON object, got {describe_json_type(value)}",
                    Provenance(location, number, record),
                )


def _at_line(item: Item, line: int) -> Item:
    if isinstance(item, RawRecord):
        return RawRecord(item.data, Provenance(item.provenance.source, line, item.provenance.record))
    return item


def _describe(exc: orjson.JSONDecodeError) -> str:
    message = str(exc.msg)
    if "utf-8" in message.lower() or "utf8" in message.lower():
        return "invalid UTF-8"
    if "recursion" in message.lower():
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {message} (column {exc.colno})"
SOURCE = JsonLinesSource()
