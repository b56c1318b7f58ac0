"""The ``bedrock-audit`` Typer application: the root, its ``--version``, and the command groups.

Each command lives in its own module (:mod:`checker.cli.scan`, ``baseline``, ``fetch``, ``rules``,
``plugins``) and registers itself on :data:`app` (or a group) when imported by :mod:`checker.cli`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from checker import __version__
from checker.cli.options import EPILOG
from checker.reporters.base import printable  # already loaded by `import checker`

if TYPE_CHECKING:
    from checker.registry import Registry

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


def _version_callback(value: bool) -> None:
    if value:
        from checker.plugins import describe_entry_points

        print(f"bedrock-audit {__version__}")
        for line in describe_entry_points():  # each tried: a plugin that fails to load says why
            print(f"  plugin {printable(line)}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", "-V", help="Print the version and each installed plugin's (marking one that fails to "
        "load) and exit.", callback=_version_callback, is_eager=True)] = False,
) -> None:
    """Policy-as-code compliance checks for Amazon Bedrock batch inference jobs."""


def load(disabled: list[str] | None) -> Registry:
    """Load plugins, printing each plugin failure as an error line on stderr."""
    from checker.api import load_registry

    return load_registry(disabled or (), lambda problem: print(f"bedrock-audit: error: {problem.message}",
                                                               file=sys.stderr))
