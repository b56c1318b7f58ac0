"""Tests of ACME001 with bedrock-audit's plugin author kit (checker.testing)."""

from __future__ import annotations

import acme_bedrock_rules
import pytest
from acme_bedrock_rules.job_name_convention import RULE

from checker import ErrorKind
from checker.testing import (
    assert_errors,
    assert_fails,
    assert_passes,
    assert_valid_rule,
    example_row,
    load_plugin,
    make_job,
)


def test_metadata_is_what_bedrock_audit_accepts() -> None:
    assert_valid_rule(RULE)


def test_the_plugin_registers_its_rule_and_report_format() -> None:
    registry = load_plugin(acme_bedrock_rules, "acme")
    assert registry.rule_plugin["ACME001"] == "acme"
    assert "acme-csv" in registry.reporters


def test_a_conventional_name_passes() -> None:
    assert_passes(RULE, example_row(job_name="claims-summary-batch"))


@pytest.mark.parametrize("name", ["Claims-Summary", "claims.summary", "claims--summary", "claims-",
                                  "9claims"])
def test_an_unconventional_name_fails_and_points_at_the_name(name: str) -> None:
    assert_fails(RULE, example_row(job_name=name), pointer="/job_name", message="naming convention")


def test_max_length_is_a_parameter() -> None:
    row = example_row(job_name="claims-summary-batch")  # 20 characters
    assert_fails(RULE, row, {"max_length": 10}, message="the limit is 10")
    assert_passes(RULE, row, {"max_length": 20})


def test_pattern_is_a_parameter() -> None:
    row = example_row(job_name="Claims.2025")
    assert_passes(RULE, row, {"pattern": "^[A-Za-z0-9.]+$"})


def test_a_bad_parameter_is_rejected_like_the_policy_file_would() -> None:
    with pytest.raises(AssertionError, match="max_length"):
        assert_passes(RULE, example_row(), {"max_length": 100})


def test_a_job_without_a_name_fails() -> None:
    assert_fails(RULE, example_row(job_name=None), pointer="/job_name", message="no name")


def test_a_name_missing_from_the_export_is_an_error_not_a_pass() -> None:
    row = example_row()
    del row["job_name"]
    assert_errors(RULE, row, kind=ErrorKind.INPUT, message="job_name")


def test_api_shaped_records_work_too() -> None:
    job = make_job({
        "jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc123def456",
        "jobName": "NightlyScoring",
        "roleArn": "arn:aws:iam::123456789012:role/BedrockBatch",
        "modelId": "amazon.nova-lite-v1:0",
        "status": "Completed",
        "submitTime": "2025-06-02T01:00:04.218Z",
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://acme-batch-input/in/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://acme-batch-output/out/"}},
    })
    assert_fails(RULE, job, pointer="/job_name")
