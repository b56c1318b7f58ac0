"""The rule catalogue as a whole: every built-in rule has its own test file here and its fixture, the
policy's status override, the compliant sample row passing every rule on by default, the sample rows'
verdicts, and allowlists expanded per job identity within one scan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conftest import sample_rows, write_jsonl
from rule_harness import RULES, run_rules

from checker.plugins import load_plugins

HERE = Path(__file__).resolve().parent


def test_every_built_in_rule_has_its_own_test_file_and_every_fixture_is_used() -> None:
    registry = load_plugins(autoload=False)
    built_in = {rule_id: rule for rule_id, rule in registry.rules.items() if rule_id.startswith("BA")}
    files = {path.name for path in HERE.glob("test_ba*.py")}
    assert files == {f"test_{rule_id.lower()}_{rule.name.replace('-', '_')}.py" for rule_id, rule in built_in.items()}
    used = "".join(path.read_text() for path in HERE.glob("test_ba*.py"))
    assert all(path.name in used for path in RULES.glob("*.jsonl"))


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
