"""Options after ``?`` in a location URI (``aws://...?account=...``, ``ddsql://?status=...``), read one way.

Names are case-insensitive and ``_`` equals ``-``; an unknown name (with a did-you-mean), a name given twice
that is not repeatable, or a malformed query is one line for the user, raised as the caller's error type.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Collection, Sequence

from checker.suggest import closest


def query_options(query: str, shown: str, known: Sequence[str], repeatable: Collection[str],
                  error: type[Exception], *, plus_is_plus: bool = False) -> dict[str, list[str]]:
    """``"account=1&Status=x"`` -> ``{"account": ["1"], "status": ["x"]}`` (names folded, values as given).

    ``shown``: the location as messages may echo it. ``plus_is_plus``: a ``+`` is a plus sign, not a space
    (an offset such as ``+02:00``). Raises ``error(message)``."""
    try:
        text = query.replace("+", "%2B") if plus_is_plus else query
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise error(f"{shown}: malformed options after '?' (expected name=value&...)") from None
    options: dict[str, list[str]] = {}
    for name, value in pairs:
        key = name.strip().lower().replace("_", "-")
        if key not in known:
            raise error(f"{shown}: unknown option {name[:40]!r}{closest(key, known)} (known: {', '.join(known)})")
        if key in options and key not in repeatable:
            raise error(f"{shown}: option {key!r} given twice")
        options.setdefault(key, []).append(value)
    return options
