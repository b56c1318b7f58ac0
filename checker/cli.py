"""The ``bedrock-audit`` command line: parse options, call the core, print errors, exit.

No logic of its own: the pipeline is :mod:`checker.scan`, the policy :mod:`checker.policy`, plugins
:mod:`checker.plugins`. User mistakes print one line on stderr and exit 2 (usage/config), 3 (input) or 4
(plugin); ``--traceback`` shows the stack of an unexpected failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from checker import __version__
from checker.aws.cli_options import (
    AccountOption,
    AccountsFileOption,
    AllRegionsFlag,
    AwsFlag,
    AwsFlags,
    ConcurrencyOption,
    ExternalIdOption,
    FetchAwsFlag,
    MaxAttemptsOption,
    ProfileOption,
    RegionOption,
    RoleArnOption,
    StatusOption,
    SubmittedAfterOption,
)
from checker.exitcodes import ExitCode
from checker.reporters.base import printable  # already loaded by `import checker`

if TYPE_CHECKING:
    from checker.engine import ConfiguredRule
    from checker.model import Severity
    from checker.plugins import Registry
    from checker.policy import Policy
    from checker.reporters.base import ReportContext, Reporter, Summary
    from checker.scan import ResultStage

EPILOG = (
    "Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage or configuration error; "
    "3 input error (unreadable, unparsable or schema-invalid records, no records, data a rule needed "
    "was missing, an AWS account/region that could not be listed; --allow-partial keeps these out); "
    "4 plugin or rule error. The highest applicable code wins."
)
BASELINE_EPILOG = (
    "Exit codes: 0 baseline written (findings never fail this command); 2 usage or configuration error; "
    "3 input error (unreadable, unparsable or schema-invalid records, no records, data a rule needed was "
    "missing, an AWS account/region that could not be listed); 4 plugin or rule error. On 2-4 nothing is "
    "written."
)

app = typer.Typer(
    name="bedrock-audit",
    help="Policy-as-code compliance checks for Amazon Bedrock batch inference jobs "
    "(model invocation jobs), for CI gates and audits.",
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
baseline_app = typer.Typer(help="Record today's failures so that a scan with --baseline fails only on "
                           "new ones.", no_args_is_help=True)
rules_app = typer.Typer(help="""List every rule (id, name, severity, whether the current policy runs it,
plugin, title), or show one in full. Includes the policy file's [[custom-rules]] (plugin "policy").
Exits 4 if a plugin failed to load (the rules that did load are still listed), 2 if the policy file is
wrong.

Examples:

\b
  bedrock-audit rules
  bedrock-audit rules -f json --config bedrock-audit.toml
  bedrock-audit rules --framework nist-800-53
  bedrock-audit rules show BA004
""", no_args_is_help=False)
app.add_typer(rules_app, name="rules")
app.add_typer(baseline_app, name="baseline")


def _error(message: str, code: ExitCode) -> NoReturn:
    print(f"bedrock-audit: error: {printable(message)}", file=sys.stderr)
    raise typer.Exit(int(code))


def _warn(message: str) -> None:
    print(f"bedrock-audit: warning: {printable(message)}", file=sys.stderr)


def _note(message: str) -> None:
    print(f"bedrock-audit: note: {printable(message)}", file=sys.stderr)


class _Terminated(BaseException):
    """SIGTERM arrived (a CI runner cancelling the job): unwind like Ctrl-C, so report files are discarded."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _guard(show_traceback: bool, action: Callable[[], int]) -> NoReturn:
    """Run a command body; map known errors to exit codes, unknown ones to an internal error (4).

    SIGINT exits 130 and SIGTERM 143 (128 + signal number), after the report files were discarded.
    """
    from checker.policy import ConfigError
    from checker.reporters.guard import ReporterFailed
    from checker.reporters.output import OutputError

    with contextlib.suppress(ValueError):  # ValueError: not the main thread (an embedding caller's)
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = action()
    except _Terminated:
        print("bedrock-audit: terminated", file=sys.stderr)
        raise typer.Exit(128 + signal.SIGTERM) from None
    except (ConfigError, OutputError) as exc:
        _error(str(exc), ExitCode.USAGE)
    except ReporterFailed as exc:
        _error(str(exc), ExitCode.PLUGIN)
    except typer.Exit:
        raise
    except SystemExit as exc:  # sys.exit() in plugin code must not end the run with its code
        _error(f"plugin code called sys.exit({exc.code!r}); the run was stopped", ExitCode.PLUGIN)
    except KeyboardInterrupt:
        print("bedrock-audit: interrupted", file=sys.stderr)
        raise typer.Exit(130) from None
    except BrokenPipeError:  # e.g. `bedrock-audit scan ... | head`: the report on stdout is incomplete
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("bedrock-audit: error: stdout was closed before the report was complete (broken pipe)",
              file=sys.stderr)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    except Exception as exc:  # noqa: BLE001 - a bug of ours: fail closed, say how to see more
        if show_traceback:
            traceback.print_exc()
        else:
            print(f"bedrock-audit: internal error: {type(exc).__name__}: {exc} "
                  "(rerun with --traceback to see where)", file=sys.stderr)
        raise typer.Exit(int(ExitCode.PLUGIN)) from None
    raise typer.Exit(code)


