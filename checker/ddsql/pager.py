"""Every row of the table exactly once: keyset pages, the next one fetched while this one is checked.

A tabular query returns at most ``row_limit`` rows (at most 10,000) and the API documents no cursor, so
pages are cut by the key (:mod:`checker.ddsql.query`): ``ORDER BY job_arn`` until a page comes back short.
The rows at the end of a full page that share its last job ARN are held back, and the next page starts
at that ARN (``job_arn >=``), so rows sharing a job ARN (a repeated row) are read on one page and none
is lost at a page boundary; a page holding nothing but one job ARN is taken whole and the next starts
after it (a gap when two or more rows filled it: more may follow); rows without a job ARN sort last and,
when they end a full page, are read by a page of their own (``job_arn IS NULL``; a gap if that is full).
Each row therefore arrives at most once, and every row present for the whole scan exactly once. The
table is not frozen while paging: a row added behind the cursor is not seen (the next scan sees it),
one added ahead of it is; a row removed ahead of the cursor is not seen.

Faults are gaps, never silence (each a SOURCE :class:`~checker.model.Problem`, exit 3 unless
``--allow-partial``): a page that could not be read after the retries and deadline of
:mod:`checker.ddsql.client` ends the scan of the location with one problem naming the job ARN the
unread rows start from; a warning that the result was truncated is paged past (the next page continues
from the last rows received, so a truncated page is never taken for the end); any other warning is
reported as it is; a page holding rows its cursor excludes (a server that ignored the condition) stops
paging with a gap, and none of its rows is taken.

Memory holds at most two pages (the one being checked and the next), whatever the table's size.
Provenance: the location with ``page=N`` added, and the row's number within that page.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from checker.ddsql.client import DdsqlClient, DdsqlFailure
from checker.ddsql.location import DdsqlTarget
from checker.ddsql.query import KEY, UnquotableValue, page_query
from checker.model import ErrorKind, Problem, Provenance
from checker.sources.base import Item
from checker.sources.tabular import Columns, TabularError, read_columns
from checker.text import clip

_TRUNCATION = re.compile(r"(?i)truncat|row[ _-]?limit|more rows|limit(ed)? to")


@dataclass
class Page:
    """One page as read: its ``columns`` and the API's ``warnings``."""

    columns: Columns
    warnings: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    """What a ddsql:// read covered: ``pages`` read, ``rows`` yielded, ``gaps`` (one short label each,
    e.g. ``"page 2: denied"``), ``seconds``."""

    pages: int = 0
    rows: int = 0
    gaps: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self, client: DdsqlClient) -> str:
        """The closing line, e.g. ``25000 rows in 3 pages (3 queries, 2 polls, 1 retry) from ... in 4.2 s``,
        then ``; gaps: page 2 (denied)`` when there were gaps (the reports say more)."""
        stats = client.stats
        extra = [_count(stats.queries, "query", "queries"), _count(stats.polls, "poll"),
                 _count(stats.retries, "retry", "retries")]
        if stats.throttled:
            extra.append(f"{stats.throttled} rate-limited, {stats.waited:.1f} s waited")
        gaps = f"; gaps: {', '.join(self.gaps)} (see the report)" if self.gaps else ""
        return (f"{_count(self.rows, 'row')} in {_count(self.pages, 'page')} ({', '.join(extra)}) from "
                f"{client.settings.where} in {self.seconds:.1f} s{gaps}")


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def read_table(target: DdsqlTarget, client: DdsqlClient, location: str, now: datetime | None = None,
               report: Callable[[str], None] | None = None) -> Iterator[Item]:
    """Yield every row of ``target`` as a raw record (table shape, values as the API sends them) and every
    gap as a SOURCE problem, page after page; the next page is fetched in a thread meanwhile.

    ``location``: the canonical location, for provenance. ``now``: the end of the default time window
    (default: the current time). ``report``: receives the closing line (default: stderr). The client is
    closed at the end.
    """
    window = target.window(now or datetime.now(UTC))
    coverage = Coverage()
    started = time.monotonic()

    def fetch(after: str | None, operator: str) -> Page:
        attributes = client.query(page_query(target, after, operator), window, target.row_limit, target.deadline)
        warnings = attributes.get("warnings")
        return Page(read_columns(attributes), [str(w) for w in warnings] if isinstance(warnings, list) else [])

    def gap(number: int, message: str, kind: str = "warning") -> Problem:
        coverage.gaps.append(f"page {number} ({kind})")
        return Problem(ErrorKind.SOURCE, client.scrub(message), Provenance(_page_source(location, number)))

    pending: _Ahead | None = _Ahead(fetch, None, ">=")
    after: str | None = None
    operator = ">="
    number = 0
    try:
        while pending is not None:
            number += 1
            try:
                page = pending.result()
            except (DdsqlFailure, TabularError, UnquotableValue) as exc:
                yield gap(number, f"{_unread(after, operator)}: {exc}", getattr(exc, "kind", "bad response"))
                return
            pending = None
            coverage.pages += 1
            keys, count = page.columns.column(KEY), len(page.columns)
            problems = [gap(number, f"Datadog warned: {clip(w, 300)}") for w in page.warnings
                        if not _TRUNCATION.search(w)]
            truncated = any(_TRUNCATION.search(w) for w in page.warnings)
            more = count >= target.row_limit or truncated  # a short page is the last, unless truncated
            take = count  # rows yielded from this page; the others are held back to the next one
            if count and keys is None:
                if more:
                    problems.append(gap(number, f"the result has no {KEY} column, so the rows after this page "
                                                "cannot be read: the table's columns differ from what bedrock-audit "
                                                "expects", "cannot page"))
            elif keys and _cursor_ignored(keys, after, operator):
                take = 0  # rows already read, or not in order: none of them is taken
                problems.append(gap(number, f"Datadog returned rows outside the query's {KEY} condition "
                                            f"({KEY} {operator}{'' if after is None else ' ' + repr(after)}): the "
                                            f"condition was not applied, so paging stops here; "
                                            f"{_unread(after, operator)}", "cursor ignored"))
            elif keys and more:
                last, first = keys[-1], _group_start(keys)
                if first == 0 and (last is None or operator == "IS NULL"):
                    problems.append(gap(number, f"this full page ends with rows that have no {KEY}: more such "
                                                "rows may follow and cannot be paged to", "cannot page"))
                elif first == 0:  # one job ARN fills the page: go past it
                    if count >= 2:
                        problems.append(gap(number, f"all {count} rows of this page share {KEY} {last!r}: more "
                                                    "rows with it may follow and cannot be paged to (raise "
                                                    "row-limit=)", "cannot page"))
                    after, operator = last, ">"
                    pending = _Ahead(fetch, after, operator)
                else:  # the rows sharing the last job ARN are read whole on the next page
                    take = first
                    after, operator = (last, ">=") if last is not None else (None, "IS NULL")
                    pending = _Ahead(fetch, after, operator)
            elif truncated:
                problems.append(gap(number, f"Datadog reported the result truncated but returned no rows: "
                                            f"{_unread(after, operator)}", "truncated"))
            coverage.rows += take
            yield from itertools.islice(page.columns.rows(_page_source(location, number)), take)
            del page
            yield from problems
    finally:
        if pending is None:  # else a fetch is still running (the reader stopped early): it ends on its own
            client.close()
        coverage.seconds = time.monotonic() - started
        (report or _stderr)(coverage.line(client))


