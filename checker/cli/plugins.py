"""``bedrock-audit plugins``: loaded, failed and disabled plugins, with what they registered."""

from __future__ import annotations

from checker.cli.app import load
from checker.cli.errors import check_listing_format, guard, warn
from checker.cli.options import DisableOption, FormatOption, TracebackOption
from checker.errors import ExitCode


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

        check_listing_format(format, ("text", "json"))
        registry = load(disable_plugin)
        if registry.unknown_disabled:
            warn(str(registry.unknown_disabled_message()))
        if format == "json":
            print(as_json([info.as_dict() for info in registry.plugins]))
        else:
            print(plugins_text(registry.plugins))
        return int(ExitCode.PLUGIN) if registry.problems else 0

    guard(show_traceback, show, listing=True)
