"""ACME's bedrock-audit plugin: one rule (ACME001 job-name-convention) and one report format (acme-csv).

bedrock-audit imports this module through the entry point in pyproject.toml and calls the two
@hookimpl functions below once per run. They only register things; nothing is imported or run here
that a scan does not need.
"""

from __future__ import annotations

from checker import ReporterRegistrar, RuleRegistrar, hookimpl


@hookimpl
def register_rules(register: RuleRegistrar) -> None:
    """Register ACME001."""
    from acme_bedrock_rules.job_name_convention import RULE

    register(RULE)


@hookimpl
def register_reporters(register: ReporterRegistrar) -> None:
    """Register the ``acme-csv`` report format (``-f acme-csv`` or ``-o acme-csv=findings.csv``)."""
    from acme_bedrock_rules.findings_csv import FindingsCsvReporter

    register("acme-csv", FindingsCsvReporter)
