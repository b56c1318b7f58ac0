"""A CI-gate scenario on disk, shared by the waiver, baseline, report and golden-file tests.

Five jobs (``jobs.jsonl``, one per line, in this order):

1. ``claims-ok``          compliant (every rule PASS); the baseline still lists it (BA001) -> fixed
2. ``legacy-etl``         no VPC (BA001 high FAIL) -> waived by an active waiver (ml-platform, 2025-09-30)
3. ``nightly-summaries``  timeout 100 h (BA003 medium FAIL) -> its waiver lapsed on 2025-06-01
4. ``partner-scoring``    cross-account role (BA002 high FAIL) -> in the baseline (existing)
5. ``new-job``            no tags at all (BA004 medium FAIL) -> new

``waivers.toml`` holds the active and the expired waiver plus one that matches nothing; ``baseline.json``
the BA002 entry of job 4 and the BA001 entry of job 1; ``bedrock-audit.toml`` selects BA001-BA004 only
(:data:`POLICY`), so rules added later do not change the scenario. The clock is :data:`NOW`.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import compliant_row, write_jsonl

NOW = "2025-07-01T00:00:00Z"
POLICY = 'select = ["BA00[1-4]"]   # the scenarios are about BA001-BA004\n'
"""A policy file that pins the rule set; tests that write their own policy start from it."""
ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/"
JOB_IDS = {"claims-ok": "aaaaaaaaaa01", "legacy-etl": "aaaaaaaaaa02", "nightly-summaries": "aaaaaaaaaa03",
           "partner-scoring": "aaaaaaaaaa04", "new-job": "aaaaaaaaaa05"}

WAIVERS = """\
[[waivers]]
rule = "BA001"
job = "legacy-*"
reason = "legacy ETL moves into the VPC in SEC-123"
owner = "ml-platform"
expires = 2025-09-30

[[waivers]]
rule = "timeout-bounds"
job = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/*"
region = "us-east-1"
reason = "long summaries until the model upgrade"
owner = "data-eng"
expires = 2025-06-01

[[waivers]]
rule = "BA004"
job = "retired-*"
reason = "job retired, tags irrelevant"
owner = "finops"
expires = 2026-01-01
"""


def arn(name: str) -> str:
    """The job ARN of a scenario job."""
    return ARN + JOB_IDS[name]


def rows() -> list[dict]:
    """The five job rows, in file order."""
    return [
        compliant_row(JOB_IDS["claims-ok"], job_name="claims-ok"),
        compliant_row(JOB_IDS["legacy-etl"], job_name="legacy-etl", vpc_config=None),
        compliant_row(JOB_IDS["nightly-summaries"], job_name="nightly-summaries", timeout_duration_in_hours=100),
        compliant_row(JOB_IDS["partner-scoring"], job_name="partner-scoring",
                      role_arn="arn:aws:iam::210987654321:role/partner-bedrock-batch"),
        compliant_row(JOB_IDS["new-job"], job_name="new-job", tags={}),
    ]


def baseline_document() -> dict:
    """The scenario's baseline (as ``bedrock-audit baseline create`` writes it)."""
    return {
        "baseline_version": "1.0",
        "tool": {"name": "bedrock-audit", "version": "0.1.0"},
        "created_at": "2025-06-15T00:00:00Z",
        "inputs": ["jobs.jsonl"],
        "rules": ["BA001", "BA002", "BA003", "BA004"],
        "entries": [
            {"rule_id": "BA001", "rule_name": "vpc-config-required", "job_arn": arn("claims-ok"),
             "job_name": "claims-ok", "severity": "high", "message": "no VPC configuration"},
            {"rule_id": "BA002", "rule_name": "role-arn-allowlist", "job_arn": arn("partner-scoring"),
             "job_name": "partner-scoring", "severity": "high", "message": "cross-account role"},
        ],
    }


def write_scenario(folder: Path) -> None:
    """Write ``jobs.jsonl``, ``waivers.toml``, ``baseline.json`` and ``bedrock-audit.toml`` into ``folder``."""
    write_jsonl(folder / "jobs.jsonl", rows())
    (folder / "bedrock-audit.toml").write_text(POLICY, encoding="utf-8")
    (folder / "waivers.toml").write_text(WAIVERS, encoding="utf-8")
    (folder / "baseline.json").write_text(json.dumps(baseline_document(), indent=2), encoding="utf-8")


SCAN_ARGS = ("scan", "jobs.jsonl", "--waivers", "waivers.toml", "--baseline", "baseline.json", "--now", NOW)
"""The scenario's scan, run with the scenario folder as the working directory."""
