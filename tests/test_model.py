"""The job accessors rules build on: the job ARN's partition, region and account."""

from __future__ import annotations

import re

from conftest import compliant_row
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.arn import arn_parts
from checker.model import Job, Provenance

_REFERENCE = re.compile(r"^arn:(?P<partition>[^:]+):bedrock:(?P<region>[^:]*):(?P<account>[^:]*):")
"""What arn_parts has always matched (it splits the ARN instead, being on every job's path)."""


def test_arn_parts_of_a_job_arn() -> None:
    assert arn_parts("arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:model-invocation-job/abc") == {
        "partition": "aws-us-gov", "region": "us-gov-west-1", "account": "123456789012"}
    assert arn_parts("arn:aws:bedrock:::x") == {"partition": "aws"}
    for not_bedrock in ("arn:aws:iam::123456789012:role/x", "arn::bedrock:r:a:x", "arn:aws:bedrock:r:a",
                        "ARN:aws:bedrock:r:a:x", "xarn:aws:bedrock:r:a:x", ""):
        assert arn_parts(not_bedrock) == {}, not_bedrock


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["arn", "aws", "bedrock", "", "us-east-1", "1", "a\nb", "x/y"]), max_size=8)
       .map(":".join) | st.text(alphabet="arnbedock:\n1", max_size=30))
def test_arn_parts_agrees_with_the_reference_pattern(arn: str) -> None:
    match = _REFERENCE.match(arn)
    expected = {k: v for k, v in match.groupdict().items() if v} if match else {}
    assert arn_parts(arn) == expected
    assert list(arn_parts(arn)) == list(expected)  # same key order


def test_job_identity_comes_from_the_account_column_then_the_arn() -> None:
    arn = "arn:aws-cn:bedrock:cn-north-1:210987654321:model-invocation-job/abcdefabcdef"
    job = Job(compliant_row(job_arn=arn, account_id=None), Provenance("test"))
    assert (job.account_id, job.region, job.partition) == ("210987654321", "cn-north-1", "aws-cn")
    job = Job(compliant_row(job_arn=arn, account_id="123456789012"), Provenance("test"))
    assert job.account_id == "123456789012"
