"""``bedrock-audit init``: write a commented policy file with every rule, its parameters and defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import load
from checker.cli.errors import guard, note, warn
from checker.cli.options import DisableOption, TracebackOption

TABLE = "tool.bedrock-audit"


def init(
    pyproject: Annotated[bool, typer.Option(
        "--pyproject", help="Append a [tool.bedrock-audit] table to ./pyproject.toml (created if missing) "
                            "instead of writing ./bedrock-audit.toml.")] = False,
    disable_plugin: DisableOption = None,
    show_traceback: TracebackOption = False,
) -> None:
    """Write a commented bedrock-audit.toml in the current folder: every setting at its default, every
    rule (built-in and plugin rules: id, name, title, severity, parameters with their defaults)
    commented out. As written it changes nothing; uncomment and edit what you want to change.

    Never overwrites: an existing bedrock-audit.toml, or a pyproject.toml that already has a
    [tool.bedrock-audit] table, is exit 2 and left as it is. Exit 4, nothing written, if a plugin
    failed to load (its rules would be missing: fix it or --disable-plugin it).

    Examples:

    \b
      bedrock-audit init
      bedrock-audit init --pyproject
      bedrock-audit rules show BA002      # a rule in full, before you configure it
    """
    def body() -> int:
        from checker import __version__
        from checker.errors import ConfigError, PluginConfigError
        from checker.init_policy import check_template, policy_template

        registry = load(disable_plugin)
        if registry.problems:
            raise PluginConfigError("nothing written: a plugin failed to load (see above), so its rules would be "
                                "missing; fix it or leave it out with --disable-plugin NAME")
        text = policy_template(registry.rules, registry.rule_plugin, __version__, TABLE if pyproject else None)
        here = Path.cwd()
        if pyproject:
            path = here / "pyproject.toml"
            _append_table(path, text, here)
        else:
            path = here / "bedrock-audit.toml"
            check_template(text)
            try:
                with path.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
            except FileExistsError:
                raise ConfigError(f"{path.name}: already exists; not overwritten (edit it, or remove it and "
                                  "run init again)") from None
            except OSError as exc:
                raise ConfigError(f"{path.name}: cannot write: {exc.strerror or exc}") from None
            if (here / "pyproject.toml").is_file() and _has_table(here / "pyproject.toml"):
                warn("pyproject.toml here has a [tool.bedrock-audit] table; bedrock-audit.toml now takes "
                     "precedence over it")
        count = len(registry.rules)
        note(f"{path.name}: policy written ({count} rules, every setting at its default); scans run in "
             f"{here} and below use it")
        return 0

    guard(show_traceback, body)


def _has_table(path: Path) -> bool:
    import tomllib

    try:
        return "bedrock-audit" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _append_table(path: Path, table: str, here: Path) -> None:
    """Append ``table`` (the ``[tool.bedrock-audit]`` text) to ``path``, creating it if missing; the result
    must parse and load as the defaults before a byte is written. Raises ``ConfigError``."""
    import tomllib

    from checker.errors import ConfigError
    from checker.init_policy import check_template

    if (here / "bedrock-audit.toml").exists():
        raise ConfigError("bedrock-audit.toml exists here and takes precedence over pyproject.toml; "
                          "pyproject.toml not changed")
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        document = tomllib.loads(existing)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: invalid TOML: {exc}; not changed") from None
    if "bedrock-audit" in document.get("tool", {}):
        raise ConfigError(f"{path.name}: already has a [tool.bedrock-audit] table; not changed (edit it, or "
                          "remove the table and run init --pyproject again)")
    glue = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
    try:
        check_template(existing + glue + table, TABLE)
    except (tomllib.TOMLDecodeError, KeyError) as exc:  # e.g. an inline `tool = {...}` table
        raise ConfigError(f"{path.name}: a [tool.bedrock-audit] table cannot be appended to it ({exc}); "
                          "not changed") from None
    try:
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(glue + table)
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot write: {exc.strerror or exc}") from None
