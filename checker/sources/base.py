"""What a source is and what it yields.

A source turns one location (a file, stdin, a URI such as ``aws://``) into raw rows with provenance.
It never raises past its loop: a bad line or row is yielded as a :class:`~checker.model.Problem` and the
next one is still read; a location that cannot be read at all is one SOURCE problem.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from checker.model import ErrorKind, Problem, Provenance
from checker.text import one_line

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Longest line (or CSV field) accepted; a longer one is an input error, and reading goes on."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One raw row as read, before normalisation.

    ``data``: the row as decoded from the input (either shape). ``unknown``: columns the source knows
    to be unknown for this row, with the reason (e.g. tags whose ListTagsForResource call failed).
    ``facts``: become :attr:`~checker.model.Job.facts`. A record whose provenance kind is ``"planned"``
    (:mod:`checker.planned.records`) holds a CreateModelInvocationJob request body in ``data`` and is
    checked against the planned-job schema.
    """

    data: Mapping[str, Any]
    provenance: Provenance
    unknown: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceNote:
    """A one-line note a source has about an input it read, neither a record nor a problem (printed on
    stderr): e.g. a Terraform plan holding no batch job. ``readable_empty``: the input was read and holds no
    job by design (a plan without jobs), so a scan that found no records is not an input error for it.
    ``warning``: something the user should act on (a ``--account`` the configuration refuses): a warning in
    every report, not a note."""

    message: str
    location: str
    readable_empty: bool = False
    warning: bool = False


Item = RawRecord | Problem | SourceNote
"""What sources yield."""


class Source(Protocol):
    """An input format or scheme, registered through the ``register_sources`` hook.

    ``name``: what ``--input-format`` accepts (``jsonl``). ``extensions``: lowercase file suffixes it
    claims (``(".jsonl", ".ndjson")``). ``schemes``: URI schemes it claims (``("aws",)``); such a source
    gets ``stream=None``. ``description``: one line for ``--help`` and ``bedrock-audit plugins``.
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    schemes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """True if the first bytes of an input (up to 64 KiB) look like this format."""
        ...

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield every row of ``location`` as a :class:`RawRecord`, or a :class:`Problem` per bad row."""
        ...


GAP_KEY = "_gap"
"""Reserved key of a JSON Lines line ``{"_gap": {"location": "aws://ACCOUNT/REGION", "message": "..."}}``:
part of a source could not be read when the file was written (``bedrock-audit fetch`` writes one per
account/region it could not list). Reading the file reports it again as the same SOURCE problem, so a
gap survives the round trip through a file instead of silently shrinking what was checked."""


def gap_record(problem: Problem) -> dict[str, Any]:
    """The ``_gap`` line for a SOURCE problem (see :data:`GAP_KEY`)."""
    location = problem.provenance.source if problem.provenance else None
    return {GAP_KEY: {"location": location, "message": problem.message}}


def gap_problem(value: Any, provenance: Provenance) -> Problem:
    """The SOURCE problem recorded by a ``_gap`` line (``value`` is the line's ``_gap`` object); a
    malformed one is an input problem at ``provenance``."""
    if isinstance(value, dict) and isinstance(value.get("message"), str) and value["message"]:
        location = value.get("location")
        where = Provenance(one_line(location, 200)) if isinstance(location, str) and location else provenance
        return Problem(ErrorKind.SOURCE, one_line(value["message"], 2000), where)
    return input_problem(f"line {provenance.line}: malformed {GAP_KEY} line (expected "
                         f'{{"{GAP_KEY}": {{"location": ..., "message": ...}}}})', provenance)


def input_problem(message: str, provenance: Provenance) -> Problem:
    """A bad line or row: reported, counted, and the next row is still read (exit 3)."""
    return Problem(ErrorKind.INPUT, message, provenance)


def source_problem(message: str, location: str) -> Problem:
    """A location that cannot be read at all (exit 3)."""
    return Problem(ErrorKind.SOURCE, message, Provenance(location))


def describe_json_type(value: Any) -> str:
    """``[1]`` -> ``"array"``, ``"x"`` -> ``"string"`` ... for messages about unexpected JSON values."""
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def without_bom(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 byte-order mark (editors on Windows and some exports write one)."""
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data

