"""Text helpers shared by rules, the engine and reporters."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its first ``limit - 1`` and ``…`` (so the
    result never exceeds ``limit``): how messages that quote data (a schema error, the service's message,
    an exception) are kept to a readable size."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