def _version_callback(value: bool) -> None:
    if value:
        from checker.plugins import AUTOLOAD_ENV, autoload_enabled, describe_entry_points

        print(f"bedrock-audit {__version__}")
        off = "" if autoload_enabled() else f" (not loaded: {AUTOLOAD_ENV} is set)"
        for line in describe_entry_points():
            print(f"  plugin {line}{off}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", help="Print the version (and plugin "
                                          "versions) and exit.", callback=_version_callback,
                                          is_eager=True)] = False,
) -> None:
    """Policy-as-code compliance checks for Amazon Bedrock batch inference jobs."""


DisableOption = Annotated[
    list[str] | None,
    typer.Option("--disable-plugin", metavar="NAME", envvar="BEDROCK_AUDIT_DISABLE_PLUGIN",
                 help="Do not load this plugin (repeatable). Set BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD=1 to "
                      "load no third-party plugins at all."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", metavar="PATH", envvar="BEDROCK_AUDIT_CONFIG",
                 help="Policy file (TOML). Default: the nearest bedrock-audit.toml, or pyproject.toml with "
                      "[tool.bedrock-audit], from the working directory upwards.",
                 dir_okay=False),
]
TracebackOption = Annotated[
    bool, typer.Option("--traceback", help="Show the Python stack when bedrock-audit itself fails.")
]
AllowPartialOption = Annotated[bool, typer.Option(
    "--allow-partial", help="Gaps (a denied or unreachable AWS account/region, unreadable input, unknown "
                            "data) are still reported but do not exit 3: the exit code reflects findings. "
                            "Needs at least one job checked.")]
WaiversOption = Annotated[
    list[Path] | None,
    typer.Option("--waivers", metavar="FILE", envvar="BEDROCK_AUDIT_WAIVERS",
                 help="TOML file of [[waivers]] (rule, job, reason, owner, expires; see README \"Waivers\"), "
                      "applied with the policy file's (repeatable).", dir_okay=False, show_default=False),
]


def _load(disabled: list[str] | None) -> Registry:
    """Load plugins; print each plugin failure as an error line on stderr."""
    from checker.plugins import load_plugins

    registry = load_plugins(disabled or ())
    for problem in registry.problems:
        print(f"bedrock-audit: error: {problem.message}", file=sys.stderr)
    return registry


def _unknown_disabled(registry: Registry) -> str | None:
    """The message for ``--disable-plugin`` names that match no plugin, or ``None``."""
    if not registry.unknown_disabled:
        return None
    names = ", ".join(p.name for p in registry.plugins)
    return (f"--disable-plugin {', '.join(registry.unknown_disabled)}: no plugin has that name "
            f"(plugins: {names}; see `bedrock-audit plugins`)")


@contextlib.contextmanager
def _plugin_failures_win(registry: Registry) -> Iterator[None]:
    """A configuration error after a plugin failed exits 4, not 2: the highest applicable code wins, and
    a missing rule or format is often the failed plugin's (``[rules.ACME001]``, ``-f acme-csv``)."""
    from checker.policy import ConfigError

    try:
        yield
    except ConfigError as exc:
        if not registry.problems:
            raise
        _error(f"{exc} (a plugin failed to load, see above)", ExitCode.PLUGIN)


def _policy(config: Path | None) -> Policy:
    from checker.policy import discover, load_policy

    path = config if config is not None else discover(Path.cwd())
    return load_policy(path)


