"""The SARIF 2.1.0 report (``-f sarif``) for GitHub code scanning and other SARIF consumers.

One run. ``tool.driver.rules`` lists every rule this scan ran, each id exactly once, with name,
short and full description, help (remediation), helpUri, default level and properties (``tags``: the
rule's categories plus ``security``; ``security-severity`` for GitHub; ``controls``). A result is written
for every FAIL and every waived result. The level says whether the finding fails the gate
(:func:`checker.exitcodes.gates`): a gating FAIL is ``error`` (critical, high) or ``warning`` (medium,
low, info); a FAIL that does not gate (below ``fail-on``, or in the baseline) is ``note`` and a waived
result is ``note`` with ``suppressions`` (the waiver's reason, owner and expiry), so a consumer that
ignores suppressions or baselines does not block on them. ``properties.gating`` says it in words
(``true``, or ``false`` with ``properties.notGating`` giving the reason). PASS and not-applicable results are not
written. Each result names the job in its message, has a physical location -- the input file as a URI
relative to the working directory (``%SRCROOT%``) plus ``region.startLine``, or for live AWS records the
synthetic ``aws/<account>/<region>/model-invocation-job/<id>.json`` -- and the job ARN as a logical
location, and a ``partialFingerprints`` entry that hashes rule id and job ARN only (stable across runs,
input order and line moves). With ``--baseline`` results carry ``baselineState`` (new/unchanged).
ERROR results, input/source/plugin problems and warnings are ``toolExecutionNotifications`` (the first
:data:`MAX_NOTIFICATIONS` of them, in input order, then one warning counting the rest; unknown-data ERRORs
grouped: one per rule and input with the number of jobs, :mod:`checker.reporters.gaps`); the invocation
records the exit code, ``executionSuccessful`` (false when something could not be checked) and the real
``startTimeUtc``/``endTimeUtc`` of the scan (the wall clock, never ``--now``).

GitHub's upload limits (docs.github.com, "SARIF support for code scanning": 25,000 results per run,
10 MB gzip-compressed file) are enforced with a deterministic cut: when a report would pass either,
the results kept are the first in this order -- unwaived before waived, higher severity first, then
rule id, job ARN, source and line -- written in that order until both limits hold (the notifications'
compressed size counts against the 10 MB); a warning goes to stderr and into the report. Results are
spooled to a temporary file as jobs finish (memory stays flat: at most ``max_results`` sort keys are
held), and the document is written at the end.
"""

from __future__ import annotations

import codecs
import hashlib
import heapq
import os
import tempfile
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TextIO

import orjson

from checker.exitcodes import not_gating
from checker.model import JobRef, Problem, Provenance, Result, Severity, Status
from checker.reporters.base import ReportContext, problem_text
from checker.reporters.gaps import GapTally
from checker.reporters.sarif_locations import (  # noqa: F401 - artifact_location, physical_location: public here
    artifact_location,
    physical_location,
    result_location,
)
from checker.summary import Summary
from checker.timeutil import format_rfc3339

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "bedrockAuditFinding/v1"
MAX_RESULTS = 25_000
"""GitHub code scanning: results per run it accepts."""
MAX_GZIP_BYTES = 10 * 1000 * 1000
"""GitHub code scanning: largest gzip-compressed SARIF file it accepts (10 MB)."""
_SIZE_MARGIN = 64 * 1024
"""Headroom left under :data:`MAX_GZIP_BYTES` for everything around the results and notifications."""
MAX_NOTIFICATIONS = 10_000
"""Notifications (problems, ERROR results) written at most, in input order; one warning counts the rest.
Without a cap, a million schema-invalid records would make a report of ~23 MB gzip-compressed, which
GitHub refuses. The JSON and JUnit reports list every one."""

LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "warning", Severity.INFO: "warning"}
"""Level of a FAIL that gates, by severity; a finding that does not gate is ``note``."""
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0", Severity.INFO: "0.0"}
"""GitHub's security-severity scores (>= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low)."""

_SPOOL_BYTES = 4 << 20


