"""JSON Schemas: where they live, and validators that are fast and agree with python-jsonschema.

The schemas ship in the wheel as ``checker/schemas/`` and live in ``schemas/`` in a source checkout;
:func:`schemas_dir` finds either. :class:`SchemaValidator` gives python-jsonschema's verdicts at close to
jsonschema-rs speed: jsonschema-rs (Rust) accepts or rejects first; python-jsonschema (the reference
implementation, imported only when needed) decides every instance the fast pass rejects and produces
the error messages. jsonschema-rs validates :func:`fast_schema` (the same schema with the differences
between the engines ironed out: regular expressions, year 0000 and leap seconds, see there); a schema
with a pattern the engines read differently and that cannot be rewritten exactly (``\\d``, inline flags,
...: :func:`fast_pattern`) is validated by python-jsonschema alone. ``tests/test_schema_agreement.py``
checks with generated records and patterns that the two passes agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import orjson

from checker.text import clip

TABLE_SCHEMA = "aws.bedrock_model_invocation_job.schema.json"
CONFIG_SCHEMA = "config.schema.json"
REPORT_SCHEMA = "report.schema.json"
RULE_METADATA_SCHEMA = "rule-metadata.schema.json"

MAX_MESSAGE = 300
"""Characters of a schema error message kept in reports (values in messages can be huge)."""


def schemas_dir() -> Traversable:
    """The folder holding the JSON Schemas: ``checker/schemas`` in an installed wheel, else the
    checkout's top-level ``schemas/``. Raises ``FileNotFoundError`` if neither exists."""
    bundled = resources.files("checker") / "schemas"
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parent.parent / "schemas"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("bedrock-audit's schemas/ folder is missing from this installation")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """Parse one bundled schema by file name (e.g. :data:`TABLE_SCHEMA`) into a dict; cached. Raises
    ``FileNotFoundError`` if the schemas folder or the file is missing (a broken installation)."""
    return orjson.loads((schemas_dir() / name).read_bytes())


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation: JSON pointer (RFC 6901) of the offending value and a readable message.

    ``missing``: for a ``required`` (or ``dependentRequired``) violation, the first missing property;
    ``pointer`` then names the object that lacks it and :attr:`field` the missing member itself.
    """

    pointer: str
    message: str
    missing: str | None = None

    @property
    def field(self) -> str:
        """Pointer of the offending field: ``/tags/owner`` for a missing ``owner`` tag, else ``pointer``."""
        if self.missing is None:
            return self.pointer
        return self.pointer + json_pointer([self.missing])

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def json_pointer(path: Iterable[Any]) -> str:
    """``["vpc_config", "subnet_ids", 0]`` -> ``"/vpc_config/subnet_ids/0"`` (RFC 6901 escaping)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


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