@app.command(epilog=EPILOG)
def scan(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="PATH",
        help="Job exports to check: .jsonl/.ndjson, .json (row array, AWS list/get output, DDSQL tabular "
             "response) or .csv files, folders of them, - for stdin, or aws://REGION,... for live AWS "
             "(see --aws).",
        show_default=False)] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT", envvar="BEDROCK_AUDIT_FORMAT",
        help="Report written to stdout: text, json, junit, sarif or markdown (and plugin formats).")] = "text",
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT=PATH",
        help="Also write a report to a file, atomically (repeatable), e.g. -o junit=results.xml, "
             "-o sarif=bedrock-audit.sarif, -o markdown=summary.md.")] = None,
    config: ConfigOption = None,
    waivers: WaiversOption = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", metavar="FILE", envvar="BEDROCK_AUDIT_BASELINE", dir_okay=False,
        help="Fail only on findings not in this baseline (from `bedrock-audit baseline create`); findings "
             "in it are still reported, as existing, and fixed entries are listed.")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", metavar="SEVERITY", envvar="BEDROCK_AUDIT_FAIL_ON",
        help="Lowest severity of a FAIL that fails the gate: critical, high, medium, low, info. "
             "[default: low, or the policy file's fail-on]", show_default=False)] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", metavar="RULE", envvar="BEDROCK_AUDIT_SELECT",
        help="Run only these rules: ids, names or globs (repeatable; replaces the policy's select).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="RULE", envvar="BEDROCK_AUDIT_IGNORE",
        help="Do not run these rules: ids, names or globs (repeatable; replaces the policy's ignore).")] = None,
    soft_fail: Annotated[bool, typer.Option(
        "--soft-fail", help="Exit 0 instead of 1 when findings fail the gate (2-4 are never hidden).")] = False,
    allow_empty: Annotated[bool, typer.Option(
        "--allow-empty", help="No records at all is not an error.")] = False,
    now: Annotated[str | None, typer.Option(
        "--now", metavar="TIMESTAMP", envvar="BEDROCK_AUDIT_NOW",
        help="The clock for age-based rules and waiver expiry, RFC 3339 (2025-06-30T00:00:00Z) or a "
             "date; default: the current time. Makes scans reproducible.")] = None,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", metavar="NAME",
        help="Format of the inputs (jsonl, json, csv) instead of guessing from extension or content; "
             "needed for stdin only when guessing fails.")] = None,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
    allow_partial: AllowPartialOption = False,
    aws: AwsFlag = False,
    region: RegionOption = None,
    all_regions: AllRegionsFlag = False,
    profile: ProfileOption = None,
    role_arn: RoleArnOption = None,
    account: AccountOption = None,
    accounts_file: AccountsFileOption = None,
    external_id: ExternalIdOption = None,
    status: StatusOption = None,
    submitted_after: SubmittedAfterOption = None,
    max_attempts: MaxAttemptsOption = None,
    concurrency: ConcurrencyOption = None,
    tf_dir: Annotated[Path | None, typer.Option(
        "--tf-dir", metavar="DIR", file_okay=False,
        help="(plans) The Terraform configuration folder of a plan: findings point at its .tf lines "
             "(default: .tf files beside the plan, if any).", show_default=False)] = None,
    var: Annotated[list[str] | None, typer.Option(
        "--var", metavar="NAME=VALUE",
        help="(.tf folders) Set a root module variable, as terraform -var (repeatable).",
        show_default=False)] = None,
    var_file: Annotated[list[Path] | None, typer.Option(
        "--var-file", metavar="FILE", dir_okay=False,
        help="(.tf folders) Read variable values from a .tfvars file, as terraform -var-file (repeatable).",
        show_default=False)] = None,
) -> None:
    """Check job records against the policy and write reports.

    Before deployment, it also reads Terraform plans (terraform show -json), .tf folders and
    CreateModelInvocationJob request files (JSON/YAML); without --aws, --account ID and --region name the
    account and region those jobs will run in.

    Examples:

    \b
      bedrock-audit scan jobs.jsonl
      bedrock-audit scan exports/ -f json -o junit=bedrock-audit.xml --fail-on high
      bedrock-audit scan jobs.jsonl -o sarif=bedrock-audit.sarif -f markdown >> "$GITHUB_STEP_SUMMARY"
      bedrock-audit scan jobs.jsonl --waivers waivers.toml --baseline baseline.json
      datadog-export | bedrock-audit scan - --input-format csv
      bedrock-audit scan --aws --region us-east-1 --region eu-west-1 -o junit=bedrock-audit.xml
      bedrock-audit scan --aws --all-regions --accounts-file accounts.txt \\
        --role-arn 'arn:aws:iam::{account_id}:role/BedrockAudit' --allow-partial -f json > audit.json
      bedrock-audit scan plan.json --account 111122223333 -o sarif=bedrock-audit.sarif
      bedrock-audit scan infra/ --var-file prod.tfvars --var env=prod
    """
    run = _RunOptions(paths or [], config, waivers or [], select, ignore, allow_empty, now, input_format,
                      disable_plugin)
    planned = (aws, account, region, tf_dir, var, var_file)
    if not aws:  # --account/--region without --aws name the planned jobs' account and region
        account, region = None, None
    flags = AwsFlags(aws, region, all_regions, profile, role_arn, account, accounts_file, external_id, status,
                     submitted_after, max_attempts, concurrency)
    options = _ScanOptions(format, output or [], fail_on, soft_fail, baseline, allow_partial, flags)
    _guard(show_traceback, lambda: _scan(replace(run, planned=_planned_options(*planned)), options))


