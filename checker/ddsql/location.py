"""What a ``ddsql://`` location asks for (no network, no datadog-api-client here).

Grammar::

    ddsql://[aws.bedrock_model_invocation_job][?OPTION=VALUE&...]

Options (names as in the README, "From Datadog"):

* ``account`` -- only rows whose ``account_id`` is one of these 12-digit IDs (repeatable, or commas);
* ``region`` -- only jobs in these regions, read from the job ARN (the table has no region column,
  ``../shared/reference/aws-facts.md`` §3.1) (repeatable, or commas);
* ``status`` -- only jobs in these statuses (``Completed``, ``Failed`` ...; repeatable, or commas);
* ``from`` / ``to`` -- the query's time window, which the API requires even for this table: a date
  (``2025-06-01``, UTC midnight) or RFC 3339 with a zone. Default: the 24 hours before the scan;
* ``row-limit`` -- rows per page, 1-10,000 (the API's bounds; default 10,000);
* ``deadline`` -- seconds one page's query may take, polling and retries included (default 300);
* ``max-attempts`` -- attempts per API call when Datadog answers 429/5xx or does not answer (1-20,
  default 6).

Keys and site never go in the location: they come from the environment (:mod:`checker.ddsql.settings`).
A bad value raises :class:`LocationError` with one line for the user (a usage error, exit 2).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from checker.aws.location import STATUSES
from checker.suggest import closest
from checker.uri_options import query_options

SCHEME = "ddsql"
TABLE = "aws.bedrock_model_invocation_job"
"""The Datadog table of Bedrock batch inference jobs (DDSQL data directory, aws-facts.md §3.1)."""

MAX_ROW_LIMIT = 10_000
"""Most rows one tabular query returns ("Must be between 1 and 10,000 inclusive", datadog-api-client 2.62
``DdsqlTabularQueryRequestAttributes.row_limit``)."""
DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_DEADLINE = 300.0
DEADLINE_RANGE = (1.0, 3600.0)
DEFAULT_MAX_ATTEMPTS = 6
MAX_ATTEMPTS_RANGE = (1, 20)

_OPTIONS = ("account", "region", "status", "from", "to", "row-limit", "deadline", "max-attempts")
_REPEATABLE = ("account", "region", "status")
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")


class LocationError(ValueError):
    """A ``ddsql://`` location is wrong; ``str(exc)`` is one line for the user."""


@dataclass(frozen=True)
class DdsqlTarget:
    """A validated ``ddsql://`` location.

    ``accounts``, ``regions``, ``statuses``: filters (empty: no filter). ``time_from``/``time_to``: the
    query window as aware UTC datetimes (``None``: :meth:`window` decides at scan time).
    ``row_limit``: rows per page (1-10,000). ``deadline``: seconds per page's query. ``max_attempts``:
    attempts per API call.
    """

    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    time_from: datetime | None = None
    time_to: datetime | None = None
    row_limit: int = MAX_ROW_LIMIT
    deadline: float = DEFAULT_DEADLINE
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def window(self, now: datetime) -> tuple[int, int]:
        """``(from, to)`` in Unix milliseconds (from inclusive, to exclusive, as the API takes them): the
        given bounds, else ``to`` = ``now`` and ``from`` = 24 hours before ``to``."""
        end = self.time_to or now
        start = self.time_from or end - DEFAULT_WINDOW
        return int(start.timestamp() * 1000), int(end.timestamp() * 1000)

    def uri(self) -> str:
        """The canonical ``ddsql://`` location of this target (what reports show)."""
        query: list[tuple[str, str]] = []
        query += [("account", ",".join(self.accounts))] if self.accounts else []
        query += [("region", ",".join(self.regions))] if self.regions else []
        query += [("status", ",".join(self.statuses))] if self.statuses else []
        if self.time_from is not None:
            query.append(("from", _format(self.time_from)))
        if self.time_to is not None:
            query.append(("to", _format(self.time_to)))
        if self.row_limit != MAX_ROW_LIMIT:
            query.append(("row-limit", str(self.row_limit)))
        if self.deadline != DEFAULT_DEADLINE:
            query.append(("deadline", f"{self.deadline:g}"))
        if self.max_attempts != DEFAULT_MAX_ATTEMPTS:
            query.append(("max-attempts", str(self.max_attempts)))
        text = urllib.parse.urlencode(query, safe=":,")
        return f"{SCHEME}://{TABLE}" + (f"?{text}" if text else "")


def is_ddsql_location(location: str) -> bool:
    """True for ``ddsql://...`` (any case)."""
    return location[:8].lower() == f"{SCHEME}://"


