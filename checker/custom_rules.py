"""Declarative rules without Python: ``[[custom-rules]]`` tables of the policy file.

Each table is a rule whose check is a JSON Schema (Draft 2020-12) the job record must satisfy, in
table shape: snake_case columns, nested keys snake_case, timestamps as RFC 3339 UTC strings, tags as a
``{key: value}`` map (``schemas/aws.bedrock_model_invocation_job.schema.json`` describes it). The schema
is evaluated with :class:`checker.schema.SchemaValidator` (python-jsonschema's verdicts and messages).

* A record the schema rejects is a FAIL whose message and pointer name the offending field (for a
  missing required member, the member itself: ``/tags/owner``).
* Missing is not null: a column the schema reads that is unknown for the record (absent from the
  export; tags the AWS API did not return) makes the rule ERROR for that record, never PASS or FAIL. The
  columns a schema reads are those named under ``properties``, ``required``, ``dependentRequired`` and
  ``dependentSchemas`` of the root schema and of the subschemas that apply to the root (``allOf``,
  ``anyOf``, ``oneOf``, ``not``, ``if``/``then``/``else``, local ``$ref``); a root schema that can reach
  any column (``additionalProperties``, ``patternProperties``, ``propertyNames``, ...) reads them all.
* A column the schema names that the record does not have at all (a typo such as ``tgas``, or an
  API-only member a table export lacks) is unknown too: ERROR, never a PASS.
* Every key of the schema must be a Draft 2020-12 keyword (or an ``x-`` annotation): JSON Schema
  ignores unknown keywords, so ``requried`` would make a rule that passes every record.
* References (``$ref``) must point into the schema itself (``#/$defs/...``): nothing is fetched.
* Ids follow rule ids (``ORG001``); the ``BA`` prefix is reserved for built-in rules; an id or name that
  another rule (built-in, plugin, or another custom rule) already uses is a configuration error (exit 2).
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.errors import ConfigError
from checker.model import RESERVED_PREFIX, Job, Rule, Severity, UnknownData, Verdict, failed, passed, reserved_rule_id
from checker.policy import Policy
from checker.registry import RuleTable

if TYPE_CHECKING:
    from checker.registry import Registry

CUSTOM_RULES_PLUGIN = "policy"
"""What ``bedrock-audit rules`` and the reports show as the plugin of a custom rule."""

DEFAULT_HELP_URL = "https://github.com/bedrock-audit/bedrock-audit#custom-rules-without-python"

_READS_EVERY_COLUMN = ("additionalProperties", "patternProperties", "propertyNames", "unevaluatedProperties",
                       "minProperties", "maxProperties", "const", "enum", "$dynamicRef")


@dataclass(frozen=True)
class CustomRule(Rule):
    """A rule from ``[[custom-rules]]``: :class:`~checker.model.Rule` plus the JSON Schema it checks.

    ``job_schema``: the schema as written. ``reads``: the columns it reads (``None``: any column).
    """

    job_schema: Mapping[str, Any] = field(default_factory=dict)
    reads: frozenset[str] | None = None


def referenced_columns(schema: Any) -> frozenset[str] | None:
    """The top-level columns ``schema`` can look at, or ``None`` if it can look at any column.

    ``{"required": ["tags"], "properties": {"vpc_config": {...}}}`` -> ``{"tags", "vpc_config"}``.
    """
    from checker.schema import in_place_subschemas, local_ref

    found: set[str] = set()
    seen: set[int] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, bool) or not isinstance(node, Mapping) or id(node) in seen:
            return True
        seen.add(id(node))
        if any(key in node for key in _READS_EVERY_COLUMN):
            return False
        found.update(node.get("properties", {}) or {})
        found.update(n for n in node.get("required", []) or [] if isinstance(n, str))
        for trigger, names in (node.get("dependentRequired", {}) or {}).items():
            found.add(trigger)
            found.update(n for n in names if isinstance(n, str))
        found.update(node.get("dependentSchemas", {}) or {})
        children = list(in_place_subschemas(node))
        ref = node.get("$ref")
        if ref is not None:
            target = local_ref(schema, ref)
            if target is None:
                return False
            children.append(target)
        return all(visit(child) for child in children)

    return frozenset(found) if visit(schema) else None


def _json_problem(value: Any, path: str) -> str | None:
    """Where ``value`` holds something JSON has no equivalent for (a TOML date or time), else ``None``."""
    if isinstance(value, datetime.date | datetime.time):
        return f"{path}: {value} is a TOML date/time, which JSON Schema cannot compare; quote it as a string"
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = _json_problem(item, f"{path}.{key}")
            if problem:
                return problem
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = _json_problem(item, f"{path}[{index}]")
            if problem:
                return problem
    return None


def build_custom_rule(table: Mapping[str, Any], where: str) -> CustomRule:
    """One ``[[custom-rules]]`` table (already checked against the config schema) -> :class:`CustomRule`.

    ``where`` prefixes error messages (``"bedrock-audit.toml: custom-rules[0]"``). Raises
    :class:`~checker.errors.ConfigError` for an id with the reserved ``BA`` prefix, a schema that holds
    TOML dates, is not a valid JSON Schema, has a key that is not a keyword, a ``$ref`` outside itself or
    a pattern jsonschema-rs cannot compile, and for metadata :class:`~checker.model.Rule` rejects.
    """
    from checker.schema import (
        KEYWORDS,
        SchemaValidator,
        checked_formats,
        dangling_ref,
        known_columns,
        metaschema_errors,
        remote_ref,
        unchecked_format,
        unknown_keyword,
    )

    rule_id = str(table["id"])
    if reserved_rule_id(rule_id):
        raise ConfigError(f"{where}.id: {rule_id}: the {RESERVED_PREFIX} prefix is reserved for built-in "
                          "rules; use your own (ORG001)")
    schema = table["schema"]
    problem = _json_problem(schema, f"{where}.schema")
    if problem:
        raise ConfigError(problem)
    invalid = metaschema_errors(dict(schema))
    if invalid:
        raise ConfigError(f"{where}.schema is not a valid JSON Schema: {invalid}")
    unknown = unknown_keyword(schema)
    if unknown is not None:
        place, key = unknown
        close = difflib.get_close_matches(key, sorted(KEYWORDS), n=1, cutoff=0.7)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"{where}.schema{_toml_path(place)}: unknown keyword {key!r}{hint}: JSON Schema "
                          "ignores keywords it does not know, so the rule would not check it (annotations of "
                          "your own: prefix them with x-)")
    unchecked = unchecked_format(schema)
    if unchecked is not None:
        place, fmt = unchecked
        checked = ", ".join(sorted(checked_formats()))
        raise ConfigError(f"{where}.schema{_toml_path(place)}: format {fmt!r} is not checked here (python-jsonschema "
                          f"checks {checked}), so the rule would accept every value; use a pattern instead")
    remote = remote_ref(schema)
    if remote is not None:  # the validators would fetch it over the network: a policy must be hermetic
        raise ConfigError(f"{where}.schema: $ref {remote!r} points outside the schema; only references "
                          "into the schema itself (#/$defs/...) are allowed")
    dangling = dangling_ref(schema)
    if dangling is not None:
        place, ref = dangling
        raise ConfigError(f"{where}.schema{_toml_path(place)}: $ref {ref!r} points at nothing in the schema")
    try:
        validator = SchemaValidator(schema)
    except (ValueError, TypeError) as exc:  # e.g. a pattern jsonschema-rs cannot compile
        reason = " ".join(str(exc).split()).split(" Failed validating")[0][:300]
        raise ConfigError(f"{where}.schema: {reason}") from None
    reads = referenced_columns(schema)
    absent = _absent_reasons(reads or (), known_columns())

    def check(job: Job, params: Mapping[str, Any]) -> Verdict:
        for column in sorted(job.unknown) if reads is None else sorted(reads):
            job.get(column)  # raises UnknownData: the engine makes it an ERROR naming the column
            if column not in job.row:  # not a column of the table, or an API-only member a table export lacks
                raise UnknownData(column, absent[column])
        errors = validator.errors(job.row)
        if not errors:
            return passed()
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return failed(f"{first.field or '/'}: {first.message}{more}", first.field or None)

    statuses = table.get("statuses")
    try:
        return CustomRule(
            id=rule_id,
            name=str(table.get("name", rule_id.lower())),
            title=table["title"],
            description=table["description"],
            rationale=table.get("rationale", table["description"]),
            remediation=table["remediation"],
            severity=Severity.parse(table["severity"]),
            check=check,
            help_url=table.get("help-url", DEFAULT_HELP_URL),
            categories=tuple(table.get("categories", ())),
            enabled_by_default=bool(table.get("enabled", True)),
            applies_to=frozenset(statuses) if statuses is not None else None,
            columns=tuple(sorted(reads)) if reads is not None else (),
            job_schema=dict(schema),
            reads=reads,
        )
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _toml_path(path: tuple[str | int, ...]) -> str:
    """``("allOf", 0, "properties", "job_name")`` -> ``".allOf[0].properties.job_name"``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _absent_reasons(columns: Iterable[str], known: frozenset[str]) -> dict[str, str]:
    """Why each column is unknown for a record that lacks it (a typo gets a suggestion)."""
    reasons = {}
    for column in columns:
        reason = f"column {column} not in input"
        if column not in known:
            close = difflib.get_close_matches(column, sorted(known), n=1, cutoff=0.6)
            hint = f": did you mean {close[0]}?" if close else ""
            reason += f" (nor a column of the aws.bedrock_model_invocation_job table{hint})"
        reasons[column] = reason
    return reasons


