"""Fuzz the plan/state and request loaders (hypothesis): no exception escapes, every failure is one line
naming the file and the line, whatever bytes or JSON they are given."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.engine import Engine
from checker.model import Problem
from checker.planned.options import PlannedOptions
from checker.plugins import load_plugins
from checker.policy import configure_rules, policy_from_mapping
from checker.scan import Evaluator
from checker.sources.base import RawRecord, SourceNote
from checker.sources.request import RequestSource
from checker.sources.tfplan import TfPlanSource

KEYS = ["format_version", "terraform_version", "resource_changes", "planned_values", "configuration", "values",
        "root_module", "child_modules", "resources", "module_calls", "module", "expressions", "references",
        "constant_value", "address", "module_address", "type", "mode", "name", "change", "actions", "after",
        "after_unknown", "provider_config", "provider_config_key", "role_arn", "vpc_config", "subnet_ids",
        "output_data_config", "s3_output_data_config", "s3_encryption_key_id", "prior_state", "variables",
        "value", "jobName", "roleArn", "modelId", "inputDataConfig", "outputDataConfig", "tags", "Resources",
        "Type", "allowed_account_ids", "region"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 300), st.sampled_from(
    ["1.2", "2.0", "1", "create", "delete", "no-op", "managed", "data", "aws_bedrock_model_invocation_job",
     "aws_iam_role.batch.arn", "aws_iam_role.batch", "var.role_arn", "module.batch", "aws", "batch:aws",
     "arn:aws:iam::111122223333:role/x", "s3://b/k/", "111122223333", "eu-west-1", "",
     "AWS::Bedrock::ModelInvocationJob"]), st.text(max_size=8))
JSON = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=6)), max_leaves=40)


EVALUATE = Evaluator(Engine(configure_rules(policy_from_mapping({}), load_plugins(autoload=False).rules)),
                     datetime(2026, 12, 6, tzinfo=UTC))


def _drain(source: Any, data: bytes) -> list[Any]:
    items = list(source.read("fuzz.json", io.BufferedReader(io.BytesIO(data))))  # type: ignore[arg-type]
    for item in items:
        assert isinstance(item, RawRecord | Problem | SourceNote)
        if isinstance(item, RawRecord):  # the record goes through normalisation, the schema and the rules
            outcome = EVALUATE(item)
            assert outcome.problem is None or "\n" not in outcome.problem.message
        if isinstance(item, Problem):
            assert "\n" not in item.message and item.provenance is not None
            assert item.provenance.source.startswith("fuzz.json")
            assert item.message.startswith("line ") or item.provenance.line is not None, item.message
    return items


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_plan_loader_on_generated_json(document: Any) -> None:
    if isinstance(document, dict):
        document.setdefault("format_version", "1.2")
    _drain(TfPlanSource(PlannedOptions()), json.dumps(document).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_plan_loader_on_bytes(data: bytes) -> None:
    _drain(TfPlanSource(PlannedOptions()), b'{"format_version":"1.0",' + data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_request_loader_on_generated_json(document: Any) -> None:
    _drain(RequestSource(PlannedOptions()), json.dumps(document).encode())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_request_loader_on_text(text: str) -> None:
    _drain(RequestSource(PlannedOptions(region="eu-west-1")), ("jobName: x\n" + text).encode())
