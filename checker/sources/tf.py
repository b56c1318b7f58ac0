"""Terraform configuration: ``.tf`` folders (a folder is one root module) and single ``.tf`` files: the
``tf`` input format. The reading is ``checker.planned.hcl`` (python-hcl2, imported only when a ``.tf``
input is read); each job becomes a record through :func:`checker.planned.records.raw_record`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO, Self

from checker.planned.options import PlannedOptions
from checker.sources.base import Item, SourceNote

JOB_TYPE = "aws_bedrock_model_invocation_job"


def holds_tf(folder: str) -> bool:
    """True when ``folder`` directly holds a ``*.tf`` file (Terraform reads one folder as one module)."""
    try:
        return any(name.endswith(".tf") and not name.startswith(".") for name in os.listdir(folder))
    except OSError:
        return False


class TfSource:
    """The ``tf`` input format. ``options``: ``--var``, ``--var-file``, ``--account``, ``--region``."""

    name = "tf"
    description = "Terraform configuration: a folder of .tf files (one root module) or a .tf file"
    extensions = (".tf",)
    schemes: tuple[str, ...] = ()

    def __init__(self, options: PlannedOptions | None = None) -> None:
        self.options = options or PlannedOptions()

    def with_options(self, options: PlannedOptions) -> Self:
        """This source with ``options`` (``ScanRequest.source_options[name]``, see :mod:`checker.api`)."""
        return type(self)(options)

    def sniff(self, head: bytes) -> bool:
        """Never by content alone (HCL has no signature); ``.tf`` files and folders are claimed by name."""
        return False

    def reads_folder(self, folder: str) -> bool:
        """True for a folder that directly holds ``*.tf`` files: it is read whole, as one root module."""
        return holds_tf(folder)

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield a record per job the configuration defines (``count``/``for_each`` expanded), its problems,
        and notes (values read from tfvars, references resolved, no job found)."""
        from checker.planned.hcl import load_tf
        from checker.planned.records import raw_record

        if stream is not None:
            stream.close()  # python-hcl2 reads the files itself (a module is a whole folder)
        options = self.options
        loaded = load_tf(location, list(options.var_files), list(options.variables), options.account, options.region)
        for warning in loaded.warnings:
            yield SourceNote(warning, location, warning=True)
        yield from loaded.problems
        for ordinal, job in enumerate(loaded.jobs, start=1):
            yield raw_record(job, ordinal)
        for note in loaded.notes:
            yield SourceNote(note.removeprefix(f"{location}: "), location)
        if not loaded.jobs and not loaded.problems:
            yield SourceNote(f"no {JOB_TYPE} among {loaded.resources_read} resources read", location,
                             readable_empty=True)


SOURCE = TfSource()