class _Ahead:
    """``fetch(after)`` running in a daemon thread (a scan interrupted meanwhile exits at once, without
    waiting for the request); :meth:`result` waits for it and returns its page or raises its exception."""

    def __init__(self, fetch: Callable[[str | None, str], Page], after: str | None, operator: str) -> None:
        self._done = threading.Event()
        self._page: Page | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(fetch, after, operator), name="ddsql-prefetch",
                         daemon=True).start()

    def _run(self, fetch: Callable[[str | None, str], Page], after: str | None, operator: str) -> None:
        try:
            self._page = fetch(after, operator)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread by result()
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> Page:
        """The page, once fetched; raises what the fetch raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._page is not None
        return self._page


def _page_source(location: str, number: int) -> str:
    """``ddsql://aws.bedrock_model_invocation_job?status=Failed&page=3``: where page ``number``'s rows
    came from."""
    return f"{location}{'&' if '?' in location else '?'}page={number}"


def _unread(after: Any, operator: str) -> str:
    if operator == "IS NULL":
        return f"rows without a {KEY} not read"
    if after is None:
        return "rows not read"
    return f"rows from {KEY} {after!r} on not read" if operator == ">=" else f"rows after {KEY} {after!r} not read"


def _group_start(keys: list[Any]) -> int:
    """The index of the first of the rows at the end of ``keys`` that share the last key (``None`` too)."""
    first = len(keys) - 1
    while first > 0 and keys[first - 1] == keys[-1]:
        first -= 1
    return first


def _cursor_ignored(keys: list[Any], after: str | None, operator: str) -> bool:
    """True when a page holds a row its query's cursor condition excludes (the server did not apply it)."""
    if operator == "IS NULL":
        return any(key is not None for key in keys)
    if after is None:
        return False
    if operator == ">":
        return any(key is not None and key <= after for key in keys)
    return any(key is not None and key < after for key in keys)


def _stderr(line: str) -> None:
    print(f"bedrock-audit: ddsql: {line}", file=sys.stderr)
