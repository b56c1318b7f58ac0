"""Keys and site for the DDSQL API, from the environment (never from the location or a flag).

* ``DD_API_KEY`` -- the organisation's API key (header ``DD-API-KEY``);
* ``DD_APP_KEY`` -- an application key (header ``DD-APPLICATION-KEY``); ``DD_APPLICATION_KEY`` is read
  when ``DD_APP_KEY`` is not set (the name Datadog's Agent and Terraform provider also accept);
* ``DD_SITE`` -- the Datadog site, ``datadoghq.com`` by default; the API is ``https://api.<site>``;
* ``DD_HOST`` -- the whole base URL instead (a proxy, a test stand-in): ``https://dd-proxy.example.com``
  or ``http://127.0.0.1:8126``; the variable Datadog's Terraform provider reads for its ``api_url``.

The application key's scopes must include ``timeseries_query``, the permission both DDSQL endpoints
require ("This endpoint requires the timeseries_query permission", Datadog API reference, DDSQL).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

SITES = ("datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com",
         "ap2.datadoghq.com", "uk1.datadoghq.com", "ddog-gov.com", "us2.ddog-gov.com")
"""The sites whose API serves DDSQL (Datadog API reference, "Execute a tabular DDSQL query": one endpoint
per site, ``https://api.<site>/api/v2/ddsql/query/tabular``)."""
DEFAULT_SITE = "datadoghq.com"
PERMISSION = "timeseries_query"


@dataclass(frozen=True)
class DatadogSettings:
    """Where and as whom the DDSQL API is called. ``host``: the base URL (``https://api.datadoghq.eu``);
    ``site``: the site it was derived from (``None`` when ``DD_HOST`` gave it). The keys are kept out
    of ``repr`` so that no log or traceback of this object shows them."""

    api_key: str = field(repr=False)
    app_key: str = field(repr=False)
    host: str
    site: str | None

    @property
    def where(self) -> str:
        """``"Datadog site datadoghq.eu (https://api.datadoghq.eu)"`` or ``"Datadog at <DD_HOST>"``, for
        messages; any user:password in ``DD_HOST`` is shown as ``***``."""
        shown = re.sub(r"//[^/@]*@", "//***@", self.host)
        return f"Datadog site {self.site} ({shown})" if self.site else f"Datadog at {shown} (DD_HOST)"

    def secrets(self) -> list[str]:
        """The values no message may show: both keys, and any password in ``DD_HOST``."""
        values = [self.api_key, self.app_key]
        password = urllib.parse.urlsplit(self.host).password
        if password:
            values.append(password)
        return values


def settings_from_env(environ: Mapping[str, str] | None = None) -> DatadogSettings:
    """Read :class:`DatadogSettings` from ``environ`` (default ``os.environ``). Raises
    ``checker.policy.ConfigError`` naming the variable that is missing or wrong (a usage error, exit 2)."""
    from checker.errors import ConfigError

    env = os.environ if environ is None else environ
    api_key = env.get("DD_API_KEY", "").strip()
    if not api_key:
        raise ConfigError("ddsql://: DD_API_KEY is not set: export the organisation's Datadog API key "
                          "(Organization Settings > API Keys)")
    app_key = (env.get("DD_APP_KEY") or env.get("DD_APPLICATION_KEY") or "").strip()
    if not app_key:
        raise ConfigError("ddsql://: DD_APP_KEY (or DD_APPLICATION_KEY) is not set: export a Datadog "
                          f"application key whose scopes include {PERMISSION}")
    for name, value in (("DD_API_KEY", api_key), ("DD_APP_KEY", app_key)):
        if not re.fullmatch(r"[\x21-\x7e]+", value):
            raise ConfigError(f"ddsql://: {name} holds spaces or characters that cannot go in an HTTP header")
    host = env.get("DD_HOST", "").strip()
    if host:
        return DatadogSettings(api_key, app_key, _checked_host(host), None)
    site = env.get("DD_SITE", "").strip().lower() or DEFAULT_SITE
    if site not in SITES:
        raise ConfigError(f"DD_SITE={site[:60]!r} is not a Datadog site serving DDSQL (one of: {', '.join(SITES)}; "
                          "or set DD_HOST to the API's base URL)")
    return DatadogSettings(api_key, app_key, f"https://api.{site}", site)


def _checked_host(host: str) -> str:
    from checker.errors import ConfigError

    parts = urllib.parse.urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("DD_HOST must be the API's base URL, e.g. https://api.datadoghq.com or "
                          "http://127.0.0.1:8126")
    if parts.query or parts.fragment:
        raise ConfigError("DD_HOST must be a base URL without '?' or '#'")
    return host.rstrip("/")
