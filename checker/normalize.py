"""Decode raw rows from any source into the table's canonical snake_case shape, before validation.

Every source (files, stdin, live AWS) hands its raw ``dict`` rows to :class:`Normalizer`. What it does:

* API shape (``jobArn``, ``vpcConfig.subnetIds``, ``tags: [{key, value}]``) -> table shape. The API omits
  members it has no value for and never sends null, so an absent member means null; the API never
  returns tags, so tags are *unknown* unless the record carries them (fetched by ListTagsForResource).
* Table shape: a column absent from the row is *unknown* ("column vpc_config not in input"); ``null`` is
  data. ``account_id`` absent -> taken from the job ARN. A ``_unknown`` object (:data:`UNKNOWN_KEY`)
  declares more columns unknown, with the reason.
* Column values by DDSQL type (``x-ddsql-type`` in the table schema): ``json`` columns given as JSON text
  are decoded and their keys snake-cased (Datadog does not document the key case inside json columns);
  ``timestamp`` values (RFC 3339, DDSQL's zone-less UTC text, Unix epoch milliseconds, ``datetime``)
  become RFC 3339 UTC strings; ``int64`` values that are whole numbers in any spelling (``24``, ``24.0``,
  ``"24"``, ``"24.0"``) become ``int``, from every source alike (:func:`to_int`; fractions and booleans
  fail the schema); ``hstore_csv`` tags in any accepted form become ``{key: value}``; ``string`` columns
  are taken as they are (a JSON number for one fails the schema: an account ID read as a number has
  lost its leading zeros).
* Anything that cannot be decoded is left as it is, so the schema rejects it with a precise message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from checker.arn import arn_account, arn_parts
from checker.tags import normalize_tags
from checker.timeutil import format_rfc3339

__all__ = ["API_TAGS_UNKNOWN", "Normalizer", "api_tags_unknown", "from_json_text", "normalize_tags", "snake_case",
           "snake_keys", "to_int", "to_rfc3339"]

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(name: str) -> str:
    """``"s3InputDataConfig"`` -> ``"s3_input_data_config"``; snake_case names are returned unchanged."""
    return _CAMEL_BOUNDARY.sub("_", name).lower() if name.lower() != name else name


def snake_keys(value: Any) -> Any:
    """Recursively snake-case the keys of dicts (inside lists too); other values unchanged."""
    kind = type(value)
    if kind is dict:
        return {
            snake_case(k) if type(k) is str else k: snake_keys(v) if type(v) in _CONTAINERS else v
            for k, v in value.items()
        }
    if kind is list:
        return [snake_keys(v) if type(v) in _CONTAINERS else v for v in value]
    return value


_CONTAINERS = frozenset({dict, list})
_SNAKE: set[str] = set()
"""Keys seen to be snake_case already (bounded: at most ``_SNAKE_MAX``, so memory stays flat)."""
_SNAKE_MAX = 4096


def _snake_already(value: Any) -> bool:
    """Whether :func:`snake_keys` would return ``value`` unchanged (every dict key, at any depth, a
    snake_case str): then the value itself can be kept, without copying it key by key."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if key not in _SNAKE:
                if type(key) is not str or key.lower() != key:
                    return False
                if len(_SNAKE) < _SNAKE_MAX:
                    _SNAKE.add(key)
            if type(item) in _CONTAINERS and not _snake_already(item):
                return False
        return True
    if kind is list:
        for item in value:
            if type(item) in _CONTAINERS and not _snake_already(item):
                return False
    return True


# RFC 3339 with a zone, e.g. 2025-06-02T01:00:04.218Z or ...+02:00
_RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", re.ASCII)
_RFC3339_OFFSET = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)", re.ASCII)
# DDSQL "timestamp without time zone": 2025-06-02 01:00:04.218 (or with T) -> UTC
_ZONELESS = re.compile(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)", re.ASCII)
_EPOCH_MS = re.compile(r"-?\d{1,15}", re.ASCII)


