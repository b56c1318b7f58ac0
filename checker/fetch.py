"""``bedrock-audit fetch``: write live jobs as table-shape JSON Lines for later offline scans.

Each job read from AWS is normalised exactly as a scan normalises it (:class:`~checker.normalize.Normalizer`:
API camelCase -> the table's snake_case columns, timestamps -> RFC 3339 UTC, tags -> ``{key: value}``,
absent API members -> explicit ``null``, API-only members such as record counts kept) and written as one
JSON object per line, keys sorted. A job whose tags could not be read is written without ``tags`` and
with ``"_unknown": {"tags": reason}``, so its tag rules ERROR when the file is scanned, as they do live.
Scanning the file therefore gives the same results as scanning AWS directly.

An account/region that could not be listed is written as a ``{"_gap": {"location", "message"}}`` line
in its place (:data:`~checker.sources.base.GAP_KEY`): scanning the file reports it as the same source
error. The file is always written; the exit code is 3 when there are gaps, unless ``allow_partial``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import orjson

from checker.errors import ExitCode
from checker.model import Problem
from checker.normalize import UNKNOWN_KEY, Normalizer
from checker.sources.base import Item, RawRecord, SourceNote, gap_record


@dataclass
class FetchSummary:
    """What a fetch wrote: ``records`` (job lines), ``tags_unknown`` (jobs written with unknown tags),
    ``problems`` (gaps, written as ``_gap`` lines)."""

    records: int = 0
    tags_unknown: int = 0
    problems: list[Problem] = field(default_factory=list)


def table_row(raw: RawRecord, normalizer: Normalizer) -> dict[str, Any]:
    """The table-shape row for one raw record, with ``_unknown`` when a column is unknown."""
    row, unknown = normalizer.normalize(raw.data)
    unknown.update(raw.unknown)
    if unknown:
        for column in unknown:
            row.pop(column, None)
        row[UNKNOWN_KEY] = dict(sorted(unknown.items()))
    return row


def write_rows(items: Iterable[Item], stream: TextIO, normalizer: Normalizer,
               on_problem: Callable[[Problem], None]) -> FetchSummary:
    """Write every record of ``items`` to ``stream`` as a JSON line, and every problem as a ``_gap`` line
    (also passed to ``on_problem``)."""
    summary = FetchSummary()
    option = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    for item in items:
        if isinstance(item, RawRecord):
            row = table_row(item, normalizer)
            if UNKNOWN_KEY in row and "tags" in row[UNKNOWN_KEY]:
                summary.tags_unknown += 1
            stream.write(orjson.dumps(row, option=option, default=str).decode())
            summary.records += 1
        elif isinstance(item, SourceNote):  # e.g. a plan without jobs: nothing to write
            continue
        else:
            summary.problems.append(item)
            stream.write(orjson.dumps(gap_record(item), option=option, default=str).decode())
            on_problem(item)
    return summary


def fetch_exit_code(summary: FetchSummary, allow_partial: bool) -> ExitCode:
    """OK when every account/region was listed (or ``allow_partial``), INPUT otherwise."""
    return ExitCode.INPUT if summary.problems and not allow_partial else ExitCode.OK
