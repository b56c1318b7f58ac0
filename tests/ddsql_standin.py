"""A stand-in for Datadog's DDSQL API, served over real HTTP on 127.0.0.1.

Tests (and ``benchmarks/bench_ddsql.py``) point the real datadog-api-client at it with ``DD_HOST`` and the
keys :data:`API_KEY` / :data:`APP_KEY`. What it implements, with the wire shapes of datadog-api-client
2.62 (``v2/model/ddsql_tabular_*``) and the Datadog API reference (DDSQL):

* ``POST /api/v2/ddsql/query/tabular``: ``{"data": {"type": "ddsql_query_request", "attributes": {"query",
  "row_limit", "time": {"from_timestamp", "to_timestamp"}}}}``; ``row_limit`` defaults to 5,000 and
  outside 1..10,000 is a 400, as is a missing ``time``; both keys are checked (403 otherwise).
* ``POST /api/v2/ddsql/query/tabular/fetch``: ``{"data": {"type": "ddsql_query_fetch_request",
  "attributes": {"query_id"}}}``. With ``running_polls = n`` a query answers ``state: running`` with a
  ``query_id`` and then n-1 more times on fetch before ``completed``.
* Answers: ``{"data": {"id", "type": "ddsql_query_response", "attributes": {"state", "columns":
  [{"name", "type", "values"}], "warnings"}}, "meta": {"elapsed", "request_id"}}``, column-major;
  ``TIMESTAMP`` as Unix ms, ``JSON`` columns as JSON-encoded strings, tags as a key-to-value map.

It really runs the SQL it receives, for the subset bedrock-audit writes: ``SELECT * FROM
aws.bedrock_model_invocation_job [WHERE ...] [ORDER BY col [ASC|DESC]] [LIMIT n]`` with ``AND``, ``OR``,
``NOT``, parentheses, ``= <> != < <= > >=``, ``IN (...)``, ``LIKE``, ``IS [NOT] NULL``, string literals with
``''`` escapes and SQL's three-valued NULL logic; anything else is a 400. So a paging or quoting bug in
the client shows as missing, repeated or wrong rows. More rows than ``row_limit`` are cut to it with a
warning (as the API caps results); ``truncate_at`` cuts every result shorter still, with the same
warning (a server-side size cap).

Faults: :attr:`DdsqlStandIn.faults` is a list of :class:`Fault` taken one per request, in order (429 with
``X-RateLimit-Reset``, 403, 5xx, a dropped connection, a slow answer); ``throttle_every = n`` answers
every nth request 429 with ``X-RateLimit-Reset: 1``. ``latency`` seconds are added to
every answer. Every request is recorded in ``requests``. Run it alone with
``python tests/ddsql_standin.py --rows 25000``: it prints the ``DD_HOST`` to use and serves until stopped.
"""

from __future__ import annotations

import bisect
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

API_KEY = "standin-dd-api-key-do-not-print"
APP_KEY = "standin-dd-app-key-do-not-print-either"
TABLE = "aws.bedrock_model_invocation_job"
SAMPLE = Path(__file__).resolve().parent / "data" / "sample-ddsql-rows.json"
STATUSES = ("Completed", "InProgress", "Failed", "Stopped", "Submitted", "Expired")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
ACCOUNTS = ("123456789012", "210987654321")
COLUMN_TYPES = {"end_time": "TIMESTAMP", "job_expiration_time": "TIMESTAMP", "last_modified_time": "TIMESTAMP",
                "submit_time": "TIMESTAMP", "input_data_config": "JSON", "output_data_config": "JSON",
                "vpc_config": "JSON", "tags": "HSTORE", "timeout_duration_in_hours": "BIGINT"}