def fingerprint(rule_id: str, job_arn: str) -> str:
    """The ``partialFingerprints`` value of a finding: SHA-256 (hex, 32 chars) of rule id and job ARN."""
    return hashlib.sha256(f"{rule_id}\0{job_arn}".encode()).hexdigest()[:32]


def rule_descriptor(configured: Any, plugin: str | None, fail_on: Severity = Severity.INFO) -> dict[str, Any]:
    """The ``reportingDescriptor`` of a configured rule (effective severity: policy overrides apply).
    Its default level is the level of its FAILs: by severity when that severity gates (at or above
    ``fail_on``), else ``note``."""
    rule = configured.rule
    severity: Severity = configured.severity
    properties: dict[str, Any] = {
        "tags": ["security", *[c for c in rule.categories if c != "security"]][:20],
        "security-severity": SECURITY_SEVERITY[severity],
        "severity": severity.label,
    }
    if rule.controls:
        properties["controls"] = {k: dict(v) for k, v in rule.controls.items()}
    if plugin:
        properties["plugin"] = plugin
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {
            "text": f"{rule.remediation}\n\nWhy: {rule.rationale}\n\nMore: {rule.help_url}",
            "markdown": f"**Remediation.** {rule.remediation}\n\n**Why.** {rule.rationale}\n\n"
                        f"[Rule documentation]({rule.help_url})",
        },
        "helpUri": rule.help_url,
        "defaultConfiguration": {"level": LEVELS[severity] if severity >= fail_on else "note"},
        "properties": properties,
    }


