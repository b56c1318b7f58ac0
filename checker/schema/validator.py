"""The two-engine validator: jsonschema-rs (Rust) accepts or rejects first; python-jsonschema decides every
instance the fast pass rejects and produces the messages (:class:`SchemaValidator`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from checker.schema.checks import ref_loop
from checker.schema.fast import _OWN_FORMATS, REFERENCE_DATE_TIME, EnginesDiffer, _uses_only_own_formats, fast_schema
from checker.schema.reference import (
    DRAFT_2020_12_FORMATS,
    _missing,
    _reference_accepts,
    _reference_conforms,
    _reference_date_time,
    checked_formats,
    reference_validator,
)
from checker.schema.violations import MAX_MESSAGE, PATTERN_DESCRIPTION, SchemaError, json_pointer
from checker.text import clip


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
        self._rest = _located_root(self.schema) if self.fast else None
        self._property_fast: dict[str, Any] = {}
        if self._rest is not None:  # one jsonschema-rs validator per property: which ones reject a value
            try:
                translated = fast_schema(self.schema)["properties"]
                self._property_fast = {name: jsonschema_rs.Draft202012Validator(
                    sub, validate_formats=True, formats=formats, ignore_unknown_formats=True).is_valid
                    for name, sub in translated.items()}
            except ValueError:  # not expected (the whole compiled): decide rejected records whole
                self._rest = None
        self._explained: dict[tuple[str, type, Any], list[SchemaError]] = {}

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

    def reference_errors(self, instance: Any) -> list[SchemaError]:
        """python-jsonschema alone over the whole instance, as :meth:`errors` words them. For the agreement
        tests: :meth:`errors` must return the same list whenever the fast pass takes the instance."""
        return self._reference_errors(instance)

    def is_valid(self, instance: Any) -> bool:
        """True when python-jsonschema would accept ``instance``."""
        return not self.errors(instance)

    def errors(self, instance: Any) -> list[SchemaError]:
        """Every violation (``[]`` if valid), as python-jsonschema reports them."""
        try:
            if self._fast_is_valid(instance):
                return []
            if self._rest is not None and type(instance) is dict:
                located = self._located_errors(instance)
                if located is not None:
                    return located
        except (ValueError, TypeError, OverflowError):  # e.g. lone surrogates, huge ints: ask the reference
            pass
        return self._reference_errors(instance)

    def _located_errors(self, instance: dict[str, Any]) -> list[SchemaError] | None:
        """python-jsonschema's errors for a record the fast pass rejected, asking it only about the
        properties whose values jsonschema-rs rejects (and the root's own keywords, ``required``, ``type``):
        the same errors, in the same order, as :meth:`_reference_errors` over the whole record whenever
        the engines agree on each property (what the agreement tests check). A scalar property value is
        explained once per run (bounded cache). ``None``: not decomposable here (decide whole).

        Measured (issue 16): 100,000 generated records, 10% schema-invalid: ≈ 400 µs → ≈ 40 µs CPU per
        rejected record (``benchmarks/bench_normalize.py``)."""
        properties = self.schema["properties"]
        fast = self._property_fast
        names = {name for name in properties if name in instance and not fast[name](instance[name])}
        reference = self._reference_validator()
        found = self._explain(reference, instance, self._rest, ())  # the root: "type", "required" (uncached)
        if not names and not found:
            return None  # jsonschema-rs refused the record but no property of it: decide whole
        for name in properties:  # python-jsonschema's order: the schema's properties in turn
            if name in names:
                value = instance[name]
                if value is None or type(value) in _SCALARS:
                    key = (name, type(value), value)
                    cached = self._explained.get(key)
                    if cached is None:
                        cached = self._explain(reference, value, properties[name], (name,))
                        if len(self._explained) >= _EXPLAINED_MAX:
                            self._explained.clear()
                        self._explained[key] = cached
                    found.extend(cached)
                else:
                    found.extend(self._explain(reference, value, properties[name], (name,)))
        found.sort(key=lambda e: e.pointer)
        return found

    def _reference_validator(self) -> Any:
        if self._reference is None:
            self._reference = reference_validator(self.schema)
        return self._reference

    def _reference_errors(self, instance: Any) -> list[SchemaError]:
        found = self._explain(self._reference_validator(), instance, self.schema, ())
        found.sort(key=lambda e: e.pointer)
        return found

    @staticmethod
    def _explain(reference: Any, instance: Any, schema: Any, path: tuple[str, ...]) -> list[SchemaError]:
        """python-jsonschema's errors of ``instance`` at ``path`` (a property name or the root) against
        ``schema`` (the root schema or one of its property subschemas), worded for reports; unsorted."""
        if schema is reference.schema:
            errors = reference.iter_errors(instance)
        else:
            errors = reference.descend(instance, schema, path=path[0] if path else None)
        found = []
        for error in errors:
            message, pattern = error.message, None
            if error.validator == "pattern" and isinstance(error.schema, Mapping):
                pattern = error.validator_value
                described = error.schema.get(PATTERN_DESCRIPTION)
                if isinstance(described, str) and described:
                    message = f"{clip(repr(error.instance), 120)} is not {described}"
            found.append(SchemaError(json_pointer(error.absolute_path), clip(message, MAX_MESSAGE),
                                     _missing(error), pattern))
        return found


_SCALARS = (str, int, bool)  # not float: -0.0 == 0.0, but python-jsonschema words them apart
_EXPLAINED_MAX = 4096
"""Explanations of scalar property values kept per validator (cleared when full: memory stays flat)."""
_ROOT_KEYWORDS = frozenset({"$schema", "$id", "$comment", "title", "description", "type", "required",
                            "properties", "additionalProperties", "minProperties", "maxProperties",
                            "dependentRequired", "propertyNames", "examples", "default", "deprecated",
                            "readOnly", "writeOnly"})


def _located_root(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """The root's keywords other than ``properties`` when a record's errors can be explained property by
    property (:meth:`SchemaValidator._located_errors`): an object schema whose root keywords never look
    into a property's value except through ``properties``, and no ``$ref`` anywhere (a property's
    subschema is then self-contained). ``None`` otherwise."""
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not all(isinstance(s, dict | bool) for s in properties.values()):
        return None
    if any(k not in _ROOT_KEYWORDS and not k.startswith("x-") for k in schema):
        return None
    if schema.get("additionalProperties", True) not in (True, {}):
        return None
    text = json.dumps(schema)
    if any(f'"{ref}"' in text for ref in ("$ref", "$dynamicRef", "$recursiveRef")):
        return None
    # additionalProperties true/{} never fails: left out, python-jsonschema would walk every key for nothing
    return {k: v for k, v in schema.items() if k not in ("properties", "additionalProperties")}


def _accept(value: Any) -> bool:
    """The fast pass's check for a format python-jsonschema does not check: none."""
    return True


def _refuse(instance: Any) -> bool:
    """The fast pass of a validator without one: refuses everything, so python-jsonschema decides."""
    return False


_validators: dict[str, SchemaValidator] = {}


def validator_for(schema: Mapping[str, Any]) -> SchemaValidator:
    """A :class:`SchemaValidator` for ``schema``; bundled schemas (those with an ``$id``) are built once."""
    key = schema.get("$id")
    if not isinstance(key, str):
        return SchemaValidator(schema)
    if key not in _validators:
        _validators[key] = SchemaValidator(schema)
    return _validators[key]
