"""JSON Schemas: where they live, and validators that are fast and agree with python-jsonschema.

One module each: :mod:`~checker.schema.files` (the bundled schema files), :mod:`~checker.schema.validator`
(the two-engine :class:`SchemaValidator`), :mod:`~checker.schema.fast` (the jsonschema-rs translation:
:func:`fast_schema`, :func:`fast_pattern`), :mod:`~checker.schema.reference` (python-jsonschema, the
reference), :mod:`~checker.schema.checks` (checks on user-written schemas: metaschema, refs, loops,
formats), :mod:`~checker.schema.keywords` (Draft 2020-12 keywords, the subschema walk),
:mod:`~checker.schema.violations` (:class:`SchemaError`, JSON pointers) and :mod:`~checker.schema.table`
(the table schema's columns and validator).

:class:`SchemaValidator` gives python-jsonschema's verdicts at close to jsonschema-rs speed: jsonschema-rs
(Rust) accepts or rejects first; python-jsonschema (imported only when needed) decides every instance the
fast pass rejects and produces the error messages. ``tests/test_schema_agreement.py`` checks with generated
records and patterns that the two passes agree. Every name is importable from ``checker.schema``.
"""

from __future__ import annotations

from checker.schema.checks import (
    dangling_ref,
    in_place_subschemas,
    local_ref,
    metaschema_errors,
    ref_loop,
    remote_ref,
    unchecked_format,
    unknown_keyword,
)
from checker.schema.fast import (
    DATE_TIME_GUARD,
    END_OF_STRING,
    FAST_DATE_TIME,
    REFERENCE_DATE_TIME,
    EnginesDiffer,
    fast_pattern,
    fast_schema,
)
from checker.schema.files import (
    CONFIG_SCHEMA,
    REPORT_2_SCHEMA,
    REPORT_SCHEMA,
    RULE_METADATA_SCHEMA,
    TABLE_SCHEMA,
    load_schema,
    schemas_dir,
)
from checker.schema.keywords import KEYWORDS
from checker.schema.reference import DRAFT_2020_12_FORMATS, checked_formats, reference_validator
from checker.schema.table import known_columns, table_columns, table_validator
from checker.schema.validator import SchemaValidator, validator_for
from checker.schema.violations import MAX_MESSAGE, SchemaError, json_pointer

__all__ = [
    "CONFIG_SCHEMA",
    "DATE_TIME_GUARD",
    "DRAFT_2020_12_FORMATS",
    "END_OF_STRING",
    "FAST_DATE_TIME",
    "KEYWORDS",
    "MAX_MESSAGE",
    "REFERENCE_DATE_TIME",
    "REPORT_2_SCHEMA",
    "REPORT_SCHEMA",
    "RULE_METADATA_SCHEMA",
    "TABLE_SCHEMA",
    "EnginesDiffer",
    "SchemaError",
    "SchemaValidator",
    "checked_formats",
    "dangling_ref",
    "fast_pattern",
    "fast_schema",
    "in_place_subschemas",
    "json_pointer",
    "known_columns",
    "load_schema",
    "local_ref",
    "metaschema_errors",
    "ref_loop",
    "reference_validator",
    "remote_ref",
    "schemas_dir",
    "table_columns",
    "table_validator",
    "unchecked_format",
    "unknown_keyword",
    "validator_for",
]
