"""The table schema (``aws.bedrock_model_invocation_job``) and what it knows about the columns: their
DDSQL types (``x-ddsql-type``), which are the Datadog table's own (not ``x-api-only``), and its validator."""

from __future__ import annotations

from checker.schema.files import TABLE_SCHEMA, load_schema
from checker.schema.validator import SchemaValidator, validator_for


def table_validator() -> SchemaValidator:
    """The validator of the table schema (built once per process)."""
    return validator_for(load_schema(TABLE_SCHEMA))


def table_columns() -> tuple[dict[str, str], frozenset[str]]:
    """``({column: ddsql_type}, table_columns)`` from the table schema's ``x-ddsql-type`` annotations.

    The second item holds the columns of the Datadog table itself; the others (``x-api-only``) are
    members of the Bedrock API that the table lacks.
    """
    properties = load_schema(TABLE_SCHEMA)["properties"]
    types = {name: spec["x-ddsql-type"] for name, spec in properties.items()}
    table = frozenset(n for n, spec in properties.items() if not spec.get("x-api-only"))
    return types, table


def known_columns() -> frozenset[str]:
    """Every column the table schema describes: the Datadog table's and the API-only ones (``x-api-only``)."""
    return frozenset(load_schema(TABLE_SCHEMA)["properties"])
