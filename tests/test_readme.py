"""The README stays true: its rule catalogue matches the registered rules, and its test command is the
one CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from checker.catalogue import END, START, catalogue_markdown
from checker.plugins import load_plugins

ROOT = Path(__file__).resolve().parent.parent


def test_readme_catalogue_matches_rule_metadata() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    registry = load_plugins(autoload=False)
    expected = catalogue_markdown(registry.rules, registry.rule_plugin)
    found = readme[readme.index(START): readme.index(END) + len(END)]
    assert found == expected, "README rule catalogue is stale: regenerate with `bedrock-audit rules -f markdown`"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .venv[^\n]*pytest[^\n]*)\n```", readme)
    assert len(commands) == 1, "README must show exactly one test command"
    assert commands[0].replace("python3", '"$PYTHON"') in ci