def _gzip_size(spool: IO[bytes]) -> int:
    """Gzip-compressed size of everything written to ``spool`` so far (left positioned at its end)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    size = 0
    spool.seek(0)
    while chunk := spool.read(1 << 20):
        size += len(compressor.compress(chunk))
    return size + len(compressor.flush())


class _Worst:
    """Heap entry ordering the *worst-ranked* result first (so the heap top is the one to evict)."""

    __slots__ = ("key", "offset")

    def __init__(self, key: tuple[Any, ...], offset: int) -> None:
        self.key = key
        self.offset = offset

    def __lt__(self, other: _Worst) -> bool:
        return self.key > other.key


class SarifReporter:
    """Writes one SARIF 2.1.0 log to ``stream``. ``max_results``/``max_gzip_bytes``: GitHub's limits;
    ``max_notifications``: see :data:`MAX_NOTIFICATIONS`."""

    needs_timings = False  # shows no rule durations (see Reporter.needs_timings)

    def __init__(self, stream: TextIO, context: ReportContext, max_results: int = MAX_RESULTS,
                 max_gzip_bytes: int = MAX_GZIP_BYTES, max_notifications: int = MAX_NOTIFICATIONS) -> None:
        self.stream = stream
        self.context = context
        self.max_results = max_results
        self.max_gzip_bytes = max_gzip_bytes
        self.max_notifications = max_notifications
        self._notes_omitted = 0
        self.cwd = os.getcwd()
        self._index = {c.rule.id: i for i, c in enumerate(context.rules)}
        self._results = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 - closed in finish()
        self._notes = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+b")  # noqa: SIM115
        self._count = 0
        self._gaps = GapTally()
        self._notes_count = 0
        self._bytes = 0
        self._keep: list[_Worst] = []

    def start(self) -> None:
        """Nothing is written before the end (the cut needs every result)."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Spool the job's FAIL and waived results; ERROR results become notifications."""
        location = None
        for result in results:
            waived = result.status is Status.SKIP and bool(result.waiver)
            location = None if provenance.places else location  # planned: each at its attribute's line
            if result.status is Status.ERROR and not self._gaps.add(job, provenance, result):
                location = location or result_location(job, provenance.at(result.pointer), self.cwd)
                self._notify("error", f"job {job.label}: {result.message}",
                             f"{result.error_kind.value if result.error_kind else 'rule'}-error", location,
                             rule_id=result.rule.id)
                continue
            if result.status is not Status.FAIL and not waived:
                continue
            location = location or result_location(job, provenance.at(result.pointer), self.cwd)
            self._spool(self._result(job, provenance, result, waived, location),
                        (1 if waived else 0, -int(result.severity), result.rule.id, job.key or "",
                         provenance.source, provenance.line or 0, self._count))

    def _result(self, job: JobRef, provenance: Provenance, result: Result, waived: bool,
                location: dict[str, Any] | None) -> dict[str, Any]:
        rule = result.rule
        who = job.label if job.label == job.arn else f"{job.label} ({job.arn})"
        reason = "waived" if waived else not_gating(result, self.context.fail_on)
        sarif: dict[str, Any] = {
            "ruleId": rule.id,
            "ruleIndex": self._index[rule.id],
            "kind": "fail",
            "level": "note" if reason else LEVELS[result.severity],
            "message": {"text": f"{result.message} [job {who}]"},
            "locations": [location] if location else [],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(rule.id, job.key or str(provenance))},
        }
        properties: dict[str, Any] = {"severity": result.severity.label, "status": result.status.value,
                                      "jobArn": job.arn, "jobName": job.name, "accountId": job.account_id,
                                      "region": job.region, "source": str(provenance.at(result.pointer)),
                                      "gating": not reason}
        if reason:
            properties["notGating"] = reason
        if result.pointer:
            properties["pointer"] = result.pointer
        if result.waiver:
            properties["waiver"] = dict(result.waiver)
        if waived and result.waiver:
            waiver = result.waiver
            sarif["suppressions"] = [{
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.get('reason')} (owner {waiver.get('owner')}, "
                                 f"expires {waiver.get('expires')})",
                "properties": {"owner": waiver.get("owner"), "expires": waiver.get("expires"),
                               "origin": waiver.get("origin")},
            }]
        if result.baseline is not None:
            sarif["baselineState"] = "unchanged" if result.baseline == "existing" else "new"
        sarif["properties"] = properties
        return sarif

    def _spool(self, document: dict[str, Any], key: tuple[Any, ...]) -> None:
        line = orjson.dumps(document) + b"\n"
        offset = self._results.tell()
        self._results.write(line)
        self._count += 1
        self._bytes += len(line)
        entry = _Worst(key, offset)
        if len(self._keep) < self.max_results:
            heapq.heappush(self._keep, entry)
        elif self._keep and entry.key < self._keep[0].key:
            heapq.heapreplace(self._keep, entry)

    def _notify(self, level: str, text: str, descriptor: str, location: dict[str, Any] | None = None,
                rule_id: str | None = None, always: bool = False) -> None:
        if not always and self._notes_count >= self.max_notifications:
            self._notes_omitted += 1
            return
        note: dict[str, Any] = {"level": level, "message": {"text": text}, "descriptor": {"id": descriptor}}
        if location:
            note["locations"] = [location]
        if rule_id is not None and rule_id in self._index:
            note["associatedRule"] = {"id": rule_id, "index": self._index[rule_id]}
        self._notes.write((b"," if self._notes_count else b"") + orjson.dumps(note))
        self._notes_count += 1

    def problem(self, problem: Problem) -> None:
        """A notification (level error) naming the input, source or plugin that failed."""
        message = problem_text(problem)
        if problem.provenance is not None:
            message = f"{problem.provenance}: {message}"
        self._notify("error", message, f"{problem.kind.value}-error",
                     result_location(problem.job, problem.provenance, self.cwd))

    def finish(self, summary: Summary) -> None:
        """Apply GitHub's limits, then write the whole log."""
        for gap in self._gaps.groups():
            self._notify("error", f"{gap.result.message} ({gap.where})", "input-error",
                         result_location(gap.first_job, gap.first_at, self.cwd), rule_id=gap.result.rule.id)
        if self._notes_omitted:
            total = self._notes_count + self._notes_omitted
            message = (f"SARIF report lists the first {self._notes_count} of {total} notifications (input errors "
                       "and ERROR results, in input order); the JSON and JUnit reports have them all")
            self._notify("warning", message, "sarif-notifications-truncated", always=True)
            if self.context.warn is not None:
                self.context.warn(message)
        kept = self._select()
        cut = self._count - len(kept) if kept is not None else 0
        if cut:
            message = (f"SARIF report cut to GitHub's limits ({self.max_results} results, "
                       f"{self.max_gzip_bytes // 1_000_000} MB gzip): {len(kept or [])} of {self._count} results "
                       f"kept (unwaived first, then by severity, rule id and job ARN); the JSON and JUnit "
                       "reports have them all")
            self._notify("warning", message, "sarif-truncated", always=True)
            if self.context.warn is not None:
                self.context.warn(message)
        for warning in summary.warnings:
            self._notify("warning", warning, "warning", always=True)
        outcome = summary.baseline
        if outcome is not None and outcome.fixed:
            self._notify("note", f"{len(outcome.fixed)} baseline entries are fixed (listed in the run's "
                                 "properties.baseline.fixed): regenerate the baseline to drop them",
                         "baseline-fixed", always=True)
        self._write(summary, kept, cut)

    def _select(self) -> list[int] | None:
        """``None``: write every result in input order. Otherwise the offsets to write, in cut order."""
        notes_bytes = self._notes.tell()
        if self._count <= self.max_results and self._bytes + notes_bytes + _SIZE_MARGIN <= self.max_gzip_bytes:
            return None
        notes_gzip = _gzip_size(self._notes)
        if (self._count <= self.max_results
                and _gzip_size(self._results) + notes_gzip + _SIZE_MARGIN <= self.max_gzip_bytes):
            return None
        ranked = sorted(self._keep, key=lambda entry: entry.key)
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
        budget = self.max_gzip_bytes - _SIZE_MARGIN - notes_gzip
        used = 0
        kept: list[int] = []
        for entry in ranked:
            self._results.seek(entry.offset)
            line = self._results.readline()
            used += len(compressor.compress(line)) + len(compressor.flush(zlib.Z_SYNC_FLUSH))
            if used > budget:
                break
            kept.append(entry.offset)
        return kept

    def _write(self, summary: Summary, kept: list[int] | None, cut: int) -> None:
        context = self.context
        cwd_uri = Path(self.cwd).as_uri().rstrip("/") + "/"
        driver = {
            "name": "bedrock-audit",
            "version": context.version,
            "informationUri": "https://github.com/bedrock-audit/bedrock-audit",
            "rules": [rule_descriptor(c, context.rule_plugin.get(c.rule.id), context.fail_on)
                      for c in context.rules],
            "properties": {"plugins": [{"name": p.name, "version": p.version, "status": p.status}
                                       for p in context.plugins]},
        }
        run_head = {"tool": {"driver": driver}, "originalUriBaseIds": {"%SRCROOT%": {"uri": cwd_uri}},
                    "columnKind": "unicodeCodePoints"}
        write = self.stream.write
        write('{"$schema":"' + SARIF_SCHEMA_URI + '","version":"2.1.0","runs":[')
        write(orjson.dumps(run_head).decode()[:-1] + ',"results":[')
        spool = self._results
        spool.seek(0)
        lines = spool if kept is None else ((spool.seek(offset), spool.readline())[1] for offset in kept)
        for index, line in enumerate(lines):
            write(("" if index == 0 else ",\n") + line.decode().rstrip("\n"))
        spool.close()
        invocation = {
            "executionSuccessful": summary.exit_code in (0, 1),
            "exitCode": summary.exit_code,
            "startTimeUtc": format_rfc3339(context.started),
            "endTimeUtc": format_rfc3339(datetime.now(UTC)),
        }
        write("],\n\"invocations\":[" + orjson.dumps(invocation).decode()[:-1] + ',"toolExecutionNotifications":[')
        self._notes.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()  # a chunk may end inside a multi-byte character
        while chunk := self._notes.read(1 << 16):
            write(decoder.decode(chunk))
        write(decoder.decode(b"", final=True))
        self._notes.close()
        properties: dict[str, Any] = {
            "failOn": context.fail_on.label,
            "softFail": context.soft_fail,
            "policy": context.policy_path,
            "inputs": list(context.locations),
            "summary": summary.as_dict(),
        }
        if summary.baseline is not None:
            properties["baseline"] = summary.baseline.as_dict()
        if cut:
            properties["truncated"] = {"results": self._count, "kept": self._count - cut,
                                       "maxResults": self.max_results, "maxGzipBytes": self.max_gzip_bytes}
        write("]}],\n\"properties\":" + orjson.dumps(properties).decode() + "}]}\n")
