"""The one place a scan is assembled: policy -> rules -> result stages -> reporters -> engine -> pipeline.

Everything that runs a scan goes through here: the ``scan`` and ``baseline create`` commands
(:mod:`checker.cli`), the plugin author kit (:func:`checker.testing.scan_rows`), the rule tests' harness
and the benchmarks. A scan is described by a :class:`ScanRequest` (plain values, no command-line syntax)
and run by :func:`run_scan` into :class:`Report` destinations; :func:`build_setup` gives the assembled
rules and stages for callers that bring their own reporter (``baseline create`` writes a baseline file).

Inputs come in two kinds. ``locations`` are what a user names (files, folders, ``-``, URIs such as
``aws://us-east-1``), routed to the registered sources by :class:`checker.inputs.Inputs`. ``targets`` are
inputs given as values (:class:`Target`: live AWS from ``--aws`` flags, the kit's in-memory rows), read
after the locations. Options a source needs beyond its location (Terraform's ``--var``, a Datadog site)
travel in ``source_options``, keyed by source name, and reach the source through
:meth:`ConfigurableSource.with_options`.

Importing this module is cheap: the core is imported when a scan is assembled.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from checker.engine import ConfiguredRule
    from checker.model import Problem, Severity
    from checker.policy import Policy
    from checker.registry import Registry, RuleTable
    from checker.reporters.base import ReportContext, Reporter
    from checker.scan import ResultStage
    from checker.sources.base import Item, Source
    from checker.summary import Summary

__all__ = [
    "ConfigurableSource",
    "Report",
    "ScanRequest",
    "Setup",
    "Target",
    "build_setup",
    "load_registry",
    "policy_rules",
    "run_scan",
]

Sink = Callable[[str], None]
"""Receives one line (a warning or a note) for stderr."""


def _ignore(_message: str) -> None:
    pass


@runtime_checkable
class Target(Protocol):
    """An input given as a value rather than a location string: live AWS built from ``--aws`` flags
    (:class:`checker.aws.flags.LiveAws`), in-memory rows (:func:`checker.testing.scan_rows`), and soon a
    DDSQL query."""

    @property
    def shown(self) -> str:
        """The input as reports name it (secrets redacted), e.g. ``aws://us-east-1?external-id=***``."""
        ...

    def check(self) -> None:
        """Check the target before anything is read (a usage mistake is exit 2, not a gap). Raises
        :class:`checker.errors.ConfigError`."""
        ...

    def read(self) -> Iterator[Item]:
        """Yield its records and problems; never raises (a failure is a SOURCE problem)."""
        ...


@runtime_checkable
class ConfigurableSource(Protocol):
    """A source that takes options besides the location (``ScanRequest.source_options[source.name]``)."""

    def with_options(self, options: Any) -> Source:
        """This source configured with ``options`` (a value of the source's own options type). Raises
        :class:`checker.errors.ConfigError` for options it cannot use."""
        ...


@dataclass(frozen=True)
class ScanRequest:
    """What to scan and how to judge it, as values (the CLI's flags, parsed).

    ``locations``: files, folders, ``-`` (stdin), ``scheme://`` URIs, in reading order. ``targets``:
    inputs given as values, read after the locations. ``input_format``: a source name that reads every
    file and stdin (``None``: by extension, else by content). ``config``: the policy file (``None``: the
    nearest ``bedrock-audit.toml`` or ``pyproject.toml`` from the working directory upwards), unless
    ``policy`` is given (an already-read :class:`~checker.policy.Policy`, e.g. from a mapping).
    ``waiver_files``: ``--waivers`` files, applied after the policy's. ``baseline``: a baseline file.
    ``select``/``ignore``: rule ids, names or globs replacing the policy's (``None``: the policy's).
    ``fail_on``: a severity name replacing the policy's. ``soft_fail``/``allow_empty`` add to the policy's.
    ``allow_partial``: gaps do not set exit 3 when a job was checked. ``now``: the scan clock, aware UTC
    (``None``: the current time). ``disabled_plugins``: plugin names not to load. ``source_options``:
    per-source options, ``{source name: options value}`` (see :class:`ConfigurableSource`).
    ``text_options``: the text report's ``group_by`` (``"rule"``, ``"job"``) and ``quiet`` (see ``ReportContext``).
    """

    locations: Sequence[str] = ()
    targets: Sequence[Target] = ()
    input_format: str | None = None
    config: Path | None = None
    policy: Policy | None = None
    waiver_files: Sequence[Path] = ()
    baseline: Path | None = None
    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    fail_on: str | None = None
    soft_fail: bool = False
    allow_empty: bool = False
    allow_partial: bool = False
    now: datetime | None = None
    disabled_plugins: Sequence[str] = ()
    source_options: Mapping[str, Any] = field(default_factory=dict)
    text_options: Mapping[str, Any] = field(default_factory=dict)
    include_passed: bool = False  # --include-passed: the JSON report lists every result, PASS included


