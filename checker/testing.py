"""The plugin author kit: build jobs, run one rule, assert verdicts, scan rows through a plugin.

Everything here uses the real parts of a scan -- :class:`checker.normalize.Normalizer`, the table schema,
:class:`checker.engine.Engine`, :func:`checker.policy.with_defaults`, :func:`checker.plugins.load_plugins`,
the scan assembly of :mod:`checker.api` -- so a rule that passes its tests here behaves the same in
``bedrock-audit scan``. Use it from pytest (failures are ``AssertionError`` with a readable message)::

    from checker.testing import assert_fails, assert_passes, example_row, make_job
    from acme_bedrock_rules.job_name_convention import RULE

    def test_upper_case_name_fails():
        job = make_job(example_row(job_name="Claims-Batch"))
        assert_fails(RULE, job, pointer="/job_name")

    def test_api_shape_works_too():
        assert_passes(RULE, make_job({"jobArn": "arn:aws:bedrock:us-east-1:123456789012:"
                                      "model-invocation-job/abc123def456", "jobName": "claims-batch", ...}))

Importing this module builds nothing; the table schema is loaded on first use.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checker.engine import ConfiguredRule, Engine
from checker.model import ErrorKind, Job, Provenance, Result, Rule, Status
from checker.plugins import load_plugins
from checker.policy import with_defaults
from checker.registry import Registry, validate_rule
from checker.sources.base import RawRecord
from checker.summary import Summary

__all__ = [
    "ScanOutcome",
    "assert_errors",
    "assert_fails",
    "assert_passes",
    "assert_skips",
    "assert_valid_rule",
    "example_row",
    "load_plugin",
    "make_job",
    "run_rule",
    "scan_rows",
]

_EXAMPLE_ROW: dict[str, Any] = {
    "_key": "9f3c1b7e2a4d4c6f8e0a1b2c3d4e5f60",
    "account_id": "123456789012",
    "client_request_token": "3f9c2a7e-5b1d-4e8a-9c6f-0d2b4a8e1c57",
    "end_time": "2025-06-02T03:47:51.902Z",
    "input_data_config": {"s3_input_data_config": {
        "s3_bucket_owner": "123456789012", "s3_input_format": "JSONL",
        "s3_uri": "s3://acme-claims-batch-input/2025-06-02/"}},
    "job_arn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x7k2m9q4p1ab",
    "job_expiration_time": "2025-06-05T01:00:04.218Z",
    "job_name": "claims-summary-batch-20250602",
    "last_modified_time": "2025-06-02T03:47:51.902Z",
    "message": None,
    "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
    "output_data_config": {"s3_output_data_config": {
        "s3_bucket_owner": "123456789012",
        "s3_encryption_key_id": "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
        "s3_uri": "s3://acme-claims-batch-output/2025-06-02/"}},
    "role_arn": "arn:aws:iam::123456789012:role/service-role/BedrockBatchInferenceRole-claims",
    "status": "Completed",
    "submit_time": "2025-06-02T01:00:04.218Z",
    "tags": {"cost-center": "cc-4410", "data-classification": "confidential", "env": "prod",
             "owner": "ml-platform"},
    "timeout_duration_in_hours": 72,
    "vpc_config": {"security_group_ids": ["sg-0123456789abcdef0"],
                   "subnet_ids": ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"]},
}


def example_row(**overrides: Any) -> dict[str, Any]:
    """A complete table-shape record (every column; compliant with the built-in rules' defaults), with
    ``overrides`` applied: ``example_row(vpc_config=None)``. A fresh copy on every call. To test "column
    not in the export", delete the key: ``row = example_row(); del row["tags"]``. Every call has the same job
    ARN: rows of one scan need their own (the same ARN twice is one job, evaluated once and named as a
    duplicate): ``example_row(job_arn=...)``."""
    row = copy.deepcopy(_EXAMPLE_ROW)
    row.update(overrides)
    return row


def make_job(data: Mapping[str, Any], *, now: datetime | None = None, source: str = "test",
             unknown: Mapping[str, str] | None = None) -> Job:
    """A :class:`~checker.model.Job` from a record in table shape (``job_arn``, snake_case) or API shape
    (``jobArn``, ``vpcConfig.subnetIds``, ``tags: [{key, value}]``), exactly as a scan builds it: decoded
    by :class:`checker.normalize.Normalizer` (JSON text, timestamps, tags, missing columns become
    unknown) and validated against the table schema.

    ``now``: the scan clock the rule sees (default: the current time, UTC). ``unknown``: extra columns to
    treat as unknown, ``{column: reason}`` (as a live source does for tags it could not fetch).
    Raises ``AssertionError`` listing the schema violations if the record is not valid -- a scan would
    report it as an input error and never run a rule on it.
    """
    from checker.normalize import Normalizer
    from checker.schema import table_columns, table_validator

    types, table = table_columns()
    row, missing = Normalizer(types, table).normalize(dict(data))
    missing.update(unknown or {})
    errors = table_validator().errors(row)
    if errors:
        shown = "; ".join(str(e) for e in errors[:5])
        raise AssertionError(f"record is not a valid {'API' if 'jobArn' in data else 'table'}-shape job "
                             f"record (a scan would report it as an input error): {shown}")
    return Job(row, Provenance(source, 1, 1), missing, now or datetime.now(UTC))


def _job(job: Job | Mapping[str, Any]) -> Job:
    return job if isinstance(job, Job) else make_job(job)


def run_rule(rule: Rule, job: Job | Mapping[str, Any], params: Mapping[str, Any] | None = None) -> Result:
    """Run one rule on one job the way a scan does and return the :class:`~checker.model.Result`.

    ``job``: a :class:`Job` or a record for :func:`make_job`. ``params``: the rule's options as in
    ``[rules.ID]`` of the policy file; validated against the rule's ``params_schema`` (``AssertionError``
    naming the option if the policy would be rejected), then missing options get their defaults
    (:func:`checker.policy.with_defaults`). The rule runs inside :class:`checker.engine.Engine`, so an
    exception it raises is an ERROR result (``error_kind`` RULE), unknown data an ERROR (INPUT), and its
    ``applies_to`` statuses are honoured (SKIP).
    """
    from checker.schema import SchemaValidator

    options = dict(params or {})
    errors = SchemaValidator(rule.params_schema).errors(options)
    if errors:
        raise AssertionError(f"[rules.{rule.id}] options rejected by the rule's params_schema: {errors[0]}")
    configured = ConfiguredRule(rule, with_defaults(rule.params_schema, options), rule.severity,
                                rule.applies_to)
    return Engine([configured]).evaluate(_job(job))[0]


def _describe(result: Result) -> str:
    where = f" at {result.pointer}" if result.pointer else ""
    return f"{result.status.value}{where}: {result.message or '(no message)'}"


def _expect(result: Result, status: Status, message: str | None) -> Result:
    if result.status is not status:
        raise AssertionError(f"{result.rule.id}: expected {status.value}, got {_describe(result)}")
    if message is not None and message not in result.message:
        raise AssertionError(f"{result.rule.id}: expected {status.value} message containing {message!r}, "
                             f"got {result.message!r}")
    return result


def assert_passes(rule: Rule, job: Job | Mapping[str, Any],
                  params: Mapping[str, Any] | None = None) -> Result:
    """Assert the rule PASSes on ``job`` (see :func:`run_rule`); returns the result."""
    return _expect(run_rule(rule, job, params), Status.PASS, None)


def assert_fails(rule: Rule, job: Job | Mapping[str, Any], params: Mapping[str, Any] | None = None, *,
                 pointer: str | None = None, message: str | None = None) -> Result:
    """Assert the rule FAILs on ``job``; ``pointer``: the JSON pointer it must name (``"/vpc_config"``);
    ``message``: text the finding's message must contain. Returns the result."""
    result = _expect(run_rule(rule, job, params), Status.FAIL, message)
    if pointer is not None and result.pointer != pointer:
        raise AssertionError(f"{rule.id}: expected the FAIL to point at {pointer}, got {result.pointer}")
    return result