def parse_location(location: str) -> DdsqlTarget:
    """``ddsql://...`` (see the module doc) -> :class:`DdsqlTarget`. Raises :class:`LocationError`."""
    shown = shown_location(location)
    parts = urllib.parse.urlsplit(location)
    if parts.scheme.lower() != SCHEME:
        raise LocationError(f"{shown}: not a {SCHEME}:// location")
    if "@" in parts.netloc:
        raise LocationError(f"{shown}: keys do not go in the location: set DD_API_KEY and DD_APP_KEY")
    if parts.fragment:
        raise LocationError(f"{shown}: unexpected '#...' in the location")
    table = urllib.parse.unquote(parts.netloc + parts.path).strip("/")
    if table and table.lower() != TABLE:
        raise LocationError(f"{shown}: the jobs are in the table {TABLE}: write ddsql:// or ddsql://{TABLE} "
                            "(filters go after '?', e.g. ddsql://?status=InProgress)")
    # a '+' is a plus, not a space: no option takes spaces, and an offset such as +02:00 needs it
    options = query_options(parts.query, shown, _OPTIONS, _REPEATABLE, LocationError, plus_is_plus=True)
    accounts = _listed(options.get("account", []), "account", shown)
    for account in accounts:
        if not _ACCOUNT.match(account):
            raise LocationError(f"{shown}: account={account[:40]!r} is not a 12-digit AWS account ID")
    regions = [region.lower() for region in _listed(options.get("region", []), "region", shown)]
    for region in regions:
        if not _REGION.match(region):
            raise LocationError(f"{shown}: region={region[:40]!r} is not a region name like us-east-1")
    statuses = [_status(value, shown) for value in _listed(options.get("status", []), "status", shown)]
    time_from = _moment(options, "from", shown)
    time_to = _moment(options, "to", shown)
    if time_from is not None and time_to is not None and time_from >= time_to:
        raise LocationError(f"{shown}: from= must be before to=")
    if time_from is not None and time_to is None and time_from >= datetime.now(UTC):
        raise LocationError(f"{shown}: from= is in the future, and without to= the window ends now: "
                            "give a from= in the past")
    return DdsqlTarget(
        accounts=tuple(dict.fromkeys(accounts)), regions=tuple(dict.fromkeys(regions)),
        statuses=tuple(dict.fromkeys(statuses)), time_from=time_from, time_to=time_to,
        row_limit=int(_number(options, "row-limit", MAX_ROW_LIMIT, (1, MAX_ROW_LIMIT), shown, whole=True)),
        deadline=_number(options, "deadline", DEFAULT_DEADLINE, DEADLINE_RANGE, shown),
        max_attempts=int(_number(options, "max-attempts", DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_RANGE, shown,
                                 whole=True)),
    )


def shown_location(location: str) -> str:
    """``location`` as a message may echo it: anything before an ``@`` (a key someone put there) and
    long hexadecimal runs (Datadog keys are 32 or 40 hex characters) replaced by ``***``."""
    text = re.sub(r"(?i)^(ddsql://)[^/?#]*@", r"\1***@", location)
    return re.sub(r"(?i)[0-9a-f]{32,}", "***", text)


def _listed(values: list[str], name: str, shown: str) -> list[str]:
    items = [part.strip() for value in values for part in value.split(",")]
    if any(not item for item in items):
        raise LocationError(f"{shown}: {name}=: empty value (leave the option out to read every {name})")
    return items


def _status(value: str, shown: str) -> str:
    for status in STATUSES:
        if status.lower() == value.lower():
            return status
    raise LocationError(f"{shown}: status={value[:40]!r} is not a job status{closest(value, STATUSES)} "
                        f"(one of {', '.join(STATUSES)})")


def _moment(options: dict[str, list[str]], name: str, shown: str) -> datetime | None:
    """The ``from``/``to`` option as an aware UTC datetime (the one date parser, :mod:`checker.timeutil`)."""
    from checker.errors import ConfigError
    from checker.timeutil import parse_date_or_timestamp

    if name not in options:
        return None
    try:
        return parse_date_or_timestamp(options[name][0].strip(), f"{shown}: {name}")
    except ConfigError as exc:
        raise LocationError(str(exc)) from None


def _number(options: dict[str, list[str]], name: str, default: float, bounds: tuple[float, float], shown: str,
            whole: bool = False) -> float:
    if name not in options:
        return default
    text = options[name][0].strip()
    try:
        number = float(int(text)) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise LocationError(f"{shown}: {name}={text[:40]!r} is not {kind}") from None
    low, high = bounds
    if not low <= number <= high:
        raise LocationError(f"{shown}: {name}={text} is outside {low:g}-{high:g}")
    return number


def _format(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond // 1000:03d}"
                                                  if moment.microsecond else "") + "Z"


