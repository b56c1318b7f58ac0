"""Did-you-mean for the names a user types: rule ids and names, policy keys, rule parameters.

Close matches come from :func:`difflib.get_close_matches` (ratio >= 0.6, case-insensitive); for rules, a
rule whose id or name contains what was typed (``vpc`` -> ``vpc-config-required``, ``vpc-allowlist``)
comes first. Every function returns candidates or a ready hint; none raises.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.model import Rule

CUTOFF = 0.6
"""difflib similarity ratio a candidate needs (0-1)."""


def close_matches(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The ``candidates`` most like ``word`` (case-insensitive), best first, at most ``limit``."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.lower(), candidate)
    found = difflib.get_close_matches(word.lower(), list(by_folded), n=limit, cutoff=CUTOFF)
    return [by_folded[f] for f in found]


def closest(value: str, choices: Iterable[str]) -> str:
    """``" (did you mean us-east-1?)"`` for the one choice most like ``value``, else ``""`` (locations, flags)."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=CUTOFF)
    return f" (did you mean {close[0]}?)" if close else ""


def did_you_mean(options: list[str]) -> str:
    """``" (did you mean 'a'?)"``, ``" (did you mean 'a' or 'b'?)"``; ``""`` for no options."""
    if not options:
        return ""
    quoted = [repr(option) for option in options]
    shown = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {shown}?)"


def similar_rules(rules: Mapping[str, Rule], typed: str, limit: int = 3) -> list[Rule]:
    """Rules ``typed`` (an id, name or glob that named none) probably meant, best first: those whose id or
    name contains it (glob characters dropped, at least 2 characters), then close matches of id or name.
    ``rules``: id -> rule."""
    word = re.sub(r"[*?\[\]]", "", typed).strip().lower()
    if not word:
        return []
    found: list[Rule] = []
    if len(word) >= 2:
        found += [r for _, r in sorted(rules.items()) if word in r.id.lower() or word in r.name]
    names = {r.name: r for r in rules.values()}
    for match in close_matches(word, [*rules, *names], limit):
        rule = rules.get(match) or names[match]
        if rule not in found:
            found.append(rule)
    return found[:limit]


def rule_hint(rules: Mapping[str, Rule], typed: str) -> str:
    """``"; did you mean BA001 vpc-config-required or BA013 vpc-allowlist?"`` (``""`` when nothing is
    close) for a message about ``typed`` naming no rule."""
    found = [f"{r.id} {r.name}" for r in similar_rules(rules, typed)]
    if not found:
        return ""
    return "; did you mean " + (found[0] if len(found) == 1 else f"{', '.join(found[:-1])} or {found[-1]}") + "?"


_UNEXPECTED = re.compile(r"^Additional properties are not allowed \((.*) (?:was|were) unexpected\)$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def unknown_keys(message: str) -> list[str] | None:
    """The keys python-jsonschema's ``additionalProperties`` message names (``"Additional properties are not
    allowed ('fail_on' was unexpected)"`` -> ``["fail_on"]``), or ``None`` for another message."""
    match = _UNEXPECTED.match(message)
    return None if match is None else _QUOTED.findall(match.group(1))


def unknown_key_message(message: str, known: Iterable[str]) -> str | None:
    """``"unknown key 'fail_on' (did you mean 'fail-on'?)"`` for an ``additionalProperties`` message, the
    hint from ``known`` (the keys allowed there); ``None`` for another message."""
    keys = unknown_keys(message)
    if not keys:
        return None
    allowed = sorted(known)
    shown = ", ".join(f"{key!r}{did_you_mean(close_matches(key, allowed, 1))}" for key in keys)
    return f"unknown key{'s' if len(keys) > 1 else ''} {shown}"


def keys_at(schema: Mapping[str, Any], pointer: str) -> list[str]:
    """The property names ``schema`` allows for the object at JSON pointer ``pointer`` of a document
    (following ``properties``, ``items``, ``additionalProperties`` and local ``$ref``); ``[]`` when the
    schema says nothing there."""
    node: Any = schema
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]] if pointer else []:
        node = _resolve(schema, node)
        if part in node.get("properties", {}):
            node = node["properties"][part]
        elif part.isdigit() and isinstance(node.get("items"), Mapping):
            node = node["items"]
        elif isinstance(node.get("additionalProperties"), Mapping):
            node = node["additionalProperties"]
        else:
            return []
    return list(_resolve(schema, node).get("properties", {}))


def _resolve(root: Mapping[str, Any], node: Any) -> Mapping[str, Any]:
    for _ in range(16):  # a $ref chain; the config schema's are one step
        if not isinstance(node, Mapping):
            return {}
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return node
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        node = target
    return {}
