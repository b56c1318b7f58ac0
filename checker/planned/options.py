"""Options of the pre-deployment inputs (Terraform plan/state, ``.tf`` folders, request files), as values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedOptions:
    """What the user told the scan about jobs not yet created.

    ``account``: the 12-digit account the jobs will run in (``--account``); ``region`` (``--region``);
    ``tf_dir``: the Terraform configuration folder of a plan (``--tf-dir``: findings point at its lines);
    ``var_files`` (``--var-file``, in order) and ``variables`` (``--var NAME=VALUE``, in order) for ``.tf``
    folders.
    """

    account: str | None = None
    region: str | None = None
    tf_dir: str | None = None
    var_files: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()
