"""BA004 mandatory-tags: the job carries the required tags, with non-empty (and allowed) values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, passed
from checker.globs import compiled_regex
from checker.schema import json_pointer


def _find(tags: Mapping[str, str], key: str, case_sensitive: bool) -> tuple[str, str] | None:
    if key in tags:
        return key, tags[key]
    if not case_sensitive:
        for actual, value in tags.items():
            if actual.lower() == key.lower():
                return actual, value
    return None


def _value_allowed(value: str, allowed: list[str]) -> bool:
    """A multi-valued tag (DDSQL joins values with commas) passes when the whole value or each value
    is allowed."""
    return value in allowed or all(part.strip() in allowed for part in value.split(","))


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when a required tag is missing or empty, or its value is not allowed or does not match its
    pattern. Tags that are unknown (not in the input, not fetched) make the rule ERROR."""
    tags = job.tags()
    required: list[str] = params["required"]
    if tags is None:
        why = job.facts.get("tags")
        if why:  # e.g. a Terraform resource that has no tags argument
            tense = "will run untagged" if job.planned else "is untagged"  # planned, or deployed (a state)
            return failed(f"job {tense}: {why}; required: {', '.join(required)}", "/tags")
        return failed(f"job has no tags; required: {', '.join(required)}", "/tags")
    case_sensitive = params["key_case"] == "exact"
    present = [(key, _find(tags, key, case_sensitive)) for key in required]
    missing = [key for key, found in present if found is None]
    if missing:
        return failed(f"missing required tag{'s' if len(missing) > 1 else ''}: {', '.join(missing)}", "/tags")
    for _, found in present:
        if found is not None and not found[1].strip():
            return failed(f"tag {found[0]} is empty", json_pointer(["tags", found[0]]))
    for key, allowed in params["allowed_values"].items():
        found = _find(tags, key, case_sensitive)
        if found and not _value_allowed(found[1], allowed):
            return failed(f"tag {found[0]} = {found[1]!r} is not one of: {', '.join(allowed)}",
                          json_pointer(["tags", found[0]]))
    for key, pattern in params["patterns"].items():
        found = _find(tags, key, case_sensitive)
        if found and not compiled_regex(pattern).fullmatch(found[1]):
            return failed(f"tag {found[0]} = {found[1]!r} does not match {pattern}", json_pointer(["tags", found[0]]))
    return passed()


RULE = Rule(
    id="BA004",
    name="mandatory-tags",
    title="Job carries the mandatory tags",
    description=(
        "Every key in required (default: owner, cost-center) is present with a non-empty value. "
        "Optionally a tag's value must be one of allowed_values[key] or fully match patterns[key] (a "
        "regular expression). Keys match exactly unless key_case = \"insensitive\". Values of tags "
        "listed in allowed_values/patterns are checked only when the tag is present; add the key to "
        "required to demand it."
    ),
    rationale=(
        "Tags are how cost, ownership and data classification are attributed to batch jobs; jobs cannot "
        "be deleted (Terraform aws_bedrock_model_invocation_job docs), so untagged history accumulates. "
        "Tags are set with CreateModelInvocationJob's tags or TagResource and read with "
        "ListTagsForResource (botocore bedrock/2023-04-20); Get/List responses carry none, so tags that "
        "were not fetched are unknown and this rule reports ERROR rather than guess."
    ),
    remediation=(
        "Tag the job: tags=[{key: \"owner\", value: ...}, {key: \"cost-center\", value: ...}] in "
        "CreateModelInvocationJob, or TagResource on the job ARN."
    ),
    severity=Severity.MEDIUM,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/tagging.html",
    categories=("governance", "cost"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "required": {"description": "Tag keys that must be present with a non-empty value.",
                         "type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True,
                         "default": ["owner", "cost-center"]},
            "allowed_values": {"description": "Tag key -> the values it may take.", "type": "object",
                               "additionalProperties": {"type": "array", "minItems": 1,
                                                        "items": {"type": "string"}},
                               "default": {}},
            "patterns": {"description": "Tag key -> regular expression its whole value must match.",
                         "type": "object", "additionalProperties": {"type": "string", "format": "regex"},
                         "default": {}},
            "key_case": {"description": "How tag keys are compared.", "enum": ["exact", "insensitive"],
                         "default": "exact"},
        },
    },
    columns=("tags",),
    controls={
        "nist-800-53": {
            "CM-8": "Component inventory: every job records its owner and cost attribution.",
        },
    },
)
