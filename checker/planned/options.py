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

    def account_warning(self, allowed: object, provider: str = "aws") -> str | None:
        """The warning when ``--account`` is not among the provider's ``allowed_account_ids`` (``allowed``:
        its value, a list of account IDs; anything else, e.g. unknown, is no warning): Terraform refuses to
        plan or apply in an account that list does not name (hashicorp/terraform-provider-aws, provider
        argument ``allowed_account_ids``), so the jobs cannot run in the account given."""
        if self.account is None or not isinstance(allowed, list) or not allowed:
            return None
        if not all(isinstance(item, (str, int)) and not isinstance(item, bool) for item in allowed):
            return None
        listed = [str(item) for item in allowed]
        if self.account in listed:
            return None
        return (f"--account {self.account} is not in the {provider} provider's allowed_account_ids "
                f"({', '.join(listed[:5])}{' ...' if len(listed) > 5 else ''}): Terraform would refuse that "
                f"account, so these jobs cannot run in it; the rules use {self.account} as given (check --account)")
