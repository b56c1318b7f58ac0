"""BA006 (s3-data-perimeter, rules/s3_data_perimeter.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rule_harness import RULES, check_fixture, run_rule

CASE = ("ba006-s3-data-perimeter.jsonl", {}, {
    "PASS": {"ownersame001", "ownerunset01", "siblingpfx01", "inputfile001", "inputnull001"},
    "FAIL": {"inpartner001", "outforeign01", "outinside001", "outsame00001", "inputroot001"},
    "SKIP": {"bothnull0001"},
    "ERROR": {"inputgone001"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA006", *CASE)


def test_ba006_allowed_accounts_and_bucket_allowlists() -> None:
    outcome = run_rule(RULES / "ba006-s3-data-perimeter.jsonl", "BA006", {
        "allowed_accounts": ["210987654321"], "allowed_input_buckets": ["acme-*", "partner-shared"],
        "allowed_output_buckets": ["acme-batch-output"]})
    sets = outcome.sets("BA006")
    assert "inpartner001" in sets["PASS"]
    # output buckets other than acme-batch-output now fail on the bucket name, before the prefix check
    assert outcome.message("BA006", "outinside001") == (
        "output bucket acme-batch matches no pattern of allowed_output_buckets (acme-batch-output)")
    assert outcome.results[("BA006", "outinside001")].pointer == "/output_data_config/s3_output_data_config/s3_uri"
    assert sets["FAIL"] == {"outforeign01", "outinside001", "outsame00001", "inputroot001", "siblingpfx01",
                            "inputfile001"}


def test_ba006_output_inside_input_message() -> None:
    outcome = run_rule(RULES / "ba006-s3-data-perimeter.jsonl", "BA006")
    assert "is inside the input location s3://acme-batch/data/" in outcome.message("BA006", "outinside001")
    assert "is the same as the input location" in outcome.message("BA006", "outsame00001")
    assert outcome.message("BA006", "inpartner001").startswith(
        "input bucket partner-shared is owned by account 210987654321")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="s3:/ab.", max_size=16))
def test_ba006_bucket_of_is_the_bucket_that_split_s3_uri_gives(uri: str) -> None:
    """BA006 compares buckets before splitting keys; both must read the bucket the same way."""
    from rules.s3_data_perimeter import bucket_of, split_s3_uri

    assert bucket_of(uri) == split_s3_uri(uri)[0]
