"""The keywords of JSON Schema Draft 2020-12 and a walk over every subschema of a schema (property names,
``$defs`` names and data such as ``enum`` are not walked into as schemas)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

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
