"""The built-in rule pack: one module per rule (module name = rule name), registered through the
same ``register_rules`` hook a third-party plugin implements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.markers import hookimpl


@hookimpl
def register_rules(register: Callable[[Any], None]) -> None:
    """Register every built-in rule, in id order."""
    from rules import (
        expiration_consistency,
        idempotency_token,
        job_name_pattern,
        job_outcome,
        mandatory_tags,
        model_allowlist,
        output_kms_cmk,
        region_allowlist,
        role_arn_allowlist,
        s3_data_perimeter,
        stale_active_job,
        timeout_bounds,
        vpc_allowlist,
        vpc_config_required,
    )

    for module in (
        vpc_config_required,     # BA001
        role_arn_allowlist,      # BA002
        timeout_bounds,          # BA003
        mandatory_tags,          # BA004
        output_kms_cmk,          # BA005
        s3_data_perimeter,       # BA006
        model_allowlist,         # BA007
        region_allowlist,        # BA008
        job_name_pattern,        # BA009
        stale_active_job,        # BA010
        job_outcome,             # BA011
        expiration_consistency,  # BA012
        vpc_allowlist,           # BA013
        idempotency_token,       # BA014
    ):
        register(module.RULE)
