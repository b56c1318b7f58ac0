"""Meta-tests of the plugin contract: every hook is documented in docs/hooks.md (signature, arguments,
return, when it is called, an example) and its documented example works as an installed plugin; every
registered rule's metadata validates; rule ids are unique and stable (tests/data/rule-ids.txt only grows)."""

from __future__ import annotations

import inspect
import json
import re
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Cli, compliant_row
from fake_plugins import install

from checker import hookspecs
from checker.custom_rules import custom_rules
from checker.plugins import HOOKS, load_plugins
from checker.policy import load_policy
from checker.registry import validate_rule
from checker.testing import assert_fails, assert_passes, load_plugin, scan_rows

HOOKS_DOC = ROOT / "docs" / "hooks.md"
RULE_IDS = ROOT / "tests" / "data" / "rule-ids.txt"
SUBSECTIONS = ("Signature", "Arguments", "Returns", "When it is called", "Example")


def spec_names() -> set[str]:
    return {name for name, value in vars(hookspecs).items()
            if callable(value) and hasattr(value, f"{hookspecs.PROJECT_NAME}_spec")}


def doc_sections() -> dict[str, str]:
    text = HOOKS_DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## `([a-z_]+)`\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def code_block(section: str, heading: str) -> str:
    body = section.split(f"### {heading}\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", body, flags=re.S)
    assert match, f"no python block under {heading}"
    return match.group(1)


def example_module(hook: str) -> types.ModuleType:
    module = types.ModuleType(f"docs_example_{hook}")
    source = code_block(doc_sections()[hook], "Example")
    exec(compile(source, f"docs/hooks.md#{hook}", "exec"), module.__dict__)
    return module


def test_the_hooks_are_the_ones_the_loader_calls() -> None:
    assert spec_names() == set(HOOKS)


def test_every_hook_is_documented_with_every_part() -> None:
    sections = doc_sections()
    assert set(sections) == spec_names()
    for hook, section in sections.items():
        headings = re.findall(r"^### (.+)$", section, flags=re.M)
        for wanted in SUBSECTIONS:
            assert wanted in headings, f"docs/hooks.md: {hook} lacks '### {wanted}'"
        assert getattr(hookspecs, hook).__doc__, f"the {hook} spec has no docstring"


def test_every_documented_signature_is_the_spec() -> None:
    for hook, section in doc_sections().items():
        documented = code_block(section, "Signature")
        parameters = inspect.signature(getattr(hookspecs, hook)).parameters.values()
        shown = ", ".join(f"{p.name}: {p.annotation}" for p in parameters)
        assert f"def {hook}({shown}) -> None" in documented, (hook, documented)
        assert "@hookimpl" in documented
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters), "pluggy ignores keyword-only"


def check_rules_example(module: types.ModuleType) -> None:
    registry = load_plugin(module, "docs-rules")
    rule = registry.rules["DOCS001"]
    assert_fails(rule, compliant_row(timeout_duration_in_hours=72), pointer="/timeout_duration_in_hours")
    assert_passes(rule, compliant_row(timeout_duration_in_hours=72), {"max_hours": 72})


def check_reporters_example(module: types.ModuleType) -> None:
    outcome = scan_rows([compliant_row(), compliant_row("bbbbbbbbbbbb", vpc_config=None)], plugin=module,
                        format="fail-lines")
    lines = outcome.output.splitlines()
    arn = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/bbbbbbbbbbbb"
    assert lines[0].startswith(f"BA001\t{arn}\t")
    assert lines[-1] == "exit\t1"


def check_sources_example(module: types.ModuleType) -> None:
    registry = load_plugin(module, "docs-sources")
    assert registry.source_plugin["tsv"] == "docs-sources"


HOOK_TESTS: dict[str, Callable[[types.ModuleType], None]] = {
    "register_rules": check_rules_example,
    "register_reporters": check_reporters_example,
    "register_sources": check_sources_example,
}


def test_every_hook_has_a_test() -> None:
    assert set(HOOK_TESTS) == spec_names()


@pytest.mark.parametrize("hook", sorted(HOOK_TESTS))
def test_the_documented_example_of_each_hook_works(hook: str) -> None:
    module = example_module(hook)
    HOOK_TESTS[hook](module)


