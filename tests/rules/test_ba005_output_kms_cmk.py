"""BA005 (output-kms-cmk, rules/output_kms_cmk.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import RULES, check_fixture, run_rule

CASE = ("ba005-output-kms-cmk.jsonl", {}, {
    "PASS": {"keyarnsame01", "keyidbare001", "aliascust001", "aliasarn0001"},
    "FAIL": {"nokey0000001", "awsalias0001", "awsaliasarn1", "crossacct001"},
    "SKIP": {"outputnull01"},
    "ERROR": {"outputgone01"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA005", *CASE)


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
