"""The engine isolates rules: nothing a rule does ends the scan or becomes a PASS."""

from __future__ import annotations

import time
from typing import Any

from conftest import sample_rows

from checker.engine import ConfiguredRule, Engine
from checker.model import ErrorKind, Job, Provenance, Rule, Severity, Status, Verdict, failed, passed


def rule(check: Any, rule_id: str = "TST001", applies_to: frozenset[str] | None = None) -> ConfiguredRule:
    made = Rule(id=rule_id, name=f"test-{rule_id.lower()}", title="t", description="d", rationale="r",
                remediation="m", severity=Severity.HIGH, check=check, help_url="https://example.com")
    return ConfiguredRule(made, {}, made.severity, applies_to)


def job(**unknown: str) -> Job:
    return Job(sample_rows()[0], Provenance("jobs.jsonl", 1, 1), unknown)


def test_each_rule_gets_one_result_in_order_and_errors_are_isolated() -> None:
    def boom(job: Job, params: Any) -> Verdict:
        raise KeyError("vpc")

    engine = Engine([rule(lambda j, p: passed(), "TST001"), rule(boom, "TST002"),
                     rule(lambda j, p: failed("bad", "/x"), "TST003"), rule(lambda j, p: None, "TST004"),
                     rule(lambda j, p: Verdict(Status.FAIL), "TST005"), rule(lambda j, p: j.get("tags"), "TST006")])
    results = engine.evaluate(job(tags="tags not fetched: AccessDenied"))
    assert [(r.rule.id, r.status, r.error_kind) for r in results] == [
        ("TST001", Status.PASS, None),
        ("TST002", Status.ERROR, ErrorKind.RULE),
        ("TST003", Status.FAIL, None),
        ("TST004", Status.ERROR, ErrorKind.RULE),
        ("TST005", Status.FAIL, None),
        ("TST006", Status.ERROR, ErrorKind.INPUT),
    ]
    assert "rule TST002 raised KeyError" in results[1].message and "x7k2m9q4p1ab" in results[1].message
    assert results[4].message  # a FAIL never has an empty message
    assert results[5].message == "TST006 cannot decide: tags not fetched: AccessDenied"
    assert results[5].pointer == "/tags"


def test_applies_to_skips_other_statuses_with_the_reason() -> None:
    engine = Engine([rule(lambda j, p: failed("x"), applies_to=frozenset({"InProgress"}))])
    (result,) = engine.evaluate(job())
    assert result.status is Status.SKIP
    assert result.message == "not applicable: status is Completed (rule applies to InProgress)"


def test_untimed_engine_gives_the_same_results_with_zero_durations() -> None:
    def slow(job: Job, params: Any) -> Verdict:
        time.sleep(0.002)
        return passed()

    rules = [rule(slow, "TST001"), rule(lambda j, p: failed("bad", "/x"), "TST002"),
             rule(lambda j, p: failed("x"), "TST005", applies_to=frozenset({"Completed", "Failed"})),
             rule(lambda j, p: j.get("tags"), "TST003"), rule(lambda j, p: failed("x"), "TST004",
                                                             applies_to=frozenset({"InProgress"}))]
    timed = Engine(rules).evaluate(job(tags="tags not fetched"))
    untimed = Engine(rules, timed=False).evaluate(job(tags="tags not fetched"))
    assert [r._replace(duration=0.0) for r in timed] == untimed
    assert [r.duration for r in untimed] == [0.0] * 5
    untimed_engine = Engine(rules, timed=False)
    for status in ("Stopped", None, "InProgress", "Stopped", None):  # shared "not applicable" results
        row = dict(sample_rows()[0], status=status)
        (result,) = [r for r in untimed_engine.evaluate(Job(row, Provenance("x"))) if r.rule.id == "TST004"]
        if status == "InProgress":
            assert result.status is Status.FAIL
        else:
            shown = "null" if status is None else status
            assert result.status is Status.SKIP
            assert result.message == f"not applicable: status is {shown} (rule applies to InProgress)"


def test_a_record_too_deep_to_copy_for_a_plugin_rule_is_an_input_error_not_a_rule_error() -> None:
    # An unknown column is kept and not validated, so it can reach the engine nested past what orjson (255
    # levels) and copy.deepcopy (Python's recursion limit) copy. That is the input's fault (exit 3), not the
    # plugin rule's (exit 4), and the rule never ran.
    deep: Any = "x"
    for _ in range(900):
        deep = [deep]
    row = dict(sample_rows()[0], extra_column=deep)
    (result,) = Engine([rule(lambda j, p: passed())]).evaluate(Job(row, Provenance("jobs.jsonl", 1, 1), {}))
    assert (result.status, result.error_kind, result.pointer) == (Status.ERROR, ErrorKind.INPUT, "/extra_column")
    assert "nested too deeply" in result.message


EVIL_MODULE = '''
from checker import Rule, Severity, hookimpl, passed


def check(job, params):
    job.row["vpc_config"] = None          # an in-place "normalisation" a later rule must not see
    job.row["tags"].pop("owner", None)
    return passed()


RULE = Rule(id="AAA001", name="evil-normaliser", title="t", description="d", rationale="r", remediation="m",
            severity=Severity.LOW, check=check, help_url="https://example.com/evil")


@hookimpl
def register_rules(register):
    register(RULE)
'''


def test_a_third_party_rule_in_a_module_named_rules_x_gets_its_own_copy_of_the_record() -> None:
    # Trust comes from the registry (the rule's plugin is built-in), not from the check's module name:
    # a third-party module called rules.evil that changes the record must not change what BA001
    # (vpc-config-required) and BA004 (mandatory-tags) see after it.
    import types

    from checker.plugins import load_plugins
    from checker.policy import configure_rules, policy_from_mapping

    evil = types.ModuleType("rules.evil")
    exec(compile(EVIL_MODULE, "rules/evil.py", "exec"), evil.__dict__)  # noqa: S102 - the test's own plugin
    assert evil.check.__module__ == "rules.evil"
    registry = load_plugins(autoload=False, extra=[("evil", evil)])
    assert not registry.problems
    assert registry.rule_entries["AAA001"].plugin.name == "evil" and not registry.rule_entries["AAA001"].builtin
    assert registry.rule_entries["BA001"].builtin
    policy = policy_from_mapping({"select": ["AAA001", "BA001", "BA004"], "rules": {"BA004": {"required": ["owner"]}}})
    configured = configure_rules(policy, registry.rules)
    assert [(c.rule.id, c.trusted) for c in configured] == [("AAA001", False), ("BA001", True), ("BA004", True)]
    row = sample_rows()[0]
    assert row["vpc_config"] and "owner" in row["tags"]
    results = Engine(configured).evaluate(Job(row, Provenance("jobs.jsonl", 1, 1)))
    assert [(r.rule.id, r.status) for r in results] == [("AAA001", Status.PASS), ("BA001", Status.PASS),
                                                        ("BA004", Status.PASS)]
    assert row["vpc_config"] and "owner" in row["tags"]  # the record itself is untouched too
