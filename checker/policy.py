"""The policy file: discovery, validation, and turning it plus the flags into configured rules.

Discovery (``../shared/DESIGN.md`` §7): ``--config PATH`` (or ``BEDROCK_AUDIT_CONFIG``), else the first
``bedrock-audit.toml`` -- or ``pyproject.toml`` with a ``[tool.bedrock-audit]`` table -- found from the
working directory upwards (a ``pyproject.toml`` that does not parse is skipped unless it seems to hold
that table: then its TOML error is reported). Precedence: flags > environment (``BEDROCK_AUDIT_*``) > file > defaults;
the CLI resolves flags and environment, this module merges them over the file.

Every mistake is a :class:`ConfigError` (exit 2) naming the file and the key.
"""

from __future__ import annotations

import datetime
import fnmatch
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.engine import ConfiguredRule
from checker.errors import ConfigError
from checker.model import Rule, Severity

if TYPE_CHECKING:
    from checker.schema import SchemaError

CONFIG_NAME = "bedrock-audit.toml"
PYPROJECT_TABLE = "bedrock-audit"
DEFAULT_FAIL_ON = Severity.LOW
COMMON_RULE_KEYS = ("severity", "enabled", "statuses")


@dataclass
class Policy:
    """The policy in effect: the file's settings (``path`` is ``None`` when there is no file).

    ``rules`` maps the key as written (rule id or name) to that rule's table. ``custom_rules``: the
    ``[[custom-rules]]`` tables as written (turned into rules by :mod:`checker.custom_rules`).
    ``waiver_max_days``/``waiver_guardrails``: see :mod:`checker.guardrails`.
    """

    path: Path | None = None
    fail_on: Severity = DEFAULT_FAIL_ON
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    soft_fail: bool = False
    allow_empty: bool = False
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    custom_rules: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    waiver_max_days: int = 365  # checker.guardrails.DEFAULT_MAX_DAYS
    waiver_guardrails: str = "refuse"  # or "warn" (checker.guardrails.MODES)

    def where(self, key: str) -> str:
        """``"bedrock-audit.toml: rules.BA002"`` for messages."""
        return f"{self.path}: {key}" if self.path else key


def discover(start: Path) -> Path | None:
    """The policy file that applies in ``start``: the nearest ``bedrock-audit.toml``, or
    ``pyproject.toml`` with ``[tool.bedrock-audit]``, in ``start`` or a parent; ``None`` if none."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                raw = pyproject.read_bytes()
            except OSError:
                continue
            try:
                if PYPROJECT_TABLE in tomllib.loads(raw.decode("utf-8", "replace")).get("tool", {}):
                    return pyproject
            except tomllib.TOMLDecodeError:
                if _mentions_our_table(raw):
                    return pyproject  # ours, and broken: load_policy says where, rather than skip it
                continue  # somebody else's broken pyproject is not our policy
    return None


_OUR_TABLE = re.compile(rb"""tool\s*\.\s*["']?bedrock-audit""")
_TOOL_HEADER = re.compile(rb"""^\s*\[\s*["']?tool["']?\s*\]""", re.MULTILINE)
_OUR_KEY = re.compile(rb"""^\s*["']?bedrock-audit["']?\s*[.=]""", re.MULTILINE)


def _mentions_our_table(raw: bytes) -> bool:
    """Whether an unparsable ``pyproject.toml`` seems to hold ``[tool.bedrock-audit]`` (``[tool.bedrock-audit]``,
    ``tool.bedrock-audit.x = ...``, or a ``bedrock-audit`` key under ``[tool]``)."""
    if _OUR_TABLE.search(raw):
        return True
    header = _TOOL_HEADER.search(raw)
    return header is not None and _OUR_KEY.search(raw, header.end()) is not None


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse the TOML file at ``path``; ``what`` (``"policy"``, ``"waivers"``) names it in messages.

    Raises :class:`ConfigError` with one line for a missing, unreadable, non-UTF-8 or invalid file.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a {what} file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None


def load_policy(path: Path | None) -> Policy:
    """Read and validate the policy file at ``path`` (``None``: an empty policy).

    Raises :class:`ConfigError` for an unreadable file, bad TOML, or a key the config schema rejects.
    """
    if path is None:
        return Policy()
    document = read_toml(path, "policy")
    if path.name == "pyproject.toml":
        document = document.get("tool", {}).get(PYPROJECT_TABLE, {})
    return policy_from_mapping(document, path)


