"""Live rows of the Datadog table ``aws.bedrock_model_invocation_job`` (``ddsql://`` locations).

``bedrock-audit scan ddsql://?status=InProgress`` reads the table through the DDSQL API with
datadog-api-client, page by page (:mod:`checker.ddsql.pager`); the rows are table-shape records,
normalised like any export's. The location grammar is :mod:`checker.ddsql.location`; keys and site come
from the environment (:mod:`checker.ddsql.settings`). Nothing here imports datadog-api-client: it is
imported when a location is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from checker.sources.base import Item, source_problem


class DdsqlSource:
    """The ``ddsql`` input scheme."""

    name = "ddsql"
    description = "live rows of the Datadog table aws.bedrock_model_invocation_job via the DDSQL API (ddsql://?OPTIONS)"
    extensions: tuple[str, ...] = ()
    schemes = ("ddsql",)

    def sniff(self, head: bytes) -> bool:
        """Never claims a file or stdin."""
        return False

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield the rows (table-shape records) and the gaps (SOURCE problems) of ``location``."""
        from checker.ddsql.location import LocationError, parse_location, shown_location

        if stream is not None:
            yield source_problem("the ddsql source reads ddsql:// locations, not files or stdin",
                                 shown_location(location))
            return
        try:
            target = parse_location(location)
        except LocationError as exc:
            yield source_problem(str(exc), shown_location(location))
            return
        from checker.aws.faults import Scrubber
        from checker.ddsql.settings import settings_from_env
        from checker.errors import ConfigError

        shown = target.uri()
        try:
            settings = settings_from_env()
        except ConfigError as exc:
            yield source_problem(str(exc), shown)
            return
        scrub = Scrubber()
        scrub.add(*settings.secrets())
        try:
            from checker.ddsql.client import DdsqlClient
            from checker.ddsql.pager import read_table

            yield from read_table(target, DdsqlClient(settings, target.max_attempts, scrub), shown)
        except ImportError as exc:
            yield source_problem(f"ddsql:// needs datadog-api-client ({exc}): pip install 'bedrock-audit[datadog]'",
                                 shown)
        except Exception as exc:  # noqa: BLE001 - a bug of ours must still be a reported gap, with no key in it
            yield source_problem(scrub(f"the ddsql source failed: {type(exc).__name__}: {exc}"), shown)


SOURCE = DdsqlSource()
