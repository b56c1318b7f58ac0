"""How the command line ends: every known exception mapped to its exit code, in one place.

User mistakes print one line on stderr (``bedrock-audit: error: ...``) and exit 2 (usage/configuration),
3 (input) or 4 (plugin); an unexpected failure of ours exits 4 with one line (``--traceback`` shows the
stack). SIGINT exits 130 and SIGTERM 143 (128 + the signal number), after report files were discarded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn

import typer

from checker.errors import ExitCode
from checker.reporters.base import printable  # already loaded by `import checker`


def error(message: str, code: ExitCode) -> NoReturn:
    """Print ``bedrock-audit: error: message`` on stderr and exit ``code``."""
    print(f"bedrock-audit: error: {printable(message)}", file=sys.stderr)
    raise typer.Exit(int(code))


def warn(message: str) -> None:
    """Print a one-line warning on stderr."""
    print(f"bedrock-audit: warning: {printable(message)}", file=sys.stderr)


def note(message: str) -> None:
    """Print a one-line note on stderr."""
    print(f"bedrock-audit: note: {printable(message)}", file=sys.stderr)


class _Terminated(BaseException):
    """SIGTERM arrived (a CI runner cancelling the job): unwind like Ctrl-C, so report files are discarded."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def guard(show_traceback: bool, action: Callable[[], int], listing: bool = False) -> NoReturn:
    """Run a command body and exit with the code it returns; map known errors to exit codes, unknown ones
    to an internal error (4). The previous SIGTERM handler is restored afterwards (for in-process callers).

    ``ConfigError``/``OutputError`` -> 2; :class:`checker.errors.PluginConfigError`, ``ReporterFailed`` and
    ``sys.exit()`` in plugin code -> 4; broken stdout pipe -> 2 for a report (it is incomplete), but for a
    ``listing`` (``rules``, ``rules show``, ``plugins``: ``bedrock-audit rules | head -1``) the reader had
    all it wanted: no message, and the listing's own code (0 when it broke before that was known);
    Ctrl-C -> 130; SIGTERM -> 143.
    """
    from checker.errors import ConfigError, OutputError, PluginConfigError, ReporterFailed

    previous = None
    with contextlib.suppress(ValueError):  # ValueError: not the main thread (an embedding caller's)
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    code: int | None = None
    try:
        code = action()
        if listing:
            sys.stdout.flush()  # a closed pipe shows here, not in an "Exception ignored" at exit
    except _Terminated:
        print("bedrock-audit: terminated", file=sys.stderr)
        raise typer.Exit(128 + signal.SIGTERM) from None
    except (ConfigError, OutputError, ReporterFailed, PluginConfigError) as exc:
        error(str(exc), exc.exit_code)  # each names its code: 2 usage, 4 plugin (checker.errors)
    except typer.Exit:
        raise
    except SystemExit as exc:  # sys.exit() in plugin code must not end the run with its code
        error(f"plugin code called sys.exit({exc.code!r}); the run was stopped", ExitCode.PLUGIN)
    except KeyboardInterrupt:
        print("bedrock-audit: interrupted", file=sys.stderr)
        raise typer.Exit(130) from None
    except BrokenPipeError:  # e.g. `bedrock-audit scan ... | head`: the report on stdout is incomplete
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if listing:
            raise typer.Exit(code or 0) from None
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
    finally:
        if previous is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, previous)
    assert code is not None
    raise typer.Exit(code)


def check_listing_format(format: str, allowed: tuple[str, ...]) -> None:
    """Raise ``ConfigError`` unless ``format`` is one of ``allowed`` (the listing commands' -f)."""
    from checker.errors import ConfigError

    if format not in allowed:
        raise ConfigError(f"--format: expected {', '.join(allowed[:-1])} or {allowed[-1]}, got {format!r}")
