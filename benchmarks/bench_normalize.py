"""Per-record cost of normalisation and schema validation, by input shape. Prints numbers; asserts nothing.

    python benchmarks/generate.py 20000 /tmp/n20k.jsonl
    python benchmarks/bench_normalize.py /tmp/n20k.jsonl [--repeat 5] [--limit N]

The JSONL file holds table-shape rows (what ``generate.py`` writes, and the common input: snake_case
keys, RFC 3339 ``...Z`` times with milliseconds). From its rows the script derives, in memory, the other
shapes the normaliser decodes, so their slow paths are measured too:

* ``table``: the rows as the JSONL source reads them (orjson);
* ``api``: the Bedrock API's shape (``jobArn``, ``vpcConfig.subnetIds``; no ``_key``, ``account_id`` or
  tags, which the API does not return), as ``aws bedrock get-model-invocation-job`` prints it;
* ``csv``: a DDSQL editor CSV export read through the CSV source (every cell text: zone-less times, JSON
  text in json columns, hstore tags, the timeout as digits);
* ``epoch``: table shape as the DDSQL API returns it (times as Unix epoch milliseconds, json columns and
  tags as JSON text).

For each shape it times ``Normalizer.normalize`` over every raw row, then ``SchemaValidator.errors`` over
the normalised rows (what ``checker.scan.Evaluator`` calls per record), with the garbage collector off,
and prints the best of ``--repeat`` passes in microseconds per record. Caches are warm after the first
pass, as they are a few records into a real scan. To see where validation's time goes it also prints the
fast pass alone (jsonschema-rs ``is_valid``) and what python-jsonschema costs per record the fast pass
rejects (``generate.py`` makes about 1% schema-invalid): validate ~= fast pass + share rejected x that.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import orjson

from checker.normalize import Normalizer
from checker.schema import table_columns, table_validator
from checker.sources.base import RawRecord
from checker.sources.csvfile import SOURCE as CSV_SOURCE

JSON_COLUMNS = ("input_data_config", "output_data_config", "vpc_config")
TIME_COLUMNS = ("end_time", "job_expiration_time", "last_modified_time", "submit_time")


def camel(name: str) -> str:
    """``s3_input_data_config`` -> ``s3InputDataConfig``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {camel(k): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def as_api(row: dict[str, Any]) -> dict[str, Any]:
    """A table row as the Bedrock API returns it: camelCase, absent instead of null, no table-only columns."""
    return {camel(k): camel_keys(v) for k, v in row.items()
            if v is not None and k not in ("_key", "account_id", "tags")}


def _epoch_ms(text: Any) -> Any:
    if not isinstance(text, str) or not text.endswith("Z"):
        return text
    try:
        return int(datetime.fromisoformat(text).timestamp() * 1000)
    except ValueError:
        return text


def as_epoch(row: dict[str, Any]) -> dict[str, Any]:
    """A table row as the DDSQL API returns it: times in epoch ms, json columns and tags as JSON text."""
    out = dict(row)
    for column in TIME_COLUMNS:
        if column in out:
            out[column] = _epoch_ms(out[column])
    for column in (*JSON_COLUMNS, "tags"):
        if isinstance(out.get(column), dict):
            out[column] = orjson.dumps(out[column]).decode()
    return out


def _hstore(tags: dict[str, str]) -> str:
    quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    return ", ".join(f"{quote(k)}=>{quote(v)}" for k, v in tags.items())


def as_csv(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows written as a DDSQL editor CSV export and read back through the CSV source."""
    header = sorted({column for row in rows for column in row})
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = []
        for column in header:
            value = row.get(column)
            if value is None:
                cells.append("")
            elif column == "tags" and isinstance(value, dict):
                cells.append(_hstore(value))
            elif isinstance(value, dict | list):
                cells.append(orjson.dumps(value).decode())
            elif column in TIME_COLUMNS and isinstance(value, str) and value.endswith("Z"):
                cells.append(value[:-1].replace("T", " "))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    items = CSV_SOURCE.read("bench.csv", io.BytesIO(text.getvalue().encode()))
    return [dict(item.data) for item in items if isinstance(item, RawRecord)]


def best_of(repeat: int, items: list[Any], work: Callable[[Any], Any]) -> float:
    """Best pass over ``items``, in microseconds per item (garbage collector off)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            for item in items:
                work(item)
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best / len(items) * 1e6


def read_rows(path: str, limit: int) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as handle:
        for count, line in enumerate(handle):
            if count >= limit:
                return
            yield orjson.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jsonl", help="table-shape JSONL (python benchmarks/generate.py 20000 /tmp/n20k.jsonl)")
    parser.add_argument("--repeat", type=int, default=5, help="passes per stage; the best is printed (5)")
    parser.add_argument("--limit", type=int, default=20000, help="records read from the file (20000)")
    args = parser.parse_args()

    table = list(read_rows(args.jsonl, args.limit))
    shapes = {
        "table": table,
        "api": [as_api(row) for row in table],
        "csv": as_csv(table),
        "epoch": [as_epoch(row) for row in table],
    }
    normalizer = Normalizer(*table_columns())
    validator = table_validator()
    print(f"{len(table)} records from {args.jsonl}, best of {args.repeat} passes, gc off")
    print(f"{'shape':<8}{'normalize us':>14}{'validate us':>13}{'fast pass us':>14}{'rejected':>10}"
          f"{'reference us/rejected':>23}")
    for name, raws in shapes.items():
        normalised = [normalizer.normalize(raw)[0] for raw in raws]
        rejected = [row for row in normalised if not validator.fast_verdict(row)]
        normalize_us = best_of(args.repeat, raws, normalizer.normalize)
        validate_us = best_of(args.repeat, normalised, validator.errors)
        fast_us = best_of(args.repeat, normalised, validator.fast_verdict)
        reference_us = best_of(1, rejected, validator.errors) if rejected else 0.0
        print(f"{name:<8}{normalize_us:14.2f}{validate_us:13.2f}{fast_us:14.2f}{len(rejected):10d}"
              f"{reference_us:23.1f}")
    print("validate = SchemaValidator.errors: the fast pass (jsonschema-rs) on every record, and python-jsonschema "
          "on each record it rejects (which decides it and writes the messages)")


if __name__ == "__main__":
    main()
