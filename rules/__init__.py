"""The built-in rule pack: one module per rule (module name = rule name), registered through the
same ``register_rules`` hook a third-party plugin implements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.hookspecs import hookimpl


@hookimpl
def register_rules(register: Callable[[Any], None]) -> None:
    """Register every built-in rule, in id order."""
    from rules import mandatory_tags, role_arn_allowlist, timeout_bounds, vpc_config_required

    for module in (vpc_config_required, role_arn_allowlist, timeout_bounds, mandatory_tags):
        register(module.RULE)
