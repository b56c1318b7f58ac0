"""The ``bedrock-audit`` command line: parse options, call :mod:`checker.api`, print errors, exit.

One module per command (:mod:`~checker.cli.scan`, :mod:`~checker.cli.baseline`, :mod:`~checker.cli.fetch`,
:mod:`~checker.cli.rules`, :mod:`~checker.cli.plugins`, :mod:`~checker.cli.init`) over the shared option types of
:mod:`checker.cli.options`; exceptions become exit codes in :mod:`checker.cli.errors`. No logic of its
own: a scan is assembled by :mod:`checker.api`. User mistakes print one line on stderr and exit 2
(usage/config), 3 (input) or 4 (plugin); ``--traceback`` shows the stack of an unexpected failure.
"""

from __future__ import annotations

from checker.cli import baseline, fetch, init, plugins, rules, scan
from checker.cli.app import app, baseline_app, rules_app
from checker.cli.options import EPILOG, parse_now

__all__ = ["app", "main", "parse_now"]

# The command table, in the order --help lists it.
app.command(epilog=EPILOG)(scan.scan)
app.command()(fetch.fetch)
app.command()(plugins.plugins)
app.command()(init.init)
rules_app.callback(invoke_without_command=True)(rules.rules_list)
rules_app.command("show")(rules.rules_show)
baseline_app.command("create", epilog=baseline.BASELINE_EPILOG)(baseline.baseline_create)


def main() -> None:
    """Console-script entry point (``bedrock-audit = "checker.cli:main"``).

    ``--help`` and ``--version`` into a pipe closed early (``bedrock-audit --help | head -3``) exit 0: Typer
    (click) ends those with exit 1 and its quiet stdout wrapper, and 1 means "findings" here."""
    import sys

    try:
        app(prog_name="bedrock-audit")
    except SystemExit as exc:
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's EPIPE exit
            raise SystemExit(0) from None
        raise
