"""One DDSQL query through datadog-api-client: execute, fetch while ``running``, deadline, retries.

The request is built, authenticated (``DD-API-KEY``/``DD-APPLICATION-KEY`` headers) and sent by the
official client, ``DDSQLApi.execute_ddsql_tabular_query`` / ``fetch_ddsql_tabular_query``
(datadog-api-client 2.62). Two of its settings are changed, for reasons measured or read in its source:

* ``preload_content=False``: the client hands back the HTTP response, whose body is parsed here with
  orjson. Its own typed decoding of a 10,000-row page took 9.8 s (1,000 rows/s, below the 5,000 rows/s
  target), and it turns any VARCHAR value that looks like a date (a job named ``2025-06-02``) into a
  ``datetime`` (``values`` is typed ``[bool, date, datetime, ...]``): the rows must stay as sent.
* retries are ours (``enable_retry`` off, urllib3 retries off): its retry has no bound on the wait an
  ``X-RateLimit-Reset`` asks for, cannot be held to a deadline, and does not say how often it retried.

Here: 429 waits ``X-RateLimit-Reset`` seconds (Datadog's rate-limit header: seconds until the limit
resets); 5xx, 408 and connection failures or timeouts are retried with exponential backoff (0.5 s, 1 s,
2 s ... at most 8 s, with jitter); both up to ``max_attempts`` calls and never past the page's deadline.
Then the page is a :class:`DdsqlFailure` (the pager reports it as a gap). 401/403 are not retried.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from checker.aws.faults import Scrubber
from checker.ddsql.settings import PERMISSION, DatadogSettings
from checker.text import clip

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
"""Seconds to connect, and to wait for an answer, per HTTP call (less when the deadline is closer)."""
FIRST_POLL = 0.05
MAX_POLL = 1.0
"""Seconds between fetches of a running query: doubling from the first to the most."""
MAX_BACKOFF = 8.0
MAX_DETAIL = 300


class DdsqlFailure(Exception):
    """A query that could not be answered. ``kind``: ``"denied"`` (401/403), ``"rejected"`` (another 4xx),
    ``"throttled"``, ``"unavailable"`` (5xx, timeouts, no connection), ``"deadline"``, ``"bad
    response"``. ``str(exc)``: one line for the user, with no key in it."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class CallStats:
    """What the calls cost: ``queries`` executed, ``polls`` (fetch calls), ``retries`` (calls repeated
    after a 429, 5xx or failure to connect), ``throttled`` (429 answers), ``waited`` (seconds slept
    before retries)."""

    queries: int = 0
    polls: int = 0
    retries: int = 0
    throttled: int = 0
    waited: float = 0.0


