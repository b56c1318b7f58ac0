"""The rule catalogue BA005-BA014: exact PASS/FAIL/SKIP/ERROR sets per rule on fixture files (run
through the real sources, normalisation, table schema, policy validation and engine), their options,
the status override, and the compliant sample row passing every rule that is on by default."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, sample_rows, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_harness import run_rule, run_rules

from checker.plugins import load_plugins

RULES = DATA / "rules"

BA013_OPTIONS = {"allowed_subnets": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"],
                 "allowed_security_groups": ["sg-0123456789abcdef0"]}

CASES: list[tuple[str, str, dict[str, Any], dict[str, set[str]]]] = [
    ("BA005", "ba005-output-kms-cmk.jsonl", {}, {
        "PASS": {"keyarnsame01", "keyidbare001", "aliascust001", "aliasarn0001"},
        "FAIL": {"nokey0000001", "awsalias0001", "awsaliasarn1", "crossacct001"},
        "SKIP": {"outputnull01"},
        "ERROR": {"outputgone01"},
    }),
    ("BA006", "ba006-s3-data-perimeter.jsonl", {}, {
        "PASS": {"ownersame001", "ownerunset01", "siblingpfx01", "inputfile001", "inputnull001"},
        "FAIL": {"inpartner001", "outforeign01", "outinside001", "outsame00001", "inputroot001"},
        "SKIP": {"bothnull0001"},
        "ERROR": {"inputgone001"},
    }),
    ("BA007", "ba007-model-allowlist.jsonl",
     {"allowed": ["anthropic.claude-3-haiku-*", "us.amazon.nova-lite-v1:0",
                  "arn:aws:bedrock:*:{account_id}:custom-model/*"]}, {
        "PASS": {"fmid00000001", "fmarn0000001", "profilearn01", "profileid001", "custommodel1"},
        "FAIL": {"unlisted0001", "geoprefix001"},
        "SKIP": {"modelnull001"},
        "ERROR": {"modelgone001"},
    }),
    ("BA008", "ba008-region-allowlist.jsonl", {"allowed": ["eu-*"]}, {
        "PASS": {"euwest100001", "eucentral001"},
        "FAIL": {"useast100001", "apsouth10001"},
        "SKIP": set(),
        "ERROR": set(),
    }),
    ("BA009", "ba009-job-name-pattern.jsonl", {"pattern": "claims-[a-z-]+-[0-9]{8}"}, {
        "PASS": {"conforming01"},
        "FAIL": {"nodate000001", "otherteam001", "prefixonly01"},
        "SKIP": {"namenull0001"},
        "ERROR": set(),
    }),
    ("BA010", "ba010-stale-active-job.jsonl", {}, {
        "PASS": {"fresh0000001", "withingrace1", "youngnoexp01"},
        "FAIL": {"expired00001", "pastgrace001", "tooold000001"},
        "SKIP": {"completed001", "notimes00001", "statusnull01"},
        "ERROR": {"expirygone01"},
    }),
    ("BA011", "ba011-job-outcome.jsonl", {}, {
        "PASS": {"completed001", "msggone00002"},
        "FAIL": {"failed000001", "failednomsg1", "stopped00001", "partial00001", "expired00001"},
        "SKIP": {"inprogress01"},
        "ERROR": {"msggone00001"},
    }),
    ("BA012", "ba012-expiration-consistency.jsonl", {}, {
        "PASS": {"exact0000001", "withintol001"},
        "FAIL": {"edited000001", "tzshift00001"},
        "SKIP": {"nulltimeout1", "nullexpiry01"},
        "ERROR": {"submitgone01"},
    }),
    ("BA013", "ba013-vpc-allowlist.jsonl", BA013_OPTIONS, {
        "PASS": {"approved0001"},
        "FAIL": {"badsubnet001", "badgroup0001"},
        "SKIP": {"novpc0000001"},
        "ERROR": {"vpcgone00001"},
    }),
    ("BA014", "ba014-idempotency-token.jsonl", {}, {
        "PASS": {"token0000001"},
        "FAIL": {"notoken00001"},
        "SKIP": set(),
        "ERROR": {"tokengone001"},
    }),
]


@pytest.mark.parametrize(("rule_id", "fixture", "options", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_outcomes_on_its_fixture(rule_id: str, fixture: str, options: dict[str, Any],
                                      expected: dict[str, set[str]]) -> None:
    outcome = run_rule(RULES / fixture, rule_id, options)
    assert outcome.sets(rule_id) == expected
    for (rid, job_id), result in outcome.results.items():
        if result.status.value == "FAIL":
            assert result.message and result.pointer, (rid, job_id)
        if result.status.value == "SKIP":
            assert result.message.startswith("not applicable: "), (rid, job_id)
        if result.status.value == "ERROR":  # a column absent from the input: an input error naming it
            assert "not in input" in result.message and result.error_kind is not None
            assert result.error_kind.value == "input"


def test_every_fixture_row_is_schema_valid_and_every_new_rule_has_a_case() -> None:
    registry = load_plugins(autoload=False)
    new_rules = {rule_id for rule_id in registry.rules if rule_id >= "BA005"}
    assert {case[0] for case in CASES} == new_rules
    assert sorted(p.name for p in RULES.glob("*.jsonl")) == sorted(case[1] for case in CASES)


# --- messages and pointers a user reads -----------------------------------------------------------

def test_ba005_messages_name_the_key_and_the_reason() -> None:
    outcome = run_rule(RULES / "ba005-output-kms-cmk.jsonl", "BA005")
    assert "AWS managed key" in outcome.message("BA005", "awsalias0001")
    assert "account 210987654321" in outcome.message("BA005", "crossacct001")
    result = outcome.results[("BA005", "nokey0000001")]
    assert result.pointer == "/output_data_config/s3_output_data_config/s3_encryption_key_id"
    assert outcome.message("BA005", "outputnull01") == "not applicable: output_data_config is null"


def test_ba005_allowlist_accepts_a_listed_cross_account_key_and_rejects_unlisted_own_keys() -> None:
    outcome = run_rule(RULES / "ba005-output-kms-cmk.jsonl", "BA005", {
        "allowed": ["arn:aws:kms:us-east-1:210987654321:key/*", "alias/bedrock-*"]})
    sets = outcome.sets("BA005")
    # the partner key is listed; a customer alias passes both as alias/NAME and as its alias ARN
    assert sets["PASS"] == {"crossacct001", "aliascust001", "aliasarn0001"}
    # own-account keys that match no pattern now fail, as do the AWS managed aliases and the missing key
    assert sets["FAIL"] == {"keyarnsame01", "keyidbare001", "nokey0000001", "awsalias0001", "awsaliasarn1"}
    assert "matches no allowed key" in outcome.message("BA005", "keyarnsame01")


def test_ba005_bare_key_id_matches_as_the_arn_it_resolves_to() -> None:
    outcome = run_rule(RULES / "ba005-output-kms-cmk.jsonl", "BA005",
                       {"allowed": ["arn:{partition}:kms:{region}:{account_id}:key/*"]})
    assert outcome.sets("BA005")["PASS"] == {"keyarnsame01", "keyidbare001"}


def test_ba005_an_aws_managed_alias_fails_even_when_an_allowlist_lists_it() -> None:
    outcome = run_rule(RULES / "ba005-output-kms-cmk.jsonl", "BA005", {"allowed": ["*"]})
    assert outcome.sets("BA005")["FAIL"] == {"nokey0000001", "awsalias0001", "awsaliasarn1"}


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


def test_ba010_options_change_the_verdicts() -> None:
    fixture = RULES / "ba010-stale-active-job.jsonl"
    no_age_limit = run_rule(fixture, "BA010", {"max_active_hours": None})
    assert no_age_limit.sets("BA010")["FAIL"] == {"expired00001", "pastgrace001"}
    assert {"tooold000001", "youngnoexp01", "notimes00001"} <= no_age_limit.sets("BA010")["SKIP"]
    no_grace = run_rule(fixture, "BA010", {"grace_minutes": 0})
    assert no_grace.sets("BA010")["FAIL"] == {"expired00001", "pastgrace001", "tooold000001", "withingrace1"}


def test_ba010_uses_the_scan_clock() -> None:
    fixture = RULES / "ba010-stale-active-job.jsonl"
    early = run_rule(fixture, "BA010", now=datetime(2025, 6, 7, tzinfo=UTC))
    assert early.sets("BA010")["FAIL"] == set()
    late = run_rule(fixture, "BA010", now=datetime(2025, 7, 1, tzinfo=UTC))
    assert late.sets("BA010")["FAIL"] == {"expired00001", "pastgrace001", "tooold000001", "withingrace1",
                                          "fresh0000001", "youngnoexp01"}
    assert "scan clock 2025-07-01T00:00:00Z" in late.message("BA010", "fresh0000001")


def test_ba010_a_scan_clock_before_the_job_was_submitted_cannot_pass_it() -> None:
    """--now set before the export was taken (e.g. the start of the export's period) would make every job
    submitted later look young: the age cannot be judged, so BA010 ERRORs (exit 3) instead of passing."""
    fixture = RULES / "ba010-stale-active-job.jsonl"
    early = run_rule(fixture, "BA010", now=datetime(2025, 6, 7, tzinfo=UTC))
    sets = early.sets("BA010")
    assert sets["PASS"] == {"expired00001", "tooold000001"} and sets["FAIL"] == set()  # submitted before it
    assert sets["ERROR"] == {"fresh0000001", "withingrace1", "pastgrace001", "youngnoexp01", "expirygone01"}
    assert early.message("BA010", "fresh0000001") == (
        "BA010 cannot decide: the scan clock 2025-06-07T00:00:00Z is before the job's submit_time "
        "2025-06-09T00:00:00Z: set --now to when the export was taken")
    # within grace_minutes of the submission (a clock a little behind AWS's) is still judged
    close = run_rule(fixture, "BA010", now=datetime(2025, 6, 8, 23, 0, tzinfo=UTC))
    assert "withingrace1" in close.sets("BA010")["PASS"]


def test_status_override_from_the_policy_applies_to_new_rules() -> None:
    # BA010 narrowed to InProgress: jobs in other active statuses are SKIP "not applicable"
    fixture = RULES / "ba010-stale-active-job.jsonl"
    outcome = run_rules(fixture, {"select": ["BA010"], "rules": {"BA010": {"statuses": ["InProgress"]}}})
    sets = outcome.sets("BA010")
    assert sets["SKIP"] >= {"withingrace1", "pastgrace001", "tooold000001", "youngnoexp01", "completed001"}
    assert "status is Stopping (rule applies to InProgress)" in outcome.message("BA010", "withingrace1")
    # widening BA010 to a terminal status does not make it judge finished jobs
    widened = run_rules(fixture, {"select": ["BA010"], "rules": {"BA010": {"statuses": ["Completed"]}}})
    assert widened.message("BA010", "completed001") == "not applicable: the job has ended (status Completed)"


# --- the compliant sample row -----------------------------------------------------------------------

def test_compliant_sample_row_passes_every_rule_on_by_default(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "row1.jsonl", [sample_rows()[0]])
    outcome = run_rules(path, {})
    assert not outcome.problems
    registry = load_plugins(autoload=False)
    default_on = {rule_id for rule_id, rule in registry.rules.items() if rule.enabled_by_default}
    assert set(outcome.by_status) == default_on
    job_id = "x7k2m9q4p1ab"
    verdicts = {rule_id: outcome.results[(rule_id, job_id)] for rule_id in default_on}
    # BA010 checks only jobs that have not ended: for this Completed job it is not applicable by status
    assert verdicts["BA010"].status.value == "SKIP"
    assert verdicts["BA010"].message.startswith("not applicable: status is Completed")
    assert {rule_id for rule_id, r in verdicts.items() if r.status.value != "PASS"} == {"BA010"}


def test_compliant_sample_row_while_running_passes_every_rule_on_by_default(tmp_path: Path) -> None:
    row = sample_rows()[0]
    row.update(status="InProgress", end_time=None)
    path = write_jsonl(tmp_path / "row1-running.jsonl", [row])
    outcome = run_rules(path, {}, now=datetime(2025, 6, 3, tzinfo=UTC))
    verdicts = {rule_id: r.status.value for (rule_id, _), r in outcome.results.items()}
    assert verdicts.pop("BA011") == "SKIP"  # an outcome exists only once the job has ended
    assert set(verdicts.values()) == {"PASS"}


def test_sample_rows_2_and_3_are_flagged_by_the_new_rules(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rows.jsonl", sample_rows())
    outcome = run_rules(path, {}, now=datetime(2025, 6, 5, tzinfo=UTC))
    # row 2 (InProgress, no output key); row 3 (Failed, cross-account input bucket, no token)
    assert outcome.sets("BA005")["FAIL"] == {"m3p8r1t6v9yc"}
    assert outcome.sets("BA006")["FAIL"] == {"q9w4e7r2t5ua"}
    assert outcome.sets("BA011")["FAIL"] == {"q9w4e7r2t5ua"}
    assert outcome.sets("BA014")["FAIL"] == {"q9w4e7r2t5ua"}
    assert outcome.sets("BA012")["PASS"] == {"x7k2m9q4p1ab", "m3p8r1t6v9yc", "q9w4e7r2t5ua"}


def test_verdicts_of_ba001_to_ba004_on_the_sample_rows_are_unchanged(tmp_path: Path) -> None:
    """The verdicts BA001-BA004 gave before the catalogue grew (the scan-pipeline commit)."""
    path = write_jsonl(tmp_path / "rows.jsonl", sample_rows())
    outcome = run_rules(path, {"select": ["BA001", "BA002", "BA003", "BA004"]})
    assert outcome.sets("BA001") == {"PASS": {"x7k2m9q4p1ab", "q9w4e7r2t5ua"}, "FAIL": {"m3p8r1t6v9yc"},
                                     "SKIP": set(), "ERROR": set()}
    assert outcome.sets("BA002")["PASS"] == {"x7k2m9q4p1ab", "m3p8r1t6v9yc", "q9w4e7r2t5ua"}
    assert outcome.sets("BA003") == {"PASS": {"x7k2m9q4p1ab", "q9w4e7r2t5ua"}, "FAIL": {"m3p8r1t6v9yc"},
                                     "SKIP": set(), "ERROR": set()}
    assert outcome.sets("BA004") == {"PASS": {"x7k2m9q4p1ab", "q9w4e7r2t5ua"}, "FAIL": {"m3p8r1t6v9yc"},
                                     "SKIP": set(), "ERROR": set()}
    assert outcome.message("BA004", "m3p8r1t6v9yc") == "missing required tags: owner, cost-center"


# --- allowlists are expanded per job identity, even though they are cached -----------------------

def _identity_row(job_id: str, account: str, region: str, role_account: str, key_region: str) -> dict[str, Any]:
    row = sample_rows()[0]
    row.update(job_arn=f"arn:aws:bedrock:{region}:{account}:model-invocation-job/{job_id}", account_id=account,
               role_arn=f"arn:aws:iam::{role_account}:role/BedrockBatch-claims")
    output = row["output_data_config"]["s3_output_data_config"]
    output.update(s3_bucket_owner=account,
                  s3_encryption_key_id=f"arn:aws:kms:{key_region}:{account}:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
    row["input_data_config"]["s3_input_data_config"]["s3_bucket_owner"] = account
    return row


def test_jobs_of_two_accounts_and_regions_in_one_scan_each_get_their_own_allowlist(tmp_path: Path) -> None:
    rows = [  # interleaved, so a cache keyed on too little would hand one job's expansion to the next
        _identity_row("own111111111", "111122223333", "us-east-1", "111122223333", "us-east-1"),
        _identity_row("own444444444", "444455556666", "eu-west-1", "444455556666", "eu-west-1"),
        _identity_row("xacct1111111", "111122223333", "us-east-1", "444455556666", "eu-west-1"),
        _identity_row("xacct4444444", "444455556666", "eu-west-1", "111122223333", "us-east-1"),
    ]
    outcome = run_rules(write_jsonl(tmp_path / "jobs.jsonl", rows), {
        "select": ["BA002", "BA005", "BA006"],
        "rules": {"BA002": {"allowed": ["arn:{partition}:iam::{account_id}:role/BedrockBatch-*"]},
                  "BA005": {"allowed": ["arn:{partition}:kms:{region}:{account_id}:key/*"]},
                  "BA006": {"allowed_input_buckets": ["acme-*"], "allowed_output_buckets": ["acme-*"]}}})
    assert not outcome.problems
    assert outcome.sets("BA002") == {"PASS": {"own111111111", "own444444444"},
                                     "FAIL": {"xacct1111111", "xacct4444444"}, "SKIP": set(), "ERROR": set()}
    assert outcome.sets("BA005") == {"PASS": {"own111111111", "own444444444"},
                                     "FAIL": {"xacct1111111", "xacct4444444"}, "SKIP": set(), "ERROR": set()}
    assert outcome.message("BA002", "xacct4444444") == (
        "service role arn:aws:iam::111122223333:role/BedrockBatch-claims is in account 111122223333, not the "
        "job's account 444455556666, and matches no allowed pattern "
        "(arn:aws:iam::444455556666:role/BedrockBatch-*)")
    assert "(arn:aws:kms:us-east-1:111122223333:key/*)" in outcome.message("BA005", "xacct1111111")
    assert outcome.sets("BA006")["PASS"] == {"own111111111", "own444444444", "xacct1111111", "xacct4444444"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="s3:/ab.", max_size=16))
def test_ba006_bucket_of_is_the_bucket_that_split_s3_uri_gives(uri: str) -> None:
    """BA006 compares buckets before splitting keys; both must read the bucket the same way."""
    from rules.s3_data_perimeter import bucket_of, split_s3_uri

    assert bucket_of(uri) == split_s3_uri(uri)[0]
