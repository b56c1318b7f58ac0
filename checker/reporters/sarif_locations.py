"""Where a SARIF result points (:mod:`checker.reporters.sarif`): the input file as a URI relative to the
working directory (``%SRCROOT%``) with the record's line, or for live AWS records the synthetic
``aws/<account>/<region>/model-invocation-job/<id>.json``; and the job ARN (a planned job: its resource
address) as a logical location."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from checker.model import JobRef, Provenance


def artifact_location(provenance: Provenance, job_arn: str | None, cwd: str) -> dict[str, Any] | None:
    """The SARIF ``artifactLocation`` of a record (of a planned job's attribute: ``Provenance.at``).
    Live AWS (``aws://<account>/<region>``): ``aws/<account>/<region>/model-invocation-job/<id>.json``.
    A file under ``cwd``: its relative path (``%SRCROOT%``); elsewhere a ``file://`` URI; stdin: ``stdin``.
    """
    source = provenance.source
    if source.startswith("aws://"):
        account, _, region = source[len("aws://"):].partition("/")
        if not job_arn:
            return {"uri": quote(f"aws/{account}/{region}".rstrip("/"))}
        job_id = job_arn.rsplit("/", 1)[-1]
        return {"uri": quote(f"aws/{account}/{region}/model-invocation-job/{job_id}.json")}
    if "://" in source:
        return {"uri": quote(source.replace("://", "/", 1))}
    if source == "-":
        return {"uri": "stdin", "description": {"text": "standard input"}}
    uri, base = _file_uri(source, cwd)
    return {"uri": uri, "uriBaseId": base} if base else {"uri": uri}


@functools.lru_cache(maxsize=256)
def _file_uri(source: str, cwd: str) -> tuple[str, str | None]:
    """``(uri, uriBaseId)`` of an input file: relative to ``cwd`` (``%SRCROOT%``) when under it, else a
    ``file://`` URI and ``None``. Cached: every record of a file has the same one."""
    path = os.path.normpath(os.path.join(cwd, source))
    relative = os.path.relpath(path, cwd)
    if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
        return quote(Path(relative).as_posix()), "%SRCROOT%"
    return Path(path).as_uri(), None


def physical_location(provenance: Provenance, job_arn: str | None, cwd: str) -> dict[str, Any] | None:
    """``{"artifactLocation": ..., "region": {"startLine": n}}`` (no region when the line is unknown)."""
    artifact = artifact_location(provenance, job_arn, cwd)
    if artifact is None:
        return None
    location: dict[str, Any] = {"artifactLocation": artifact}
    if provenance.line is not None and provenance.line >= 1:
        location["region"] = {"startLine": provenance.line}
    return location


def result_location(job: JobRef | None, provenance: Provenance | None, cwd: str) -> dict[str, Any] | None:
    """A SARIF ``location`` of a job or problem: its physical location and the job ARN (a planned job:
    its Terraform resource address) as a logical location (kind ``resource``); ``None`` when neither is
    known."""
    location: dict[str, Any] = {}
    if provenance is not None:
        physical = physical_location(provenance, job.arn if job else None, cwd)
        if physical is not None:
            location["physicalLocation"] = physical
    if job is not None and job.key:  # the job ARN, else a planned job's Terraform resource address
        location["logicalLocations"] = [{"name": job.name or job.arn.rsplit("/", 1)[-1] if job.arn else job.key,
                                         "fullyQualifiedName": job.key, "kind": "resource"}]
    return location or None
