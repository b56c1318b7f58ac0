"""The ddsql:// source read in-process through the real datadog-api-client, against tests/ddsql_standin.py
over HTTP on 127.0.0.1: paging, filters, faults, provenance, keys kept out of every message."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from ddsql_standin import API_KEY, APP_KEY, DdsqlStandIn, Fault, make_rows

from checker.model import ErrorKind, Problem
from checker.sources.base import RawRecord
from checker.sources.ddsql import SOURCE


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[DdsqlStandIn]:
    with DdsqlStandIn(make_rows(25)) as server:
        for name in ("DD_SITE", "DD_APPLICATION_KEY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DD_HOST", server.url)
        monkeypatch.setenv("DD_API_KEY", API_KEY)
        monkeypatch.setenv("DD_APP_KEY", APP_KEY)
        monkeypatch.setattr("checker.ddsql.client._backoff", lambda attempt: 0.01)
        yield server


def read(location: str = "ddsql://") -> tuple[list[RawRecord], list[Problem], str]:
    """Records, problems and the closing line of reading ``location``."""
    records, problems = [], []
    closing = io.StringIO()
    import checker.ddsql.pager as pager

    original = pager._stderr
    pager._stderr = lambda line: closing.write(line)  # type: ignore[assignment]
    try:
        for item in SOURCE.read(location, None):
            (records if isinstance(item, RawRecord) else problems).append(item)  # type: ignore[arg-type]
    finally:
        pager._stderr = original  # type: ignore[assignment]
    return records, problems, closing.getvalue()


def arns(records: list[RawRecord]) -> list[str]:
    return [r.data["job_arn"] for r in records]


def test_every_row_exactly_once_across_pages_with_running_queries(standin: DdsqlStandIn) -> None:
    standin.set_rows(make_rows(2_345))
    standin.running_polls = 2
    records, problems, closing = read("ddsql://?row-limit=1000")
    assert problems == []
    assert sorted(arns(records)) == sorted(r["job_arn"] for r in standin.rows)
    assert len(set(arns(records))) == 2_345
    assert len(standin.queries()) == 3  # 999 + 999 + 347 (each full page's last row starts the next)
    assert "2345 rows in 3 pages (3 queries, 6 polls, 0 retries)" in closing
    assert ">= 'arn:" in standin.queries()[1] and "ORDER BY job_arn LIMIT 1000" in standin.queries()[0]


def test_a_table_of_exactly_one_page_needs_one_more_empty_page(standin: DdsqlStandIn) -> None:
    standin.set_rows(make_rows(20))
    records, problems, _ = read("ddsql://?row-limit=10")
    assert problems == [] and len(records) == 20 and len(standin.queries()) == 3


def test_provenance_names_the_page_and_the_row_within_it(standin: DdsqlStandIn) -> None:
    records, _, _ = read("ddsql://?row-limit=10&status=Completed,Failed")
    assert [str(r.provenance) for r in records[:1]] == [
        "ddsql://aws.bedrock_model_invocation_job?status=Completed,Failed&row-limit=10&page=1#1"]
    assert all(r.provenance.record is not None and 1 <= r.provenance.record <= 10 for r in records)


def test_filters_become_a_where_clause_the_server_applies(standin: DdsqlStandIn) -> None:
    records, problems, _ = read("ddsql://?account=210987654321&region=eu-west-1,us-west-2&status=InProgress,stopped")
    expected = [r for r in standin.rows if r["account_id"] == "210987654321" and r["status"] in ("InProgress", "Stopped")
                and r["job_arn"].split(":")[3] in ("eu-west-1", "us-west-2")]
    assert problems == [] and expected and arns(records) == [r["job_arn"] for r in expected]
    assert ("WHERE account_id IN ('210987654321') AND status IN ('InProgress', 'Stopped') AND "
            "(job_arn LIKE 'arn:%:bedrock:eu-west-1:%' OR job_arn LIKE 'arn:%:bedrock:us-west-2:%')"
            ) in standin.queries()[0]


def test_a_quote_in_a_job_arn_is_quoted_not_injected(standin: DdsqlStandIn) -> None:
    rows = make_rows(6)
    for row in rows:  # every page ends with a quote in its cursor
        row["job_arn"] += "' OR '1'='1"
    standin.set_rows(rows)
    records, problems, _ = read("ddsql://?row-limit=3")
    assert problems == [] and sorted(arns(records)) == sorted(r["job_arn"] for r in rows)
    assert any("'' OR ''1''=''1' OR job_arn IS NULL)" in query for query in standin.queries())


def test_time_window_is_sent_and_configurable(standin: DdsqlStandIn) -> None:
    read("ddsql://?from=2025-06-01&to=2025-06-02T12:00:00Z")
    window = standin.requests[0]["body"]["data"]["attributes"]["time"]
    assert window == {"from_timestamp": 1748736000000, "to_timestamp": 1748865600000}
    read("ddsql://")
    window = standin.requests[-1]["body"]["data"]["attributes"]["time"]
    assert window["to_timestamp"] - window["from_timestamp"] == 24 * 3600 * 1000


def test_truncation_of_a_short_page_is_paged_past(standin: DdsqlStandIn) -> None:
    standin.set_rows(make_rows(25))
    standin.truncate_at = 4  # a server-side cap below the row limit, announced by a warning
    records, problems, _ = read("ddsql://?row-limit=10")
    assert problems == [] and len(records) == 25 and len(set(arns(records))) == 25


def test_another_warning_is_reported_not_dropped(standin: DdsqlStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    original = standin.run
    monkeypatch.setattr(standin, "run", lambda sql, limit: (original(sql, limit)[0], ["index is stale"]))
    records, problems, _ = read()
    assert len(records) == 25
    assert [(p.kind, p.message) for p in problems] == [(ErrorKind.SOURCE, "Datadog warned: index is stale")]


def test_rate_limit_waits_for_the_reset_then_goes_on(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(429, {"X-RateLimit-Reset": "1"}), Fault(429, {"X-RateLimit-Reset": "0"})]
    records, problems, closing = read()
    assert problems == [] and len(records) == 25
    assert "2 retries, 2 rate-limited, 1.0 s waited" in closing


def test_rate_limit_past_the_deadline_is_a_gap(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(429, {"X-RateLimit-Reset": "60"})]
    records, problems, _ = read("ddsql://?deadline=5")
    assert records == [] and len(problems) == 1 and problems[0].kind is ErrorKind.SOURCE
    assert "rate-limited (429), the next try would pass the deadline of 5 s" in problems[0].message


def test_server_errors_and_dropped_connections_are_retried(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(503), Fault(drop=True), Fault(500)]
    records, problems, closing = read()
    assert problems == [] and len(records) == 25 and "3 retries" in closing


def test_server_errors_past_max_attempts_are_a_gap_after_the_rows_already_read(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(), Fault(502), Fault(502), Fault(502)]  # page 1 fine, page 2 fails 3 times
    records, problems, _ = read("ddsql://?row-limit=10&max-attempts=3")
    assert len(records) == 9  # the page's last row starts page 2, which was not read
    assert len(problems) == 1 and problems[0].kind is ErrorKind.SOURCE
    held_back = standin.rows[9]["job_arn"]
    assert problems[0].message.startswith(f"rows from job_arn {held_back!r} on not read: Datadog at ")
    assert "502" in problems[0].message and "after 3 attempts" in problems[0].message
    assert str(problems[0].provenance).endswith("&page=2")


def test_a_query_still_running_at_the_deadline_is_a_gap(standin: DdsqlStandIn) -> None:
    standin.running_polls = 1000
    records, problems, _ = read("ddsql://?deadline=1")
    assert records == [] and "still running after 1 s" in problems[0].message


def test_a_slow_answer_past_the_deadline_is_a_gap(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(delay=3)]
    records, problems, _ = read("ddsql://?deadline=1&max-attempts=1")
    assert records == [] and problems and "ReadTimeoutError" in problems[0].message


def test_denied_names_datadog_the_permission_and_never_the_keys(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(403, {"X-Echo": API_KEY}, {"errors": [f"Forbidden for key {API_KEY} / {APP_KEY}"]})]
    records, problems, _ = read()
    assert records == [] and len(problems) == 1
    message = problems[0].message
    assert "refused the DDSQL query: 403" in message and "timeseries_query" in message and "Datadog at" in message
    assert API_KEY not in message and APP_KEY not in message and "***" in message


def test_wrong_keys_are_denied_once_not_retried(standin: DdsqlStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_APP_KEY", "wrong-app-key-value")
    records, problems, _ = read()
    assert records == [] and len(standin.requests) == 1 and "403 Forbidden" in problems[0].message


def test_a_rejected_query_is_a_gap_with_datadogs_message(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(400, body={"errors": ["row_limit must be between 1 and 10000"]})]
    _, problems, _ = read()
    assert "rejected the DDSQL query: 400" in problems[0].message and "row_limit" in problems[0].message


def test_rows_without_a_job_arn_are_read_not_dropped(standin: DdsqlStandIn) -> None:
    rows = make_rows(7)
    rows[3]["job_arn"] = None
    standin.set_rows(rows)
    records, problems, _ = read("ddsql://?row-limit=3")
    assert problems == [] and len(records) == 7 and arns(records)[-1] is None


def test_rows_without_a_job_arn_ending_a_full_page_are_read_by_a_page_of_their_own(standin: DdsqlStandIn) -> None:
    rows = make_rows(6)
    for row in rows[4:]:
        row["job_arn"] = None
    standin.set_rows(rows)
    records, problems, _ = read("ddsql://?row-limit=3")
    assert problems == [] and len(records) == 6 and arns(records)[-2:] == [None, None]
    assert standin.queries()[-1].endswith("WHERE job_arn IS NULL ORDER BY job_arn LIMIT 3")


def test_a_full_page_of_rows_without_a_job_arn_is_a_gap(standin: DdsqlStandIn) -> None:
    rows = make_rows(7)
    for row in rows[3:]:
        row["job_arn"] = None
    standin.set_rows(rows)
    records, problems, _ = read("ddsql://?row-limit=3")
    assert len(records) == 6  # 3 job ARNs, then 3 of the 4 rows without one
    assert [p.message for p in problems] == [
        "this full page ends with rows that have no job_arn: more such rows may follow and cannot be paged to"]


def test_a_job_arn_repeated_across_a_page_boundary_loses_no_row(standin: DdsqlStandIn) -> None:
    rows = sorted(make_rows(30), key=lambda row: row["job_arn"])
    for index in (9, 10, 11):  # rows 10-12 share one ARN: page 1 ends with one of them
        rows[index]["job_arn"], rows[index]["job_name"] = rows[8]["job_arn"] + "-x", f"dup-{index}"
    standin.set_rows(rows)
    records, problems, _ = read("ddsql://?row-limit=10")
    assert problems == []
    assert sorted(r.data["job_name"] for r in records) == sorted(r["job_name"] for r in rows)  # all 30, once


def test_a_page_filled_by_one_repeated_job_arn_is_a_gap(standin: DdsqlStandIn) -> None:
    rows = sorted(make_rows(12), key=lambda row: row["job_arn"])
    for index in range(2, 8):  # six rows share an ARN: more than a 4-row page holds
        rows[index]["job_arn"], rows[index]["job_name"] = rows[1]["job_arn"] + "-x", f"dup-{index}"
    standin.set_rows(rows)
    records, problems, _ = read("ddsql://?row-limit=4")
    assert len(problems) == 1 and problems[0].message.startswith("all 4 rows of this page share job_arn")
    assert len(records) == 10 and len({r.data["job_name"] for r in records}) == 10  # 2 of the 6 not read


def test_a_server_that_ignores_the_cursor_stops_paging_with_a_gap(standin: DdsqlStandIn,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    original = standin.run
    monkeypatch.setattr(standin, "run", lambda sql, limit: original(re.sub(" WHERE .* ORDER", " ORDER", sql), limit))
    records, problems, _ = read("ddsql://?row-limit=10")
    assert len(records) == 9 and "was not applied, so paging stops here" in problems[0].message


def test_the_api_row_limit_bounds_are_the_locations(standin: DdsqlStandIn) -> None:
    _, problems, _ = read("ddsql://?row-limit=10001")
    assert "row-limit=10001 is outside 1-10000" in problems[0].message
    records, problems, _ = read("ddsql://?row-limit=1")
    assert problems == [] and len(records) == 25


def test_the_stand_in_enforces_the_documented_row_limit_bounds(standin: DdsqlStandIn) -> None:
    import urllib.request

    def post(attributes: dict[str, Any]) -> int:
        body = {"data": {"type": "ddsql_query_request", "attributes": attributes}}
        request = urllib.request.Request(f"{standin.url}/api/v2/ddsql/query/tabular", method="POST",
                                         data=__import__("json").dumps(body).encode(),
                                         headers={"DD-API-KEY": API_KEY, "DD-APPLICATION-KEY": APP_KEY})
        try:
            return urllib.request.urlopen(request).status
        except urllib.error.HTTPError as exc:
            return exc.code

    query = "SELECT * FROM aws.bedrock_model_invocation_job"
    window = {"from_timestamp": 0, "to_timestamp": 1}
    assert post({"query": query, "time": window, "row_limit": 0}) == 400
    assert post({"query": query, "time": window, "row_limit": 10_001}) == 400
    assert post({"query": query, "row_limit": 10}) == 400  # time is required
    assert post({"query": query, "time": window}) == 200


def test_values_reach_the_records_as_the_api_sent_them(standin: DdsqlStandIn) -> None:
    records, _, _ = read()
    first = records[0].data
    assert isinstance(first["submit_time"], int)  # Unix ms: the normalizer decodes it, as for a file
    assert isinstance(first["vpc_config"], str | type(None)) and isinstance(first["tags"], dict)



def test_a_dropped_connection_is_named_once_in_the_gap(standin: DdsqlStandIn) -> None:
    standin.faults = [Fault(drop=True)] * 2
    _, problems, _ = read("ddsql://?max-attempts=2")
    assert problems[0].message.count("RemoteDisconnected") == 1 and "after 2 attempts" in problems[0].message
