"""The options of pre-deployment inputs (Terraform plans, ``.tf`` folders, request files) as typer options,
and their values (:class:`checker.planned.options.PlannedOptions`) for the sources that take them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from checker.planned.options import PlannedOptions

PLANNED_SOURCES = ("tfplan", "request", "tf")
"""The sources that take :class:`~checker.planned.options.PlannedOptions` (``ScanRequest.source_options``)."""

TfDirOption = Annotated[Path | None, typer.Option(
    "--tf-dir", metavar="DIR", file_okay=False,
    help="(plans) The Terraform configuration folder of a plan: findings point at its .tf lines "
         "(default: .tf files beside the plan, if any).", show_default=False)]
VarOption = Annotated[list[str] | None, typer.Option(
    "--var", metavar="NAME=VALUE",
    help="(.tf folders) Set a root module variable, as terraform -var (repeatable).", show_default=False)]
VarFileOption = Annotated[list[Path] | None, typer.Option(
    "--var-file", metavar="FILE", dir_okay=False,
    help="(.tf folders) Read variable values from a .tfvars file, as terraform -var-file (repeatable).",
    show_default=False)]
PlannedAccountOption = Annotated[list[str] | None, typer.Option(
    "--account", metavar="ACCOUNT_ID",
    help="The one account planned jobs (plans, .tf folders, request files) will run in.", show_default=False)]
PlannedRegionOption = Annotated[list[str] | None, typer.Option(
    "--region", metavar="REGION",
    help="The one region planned jobs (plans, .tf folders, request files) will run in.", show_default=False)]
"""``--account``/``--region`` of a command without ``--aws`` (``baseline create``); ``scan`` declares them in
:mod:`checker.cli.aws_options`, where they also shape live AWS scans."""


def source_options(planned: PlannedOptions) -> dict[str, object]:
    """``ScanRequest.source_options`` for every source in :data:`PLANNED_SOURCES`."""
    return dict.fromkeys(PLANNED_SOURCES, planned)


def planned_options(aws: bool, account: list[str] | None, region: list[str] | None, tf_dir: Path | None,
                    var: list[str] | None, var_file: list[Path] | None) -> PlannedOptions:
    """The options of plan, ``.tf`` and request inputs: without ``--aws``, ``--account`` and ``--region``
    name the account and region the planned jobs will run in. Raises ``ConfigError`` for more than one
    account or region, an account that is not 12 digits, a ``--tf-dir`` that is not a folder, a
    ``--var-file`` that is not a file, or a ``--var`` without ``=``."""
    from checker.errors import ConfigError
    from checker.planned.options import PlannedOptions

    accounts, regions = ([], []) if aws else (account or [], region or [])
    if len(accounts) > 1 or len(regions) > 1:
        raise ConfigError("without --aws, --account and --region name the one account and region of the "
                          "planned jobs (plans, .tf folders, request files): give each at most once")
    if tf_dir is not None and not tf_dir.is_dir():
        raise ConfigError(f"--tf-dir {str(tf_dir)!r}: no such folder (the Terraform configuration of the plan)")
    for path in var_file or []:
        if not path.is_file():
            what = "a folder, not a file" if path.is_dir() else "no such file"
            raise ConfigError(f"--var-file {str(path)!r}: {what} (a .tfvars file of variable values, as "
                              "terraform -var-file)")
    if accounts and not re.fullmatch(r"[0-9]{12}", accounts[0]):
        raise ConfigError(f"--account {accounts[0]!r}: expected a 12-digit AWS account ID")
    pairs = []
    for item in var or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--var {item!r}: expected NAME=VALUE, e.g. --var env=prod")
        pairs.append((name.strip(), value))
    return PlannedOptions(accounts[0] if accounts else None, regions[0] if regions else None,
                          str(tf_dir) if tf_dir is not None else None,
                          tuple(str(path) for path in var_file or []), tuple(pairs))
