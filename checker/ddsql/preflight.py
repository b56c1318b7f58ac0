"""Check ``ddsql://`` locations before anything is read, so a mistake is a usage error (exit 2).

What is checked: the location's options (:func:`~checker.ddsql.location.parse_location`), the keys and
site in the environment (:func:`~checker.ddsql.settings.settings_from_env`: a missing ``DD_API_KEY`` or
``DD_APP_KEY`` is named), and that datadog-api-client is installed (found, not imported).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from checker.ddsql.location import LocationError, is_ddsql_location, parse_location


def check_locations(locations: Sequence[str]) -> list[str]:
    """``locations`` as reports show them: each ``ddsql://`` one in its canonical form, the others as
    given. Raises ``checker.policy.ConfigError`` for a bad ``ddsql://`` location, a missing or bad key
    or site variable, or a missing datadog-api-client."""
    from checker.errors import ConfigError

    shown = []
    for location in locations:
        if not is_ddsql_location(location):
            shown.append(location)
            continue
        try:
            target = parse_location(location)
        except LocationError as exc:
            raise ConfigError(str(exc)) from None
        from checker.ddsql.settings import settings_from_env

        settings_from_env()
        if importlib.util.find_spec("datadog_api_client") is None:
            raise ConfigError("ddsql:// needs datadog-api-client, which is not installed: "
                              "pip install 'bedrock-audit[datadog]'")
        shown.append(target.uri())
    return shown
