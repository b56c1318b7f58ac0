"""The table schema: valid Draft 2020-12, every column documented, service constraints enforced, format
checking really on."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from conftest import sample_rows

from checker.normalize import Normalizer
from checker.schema import TABLE_SCHEMA, load_schema, table_columns, table_validator

TABLE_COLUMNS = {
    "_key", "account_id", "client_request_token", "end_time", "input_data_config", "job_arn",
    "job_expiration_time", "job_name", "last_modified_time", "message", "model_id", "output_data_config",
    "role_arn", "status", "submit_time", "tags", "timeout_duration_in_hours", "vpc_config",
}


def errors_of(row: dict[str, Any]) -> list[str]:
    return sorted({e.pointer for e in table_validator().errors(row)})


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema(TABLE_SCHEMA)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_table_column_has_title_description_and_null() -> None:
    properties = load_schema(TABLE_SCHEMA)["properties"]
    _, table = table_columns()
    assert table == TABLE_COLUMNS
    for name in TABLE_COLUMNS:
        spec = properties[name]
        assert spec["title"] == name and spec["description"]
        types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
        assert ("null" in types) == (name != "job_arn"), name


def test_sample_rows_are_valid() -> None:
    for row in sample_rows():
        assert errors_of(row) == []


def test_every_column_but_job_arn_may_be_null() -> None:
    row = {column: None for column in TABLE_COLUMNS}
    row["job_arn"] = sample_rows()[0]["job_arn"]
    assert errors_of(row) == []
    row["job_arn"] = None
    assert errors_of(row) == ["/job_arn"]


@pytest.mark.parametrize("value", ["not a date", "2025-06-02", "2025-13-02T01:00:00Z", "2025-06-02T25:00:00Z",
                                   "2025-06-02 01:00:04Z", "2024-06-31T00:00:00Z"])
def test_a_non_date_in_a_timestamp_column_is_rejected(value: str) -> None:
    row = sample_rows()[0]
    row["submit_time"] = value
    assert errors_of(row) == ["/submit_time"]


def test_date_time_is_checked_by_python_jsonschema_too() -> None:
    # The measured pitfall: python-jsonschema skips date-time silently without rfc3339-validator.
    validator = jsonschema.Draft202012Validator(
        {"format": "date-time"}, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert not validator.is_valid("not a date")


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    row = sample_rows()[0]
    target: Any = row
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return row


@pytest.mark.parametrize(("path", "value", "pointer"), [
    (["timeout_duration_in_hours"], 23, "/timeout_duration_in_hours"),
    (["timeout_duration_in_hours"], 169, "/timeout_duration_in_hours"),
    (["timeout_duration_in_hours"], True, "/timeout_duration_in_hours"),
    (["timeout_duration_in_hours"], 24.5, "/timeout_duration_in_hours"),
    (["status"], "Running", "/status"),
    (["job_name"], "bad_name", "/job_name"),
    (["job_name"], "a" * 64, "/job_name"),
    (["job_name"], "claims\n", "/job_name"),
    (["job_arn"], "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/TOOSHORT", "/job_arn"),
    (["role_arn"], "arn:aws:iam::123456789012:user/alice", "/role_arn"),
    (["vpc_config", "subnet_ids"], [f"subnet-{i:02d}" for i in range(17)], "/vpc_config/subnet_ids"),
    (["vpc_config", "subnet_ids"], [], "/vpc_config/subnet_ids"),
    (["vpc_config", "security_group_ids"], [f"sg-{i}" for i in range(6)], "/vpc_config/security_group_ids"),
    (["vpc_config", "security_group_ids"], ["sg 1"], "/vpc_config/security_group_ids/0"),
    (["input_data_config", "s3_input_data_config", "s3_uri"], "https://bucket/x", "/input_data_config/s3_input_data_config/s3_uri"),
    (["input_data_config", "s3_input_data_config", "s3_input_format"], "CSV", "/input_data_config/s3_input_data_config/s3_input_format"),
    (["output_data_config", "s3_output_data_config", "s3_encryption_key_id"], "not a key", "/output_data_config/s3_output_data_config/s3_encryption_key_id"),
    (["output_data_config", "s3_output_data_config", "s3_bucket_owner"], "12345", "/output_data_config/s3_output_data_config/s3_bucket_owner"),
    (["tags", "owner"], 7, "/tags/owner"),
    (["message"], "x" * 2049, "/message"),
    (["model_id"], "", "/model_id"),
])
def test_service_constraints(path: list[Any], value: Any, pointer: str) -> None:
    assert errors_of(mutate(path, value)) == [pointer]


def test_boundaries_accepted() -> None:
    for value in (24, 168):
        assert errors_of(mutate(["timeout_duration_in_hours"], value)) == []
    assert errors_of(mutate(["vpc_config", "subnet_ids"], [f"subnet-{i}" for i in range(16)])) == []
    assert errors_of(mutate(["job_name"], "a" * 63)) == []
    for key in ("alias/aws/bedrock", "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
                "arn:aws:kms:us-east-1:123456789012:alias/batch"):
        assert errors_of(mutate(["output_data_config", "s3_output_data_config", "s3_encryption_key_id"], key)) == []


def test_integer_valued_float_is_an_integer_after_normalisation() -> None:
    types, table = table_columns()
    row = sample_rows()[0]
    row["timeout_duration_in_hours"] = 24.0
    normalised, _ = Normalizer(types, table).normalize(row)
    assert normalised["timeout_duration_in_hours"] == 24 and type(normalised["timeout_duration_in_hours"]) is int
    assert errors_of(normalised) == []
    row["timeout_duration_in_hours"] = True
    normalised, _ = Normalizer(types, table).normalize(row)
    assert errors_of(normalised) == ["/timeout_duration_in_hours"]


def test_unknown_columns_are_allowed() -> None:
    row = copy.deepcopy(sample_rows()[0])
    row["datadog_new_column"] = {"anything": 1}
    assert errors_of(row) == []


def test_api_only_members_are_validated() -> None:
    row = sample_rows()[0]
    row["model_invocation_type"] = "Converse"
    row["total_record_count"] = 12500
    assert errors_of(row) == []
    row["model_invocation_type"] = "Chat"
    row["error_record_count"] = -1
    assert errors_of(row) == ["/error_record_count", "/model_invocation_type"]
