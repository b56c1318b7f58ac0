"""Tests of the acme-csv report format, through bedrock-audit's real scan pipeline
(checker.testing.scan_rows)."""

from __future__ import annotations

import csv
import io

import acme_bedrock_rules
from acme_bedrock_rules.findings_csv import COLUMNS

from checker.testing import example_row, scan_rows


OTHER_JOB = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/b2c3d4e5f6a7"


def rows_of(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_one_row_per_finding() -> None:
    outcome = scan_rows(
        [example_row(), example_row(job_name="Bad.Name", vpc_config=None, job_arn=OTHER_JOB)],
        plugin=acme_bedrock_rules, format="acme-csv",
    )
    found = {(row["rule_id"], row["status"]) for row in rows_of(outcome.output)}
    assert found == {("ACME001", "FAIL"), ("BA001", "FAIL")}
    assert outcome.exit_code == 1


def test_the_policy_reaches_the_rule() -> None:
    outcome = scan_rows([example_row(job_name="claims-summary-batch")], plugin=acme_bedrock_rules,
                        format="acme-csv", policy={"rules": {"ACME001": {"max_length": 5}}})
    (row,) = rows_of(outcome.output)
    assert row["rule_id"] == "ACME001" and "the limit is 5" in row["message"]
    assert row["pointer"] == "/job_name"


def test_records_that_cannot_be_checked_are_error_rows() -> None:
    outcome = scan_rows([example_row(status="Running")], plugin=acme_bedrock_rules, format="acme-csv")
    (row,) = rows_of(outcome.output)
    assert row["status"] == "ERROR" and row["rule_name"] == "input-error" and row["pointer"] == "/status"
    assert outcome.exit_code == 3
