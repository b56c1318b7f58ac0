"""The identity of a job as reports show it: :class:`JobRef` (re-exported by :mod:`checker.model`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol


class _Job(Protocol):
    """What :meth:`JobRef.of` reads of a :class:`checker.model.Job` (no import of it: no circle)."""

    @property
    def row(self) -> dict[str, Any]: ...
    @property
    def planned(self) -> bool: ...
    @property
    def job_arn(self) -> str: ...
    @property
    def job_name(self) -> str | None: ...
    @property
    def account_id(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...
    @property
    def identity(self) -> str: ...
    @property
    def provenance(self) -> Any: ...

    def arn_parts(self) -> Mapping[str, str]: ...


class JobRef(NamedTuple):
    """The identity of a job as reports show it (works for schema-invalid records too)."""

    arn: str | None
    name: str | None = None
    account_id: str | None = None
    region: str | None = None
    address: str | None = None

    @classmethod
    def of(cls, job: _Job) -> JobRef:
        """The reference of a validated job (its :attr:`Job.account_id` and :attr:`Job.region`); a planned
        job has no ARN; ``address`` is the Terraform resource address (or ``FILE#N`` of a request) when known."""
        if not job.planned:
            return cls(job.job_arn, job.job_name, job.account_id, job.region, job.provenance.identity)
        known = job.arn_parts()
        account = job.row.get("account_id")
        return cls(None, job.job_name, account if isinstance(account, str) else None, known.get("region"),
                   job.identity)

    @property
    def label(self) -> str:
        """The planned job's address, else the job name if known, else the ARN, else ``"<unknown job>"``."""
        return self.address or self.name or self.arn or "<unknown job>"

    @property
    def key(self) -> str | None:
        """What waivers, baselines and fingerprints key the job by: its ARN, else its address."""
        return self.arn or self.address
