"""BA007 (model-allowlist, rules/model_allowlist.py): exact PASS/FAIL/SKIP/ERROR sets on its
fixture (tests/data/rules/), run through the real scan assembly, and the messages and options a user
meets."""

from __future__ import annotations

from rule_harness import check_fixture

CASE = ("ba007-model-allowlist.jsonl",
 {"allowed": ["anthropic.claude-3-haiku-*", "us.amazon.nova-lite-v1:0",
              "arn:aws:bedrock:*:{account_id}:custom-model/*"]}, {
    "PASS": {"fmid00000001", "fmarn0000001", "profilearn01", "profileid001", "custommodel1"},
    "FAIL": {"unlisted0001", "geoprefix001"},
    "SKIP": {"modelnull001"},
    "ERROR": {"modelgone001"},
})


def test_outcomes_on_its_fixture() -> None:
    check_fixture("BA007", *CASE)
