"""CSV exported from the Datadog DDSQL editor (``.csv``).

UTF-8 with or without a byte-order mark, CRLF or LF line ends, a header row naming the columns (it must
include ``job_arn``). Empty cells are null. json columns hold JSON text and tags hstore text or
``key:value`` lists; :mod:`checker.normalize` decodes both. Line numbers are those of the row's first
physical line (a quoted cell may span lines).
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from collections.abc import Iterator
from typing import IO

from checker.model import Provenance
from checker.sources.base import MAX_LINE_BYTES, Item, RawRecord, input_problem, source_problem
from checker.text import one_line

_SURROGATES = range(0xDC80, 0xDD00)


def _has_undecodable(cells: list[str]) -> bool:
    return any(any(ord(ch) in _SURROGATES for ch in cell) for cell in cells if not cell.isascii())


def _shown(name: str) -> str:
    """A header cell as a message quotes it: on one line (a quoted cell may hold line breaks), clipped."""
    return one_line(name, 60)


class CsvSource:
    """The ``csv`` input format."""

    name = "csv"
    description = "CSV export of the DDSQL editor, with a header row (.csv)"
    extensions = (".csv",)
    schemes: tuple[str, ...] = ()

    def sniff(self, head: bytes) -> bool:
        """A first line that names ``job_arn`` among comma-separated columns."""
        first = head.lstrip(b"\xef\xbb\xbf").partition(b"\n")[0]
        return b"," in first and b"job_arn" in first

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield one row per CSV record after the header."""
        assert stream is not None
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        csv.field_size_limit(min(sys.maxsize, MAX_LINE_BYTES))
        reader = csv.reader(text, strict=False)
        try:
            header = next(reader, None)
        except (csv.Error, OSError) as exc:
            yield source_problem(f"line 1: cannot read the CSV header: {exc}", location)
            return
        if header is None:
            return
        header = [name.strip() for name in header]
        if _has_undecodable(header):  # before any message quotes the header: it must be text
            yield source_problem("line 1: invalid UTF-8 in the CSV header", location)
            return
        if "job_arn" not in header:
            shown = ", ".join(map(_shown, header[:6])) + (", ..." if len(header) > 6 else "")
            yield source_problem(
                f"line 1: the CSV header has no job_arn column (first row: {shown}); export with the "
                "header row and the job_arn column selected",
                location,
            )
            return
        duplicates = sorted(name for name, count in Counter(header).items() if count > 1)
        if duplicates:
            yield source_problem(f"line 1: duplicate CSV columns: {', '.join(map(_shown, duplicates))}", location)
            return
        record = 0
        next_line = reader.line_num + 1
        while True:
            start = next_line
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                record += 1
                next_line = reader.line_num + 1
                yield input_problem(f"line {start}: malformed CSV: {exc}", Provenance(location, start, record))
                continue
            next_line = reader.line_num + 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            record += 1
            provenance = Provenance(location, start, record)
            if _has_undecodable(cells):
                yield input_problem(f"line {start}: invalid UTF-8", provenance)
                continue
            if len(cells) != len(header):
                yield input_problem(
                    f"line {start}: row has {len(cells)} cells, the header has {len(header)}", provenance
                )
                continue
            yield RawRecord(
                {name: (cell if cell != "" else None) for name, cell in zip(header, cells, strict=True)},
                provenance,
            )


SOURCE = CsvSource()
