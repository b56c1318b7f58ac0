"""The DDSQL tabular result set, column-major, turned into rows: one decoder for two callers.

``POST /api/v2/ddsql/query/tabular`` (and ``.../tabular/fetch``) answer with
``{"data": {"attributes": {"state", "columns": [{"name", "type", "values": [...]}, ...], "warnings"}}}``
(datadog-api-client 2.62, ``v2/model/ddsql_tabular_query_response_attributes.py`` and
``ddsql_tabular_query_column.py``): one entry per column, each holding one value per row. Callers:

* the ``.json`` file loader (:mod:`checker.sources.documents`), for a saved API response;
* the live ``ddsql://`` source (:mod:`checker.ddsql.pager`), for each page it reads.

Only the shape is handled here. Values stay as the API carries them (``TIMESTAMP`` as Unix-millisecond
integers, ``JSON`` columns as JSON-encoded strings, tags as a key-to-value map or hstore text, ``null``
anywhere): :class:`checker.normalize.Normalizer` decodes them by column type, for every source alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from checker.model import Provenance
from checker.sources.base import RawRecord, describe_json_type

RUNNING_STATES = ("running", "pending", "queued")
"""States of a response whose ``columns`` are not (all) there yet (the API documents ``running``)."""


class TabularError(ValueError):
    """A response whose columns cannot be read as rows; ``str(exc)`` says why (one line)."""


@dataclass(frozen=True, slots=True)
class Columns:
    """A validated column-major result set: ``names`` (unique) and ``values`` (one list per column, all
    of the same length)."""

    names: tuple[str, ...]
    values: tuple[list[Any], ...]

    def __len__(self) -> int:
        """The number of rows."""
        return len(self.values[0]) if self.values else 0

    def column(self, name: str) -> list[Any] | None:
        """The values of column ``name``, or ``None`` when the result set has no such column."""
        try:
            return self.values[self.names.index(name)]
        except ValueError:
            return None

    def rows(self, source: str) -> Iterator[RawRecord]:
        """One :class:`RawRecord` per row, in order, as ``{column: value}``; provenance ``source`` with the
        1-based row number as its record (no line: the format has none)."""
        names = self.names
        for number, cells in enumerate(zip(*self.values, strict=True), start=1):
            yield RawRecord(dict(zip(names, cells, strict=True)), Provenance(source, None, number))


def is_tabular(document: Mapping[str, Any]) -> bool:
    """True when ``document`` has ``data.attributes.columns`` (a DDSQL tabular response)."""
    data = document.get("data")
    return isinstance(data, dict) and isinstance(data.get("attributes"), dict) and "columns" in data["attributes"]


def read_columns(attributes: Any) -> Columns:
    """The result set of a response's ``data.attributes`` object.

    Raises :class:`TabularError` when the state is still running (the rows are not there yet), when
    ``columns`` is not an array (a malformed response must not read as "no rows"), when a column has no
    name or no ``values`` array, when two columns share a name (one would hide the other), or when the
    columns differ in length.
    """
    if not isinstance(attributes, dict):
        raise TabularError(f"DDSQL tabular response: data.attributes must be an object, got "
                           f"{describe_json_type(attributes)}")
    state = attributes.get("state")
    if isinstance(state, str) and state.lower() in RUNNING_STATES:
        raise TabularError(f"DDSQL tabular response is in state {state!r}, not completed: fetch the finished "
                           "result (POST /api/v2/ddsql/query/tabular/fetch) and scan that")
    columns = attributes.get("columns")
    if not isinstance(columns, list):
        raise TabularError("DDSQL tabular response: data.attributes.columns must be an array, got "
                           f"{describe_json_type(columns)}")
    names: list[str] = []
    values: list[list[Any]] = []
    for index, column in enumerate(columns):
        if (not isinstance(column, dict) or not isinstance(column.get("name"), str)
                or not isinstance(column.get("values"), list)):
            raise TabularError(f"DDSQL tabular column {index} has no name or no values array")
        if column["name"] in names:
            raise TabularError(f"DDSQL tabular response has two columns named {column['name']!r}")
        names.append(column["name"])
        values.append(column["values"])
    lengths = {len(v) for v in values}
    if len(lengths) > 1:
        raise TabularError(f"DDSQL tabular columns have different lengths ({', '.join(map(str, sorted(lengths)))})")
    return Columns(tuple(names), tuple(values))