def _planned_options(aws: bool, account: list[str] | None, region: list[str] | None, tf_dir: Path | None,
                     var: list[str] | None, var_file: list[Path] | None) -> Any:
    """The options of plan, ``.tf`` and request inputs. Raises ``ConfigError`` for more than one account
    or region without ``--aws``, an account that is not 12 digits, or a ``--var`` without ``=``."""
    from checker.planned.options import PlannedOptions
    from checker.policy import ConfigError

    accounts, regions = ([], []) if aws else (account or [], region or [])
    if len(accounts) > 1 or len(regions) > 1:
        raise ConfigError("without --aws, --account and --region name the one account and region of the "
                          "planned jobs: give each at most once")
    if accounts and not re.fullmatch(r"[0-9]{12}", accounts[0]):
        raise ConfigError(f"--account {accounts[0]!r}: expected a 12-digit AWS account ID")
    pairs = []
    for item in var or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--var {item!r}: expected NAME=VALUE, e.g. --var env=prod")
        pairs.append((name.strip(), value))
    return PlannedOptions(accounts[0] if accounts else None, regions[0] if regions else None,
                          str(tf_dir) if tf_dir is not None else None,
                          tuple(str(path) for path in var_file or []), tuple(pairs))


def parse_now(text: str | None) -> datetime:
    """``--now`` value -> aware UTC datetime (``None``: the current time). Raises ``ConfigError``."""
    from checker.model import parse_rfc3339
    from checker.policy import ConfigError

    if text is None:
        return datetime.now(UTC)
    candidate = text.strip()
    if len(candidate) == 10:
        candidate += "T00:00:00Z"
    try:
        return parse_rfc3339(candidate)
    except ValueError:
        raise ConfigError(f"--now: {text!r} is not an RFC 3339 timestamp or a YYYY-MM-DD date") from None


@dataclass
class _RunOptions:
    """The options ``scan`` and ``baseline create`` share, as given: the inputs (``paths``, ``input_format``),
    the policy file (``config``), ``--waivers`` files, ``--select``/``--ignore``, ``--allow-empty``,
    ``--now`` (text, parsed by :func:`parse_now`) and ``--disable-plugin`` names."""

    paths: list[str]
    config: Path | None
    waiver_files: list[Path]
    select: list[str] | None
    ignore: list[str] | None
    allow_empty: bool
    now: str | None
    input_format: str | None
    disabled: list[str] | None
    planned: Any = None
    """``PlannedOptions`` for plan, ``.tf`` and request inputs (``--account``/``--region`` without ``--aws``,
    ``--tf-dir``, ``--var``, ``--var-file``), or ``None``."""


@dataclass
class _ScanOptions:
    """``scan``'s own options: the stdout report ``format``, ``-o FORMAT=PATH`` ``outputs``, ``--fail-on``
    (a severity name), ``--soft-fail``, ``--baseline``, ``--allow-partial`` and the live-AWS flags."""

    format: str
    outputs: list[str]
    fail_on: str | None
    soft_fail: bool
    baseline: Path | None
    allow_partial: bool
    aws: AwsFlags