def policy_from_mapping(document: Mapping[str, Any], path: Path | None = None) -> Policy:
    """Validate a parsed policy against ``schemas/config.schema.json``. Raises :class:`ConfigError`."""
    from checker.schema import CONFIG_SCHEMA, load_schema, validator_for

    schema = load_schema(CONFIG_SCHEMA)
    errors = validator_for(schema).errors(json_ready(document))
    if errors:
        raise schema_error(path, errors[0], schema=schema)
    policy = Policy(path=path, raw=dict(document))
    if "fail-on" in document:
        policy.fail_on = Severity.parse(document["fail-on"])
    if "select" in document:
        policy.select = list(document["select"])
    policy.ignore = list(document.get("ignore", []))
    policy.soft_fail = bool(document.get("soft-fail", False))
    policy.allow_empty = bool(document.get("allow-empty", False))
    policy.waiver_max_days = int(document.get("waiver-max-days", policy.waiver_max_days))
    policy.waiver_guardrails = str(document.get("waiver-guardrails", policy.waiver_guardrails))
    policy.rules = {key: dict(value) for key, value in document.get("rules", {}).items()}
    policy.custom_rules = [dict(table) for table in document.get("custom-rules", [])]  # checker.custom_rules
    return policy


def json_ready(value: Any) -> Any:
    """A parsed TOML value with its dates and times as ISO 8601 strings (``date(2027, 3, 31)`` ->
    ``"2027-03-31"``), so JSON Schema can check it; mappings and lists are copied, the rest kept."""
    if isinstance(value, Mapping):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_ready(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def schema_error(path: Path | None, error: SchemaError, top_level: Mapping[str, str] | None = None,
                 schema: Mapping[str, Any] | None = None) -> ConfigError:
    """The :class:`ConfigError` for a TOML document's schema violation ``error``:
    ``"FILE: waivers[0].expires: MESSAGE"`` -- the file, the key as written in TOML (:func:`config_key`)
    and python-jsonschema's message in our words. ``top_level``: replacements for whole messages about
    the document itself (no key), e.g. ``{"'waivers' is a required property": "no [[waivers]] tables"}``.
    ``schema``: the document's schema, to suggest the key meant by an unknown one (``unknown key 'fail_on'
    (did you mean 'fail-on'?)``)."""
    from checker.suggest import keys_at, unknown_key_message

    key = config_key(error.pointer)
    known = keys_at(schema, error.pointer) if schema is not None else []
    message = unknown_key_message(error.message, known) or _friendly(error.message)
    if not key and top_level:
        message = top_level.get(message, message)
    return ConfigError(f"{f'{path}: ' if path else ''}{key + ': ' if key else ''}{message}")


def config_key(pointer: str) -> str:
    """A JSON pointer into a TOML document as the user writes the key: ``/waivers/0/expires`` ->
    ``waivers[0].expires``, ``/rules/BA002`` -> ``rules.BA002``."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]] if pointer else []
    key = ""
    for part in parts:
        key += f"[{part}]" if part.isdigit() else (f".{part}" if key else part)
    return key


_DATE_PATTERN = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"


def _friendly(message: str) -> str:
    """python-jsonschema's wording -> ours: unknown keys, dates (waiver expiry), blank text."""
    message = message.replace("Additional properties are not allowed", "unknown key")
    if message.endswith(f"does not match {_DATE_PATTERN}"):
        return message[: -len(f"does not match {_DATE_PATTERN}")] + "is not a date (write expires = 2027-03-31)"
    if message.endswith("does not match '\\\\S'"):
        return message[: -len("does not match '\\\\S'")] + "must not be blank"
    return message


def rule_matches(rule: Rule, pattern: str) -> bool:
    """True when ``pattern`` (an id, a name or a glob of either; ids case-insensitive) names ``rule``."""
    pattern = pattern.strip()
    return fnmatch.fnmatchcase(rule.id, pattern.upper()) or fnmatch.fnmatchcase(rule.name, pattern.lower())


def find_rule(rules: Mapping[str, Rule], key: str) -> Rule | None:
    """The rule ``key`` names exactly -- its id (any case) or its name (any case) -- or ``None``.
    ``rules``: id -> rule."""
    return rules.get(key.upper()) or next((r for r in rules.values() if r.name == key.lower()), None)


def _named_exactly(rule: Rule, patterns: Iterable[str]) -> bool:
    return any(p.strip().upper() == rule.id or p.strip().lower() == rule.name for p in patterns)


def with_defaults(schema: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with each missing top-level property filled from its ``default`` in ``schema``."""
    filled = dict(options)
    for name, spec in schema.get("properties", {}).items():
        if name not in filled and isinstance(spec, Mapping) and "default" in spec:
            filled[name] = spec["default"]
    return filled


def configure_rules(policy: Policy, rules: Mapping[str, Rule], *, select: Sequence[str] | None = None,
                    ignore: Sequence[str] | None = None, warn: Callable[[str], None] | None = None,
                    trusted: Collection[str] | None = None) -> list[ConfiguredRule]:
    """The rules this run executes, in id order, with validated options.

    ``select``/``ignore`` from flags or environment replace the file's when given. A rule runs when it
    is enabled by default, configured under ``[rules.X]`` (and not ``enabled = false``) or named exactly in
    ``select``; and it matches ``select`` (default ``*``) and no ``ignore`` pattern. Raises
    :class:`ConfigError` for a ``[rules.X]`` naming no rule, a rule configured twice (by id and by name),
    options the rule's ``params_schema`` rejects (also for a rule selected by name whose required options
    are not set), a ``select`` pattern matching no rule, or a selection that leaves no rule to run.
    ``warn(message)`` receives an ``ignore`` pattern that matches nothing. ``trusted``: ids of the rules
    that share the record (bedrock-audit's own); ``None`` takes ``rules.trusted`` when ``rules`` is a
    :class:`~checker.registry.RuleTable` (``registry.rules``, :func:`~checker.custom_rules.with_custom_rules`),
    else trusts none.
    """
    from checker.schema import SchemaValidator
    from checker.suggest import keys_at, rule_hint, unknown_key_message

    own = frozenset(trusted if trusted is not None else getattr(rules, "trusted", ()))
    selectors = list(select) if select is not None else policy.select
    ignores = list(ignore) if ignore is not None else policy.ignore
    by_key: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, table in policy.rules.items():
        rule = find_rule(rules, key)
        if rule is None:
            raise ConfigError(f"{policy.where('rules.' + key)}: no such rule{rule_hint(rules, key)} (see "
                              "`bedrock-audit rules`)")
        if rule.id in by_key:
            raise ConfigError(f"{policy.where('rules.' + key)}: rule {rule.id} is configured twice")
        by_key[rule.id] = (key, table)
    for pattern in selectors or []:
        if not any(rule_matches(r, pattern) for r in rules.values()):
            raise ConfigError(f"select: {pattern!r} matches no rule{rule_hint(rules, pattern)} (see "
                              "`bedrock-audit rules`)")
    for pattern in ignores:
        if warn is not None and not any(rule_matches(r, pattern) for r in rules.values()):
            warn(f"ignore: {pattern!r} matches no rule{rule_hint(rules, pattern)}")
    configured: list[ConfiguredRule] = []
    for rule_id in sorted(rules):
        rule = rules[rule_id]
        key, table = by_key.get(rule_id, (rule_id, {}))
        enabled = table.get("enabled")
        wanted = (enabled is True or (enabled is None and (
            rule.enabled_by_default or rule_id in by_key or _named_exactly(rule, selectors or []))))
        if selectors is not None and not any(rule_matches(rule, p) for p in selectors):
            wanted = False
        if any(rule_matches(rule, p) for p in ignores):
            wanted = False
        if not wanted and rule_id not in by_key:
            continue
        options = {k: v for k, v in table.items() if k not in COMMON_RULE_KEYS}
        errors = SchemaValidator(rule.params_schema).errors(options)
        if errors:
            first = errors[0]
            field_path = ".".join(p for p in first.pointer.strip("/").split("/") if p)
            where = policy.where(f"rules.{key}" + (f".{field_path}" if field_path else ""))
            known = keys_at(rule.params_schema, first.pointer) + (list(COMMON_RULE_KEYS) if not field_path else [])
            said = unknown_key_message(first.message, known) or _friendly(first.message)
            if rule_id not in by_key:  # selected by name, never configured: say where options go
                raise ConfigError(f"{rule.id} ({rule.name}) runs only once configured: {said}; set it under "
                                  f"[rules.{rule.id}] in the policy file (see `bedrock-audit rules show "
                                  f"{rule.id}`)")
            raise ConfigError(f"{where}: {said}")
        if not wanted:
            continue
        severity = Severity.parse(table["severity"]) if "severity" in table else rule.severity
        statuses = frozenset(table["statuses"]) if "statuses" in table else rule.applies_to
        configured.append(ConfiguredRule(rule, with_defaults(rule.params_schema, options), severity, statuses,
                                         rule_id in own))
    if not configured:
        raise ConfigError("no rules selected: check select/ignore and --disable-plugin")
    return configured