def tsv_of(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    lines = ["\t".join(columns)]
    for row in rows:
        cells = [json.dumps(row[c]) if isinstance(row[c], dict | list)
                 else ("" if row[c] is None else str(row[c])) for c in columns]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def test_the_three_documented_examples_installed_as_plugins_work_together(cli: Cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    for hook in sorted(spec_names()):
        name = hook.removeprefix("register_")
        install(site / name, f"docs-{name}", "0.1", {f"docs-{name}": f"docs_{name}"},
                {f"docs_{name}.py": code_block(doc_sections()[hook], "Example")})
    rows = [compliant_row(timeout_duration_in_hours=24),
            compliant_row("bbbbbbbbbbbb", timeout_duration_in_hours=72)]
    export = tmp_path / "jobs.tsv"
    export.write_text(tsv_of(rows))
    bad_row = tmp_path / "bad.tsv"
    bad_row.write_text(tsv_of(rows).splitlines()[0] + "\nonly\tthree\tcells\n")
    paths = ":".join(str(site / d) for d in ("rules", "reporters", "sources"))
    result = cli("scan", str(export), str(bad_row), "-f", "fail-lines", "--select", "DOCS001",
                 env={"PYTHONPATH": paths})
    assert result.returncode == 3, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("DOCS001\tarn:aws:bedrock:us-east-1:123456789012:model-invocation-job/bbbbbbbbbbbb\t"
                        "timeout 72 h exceeds 48 h")
    assert lines[1].startswith("ERROR\tinput\trow has a different number of cells")
    assert lines[-1] == "exit\t3"


def all_rules() -> dict[str, Any]:
    """Built-in rules, the example plugin's rule, and the example policy's custom rules."""
    registry = load_plugins(autoload=False)
    rules = dict(registry.rules)
    from importlib import util

    path = ROOT / "examples" / "plugin" / "acme_bedrock_rules" / "job_name_convention.py"
    spec = util.spec_from_file_location("acme_rule", path)
    assert spec and spec.loader
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rules[module.RULE.id] = module.RULE
    for rule in custom_rules(load_policy(ROOT / "examples" / "custom-rules.toml")):
        rules[rule.id] = rule
    return rules


def test_every_rule_metadata_validates() -> None:
    for rule_id, rule in all_rules().items():
        assert validate_rule(rule) is None, (rule_id, validate_rule(rule))


def known_ids() -> dict[str, tuple[str, bool]]:
    known: dict[str, tuple[str, bool]] = {}
    for line in RULE_IDS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        rule_id, name, *rest = line.split()
        assert rule_id not in known, f"{rule_id} listed twice in {RULE_IDS.name}"
        known[rule_id] = (name, rest == ["retired"])
    return known


def test_rule_ids_and_names_are_unique() -> None:
    registry = load_plugins(autoload=False)
    names = [rule.name for rule in registry.rules.values()]
    assert len(names) == len(set(names))
    assert not registry.problems  # a duplicate id would be a plugin problem
    names_in_file = [name for name, _ in known_ids().values()]
    assert len(names_in_file) == len(set(names_in_file)), "a rule name was reused"


def test_rule_ids_are_stable() -> None:
    """Every built-in rule is listed with its name; a listed id is never removed or renamed (mark it
    `retired` instead, and never reuse it)."""
    known = known_ids()
    registry = load_plugins(autoload=False)
    for rule_id, rule in registry.rules.items():
        assert rule_id in known, f"new rule {rule_id}: add '{rule_id} {rule.name}' to tests/data/rule-ids.txt"
        name, retired = known[rule_id]
        assert not retired, f"{rule_id} was retired; rule ids are never reused"
        assert rule.name == name, f"{rule_id} was renamed from {name} to {rule.name}; names are stable"
    for rule_id, (name, retired) in known.items():
        assert retired or rule_id in registry.rules, (
            f"{rule_id} ({name}) disappeared: mark it 'retired' in tests/data/rule-ids.txt, never delete it")


def test_scan_rows_applies_the_policy_waivers_like_a_real_scan() -> None:
    from datetime import UTC, datetime

    rows = [compliant_row(), compliant_row("bbbbbbbbbbbb", vpc_config=None)]
    waiver = {"rule": "BA001", "job": "*bbbbbbbbbbbb", "reason": "legacy VPC migration SEC-1",
              "owner": "ml-platform", "expires": "2027-03-31"}
    waived = scan_rows(rows, policy={"waivers": [waiver]}, select=["BA001"],
                       now=datetime(2026, 6, 1, tzinfo=UTC))  # within waiver-max-days
    assert waived.exit_code == 0 and waived.summary.waived == 1
    lapsed = scan_rows(rows, policy={"waivers": [waiver]}, select=["BA001"],
                       now=datetime(2027, 4, 1, tzinfo=UTC))
    assert lapsed.exit_code == 1 and "lapsed on 2027-03-31" in lapsed.output
