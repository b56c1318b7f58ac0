"""Normalisation: the API shape and every accepted encoding become the table shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import Cli, compliant_row, sample_api_job, sample_rows, write_jsonl

from checker.normalize import API_TAGS_UNKNOWN, Normalizer, normalize_tags, snake_case, to_rfc3339
from checker.schema import table_columns, table_validator


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(*table_columns())


def test_snake_case() -> None:
    assert snake_case("s3InputDataConfig") == "s3_input_data_config"
    assert snake_case("timeoutDurationInHours") == "timeout_duration_in_hours"
    assert snake_case("subnet_ids") == "subnet_ids"


def test_api_shape_becomes_the_table_row(normalizer: Normalizer) -> None:
    row, unknown = normalizer.normalize(sample_api_job())
    expected = sample_rows()[0]
    for column in ("job_arn", "job_name", "model_id", "role_arn", "status", "submit_time", "end_time",
                   "input_data_config", "output_data_config", "vpc_config", "timeout_duration_in_hours",
                   "client_request_token", "job_expiration_time", "last_modified_time"):
        assert row[column] == expected[column], column
    assert row["account_id"] == "123456789012"
    assert row["message"] is None  # absent in the API = null
    assert row["model_invocation_type"] == "InvokeModel" and row["total_record_count"] == 12500
    assert unknown == {"tags": API_TAGS_UNKNOWN}
    assert table_validator().errors(row) == []


def test_api_shape_absent_members_are_null_and_api_tags_are_mapped(normalizer: Normalizer) -> None:
    body = sample_api_job()
    del body["vpcConfig"], body["timeoutDurationInHours"]
    body["tags"] = [{"key": "owner", "value": "ml"}, {"key": "env", "value": "prod"}]
    row, unknown = normalizer.normalize(body)
    assert row["vpc_config"] is None and row["timeout_duration_in_hours"] is None
    assert row["tags"] == {"owner": "ml", "env": "prod"}
    assert unknown == {}


def test_table_row_missing_columns_are_unknown_not_null(normalizer: Normalizer) -> None:
    row = sample_rows()[0]
    del row["vpc_config"], row["tags"], row["account_id"]
    normalised, unknown = normalizer.normalize(row)
    assert unknown == {"vpc_config": "column vpc_config not in input", "tags": "column tags not in input"}
    assert normalised["account_id"] == "123456789012"  # from the job ARN


def test_camel_case_inside_snake_case_json_columns(normalizer: Normalizer) -> None:
    row = sample_rows()[0]
    row["vpc_config"] = {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}
    row["input_data_config"] = '{"s3InputDataConfig": {"s3Uri": "s3://bucket-a/x/", "s3InputFormat": "JSONL"}}'
    normalised, _ = normalizer.normalize(row)
    assert normalised["vpc_config"] == {"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]}
    assert normalised["input_data_config"] == {"s3_input_data_config": {"s3_uri": "s3://bucket-a/x/",
                                                                        "s3_input_format": "JSONL"}}


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-06-02T01:00:04.218Z", "2025-06-02T01:00:04.218Z"),
    ("2025-06-02 01:00:04.218", "2025-06-02T01:00:04.218Z"),
    ("2025-06-02T01:00:04", "2025-06-02T01:00:04Z"),
    ("2025-06-02T03:00:04.218+02:00", "2025-06-02T01:00:04.218Z"),
    (1748826004218, "2025-06-02T01:00:04.218Z"),
    ("1748826004218", "2025-06-02T01:00:04.218Z"),
    (datetime(2025, 6, 2, 3, 0, 4, 218000, tzinfo=timezone(timedelta(hours=2))), "2025-06-02T01:00:04.218Z"),
    (datetime(2025, 6, 2, 1, 0, 4), "2025-06-02T01:00:04.000Z"),
    ("yesterday", "yesterday"),
    ("9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59-05:00"),  # past year 9999 in UTC: left as it is
    ("0001-01-01T00:00:00+05:30", "0001-01-01T00:00:00+05:30"),
    (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))), datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))),
    (True, True),
    (1.5, 1.5),
])
def test_timestamps(value: object, expected: object) -> None:
    assert to_rfc3339(value) == expected


def test_epoch_milliseconds_round_trip() -> None:
    moment = datetime(2025, 6, 2, 1, 0, 4, 218000, tzinfo=UTC)
    assert to_rfc3339(int(moment.timestamp() * 1000)) == "2025-06-02T01:00:04.218Z"


@pytest.mark.parametrize(("value", "expected"), [
    ({"owner": "ml", "team": ["b", "a"]}, {"owner": "ml", "team": "a,b"}),
    (["owner:ml", "env:prod", "env:dev", "flag"], {"owner": "ml", "env": "dev,prod", "flag": ""}),
    ([{"key": "owner", "value": "ml"}, {"Key": "env", "Value": "prod"}], {"owner": "ml", "env": "prod"}),
    ('"owner"=>"ml", "cost-center"=>"cc-1", "x"=>NULL', {"owner": "ml", "cost-center": "cc-1", "x": ""}),
    ('"a\\"b"=>"c,d"', {'a"b': "c,d"}),
    ('["owner:ml","env:prod"]', {"owner": "ml", "env": "prod"}),
    ('{"owner": "ml"}', {"owner": "ml"}),
    ('{"owner:ml","env:prod"}', {"owner": "ml", "env": "prod"}),
    ("owner:ml,team:a,b", {"owner": "ml", "team": "a,b"}),
    ("", {}),
    (None, None),
    ("not tags", "not tags"),
    ([1, 2], [1, 2]),
])
def test_tags(value: object, expected: object) -> None:
    assert normalize_tags(value) == expected


def test_undecodable_values_are_left_for_the_schema(normalizer: Normalizer) -> None:
    row = sample_rows()[0]
    row["vpc_config"] = "{not json"
    row["tags"] = "not tags"
    row["timeout_duration_in_hours"] = "seventy-two"
    normalised, _ = normalizer.normalize(row)
    pointers = sorted({e.pointer for e in table_validator().errors(normalised)})
    assert pointers == ["/tags", "/timeout_duration_in_hours", "/vpc_config"]


def test_a_time_beyond_year_9999_in_utc_is_an_input_error_of_its_record_not_a_crash(cli: Cli, tmp_path: Path) -> None:
    # valid RFC 3339 (the schema accepts it), but 9999-12-31T23:59:59-05:00 is in year 10000 in UTC
    edge = compliant_row("edgeedgeedge", submit_time="9999-12-31T23:59:59-05:00")
    write_jsonl(tmp_path / "jobs.jsonl", [compliant_row(), edge, compliant_row("x7k2m9q4p1ac")])
    result = cli("scan", "jobs.jsonl", "-f", "json", "--now", "2025-07-01T00:00:00Z")
    assert result.returncode == 3, result.stderr
    assert "internal error" not in result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == 3
    errors = [r for r in report["results"] if r["status"] == "ERROR"]
    assert errors and {r["job"]["arn"].rsplit("/", 1)[1] for r in errors} == {"edgeedgeedge"}
    assert all(r["error_kind"] == "input" and r["pointer"] == "/submit_time" for r in errors)
    assert "outside the years 1-9999" in errors[0]["message"]
