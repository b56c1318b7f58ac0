"""Time as bedrock-audit reads and writes it: RFC 3339 text <-> aware UTC ``datetime``.

Every timestamp in the table (``submit_time``, ``end_time``, ...) and in every report is RFC 3339 in UTC
ending in ``Z`` (schemas/aws.bedrock_model_invocation_job.schema.json, ``format: date-time``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from checker.errors import ConfigError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (as validated by the schema) into an aware UTC datetime.

    Fractional seconds beyond microseconds are truncated. Raises ``ValueError`` on other text (a time
    without a zone included); ``OverflowError`` when the UTC form falls outside the years 1-9999.
    """
    try:  # the common case: datetime parses RFC 3339 with "Z" and up to any fraction since Python 3.11
        parsed = datetime.fromisoformat(text.upper())
    except ValueError:
        pass
    else:
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    head, sep, frac_and_zone = text.partition(".")
    if sep:
        digits = re.match(r"\d*", frac_and_zone)
        frac = digits.group(0) if digits else ""
        zone = frac_and_zone[len(frac) :]
        text = f"{head}.{(frac + '000000')[:6]}{zone}"
    parsed = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a zone: {text!r}")
    return parsed.astimezone(UTC)


def format_rfc3339(moment: datetime, timespec: str = "auto") -> str:
    """An aware UTC ``datetime`` as RFC 3339 text ending in ``Z``: ``2025-06-02T01:00:04.218000Z``;
    ``timespec`` as for :meth:`datetime.isoformat` (``"seconds"`` -> ``2025-06-02T01:00:04Z``). A moment
    with another offset keeps it (``+02:00``); convert with ``astimezone(UTC)`` first."""
    return moment.isoformat(timespec=timespec).replace("+00:00", "Z")


def parse_date_or_timestamp(text: str, flag_name: str) -> datetime:
    """A flag's value -- a date (``2025-06-01``, midnight UTC) or an RFC 3339 timestamp with a zone
    (``2025-06-01T12:00:00Z``, ``...+02:00``) -- as an aware UTC datetime (microseconds kept).

    ``flag_name`` (``"--now"``) starts the message of the :class:`~checker.errors.ConfigError` (exit 2)
    raised for any other text, or a time outside the years 1-9999 in UTC.
    """
    candidate = text.strip()
    if _DATE.fullmatch(candidate):
        candidate += "T00:00:00Z"
    try:
        return parse_rfc3339(candidate)
    except (ValueError, OverflowError):
        raise ConfigError(f"{flag_name}: {text!r} is not a date (2025-06-01) or an RFC 3339 timestamp with a "
                          "zone (2025-06-01T12:00:00Z)") from None