def assert_skips(rule: Rule, job: Job | Mapping[str, Any], params: Mapping[str, Any] | None = None, *,
                 reason: str | None = None) -> Result:
    """Assert the rule SKIPs ``job`` (not applicable); ``reason``: text the reason must contain."""
    return _expect(run_rule(rule, job, params), Status.SKIP, reason)


def assert_errors(rule: Rule, job: Job | Mapping[str, Any], params: Mapping[str, Any] | None = None, *,
                  kind: ErrorKind | None = None, message: str | None = None) -> Result:
    """Assert the rule ERRORs on ``job``: ``kind`` ``ErrorKind.INPUT`` (data it needs is unknown, exit 3)
    or ``ErrorKind.RULE`` (it raised, exit 4); ``message``: text the message must contain."""
    result = _expect(run_rule(rule, job, params), Status.ERROR, message)
    if kind is not None and result.error_kind is not kind:
        raise AssertionError(f"{rule.id}: expected an ERROR of kind {kind.value}, got "
                             f"{result.error_kind.value if result.error_kind else None}: {result.message}")
    return result


def assert_valid_rule(rule: Rule) -> None:
    """Assert ``rule``'s metadata is what ``bedrock-audit`` accepts at registration (metadata schema,
    parameter schema, defaults); raises ``AssertionError`` with the reason."""
    problem = validate_rule(rule)
    if problem:
        raise AssertionError(f"rule {rule.id}: {problem}")


