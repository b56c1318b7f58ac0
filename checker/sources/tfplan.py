"""Terraform plan and state JSON (``terraform show -json``): the ``tfplan`` input format.

Recognised by content (a JSON object with ``format_version`` and ``terraform_version``, ``planned_values``,
``resource_changes`` or ``values`` near its start), so ``plan.json`` is read as a plan and not as a job
export. The reading itself is :mod:`checker.planned.plan`; each job becomes a record through
:func:`checker.planned.records.raw_record`. A plan with no batch job, or only jobs being destroyed, is
a note, not an error (a monorepo gate runs on every plan).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO, Self

import orjson

from checker.planned.model import Where
from checker.planned.options import PlannedOptions
from checker.sources.base import Item, SourceNote, source_problem, without_bom

SNIFF = 65536
_PLAN_KEYS = re.compile(rb'"(?:planned_values|resource_changes|resource_drift|output_changes|prior_state)"\s*:')
_ADDRESS = re.compile(rb'"address"\s*:\s*("(?:[^"\\]|\\.)*")')
_KEYS = re.compile(rb'"(?:terraform_version|planned_values|resource_changes|values|prior_state)"\s*:')


class TfPlanSource:
    """The ``tfplan`` input format (plans and states). ``options``: ``--account``, ``--region``, ``--tf-dir``."""

    name = "tfplan"
    description = "Terraform plan or state JSON (terraform show -json), recognised by content"
    extensions: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    refines = ("json",)
    """Sources whose files this one claims when its :meth:`sniff` accepts them (``.json`` plans)."""
    replaces = ("tf",)
    """Folder readers this source stands in for: a plan beside its ``.tf`` files is scanned instead of
    them (the plan is what will be applied; the ``.tf`` files give the locations), see
    :meth:`checker.inputs.Inputs.replacing`."""

    def __init__(self, options: PlannedOptions | None = None) -> None:
        self.options = options or PlannedOptions()

    def with_options(self, options: PlannedOptions) -> Self:
        """This source with ``options`` (``ScanRequest.source_options[name]``, see :mod:`checker.api`)."""
        return type(self)(options)

    def sniff(self, head: bytes) -> bool:
        """An object whose first keys include ``format_version`` and a Terraform key."""
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return stripped.startswith(b"{") and b'"format_version"' in head[:4096] and bool(_KEYS.search(head[:SNIFF]))

    def replaces_folder(self, head: bytes) -> bool:
        """True for a plan (a key only plans have near its start), false for a state (``values`` only): a
        state is what is deployed, the ``.tf`` files beside it what will be, so both are read."""
        return bool(_PLAN_KEYS.search(head[:SNIFF]))

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield a record per job the plan creates or updates (or the state holds), problems and notes."""
        from checker.planned.plan import PlanError, read_document, summary_note
        from checker.planned.records import raw_record

        assert stream is not None
        data = stream.read()
        data = without_bom(data)
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if self.sniff(data[:SNIFF]):  # a plan, broken (truncated, edited)
                yield source_problem(f"line {exc.lineno}: invalid JSON: {exc.msg}", location)
            else:  # --input-format tfplan on something else (a CSV export, HCL)
                yield source_problem(f"line {exc.lineno}: not a Terraform plan or state: expected the JSON of "
                                     f"terraform show -json (an object with format_version), and this is not JSON "
                                     f"({exc.msg})", location)
            return
        try:
            reading = read_document(document, location, self.options)
        except PlanError as exc:
            yield source_problem(f"line 1: {exc}", location)
            return
        except RecursionError:
            yield source_problem("line 1: the plan is nested too deeply to read", location)
            return
        for warning in reading.warnings:
            yield SourceNote(warning, location, warning=True)
        lines = job_lines(data, [job.identity for job in reading.jobs]) if reading.jobs else {}
        del data, document  # the jobs keep only their own parts: the rules run without the whole plan in memory
        places = self._places(location) if reading.kind == "plan" and reading.jobs else None
        located = 0
        for ordinal, job in enumerate(reading.jobs, start=1):
            if places is not None:
                from checker.planned.hcl_locations import config_address

                found = places.get(config_address(job.identity))
                if found:
                    job.where.update(found)
                    located += 1
            record = raw_record(job, ordinal)
            if not job.where and lines.get(job.identity):
                record = type(record)(record.data, record.provenance._replace(line=lines[job.identity]),
                                      record.unknown, record.facts)
            yield record
        if self.options.tf_dir is not None and reading.kind == "plan" and reading.jobs and not located:
            yield SourceNote(f"--tf-dir {self.options.tf_dir}: none of the plan's {len(reading.jobs)} job(s) is in "
                             "its .tf files (another configuration, or files that cannot be read): findings point "
                             "at the plan file", location)
        note = summary_note(reading, location)
        if note:
            yield SourceNote(note, location, readable_empty=not reading.jobs)

    def _places(self, location: str) -> dict[str, dict[str, Where]] | None:
        """Where each resource of the configuration is written, when ``--tf-dir`` is given or ``*.tf``
        files sit beside the plan (``checker.planned.hcl_locate``); ``None`` when there is none."""
        folder = self.options.tf_dir
        if folder is None and location != "-":
            beside = os.path.dirname(location) or "."
            try:
                if any(name.endswith(".tf") for name in os.listdir(beside)):
                    folder = beside
            except OSError:
                folder = None
        if folder is None:
            return None
        from checker.planned.hcl_locations import locate

        try:
            return dict(locate(folder))
        except Exception:  # noqa: BLE001 - a configuration that cannot be read only costs the .tf lines
            return None


def job_lines(data: bytes, addresses: list[str]) -> dict[str, int]:
    """The 1-based line of each job's entry in ``resource_changes`` (or ``values``) of a pretty-printed
    document; ``{}`` for a one-line document (``terraform show -json`` prints one line)."""
    if data.count(b"\n", 0, 65536) < 2:
        return {}
    wanted = set(addresses)
    start = max(data.find(b'"resource_changes"'), 0)
    found: dict[str, int] = {}
    line, counted = data.count(b"\n", 0, start) + 1, start
    for match in _ADDRESS.finditer(data, start):  # from start, without copying data[start:]
        try:
            address = orjson.loads(match.group(1))
        except orjson.JSONDecodeError:
            continue
        if address in wanted and address not in found:
            position = match.start()
            line += data.count(b"\n", counted, position)
            counted = position
            found[address] = line
            if len(found) == len(wanted):
                break
    return found


SOURCE = TfPlanSource()
