"""One schema violation as reports show it (:class:`SchemaError`) and JSON pointers (RFC 6901)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE = 300
"""Characters of a schema error message kept in reports (values in messages can be huge)."""


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation: JSON pointer (RFC 6901) of the offending value and a readable message.

    ``missing``: for a ``required`` (or ``dependentRequired``) violation, the first missing property;
    ``pointer`` then names the object that lacks it and :attr:`field` the missing member itself.
    ``pattern``: for a ``pattern`` violation, the regular expression the value failed; the message then
    says in words what was expected when the schema describes it (:data:`PATTERN_DESCRIPTION`).
    """

    pointer: str
    message: str
    missing: str | None = None
    pattern: str | None = None

    @property
    def field(self) -> str:
        """Pointer of the offending field: ``/tags/owner`` for a missing ``owner`` tag, else ``pointer``."""
        if self.missing is None:
            return self.pointer
        return self.pointer + json_pointer([self.missing])

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


PATTERN_DESCRIPTION = "x-pattern-description"
"""Schema annotation beside a ``pattern``: what the pattern accepts, in words, as a noun phrase ("an account
ID (12 digits)"). A value that fails the pattern is reported as ``'x' is not an account ID (12 digits)``
instead of the regular expression (which stays in :attr:`SchemaError.pattern` and the JSON report)."""


def json_pointer(path: Iterable[Any]) -> str:
    """``["vpc_config", "subnet_ids", 0]`` -> ``"/vpc_config/subnet_ids/0"`` (RFC 6901 escaping)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
