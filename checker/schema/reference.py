"""python-jsonschema, the reference implementation: it decides every instance the fast pass rejects and
writes the error messages. Imported only when first needed (it costs start-up time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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


def checked_formats() -> frozenset[str]:
    """The ``format`` values python-jsonschema checks in this installation (``date-time`` needs
    rfc3339-validator, a dependency; ``uri`` would need rfc3987, which is not)."""
    return frozenset(_reference_validator_class().FORMAT_CHECKER.checkers)