@dataclass(frozen=True)
class Report:
    """One report of a scan: ``format`` (a registered report format) written to ``path`` atomically, or
    to stdout when ``path`` is ``None``."""

    format: str
    path: str | None = None


def load_registry(disabled: Iterable[str] = (), report: Callable[[Problem], None] | None = None) -> Registry:
    """Load the built-ins and the installed plugins except ``disabled``; ``report`` receives each plugin
    failure at once (the CLI prints them before any later error). Never raises for a plugin's fault."""
    from checker.plugins import load_plugins

    registry = load_plugins(disabled)
    for problem in registry.problems:
        if report is not None:
            report(problem)
    return registry


@contextlib.contextmanager
def plugin_failures_win(registry: Registry) -> Iterator[None]:
    """Turn a ``ConfigError`` raised inside into :class:`PluginConfigError` when a plugin failed to load."""
    from checker.errors import ConfigError, PluginConfigError

    try:
        yield
    except ConfigError as exc:
        if not registry.problems:
            raise
        raise PluginConfigError(f"{exc} (a plugin failed to load, see above)") from None


def load_request_policy(request: ScanRequest) -> Policy:
    """``request.policy``, else the policy file ``request.config``, else the discovered one. Raises ConfigError."""
    from checker.policy import discover, load_policy

    if request.policy is not None:
        return request.policy
    return load_policy(request.config if request.config is not None else discover(Path.cwd()))


@dataclass
class Setup:
    """A run's rules and result stages, built by :func:`build_setup` from the plugins, the policy and the
    request. ``fail_on``: the gate severity. ``now``: the scan clock (aware UTC)."""

    registry: Registry
    policy: Policy
    rule_plugin: dict[str, str]
    configured: list[ConfiguredRule]
    stages: list[ResultStage]
    fail_on: Severity
    now: datetime
    sources: dict[str, Source]

    def context(self, locations: list[str], soft_fail: bool = False, warn: Sink | None = None,
                request: ScanRequest | None = None) -> ReportContext:
        """The reporters' :class:`~checker.reporters.base.ReportContext`; ``locations`` as reports show them."""
        from checker import __version__
        from checker.reporters.base import ReportContext

        return ReportContext(version=__version__, now=self.now, fail_on=self.fail_on,
                             policy_path=str(self.policy.path) if self.policy.path else None,
                             rules=self.configured, plugins=self.registry.plugins, rule_plugin=self.rule_plugin,
                             locations=locations, soft_fail=soft_fail, warn=warn,
                             include_passed=bool(request and request.include_passed),
                             **(request.text_options if request else {}))

    def soft_fail(self, request: ScanRequest) -> bool:
        """``--soft-fail`` or the policy's ``soft-fail``."""
        return request.soft_fail or self.policy.soft_fail

    def run(self, request: ScanRequest, reporters: Sequence[Reporter], warn: Sink | None = None,
            note: Sink = _ignore) -> Summary:
        """Read the request's locations, then its targets, through the pipeline into ``reporters`` (the
        plugins' load failures first). Returns the :class:`~checker.summary.Summary` with the exit
        code. A plugin's ``print()`` goes to stderr, never into a report on stdout."""
        from checker.engine import Engine
        from checker.reporters.base import needs_timings
        from checker.scan import Pipeline, ScanSettings

        settings = ScanSettings(fail_on=self.fail_on, soft_fail=self.soft_fail(request),
                                allow_empty=request.allow_empty or self.policy.allow_empty,
                                allow_partial=request.allow_partial, now=self.now)
        engine = Engine(self.configured, timed=any(needs_timings(reporter) for reporter in reporters))
        pipeline = Pipeline(engine, reporters, settings, warn=warn, stages=self.stages, note=note)
        with contextlib.redirect_stdout(sys.stderr):
            return pipeline.run(self._items(request, note), preloaded=self.registry.problems)

    def _items(self, request: ScanRequest, note: Sink) -> Iterator[Item]:
        from checker.inputs import Inputs

        if request.locations:
            yield from Inputs(self.sources, note).read(list(request.locations), request.input_format)
        for target in request.targets:
            yield from target.read()


