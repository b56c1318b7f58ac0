"""BA007 model-allowlist: the job runs an approved model (disabled until configured)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, not_applicable, passed
from checker.globs import allowlist


def model_key(model_id: str) -> str:
    """The part of ``model_id`` after the last ``/``: a foundation-model id stays as it is
    (``anthropic.claude-3-haiku-20240307-v1:0``), a foundation-model or inference-profile ARN gives its
    id (``us.anthropic.claude-3-5-sonnet-20240620-v1:0``), a custom-model ARN its 12-character id.

    GetModelInvocationJob returns an inference-profile id as the full profile ARN (hashicorp/
    terraform-provider-aws ``model_invocation_job.go``, ``modelIDFromResource``), so a job submitted with
    ``us.amazon.nova-lite-v1:0`` may be exported with either form: both give the same key."""
    return model_id.rsplit("/", 1)[-1]


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when neither the normalised model id (:func:`model_key`) nor the full ``model_id`` matches
    any pattern of ``allowed``."""
    model_id = job.get("model_id")
    if model_id is None:
        return not_applicable("model_id is null")
    allowed = allowlist(params["allowed"], job)
    key = model_key(model_id)
    if allowed.matches(key) or allowed.matches(model_id):
        return passed()
    shown = model_id if key == model_id else f"{model_id} ({key})"
    return failed(f"model {shown} matches no allowed model ({', '.join(allowed.patterns)})", "/model_id")


RULE = Rule(
    id="BA007",
    name="model-allowlist",
    title="Job runs an approved model",
    description=(
        "The job's model matches one of the allowed globs. The model id is compared on the part after "
        "its last '/': a foundation-model id as it is, an inference-profile ARN as its profile id, a "
        "custom-model ARN as its 12-character id; a pattern may also match the full modelId or ARN. "
        "Cross-region inference profiles carry their geography prefix (us., eu., apac., global.) and "
        "must be listed as such, since they route requests to other regions. Off until configured: "
        "allowed has no default."
    ),
    rationale=(
        "Which model sees your records is a data-governance and cost decision (provider terms, model "
        "versions your evaluation approved). modelId accepts a foundation-model id or ARN, an "
        "(application) inference-profile ARN or a custom-model ARN (ModelId shape, botocore "
        "bedrock/2023-04-20), and GetModelInvocationJob reports an inference-profile id as its full ARN "
        "(hashicorp/terraform-provider-aws model_invocation_job.go), so an allowlist must compare on the "
        "id after the last '/'. Batch inference is not supported for provisioned models "
        "(batch-inference.html)."
    ),
    remediation=(
        "Submit the job with modelId set to an approved model, or add the model to allowed under "
        "[rules.BA007] after review."
    ),
    severity=Severity.MEDIUM,
    check=check,
    help_url="https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html",
    categories=("governance", "supply-chain"),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["allowed"],
        "properties": {
            "allowed": {
                "description": "Model globs, e.g. \"anthropic.claude-3-haiku-*\", \"us.anthropic.*\", or a "
                               "custom-model ARN glob.",
                "type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
            },
        },
    },
    enabled_by_default=False,
    columns=("model_id",),
    controls={
        "nist-800-53": {
            "CM-7": "Least functionality: only models approved by exception may process data.",
            "SA-9": "Third-party model providers are external services used only once approved.",
        },
    },
)
