"""JSON documents (``.json``): arrays of rows, AWS list/get output, DDSQL tabular responses.

The document is parsed whole (a DDSQL API page holds at most 10,000 rows; AWS list output is paged);
rows keep the line where they start. For very large exports use JSONL, which streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import orjson

from checker.sources.base import Item, source_problem, without_bom
from checker.sources.documents import rows_of_document


class JsonDocumentSource:
    """The ``json`` input format. See :mod:`checker.sources.documents` for the shapes it accepts."""

    name = "json"
    description = "JSON array of rows, AWS list/get output, or DDSQL API tabular response (.json)"
    extensions = (".json",)
    schemes: tuple[str, ...] = ()

    def sniff(self, head: bytes) -> bool:
        """A document starting with ``[``, or ``{`` not followed by another object on a later line."""
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"["):
            return True
        if not stripped.startswith(b"{"):
            return False
        first, _, rest = stripped.partition(b"\n")
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            return True  # an object spread over several lines: a document
        return not rest.strip()

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield the rows of the document read from ``stream``."""
        assert stream is not None
        try:
            data = stream.read()
        except OSError as exc:
            yield source_problem(f"cannot read: {exc.strerror or exc}", location)
            return
        data = without_bom(data)
        if not data.strip():
            return  # an empty file holds no records (the scan decides whether that is allowed)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            yield source_problem(f"line {line}: invalid UTF-8 (byte offset {exc.start})", location)
            return
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            yield source_problem(f"line {exc.lineno}: invalid JSON: {exc.msg}", location)
            return
        yield from rows_of_document(document, text, location)


SOURCE = JsonDocumentSource()
