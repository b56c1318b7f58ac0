"""Plugins "installed" without building wheels: a ``<dist>-<version>.dist-info`` folder with
``entry_points.txt`` and the plugin's modules, in a folder put on ``PYTHONPATH``.

``importlib.metadata`` finds a distribution in any ``sys.path`` entry, so the console script sees
these exactly as it sees pip-installed plugins (entry-point group ``bedrock_audit``, distribution name
and version from ``METADATA``). The real wheel-and-venv path is tested in ``test_example_plugin.py``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

RULE_TEMPLATE = '''
from checker import Rule, Severity, failed, passed

def check(job, params):
    {body}

RULE = Rule(
    id={rule_id!r}, name={name!r}, title="Test rule {rule_id}", description="A rule for tests.",
    rationale="Tests need one.", remediation="None needed.", severity=Severity.{severity},
    check=check, help_url="https://example.com/{rule_id}", columns=("job_name",),
)
'''


def rule_module(rule_id: str, name: str, body: str = "return passed()", severity: str = "HIGH") -> str:
    """Source of a module defining ``RULE``; ``body`` is the check function's body (one line)."""
    return RULE_TEMPLATE.format(rule_id=rule_id, name=name, body=body, severity=severity)


HOOKS_REGISTERING_RULE = '''
from checker import hookimpl

@hookimpl
def register_rules(register):
    register(RULE)
'''


def install(root: Path, distribution: str, version: str, entry_points: Mapping[str, str],
            modules: Mapping[str, str]) -> Path:
    """Write a fake installed distribution into ``root``; returns ``root`` (put it on PYTHONPATH).

    ``entry_points``: plugin name -> module (``{"acme": "acme_rules"}``); ``modules``: file name -> source.
    """
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[bedrock_audit]\n{lines}")
    for filename, source in modules.items():
        (root / filename).write_text(textwrap.dedent(source))
    return root


def rule_plugin(root: Path, distribution: str, plugin: str, rule_id: str, name: str,
                body: str = "return passed()", version: str = "1.0.0") -> Path:
    """A distribution whose one plugin registers one rule (``check`` body ``body``)."""
    module = plugin.replace("-", "_") + "_plugin"
    return install(root, distribution, version, {plugin: module},
                   {f"{module}.py": rule_module(rule_id, name, body) + HOOKS_REGISTERING_RULE})
