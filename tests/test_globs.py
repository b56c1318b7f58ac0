"""Allowlist globs shared by every allowlist rule: placeholders, what ``*`` spans, case, empty lists."""

from __future__ import annotations

import re

import pytest
from conftest import compliant_row
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.globs import (
    CACHE_SIZE,
    _listed_for,
    allowlist,
    compiled_regex,
    expand,
    expand_all,
    first_unlisted,
    matches_any,
)
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


# --- allowlist(): expanded and compiled once per identity, never shared between identities ---------------

def _job_of(account: str, region: str = "us-east-1", partition: str = "aws", column: str | None = None) -> Job:
    arn = f"arn:{partition}:bedrock:{region}:{account}:model-invocation-job/abcdefabcdef"
    return Job(compliant_row(job_arn=arn, account_id=column), Provenance("test"))


def test_two_accounts_in_one_scan_do_not_share_an_expanded_pattern() -> None:
    patterns = ["arn:{partition}:iam::{account_id}:role/*"]
    first, second = _job_of("111122223333"), _job_of("444455556666")
    for _ in range(2):  # the second round is answered from the cache
        assert allowlist(patterns, first).matches("arn:aws:iam::111122223333:role/batch")
        assert not allowlist(patterns, first).matches("arn:aws:iam::444455556666:role/batch")
        assert allowlist(patterns, second).matches("arn:aws:iam::444455556666:role/batch")
        assert not allowlist(patterns, second).matches("arn:aws:iam::111122223333:role/batch")
    assert allowlist(patterns, second).patterns == ("arn:aws:iam::444455556666:role/*",)


def test_region_partition_and_the_account_id_column_are_part_of_the_identity() -> None:
    patterns = ["arn:{partition}:kms:{region}:{account_id}:key/*"]
    east, west = _job_of("111122223333"), _job_of("111122223333", region="us-west-2")
    gov = _job_of("111122223333", region="us-east-1", partition="aws-us-gov")
    assert allowlist(patterns, east).patterns == ("arn:aws:kms:us-east-1:111122223333:key/*",)
    assert allowlist(patterns, west).patterns == ("arn:aws:kms:us-west-2:111122223333:key/*",)
    assert allowlist(patterns, gov).patterns == ("arn:aws-us-gov:kms:us-east-1:111122223333:key/*",)
    # the account_id column wins over the ARN's account, as for expand()
    column = _job_of("111122223333", column="999988887777")
    assert allowlist(patterns, column).patterns == ("arn:aws:kms:us-east-1:999988887777:key/*",)


def test_the_same_patterns_in_a_different_order_or_list_are_their_own_allowlist() -> None:
    job = _job_of("111122223333")
    assert allowlist(["a-*", "b-{region}"], job).patterns == ("a-*", "b-us-east-1")
    assert allowlist(["b-{region}", "a-*"], job).patterns == ("b-us-east-1", "a-*")
    assert not allowlist([], job).matches("anything")
    assert allowlist(["{not_a_placeholder}"], job).patterns == ("{not_a_placeholder}",)
    assert allowlist(["{not_a_placeholder}"], job).matches("{not_a_placeholder}")


def test_first_unlisted_takes_an_allowlist() -> None:
    job = _job_of("111122223333")
    listed = allowlist(["subnet-{account_id}*"], job)
    assert first_unlisted(["subnet-111122223333a", "subnet-444455556666a"], listed) == (1, "subnet-444455556666a")
    # plain globs are taken as they are: a placeholder there is literal text (already expanded)
    assert first_unlisted(["subnet-{account_id}"], ["subnet-{account_id}"]) is None


def test_more_identities_than_the_cache_holds_still_expand_right() -> None:
    """The caches are bounded (memory stays flat over a million jobs); an evicted identity is rebuilt."""
    patterns = ["arn:aws:iam::{account_id}:role/*"]
    jobs = [_job_of(f"{n:012d}") for n in range(CACHE_SIZE + 50)]
    for job in jobs:
        assert allowlist(patterns, job).matches(f"arn:aws:iam::{job.account_id}:role/x")
    assert _listed_for.cache_info().currsize <= CACHE_SIZE
    assert allowlist(patterns, jobs[0]).patterns == ("arn:aws:iam::000000000000:role/*",)
    assert not allowlist(patterns, jobs[0]).matches("arn:aws:iam::000000000001:role/x")


_GLOB_TEXT = st.text(alphabet="ab*?[]!-:/.{}", max_size=8)
_PATTERN = st.lists(st.one_of(_GLOB_TEXT, st.sampled_from(["{account_id}", "{region}", "{partition}"])),
                    max_size=4).map("".join)


@settings(max_examples=300, deadline=None)
@given(patterns=st.lists(_PATTERN, max_size=4), value=st.text(alphabet="ab-:/.1", max_size=12),
       account=st.sampled_from(["111122223333", "444455556666"]),
       region=st.sampled_from(["us-east-1", "a-b"]), partition=st.sampled_from(["aws", "aws-cn"]))
def test_allowlist_agrees_with_expand_all_and_matches_any(patterns: list[str], value: str, account: str,
                                                          region: str, partition: str) -> None:
    job = _job_of(account, region, partition)
    try:
        expected = matches_any(value, expand_all(patterns, job))
    except re.error:  # a glob fnmatch turns into a bad regex (e.g. "[b-a]"): allowlist raises the same
        with pytest.raises(re.error):
            allowlist(patterns, job)
        return
    listed = allowlist(patterns, job)
    assert listed.patterns == tuple(expand_all(patterns, job))
    assert listed.matches(value) == expected


def test_compiled_regex_is_re_fullmatch() -> None:
    assert compiled_regex("cc-[0-9]{4}").fullmatch("cc-1234")
    assert not compiled_regex("cc-[0-9]{4}").fullmatch("cc-12345")
    assert compiled_regex("cc-[0-9]{4}") is compiled_regex("cc-[0-9]{4}")
    with pytest.raises(re.error):
        compiled_regex("(")
