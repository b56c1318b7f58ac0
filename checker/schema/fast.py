"""The jsonschema-rs translation: the schema jsonschema-rs validates (:func:`fast_schema`) and the regular
expressions it reads exactly as Python's ``re`` does (:func:`fast_pattern`), so the fast pass agrees with
python-jsonschema (``tests/test_schema_agreement.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.schema.keywords import _SUBSCHEMA_MAPS


def _regex(value: Any) -> bool:
    import re

    if not isinstance(value, str):
        return True
    try:
        re.compile(value)
    except re.error:
        return False
    return True


_OWN_FORMATS: dict[str, Callable[[Any], bool]] = {"regex": _regex}
"""Formats the fast pass checks with these Python functions, which do what python-jsonschema's checkers
do (``regex``: ``re.compile``), so both passes agree."""


END_OF_STRING = "$(?!\\n)"
"""How our schemas end an anchored pattern. In Python's ``re`` (python-jsonschema) a bare ``$`` also
matches before a trailing newline; ``$(?!\\n)`` does not, which is what a bare ``$`` means in Rust's
regex (jsonschema-rs). The fast schema uses the bare ``$`` there: same meaning, and the linear-time
engine instead of the backtracking one (5 us per record less)."""


DATE_TIME_GUARD = {"type": "string", "pattern": "^(?:0000-|.{17}60)"}
"""jsonschema-rs's built-in ``date-time`` accepts year 0000 and second 60, which rfc3339-validator (and so
python-jsonschema) rejects; in the fast schema every ``date-time`` also carries ``not`` this pattern
(:data:`FAST_DATE_TIME`; the first 19 characters of a valid date-time are fixed-width: seconds are at 17-18)."""


REFERENCE_DATE_TIME = "x-bedrock-audit-reference-date-time"
"""A format name of the fast schema only: python-jsonschema's own ``date-time`` check, run by jsonschema-rs
through its ``formats`` map for strings that end with a newline (see :data:`FAST_DATE_TIME`)."""


FAST_DATE_TIME = {"anyOf": [{"format": "date-time", "not": DATE_TIME_GUARD},
                            {"type": "string", "pattern": "\n$", "format": REFERENCE_DATE_TIME}]}
"""What ``format: date-time`` becomes in the fast schema. rfc3339-validator (python-jsonschema) ends its
pattern with Python's ``$``, which also matches before a trailing newline: it accepts
``2024-01-01T00:00:00Z\n``, which jsonschema-rs's built-in check (and RFC 3339) refuses; under ``not``
the fast pass would accept what python-jsonschema rejects. A string ending with a newline gets
python-jsonschema's own check (:func:`_reference_date_time`); the rest jsonschema-rs's, with
:data:`DATE_TIME_GUARD`."""


_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})


def fast_schema(schema: Any) -> Any:
    """The schema jsonschema-rs validates: ``schema`` with every regular expression (``pattern`` values and
    ``patternProperties`` names) rewritten by :func:`fast_pattern` and :data:`DATE_TIME_GUARD` added to
    every ``format: date-time``. Same verdicts as python-jsonschema on ``schema`` (checked by
    ``tests/test_schema_agreement.py``); never used for error messages. Raises :class:`EnginesDiffer` for a
    construct the two engines read differently and that has no exact rewrite (then only python-jsonschema
    is used): a pattern :func:`fast_pattern` cannot rewrite, or a ``multipleOf`` the engines compute
    differently (:func:`_inexact_multiple_of`).
    """
    if isinstance(schema, list):
        return [fast_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("uniqueItems") is True and not _items_are_never_arrays(schema):  # see there
        raise EnginesDiffer("uniqueItems on arrays that may hold arrays")
    out = {}
    for key, value in schema.items():
        if key in _DATA_KEYWORDS:
            out[key] = value
        elif key == "patternProperties" and isinstance(value, dict):
            out[key] = {_translated(name): fast_schema(sub) for name, sub in value.items()}
        elif key in _SUBSCHEMA_MAPS and isinstance(value, dict):  # names are data, never keywords (a tag
            out[key] = {name: fast_schema(sub) for name, sub in value.items()}  # may be called "enum")
        elif key == "pattern" and isinstance(value, str):
            out[key] = _translated(value)
        elif key == "multipleOf" and _inexact_multiple_of(value):
            raise EnginesDiffer(f"multipleOf {value!r}")
        else:
            out[key] = fast_schema(value)
    if out.get("format") == REFERENCE_DATE_TIME:
        raise EnginesDiffer(f"format {REFERENCE_DATE_TIME!r}")  # the fast schema's own: unknown to python-jsonschema
    if out.get("format") == "date-time" and isinstance(out.get("allOf", []), list):
        del out["format"]
        out["allOf"] = [*out.get("allOf", []), FAST_DATE_TIME]
    return out


def _inexact_multiple_of(value: Any) -> bool:
    """Whether python-jsonschema computes ``multipleOf: value`` in floating point where jsonschema-rs is exact.

    A float divisor, even a whole one: python-jsonschema divides (``instance / 3.0``) and asks whether the
    quotient is whole, so 0.07 is a multiple of 0.01 to jsonschema-rs and not to it, and 1e19 (10**19) and
    9007199254740993 are multiples of 3.0 and 2.0 to it (the quotient rounds to a whole float) and not to
    jsonschema-rs. An integer divisor beyond 2**53: python-jsonschema's ``float % int`` rounds the divisor
    to a float (1e308 is a multiple of 9007199254740993 to it). Whole divisors up to 2**53 are exact in both.
    """
    if isinstance(value, float):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53


class EnginesDiffer(ValueError):
    """A schema construct that python-jsonschema and jsonschema-rs read differently, with no exact rewrite
    (see :func:`fast_schema`)."""


def _translated(pattern: str) -> str:
    fast = fast_pattern(pattern)
    if fast is None:
        raise EnginesDiffer(f"pattern {pattern!r}")
    return fast


_PLAIN_ESCAPES = frozenset("nrtfv")


_LOOKAROUNDS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")


def fast_pattern(pattern: str) -> str | None:
    """``pattern`` (as python-jsonschema reads it: Python ``re``, searched) rewritten so that jsonschema-rs
    (ECMA-262 semantics) matches exactly the same strings, or ``None`` when it uses a construct the
    engines read differently and that has no exact rewrite.

    Rewritten: ``.`` becomes ``[^\\n]`` (ECMA's dot also refuses ``\\r``, U+2028 and U+2029; Python's
    only ``\\n``); a ``$`` becomes ``(?=\\n?$)`` (Python's also matches before a trailing newline), except
    :data:`END_OF_STRING`, which is ECMA's bare ``$``. Kept as they are: literals, escaped punctuation,
    ``\\n \\r \\t \\f \\v``, ``\\xHH``, ``\\uHHHH``, character classes made of those, quantifiers, groups,
    alternation, ``^`` and lookarounds. ``None`` for the rest -- ``\\d \\w \\s \\b`` and their negations
    (Unicode in Python, ASCII or another set in ECMA), ``\\A \\Z``, back-references, inline flags, named
    groups, nested or leading-``]`` classes, a quantified ``$``. Any difference matters in both
    directions: under ``not`` a pattern the fast pass wrongly refuses would wrongly pass a record.
    """
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        char = pattern[i]
        if char == "\\":
            escape = pattern[i + 1 : i + 2]
            if escape in ("x", "u"):
                width = 2 if escape == "x" else 4
                digits = pattern[i + 2 : i + 2 + width]
                if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    return None
                out.append(pattern[i : i + 2 + width])
                i += 2 + width
                continue
            if not escape or (escape.isalnum() and escape not in _PLAIN_ESCAPES) or not escape.isascii():
                return None
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "[":
                return None
            in_class = char != "]"
            out.append(char)
            i += 1
            continue
        if char == "[":
            start = i + 2 if pattern.startswith("[^", i) else i + 1
            if pattern.startswith("]", start):
                return None
            out.append(pattern[i:start])
            in_class, i = True, start
            continue
        if char == "(" and pattern.startswith("(?", i) and not pattern.startswith(_LOOKAROUNDS, i):
            return None
        if char == ".":
            out.append("[^\\n]")
        elif char == "$":
            anchor = END_OF_STRING if pattern.startswith(END_OF_STRING, i) else "$"
            after = i + len(anchor)
            if pattern[after : after + 1] in ("*", "+", "?", "{"):  # a quantified anchor: read it as Python does
                return None
            out.append("$" if anchor == END_OF_STRING else "(?=\\n?$)")
            i = after
            continue
        else:
            out.append(char)
        i += 1
    return None if in_class else "".join(out)


def _uses_only_own_formats(schema: Any) -> bool:
    if isinstance(schema, dict):
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt not in _OWN_FORMATS and fmt != "date-time":
            return False
        return all(_uses_only_own_formats(v) for k, v in schema.items() if k not in _DATA_KEYWORDS)
    if isinstance(schema, list):
        return all(_uses_only_own_formats(v) for v in schema)
    return True


def _items_are_never_arrays(schema: Mapping[str, Any]) -> bool:
    """Whether ``schema`` refuses every array that has an array among its items: no ``prefixItems``, and
    ``items`` is ``false`` or has a ``type`` without ``"array"`` or an ``enum``/``const`` without lists.

    Where ``uniqueItems: true`` may meet arrays of arrays the engines differ: python-jsonschema's ``uniq``
    sorts the items with Python's ``==`` and ``<`` (``True == 1``) and then compares only neighbours with its
    own ``equal`` (``True`` is not ``1``), so ``[[1], [True], [1]]`` stays in that order, no two neighbours
    are equal, and it counts as unique; jsonschema-rs (and the spec) find ``[1]`` twice. Arrays of scalars or
    of objects are decided alike (mixed types or dicts make the sort fail, and python-jsonschema then
    compares every pair). With items that may not be arrays, both engines refuse such an array anyway.
    """
    if "prefixItems" in schema:
        return False
    items = schema.get("items")
    if items is False:
        return True
    if not isinstance(items, dict):
        return False
    kind = items.get("type")
    if isinstance(kind, str) and kind != "array":
        return True
    if isinstance(kind, list) and "array" not in kind:
        return True
    if "const" in items and not isinstance(items["const"], list):
        return True
    enum = items.get("enum")
    return isinstance(enum, list) and not any(isinstance(value, list) for value in enum)
