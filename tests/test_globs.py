"""Allowlist globs shared by every allowlist rule: placeholders, what ``*`` spans, case, empty lists."""

from __future__ import annotations

from conftest import compliant_row

from checker.globs import expand, expand_all, first_unlisted, matches_any
from checker.model import Job, Provenance


def _job(arn: str) -> Job:
    return Job(compliant_row(job_arn=arn, account_id=None), Provenance("test"))


def test_placeholders_are_the_jobs_own_identity() -> None:
    job = _job("arn:aws-us-gov:bedrock:us-gov-west-1:111122223333:model-invocation-job/abcdefabcdef")
    assert expand("arn:{partition}:kms:{region}:{account_id}:key/*", job) == (
        "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/*")
    assert expand_all(["plain", "{region}-x"], job) == ["plain", "us-gov-west-1-x"]


def test_star_spans_slashes_and_colons_and_matching_is_case_sensitive() -> None:
    assert matches_any("arn:aws:iam::123456789012:role/service-role/Batch", ["arn:aws:iam::*:role/*"])
    assert not matches_any("Subnet-1", ["subnet-*"])
    assert matches_any("subnet-1", ["sg-*", "subnet-?"])


def test_empty_allowlist_matches_nothing_and_first_unlisted_points_at_the_value() -> None:
    assert not matches_any("anything", [])
    assert first_unlisted(["a-1", "b-2", "a-3"], ["a-*"]) == (1, "b-2")
    assert first_unlisted(["a-1"], ["a-*"]) is None
    assert first_unlisted(["a-1"], []) == (0, "a-1")


def test_regex_characters_in_globs_are_literal() -> None:
    assert matches_any("model.v1:0", ["model.v1:0"])
    assert not matches_any("modelXv1:0", ["model.v1:0"])
    assert not matches_any("a+b", ["a++b"])
