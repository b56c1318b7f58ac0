"""The two-engine validator: jsonschema-rs (Rust) accepts or rejects first; python-jsonschema decides every
instance the fast pass rejects and produces the messages (:class:`SchemaValidator`)."""

from __future__ import annotations

import functools
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
            message, pattern = error.message, None
            if error.validator == "pattern" and isinstance(error.schema, Mapping):
                pattern = error.validator_value
                described = error.schema.get(PATTERN_DESCRIPTION)
                if isinstance(described, str) and described:
                    message = f"{clip(repr(error.instance), 120)} is not {described}"
            found.append(SchemaError(json_pointer(error.absolute_path), clip(message, MAX_MESSAGE),
                                     _missing(error), pattern))
        found.sort(key=lambda e: e.pointer)
        return found


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
