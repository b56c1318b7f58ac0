"""Recognise the JSON documents job records arrive in and yield their rows.

Shapes (``../shared/DESIGN.md`` §4):

* an array of rows (table shape or API shape);
* ``{"invocationJobSummaries": [...], "nextToken": ...}`` -- ListModelInvocationJobs / ``aws bedrock
  list-model-invocation-jobs`` output; a page with a next-page token is partial input (a SOURCE problem
  after its rows, :func:`more_pages_gap`);
* one GetModelInvocationJob body (has ``jobArn``) or one table row (has ``job_arn``);
* the DDSQL API tabular response, column-major:
  ``{"data": {"attributes": {"columns": [{"name", "type", "values": [...]}, ...]}}}``
  (``POST /api/v2/ddsql/query/tabular``; read by :mod:`checker.sources.tabular`, the decoder the live
  ``ddsql://`` source uses too; timestamps as Unix ms, JSON columns as JSON text -- both decoded by
  :mod:`checker.normalize`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from checker.arn import arn_parts
from checker.model import Problem, Provenance
from checker.sources.base import Item, RawRecord, describe_json_type, input_problem, source_problem
from checker.sources.tabular import TabularError, is_tabular, read_columns
from checker.text import one_line

LIST_KEY = "invocationJobSummaries"
_WS = re.compile(r"[ \t\n\r]*")


def element_lines(text: str, array_start: int) -> Iterator[tuple[Any, int]]:
    """Decode the JSON array whose ``[`` is at ``array_start`` one element at a time.

    Yields ``(element, line)`` with the 1-based line where the element starts. Raises
    ``json.JSONDecodeError`` (or ``RecursionError`` for absurd nesting) at the first malformed element;
    the elements before it have been yielded.
    """
    decoder = json.JSONDecoder()
    line = text.count("\n", 0, array_start) + 1
    counted_to = array_start
    index = _WS.match(text, array_start + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", index):
        return
    while True:
        line += text.count("\n", counted_to, index)
        counted_to = index
        element, end = decoder.raw_decode(text, index)
        yield element, line
        index = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", index):
            index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
        elif text.startswith("]", index):
            return
        else:
            raise json.JSONDecodeError("expected ',' or ']' after an array element", text, index)


def rows_of_document(document: Any, text: str | None, location: str) -> Iterator[Item]:
    """Yield the rows of a parsed JSON document (see the module doc for the shapes).

    ``text`` is the document's source text when available: it gives rows their line numbers. A document
    of no known shape is one SOURCE problem naming what was expected.
    """
    if isinstance(document, list):
        yield from _rows_of_array(document, text, 0 if text is not None else None, location)
        return
    if not isinstance(document, dict):
        yield source_problem(
            f"expected a JSON array of job records or an object, got a {describe_json_type(document)}",
            location,
        )
        return
    if LIST_KEY in document:
        summaries = document[LIST_KEY]
        if not isinstance(summaries, list):
            yield source_problem(f"{LIST_KEY} must be an array, got {describe_json_type(summaries)}", location)
            return
        start = None
        if text is not None:
            match = re.search(r'"' + LIST_KEY + r'"\s*:\s*\[', text)
            start = match.end() - 1 if match else None
        yield from _rows_of_array(summaries, text, start, location)
        gap = more_pages_gap(document, summaries, location)
        if gap is not None:
            yield gap
        return
    if is_tabular(document):
        yield from _rows_of_tabular(document, location)
        return
    if "jobArn" in document or "job_arn" in document:
        yield RawRecord(document, Provenance(location, 1 if text is not None else None, 1))
        return
    keys = ", ".join(one_line(str(key), 60) for key in sorted(map(str, document))[:8]) or "none"
    yield source_problem(
        "unrecognised JSON document: expected an array of job records, "
        f"{{\"{LIST_KEY}\": [...]}}, a GetModelInvocationJob body, a table row or a DDSQL tabular "
        f"response (top-level keys: {keys})",
        location,
    )


PAGE_TOKENS = ("nextToken", "NextToken")
"""Where a paged AWS list carries the token of its next page: ``nextToken`` in the API response
(ListModelInvocationJobs, botocore bedrock/2023-04-20), ``NextToken`` in ``aws ... --max-items N`` output
(the AWS CLI's own pagination token)."""


def more_pages_gap(document: dict[str, Any], summaries: list[Any], location: str) -> Problem | None:
    """The SOURCE problem for one page of a paged AWS list (a ``nextToken``/``NextToken`` that is not
    empty): more jobs exist than the file holds, so it is partial input (exit 3 unless ``--allow-partial``).
    The message says how to get every page, with the region of the page's first job ARN when there is one.
    ``None`` for a complete list."""
    key = next((key for key in PAGE_TOKENS if document.get(key)), None)
    if key is None:
        return None
    region = next((arn_parts(s["jobArn"]).get("region") for s in summaries
                   if isinstance(s, dict) and isinstance(s.get("jobArn"), str)
                   and arn_parts(s["jobArn"]).get("region")), None) or "REGION"
    return source_problem(
        f"partial input: this AWS list output has a {key}, so more pages of jobs exist that the file does "
        f"not hold ({len(summaries)} job(s) on this page). Get every page with `bedrock-audit fetch --aws "
        f"--region {region} -o jobs.jsonl` and scan that, or scan live with `bedrock-audit scan --aws "
        f"--region {region}` (`aws bedrock list-model-invocation-jobs` without --max-items also pages through "
        "all); --allow-partial accepts the gap",
        location,
    )


def _rows_of_array(elements: list[Any], text: str | None, start: int | None, location: str) -> Iterator[Item]:
    # Lines come from decoding the text again, one element at a time alongside the parsed elements (a
    # second decoded copy of the whole array would double the memory a large document takes). From the
    # first element the two decodings disagree on, if any, lines are unknown.
    located = element_lines(text, start) if text is not None and start is not None else None
    for number, element in enumerate(elements, start=1):
        line = None
        if located is not None:
            try:
                again, line = next(located)
            except (StopIteration, ValueError, RecursionError):
                located, line = None, None
            else:
                if again != element:
                    located, line = None, None
        provenance = Provenance(location, line, number)
        if isinstance(element, dict):
            yield RawRecord(element, provenance)
        else:
            yield input_problem(
                f"record {number}: expected a JSON object, got {describe_json_type(element)}", provenance
            )


def _rows_of_tabular(document: dict[str, Any], location: str) -> Iterator[Item]:
    try:
        columns = read_columns(document["data"]["attributes"])
    except TabularError as exc:
        yield source_problem(str(exc), location)
        return
    yield from columns.rows(location)
