"""The plugin documentation stays true: "Writing a rule plugin" quotes the example plugin as it is, and the
README's custom-rule example is a working policy."""

from __future__ import annotations

import re
import sys
import tomllib

from conftest import ROOT, compliant_row

from checker.custom_rules import custom_rules
from checker.policy import policy_from_mapping
from checker.testing import assert_fails, assert_passes

GUIDE = ROOT / "docs" / "writing-a-rule-plugin.md"
EXAMPLE = ROOT / "examples" / "plugin"


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def code_lines(text: str) -> set[str]:
    return {line.split("#")[0].strip() for line in text.splitlines()}


def test_the_guide_quotes_the_example_plugin_as_it_is() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    example = "\n".join(path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.rglob("*"))
                        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts)
    known = code_lines(example)
    missing = []
    quoted = blocks(guide, "python") + [b for b in blocks(guide, "toml") if "[project]" in b]
    assert len(quoted) > 5
    for block in quoted:
        for line in block.splitlines():
            code = line.split("#")[0].strip()
            if not code or "..." in code:
                continue
            if code.startswith(("from ", "import ")):
                sys.path.insert(0, str(EXAMPLE))
                try:
                    exec(code, {})  # the import the guide shows works
                finally:
                    sys.path.remove(str(EXAMPLE))
            elif code not in known:
                missing.append(line)
    assert not missing, "docs/writing-a-rule-plugin.md quotes lines the example lacks:\n" + "\n".join(missing)


def test_the_guide_links_resolve() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for target in re.findall(r"\]\((\.\./[^)#]+)", guide):
        assert (GUIDE.parent / target).exists(), target


def test_the_readme_custom_rule_example_works() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Custom rules without Python", 1)[1].split("\n## ", 1)[0]
    (toml,) = blocks(section, "toml")
    (rule,) = custom_rules(policy_from_mapping(tomllib.loads(toml)))
    tags = {"owner": "ml-platform", "cost-center": "cc-4410"}
    assert_passes(rule, compliant_row(tags={**tags, "data-classification": "internal"}))
    assert_fails(rule, compliant_row(tags=tags), pointer="/tags/data-classification")
