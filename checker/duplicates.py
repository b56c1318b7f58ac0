"""The jobs already read in a scan, to evaluate each job once (issue 15, item 4).

The same job twice in one scan (two overlapping exports, a file named twice through a link, the same
Terraform resource address in two plans) would be checked and reported twice, and its findings counted
twice. The pipeline asks :class:`SeenJobs` before evaluating a job, with the job's identity and the
:func:`content_hash` of its record:

* the first record of a job is evaluated;
* a later record with the same content (a true duplicate) is not: it is named with both locations (a
  warning in every report) and counted in ``Summary.duplicates``;
* a later record with different content (another snapshot of the job: its status, its VPC
  configuration, ... changed) is evaluated too -- checking only the first would let a non-compliant
  snapshot pass unchecked -- and named with both locations ("... differs from the one at X: both records
  checked"), counted in ``Summary.differing``. Each distinct content of a job is evaluated once.

Memory: a job's identity is kept as its 64-bit hash (Python's ``hash`` of the string: SipHash, salted per
process, cached in the string), its first location packed in a second 64-bit word and the hash of its
content in a third, in three flat arrays used as an open-addressing hash table at most half full: 24 bytes
a slot, 48-96 bytes a job (a million jobs: 50 MB, 2,097,152 slots; 75 MB at the peak of a growth, when old
and new tables coexist; measured by ``benchmarks/bench_duplicates.py``), against ~180 bytes a job for a
set of ARN strings. A job with k distinct contents takes k slots. Two different identities share a hash
with a probability of about n^2 / 2^65 (a million jobs: 3 in 100 million); the job would then be named as
a duplicate of the other (visible in every report), never dropped silently. Two different contents of one
job share a hash with a probability of 2^-64 per pair.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from itertools import chain
from typing import Any, NamedTuple

import orjson

from checker.model import Provenance

_EMPTY = 0
_MASK64 = (1 << 64) - 1
_LINE_BIT = 1 << 40
_SOURCE_SHIFT = 41
_DUMPS_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS

NOT_CONTENT = frozenset({"_key"})
"""Columns left out of :func:`content_hash`: they carry no job state, so two exports of one job may
differ in them (``_key``: Datadog's key of the table row). Status, times and record counts are job
state: a record whose status changed is another snapshot and is checked."""


class Earlier(NamedTuple):
    """A record of the same job read before: where (``at``), and whether its content was the ``same``
    (``False``: the content differs; ``at`` is then the job's first record)."""

    at: Provenance
    same: bool


def content_hash(row: Mapping[str, Any], unknown: Mapping[str, str] | None = None) -> int:
    """64-bit hash of a table-shape record's content (its columns but :data:`NOT_CONTENT`, nested
    values with sorted keys, and the names of its unknown columns), salted per process like ``hash``."""
    content = {k: v for k, v in row.items() if k not in NOT_CONTENT}
    if unknown:
        content = {"": content, "unknown": sorted(unknown)}
    try:
        text = orjson.dumps(content, option=_DUMPS_OPTIONS)
    except TypeError:  # an int past 64 bits, mixed key types: orjson cannot, json can
        text = json.dumps(content, sort_keys=True, default=repr).encode()
    return hash(text) & _MASK64


class SeenJobs:
    """Identities of the jobs read so far (job ARN, or a planned job's address), each with where it was
    first read and the hash of each distinct content read."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._keys = array("Q", [0]) * capacity
        self._places = array("Q", [0]) * capacity
        self._contents = array("Q", [0]) * capacity
        self._mask = capacity - 1
        self._used = 0
        self._sources: list[str] = []
        self._source_index: dict[str, int] = {}

    def first_seen(self, identity: str, provenance: Provenance, content: int = 0) -> Earlier | None:
        """The record of ``identity`` read before, if any (``None`` the first time); a ``content`` (see
        :func:`content_hash`) not read before for ``identity`` is remembered at ``provenance``, and
        ``Earlier(first location of the job, same=False)`` returned."""
        key = (hash(identity) & _MASK64) or 1  # 0 marks an empty slot
        keys, contents, mask = self._keys, self._contents, self._mask
        slot = key & mask
        first = None
        while True:
            found = keys[slot]
            if found == _EMPTY:
                break
            if found == key:
                if contents[slot] == content:
                    return Earlier(self._unpack(self._places[slot]), True)
                if first is None:
                    first = self._places[slot]
            slot = (slot + 1) & mask
        keys[slot] = key
        contents[slot] = content
        self._places[slot] = self._pack(provenance)
        self._used += 1
        if 2 * self._used > len(keys):
            self._grow()
        return None if first is None else Earlier(self._unpack(first), False)

    def __len__(self) -> int:
        return self._used

    def _pack(self, provenance: Provenance) -> int:
        index = self._source_index.get(provenance.source)
        if index is None:
            index = self._source_index[provenance.source] = len(self._sources)
            self._sources.append(provenance.source)
        if provenance.line is not None:
            number = _LINE_BIT | min(provenance.line, _LINE_BIT - 1)
        else:
            number = min(provenance.record or 0, _LINE_BIT - 1)
        return (index << _SOURCE_SHIFT) | number

    def _unpack(self, packed: int) -> Provenance:
        source = self._sources[packed >> _SOURCE_SHIFT]
        number = packed & (_LINE_BIT - 1)
        if packed & _LINE_BIT:
            return Provenance(source, number)
        return Provenance(source, None, number or None)

    def _grow(self) -> None:
        old_keys, old_places, old_contents = self._keys, self._places, self._contents
        size = len(old_keys)
        capacity = 2 * size
        keys = array("Q", [0]) * capacity  # no temporary bytes object: growth peaks at 3 tables' worth
        places = array("Q", [0]) * capacity
        contents = array("Q", [0]) * capacity
        mask = capacity - 1
        start = old_keys.index(_EMPTY)  # no run of slots wraps past an empty one: the records of a job stay
        for old in chain(range(start, size), range(start)):  # in the order they were read, the first first
            key = old_keys[old]
            if key != _EMPTY:
                slot = key & mask
                while keys[slot] != _EMPTY:
                    slot = (slot + 1) & mask
                keys[slot] = key
                places[slot] = old_places[old]
                contents[slot] = old_contents[old]
        self._keys, self._places, self._contents, self._mask = keys, places, contents, mask


def job_identity(row: dict[str, object], provenance: Provenance) -> str | None:
    """What makes two records the same job: the job ARN, else a planned job's resource address (the
    ``identity`` its provenance carries, when the source sets one); ``None`` when neither is known."""
    arn = row.get("job_arn")
    if isinstance(arn, str) and arn:
        return arn
    address = getattr(provenance, "identity", None)
    return f"address:{address}" if isinstance(address, str) and address else None