@dataclass
class Fault:
    """One answer instead of the normal one: ``status`` with ``headers`` and ``body``; ``drop`` closes the
    connection without answering; ``delay`` seconds before answering (normally, when ``status`` is 0)."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    drop: bool = False
    delay: float = 0.0


def _ms(text: str | None) -> int | None:
    return None if text is None else int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def api_row(row: dict[str, Any]) -> dict[str, Any]:
    """A table-shape row (``tests/data/sample-ddsql-rows.json``) as the API carries its values: timestamps
    as Unix ms, JSON columns as JSON text, tags as a map."""
    out = dict(row)
    for name, kind in COLUMN_TYPES.items():
        if name not in out or out[name] is None:
            continue
        if kind == "TIMESTAMP":
            out[name] = _ms(out[name])
        elif kind == "JSON":
            out[name] = json.dumps(out[name])
    return out


def make_rows(count: int, seed_rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """``count`` API-shape rows based on the sample rows, each with its own job ARN (account, region and
    12-character id vary), job name, ``_key`` and status."""
    samples = seed_rows or json.loads(SAMPLE.read_text())
    rows = []
    for number in range(count):
        row = dict(samples[number % len(samples)])
        account, region = ACCOUNTS[number % len(ACCOUNTS)], REGIONS[(number // 2) % len(REGIONS)]
        row["job_arn"] = f"arn:aws:bedrock:{region}:{account}:model-invocation-job/{number:012d}"
        row["account_id"] = account
        row["job_name"] = f"job-{number}"
        row["_key"] = f"{number:032x}"
        row["status"] = STATUSES[number % len(STATUSES)]
        row["tags"] = {**(row.get("tags") or {}), "region": region}
        rows.append(api_row(row))
    return rows


class SqlError(ValueError):
    """A statement outside the subset (answered with 400)."""


_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+)|(?P<id>[A-Za-z_][A-Za-z0-9_.]*)"
                    r"|(?P<op><>|!=|>=|<=|=|<|>|\(|\)|,|\*))")
_KEYWORDS = {"SELECT", "FROM", "WHERE", "ORDER", "BY", "ASC", "DESC", "LIMIT", "AND", "OR", "NOT", "IN",
             "LIKE", "IS", "NULL"}
Predicate = Callable[[dict[str, Any]], bool | None]


def tokenize(sql: str) -> list[tuple[str, Any]]:
    """``[(kind, value)]`` with kind ``str``, ``num``, ``id``, ``kw`` (upper-cased) or ``op``."""
    tokens, index, sql = [], 0, sql.rstrip().rstrip(";")
    while index < len(sql):
        match = _TOKEN.match(sql, index)
        if not match or match.end() == index:
            if sql[index:].strip() == "":
                break
            raise SqlError(f"syntax error at {sql[index:index + 20]!r}")
        index = match.end()
        kind = match.lastgroup
        text = match.group(kind)  # type: ignore[arg-type]
        if kind == "str":
            tokens.append(("str", text[1:-1].replace("''", "'")))
        elif kind == "num":
            tokens.append(("num", int(text)))
        elif kind == "id" and text.upper() in _KEYWORDS:
            tokens.append(("kw", text.upper()))
        else:
            tokens.append((kind, text))  # type: ignore[arg-type]
    return tokens


@dataclass
class Statement:
    """A parsed SELECT: ``where`` (``None``: every row), ``order`` (column, descending), ``limit``, and
    ``lower_bound``: a string the ORDER BY column must reach (``>=``, or ``>``) when the WHERE says so at
    its top level."""

    where: Predicate | None
    order: tuple[str, bool] | None
    limit: int | None
    lower_bound: str | None = None


Bounds = dict[str, Any]
"""``{column: lowest}``: every non-null row a condition accepts has ``column >= lowest`` (``_ONLY_NULL``:
it accepts no non-null value of that column). Lets the stand-in start at the cursor instead of scanning
from the first row; the condition itself is still checked on every row it reads."""
_ONLY_NULL = object()


class _Parser:
    def __init__(self, sql: str, columns: set[str]) -> None:
        self.tokens = tokenize(sql)
        self.at = 0
        self.columns = columns

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str, value: Any = None) -> Any:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            raise SqlError(f"expected {value or kind} at token {self.at}, got {token}")
        self.at += 1
        return token[1]

    def accept(self, kind: str, value: Any = None) -> bool:
        token = self.peek()
        if token is not None and token[0] == kind and (value is None or token[1] == value):
            self.at += 1
            return True
        return False

    def column(self) -> str:
        name = self.take("id")
        if name not in self.columns:
            raise SqlError(f"column {name!r} does not exist")
        return str(name)

    def statement(self) -> Statement:
        self.take("kw", "SELECT")
        self.take("op", "*")
        self.take("kw", "FROM")
        if self.take("id").lower() != TABLE:
            raise SqlError("unknown table")
        where, bounds, order, limit = None, {}, None, None
        if self.accept("kw", "WHERE"):
            where, bounds = self.disjunction()
        if self.accept("kw", "ORDER"):
            self.take("kw", "BY")
            name = self.column()
            descending = self.accept("kw", "DESC")
            if not descending:
                self.accept("kw", "ASC")
            order = (name, descending)
        if self.accept("kw", "LIMIT"):
            limit = self.take("num")
        if self.peek() is not None:
            raise SqlError(f"unexpected {self.peek()}")
        bound = bounds.get(order[0]) if order and not order[1] else None
        return Statement(where, order, limit, bound if isinstance(bound, str) else None)

    def disjunction(self) -> tuple[Predicate, Bounds]:
        parts = [self.conjunction()]
        while self.accept("kw", "OR"):
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        bounds: Bounds = {}
        for name in set.intersection(*(set(b) for _, b in parts)):
            values = [b[name] for _, b in parts if b[name] is not _ONLY_NULL]
            bounds[name] = min(values) if values else _ONLY_NULL
        predicates = [p for p, _ in parts]

        def any_of(row: dict[str, Any]) -> bool | None:
            values = [part(row) for part in predicates]
            return True if True in values else None if None in values else False
        return any_of, bounds

    def conjunction(self) -> tuple[Predicate, Bounds]:
        parts = [self.factor()]
        while self.accept("kw", "AND"):
            parts.append(self.factor())
        if len(parts) == 1:
            return parts[0]
        bounds: Bounds = {}
        for _, b in parts:
            for name, value in b.items():
                old = bounds.get(name)
                if old is None or value is _ONLY_NULL or (old is not _ONLY_NULL and value > old):
                    bounds[name] = value
        predicates = [p for p, _ in parts]

        def all_of(row: dict[str, Any]) -> bool | None:
            values = [part(row) for part in predicates]
            return False if False in values else None if None in values else True
        return all_of, bounds

    def factor(self) -> tuple[Predicate, Bounds]:
        if self.accept("kw", "NOT"):
            inner, _ = self.factor()
            return (lambda row: None if (v := inner(row)) is None else not v), {}
        if self.accept("op", "("):
            found = self.disjunction()
            self.take("op", ")")
            return found
        return self.predicate()

    def value(self) -> Any:
        token = self.peek()
        if token is None or token[0] not in ("str", "num"):
            raise SqlError(f"expected a literal, got {token}")
        self.at += 1
        return token[1]

    def predicate(self) -> tuple[Predicate, Bounds]:
        name = self.column()
        if self.accept("kw", "IS"):
            negate = self.accept("kw", "NOT")
            self.take("kw", "NULL")
            if negate:
                return (lambda row: row.get(name) is not None), {}
            return (lambda row: row.get(name) is None), {name: _ONLY_NULL}
        if self.accept("kw", "IN"):
            self.take("op", "(")
            values = [self.value()]
            while self.accept("op", ","):
                values.append(self.value())
            self.take("op", ")")
            return (lambda row: None if row.get(name) is None else row.get(name) in values), {}
        if self.accept("kw", "LIKE"):
            pattern = re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c)
                                         for c in self.value()), re.DOTALL)
            return (lambda row: None if row.get(name) is None else bool(pattern.fullmatch(str(row.get(name))))), {}
        op = self.take("op")
        literal = self.value()
        compare = {"=": lambda a: a == literal, "<>": lambda a: a != literal, "!=": lambda a: a != literal,
                   "<": lambda a: a < literal, "<=": lambda a: a <= literal, ">": lambda a: a > literal,
                   ">=": lambda a: a >= literal}.get(op)
        if compare is None:
            raise SqlError(f"unknown operator {op}")
        bounds = {name: literal} if op in (">", ">=") and isinstance(literal, str) else {}
        return (lambda row: None if row.get(name) is None else compare(row.get(name))), bounds


class DdsqlStandIn:
    """The server. ``rows``: API-shape rows (dicts, every row the same columns). Start with
    :meth:`start` (or use as a context manager); ``url`` is then the ``DD_HOST`` to use."""

    def __init__(self, rows: list[dict[str, Any]] | None = None, *, latency: float = 0.0,
                 running_polls: int = 0, truncate_at: int | None = None, throttle_every: int = 0) -> None:
        self.columns = list((rows or make_rows(1))[0])
        self.set_rows(rows or [])
        self.latency = latency
        self.running_polls = running_polls
        self.truncate_at = truncate_at
        self.throttle_every = throttle_every
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []
        self.pending: dict[str, list[Any]] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace the table's rows (kept sorted by job ARN, NULLs last, as ORDER BY job_arn reads them)."""
        self.rows = sorted(rows, key=lambda r: (r.get("job_arn") is None, r.get("job_arn") or ""))
        self.keys = [r.get("job_arn") for r in self.rows if r.get("job_arn") is not None]

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> DdsqlStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                standin.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self) -> DdsqlStandIn:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def queries(self) -> list[str]:
        """The SQL of every execute request received, in order."""
        return [r["body"]["data"]["attributes"]["query"] for r in self.requests
                if r["path"].endswith("/tabular") and isinstance(r.get("body"), dict)]

    def handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        raw = http.rfile.read(length)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self.lock:
            self.requests.append({"path": http.path, "body": body, "headers": dict(http.headers)})
            fault = self.faults.pop(0) if self.faults else None
            if fault is None and self.throttle_every and len(self.requests) % self.throttle_every == 0:
                fault = Fault(429, {"X-RateLimit-Reset": "1"}, {"errors": ["Too many requests"]})
        if self.latency:
            time.sleep(self.latency)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.drop:
            http.close_connection = True
            http.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and fault.status:
            return self.send(http, fault.status, fault.body or {"errors": [f"stand-in fault {fault.status}"]},
                             fault.headers)
        if http.headers.get("DD-API-KEY") != API_KEY or http.headers.get("DD-APPLICATION-KEY") != APP_KEY:
            return self.send(http, 403, {"errors": ["Forbidden"]})
        try:
            if http.path == "/api/v2/ddsql/query/tabular":
                status, answer = self.execute(body)
            elif http.path == "/api/v2/ddsql/query/tabular/fetch":
                status, answer = self.fetch(body)
            else:
                status, answer = 404, {"errors": ["Not found"]}
        except SqlError as exc:
            status, answer = 400, {"errors": [f"DDSQL: {exc}"]}
        self.send(http, status, answer)

    def send(self, http: BaseHTTPRequestHandler, status: int, answer: Any,
             headers: dict[str, str] | None = None) -> None:
        data = orjson.dumps(answer)
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            http.send_header(name, value)
        http.end_headers()
        http.wfile.write(data)

    def execute(self, body: Any) -> tuple[int, Any]:
        try:
            data = body["data"]
            attributes = data["attributes"]
            assert data["type"] == "ddsql_query_request"
            query = attributes["query"]
            window = attributes["time"]
            assert isinstance(window["from_timestamp"], int) and isinstance(window["to_timestamp"], int)
        except (KeyError, TypeError, AssertionError):
            return 400, {"errors": ["invalid request: data.type, data.attributes.query and "
                                    "data.attributes.time {from_timestamp, to_timestamp} are required"]}
        row_limit = attributes.get("row_limit", 5000)
        if not isinstance(row_limit, int) or not 1 <= row_limit <= 10_000:
            return 400, {"errors": ["row_limit must be between 1 and 10000"]}
        columns, warnings = self.run(query, row_limit)
        if self.running_polls:
            query_id = uuid.uuid4().hex
            with self.lock:
                self.pending[query_id] = [self.running_polls - 1, columns, warnings]
            return 200, self.answer({"state": "running", "query_id": query_id})
        return 200, self.answer({"state": "completed", "columns": columns, "warnings": warnings})

    def fetch(self, body: Any) -> tuple[int, Any]:
        try:
            assert body["data"]["type"] == "ddsql_query_fetch_request"
            query_id = body["data"]["attributes"]["query_id"]
        except (KeyError, TypeError, AssertionError):
            return 400, {"errors": ["invalid fetch request"]}
        with self.lock:
            entry = self.pending.get(query_id)
            if entry is None:
                return 404, {"errors": ["unknown query_id"]}
            if entry[0] > 0:
                entry[0] -= 1
                return 200, self.answer({"state": "running", "query_id": query_id})
            del self.pending[query_id]
        return 200, self.answer({"state": "completed", "columns": entry[1], "warnings": entry[2]})

    def answer(self, attributes: dict[str, Any]) -> dict[str, Any]:
        return {"data": {"id": uuid.uuid4().hex, "type": "ddsql_query_response", "attributes": attributes},
                "meta": {"elapsed": 1, "request_id": uuid.uuid4().hex}}

    def run(self, sql: str, row_limit: int) -> tuple[list[dict[str, Any]], list[str]]:
        """Run ``sql``: the result's columns (column-major) and warnings."""
        statement = _Parser(sql, set(self.columns)).statement()
        rows = self.rows
        if statement.order is not None:
            name, descending = statement.order
            if name != "job_arn":
                rows = sorted(rows, key=lambda r: (r.get(name) is None, r.get(name) or ""))
            if descending:
                rows = list(reversed(rows))
        start = 0
        if statement.lower_bound is not None and statement.order == ("job_arn", False):
            start = bisect.bisect_left(self.keys, statement.lower_bound)
        cap = min(statement.limit if statement.limit is not None else len(rows), row_limit)
        if self.truncate_at is not None:
            cap = min(cap, self.truncate_at)
        found: list[dict[str, Any]] = []
        for row in rows[start:]:
            if statement.where is None or statement.where(row) is True:
                found.append(row)
                if len(found) > cap:
                    break
        warnings = []
        if len(found) > cap and cap < (statement.limit if statement.limit is not None else len(self.rows) + 1):
            warnings.append(f"Result truncated: only the first {cap} rows are returned")
        found = found[:cap]
        columns = [{"name": name, "type": COLUMN_TYPES.get(name, "VARCHAR"), "values": [r.get(name) for r in found]}
                   for name in self.columns]
        return columns, warnings


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve a DDSQL API stand-in on 127.0.0.1 until stopped.")
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--running-polls", type=int, default=0, help="fetches a query answers 'running' to")
    parser.add_argument("--throttle-every", type=int, default=0, metavar="N",
                        help="answer every Nth request 429 with X-RateLimit-Reset: 1")
    args = parser.parse_args()
    standin = DdsqlStandIn(make_rows(args.rows), latency=args.latency, running_polls=args.running_polls,
                           throttle_every=args.throttle_every).start()
    print(f"DD_HOST={standin.url} DD_API_KEY={API_KEY} DD_APP_KEY={APP_KEY}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