def load_plugin(plugin: object, name: str = "plugin-under-test") -> Registry:
    """Load the built-ins plus ``plugin`` (a module or object with ``@hookimpl`` functions) exactly as an
    entry point would be loaded, without installing it; installed plugins are not loaded. Raises
    ``AssertionError`` listing the problems if the plugin would fail to load. Returns the
    :class:`~checker.registry.Registry` (``registry.rules``, ``registry.reporters``,
    ``registry.plugin(name)``).
    """
    registry = load_plugins(autoload=False, extra=[(name, plugin)])
    if registry.problems:
        raise AssertionError("plugin failed to load: " + "; ".join(p.message for p in registry.problems))
    return registry


@dataclass
class ScanOutcome:
    """What :func:`scan_rows` produced: the report ``output`` (text), the ``exit_code`` ``bedrock-audit
    scan`` would exit with, and the :class:`~checker.summary.Summary`."""

    output: str
    exit_code: int
    summary: Summary


@dataclass(frozen=True)
class _Rows:
    """In-memory records as a :class:`checker.api.Target`: provenance ``rows``, record ``n`` from 1."""

    rows: Iterable[Mapping[str, Any]]
    shown: str = "rows"

    def check(self) -> None:
        """Nothing to check before reading."""

    def read(self) -> Iterator[RawRecord]:
        """One :class:`~checker.sources.base.RawRecord` per row."""
        for index, row in enumerate(self.rows, 1):
            yield RawRecord(dict(row), Provenance(self.shown, None, index))


def scan_rows(rows: Iterable[Mapping[str, Any]], *, plugin: object | None = None, format: str = "json",
              policy: Mapping[str, Any] | None = None, select: list[str] | None = None,
              now: datetime | None = None, include_passed: bool = False) -> ScanOutcome:
    """Scan in-memory records through the real pipeline and one report format, assembled by
    :mod:`checker.api` exactly as ``bedrock-audit scan`` assembles it.

    ``plugin``: loaded as by :func:`load_plugin` (its rules, reporters and sources join the built-ins).
    ``format``: any registered report format, e.g. the plugin's own. ``policy``: the policy file's content
    as a dict (``{"fail-on": "high", "rules": {"ACME001": {...}}}``), validated like the file.
    ``select``: as ``--select``. ``include_passed``: as ``--include-passed`` (the JSON report lists every
    result, PASS included, in the report_version 1 layout). The policy's ``[[waivers]]`` apply, as in a
    real scan. Each row may be in table or API shape; invalid rows are input errors as in a real scan.
    Raises ``AssertionError`` if the plugin fails to load, ``ConfigError`` for a bad policy, selection or
    format.
    """
    from checker.api import ScanRequest, run_to_stream
    from checker.policy import policy_from_mapping

    registry = load_plugin(plugin) if plugin is not None else load_plugins(autoload=False)
    target = _Rows(rows)
    request = ScanRequest(targets=(target,), policy=policy_from_mapping(policy or {}), select=select,
                          now=now or datetime.now(UTC), include_passed=include_passed)
    stream = io.StringIO()
    summary = run_to_stream(request, registry, format, stream, shown=[target.shown])
    return ScanOutcome(stream.getvalue(), summary.exit_code, summary)