class DdsqlClient:
    """Runs DDSQL queries against ``settings.host`` with ``settings``' keys.

    ``max_attempts``: calls per request, first included. ``scrub``: removes the keys from every message
    (the keys are added to it here). ``sleep``/``clock`` are replaceable for tests. Not thread-safe: one
    query at a time (the pager runs them one after the other, in its prefetch thread).
    """

    def __init__(self, settings: DatadogSettings, max_attempts: int, scrub: Scrubber,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        import urllib3
        from datadog_api_client import ApiClient, Configuration
        from datadog_api_client.v2.api.ddsql_api import DDSQLApi

        self.settings = settings
        self.max_attempts = max_attempts
        self.scrub = scrub
        scrub.add(*settings.secrets())
        self.stats = CallStats()
        self._sleep, self._clock = sleep, clock
        config = Configuration(host=settings.host,
                               api_key={"apiKeyAuth": settings.api_key, "appKeyAuth": settings.app_key},
                               enable_retry=False, preload_content=False,
                               retry_policy=urllib3.util.Retry(total=False))
        self._config = config
        self._client = ApiClient(config)
        self._api = DDSQLApi(self._client)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def query(self, sql: str, window: tuple[int, int], row_limit: int, deadline: float) -> dict[str, Any]:
        """Run ``sql`` over the time ``window`` (Unix ms, from inclusive, to exclusive) and return the
        completed response's ``data.attributes`` (``columns``, ``warnings`` ...), decoded from JSON.

        ``deadline``: seconds the whole query may take, polls and retries included. Raises
        :class:`DdsqlFailure`.
        """
        from datadog_api_client.v2.model.ddsql_tabular_query_request import DdsqlTabularQueryRequest
        from datadog_api_client.v2.model.ddsql_tabular_query_request_attributes import (
            DdsqlTabularQueryRequestAttributes,
        )
        from datadog_api_client.v2.model.ddsql_tabular_query_request_data import DdsqlTabularQueryRequestData
        from datadog_api_client.v2.model.ddsql_tabular_query_request_type import DdsqlTabularQueryRequestType
        from datadog_api_client.v2.model.ddsql_tabular_query_time_window import DdsqlTabularQueryTimeWindow

        ends = self._clock() + deadline
        body = DdsqlTabularQueryRequest(data=DdsqlTabularQueryRequestData(
            attributes=DdsqlTabularQueryRequestAttributes(
                query=sql, row_limit=row_limit,
                time=DdsqlTabularQueryTimeWindow(from_timestamp=window[0], to_timestamp=window[1])),
            type=DdsqlTabularQueryRequestType.DDSQL_QUERY_REQUEST))
        self.stats.queries += 1
        attributes = self._call(lambda: self._api.execute_ddsql_tabular_query(body), ends, deadline)
        pause = FIRST_POLL
        while attributes.get("state") == "running":
            query_id = attributes.get("query_id")
            if not isinstance(query_id, str) or not query_id:
                raise DdsqlFailure("bad response", f"{self.settings.where} answered state 'running' without a "
                                                   "query_id to fetch the result with")
            if self._clock() + pause >= ends:
                raise DdsqlFailure("deadline", f"the DDSQL query was still running after {deadline:g} s (raise "
                                               "the location's deadline=, e.g. ddsql://?deadline=900)")
            self._sleep(pause)
            pause = min(pause * 2, MAX_POLL)
            self.stats.polls += 1
            attributes = self._call(lambda q=query_id: self._fetch(q), ends, deadline)  # type: ignore[misc]
        if attributes.get("state") != "completed":
            raise DdsqlFailure("bad response", f"{self.settings.where} answered an unknown query state "
                                               f"{str(attributes.get('state'))[:40]!r}")
        return attributes

    def _fetch(self, query_id: str) -> Any:
        from datadog_api_client.v2.model.ddsql_tabular_query_fetch_request import DdsqlTabularQueryFetchRequest
        from datadog_api_client.v2.model.ddsql_tabular_query_fetch_request_attributes import (
            DdsqlTabularQueryFetchRequestAttributes,
        )
        from datadog_api_client.v2.model.ddsql_tabular_query_fetch_request_data import (
            DdsqlTabularQueryFetchRequestData,
        )
        from datadog_api_client.v2.model.ddsql_tabular_query_fetch_request_type import (
            DdsqlTabularQueryFetchRequestType,
        )

        body = DdsqlTabularQueryFetchRequest(data=DdsqlTabularQueryFetchRequestData(
            attributes=DdsqlTabularQueryFetchRequestAttributes(query_id=query_id),
            type=DdsqlTabularQueryFetchRequestType.DDSQL_QUERY_FETCH_REQUEST))
        return self._api.fetch_ddsql_tabular_query(body)

    def _call(self, send: Callable[[], Any], ends: float, deadline: float) -> dict[str, Any]:
        """One API call with retries; the decoded ``data.attributes`` of its answer."""
        from datadog_api_client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        attempt = 0
        while True:
            attempt += 1
            remaining = ends - self._clock()
            if remaining <= 0:
                raise DdsqlFailure("deadline", f"the DDSQL query took longer than its deadline of {deadline:g} s "
                                               "(raise the location's deadline=)")
            self._config.request_timeout = (min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining))
            try:
                response = send()
                try:
                    data = response.data
                finally:
                    response.release_conn()
            except ApiException as exc:
                status = int(exc.status or 0)
                if status == 0:  # no HTTP answer at all, e.g. a TLS failure: trying again will not help
                    raise DdsqlFailure("unavailable", self.scrub(
                        f"{self.settings.where}: {clip(str(exc.reason), MAX_DETAIL)}")) from None
                if status in (401, 403):
                    raise DdsqlFailure("denied", self._denied(exc)) from None
                if status == 429:
                    wait, kind, why = _reset_seconds(exc.headers), "throttled", "rate-limited (429)"
                    self.stats.throttled += 1
                elif status >= 500 or status == 408:
                    wait, kind, why = _backoff(attempt), "unavailable", f"{status} {exc.reason or ''}".strip()
                else:
                    raise DdsqlFailure("rejected", self.scrub(
                        f"{self.settings.where} rejected the DDSQL query: {status} {exc.reason or ''}: "
                        f"{_errors(exc.body)}")) from None
                detail = _errors(exc.body)
            except HTTPError as exc:  # no answer: refused, reset, timed out
                wait, kind = _backoff(attempt), "unavailable"
                why = detail = f"{type(exc).__name__}: {clip(str(exc), MAX_DETAIL)}"
            else:
                return self._attributes(data)
            if attempt >= self.max_attempts or self._clock() + wait >= ends:
                limit = (f"after {attempt} attempts" if attempt >= self.max_attempts
                         else f"the next try would pass the deadline of {deadline:g} s")
                said = "" if detail == why else f": {detail}"  # no answer: the reason is all there is
                raise DdsqlFailure(kind, self.scrub(f"{self.settings.where}: {why}, {limit}{said}"))
            self.stats.retries += 1
            self.stats.waited += wait
            self._sleep(wait)

    def _attributes(self, data: bytes) -> dict[str, Any]:
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise DdsqlFailure("bad response", f"{self.settings.where} answered with text that is not JSON "
                                               f"({exc})") from None
        attributes = document.get("data", {}).get("attributes") if isinstance(document, dict) else None
        if not isinstance(attributes, dict):
            raise DdsqlFailure("bad response", f"{self.settings.where} answered without data.attributes")
        return attributes

    def _denied(self, exc: Any) -> str:
        return self.scrub(
            f"{self.settings.where} refused the DDSQL query: {exc.status} {exc.reason or ''}: {_errors(exc.body)} "
            f"(check DD_API_KEY and DD_APP_KEY; the application key needs the {PERMISSION} permission "
            "(scope), and its owner read access to aws.bedrock_model_invocation_job)")


def _errors(body: Any) -> str:
    """The ``errors`` Datadog puts in an error body (``{"errors": ["..."]}``), as one clipped line."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        text = "; ".join(str(error) for error in body["errors"])
    else:
        text = str(body or "no detail")
    return clip(" ".join(text.split()), MAX_DETAIL)


def _reset_seconds(headers: Any) -> float:
    """Seconds until Datadog's rate limit resets (``X-RateLimit-Reset``; header names in any case);
    1 s when the header is absent or not a number."""
    for name, value in (headers or {}).items():
        if name.lower() == "x-ratelimit-reset":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                break
    return 1.0


def _backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` (1-based) after a 5xx or no answer: 0.5, 1, 2 ... at most
    :data:`MAX_BACKOFF`, each with up to 25% jitter."""
    base = min(MAX_BACKOFF, 0.5 * 2 ** (attempt - 1))
    return base * (1 + random.random() / 4)  # noqa: S311 - jitter, not security
