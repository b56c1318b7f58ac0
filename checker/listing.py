"""What ``bedrock-audit rules``, ``rules show`` and ``plugins`` print (text and JSON).

Pure rendering from rule metadata and :class:`~checker.registry.PluginInfo`; the CLI loads plugins and
the policy and decides the exit code.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from checker.model import Rule, Severity
from checker.registry import PluginInfo


def rule_rows(rules: Mapping[str, Rule], rule_plugin: Mapping[str, str],
              enabled: Mapping[str, Severity] | None, framework: str | None = None) -> list[dict[str, Any]]:
    """One row per rule in id order: ``id``, ``name``, ``severity`` (as the policy sets it), ``enabled``
    (under the current policy; ``None`` when the policy could not be applied), ``enabled_by_default``,
    ``plugin``, ``title``, ``controls`` (framework -> control id -> justification); with ``framework``
    also ``mapped``, the rule's control ids in that framework. ``enabled`` maps the ids of the rules the
    policy runs to their severity."""
    from checker.catalogue import framework_controls

    rows: list[dict[str, Any]] = []
    for rule_id in sorted(rules):
        rule = rules[rule_id]
        severity = enabled.get(rule_id, rule.severity) if enabled is not None else rule.severity
        rows.append({
            "id": rule.id, "name": rule.name, "severity": severity.label,
            "enabled": (rule_id in enabled) if enabled is not None else None,
            "enabled_by_default": rule.enabled_by_default, "plugin": rule_plugin.get(rule_id),
            "title": rule.title, "controls": {k: dict(v) for k, v in rule.controls.items()},
        })
        if framework is not None:
            rows[-1]["mapped"] = sorted(framework_controls(rule, framework))
    return rows


def rules_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The ``rules`` table: ``ID  NAME  SEVERITY  ON  PLUGIN  TITLE``."""
    header = {"id": "ID", "name": "NAME", "severity": "SEVERITY", "state": "ON", "plugin": "PLUGIN",
              "title": "TITLE"}
    states = {True: "on", False: "off", None: "?"}
    shown = [header] + [{**row, "state": states[row["enabled"]]} for row in rows]
    widths = {key: max(len(str(r[key])) for r in shown)
              for key in ("id", "name", "severity", "state", "plugin")}
    return "\n".join(
        f"{r['id']:<{widths['id']}}  {r['name']:<{widths['name']}}  {r['severity']:<{widths['severity']}}  "
        f"{r['state']:<{widths['state']}}  {r['plugin']:<{widths['plugin']}}  {r['title']}"
        + (f"  [{', '.join(r['mapped'])}]" if r.get("mapped") else "")
        for r in shown
    )


def parameter_defaults(rule: Rule) -> dict[str, Any]:
    """``{parameter: default}`` for the parameters of ``rule`` that have a default."""
    from checker.policy import with_defaults

    return with_defaults(rule.params_schema, {})


def rule_document(rule: Rule, plugin: str | None) -> dict[str, Any]:
    """``rules show -f json``: the metadata, the plugin, the parameter defaults and, for a custom rule,
    the JSON Schema a compliant job satisfies (``job_schema``)."""
    document = rule.metadata()
    document["plugin"] = plugin
    document["defaults"] = parameter_defaults(rule)
    job_schema = getattr(rule, "job_schema", None)
    if job_schema is not None:
        document["job_schema"] = dict(job_schema)
    return document


def _paragraph(label: str, text: str) -> str:
    return f"{label}:\n" + textwrap.fill(" ".join(text.split()), width=96, initial_indent="  ",
                                         subsequent_indent="  ")


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def rule_text(rule: Rule, plugin: str | None) -> str:
    """``rules show``: every metadata field, one parameter per line with type and default, then the
    parameter schema as JSON (and, for a custom rule, its job schema)."""
    applies = ", ".join(sorted(rule.applies_to)) if rule.applies_to is not None else "all statuses"
    lines = [
        f"{rule.id}  {rule.name}  (plugin {plugin})",
        f"title:       {rule.title}",
        f"severity:    {rule.severity.label}",
        f"default:     {'on' if rule.enabled_by_default else 'off'}",
        f"applies to:  {applies}",
        f"columns:     {', '.join(rule.columns) or '-'}",
        f"categories:  {', '.join(rule.categories) or '-'}",
        f"help:        {rule.help_url}",
    ]
    for framework, controls in sorted(rule.controls.items()):
        lines.append(f"controls:    {framework}: {', '.join(sorted(controls))}")
    lines += ["", _paragraph("description", rule.description), _paragraph("rationale", rule.rationale),
              _paragraph("remediation", rule.remediation), ""]
    properties = rule.params_schema.get("properties", {})
    if properties:
        lines.append(f"parameters (set them under [rules.{rule.id}] in the policy file):")
        width = max(len(name) for name in properties)
        for name, spec in properties.items():
            kind = spec.get("type", "any") if isinstance(spec, Mapping) else "any"
            default = f"  default {orjson.dumps(spec['default']).decode()}" if "default" in spec else ""
            lines.append(f"  {name:<{width}}  {kind if isinstance(kind, str) else '|'.join(kind)}{default}")
            if spec.get("description"):
                lines.append(f"  {'':<{width}}  {spec['description']}")
    else:
        lines.append("parameters: none")
    lines += ["", "parameter schema:", _json(dict(rule.params_schema))]
    job_schema = getattr(rule, "job_schema", None)
    if job_schema is not None:
        lines += ["", "job schema (a compliant job record, in table shape, satisfies it):",
                  _json(dict(job_schema))]
    return "\n".join(lines)


def plugins_text(plugins: Sequence[PluginInfo]) -> str:
    """``plugins``: one block per plugin: name, status, module, distribution and version, hooks, what
    it registered, and the error of a failed plugin."""
    lines = []
    for info in plugins:
        dist = f"  ({info.distribution} {info.version})" if info.distribution else ""
        lines.append(f"{info.name}  [{info.status}]  {info.module}{dist}")
        if info.hooks:
            lines.append(f"    hooks: {', '.join(info.hooks)}")
        for kind, names in info.registered.items():
            if names:
                lines.append(f"    {kind}: {', '.join(names)}")
        if info.error:
            lines.append(f"    error: {info.error}")
    return "\n".join(lines)


def as_json(value: Any) -> str:
    """Indented JSON text for the ``-f json`` listings."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
