"""The parts of ddsql:// that need no server: the location, the SQL and its quoting, the settings from
the environment, the shared tabular decoder, and the lazy import of datadog-api-client."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checker.ddsql.location import DdsqlTarget, LocationError, parse_location
from checker.ddsql.query import UnquotableValue, page_query, quote
from checker.ddsql.settings import settings_from_env
from checker.errors import ConfigError
from checker.sources.tabular import TabularError, read_columns


def test_location_round_trips_and_normalises() -> None:
    target = parse_location("DDSQL://aws.bedrock_model_invocation_job?Status=failed&status=InProgress"
                            "&region=US-EAST-1&account=123456789012,210987654321&row_limit=500&deadline=30"
                            "&from=2025-06-01&to=2025-06-02T00:00:00+02:00")
    assert target == DdsqlTarget(accounts=("123456789012", "210987654321"), regions=("us-east-1",),
                                 statuses=("Failed", "InProgress"),
                                 time_from=datetime(2025, 6, 1, tzinfo=UTC),
                                 time_to=datetime(2025, 6, 1, 22, tzinfo=UTC), row_limit=500, deadline=30.0)
    assert parse_location(target.uri()) == target
    assert parse_location("ddsql://").uri() == "ddsql://aws.bedrock_model_invocation_job"


@pytest.mark.parametrize(("location", "message"), [
    ("ddsql://other.table", "the jobs are in the table aws.bedrock_model_invocation_job"),
    ("ddsql://?account=12345", "account='12345' is not a 12-digit AWS account ID"),
    ("ddsql://?region=us_east_1", "region='us_east_1' is not a region name"),
    ("ddsql://?status=Done", "status='Done' is not a job status"),
    ("ddsql://?row-limit=0", "row-limit=0 is outside 1-10000"),
    ("ddsql://?row-limit=ten", "row-limit='ten' is not a whole number"),
    ("ddsql://?max-attempts=21", "max-attempts=21 is outside 1-20"),
    ("ddsql://?from=2025-06-02&to=2025-06-01", "from= must be before to="),
    ("ddsql://?to=tomorrow", "to: 'tomorrow' is not a date"),
    ("ddsql://?deadline=1&deadline=2", "option 'deadline' given twice"),
    ("ddsql://?status=", "status=: empty value"),
    ("ddsql://0123456789abcdef0123456789abcdef@aws.bedrock_model_invocation_job", "keys do not go in the location"),
])
def test_location_mistakes_are_one_line_each(location: str, message: str) -> None:
    with pytest.raises(LocationError) as caught:
        parse_location(location)
    assert message in str(caught.value)
    assert "0123456789abcdef0123456789abcdef" not in str(caught.value)


def test_default_window_is_the_24_hours_before_now() -> None:
    now = datetime(2025, 6, 2, tzinfo=UTC)
    assert DdsqlTarget().window(now) == (1748736000000, 1748822400000)


def test_quote_doubles_quotes_and_refuses_what_a_literal_cannot_carry() -> None:
    assert quote("O'Brien") == "'O''Brien'"
    assert quote("'; DROP TABLE x; --") == "'''; DROP TABLE x; --'"
    for bad in ("a\\b", "a\x00b", "line\nbreak"):
        with pytest.raises(UnquotableValue):
            quote(bad)


def test_page_query_shape() -> None:
    target = DdsqlTarget(statuses=("Failed",), row_limit=5)
    assert page_query(target, None) == ("SELECT * FROM aws.bedrock_model_invocation_job WHERE status IN ('Failed') "
                                        "ORDER BY job_arn LIMIT 5")
    assert page_query(DdsqlTarget(), "arn:x'y") == (
        "SELECT * FROM aws.bedrock_model_invocation_job WHERE (job_arn >= 'arn:x''y' OR job_arn IS NULL) "
        "ORDER BY job_arn LIMIT 10000")
    assert "(job_arn > 'a' OR job_arn IS NULL)" in page_query(DdsqlTarget(), "a", ">")
    assert page_query(target, None, "IS NULL").endswith("WHERE status IN ('Failed') AND job_arn IS NULL "
                                                        "ORDER BY job_arn LIMIT 5")


def test_settings_name_the_missing_variable_and_pick_the_site() -> None:
    with pytest.raises(ConfigError, match="DD_API_KEY is not set"):
        settings_from_env({"DD_APP_KEY": "a" * 40})
    with pytest.raises(ConfigError, match=r"DD_APP_KEY \(or DD_APPLICATION_KEY\) is not set"):
        settings_from_env({"DD_API_KEY": "k" * 32})
    keys = {"DD_API_KEY": "k" * 32, "DD_APPLICATION_KEY": "a" * 40}
    settings = settings_from_env(keys)
    assert settings.host == "https://api.datadoghq.com" and settings.app_key == "a" * 40
    eu = settings_from_env({**keys, "DD_SITE": "datadoghq.eu"})
    assert eu.where == "Datadog site datadoghq.eu (https://api.datadoghq.eu)"
    proxy = settings_from_env({**keys, "DD_SITE": "nonsense", "DD_HOST": "https://user:pw-secret@proxy.example/dd/"})
    assert proxy.host == "https://user:pw-secret@proxy.example/dd" and "pw-secret" not in proxy.where
    assert "pw-secret" in proxy.secrets() and "k" * 32 not in repr(proxy)
    with pytest.raises(ConfigError, match="DD_SITE='us9.datadoghq.com' is not a Datadog site"):
        settings_from_env({**keys, "DD_SITE": "us9.datadoghq.com"})
    with pytest.raises(ConfigError, match="DD_HOST must be the API's base URL"):
        settings_from_env({**keys, "DD_HOST": "api.datadoghq.com"})


def test_one_decoder_for_the_file_loader_and_the_live_source(tmp_path: Path) -> None:
    attributes = {"state": "completed", "columns": [{"name": "job_arn", "type": "VARCHAR", "values": ["a", "b"]},
                                                    {"name": "job_arn", "type": "VARCHAR", "values": ["c", "d"]}]}
    with pytest.raises(TabularError, match="two columns named 'job_arn'"):
        read_columns(attributes)
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": {"attributes": attributes}}))
    from checker.sources.jsondoc import SOURCE

    with path.open("rb") as stream:
        items = list(SOURCE.read(str(path), stream))
    assert len(items) == 1 and "two columns named 'job_arn'" in items[0].message  # type: ignore[union-attr]
    columns = read_columns({"state": "completed", "columns": [
        {"name": "job_arn", "type": "VARCHAR", "values": ["a", None]},
        {"name": "submit_time", "type": "TIMESTAMP", "values": [1748826004218, None]}]})
    rows = list(columns.rows("ddsql://x?page=2"))
    assert [r.data for r in rows] == [{"job_arn": "a", "submit_time": 1748826004218},
                                      {"job_arn": None, "submit_time": None}]
    assert str(rows[1].provenance) == "ddsql://x?page=2#2"


def test_registering_and_checking_ddsql_does_not_import_datadog_api_client() -> None:
    code = ("import sys, checker.sources.ddsql, checker.ddsql.preflight, checker.ddsql.pager; "
            "print([m for m in sys.modules if m.startswith('datadog_api_client')])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_from_in_the_future_without_to_is_refused_not_sent_as_a_reversed_window() -> None:
    with pytest.raises(LocationError, match="from= is in the future"):
        parse_location("ddsql://?from=2999-01-01")
    assert parse_location("ddsql://?from=2999-01-01&to=2999-01-02").time_from is not None  # both given: as asked
    with pytest.raises(LocationError, match=r"^ddsql://\?account=: account=: empty value"):
        parse_location("ddsql://?account=")
