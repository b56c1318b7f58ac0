"""Where the bundled JSON Schemas live and how one is read: ``checker/schemas/`` in a wheel, ``schemas/``
in a source checkout (:func:`schemas_dir`); :func:`load_schema` parses one by file name, once."""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import orjson

TABLE_SCHEMA = "aws.bedrock_model_invocation_job.schema.json"


CONFIG_SCHEMA = "config.schema.json"


REPORT_SCHEMA = "report.schema.json"
"""The JSON report's report_version 1 layout (``--include-passed``)."""

REPORT_2_SCHEMA = "report-2.schema.json"
"""The JSON report's report_version 2 layout (the default: findings first, compact)."""


RULE_METADATA_SCHEMA = "rule-metadata.schema.json"


def schemas_dir() -> Traversable:
    """The folder holding the JSON Schemas: ``checker/schemas`` in an installed wheel, else the
    checkout's top-level ``schemas/``. Raises ``FileNotFoundError`` if neither exists."""
    bundled = resources.files("checker") / "schemas"
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parents[2] / "schemas"  # checker/schema/files.py -> the checkout
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("bedrock-audit's schemas/ folder is missing from this installation")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """Parse one bundled schema by file name (e.g. :data:`TABLE_SCHEMA`) into a dict; cached. Raises
    ``FileNotFoundError`` if the schemas folder or the file is missing (a broken installation)."""
    return orjson.loads((schemas_dir() / name).read_bytes())
