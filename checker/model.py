"""The plain data the pipeline passes around: severities, statuses, provenance, jobs, rules, results.

Nothing here does I/O or imports a rule. Rule authors use :class:`Rule`, :class:`Job`,
:class:`Verdict` (through :func:`passed`, :func:`failed`, :func:`not_applicable`) and :class:`Severity`;
everything else is for reporters and the engine.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from checker.arn import arn_parts
from checker.timeutil import parse_rfc3339


class Severity(enum.IntEnum):
    """How bad a FAIL is. Ordered: ``INFO < LOW < MEDIUM < HIGH < CRITICAL``.

    The lowercase names (``"high"``) are what the policy file, the CLI and every report use.
    """

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    label: str
    """The lowercase name used in policy files and reports, e.g. ``"high"`` (set below, once)."""

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"High"`` -> ``Severity.HIGH``. Raises ``ValueError`` naming the accepted values."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


for _severity in Severity:
    _severity.label = _severity.name.lower()


class Status(enum.StrEnum):
    """The outcome of one rule on one job.

    PASS: compliant. FAIL: a finding. ERROR: the rule could not decide (it raised, or data it needs is
    unknown) -- never treated as a pass. SKIP: waived or not applicable, always with a reason.
    """

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    SKIP = "SKIP"


class ErrorKind(enum.StrEnum):
    """Why something could not be checked; decides the exit code (see :mod:`checker.exitcodes`).

    INPUT: unreadable or unparsable data, a schema-invalid record, data a rule needed was unknown (exit 3).
    SOURCE: a whole source failed (missing file, denied AWS call) (exit 3).
    RULE: a rule raised (exit 4). PLUGIN: a plugin failed to load or register (exit 4).
    """

    INPUT = "input"
    SOURCE = "source"
    RULE = "rule"
    PLUGIN = "plugin"


class Provenance(NamedTuple):
    """Where a record came from.

    ``source``: the path as the user gave it, ``"-"`` for stdin, or a synthetic name for live AWS
    (``aws://123456789012/us-east-1``). ``line``: 1-based line of the record's start in a text file, or
    ``None`` where the format has no lines (DDSQL tabular response). ``record``: 1-based ordinal of the
    record within its source. A job defined before it exists (a Terraform plan or ``.tf`` resource, a
    request file) has ``kind`` ``"planned"``, its ``identity`` (the resource address
    ``module.batch.aws_bedrock_model_invocation_job.this["nightly"]``, or ``FILE#N``) and ``places``:
    ``(pointer, file, line)`` of each attribute set in a file (see :meth:`at`), longest pointer first.
    """

    source: str
    line: int | None = None
    record: int | None = None
    kind: str | None = None
    identity: str | None = None
    places: tuple[tuple[str, str, int | None], ...] = ()

    def at(self, pointer: str | None) -> Provenance:
        """Where the field at ``pointer`` (a JSON pointer into the record) is set, when :attr:`places` knows
        (the longest place whose pointer is ``pointer`` or a parent of it); else this provenance."""
        if pointer and self.places:
            for prefix, file, line in self.places:  # longest pointer first
                if prefix and (pointer == prefix or pointer.startswith(prefix + "/")):
                    return self._replace(source=file, line=line)
        return self

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        if self.record is not None:
            return f"{self.source}#{self.record}"
        return self.source


class UnknownData(Exception):  # noqa: N818 - it is a condition a rule meets, not a programming error
    """Raised by :class:`Job` accessors when a rule asks for data the input does not have.

    The engine turns it into an ERROR result with ``str(exc)`` as the message (input error, exit 3):
    unknown is never a pass. ``column`` names the column.
    """

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


@dataclass(slots=True)
class Job:
    """One validated job record in the table's canonical shape, with its provenance.

    ``row`` holds the table-shape record (snake_case columns, RFC 3339 UTC timestamp strings, tags as a
    ``{key: value}`` dict); it has passed the table schema. ``unknown`` maps each column whose value is
    unknown to the reason (``"column vpc_config not in input"``, ``"tags not fetched ..."``). Missing is
    not null: a column in ``unknown`` makes :meth:`get` raise :class:`UnknownData`; a column present with
    ``None`` is data. ``now`` is the scan's clock (aware UTC; fixed by ``--now``): rules that judge age
    use it instead of reading the system clock, so they stay pure and testable.

    ``facts`` says, per column, what the record cannot: for a job Terraform manages ``tags``: "the
    Terraform resource ... cannot carry tags", ``client_request_token``: "the provider sends a generated
    token"; for a :attr:`planned` job also its ``region`` and ``partition`` where known (it has no ARN).
    """

    row: dict[str, Any]
    provenance: Provenance
    unknown: Mapping[str, str] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    facts: Mapping[str, str] = field(default_factory=dict)
    _arn: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _times: dict[str, datetime | None] | None = field(default=None, init=False, repr=False, compare=False)

    def arn_parts(self) -> dict[str, str]:
        """Partition, region and account of the job ARN (see :func:`arn_parts`), parsed once; for a planned
        job (no ARN yet) its known ``region`` and ``partition``."""
        if self._arn is None:
            arn = self.row.get("job_arn")
            if isinstance(arn, str) or not self.planned:
                self._arn = arn_parts(str(arn))
            else:
                self._arn = {key: self.facts[key] for key in ("partition", "region") if key in self.facts}
        return self._arn

    @property
    def planned(self) -> bool:
        """True for a job defined before it exists (Terraform plan or ``.tf`` resource, request file): it
        has no ARN, status or times yet (provenance kind ``"planned"``)."""
        return self.provenance.kind == "planned"

    def get(self, column: str) -> Any:
        """The value of ``column`` (``None`` if it is null). Raises :class:`UnknownData` if unknown."""
        reason = self.unknown.get(column)
        if reason is not None:
            raise UnknownData(column, reason)
        return self.row.get(column)

    @property
    def job_arn(self) -> str:
        """The job ARN, e.g. ``arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/x7k2m9q4p1ab``;
        ``""`` for a planned job (see :attr:`identity`)."""
        arn = self.row.get("job_arn")
        return "" if arn is None else str(arn)

    @property
    def identity(self) -> str:
        """What names the job in messages, waivers and baselines: its ARN, or for a planned job its
        resource address or ``FILE#N``."""
        return self.job_arn or self.provenance.identity or str(self.provenance)

    @property
    def job_name(self) -> str | None:
        """The job name, or ``None`` when absent or null."""
        name = self.row.get("job_name")
        return name if isinstance(name, str) else None

    @property
    def account_id(self) -> str | None:
        """12-digit account ID: the ``account_id`` column, else the one in the job ARN."""
        account = self.row.get("account_id")
        if isinstance(account, str) and account:
            return account
        if self.planned and "account_id" in self.unknown:
            raise UnknownData("account_id", self.unknown["account_id"])
        return self.arn_parts().get("account")

    @property
    def region(self) -> str | None:
        """AWS region from the job ARN (the table has no region column), e.g. ``"us-east-1"``. Raises
        :class:`UnknownData` for a planned job whose region is unknown."""
        region = self.arn_parts().get("region")
        if region is None and self.planned and "region" in self.unknown:
            raise UnknownData("region", self.unknown["region"])
        return region

    @property
    def partition(self) -> str | None:
        """AWS partition from the job ARN (``aws``, ``aws-us-gov``, ``aws-cn`` ...)."""
        return self.arn_parts().get("partition")

    def tags(self) -> dict[str, str] | None:
        """The tags as ``{key: value}`` (multi-valued tags comma-joined, sorted), ``None`` if null.

        Raises :class:`UnknownData` when tags are unknown (column absent, or not fetched from AWS).
        """
        value = self.get("tags")
        return value if value is None else dict(value)

    def timestamp(self, column: str) -> datetime | None:
        """A timestamp column as an aware UTC ``datetime`` (``None`` if null). Raises :class:`UnknownData`
        when the column is unknown or its time cannot be held as a UTC ``datetime`` (years 1-9999)."""
        times = self._times
        if times is None:
            times = self._times = {}
        elif column in times:
            return times[column]
        value = self.get(column)
        try:
            parsed = None if value is None else parse_rfc3339(value)
        except OverflowError:  # a valid RFC 3339 time whose UTC form is before year 1 or after 9999
            raise UnknownData(column, f"{column} {value!r} is outside the years 1-9999 in UTC") from None
        times[column] = parsed
        return parsed


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a rule's check function returns for one job: PASS, FAIL or SKIP (not applicable).

    Build it with :func:`passed`, :func:`failed` or :func:`not_applicable`. ``pointer`` is a JSON
    pointer (RFC 6901) into the table-shape record naming the offending field, e.g. ``"/vpc_config"``.
    """

    status: Status
    message: str = ""
    pointer: str | None = None


PASSED = Verdict(Status.PASS)
"""The verdict :func:`passed` returns (one shared instance: the engine recognises it cheaply)."""


def passed() -> Verdict:
    """The job complies with the rule."""
    return PASSED


def failed(message: str, pointer: str | None = None) -> Verdict:
    """A finding. ``message`` must say what is wrong (it is never empty); ``pointer`` names the field."""
    if not message:
        raise ValueError("a FAIL needs a message")
    return Verdict(Status.FAIL, message, pointer)


def not_applicable(reason: str) -> Verdict:
    """The rule does not apply to this job (SKIP with ``reason``)."""
    if not reason:
        raise ValueError("a SKIP needs a reason")
    return Verdict(Status.SKIP, f"not applicable: {reason}")


CheckFunction = Callable[[Job, Mapping[str, Any]], Verdict]

RULE_ID_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}[0-9]{3}$")
RULE_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

RESERVED_PREFIX = "BA"
"""Rule-id prefix of bedrock-audit's built-in rules; neither plugins nor custom rules may use it."""


def reserved_rule_id(rule_id: str) -> bool:
    """True for an id in the built-in rules' range: :data:`RESERVED_PREFIX` then a digit (``BA001``;
    ``BAX001`` is free)."""
    return rule_id.startswith(RESERVED_PREFIX) and rule_id[len(RESERVED_PREFIX):][:1].isdigit()


@dataclass(frozen=True)
class Rule:
    """A rule: metadata plus a pure check function of one :class:`Job` (no I/O).

    ``id`` is stable and never reused (``BA001``; third parties use their own prefix, e.g. ``ACME001``).
    ``name`` is a slug (``vpc-config-required``). ``check(job, params)`` returns a :class:`Verdict`;
    ``params`` is the rule's options after validation against ``params_schema`` with its defaults filled.
    ``applies_to`` lists the job statuses the rule checks (``None``: all); jobs in other statuses get
    SKIP "not applicable". ``columns`` names the columns the rule reads (documentation and reports).
    Raises ``ValueError`` on malformed metadata (bad id, name or empty text).
    """

    id: str
    name: str
    title: str
    description: str
    rationale: str
    remediation: str
    severity: Severity
    check: CheckFunction
    help_url: str
    categories: tuple[str, ...] = ()
    params_schema: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}, "additionalProperties": False}
    )
    enabled_by_default: bool = True
    applies_to: frozenset[str] | None = None
    columns: tuple[str, ...] = ()
    controls: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not RULE_ID_RE.match(self.id):
            raise ValueError(f"rule id {self.id!r} must look like BA001 (uppercase prefix, 3 digits)")
        if not RULE_NAME_RE.match(self.name):
            raise ValueError(f"rule {self.id}: name {self.name!r} must be a lowercase slug")
        for attr in ("title", "description", "rationale", "remediation", "help_url"):
            if not getattr(self, attr):
                raise ValueError(f"rule {self.id}: {attr} must not be empty")
        if not isinstance(self.severity, Severity):
            raise ValueError(f"rule {self.id}: severity must be a Severity")
        if not callable(self.check):
            raise ValueError(f"rule {self.id}: check must be callable")

    def metadata(self) -> dict[str, Any]:
        """The JSON-ready metadata (everything but ``check``), as validated by rule-metadata.schema.json."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "rationale": self.rationale,
            "remediation": self.remediation,
            "severity": self.severity.label,
            "help_url": self.help_url,
            "categories": list(self.categories),
            "params_schema": dict(self.params_schema),
            "enabled_by_default": self.enabled_by_default,
            "applies_to": sorted(self.applies_to) if self.applies_to is not None else None,
            "columns": list(self.columns),
            "controls": {k: dict(v) for k, v in self.controls.items()},
        }


class Result(NamedTuple):
    """One rule's outcome on one job, as every reporter receives it (immutable; ``_replace`` to derive).

    ``message`` is never empty for FAIL, ERROR and SKIP. ``error_kind`` is set for ERROR only
    (INPUT: data the rule needs is unknown; RULE: the rule raised). ``duration`` is seconds (float).
    ``waiver`` is set when a waiver turned a FAIL into SKIP (or lapsed: then status stays FAIL).
    ``baseline`` is set on FAIL and waived results when the scan compares with a baseline: ``"new"``, or
    ``"existing"`` (in the baseline: reported, but it does not fail the gate).
    """

    rule: Rule
    severity: Severity
    status: Status
    message: str
    pointer: str | None
    error_kind: ErrorKind | None = None
    duration: float = 0.0
    waiver: Mapping[str, Any] | None = None
    baseline: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that could not be checked at all: a bad line, a schema-invalid record, a failed source,
    a plugin that did not load. Always shown in every report and reflected in the exit code.

    ``pointer`` is the JSON pointer of the offending field for schema errors; ``job`` is known when the
    record had a job ARN. ``pattern``: the regular expression a schema-invalid value failed (the message
    says it in words; programs read it from the JSON report's ``pattern``).
    """

    kind: ErrorKind
    message: str
    provenance: Provenance | None = None
    pointer: str | None = None
    job: JobRef | None = None
    plugin: str | None = None
    pattern: str | None = None


from checker.jobref import JobRef  # noqa: E402 - re-exported here, where reports and rules have found it
