"""How plugins are loaded and validated: every way a plugin can be wrong is a named plugin error, never a
silently missing rule. In-process through ``load_plugins(extra=...)``, the code path entry points take."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import pytest

from checker import Rule, Severity, hookimpl, passed
from checker.plugins import load_plugins


def plugin(**functions: Callable[..., Any]) -> types.ModuleType:
    """A module object holding ``functions`` under the given attribute names."""
    module = types.ModuleType("test_plugin_module")
    for name, function in functions.items():
        setattr(module, name, function)
    return module


def rule(rule_id: str = "TEST001", name: str = "test-rule", **changes: Any) -> Rule:
    fields: dict[str, Any] = dict(id=rule_id, name=name, title="A test rule", description="d", rationale="r",
                                  remediation="x", severity=Severity.LOW, check=lambda job, params: passed(),
                                  help_url="https://example.com/rule")
    fields.update(changes)
    return Rule(**fields)


def load(*plugins: tuple[str, object], disabled: tuple[str, ...] = ()) -> Any:
    return load_plugins(disabled=disabled, autoload=False, extra=plugins)


def messages(registry: Any) -> str:
    return "\n".join(p.message for p in registry.problems)


def registering(*items: Rule) -> types.ModuleType:
    @hookimpl
    def register_rules(register: Any) -> None:
        for item in items:
            register(item)

    return plugin(register_rules=register_rules)


def test_a_good_plugin_registers_and_is_listed_with_its_hooks() -> None:
    registry = load(("good", registering(rule())))
    assert not registry.problems
    assert registry.rule_plugin["TEST001"] == "good"
    info = registry.plugin("good")
    assert info.status == "loaded" and info.hooks == ["register_rules"]
    assert info.registered["rules"] == ["TEST001"]


def test_a_misspelt_hook_name_fails_loudly_with_a_suggestion() -> None:
    @hookimpl
    def register_rule(register: Any) -> None:
        register(rule())

    registry = load(("typo", plugin(register_rule=register_rule)))
    assert "unknown hook 'register_rule' (did you mean register_rules?)" in messages(registry)
    assert registry.plugin("typo").status == "failed"
    assert "TEST001" not in registry.rules


def test_a_hook_without_the_hookimpl_marker_fails_instead_of_being_ignored() -> None:
    @hookimpl
    def register_reporters(register: Any) -> None:
        pass

    def register_rules(register: Any) -> None:  # forgot @hookimpl: its rules would silently never run
        register(rule())

    module = plugin(register_rules=register_rules, register_reporters=register_reporters)
    registry = load(("unmarked", module))
    assert "register_rules is defined but not marked with @checker.hookimpl" in messages(registry)


def test_a_module_with_no_hooks_at_all_fails() -> None:
    registry = load(("empty", plugin()))
    assert "implements none of the hooks" in messages(registry)


def test_a_keyword_only_register_parameter_is_explained() -> None:
    @hookimpl
    def register_rules(*, register: Any) -> None:
        register(rule())

    registry = load(("kwonly", plugin(register_rules=register_rules)))
    assert "keyword-only" in messages(registry) and "def register_rules(register)" in messages(registry)


def test_an_argument_the_spec_lacks_is_rejected() -> None:
    @hookimpl
    def register_rules(registrar: Any) -> None:
        pass

    registry = load(("badarg", plugin(register_rules=register_rules)))
    assert "registrar" in messages(registry) and registry.plugin("badarg").status == "failed"


def test_an_implementation_may_declare_no_argument() -> None:
    called = []

    @hookimpl
    def register_rules() -> None:
        called.append(True)

    registry = load(("noargs", plugin(register_rules=register_rules)))
    assert called == [True] and not registry.problems


def test_a_generator_hook_registers_nothing_and_says_so() -> None:
    @hookimpl
    def register_rules(register: Any) -> Any:
        yield rule()

    registry = load(("gen", plugin(register_rules=register_rules)))
    assert "is a generator" in messages(registry) and "TEST001" not in registry.rules


def test_returning_rules_instead_of_registering_them_fails() -> None:
    @hookimpl
    def register_rules(register: Any) -> Any:
        return [rule()]

    registry = load(("returns", plugin(register_rules=register_rules)))
    assert "returned list" in messages(registry)


def test_hook_wrappers_are_refused() -> None:
    @hookimpl(wrapper=True)
    def register_rules(register: Any) -> Any:
        yield

    registry = load(("wrapper", plugin(register_rules=register_rules)))
    assert "hook wrappers are not supported" in messages(registry)


@pytest.mark.parametrize("exc", [RuntimeError("broken"), SystemExit(0)])
def test_a_raising_hook_is_a_plugin_error_and_the_others_still_register(exc: BaseException) -> None:
    @hookimpl
    def register_rules(register: Any) -> None:
        register(rule("BAD001", "bad-rule"))
        raise exc

    registry = load(("raiser", plugin(register_rules=register_rules)), ("good", registering(rule())))
    assert "register_rules raised" in messages(registry)
    assert "TEST001" in registry.rules and "BA001" in registry.rules


def test_a_plugin_object_that_exits_while_inspected_is_a_plugin_error() -> None:
    class Exploding:
        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            raise SystemExit(0)

    registry = load(("exits", Exploding()))
    assert registry.plugin("exits").status == "failed" and "SystemExit" in messages(registry)


def test_register_after_the_hook_returned_is_refused() -> None:
    kept: list[Any] = []

    @hookimpl
    def register_rules(register: Any) -> None:
        kept.append(register)

    registry = load(("late", plugin(register_rules=register_rules)))
    assert not registry.problems
    with pytest.raises(RuntimeError, match="after the hook returned"):
        kept[0](rule())
    assert "TEST001" not in registry.rules and registry.problems


def test_a_duplicate_rule_id_names_both_plugins() -> None:
    registry = load(("first", registering(rule())), ("second", registering(rule(name="other-name"))))
    assert "plugin second: rule id TEST001 is already registered by plugin first" in messages(registry)
    assert registry.rule_plugin["TEST001"] == "first"


def test_a_duplicate_rule_name_names_both_plugins() -> None:
    registry = load(("first", registering(rule())), ("second", registering(rule("TEST002"))))
    assert "rule name test-rule (TEST002) is already used by TEST001 of plugin first" in messages(registry)


def test_the_builtin_prefix_is_reserved() -> None:
    registry = load(("squatter", registering(rule("BA999", "squatter"))))
    assert "BA prefix is reserved" in messages(registry)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"params_schema": {"type": "array"}}, "metadata invalid"),
    ({"params_schema": {"type": "object", "properties": {"n": {"type": "integer", "minimum": "one"}}}},
     "not a valid JSON Schema"),
    ({"params_schema": {"type": "object", "properties": {"n": {"type": "integer", "default": "7"}}}},
     "the default of 'n' fails its own schema"),
    ({"help_url": "http://insecure.example"}, "metadata invalid"),
    ({"params_schema": {"type": "object", "properties": {"n": {"$ref": "https://example.com/n.json"}}}},
     "points outside the schema"),
    ({"applies_to": frozenset({"Running"})}, "metadata invalid"),
])
def test_invalid_rule_metadata_is_a_plugin_error(changes: dict[str, Any], expected: str) -> None:
    registry = load(("bad", registering(rule(**changes))))
    assert expected in messages(registry) and "TEST001" not in registry.rules


def test_registering_something_that_is_not_a_rule_fails() -> None:
    @hookimpl
    def register_rules(register: Any) -> None:
        register({"id": "TEST001"})

    registry = load(("dict", plugin(register_rules=register_rules)))
    assert "expected register(rule: checker.Rule)" in messages(registry)


def test_report_format_names_and_clashes() -> None:
    @hookimpl
    def register_reporters(register: Any) -> None:
        register("json", lambda stream, context: None)
        register("bad=name", lambda stream, context: None)

    registry = load(("formats", plugin(register_reporters=register_reporters)))
    text = messages(registry)
    assert "report format 'json' is already registered by plugin builtin-reporters" in text
    assert "'bad=name' must be lowercase" in text


def test_an_input_format_may_not_claim_an_extension_another_one_has() -> None:
    class Source:
        name = "myjson"
        description = "x"
        extensions = (".json",)
        schemes = ()

        def sniff(self, head: bytes) -> bool:
            return False

        def read(self, location: str, stream: Any) -> Any:
            return iter(())

    @hookimpl
    def register_sources(register: Any) -> None:
        register(Source())

    registry = load(("src", plugin(register_sources=register_sources)))
    assert "extension .json is already claimed by 'json' of plugin builtin-sources" in messages(registry)


def test_a_disabled_plugin_is_not_imported_and_is_listed() -> None:
    @hookimpl
    def register_rules(register: Any) -> None:
        raise AssertionError("must not run")

    registry = load(("off", plugin(register_rules=register_rules)), disabled=("off", "nothing-by-this-name"))
    assert registry.plugin("off").status == "disabled" and not registry.problems
    assert registry.unknown_disabled == ["nothing-by-this-name"]


def test_two_plugins_with_one_name_fail() -> None:
    registry = load(("twin", registering(rule())), ("twin", registering(rule("TEST002", "other"))))
    assert "already has the name 'twin'" in messages(registry)


def test_plugin_output_on_stdout_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    @hookimpl
    def register_rules(register: Any) -> None:
        print("hello from a plugin")

    load(("chatty", plugin(register_rules=register_rules)))
    captured = capsys.readouterr()
    assert "hello from a plugin" not in captured.out and "hello from a plugin" in captured.err
    assert sys.stdout is not sys.stderr