def _split(values: Sequence[str] | None) -> list[str] | None:
    """``["BA001,BA002", "BA004"]`` -> ``["BA001", "BA002", "BA004"]`` (env vars carry comma lists)."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _configured_sources(registry: Registry, options: Mapping[str, Any]) -> dict[str, Source]:
    """The registered sources, those named in ``options`` configured with theirs. Raises ``ConfigError``."""
    from checker.errors import ConfigError

    sources = dict(registry.sources)
    for name, value in options.items():
        source = sources.get(name)
        if source is None:
            raise ConfigError(f"options for unknown input source {name!r} (known: {', '.join(sources)})")
        if not isinstance(source, ConfigurableSource):
            raise ConfigError(f"input source {name!r} takes no options")
        sources[name] = source.with_options(value)
    return sources


def policy_rules(request: ScanRequest, registry: Registry, warn: Sink | None = None
                 ) -> tuple[Policy, RuleTable, dict[str, str], list[ConfiguredRule]]:
    """The request's policy, every rule (the registry's plus the policy's custom rules) with its plugin name,
    and the rules the policy and ``select``/``ignore`` run, configured. ``bedrock-audit rules`` lists them;
    :func:`build_setup` runs them. Raises ``ConfigError`` (policy file, custom rules, rule options)."""
    from checker.custom_rules import with_custom_rules
    from checker.policy import configure_rules

    policy = load_request_policy(request)
    rules, rule_plugin = with_custom_rules(registry, policy)
    configured = configure_rules(policy, rules, select=_split(request.select), ignore=_split(request.ignore),
                                 warn=warn or _ignore)
    return policy, rules, rule_plugin, configured


def build_setup(request: ScanRequest, registry: Registry, warn: Sink | None = None) -> Setup:
    """The rules and stages of a run. Raises ``ConfigError``, checking in this order: disabled-plugin
    names, the policy, its custom rules, the rule selection and options (:func:`policy_rules`), ``fail_on``,
    ``input_format``, the source options, the waiver files, the baseline file."""
    from checker.errors import ConfigError
    from checker.model import Severity
    from checker.scan import result_stages

    unknown = registry.unknown_disabled_message()
    if unknown:
        raise ConfigError(unknown)
    policy, rules, rule_plugin, configured = policy_rules(request, registry, warn)
    try:
        gate = Severity.parse(request.fail_on) if request.fail_on is not None else policy.fail_on
    except ValueError as exc:
        raise ConfigError(f"--fail-on: {exc}") from None
    if request.input_format is not None and request.input_format not in registry.sources:
        raise ConfigError(f"--input-format: unknown format {request.input_format!r} "
                          f"(known: {', '.join(registry.sources)})")
    sources = _configured_sources(registry, request.source_options)
    now = request.now or datetime.now(UTC)
    stages = result_stages(policy, list(request.waiver_files), request.baseline, now, configured)
    return Setup(registry, policy, rule_plugin, configured, stages, gate, now, sources)


def check_format(name: str, reporters: Mapping[str, Any]) -> None:
    """Raise ``ConfigError`` unless ``name`` is a registered report format."""
    from checker.errors import ConfigError

    if name not in reporters:
        raise ConfigError(f"unknown report format {name!r} (known: {', '.join(sorted(reporters))})")


def _check_reports(reports: Sequence[Report], registry: Registry) -> None:
    """Files first, in order, then stdout: a known format each, no file named twice."""
    from checker.errors import ConfigError

    seen: set[str] = set()
    for report in reports:
        if report.path is None:
            continue
        check_format(report.format, registry.reporters)
        resolved = os.path.realpath(report.path)
        if resolved in seen:
            raise ConfigError(f"--output: {report.path} is named twice")
        seen.add(resolved)
    for report in reports:
        if report.path is None:
            check_format(report.format, registry.reporters)


def _plugin_format(registry: Registry, name: str) -> str | None:
    """``"report format 'x' of plugin acme (acme-bedrock-rules 1.0)"``; ``None`` for a built-in format."""
    entry = registry.reporter_entries[name]
    return None if entry.builtin else f"report format {name!r} of plugin {entry.plugin.label}"


def shown_locations(request: ScanRequest) -> list[str]:
    """Check every ``aws://`` and ``ddsql://`` location and target now (a mistake is exit 2 before anything
    is read); return the inputs as reports show them (secrets redacted). Raises ``ConfigError``."""
    from checker.aws.flags import check_locations
    from checker.ddsql.preflight import check_locations as check_ddsql_locations

    shown = check_ddsql_locations(check_locations(request.locations))
    for target in request.targets:
        target.check()
        shown.append(target.shown)
    return shown


def run_scan(request: ScanRequest, reports: Sequence[Report], *, warn: Sink | None = None, note: Sink = _ignore,
             registry: Registry | None = None, shown: list[str] | None = None) -> Summary:
    """Run the scan ``request`` into ``reports`` (files written atomically: all committed after the scan,
    all discarded if it is interrupted or fails) and return the summary with the exit code.

    ``warn``/``note``: one-line warnings and notes for stderr. ``registry``: the loaded plugins (default:
    :func:`load_registry` with ``request.disabled_plugins``). ``shown``: the inputs as reports name them
    (default: :func:`shown_locations`). Raises ``ConfigError`` (usage, exit 2), :class:`PluginConfigError`
    (exit 4), ``OutputError`` (a report file cannot be written), ``ReporterFailed`` (a plugin's reporter).
    A report file naming an input (:func:`checker.clobber.refuse_inputs_as_outputs`) is a ``ConfigError``
    raised before anything is read or written.
    """
    from checker.clobber import read_extensions, refuse_inputs_as_outputs, scan_inputs
    from checker.reporters.guard import build_reporter
    from checker.reporters.output import AtomicFile, StdoutOutput

    if shown is None:
        shown = shown_locations(request)
    if registry is None:
        registry = load_registry(request.disabled_plugins)
    refuse_inputs_as_outputs([(f"--output {r.format}={r.path}", r.path) for r in reports if r.path is not None],
                             scan_inputs(request.locations, request.config, request.waiver_files, request.baseline),
                             read_extensions((e for s in registry.sources.values() for e in s.extensions),
                                             request.input_format))
    with plugin_failures_win(registry):
        setup = build_setup(request, registry, warn)
        _check_reports(reports, registry)
    context = setup.context(shown, setup.soft_fail(request), warn, request)
    ordered = [r for r in reports if r.path is not None] + [r for r in reports if r.path is None]
    opened: list[Any] = []
    try:
        for report in ordered:
            opened.append((report.format, StdoutOutput() if report.path is None else AtomicFile(report.path)))
        reporters = [build_reporter(registry.reporters[name], out.stream, context, _plugin_format(registry, name))
                     for name, out in opened]
        summary = setup.run(request, reporters, warn, note)
    except BaseException:
        for _, out in opened:
            out.abort()
        raise
    for _, out in opened:
        out.commit()
    return summary


def run_to_stream(request: ScanRequest, registry: Registry, format: str, stream: Any, *,
                  shown: list[str], warn: Sink | None = None) -> Summary:
    """Run ``request`` into one report of ``format`` written to ``stream`` (a text stream the caller owns),
    as :func:`run_scan` does (reporter guard, timings only when the report shows them). For the testing
    kit and benchmarks. Raises as :func:`run_scan`."""
    from checker.reporters.guard import build_reporter

    setup = build_setup(request, registry, warn)
    check_format(format, registry.reporters)
    context = setup.context(shown, setup.soft_fail(request), warn, request)
    reporter = build_reporter(registry.reporters[format], stream, context, _plugin_format(registry, format))
    return setup.run(request, [reporter], warn)
