"""The scan pipeline: raw rows -> table shape -> schema -> Job -> rules -> reporters -> totals.

One record at a time (``../shared/DESIGN.md`` §3): nothing here keeps per-job data, so memory stays
flat however large the input. Every problem reaches every reporter and the totals; the exit code is
computed here, once, from those totals.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from checker.arn import arn_parts
from checker.duplicates import SeenJobs, content_hash, job_identity
from checker.engine import ConfiguredRule, Engine
from checker.exitcodes import exit_code
from checker.model import ErrorKind, Job, JobRef, Problem, Provenance, Result, Severity, Status
from checker.normalize import Normalizer
from checker.reporters.base import Reporter
from checker.schema import TABLE_SCHEMA, SchemaValidator, load_schema, table_columns, table_validator, validator_for
from checker.sources.base import Item, RawRecord, SourceNote
from checker.summary import Summary

if TYPE_CHECKING:
    from checker.policy import Policy

PASS, FAIL, ERROR, SKIP = Status.PASS, Status.FAIL, Status.ERROR, Status.SKIP

MAX_DRIFT_WARNINGS = 50
"""Columns the table schema does not know that are named one by one in warnings. Past that, one warning
at the end counts the records with yet other unknown columns: an export where every row has a column of
its own must not fill memory, stderr and every report with a warning per row."""

MAX_DUPLICATE_WARNINGS = 50
"""Duplicate records (and, apart, records differing from an earlier one of the same job) named one by one
in warnings; past that, one warning at the end counts the rest."""


@dataclass
class ScanSettings:
    """How a scan judges its outcome: ``fail_on`` (lowest gating severity), ``soft_fail``,
    ``allow_empty`` (no records at all is fine), ``allow_partial`` (gaps -- unreadable sources, denied
    AWS calls, unknown data -- are reported but do not set exit 3, provided at least one job was
    evaluated), ``now`` (the clock rules and waivers see; aware UTC)."""

    fail_on: Severity = Severity.LOW
    soft_fail: bool = False
    allow_empty: bool = False
    allow_partial: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


class ResultStage(Protocol):
    """A step applied to each job's results after the rules ran and before the reporters see them
    (waivers: :class:`checker.waivers.WaiverStage`; baseline: :class:`checker.baseline.BaselineStage`)."""

    def apply(self, job: Job, results: list[Result]) -> list[Result]:
        """The job's results, possibly changed (one per rule, same order)."""
        ...

    def finish(self, summary: Summary, warn: Callable[[str], None]) -> None:
        """Called once after the last record, before the exit code is computed: add warnings or totals."""
        ...


def result_stages(policy: Policy, waiver_files: Sequence[Path], baseline: Path | None, now: datetime,
                  configured: Sequence[ConfiguredRule]) -> list[ResultStage]:
    """The result stages of a run: the waivers (the policy file's, then each ``--waivers`` file's), then
    the baseline. Raises :class:`checker.errors.ConfigError` for a bad waivers or baseline file, or a waiver
    the guardrails refuse (:mod:`checker.guardrails`)."""
    from checker.baseline import BaselineStage, load_baseline
    from checker.guardrails import check_waivers
    from checker.waivers import WaiverStage, load_waivers_file, policy_waivers

    stages: list[ResultStage] = []
    waivers = policy_waivers(policy)
    for path in waiver_files:
        waivers.extend(load_waivers_file(path))
    if waivers:
        notices = check_waivers(waivers, now, policy.waiver_max_days, policy.waiver_guardrails)  # may refuse
        stages.append(WaiverStage(waivers, now, [c.rule for c in configured], notices))
    if baseline is not None:
        stages.append(BaselineStage(load_baseline(baseline)))
    return stages


