"""The jobs already read in a scan, to evaluate each job once (issue 15, item 4).

The same job twice in one scan (two overlapping exports, a file named twice through a link, the same
Terraform resource address in two plans) would be checked and reported twice, and its findings counted
twice. The pipeline asks :class:`SeenJobs` before evaluating a job: the first record of a job is
evaluated, every later one is named as a duplicate with both locations (a warning in every report) and
counted in ``Summary.duplicates``.

Memory: a job's identity is kept as its 64-bit hash (Python's ``hash`` of the string: SipHash, salted per
process, cached in the string) with its first location packed in another 64-bit word, in two flat arrays
used as an open-addressing hash table at most half full: 16 bytes a slot, 32-64 bytes a job (a million
jobs: 34 MB, 2,097,152 slots; 50 MB at the peak of a growth, when old and new tables coexist; measured by
``benchmarks/bench_duplicates.py``), against ~180 bytes a job for a set of ARN strings. Two different
identities share a hash with a probability of about n^2 / 2^65 (a million jobs: 3 in 100 million); the job
would then be named as a duplicate of the other (visible in every report), never dropped silently.
"""

from __future__ import annotations

from array import array

from checker.model import Provenance

_EMPTY = 0
_MASK64 = (1 << 64) - 1
_LINE_BIT = 1 << 40
_SOURCE_SHIFT = 41


class SeenJobs:
    """Identities of the jobs read so far (job ARN, or a planned job's address), each with where it was
    first read."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._keys = array("Q", [0]) * capacity
        self._places = array("Q", [0]) * capacity
        self._mask = capacity - 1
        self._used = 0
        self._sources: list[str] = []
        self._source_index: dict[str, int] = {}

    def first_seen(self, identity: str, provenance: Provenance) -> Provenance | None:
        """Where ``identity`` was read before (``None`` the first time: it is remembered at
        ``provenance``)."""
        key = (hash(identity) & _MASK64) or 1  # 0 marks an empty slot
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == _EMPTY:
                break
            if found == key:
                return self._unpack(self._places[slot])
            slot = (slot + 1) & mask
        keys[slot] = key
        self._places[slot] = self._pack(provenance)
        self._used += 1
        if 2 * self._used > len(keys):
            self._grow()
        return None

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
        old_keys, old_places = self._keys, self._places
        capacity = 2 * len(old_keys)
        keys = array("Q", [0]) * capacity  # no temporary bytes object: growth peaks at 3 tables' worth
        places = array("Q", [0]) * capacity
        mask = capacity - 1
        for key, place in zip(old_keys, old_places, strict=True):
            if key != _EMPTY:
                slot = key & mask
                while keys[slot] != _EMPTY:
                    slot = (slot + 1) & mask
                keys[slot] = key
                places[slot] = place
        self._keys, self._places, self._mask = keys, places, mask


def job_identity(row: dict[str, object], provenance: Provenance) -> str | None:
    """What makes two records the same job: the job ARN, else a planned job's resource address (the
    ``identity`` its provenance carries, when the source sets one); ``None`` when neither is known."""
    arn = row.get("job_arn")
    if isinstance(arn, str) and arn:
        return arn
    address = getattr(provenance, "identity", None)
    return f"address:{address}" if isinstance(address, str) and address else None
