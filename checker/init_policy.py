"""The policy file ``bedrock-audit init`` writes: every setting and every rule, commented, from the metadata.

As written the file changes nothing: its active keys are the defaults (``fail-on``, ``ignore``,
``soft-fail``, ``allow-empty``, the waiver guardrails), and every ``[rules.ID]`` table is commented out
(an active table would turn on a rule that is off by default, and would break the policy once the
plugin providing that rule is uninstalled). Each rule shows its id, name, title, severity, whether it is
on by default, its plugin, and each parameter with its description and default from ``params_schema``
-- built-in and plugin rules alike. :func:`policy_template` renders it; :func:`check_template` proves
that it parses and loads to the same settings as no file.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.model import Rule
    from checker.policy import Policy

WIDTH = 100
"""Comment lines are wrapped at this many characters."""

_TOP_LEVEL = (
    ("fail-on", '"low"', "Lowest severity of an unwaived FAIL that fails the gate (exit 1): critical, high, "
     "medium, low, info. info findings are reported but never fail at the default."),
    ("select", None, 'Rules to run: ids, names or globs, e.g. select = ["BA*"]. Default: every rule that is on '
     "by default, plus the rules configured below; a rule that is off by default also runs when named here "
     "exactly."),
    ("ignore", "[]", "Rules not to run: ids, names or globs, applied after select."),
    ("soft-fail", "false", "Exit 0 instead of 1 when findings fail the gate; never hides exit codes 2-4."),
    ("allow-empty", "false", "Input with no records at all is not an error."),
    ("waiver-max-days", "365", "Longest a waiver may run, in days from the scan's day to its expires."),
    ("waiver-guardrails", '"refuse"', 'A waiver whose job matches every job, or that runs past waiver-max-days: '
     '"refuse" (exit 2) or "warn" (a warning in every report).'),
)
_WAIVER = ('rule = "BA001"', 'job = "legacy-*"', 'reason = "legacy pipeline, migration tracked in SEC-123"',
           'owner = "ml-platform"', "expires = 2027-03-31")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_PLACEHOLDER = {"array": "[]", "object": "{}", "string": '""', "integer": "0", "number": "0", "boolean": "false"}


def toml_value(value: Any) -> str:
    """``value`` (a JSON value from a ``params_schema`` default) as a TOML value. Raises ``ValueError``
    for ``None`` (TOML has no null) and other types JSON has not."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise ValueError(f"no TOML form for {value!r}")


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be (``max_hours``, ``cost-center``), else a basic string."""
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    """A TOML basic string (TOML 1.0: ``"`` and ``\\`` escaped, control characters as ``\\uXXXX``)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _comment(text: str, indent: str = "", mark: str = "#") -> list[str]:
    """``text`` as ``# `` comment lines (``mark``) wrapped at :data:`WIDTH` (line breaks in ``text`` kept).
    Prose in a commented block is marked ``##``: uncommenting the block once (strip one ``#``) leaves it a
    comment and the settings, marked ``#``, valid TOML."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, WIDTH - 1 - len(mark) - len(indent), break_long_words=False,
                                break_on_hyphens=False) or [""]
        lines += [f"{mark} {indent}{line}".rstrip() for line in wrapped]
    return lines


def _constraints(spec: Mapping[str, Any]) -> str:
    """`` (one of: exact, lower)``, `` (24-168)``, `` (at least 1)`` from a parameter's schema; ``""``."""
    if isinstance(spec.get("enum"), list):
        return " (one of: " + ", ".join(str(v) for v in spec["enum"]) + ")"
    low, high = spec.get("minimum"), spec.get("maximum")
    if low is not None and high is not None:
        return f" ({low}-{high})"
    if low is not None:
        return f" (at least {low})"
    return f" (at most {high})" if high is not None else ""


def _parameter(name: str, spec: Mapping[str, Any], required: bool) -> list[str]:
    """A rule parameter: its description, then ``# name = default`` (commented)."""
    about = (str(spec.get("description", "")).strip() + _constraints(spec)).strip()
    lines = _comment(about, mark="##") if about else []
    if "default" in spec and spec["default"] is not None:
        lines.append(f"# {toml_key(name)} = {toml_value(spec['default'])}")
    elif "default" in spec:  # null: TOML cannot write it; leaving the key out gives it
        lines.append(f"## {toml_key(name)}: default none (TOML has no null: leave it out)")
    else:
        kind = spec.get("type")
        placeholder = _PLACEHOLDER.get(kind if isinstance(kind, str) else "string", '""')
        what = "required, no default: set it to turn the rule on" if required else "no default"
        lines.append(f"# {toml_key(name)} = {placeholder}   # {what}")
    return lines


def _rule(rule: Rule, plugin: str, prefix: str) -> list[str]:
    """The commented ``[rules.ID]`` block of one rule."""
    default = "on by default" if rule.enabled_by_default else "off by default (runs once configured)"
    lines = _comment(f"{rule.id} {rule.name}: {rule.title}", mark="##")
    lines += _comment(f"severity {rule.severity.label}, {default}, plugin {plugin}; "
                      f"`bedrock-audit rules show {rule.id}`", "  ", mark="##")
    lines.append(f"# [{prefix}rules.{rule.id}]")
    schema = rule.params_schema
    required = set(schema.get("required", ()))
    for name, spec in schema.get("properties", {}).items():
        if isinstance(spec, Mapping):
            lines += _parameter(name, spec, name in required)
    if not schema.get("properties"):
        lines.append("## (no parameters of its own)")
    return lines


def policy_template(rules: Mapping[str, Rule], rule_plugin: Mapping[str, str], version: str,
                    table: str | None = None) -> str:
    """The policy file text. ``rules``: id -> rule (built-in and plugin rules); ``rule_plugin``: id ->
    plugin name; ``version``: bedrock-audit's, for the header. ``table``: ``"tool.bedrock-audit"`` for
    the table appended to ``pyproject.toml`` (every table then lives under it); ``None`` for
    ``bedrock-audit.toml``. Raises ``ValueError`` for a parameter default TOML cannot write."""
    prefix = f"{table}." if table else ""
    lines = _comment(f"bedrock-audit policy, written by `bedrock-audit init` (bedrock-audit {version}).")
    lines += _comment("As written it changes nothing: the active keys are the defaults and every rule table "
                      "is commented out. Uncomment and edit what you want to change. An unknown key or a bad "
                      "value is an error (exit 2) naming it. Reference: README \"Policy file\", "
                      "schemas/config.schema.json, `bedrock-audit rules show ID`.")
    lines.append("")
    if table:
        lines.append(f"[{table}]")
    for key, value, help_text in _TOP_LEVEL:
        lines += _comment(help_text)
        lines.append(f"{key} = {value}" if value is not None else f'# {key} = ["BA*"]')
    lines.append("")
    lines += _comment("Waivers: accountable, expiring exceptions to findings (README \"Waivers\"); also from "
                      "--waivers FILE. reason, owner and expires are mandatory.", mark="##")
    lines.append(f"# [[{prefix}waivers]]")
    lines += [f"# {line}" for line in _WAIVER]
    lines.append("")
    lines += _comment("Rules. Every rule also takes severity (override), enabled (true/false) and statuses "
                      '(job statuses it checks, e.g. ["Completed", "Failed"]). Uncommenting a [rules.ID] table '
                      "turns that rule on even if it is off by default. Lines marked ## are notes; to use a "
                      "block, remove one # from each of its lines.", mark="##")
    for rule_id in sorted(rules):
        lines.append("")
        lines += _rule(rules[rule_id], rule_plugin.get(rule_id, "?"), prefix)
    return "\n".join(lines) + "\n"


def check_template(text: str, table: str | None = None) -> Policy:
    """Parse and validate the written text as the policy loader does; it must give the defaults.
    Returns the :class:`~checker.policy.Policy`. Raises ``AssertionError`` (a bug of ours) otherwise."""
    from checker.policy import Policy, policy_from_mapping

    document: Any = tomllib.loads(text)
    for part in (table.split(".") if table else []):
        document = document[part]
    policy = policy_from_mapping(document)
    expected = Policy()
    same = [getattr(policy, name) == getattr(expected, name)
            for name in ("fail_on", "select", "ignore", "soft_fail", "allow_empty", "rules", "custom_rules",
                         "waiver_max_days", "waiver_guardrails")]
    if not all(same) or "waivers" in document:
        raise AssertionError("the policy template does not give the defaults")
    return policy