class Pipeline:
    """Validates and evaluates records, fanning results out to reporters.

    ``warn(message)`` receives one-line warnings as they arise (the CLI prints them on stderr); they
    are also collected in the summary for the reports. ``stages`` run in order on every job's results.
    """

    def __init__(self, engine: Engine, reporters: Sequence[Reporter], settings: ScanSettings,
                 warn: Callable[[str], None] | None = None, stages: Sequence[ResultStage] = (),
                 note: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.reporters = list(reporters)
        self.settings = settings
        self.stages = list(stages)
        self._warn_sink = warn
        self._note_sink = note
        self.evaluator = Evaluator(engine, settings.now)
        self._drift_seen: set[str] = set()
        self._drift_more: tuple[int, Provenance | None] = (0, None)  # records past MAX_DRIFT_WARNINGS
        self._seen = SeenJobs()
        self._first_unnamed: Provenance | None = None  # first duplicate past MAX_DUPLICATE_WARNINGS
        self._first_differing: Provenance | None = None  # first differing record past MAX_DUPLICATE_WARNINGS
        self.summary = Summary()

    def warn(self, message: str) -> None:
        """Record a warning for the reports and pass it on."""
        self.summary.warnings.append(message)
        if self._warn_sink is not None:
            self._warn_sink(message)

    def _source_problem(self, problem: Problem) -> None:
        """A problem a source yielded: a bad line or row counts as a record read."""
        if problem.provenance is not None and problem.kind is ErrorKind.INPUT:
            self.summary.records += 1
        self.problem(problem)

    def note(self, message: str) -> None:
        """A source's note (``SourceNote``): kept in the summary's notes and passed to the note sink."""
        self.summary.notes.append(message)
        if self._note_sink is not None:
            self._note_sink(message)

    def problem(self, problem: Problem) -> None:
        """Report a problem to every reporter and count it."""
        self.summary.problems[problem.kind] += 1
        for reporter in self.reporters:
            reporter.problem(problem)

    def run(self, items: Iterable[Item], preloaded: Iterable[Problem] = ()) -> Summary:
        """Consume ``items``; ``preloaded`` problems (plugin failures) are reported first.

        Returns the :class:`Summary` with the exit code set. Reporters get ``start`` before and
        ``finish`` after.
        """
        started = time.perf_counter()
        for reporter in self.reporters:
            reporter.start()
        for problem in preloaded:
            self.problem(problem)
        empty_ok = False
        for item in items:
            if isinstance(item, RawRecord):
                self.record(item)
            elif isinstance(item, SourceNote):
                empty_ok = empty_ok or item.readable_empty
                (self.warn if item.warning else self.note)(f"{item.location}: {item.message}")
            else:
                self._source_problem(item)
        summary = self.summary
        more, first = self._drift_more
        if more:
            self.warn(f"schema drift: {more} more records (the first at {first}) have columns not in the "
                      f"schema beyond the {MAX_DRIFT_WARNINGS} named above; kept, not checked")
        unnamed = summary.duplicates - MAX_DUPLICATE_WARNINGS
        if unnamed > 0:
            self.warn(f"duplicate jobs: {unnamed} more records (the first at {self._first_unnamed}) repeat a job "
                      f"read before, beyond the {MAX_DUPLICATE_WARNINGS} named above; each job was evaluated once")
        unnamed = summary.differing - MAX_DUPLICATE_WARNINGS
        if unnamed > 0:
            self.warn(f"jobs read twice: {unnamed} more records (the first at {self._first_differing}) differ from "
                      f"a record of the same job read before, beyond the {MAX_DUPLICATE_WARNINGS} named above; "
                      "all checked")
        if summary.records == 0 and not self.settings.allow_empty and not empty_ok:
            self.problem(Problem(ErrorKind.INPUT, "no job records in the input (use --allow-empty if "
                                                  "that is expected)"))
        for stage in self.stages:
            stage.finish(summary, self.warn)
        summary.exit_code = int(exit_code(gate_failures=summary.gate_failures,
                                          input_errors=summary.input_errors,
                                          plugin_errors=summary.plugin_errors,
                                          soft_fail=self.settings.soft_fail,
                                          allow_partial=self.settings.allow_partial and summary.jobs > 0))
        summary.elapsed = time.perf_counter() - started
        for reporter in self.reporters:
            reporter.finish(summary)
        return summary

    def record(self, raw: RawRecord) -> None:
        """Normalise, validate and evaluate one raw row, then report it. A record of a job already read in
        this scan (same job ARN or planned address) with the same content is not evaluated again but named
        as a duplicate; one whose content differs is evaluated and named (:mod:`checker.duplicates`)."""
        outcome = self.evaluator.check(raw)
        job = outcome.job
        if job is not None:
            identity = job_identity(job.row, job.provenance)
            earlier = None if identity is None else self._seen.first_seen(
                identity, job.provenance, content_hash(job.row, job.unknown))
            if earlier is not None:
                if earlier.same:
                    self._duplicate(job, earlier.at)
                    return
                self._differing(job, earlier.at)
            outcome = outcome._replace(results=self.engine.evaluate(job))
        self.consume(outcome)

    def _duplicate(self, job: Job, first: Provenance) -> None:
        """Count a record of a job read before and name it (the first :data:`MAX_DUPLICATE_WARNINGS`)."""
        summary = self.summary
        summary.records += 1
        summary.duplicates += 1
        if summary.duplicates > MAX_DUPLICATE_WARNINGS:
            self._first_unnamed = self._first_unnamed or job.provenance
            return
        self.warn(f"duplicate job {JobRef.of(job).label}: the record at {job.provenance} repeats the one at "
                  f"{first} (same {_same(job)}); evaluated once, from the first record")

    def _differing(self, job: Job, first: Provenance) -> None:
        """Count a record of a job read before whose content differs (it is evaluated too) and name it (the
        first :data:`MAX_DUPLICATE_WARNINGS`)."""
        summary = self.summary
        summary.differing += 1
        if summary.differing > MAX_DUPLICATE_WARNINGS:
            self._first_differing = self._first_differing or job.provenance
            return
        self.warn(f"job {JobRef.of(job).label} read twice: the record at {job.provenance} differs from the one "
                  f"at {first} (same {_same(job)}): both records checked")

    def consume(self, outcome: Outcome) -> None:
        """Count and report one evaluated record: waivers and baselines (stages) run here."""
        summary = self.summary
        summary.records += 1
        if outcome.extra_columns:
            self._note_drift(outcome.extra_columns, outcome.provenance)
        if outcome.problem is not None:
            self.problem(outcome.problem)
            return
        job, results = outcome.job, outcome.results
        assert job is not None
        for stage in self.stages:
            results = stage.apply(job, results)
        summary.jobs += 1
        counts = summary.results
        for result in results:
            status = result.status
            counts[status] += 1
            if status is not PASS:
                if status is FAIL:
                    summary.failures[result.severity] += 1
                    if result.baseline == "existing":
                        summary.baselined += 1
                    elif result.severity >= self.settings.fail_on:  # exitcodes.gates, inlined (hot loop)
                        summary.gate_failures += 1
                elif status is ERROR and result.error_kind is not None:
                    summary.error_results[result.error_kind] += 1
                elif status is SKIP and result.waiver:
                    summary.waived += 1
        reference = JobRef.of(job)
        for reporter in self.reporters:
            reporter.job(reference, outcome.provenance, results)

    def _note_drift(self, columns: Iterable[str], provenance: Provenance) -> None:
        for column in columns:
            if column not in self._drift_seen:
                if len(self._drift_seen) >= MAX_DRIFT_WARNINGS:
                    more, first = self._drift_more
                    self._drift_more = (more + 1, first or provenance)
                    return
                self._drift_seen.add(str(column))
                self.warn(f"schema drift: column {column!r} (first seen at {provenance}) is not in the "
                          "aws.bedrock_model_invocation_job schema; kept, not checked")


class Outcome(NamedTuple):
    """One raw row after normalisation, validation and the rules (before waivers, baselines and reports).

    Either ``problem`` (a schema-invalid record) or ``job`` with its ``results`` is set.
    ``extra_columns``: columns the table schema does not know (schema drift), usually empty.
    """

    provenance: Provenance
    problem: Problem | None
    job: Job | None
    results: list[Result]
    extra_columns: tuple[str, ...] = ()


class Evaluator:
    """Normalise, validate and evaluate one raw row: the per-record work, free of reporting and of any
    state that spans records (``benchmarks/pool_experiment.py`` runs it in worker processes)."""

    def __init__(self, engine: Engine, now: datetime) -> None:
        self.engine = engine
        self.now = now
        types, table = table_columns()
        self.normalizer = Normalizer(types, table)
        self.validator = table_validator()
        self.known_columns = frozenset(load_schema(TABLE_SCHEMA)["properties"])
        self._planned: SchemaValidator | None = None

    def __call__(self, raw: RawRecord) -> Outcome:
        """The :class:`Outcome` of ``raw``. Never raises for bad data (rules are isolated by the engine)."""
        outcome = self.check(raw)
        if outcome.job is None:
            return outcome
        return outcome._replace(results=self.engine.evaluate(outcome.job))

    def check(self, raw: RawRecord) -> Outcome:
        """The :class:`Outcome` of ``raw`` before the rules: its ``job`` (results empty) or its
        ``problem``. Never raises for bad data."""
        try:
            if raw.provenance.kind != "planned":
                row, unknown = self.normalizer.normalize(raw.data)
                validator = self.validator
            else:  # a request body (plan, .tf, request file): API shape, planned-job schema
                row, unknown = self.normalizer.from_api(raw.data)
                unknown.pop("tags", None)  # a planned record says what its tags will be (null: none)
                for column in raw.unknown:  # known only after apply: absent, never null
                    row.pop(column, None)
                validator = self._planned_validator()
            extra: tuple[str, ...] = ()
            if not self.known_columns.issuperset(row):
                extra = tuple(str(c) for c in row if c not in self.known_columns)
            errors = validator.errors(row)
        except RecursionError:  # a value nested hundreds of levels deep: this record, not the scan, fails
            return Outcome(raw.provenance, Problem(ErrorKind.INPUT, "record nested too deeply to check (a value "
                                                   "has hundreds of levels of objects or arrays)",
                                                   raw.provenance), None, [])
        if raw.unknown:
            unknown.update(raw.unknown)
        if errors:
            first = errors[0]
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            known = _partial_ref(row) if raw.provenance.kind != "planned" else JobRef(
                None, row.get("job_name") if isinstance(row.get("job_name"), str) else None,
                raw.data.get("accountId") if isinstance(raw.data.get("accountId"), str) else None,
                raw.facts.get("region"), raw.provenance.identity)
            if raw.provenance.kind == "planned" and first.pointer:
                located = raw.provenance.at(first.pointer)
                return Outcome(raw.provenance, Problem(ErrorKind.INPUT, f"schema-invalid planned job "
                                                       f"{raw.provenance.identity}: {first}{more}", located,
                                                       first.pointer, known, pattern=first.pattern),
                               None, [], extra)
            return Outcome(raw.provenance, Problem(ErrorKind.INPUT, f"schema-invalid record: {first}{more}",
                                                   raw.provenance, first.pointer, known, pattern=first.pattern),
                           None, [], extra)
        return Outcome(raw.provenance, None, Job(row, raw.provenance, unknown, self.now, raw.facts), [], extra)

    def _planned_validator(self) -> SchemaValidator:
        """The validator of the planned-job schema (:func:`checker.planned.records.planned_schema`)."""
        if self._planned is None:
            from checker.planned.records import planned_schema

            self._planned = validator_for(planned_schema(load_schema(TABLE_SCHEMA)))
        return self._planned


def _same(job: Job) -> str:
    """What two records of ``job`` share: ``"job ARN"`` or ``"address"`` (a planned job's)."""
    return "job ARN" if job.row.get("job_arn") else "address"


def _partial_ref(row: dict[str, Any]) -> JobRef | None:
    """What is known of a schema-invalid record's job: its ARN (and the account and region in it) and
    name, where they are strings; ``None`` without a job ARN."""
    arn, name, account = row.get("job_arn"), row.get("job_name"), row.get("account_id")
    if not isinstance(arn, str):
        return None
    parts = arn_parts(arn)
    return JobRef(arn, name if isinstance(name, str) else None,
                  account if isinstance(account, str) and account else parts.get("account"), parts.get("region"))