def _format_utc(moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_rfc3339(moment, "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds")


def to_rfc3339(value: Any) -> Any:
    """Turn a timestamp in any form the sources use into RFC 3339 UTC text (``...Z``).

    Accepts RFC 3339 text (any offset -> UTC), zone-less ``YYYY-MM-DD[ T]HH:MM:SS[.fff]`` (DDSQL,
    taken as UTC), Unix epoch milliseconds as ``int`` or digit text (DDSQL API), and ``datetime``
    (naive = UTC; boto3 returns aware ones). Anything else is returned unchanged for the schema to reject,
    and so is a time whose UTC form falls outside the years 1-9999 (``9999-12-31T23:59:59-05:00``).
    """
    if isinstance(value, str):
        if value[-1:] == "Z" and value[10:11] == "T":
            return value  # already the canonical form, or invalid: the schema's date-time check decides
        value = value.strip()
        if _RFC3339_UTC.fullmatch(value):
            return value
        zoneless = _ZONELESS.fullmatch(value)
        if zoneless:
            return f"{zoneless.group(1)}T{zoneless.group(2)}Z"
        if _RFC3339_OFFSET.fullmatch(value):
            try:
                return _format_utc(datetime.fromisoformat(value.upper().replace(" ", "T")))
            except (ValueError, OverflowError):  # OverflowError: in UTC it falls outside the years 1-9999
                return value
        if _EPOCH_MS.fullmatch(value):
            return to_rfc3339(int(value))
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return value
        try:
            return _format_utc(datetime.fromtimestamp(int(value) / 1000, tz=UTC))
        except (OverflowError, OSError, ValueError):
            return value
    if isinstance(value, datetime):
        try:
            return _format_utc(value)
        except OverflowError:
            return value
    return value


_INT_TEXT = re.compile(r"([+-]?[0-9]{1,19})(?:\.0+)?", re.ASCII)


def to_int(value: Any) -> Any:
    """An ``int64`` column's value, the same rule for every source (README "Inputs"): a whole number in any
    spelling a source carries becomes ``int``: ``24.0`` -> ``24``, ``"72"`` -> ``72``, ``" 48.0 "`` ->
    ``48``, ``"+48"`` -> ``48``. Everything else is returned unchanged for the schema to reject: fractions
    (``48.5``, ``"48.5"``: never rounded), booleans, exponents (``"4.8e1"``), empty or other text."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        whole = _INT_TEXT.fullmatch(value.strip())
        if whole:
            return int(whole.group(1))
    return value


def from_json_text(value: Any) -> Any:
    """A json column: JSON text is decoded (DDSQL API, CSV); keys are snake-cased. Bad text unchanged."""
    if isinstance(value, str | bytes):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return snake_keys(value)


def api_tags_unknown(region: str | None) -> str:
    """Why tags are unknown in an API-shaped record without ``tags``: the Bedrock API never returns them
    (ListModelInvocationJobs, GetModelInvocationJob; botocore bedrock/2023-04-20), so the ERROR of every
    rule that reads tags says how to get them (``region``: the job's, from its ARN; ``None``: ``REGION``)
    and how to accept the gap."""
    region = region or "REGION"
    return ("tags unknown: AWS CLI/API job records (list-model-invocation-jobs, get-model-invocation-job) "
            f"never carry tags. Get them with `bedrock-audit fetch --aws --region {region} -o jobs.jsonl` "
            "(it also calls ListTagsForResource) and scan that file, or scan live with `bedrock-audit scan "
            f"--aws --region {region}`; or accept the gap with --allow-partial (the exit code then reflects "
            "findings only) or by not running the tag rules (--ignore BA004)")


API_TAGS_UNKNOWN = api_tags_unknown(None)
"""The reason for a record whose job ARN names no region."""


UNKNOWN_KEY = "_unknown"
"""Reserved key of a table-shape row: ``{"_unknown": {column: reason}}`` declares columns unknown, with
the reason (``bedrock-audit fetch`` writes it for a job whose tags could not be read, so scanning the
file later gives the same ERROR as scanning live). Declared columns are dropped from the row; it can
only make data unknown, never known."""


class Normalizer:
    """Turns raw rows into table-shape rows. Built once per run from the table schema's columns.

    ``columns`` maps each known column to its DDSQL type (``x-ddsql-type``: ``string``, ``timestamp``,
    ``json``, ``int64``, ``hstore_csv``); ``table_columns`` are the columns of the Datadog table (a table
    row missing one of them has it *unknown*); the rest are API-only members (record counts,
    ``model_invocation_type``), null when absent.
    """

    def __init__(self, columns: Mapping[str, str], table_columns: frozenset[str]) -> None:
        self.columns = dict(columns)
        self.table_columns = table_columns
        self._decoders = {
            name: {"timestamp": to_rfc3339, "json": from_json_text, "int64": to_int,
                   "hstore_csv": normalize_tags}.get(kind)
            for name, kind in self.columns.items()
        }
        # tuples in schema order, so that rows and unknown maps have the same key order in every process
        self._api_members = tuple(name for name in self.columns if name not in ("_key", "account_id", "tags"))
        self._table_order = (*(name for name in self.columns if name in table_columns),
                             *sorted(table_columns.difference(self.columns)))
        self._known = frozenset(self.columns)
        self._timestamps = self._of_kind("timestamp")
        self._json = self._of_kind("json")
        self._ints = self._of_kind("int64")
        self._tags = self._of_kind("hstore_csv")

    def _of_kind(self, kind: str) -> tuple[str, ...]:
        return tuple(name for name, of in self.columns.items() if of == kind)

    def normalize(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """``raw`` row (either shape) -> ``(row, unknown)``.

        ``row`` is the table-shape dict (unknown extra columns kept, keys snake-cased); ``unknown`` maps
        each column whose value is unknown to the reason. Never raises on bad values.

        A table-shape row whose values are already in their decoded form (``...Z`` timestamps, dicts with
        snake_case keys, ints, a ``{str: str}`` tags map) is only checked, column by column, with type
        tests: each decoder is called only for a value that is not in that form, and
        returns what the decoder returns (the checks are exactly the decoders' own early exits).
        """
        if "jobArn" in raw and "job_arn" not in raw:
            return self._from_api(raw)
        declared = raw.get(UNKNOWN_KEY)
        if isinstance(declared, dict):
            raw = {k: v for k, v in raw.items() if k != UNKNOWN_KEY}
        if self._known.issuperset(raw):
            row = dict(raw)
        else:  # extra columns, or camelCase column names: snake-case them
            row = {snake_case(k) if type(k) is str else k: v for k, v in raw.items()}
        get = row.get
        for column in self._timestamps:
            value = get(column)
            # to_rfc3339's own first test: "...Z" with a "T" at 10 is returned as it is
            if value is not None and not (type(value) is str and len(value) > 10 and value[10] == "T"
                                          and value[-1] == "Z"):
                row[column] = to_rfc3339(value)
        for column in self._json:
            value = get(column)
            if value is not None:
                if type(value) is not dict:
                    row[column] = from_json_text(value)
                elif not _snake_already(value):  # else already as snake_keys would make it: kept as it is
                    row[column] = snake_keys(value)
        for column in self._ints:
            value = get(column)
            if value is not None and type(value) is not int:
                row[column] = to_int(value)
        for column in self._tags:
            value = get(column)
            if value is not None:
                if type(value) is dict:
                    for item in value.values():
                        if type(item) is not str:
                            row[column] = normalize_tags(value)
                            break
                else:
                    row[column] = normalize_tags(value)
        unknown: dict[str, str] = {}
        if not row.keys() >= self.table_columns:  # a dict_keys view: no set of the row's keys is built
            for column in self._table_order:
                if column not in row:
                    unknown[column] = f"column {column} not in input"
        if row.get("account_id") is None and "account_id" in unknown:
            del unknown["account_id"]
            row["account_id"] = arn_account(row.get("job_arn"))
        if isinstance(declared, dict):
            for column, reason in declared.items():
                row.pop(str(column), None)
                unknown[str(column)] = str(reason)
        return row, unknown

    def from_api(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """An API-shaped row (camelCase; also a CreateModelInvocationJob request body, which has no
        ``jobArn``) -> ``(row, unknown)``, as :meth:`normalize` does for API rows."""
        return self._from_api(raw)

    def _from_api(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        row: dict[str, Any] = dict.fromkeys(self._api_members)
        unknown: dict[str, str] = {}
        decoders = self._decoders
        for key, value in raw.items():
            column = snake_case(key)
            if value is not None:
                decode = decoders.get(column)
                if decode is None:
                    if type(value) in _CONTAINERS:
                        value = snake_keys(value)
                elif decode is from_json_text and type(value) is dict:  # from_json_text without its text test
                    value = snake_keys(value)
                else:
                    value = decode(value)
            row[column] = value
        if "tags" not in row:
            arn = row.get("job_arn")
            unknown["tags"] = api_tags_unknown(arn_parts(arn).get("region") if type(arn) is str else None)
        if row.get("account_id") is None:
            row["account_id"] = arn_account(row.get("job_arn"))
        row.setdefault("_key", None)
        return row, unknown
