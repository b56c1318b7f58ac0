"""Built-in input formats, registered through the ``register_sources`` hook like any plugin's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.markers import hookimpl


@hookimpl
def register_sources(register: Callable[[Any], None]) -> None:
    """Register Terraform plans/states and request files (recognised by content, so first), JSONL, JSON
    documents, CSV, live AWS (``aws://``) and live Datadog (``ddsql://``)."""
    from checker.sources import aws, csvfile, ddsql, jsondoc, jsonl, request, tf, tfplan

    for module in (tfplan, request, jsonl, jsondoc, csvfile, aws, tf, ddsql):
        register(module.SOURCE)