@dataclass
class _Setup:
    """A run's rules and result stages, built by :func:`_setup` from the plugins, the policy and the flags.

    ``fail_on``: the gate severity (``--fail-on``, else the policy's). ``now``: the scan clock (aware UTC).
    """

    registry: Registry
    policy: Policy
    rule_plugin: dict[str, str]
    configured: list[ConfiguredRule]
    stages: list[ResultStage]
    fail_on: Severity
    now: datetime

    def context(self, locations: list[str], soft_fail: bool = False) -> ReportContext:
        """The reporters' :class:`~checker.reporters.base.ReportContext`; ``locations`` as reports show them."""
        from checker.reporters.base import ReportContext

        return ReportContext(version=__version__, now=self.now, fail_on=self.fail_on,
                             policy_path=str(self.policy.path) if self.policy.path else None,
                             rules=self.configured, plugins=self.registry.plugins, rule_plugin=self.rule_plugin,
                             locations=locations, soft_fail=soft_fail, warn=_warn)

    def run(self, options: _RunOptions, reporters: list[Reporter], soft_fail: bool = False,
            allow_partial: bool = False) -> Summary:
        """Read ``options.paths`` through the pipeline into ``reporters`` (the plugins' load failures first);
        the returned :class:`~checker.reporters.base.Summary` holds the exit code."""
        from checker.engine import Engine
        from checker.inputs import Inputs
        from checker.reporters.base import needs_timings
        from checker.scan import Pipeline, ScanSettings

        settings = ScanSettings(fail_on=self.fail_on, soft_fail=soft_fail,
                                allow_empty=options.allow_empty or self.policy.allow_empty,
                                allow_partial=allow_partial, now=self.now)
        engine = Engine(self.configured, timed=any(needs_timings(reporter) for reporter in reporters))
        pipeline = Pipeline(engine, reporters, settings, warn=_warn, stages=self.stages, note=_note)
        sources = dict(self.registry.sources)
        if options.planned is not None:  # the pre-deployment sources, given the user's options
            for name in ("tfplan", "request", "tf"):
                if name in sources and hasattr(sources[name], "options"):
                    sources[name] = type(sources[name])(options.planned)
        with contextlib.redirect_stdout(sys.stderr):  # a plugin's print() must not land in a report
            return pipeline.run(Inputs(sources, _note).read(options.paths, options.input_format),
                                preloaded=self.registry.problems)


def _setup(registry: Registry, run: _RunOptions, now: datetime, fail_on: str | None = None,
           baseline: Path | None = None) -> _Setup:
    """The rules and stages of a run. Raises ``ConfigError``, checking in this order: ``--disable-plugin``
    names, the policy file and its custom rules, ``--fail-on``, ``--input-format``, the rule selection and
    options, the waiver files, the ``baseline`` file."""
    from checker.custom_rules import with_custom_rules
    from checker.model import Severity
    from checker.policy import ConfigError, configure_rules
    from checker.scan import result_stages

    unknown = _unknown_disabled(registry)
    if unknown:
        raise ConfigError(unknown)
    policy = _policy(run.config)
    rules, rule_plugin = with_custom_rules(registry, policy)
    try:
        gate = Severity.parse(fail_on) if fail_on is not None else policy.fail_on
    except ValueError as exc:
        raise ConfigError(f"--fail-on: {exc}") from None
    if run.input_format is not None and run.input_format not in registry.sources:
        raise ConfigError(f"--input-format: unknown format {run.input_format!r} "
                          f"(known: {', '.join(registry.sources)})")
    configured = configure_rules(policy, rules, select=_split(run.select), ignore=_split(run.ignore), warn=_warn)
    stages = result_stages(policy, run.waiver_files, baseline, now, configured)
    return _Setup(registry, policy, rule_plugin, configured, stages, gate, now)


def _scan(run: _RunOptions, options: _ScanOptions) -> int:
    from checker.aws.cli_options import check_locations
    from checker.policy import ConfigError

    live = options.aws.location()
    if live is not None:
        run = replace(run, paths=[*run.paths, live])
    if not run.paths:
        raise ConfigError("no input given: name files, folders, or - for stdin, or use --aws (see "
                          "bedrock-audit scan --help)")
    shown = check_locations(run.paths)
    now = parse_now(run.now)
    registry = _load(run.disabled)
    with _plugin_failures_win(registry):
        return _scan_with(registry, run, options, now, shown)


