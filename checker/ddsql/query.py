"""The DDSQL statement of one page: filters and the keyset cursor, every value quoted.

DDSQL is "a subset of PostgreSQL" (datadog-api-client 2.62, ``DdsqlTabularQueryRequestAttributes.query``),
so values are PostgreSQL string literals: ``'...'`` with a quote doubled. No value reaches the SQL any
other way: filters are validated first (:mod:`checker.ddsql.location`), and :func:`quote` refuses what a
literal cannot carry unambiguously across dialects (NUL and other control characters, and the backslash,
which PostgreSQL reads as an escape in ``E''`` strings or with ``standard_conforming_strings`` off).

A page is::

    SELECT * FROM aws.bedrock_model_invocation_job
    WHERE <filters> AND (job_arn >= '<cursor>' OR job_arn IS NULL)
    ORDER BY job_arn
    LIMIT <row limit>

The cursor is the job ARN of the previous page's last rows, which the pager held back (:mod:`checker.ddsql.pager`):
``>=`` reads every row sharing that ARN on one page, so a job ARN that repeats across a page boundary loses
no row. After a page holding nothing but one job ARN the cursor is ``>`` it; after a full page ending in
rows without a job ARN, the next page is those rows alone (``job_arn IS NULL``).

``job_arn`` is the key: unique per job (it holds the account, the region and the job id) and the column
every rule identifies a job by. PostgreSQL sorts NULLs last in ascending order, so rows without a job ARN
(schema-invalid, but never dropped silently) come after every ARN.
"""

from __future__ import annotations

import re

from checker.ddsql.location import TABLE, DdsqlTarget

KEY = "job_arn"
"""The column pages are ordered and continued by."""

_UNQUOTABLE = re.compile(r"[\x00-\x1f\x7f\\]")


class UnquotableValue(ValueError):
    """A value that :func:`quote` will not put in a SQL literal."""


def quote(value: str) -> str:
    """``O'Brien`` -> ``'O''Brien'``: a PostgreSQL string literal. Raises :class:`UnquotableValue` for a
    control character or a backslash (see the module doc)."""
    if _UNQUOTABLE.search(value):
        raise UnquotableValue(f"{value[:80]!r} holds a control character or a backslash")
    return "'" + value.replace("'", "''") + "'"


def filters(target: DdsqlTarget) -> list[str]:
    """The WHERE conditions of ``target``'s filters (ANDed; each value quoted)."""
    conditions = []
    if target.accounts:
        conditions.append(f"account_id IN ({', '.join(map(quote, target.accounts))})")
    if target.statuses:
        conditions.append(f"status IN ({', '.join(map(quote, target.statuses))})")
    if target.regions:
        # the region is the 4th field of the ARN: arn:PARTITION:bedrock:REGION:ACCOUNT:... (no '_' or '%'
        # can be in a validated region name, so the LIKE pattern matches that region only)
        likes = [f"{KEY} LIKE {quote(f'arn:%:bedrock:{region}:%')}" for region in target.regions]
        conditions.append(likes[0] if len(likes) == 1 else f"({' OR '.join(likes)})")
    return conditions


def page_query(target: DdsqlTarget, after: str | None, operator: str = ">=") -> str:
    """The statement of the page from the job ARN ``after`` on (``operator`` ``">="``: rows with that ARN
    included; ``">"``: after it); ``after`` ``None``: the first page, or with ``operator`` ``"IS NULL"``
    the rows without a job ARN. Raises :class:`UnquotableValue` when ``after`` cannot be quoted."""
    if operator not in (">=", ">", "IS NULL"):
        raise ValueError(f"unknown cursor operator {operator!r}")
    conditions = filters(target)
    if operator == "IS NULL":
        conditions.append(f"{KEY} IS NULL")
    elif after is not None:
        conditions.append(f"({KEY} {operator} {quote(after)} OR {KEY} IS NULL)")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM {TABLE}{where} ORDER BY {KEY} LIMIT {target.row_limit}"
