"""BA006 s3-data-perimeter: input and output buckets stay inside the organisation's data perimeter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.globs import allowlist

_SIDES = (
    # (label, column, member, allowlist parameter, pointer of the member)
    ("input", "input_data_config", "s3_input_data_config", "allowed_input_buckets",
     "/input_data_config/s3_input_data_config"),
    ("output", "output_data_config", "s3_output_data_config", "allowed_output_buckets",
     "/output_data_config/s3_output_data_config"),
)


S3Location = tuple[str, list[str]]
"""``(bucket, key path segments)`` of an S3 URI, as :func:`split_s3_uri` returns it."""


def bucket_of(uri: str) -> str:
    """``"s3://bucket/a/b/"`` -> ``"bucket"``: the bucket of :func:`split_s3_uri`, without splitting
    the key."""
    rest = uri[len("s3://"):] if uri.startswith("s3://") else uri
    return rest.partition("/")[0]


def split_s3_uri(uri: str) -> S3Location:
    """``"s3://bucket/a/b/"`` -> ``("bucket", ["a", "b"])``: the bucket and the key's path segments
    (empty segments dropped, so a trailing ``/`` does not matter)."""
    rest = uri[len("s3://"):] if uri.startswith("s3://") else uri
    bucket, _, key = rest.partition("/")
    return bucket, [part for part in key.split("/") if part]


def output_inside_input(input_location: S3Location, output_location: S3Location) -> bool:
    """True when the output location is the input location or below it (same bucket, and the input
    key's path segments are a prefix of the output key's); both as split by :func:`split_s3_uri`.
    Segment-wise, so ``s3://b/in`` does not contain ``s3://b/input2/``; the bucket root contains
    everything in the bucket."""
    (in_bucket, in_parts), (out_bucket, out_parts) = input_location, output_location
    return in_bucket == out_bucket and out_parts[: len(in_parts)] == in_parts


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when a bucket owner (where set) is neither the job's account nor in ``allowed_accounts``,
    when a bucket matches none of its side's allowlist (when set), or when the output location is the
    input location or inside it."""
    found: dict[str, tuple[str, str]] = {}  # label -> (s3_uri, bucket) of each side that has an s3_uri
    for label, column, member, option, base in _SIDES:
        config = job.get(column)
        s3 = config.get(member) if config else None
        if not s3:
            continue
        uri = s3.get("s3_uri")
        owner = s3.get("s3_bucket_owner")
        bucket = bucket_of(uri) if isinstance(uri, str) else "(no s3_uri)"
        if owner and owner != job.account_id and owner not in params["allowed_accounts"]:
            return failed(f"{label} bucket {bucket} is owned by account {owner}, which is neither the job's "
                          f"account {job.account_id} nor in allowed_accounts", f"{base}/s3_bucket_owner")
        if not isinstance(uri, str):
            continue
        found[label] = (uri, bucket)
        if params[option]:  # an empty allowlist allows any bucket
            allowed = allowlist(params[option], job)
            if not allowed.matches(bucket):
                return failed(f"{label} bucket {bucket} matches no pattern of {option} "
                              f"({', '.join(allowed.patterns)})", f"{base}/s3_uri")
    if not found:
        return not_applicable("input_data_config and output_data_config are null")
    if "input" in found and "output" in found:
        (input_uri, input_bucket), (output_uri, output_bucket) = found["input"], found["output"]
        if input_bucket == output_bucket:  # else the output cannot be inside the input: no need to split
            input_location, output_location = split_s3_uri(input_uri), split_s3_uri(output_uri)
            if output_inside_input(input_location, output_location):
                same = input_location == output_location
                return failed(f"output location {output_uri} is {'the same as' if same else 'inside'} the "
                              f"input location {input_uri}: results land where input is read",
                              "/output_data_config/s3_output_data_config/s3_uri")
    return passed()


RULE = Rule(
    id="BA006",
    name="s3-data-perimeter",
    title="Input and output buckets stay inside the data perimeter",
    description=(
        "For the input and the output bucket: the bucket owner (s3BucketOwner), where the record "
        "states one, is the job's own account or listed in allowed_accounts; with allowed_input_buckets "
        "/ allowed_output_buckets set (bucket-name globs; {account_id}, {region}, {partition} = the "
        "job's), the bucket matches one of them. The output location must not be the input location or "
        "lie inside it. An unstated owner is not judged (the record cannot tell)."
    ),
    rationale=(
        "The service role reads every object under the input URI and writes under the output URI, so "
        "those buckets decide where the data goes. s3BucketOwner on ModelInvocationJobS3InputDataConfig "
        "and ModelInvocationJobS3OutputDataConfig (botocore bedrock/2023-04-20) marks a bucket in another "
        "account, which the console cannot set up -- it takes the API (Bedrock user guide, "
        "batch-inference-create.html) -- and moves data across the account boundary. AWS recommends "
        "holding batch jobs to your own buckets through VPC endpoints and bucket policies "
        "(batch-vpc.html). Output written inside the input prefix mixes results into the data a later "
        "job reads as input."
    ),
    remediation=(
        "Use buckets of the job's own account (or add the partner account to allowed_accounts after "
        "review), set inputDataConfig.s3InputDataConfig.s3Uri and outputDataConfig.s3OutputDataConfig."
        "s3Uri to approved buckets, and give the output its own prefix outside the input prefix. A "
        "submitted job cannot be changed: stop it and submit it again."
    ),
    severity=Severity.HIGH,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-create.html",
    categories=("data-protection", "network"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "allowed_accounts": {
                "description": "Other account IDs whose buckets jobs may read or write (quoted strings: "
                               "an account ID may start with 0).",
                "type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"}, "uniqueItems": True,
                "default": [],
            },
            "allowed_input_buckets": {
                "description": "Bucket-name globs the input bucket must match (empty: any bucket).",
                "type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
            },
            "allowed_output_buckets": {
                "description": "Bucket-name globs the output bucket must match (empty: any bucket).",
                "type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
            },
        },
    },
    columns=("input_data_config", "output_data_config", "job_arn", "account_id"),
    controls={
        "nist-800-53": {
            "AC-4": "Job data flows only between the organisation's own (or approved partner) buckets.",
            "SC-7": "The account boundary is enforced: buckets of other accounts are flagged unless "
                    "approved.",
        },
    },
)
