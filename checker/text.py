"""Text helpers shared by rules, the engine and reporters."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its first ``limit - 1`` and ``…`` (so the
    result never exceeds ``limit``): how messages that quote data (a schema error, the service's message,
    an exception) are kept to a readable size."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str, limit: int) -> str:
    """``text`` with its line breaks shown as ``\\r`` and ``\\n`` and clipped to ``limit`` (see :func:`clip`):
    how a message quotes data that may span lines (a CSV header cell, a JSON key), so every error stays
    one line in every report."""
    return clip(text.replace("\r", "\\r").replace("\n", "\\n"), limit)