def _scan_with(registry: Registry, run: _RunOptions, options: _ScanOptions, now: datetime, shown: list[str]) -> int:
    from checker.policy import ConfigError
    from checker.reporters.guard import build_reporter
    from checker.reporters.output import AtomicFile, StdoutOutput

    setup = _setup(registry, run, now, options.fail_on, options.baseline)
    destinations: list[tuple[str, Any]] = []
    seen_paths: set[str] = set()
    for spec in options.outputs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise ConfigError(f"--output {spec!r}: expected FORMAT=PATH, e.g. junit=results.xml")
        _check_format(name, registry.reporters)
        resolved = os.path.realpath(path)
        if resolved in seen_paths:
            raise ConfigError(f"--output: {path} is named twice")
        seen_paths.add(resolved)
        destinations.append((name, path))
    _check_format(options.format, registry.reporters)

    soft_fail = options.soft_fail or setup.policy.soft_fail
    context = setup.context(shown, soft_fail)
    opened: list[Any] = []
    try:
        for name, path in destinations:
            opened.append((name, AtomicFile(path)))
        opened.append((options.format, StdoutOutput()))
        reporters = [build_reporter(registry.reporters[name], out.stream, context, _plugin_format(registry, name))
                     for name, out in opened]
        summary = setup.run(run, reporters, soft_fail, options.allow_partial)
    except BaseException:
        for _, out in opened:
            out.abort()
        raise
    for _, out in opened:
        out.commit()
    return summary.exit_code


def _plugin_format(registry: Registry, name: str) -> str | None:
    """``"report format 'x' of plugin acme (acme-bedrock-rules 1.0)"``; ``None`` for a built-in format."""
    info = registry.plugin(registry.reporter_plugin[name])
    return None if info.builtin else f"report format {name!r} of plugin {info.label}"


@app.command()
def fetch(
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="PATH",
        help="Where to write the jobs as JSON Lines in the table shape (atomically), or - for stdout.",
        show_default=False)] = None,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial", help="Exit 0 even when an account/region could not be listed (every gap is "
                                "still printed and written to the file).")] = False,
    show_traceback: TracebackOption = False,
    aws: FetchAwsFlag = False,
    region: RegionOption = None,
    all_regions: AllRegionsFlag = False,
    profile: ProfileOption = None,
    role_arn: RoleArnOption = None,
    account: AccountOption = None,
    accounts_file: AccountsFileOption = None,
    external_id: ExternalIdOption = None,
    status: StatusOption = None,
    submitted_after: SubmittedAfterOption = None,
    max_attempts: MaxAttemptsOption = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Read live jobs from AWS and write them as table-shape JSON Lines, for later offline scans.

    Scanning the file gives the same results as scanning AWS directly: jobs whose tags could not be read
    are marked (their tag rules still ERROR), and an account/region that could not be listed is recorded
    as a gap line that the scan reports again. Gaps make the exit code 3, unless --allow-partial.

    Examples:

    \b
      bedrock-audit fetch --aws --region us-east-1 -o jobs.jsonl
      bedrock-audit scan jobs.jsonl

    \b
      bedrock-audit fetch --aws --all-regions --account 111111111111 --account 222222222222 \\
        --role-arn 'arn:aws:iam::{account_id}:role/BedrockAudit' -o org-jobs.jsonl
    """
    flags = AwsFlags(aws, region, all_regions, profile, role_arn, account, accounts_file, external_id, status,
                     submitted_after, max_attempts, concurrency)
    _guard(show_traceback, lambda: _fetch(output, allow_partial, flags))


def _fetch(output: str | None, allow_partial: bool, flags: AwsFlags) -> int:
    from checker.aws.cli_options import check_locations
    from checker.fetch import fetch_exit_code, write_rows
    from checker.normalize import Normalizer
    from checker.policy import ConfigError
    from checker.reporters.output import AtomicFile, StdoutOutput
    from checker.schema import table_columns
    from checker.sources.aws import SOURCE

    if output is None:
        raise ConfigError("name the output with -o PATH (or -o - for stdout), e.g. -o jobs.jsonl")
    if output != "-" and os.path.splitext(output)[1].lower() in (".json", ".csv"):
        raise ConfigError(f"-o {output}: fetch writes JSON Lines, and scans choose the format by extension: "
                          "name it .jsonl")
    location = flags.location(implied=True)
    assert location is not None
    check_locations([location])
    out: Any = StdoutOutput() if output == "-" else AtomicFile(output)
    try:
        summary = write_rows(SOURCE.read(location, None), out.stream, Normalizer(*table_columns()),
                             lambda problem: print(f"bedrock-audit: error: {problem.provenance}: "
                                                   f"{problem.message}", file=sys.stderr))
    except BaseException:
        out.abort()
        raise
    out.commit()
    code = fetch_exit_code(summary, allow_partial)
    if summary.tags_unknown:
        _warn(f"tags unknown for {summary.tags_unknown} job(s): written with \"_unknown\": "
              "{\"tags\": ...}, so their tag rules ERROR when the file is scanned")
    if output != "-":
        gaps = f"; it records {len(summary.problems)} gap(s), which scanning it reports again" \
            if summary.problems else ""
        _note(f"wrote {summary.records} job(s) to {output}{gaps}")
    return int(code)


def _split(values: list[str] | None) -> list[str] | None:
    """``["BA001,BA002", "BA004"]`` -> ``["BA001", "BA002", "BA004"]`` (env vars carry comma lists)."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _check_format(name: str, reporters: dict[str, Any]) -> None:
    from checker.policy import ConfigError

    if name not in reporters:
        raise ConfigError(f"unknown report format {name!r} (known: {', '.join(sorted(reporters))})")


