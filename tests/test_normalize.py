"""Normalisation: the API shape and every accepted encoding become the table shape."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, compliant_row, sample_api_job, sample_rows, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.normalize import (
    Normalizer,
    api_tags_unknown,
    from_json_text,
    normalize_tags,
    snake_case,
    to_int,
    to_rfc3339,
)
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
    assert unknown == {"tags": api_tags_unknown("us-east-1")}
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
    result = cli("scan", "jobs.jsonl", "-f", "json", "--include-passed", "--now", "2025-07-01T00:00:00Z")
    assert result.returncode == 3, result.stderr
    assert "internal error" not in result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["jobs"] == 3
    errors = [r for r in report["results"] if r["status"] == "ERROR"]
    assert errors and {r["job"]["arn"].rsplit("/", 1)[1] for r in errors} == {"edgeedgeedge"}
    assert all(r["error_kind"] == "input" and r["pointer"] == "/submit_time" for r in errors)
    assert "outside the years 1-9999" in errors[0]["message"]


# --- The fast paths: a value already in its decoded form is only checked, never decoded again. Each check
# must be exactly its decoder's own early exit: the row holds what the decoder returns, for every value.

DECODERS = {"timestamp": to_rfc3339, "json": from_json_text, "int64": to_int, "hstore_csv": normalize_tags}
COLUMN_TYPES = table_columns()[0]
DECODED_COLUMNS = sorted(c for c, kind in COLUMN_TYPES.items() if kind in DECODERS)

_timestamp_values = st.one_of(
    st.sampled_from(["2025-06-02T01:00:04.218Z", "2025-13-45T99:99:99Z", " 2025-06-02T01:00:04.218Z",
                     "\t025-06-02T01:00:04Z", "2025-06-02T01:00:04.218Z\n", "2025-06-02t01:00:04.218z",
                     "2025-06-02T01:00:04.218z", "2025-06-02 01:00:04.218Z", "2025-06-02T01:00:04+02:00",
                     "2025-06-02 01:00:04", "1748826004218", "TZ", "Z", "", "xxxxxxxxxxTZ", "\u00e9" * 10 + "TZ"]),
    st.from_regex(r"\A\s?[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})?\s?\Z"),
    st.integers(min_value=-(10**16), max_value=10**16), st.floats(), st.booleans(),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
)
_keys = st.sampled_from(["subnet_ids", "subnetIds", "s3_uri", "s3Uri", "s3_input_data_config", "owner", "HTTPServer",
                         "", "x"])
_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)), max_leaves=12)
_values_by_kind = {
    "timestamp": _timestamp_values,
    "json": st.one_of(_json_values, _json_values.map(json.dumps), st.just("{not json")),
    "int64": st.one_of(st.integers(), st.floats(), st.booleans(), st.sampled_from(["72", " 72 ", "7.5", "-1", "x"])),
    "hstore_csv": st.one_of(
        st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=4), st.lists(st.text(max_size=3), max_size=2),
                                                       st.integers()), max_size=4),
        st.lists(st.text(max_size=6), max_size=3),
        st.sampled_from(['"owner"=>"ml", "x"=>NULL', '"a\\"b"=>"c\\\\d"', "owner:ml,team:a,b", "", "nope"])),
}


@st.composite
def _column_and_value(draw: st.DrawFn) -> tuple[str, Any]:
    column = draw(st.sampled_from(DECODED_COLUMNS))
    return column, draw(_values_by_kind[COLUMN_TYPES[column]])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_column_and_value(), min_size=1, max_size=4), st.booleans())
def test_each_column_holds_what_its_decoder_returns(changes: list[tuple[str, Any]], api_shape: bool) -> None:
    normalizer = Normalizer(*table_columns())
    raw = sample_api_job() if api_shape else sample_rows()[0]
    for column, value in changes:
        raw[_camel(column) if api_shape else column] = copy.deepcopy(value)
    row, _ = normalizer.normalize(copy.deepcopy(raw))
    for column, _value in changes:
        expected = DECODERS[COLUMN_TYPES[column]](copy.deepcopy(raw[_camel(column) if api_shape else column]))
        assert repr(row[column]) == repr(expected), column  # repr: 1, 1.0 and True are told apart


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-13-45T99:99:99Z", "2025-13-45T99:99:99Z"),  # the canonical shape, not a date: the schema decides
    ("2025-06-02t01:00:04.218z", "2025-06-02T01:00:04.218Z"),
    ("2025-06-02T01:00:04.218Z\n", "2025-06-02T01:00:04.218Z"),
    (" 2025-06-02T01:00:04.218Z", "2025-06-02T01:00:04.218Z"),
    ("2025-06-02 01:00:04.218Z", "2025-06-02T01:00:04.218Z"),
    ("2025-06-02T03:00:04.218+02:00", "2025-06-02T01:00:04.218Z"),
])
def test_a_timestamp_that_looks_canonical_is_decoded_unless_it_is(normalizer: Normalizer, value: str,
                                                                   expected: str) -> None:
    row, _ = normalizer.normalize(compliant_row(submit_time=value))
    assert row["submit_time"] == expected


def test_a_canonical_looking_timestamp_that_is_no_date_is_a_schema_error(normalizer: Normalizer) -> None:
    row, _ = normalizer.normalize(compliant_row(submit_time="2025-13-45T99:99:99Z"))
    assert [e.pointer for e in table_validator().errors(row)] == ["/submit_time"]


def test_a_key_seen_snake_cased_in_one_column_does_not_vouch_for_another_columns_keys(normalizer: Normalizer) -> None:
    first, _ = normalizer.normalize(sample_rows()[0])  # s3_uri, s3_bucket_owner, subnet_ids... now known snake_case
    assert first["output_data_config"]["s3_output_data_config"]["s3_uri"].startswith("s3://")
    row = sample_rows()[0]
    row["output_data_config"] = {"s3OutputDataConfig": {"s3_uri": "s3://bucket-a/out/", "s3BucketOwner": "123456789012"}}
    row["vpc_config"] = {"subnet_ids": ["subnet-1"], "securityGroupIds": ["sg-1"]}
    row["input_data_config"] = {"s3_input_data_config": {"s3_uri": "s3://bucket-a/in/", "s3InputFormat": "JSONL"}}
    second, _ = normalizer.normalize(row)
    assert second["output_data_config"] == {"s3_output_data_config": {"s3_uri": "s3://bucket-a/out/",
                                                                      "s3_bucket_owner": "123456789012"}}
    assert second["vpc_config"] == {"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]}
    assert second["input_data_config"] == {"s3_input_data_config": {"s3_uri": "s3://bucket-a/in/",
                                                                    "s3_input_format": "JSONL"}}
    assert table_validator().errors(second) == []


@pytest.mark.parametrize(("value", "expected"), [
    ({"subnet_ids": [{"subnetId": "a"}]}, {"subnet_ids": [{"subnet_id": "a"}]}),  # a dict in a list of a known key
    ({"subnet_ids": [["x"], {"fooBar": 1}]}, {"subnet_ids": [["x"], {"foo_bar": 1}]}),
    ({"s3_input_data_config": {"s3_uri": {"deep": {"fooBar": 1}}}},  # deeper than the fast check looks
     {"s3_input_data_config": {"s3_uri": {"deep": {"foo_bar": 1}}}}),
    ({"s3_input_data_config": {"s3_uri": {"deep": "x"}}}, {"s3_input_data_config": {"s3_uri": {"deep": "x"}}}),
])
def test_camel_case_keys_nested_below_known_snake_case_keys_are_converted(normalizer: Normalizer, value: Any,
                                                                            expected: Any) -> None:
    row, _ = normalizer.normalize(compliant_row(vpc_config=copy.deepcopy(value)))
    assert row["vpc_config"] == expected


@pytest.mark.parametrize(("tags", "expected"), [
    ({"owner": "ml", "team": ["b", "a"]}, {"owner": "ml", "team": "a,b"}),  # a list after str values
    ({"owner": "ml", "n": 7}, {"owner": "ml", "n": 7}),  # left for the schema
    ({}, {}),
])
def test_tags_maps_with_a_value_that_is_not_text_are_decoded(normalizer: Normalizer, tags: Any, expected: Any) -> None:
    row, _ = normalizer.normalize(compliant_row(tags=tags))
    assert row["tags"] == expected


def test_rows_and_unknown_maps_keep_the_schema_order(normalizer: Normalizer) -> None:
    """Key order does not depend on the process's string hashing (it did for API rows and unknown maps)."""
    columns = list(table_columns()[0])
    row, _ = normalizer.normalize(sample_api_job())
    api_members = [c for c in columns if c not in ("_key", "account_id", "tags")]
    assert list(row)[: len(api_members)] == api_members
    _, unknown = normalizer.normalize({"job_arn": compliant_row()["job_arn"]})
    assert list(unknown) == [c for c in columns if c in table_columns()[1] and c not in ("job_arn", "account_id")]