def custom_rules(policy: Policy) -> list[CustomRule]:
    """The policy's ``[[custom-rules]]`` as rules, in file order. Raises :class:`ConfigError`."""
    return [build_custom_rule(table, policy.where(f"custom-rules[{index}]"))
            for index, table in enumerate(policy.custom_rules)]


def with_custom_rules(registry: Registry, policy: Policy,
                      extra: Sequence[CustomRule] | None = None) -> tuple[RuleTable, dict[str, str]]:
    """``(rules, rule_plugin)``: the plugins' rules plus the policy's custom rules (trusted, like the
    built-in rules: their check is :class:`CustomRule`'s).

    ``extra``: already built custom rules (default: built from ``policy``). Raises :class:`ConfigError`
    when a custom rule's id or name is already taken, naming the rule and its plugin.
    """
    rules = registry.rules
    rule_plugin = registry.rule_plugin
    built = custom_rules(policy) if extra is None else list(extra)
    for index, rule in enumerate(built):
        where = policy.where(f"custom-rules[{index}]")
        clash = rules.get(rule.id) or next((r for r in rules.values() if r.name == rule.name), None)
        if clash is not None:
            owner = rule_plugin[clash.id]
            label = "another custom rule" if owner == CUSTOM_RULES_PLUGIN else \
                f"plugin {_label(registry, owner)}"
            what = f"id {rule.id}" if clash.id == rule.id else f"name {rule.name}"
            raise ConfigError(f"{where}: {what} is already used by {clash.id} ({clash.name}) of {label}")
        rules[rule.id] = rule
        rule_plugin[rule.id] = CUSTOM_RULES_PLUGIN
    return RuleTable(rules, rules.trusted | {rule.id for rule in built}), rule_plugin


def _label(registry: Registry, plugin: str) -> str:
    try:
        return registry.plugin(plugin).label
    except KeyError:
        return plugin