FormatOption = Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")]


@baseline_app.command("create", epilog=BASELINE_EPILOG)
def baseline_create(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="PATH", help="Job exports, as for `bedrock-audit scan`.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", dir_okay=False,
        help="Where to write the baseline (JSON, written atomically). Required.", show_default=False)] = None,
    config: ConfigOption = None,
    waivers: WaiversOption = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", metavar="RULE", envvar="BEDROCK_AUDIT_SELECT",
        help="Run only these rules: ids, names or globs (repeatable).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="RULE", envvar="BEDROCK_AUDIT_IGNORE",
        help="Do not run these rules: ids, names or globs (repeatable).")] = None,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="No records at all is not an error.")] = False,
    now: Annotated[str | None, typer.Option(
        "--now", metavar="TIMESTAMP", envvar="BEDROCK_AUDIT_NOW",
        help="The clock for age-based rules and waiver expiry (RFC 3339 or a date).")] = None,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", metavar="NAME", help="Format of the inputs (jsonl, json, csv).")] = None,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
) -> None:
    """Scan like `scan` and record every unwaived FAIL (rule id + job ARN) in a baseline file.

    Nothing is written if anything could not be checked (exit 3 or 4): a baseline must describe a
    complete scan. Findings do not make this command fail (exit 0 once the file is written).

    Example:

    \b
      bedrock-audit baseline create exports/ -o bedrock-audit-baseline.json
      bedrock-audit scan exports/ --baseline bedrock-audit-baseline.json
    """
    run = _RunOptions(paths or [], config, waivers or [], select, ignore, allow_empty, now, input_format,
                      disable_plugin)
    _guard(show_traceback, lambda: _baseline_create(run, output))


def _baseline_create(run: _RunOptions, output: Path | None) -> int:
    from checker.policy import ConfigError

    if not run.paths:
        raise ConfigError("no input given: name files, folders, or - for stdin")
    if output is None:
        raise ConfigError("baseline create: name the baseline file with -o FILE, e.g. -o bedrock-audit-baseline.json")
    now = parse_now(run.now)
    registry = _load(run.disabled)
    with _plugin_failures_win(registry):
        return _baseline_create_with(registry, run, output, now)


def _baseline_create_with(registry: Registry, run: _RunOptions, output: Path, now: datetime) -> int:
    from checker.aws.cli_options import check_locations
    from checker.baseline import BaselineWriter
    from checker.reporters.output import AtomicFile

    setup = _setup(registry, run, now)
    context = setup.context(check_locations(run.paths))  # aws:// external IDs redacted, as in scan
    out = AtomicFile(str(output))
    try:
        writer = BaselineWriter(out.stream, context)
        summary = setup.run(run, [writer])
    except BaseException:
        out.abort()
        raise
    if summary.exit_code > int(ExitCode.FINDINGS):
        out.abort()
        _error(f"baseline not written: {summary.input_errors} input and {summary.plugin_errors} plugin/rule "
               "errors (see above; a baseline must come from a complete scan)", ExitCode(summary.exit_code))
    out.commit()
    _note(f"{output}: baseline of {writer.count} failures on {writer.jobs} jobs written ({summary.jobs} jobs scanned)")
    return 0


