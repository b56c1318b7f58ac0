"""``bedrock-audit rules`` (list every rule) and ``bedrock-audit rules show RULE``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import load
from checker.cli.errors import check_listing_format, guard, warn
from checker.cli.options import ConfigOption, DisableOption, FormatOption, TracebackOption
from checker.errors import ExitCode


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
    guard(show_traceback, lambda: _rules_list(format, config, disable_plugin, framework), listing=True)


def _rules_list(format: str, config: Path | None, disabled: list[str] | None,
                framework: str | None = None) -> int:
    from checker.api import ScanRequest, policy_rules
    from checker.catalogue import rules_for_framework
    from checker.errors import ConfigError
    from checker.listing import as_json, rule_rows, rules_text

    check_listing_format(format, ("text", "json", "markdown"))
    registry = load(disabled)
    code = ExitCode.PLUGIN if registry.problems else ExitCode.OK
    if registry.unknown_disabled:
        warn(str(registry.unknown_disabled_message()))
    if format == "markdown":
        from checker.catalogue import catalogue_markdown

        print(catalogue_markdown(rules_for_framework(registry.rules, framework), registry.rule_plugin))
        return int(code)
    rules, rule_plugin, enabled = registry.rules, registry.rule_plugin, None
    try:
        _, rules, rule_plugin, configured = policy_rules(ScanRequest(config=config), registry)
        enabled = {c.rule.id: c.severity for c in configured}
    except ConfigError as exc:
        print(f"bedrock-audit: error: policy: {exc}", file=sys.stderr)
        code = max(code, ExitCode.USAGE)
    rows = rule_rows(rules_for_framework(rules, framework), rule_plugin, enabled, framework)
    print(as_json(rows) if format == "json" else rules_text(rows))
    return int(code)


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
        from checker.api import ScanRequest, load_request_policy, plugin_failures_win
        from checker.custom_rules import with_custom_rules
        from checker.errors import ConfigError
        from checker.listing import as_json, rule_document, rule_text
        from checker.policy import find_rule
        from checker.suggest import rule_hint

        check_listing_format(format, ("text", "json"))
        registry = load(disable_plugin)
        with plugin_failures_win(registry):
            rules, rule_plugin = with_custom_rules(registry, load_request_policy(ScanRequest(config=config)))
            found = find_rule(rules, rule)
            if found is None:
                raise ConfigError(f"no rule {rule!r}{rule_hint(rules, rule)} (see `bedrock-audit rules`)")
        plugin = rule_plugin[found.id]
        print(as_json(rule_document(found, plugin)) if format == "json" else rule_text(found, plugin))
        return int(ExitCode.PLUGIN) if registry.problems else 0

    guard(show_traceback, show, listing=True)
