"""Built-in input formats, registered through the ``register_sources`` hook like any plugin's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.hookspecs import hookimpl


@hookimpl
def register_sources(register: Callable[[Any], None]) -> None:
    """Register JSONL, JSON documents and CSV."""
    from checker.sources import csvfile, jsondoc, jsonl

    for module in (jsonl, jsondoc, csvfile):
        register(module.SOURCE)