@rules_app.callback(invoke_without_command=True)
def rules_list(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text, json, or markdown "
                                        "(the catalogue table with defaults, as in the README).")] = "text",
    framework: Annotated[str | None, typer.Option(
        "--framework", metavar="FRAMEWORK",
        help="Only rules mapped to this compliance framework, with their control ids, e.g. "
             "nist-800-53 (NIST SP 800-53 rev. 5).")] = None,
    config: ConfigOption = None,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
) -> None:
    """List every rule: id, name, severity, whether the current policy enables it, plugin, title.

    Includes the policy file's [[custom-rules]] (plugin "policy"). Exits 4 if a plugin failed to load
    (the rules that did load are still listed), 2 if the policy file is wrong.
    """
    if ctx.invoked_subcommand is not None:
        return
    _guard(show_traceback, lambda: _rules_list(format, config, disable_plugin, framework))


def _check_listing_format(format: str, allowed: tuple[str, ...]) -> None:
    from checker.policy import ConfigError

    if format not in allowed:
        raise ConfigError(f"--format: expected {', '.join(allowed[:-1])} or {allowed[-1]}, got {format!r}")


def _rules_list(format: str, config: Path | None, disabled: list[str] | None,
                framework: str | None = None) -> int:
    from checker.catalogue import rules_for_framework
    from checker.custom_rules import with_custom_rules
    from checker.listing import as_json, rule_rows, rules_text
    from checker.policy import ConfigError, configure_rules

    _check_listing_format(format, ("text", "json", "markdown"))
    registry = _load(disabled)
    code = ExitCode.PLUGIN if registry.problems else ExitCode.OK
    if registry.unknown_disabled:
        _warn(str(_unknown_disabled(registry)))
    if format == "markdown":
        from checker.catalogue import catalogue_markdown

        print(catalogue_markdown(rules_for_framework(registry.rules, framework), registry.rule_plugin))
        return int(code)
    rules, rule_plugin, enabled = registry.rules, registry.rule_plugin, None
    try:
        policy = _policy(config)
        rules, rule_plugin = with_custom_rules(registry, policy)
        enabled = {c.rule.id: c.severity for c in configure_rules(policy, rules)}
    except ConfigError as exc:
        print(f"bedrock-audit: error: policy: {exc}", file=sys.stderr)
        code = max(code, ExitCode.USAGE)
    rows = rule_rows(rules_for_framework(rules, framework), rule_plugin, enabled, framework)
    print(as_json(rows) if format == "json" else rules_text(rows))
    return int(code)


@rules_app.command("show")
def rules_show(
    rule: Annotated[str, typer.Argument(metavar="RULE", help="Rule id or name, e.g. BA001 or timeout-bounds.")],
    format: FormatOption = "text",
    config: ConfigOption = None,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
) -> None:
    """Print one rule in full: metadata, the plugin that provides it, its parameters with their defaults
    and its parameter schema (-f json: one JSON document). Custom rules of the policy file too.

    Examples:

    \b
      bedrock-audit rules show BA004
      bedrock-audit rules show timeout-bounds -f json
      bedrock-audit rules show ORG001 --config examples/custom-rules.toml
    """
    def show() -> int:
        from checker.custom_rules import with_custom_rules
        from checker.listing import as_json, rule_document, rule_text
        from checker.policy import ConfigError, find_rule

        _check_listing_format(format, ("text", "json"))
        registry = _load(disable_plugin)
        with _plugin_failures_win(registry):
            rules, rule_plugin = with_custom_rules(registry, _policy(config))
            found = find_rule(rules, rule)
            if found is None:
                raise ConfigError(f"no rule {rule!r} (see `bedrock-audit rules`)")
        plugin = rule_plugin[found.id]
        print(as_json(rule_document(found, plugin)) if format == "json" else rule_text(found, plugin))
        return int(ExitCode.PLUGIN) if registry.problems else 0

    _guard(show_traceback, show)


@app.command()
def plugins(
    format: FormatOption = "text",
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
) -> None:
    """List plugins: loaded, failed (with the cause) and disabled, with distribution, version, hooks and
    what they registered. Exits 4 if a plugin failed.

    Examples:

    \b
      bedrock-audit plugins
      bedrock-audit plugins -f json
      bedrock-audit plugins --disable-plugin acme
      BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD=1 bedrock-audit plugins
    """
    def show() -> int:
        from checker.listing import as_json, plugins_text

        _check_listing_format(format, ("text", "json"))
        registry = _load(disable_plugin)
        if registry.unknown_disabled:
            _warn(str(_unknown_disabled(registry)))
        if format == "json":
            print(as_json([info.as_dict() for info in registry.plugins]))
        else:
            print(plugins_text(registry.plugins))
        return int(ExitCode.PLUGIN) if registry.problems else 0

    _guard(show_traceback, show)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="bedrock-audit")