class SchemaValidator:
    """Validate instances against one Draft 2020-12 schema with format checking on.

    :meth:`errors` returns ``[]`` for a valid instance, else every violation python-jsonschema reports
    (sorted by pointer). ``fast``: whether the jsonschema-rs pass is used (``False`` when a pattern has no
    exact rewrite, see :func:`fast_pattern`, or one only Python's ``re`` compiles, such as ``x{``: every
    instance then goes to python-jsonschema). Construction raises ``ValueError`` for a schema neither engine
    accepts. python-jsonschema is built on the first instance the fast pass rejects: that call raises
    ``RuntimeError`` if python-jsonschema would not check ``date-time`` (it skips the check silently when
    rfc3339-validator is missing; see :func:`reference_validator`).
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        import jsonschema_rs

        self.schema = dict(schema)
        loop = ref_loop(self.schema)
        if loop is not None:
            raise ValueError(f"$ref {loop!r} leads back to itself without descending into the record: an endless "
                             "loop for every record that reaches it")
        if _uses_only_own_formats(self.schema):
            formats = _OWN_FORMATS
        else:  # a user schema (custom rules) with other formats: python-jsonschema's checkers, and no check
            # where it has none (jsonschema-rs would check "uri" or "hostname" itself: under "not", a
            # value it refuses would pass the fast pass and fail python-jsonschema)
            checked = checked_formats()
            formats = {name: _accept for name in DRAFT_2020_12_FORMATS if name not in checked}
            formats.update({name: functools.partial(_reference_conforms, fmt=name)
                            for name in checked if name != "date-time"})
        formats = {**formats, REFERENCE_DATE_TIME: _reference_date_time}
        self._reference: Any = None
        try:
            self._fast = jsonschema_rs.Draft202012Validator(
                fast_schema(self.schema), validate_formats=True, formats=formats, ignore_unknown_formats=True
            )
        except ValueError as exc:  # a construct the engines read differently (EnginesDiffer), or a pattern only
            # Python's re compiles ("x{", "a{,2}": literal brace, {,n}): python-jsonschema decides alone
            if not isinstance(exc, EnginesDiffer) and not _reference_accepts(self.schema):
                raise
            self._fast_is_valid: Callable[[Any], bool] = _refuse
            self.fast = False
        else:
            self._fast_is_valid = self._fast.is_valid  # bound once: errors() runs once per record
            self.fast = True

    def fast_verdict(self, instance: Any) -> bool | None:
        """The fast pass alone: ``True``/``False``, or ``None`` when it cannot take the instance (lone
        surrogates, integers beyond 64 bits). For the agreement tests; use :meth:`errors` otherwise."""
        if not self.fast:
            return None
        try:
            return bool(self._fast.is_valid(instance))
        except (ValueError, TypeError, OverflowError):
            return None

    def reference_verdict(self, instance: Any) -> bool:
        """python-jsonschema alone. For the agreement tests."""
        return not self._reference_errors(instance)

    def is_valid(self, instance: Any) -> bool:
        """True when python-jsonschema would accept ``instance``."""
        return not self.errors(instance)

    def errors(self, instance: Any) -> list[SchemaError]:
        """Every violation (``[]`` if valid), as python-jsonschema reports them."""
        try:
            if self._fast_is_valid(instance):
                return []
        except (ValueError, TypeError, OverflowError):  # e.g. lone surrogates, huge ints: ask the reference
            pass
        return self._reference_errors(instance)

    def _reference_errors(self, instance: Any) -> list[SchemaError]:
        if self._reference is None:
            self._reference = reference_validator(self.schema)
        found = []
        for error in self._reference.iter_errors(instance):
            found.append(SchemaError(json_pointer(error.absolute_path), clip(error.message, MAX_MESSAGE),
                                     _missing(error)))
        found.sort(key=lambda e: e.pointer)
        return found


def _reference_accepts(schema: Any) -> bool:
    """Whether python-jsonschema accepts ``schema`` as Draft 2020-12, its ``regex`` format included (every
    pattern compiles with Python's ``re``)."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError:
        return False
    return True


DRAFT_2020_12_FORMATS = frozenset({
    "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
    "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer",
    "relative-json-pointer", "regex",
})
"""The formats JSON Schema Draft 2020-12 defines (json-schema.org/draft/2020-12/json-schema-validation,
section 7.3), which jsonschema-rs checks on its own."""


def _accept(value: Any) -> bool:
    """The fast pass's check for a format python-jsonschema does not check: none."""
    return True


def _refuse(instance: Any) -> bool:
    """The fast pass of a validator without one: refuses everything, so python-jsonschema decides."""
    return False


def _missing(error: Any) -> str | None:
    """The first property a ``required``/``dependentRequired`` error found missing, else ``None``."""
    instance = error.instance
    if not isinstance(instance, dict):
        return None
    if error.validator == "required" and isinstance(error.validator_value, list):
        wanted = error.validator_value
    elif error.validator == "dependentRequired" and isinstance(error.validator_value, dict):
        wanted = [name for trigger, names in error.validator_value.items() if trigger in instance
                  for name in names]
    else:
        return None
    return next((name for name in wanted if isinstance(name, str) and name not in instance), None)


def _reference_validator_class() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator


def _reference_date_time(value: Any) -> bool:
    """python-jsonschema's ``date-time`` check (rfc3339-validator); ``False`` when it has none, so the
    reference decides (and :func:`reference_validator` refuses to run without it)."""
    return "date-time" in checked_formats() and _reference_conforms(value, "date-time")


def _reference_conforms(value: Any, fmt: str) -> bool:
    return bool(_reference_validator_class().FORMAT_CHECKER.conforms(value, fmt))


def reference_validator(schema: Mapping[str, Any]) -> Any:
    """A python-jsonschema Draft 2020-12 validator with format checking on.

    Raises ``RuntimeError`` when ``date-time`` would not be checked (rfc3339-validator missing).
    """
    cls = _reference_validator_class()
    checker = cls.FORMAT_CHECKER
    if "date-time" not in checker.checkers:
        raise RuntimeError(
            "python-jsonschema cannot check format 'date-time' (install rfc3339-validator); "
            "refusing to validate without it"
        )
    return cls(schema, format_checker=checker)


_validators: dict[str, SchemaValidator] = {}


def validator_for(schema: Mapping[str, Any]) -> SchemaValidator:
    """A :class:`SchemaValidator` for ``schema``; bundled schemas (those with an ``$id``) are built once."""
    key = schema.get("$id")
    if not isinstance(key, str):
        return SchemaValidator(schema)
    if key not in _validators:
        _validators[key] = SchemaValidator(schema)
    return _validators[key]


def table_validator() -> SchemaValidator:
    """The validator of the table schema (built once per process)."""
    return validator_for(load_schema(TABLE_SCHEMA))


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


KEYWORDS = frozenset({
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
    "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties",
    "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
    "unevaluatedItems", "unevaluatedProperties", "type", "const", "enum", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
    "format", "contentEncoding", "contentMediaType", "contentSchema", "definitions",
})
"""The keywords of JSON Schema Draft 2020-12 (core, applicator, unevaluated, validation, meta-data,
format-annotation and content vocabularies, json-schema.org/draft/2020-12), plus ``definitions``, the
pre-2019 home of ``$ref`` targets."""

_ONE_SUBSCHEMA = frozenset({"additionalProperties", "propertyNames", "items", "contains", "unevaluatedItems",
                            "unevaluatedProperties", "if", "then", "else", "not", "contentSchema"})
_SUBSCHEMA_LISTS = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
_SUBSCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"})


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


def checked_formats() -> frozenset[str]:
    """The ``format`` values python-jsonschema checks in this installation (``date-time`` needs
    rfc3339-validator, a dependency; ``uri`` would need rfc3987, which is not)."""
    return frozenset(_reference_validator_class().FORMAT_CHECKER.checkers)


def _subschemas(schema: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """``schema`` and every subschema in it (depth first), each with its path; property and definition
    names and data (``enum``, ``const``, ...) are not walked into as schemas."""
    if not isinstance(schema, Mapping):
        return
    yield path, schema
    for key, value in schema.items():
        if key in _ONE_SUBSCHEMA:
            yield from _subschemas(value, (*path, key))
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _subschemas(item, (*path, key, index))
        elif key in _SUBSCHEMA_MAPS and isinstance(value, Mapping):
            for name, item in value.items():
                yield from _subschemas(item, (*path, key, name))


def table_columns() -> tuple[dict[str, str], frozenset[str]]:
    """``({column: ddsql_type}, table_columns)`` from the table schema's ``x-ddsql-type`` annotations.

    The second item holds the columns of the Datadog table itself; the others (``x-api-only``) are
    members of the Bedrock API that the table lacks.
    """
    properties = load_schema(TABLE_SCHEMA)["properties"]
    types = {name: spec["x-ddsql-type"] for name, spec in properties.items()}
    table = frozenset(n for n, spec in properties.items() if not spec.get("x-api-only"))
    return types, table
