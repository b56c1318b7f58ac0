"""Checks on schemas written by users and plugins (custom rules, rule parameters): the Draft 2020-12
metaschema, Python-compilable patterns, remote and dangling ``$ref``, ``$ref`` loops, unknown keywords and
formats python-jsonschema does not check. Each returns where and why, or ``None``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from checker.schema.keywords import KEYWORDS, _subschemas
from checker.schema.reference import checked_formats
from checker.schema.violations import json_pointer


def metaschema_errors(schema: Any) -> str | None:
    """Why ``schema`` is not a valid Draft 2020-12 JSON Schema, or ``None`` if it is."""
    import jsonschema_rs

    try:
        if jsonschema_rs.meta.is_valid(schema):
            # jsonschema-rs reads patterns as ECMA 262 and does not check the regex format here:
            # a pattern Python's re cannot compile (\p{L}, (?<name>...), "^(") would fail every record
            return _python_pattern_error(schema)
    except Exception:  # noqa: BLE001 - unknown $schema and the like: let the reference explain
        pass
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return f"{json_pointer(exc.absolute_path) or '/'}: {exc.message}"
    return None


def _python_pattern_error(schema: Any) -> str | None:
    """Where a ``pattern`` (or ``patternProperties`` name) in ``schema`` is not a Python regular expression,
    as ``"/pointer: 'pattern' is not a 'regex' (why)"``, or ``None``. python-jsonschema compiles patterns with
    ``re`` and raises ``re.error`` on every instance that reaches such a one."""
    import re

    for path, node in _subschemas(schema, ()):
        candidates: list[tuple[tuple[str | int, ...], Any]] = [((*path, "pattern"), node.get("pattern"))]
        names = node.get("patternProperties")
        if isinstance(names, Mapping):
            candidates += [((*path, "patternProperties", name), name) for name in names]
        for where, pattern in candidates:
            if not isinstance(pattern, str):
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                return f"{json_pointer(where)}: {pattern!r} is not a 'regex' (Python re: {exc})"
    return None


def remote_ref(schema: Any) -> str | None:
    """The first ``$ref``/``$dynamicRef`` in ``schema`` that does not point into the schema itself
    (``#...``), or ``None``. Validators would fetch such a reference over the network, so schemas
    that come from users and plugins (custom rules, rule parameters) may not have one."""
    if isinstance(schema, Mapping):
        for key, item in schema.items():
            if key in ("$ref", "$dynamicRef") and isinstance(item, str) and not item.startswith("#"):
                return item
            found = remote_ref(item)
            if found:
                return found
    elif isinstance(schema, list):
        for item in schema:
            found = remote_ref(item)
            if found:
                return found
    return None


def local_ref(root: Any, ref: Any) -> Any:
    """The subschema a local ``$ref`` points at (``#``, ``#/$defs/x``, ``#/allOf/0``: a JSON pointer into
    ``root``), or ``None`` for any other reference or a pointer to nowhere."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    node = root
    for part in [p for p in ref[1:].split("/") if p]:
        part = unquote(part).replace("~1", "/").replace("~0", "~")  # a URI fragment (RFC 6901, section 6)
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def dangling_ref(schema: Any) -> tuple[tuple[str | int, ...], str] | None:
    """The first local ``$ref``/``$dynamicRef`` in ``schema`` that points at nothing (``#/$defs/missing``,
    ``#name`` with no such ``$anchor``/``$dynamicAnchor``), as ``(path of the schema holding it, reference)``,
    or ``None``. Validators only find out when they follow it, record by record."""
    nodes = list(_subschemas(schema, ()))
    # a $dynamicAnchor is also a plain-name fragment (Draft 2020-12 core, section 8.2.2)
    anchors = {node.get(key) for _, node in nodes for key in ("$anchor", "$dynamicAnchor")}
    for place, node in nodes:
        for key in ("$ref", "$dynamicRef"):
            ref = node.get(key)
            if not isinstance(ref, str) or not ref.startswith("#"):
                continue
            if ref == "#" or ref.startswith("#/"):
                if local_ref(schema, ref) is None:
                    return place, ref
            elif ref[1:] not in anchors:
                return place, ref
    return None


def in_place_subschemas(node: Mapping[str, Any]) -> Iterator[Any]:
    """The subschemas of ``node`` applied to the same instance as ``node`` itself (``allOf``, ``anyOf``,
    ``oneOf``, ``not``, ``if``/``then``/``else``, ``dependentSchemas``), without following ``$ref``."""
    for key in ("allOf", "anyOf", "oneOf"):
        items = node.get(key)
        if isinstance(items, list):
            yield from items
    for key in ("not", "if", "then", "else"):
        if key in node:
            yield node[key]
    dependent = node.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        yield from dependent.values()


def ref_loop(schema: Any) -> str | None:
    """The first ``$ref`` that leads back to where it started without descending into the instance
    (``{"$ref": "#"}``, two ``$defs`` referring to each other through ``allOf``, ...), or ``None``.

    Such a schema never finishes: python-jsonschema recurses until ``RecursionError`` on every instance,
    while jsonschema-rs accepts every instance -- a rule that would pass every record. References through
    ``properties``, ``items`` and the like descend into the instance and are fine (recursive schemas).
    """
    def same_instance(node: Mapping[str, Any]) -> Iterator[tuple[Any, str | None]]:
        for child in in_place_subschemas(node):
            yield child, None
        for key in ("$ref", "$dynamicRef"):
            if key in node:
                yield local_ref(schema, node[key]), str(node[key])

    state: dict[int, int] = {}  # id(node) -> 1 on the current path, 2 done

    def visit(node: Any) -> str | None:
        if not isinstance(node, Mapping) or state.get(id(node)) == 2:
            return None
        state[id(node)] = 1
        for child, ref in same_instance(node):
            if isinstance(child, Mapping) and state.get(id(child)) == 1:
                return ref or "#"
            found = visit(child)
            if found is not None:
                return found
        state[id(node)] = 2
        return None

    for _, node in _subschemas(schema, ()):
        found = visit(node)
        if found is not None:
            return found
    return None


def unknown_keyword(schema: Any, path: tuple[str | int, ...] = ()) -> tuple[tuple[str | int, ...], str] | None:
    """The first key of ``schema`` (or of a subschema) that is not a Draft 2020-12 keyword, as ``(path of the
    schema holding it, key)``, or ``None``. Keys starting with ``x-`` are annotations of one's own.

    JSON Schema ignores keywords it does not know, so ``{"requried": ["owner"]}`` accepts everything:
    schemas written by hand (custom rules) are checked with this. Property names (under ``properties``,
    ``$defs``, ...) and data (``enum``, ``const``, ``default``, ``examples``) are not keywords and not checked.
    """
    for place, subschema in _subschemas(schema, path):
        for key in subschema:
            if key not in KEYWORDS and not str(key).startswith("x-"):
                return place, str(key)
    return None


def unchecked_format(schema: Any) -> tuple[tuple[str | int, ...], str] | None:
    """The first ``format`` in ``schema`` (or a subschema) that python-jsonschema does not check in this
    installation, as ``(path of the schema holding it, format)``, or ``None``.

    python-jsonschema, whose verdicts count, skips a format it has no checker for (``uri`` needs
    rfc3987, ``hostname`` fqdn, ...) without a word, so ``{"format": "uri"}`` accepts everything: schemas
    written by hand (custom rules) are checked with this. The formats it checks here:
    ``jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers``.
    """
    checked = checked_formats()
    for place, subschema in _subschemas(schema, ()):
        fmt = subschema.get("format")
        if isinstance(fmt, str) and fmt not in checked:
            return place, fmt
    return None


