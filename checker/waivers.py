"""Waivers: accountable, expiring exceptions to findings, applied after the rules ran.

A waiver names a rule (id, name or glob) and jobs (a glob on the job ARN or the job name, optionally an
account, a region and tags) and carries a ``reason``, an ``owner`` and an ``expires`` date -- all three
mandatory (``schemas/config.schema.json``, ``$defs/waiver``). Waivers come from ``[[waivers]]`` in the
policy file and from ``--waivers FILE`` (a TOML file holding only ``[[waivers]]`` tables).

What a waiver does to a FAIL result it matches (:meth:`WaiverStage.apply`):

* in force (the scan's clock is before 00:00 UTC on ``expires``): the result becomes SKIP, its message
  says who waived it, why and until when, and ``Result.waiver`` holds the waiver (``state: "active"``);
  it never fails the gate;
* expired: the result stays FAIL, its message says the waiver lapsed on that date, and
  ``Result.waiver`` holds the waiver (``state: "expired"``).

Only FAIL results are waived: an ERROR (the rule could not decide) means something was not checked,
and no waiver hides that. A waiver that matched no FAIL result in the whole scan is a warning in every
report (:meth:`WaiverStage.finish`): the finding it was written for is gone or the pattern is wrong -- or,
said as such, it met only ERROR results, or its ``tags`` condition met jobs whose tags are unknown.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from checker.errors import ConfigError
from checker.model import Job, Result, Rule, Status, UnknownData
from checker.policy import Policy, json_ready, read_toml, rule_matches, schema_error
from checker.suggest import rule_hint


@dataclass(frozen=True)
class Waiver:
    """One waiver as written. ``origin`` names where (``"waivers.toml: waivers[2]"``).

    ``rule``: rule id, name or glob. ``job``: glob matched against the job ARN and the job name.
    ``account``/``region``: optional globs. ``tags``: ``{key: value glob}``, all must match (a job whose
    tags are unknown never matches). ``expires``: the first day (UTC) on which the waiver no longer applies.
    """

    rule: str
    job: str
    reason: str
    owner: str
    expires: date
    origin: str
    account: str | None = None
    region: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def lapses_at(self) -> datetime:
        """00:00 UTC on ``expires``: from then on the waiver waives nothing."""
        return datetime.combine(self.expires, time(0, 0), tzinfo=UTC)

    def in_force(self, now: datetime) -> bool:
        """True while ``now`` (aware) is before :attr:`lapses_at`."""
        return now < self.lapses_at

    def names(self, rule: Rule) -> bool:
        """True when the waiver's ``rule`` pattern names ``rule``."""
        return rule_matches(rule, self.rule)

    def coverage(self, job: Job) -> bool | None:
        """True when ``job`` matches the waiver's job glob and its account, region and tag conditions;
        ``None`` when everything matches except that the tags condition cannot be checked because the
        job's tags are unknown (such a waiver never applies); else False."""
        names = [job.identity] + ([job.provenance.identity] if job.provenance.identity and job.job_arn else [])
        names += [job.job_name] if job.job_name else []
        if not any(job_glob_matches(name, self.job) for name in names):
            return False
        if self.account is not None and not fnmatch.fnmatchcase(_known(lambda: job.account_id), self.account):
            return False
        if self.region is not None and not fnmatch.fnmatchcase(_known(lambda: job.region), self.region):
            return False
        if self.tags:
            try:
                tags = job.tags()
            except UnknownData:
                return None  # unknown tags: we cannot tell that the waiver applies
            tags = tags or {}
            for key, pattern in self.tags.items():
                if key not in tags or not fnmatch.fnmatchcase(tags[key], pattern):
                    return False
        return True

    def describe(self, state: str) -> dict[str, Any]:
        """JSON-ready form for ``Result.waiver`` (``state``: ``"active"`` or ``"expired"``)."""
        shown: dict[str, Any] = {"rule": self.rule, "job": self.job}
        if self.account is not None:
            shown["account"] = self.account
        if self.region is not None:
            shown["region"] = self.region
        if self.tags:
            shown["tags"] = dict(self.tags)
        shown.update({"reason": self.reason, "owner": self.owner, "expires": self.expires.isoformat(),
                      "state": state, "origin": self.origin})
        return shown

    @property
    def label(self) -> str:
        """``"waivers.toml: waivers[2] (rule BA001, job nightly-*, owner ml-platform)"`` for messages."""
        return f"{self.origin} (rule {self.rule}, job {self.job}, owner {self.owner})"


def _waiver(table: Mapping[str, Any], origin: str) -> Waiver:
    """One validated ``[[waivers]]`` table (dates already ISO strings) -> :class:`Waiver`."""
    try:
        expires = date.fromisoformat(table["expires"])
    except ValueError:
        raise ConfigError(f"{origin}.expires: {table['expires']!r} is not a date") from None
    return Waiver(rule=table["rule"].strip(), job=table["job"].strip(), reason=table["reason"].strip(),
                  owner=table["owner"].strip(), expires=expires, origin=origin,
                  account=table.get("account"), region=table.get("region"), tags=dict(table.get("tags", {})))


def policy_waivers(policy: Policy) -> list[Waiver]:
    """The ``[[waivers]]`` of a loaded (already validated) policy file, in file order. Raises
    :class:`ConfigError` for an ``expires`` of the right shape that is no date (``2027-02-30``)."""
    where = str(policy.path) if policy.path else "policy"
    tables = json_ready(policy.raw.get("waivers", []))
    return [_waiver(table, f"{where}: waivers[{index}]") for index, table in enumerate(tables)]


def _file_schema() -> dict[str, Any]:
    from checker.schema import CONFIG_SCHEMA, load_schema

    config = load_schema(CONFIG_SCHEMA)
    return {
        "$defs": config["$defs"],
        "type": "object",
        "additionalProperties": False,
        "required": ["waivers"],
        "properties": {"waivers": config["properties"]["waivers"]},
    }


def load_waivers_file(path: Path) -> list[Waiver]:
    """Read a ``--waivers`` TOML file: ``[[waivers]]`` tables only, each validated like the policy file's.

    Raises :class:`ConfigError` (exit 2) for a missing or unreadable file, bad TOML, another top-level
    key, or a waiver without ``rule``, ``job``, ``reason``, ``owner`` or ``expires``.
    """
    from checker.schema import validator_for

    document = json_ready(read_toml(path, "waivers"))
    schema = _file_schema()
    errors = validator_for(schema).errors(document)
    if errors:
        raise schema_error(path, errors[0], {"'waivers' is a required property": "no [[waivers]] tables"},
                           schema=schema)
    return [_waiver(table, f"{path}: waivers[{index}]") for index, table in enumerate(document["waivers"])]


class WaiverStage:
    """Applies waivers to each job's results and, at the end, warns about waivers that matched nothing.

    ``now`` is the scan's clock (aware UTC; ``--now``): it alone decides whether a waiver is in force.
    ``rules``: the rules this scan runs (to tell a waiver for a rule that did not run from one whose
    finding is gone). ``notices``: warnings about the waivers themselves (:mod:`checker.guardrails` in
    ``warn`` mode), given to every report at the end like the unused-waiver warnings.
    """

    def __init__(self, waivers: Sequence[Waiver], now: datetime, rules: Sequence[Rule] = (),
                 notices: Sequence[str] = ()) -> None:
        self.waivers = tuple(waivers)
        self.notices = tuple(notices)
        self.now = now
        self.rules = tuple(rules)
        self._used = [0] * len(self.waivers)
        self._blocked = [0] * len(self.waivers)  # FAILs it would waive, but the job's tags are unknown
        self._errors = [0] * len(self.waivers)  # ERROR results it covers (never waived)

    def apply(self, job: Job, results: list[Result]) -> list[Result]:
        """``results`` with each matched FAIL waived (SKIP) or marked lapsed (still FAIL).

        When several waivers match one result, the first one in force wins; if none is in force, the
        first expired one is named. A FAIL that a waiver would match but for its tags condition, on a
        job whose tags are unknown, stays FAIL and says so. Other statuses pass through unchanged.
        """
        if not self.waivers or not any(r.status in (Status.FAIL, Status.ERROR) for r in results):
            return results
        coverage = [waiver.coverage(job) for waiver in self.waivers]
        covering = [i for i, covered in enumerate(coverage) if covered is True]
        blocked = [i for i, covered in enumerate(coverage) if covered is None]
        if not covering and not blocked:
            return results
        out = []
        for result in results:
            if result.status is Status.ERROR:
                for index in covering:
                    if self.waivers[index].names(result.rule):
                        self._errors[index] += 1
            elif result.status is Status.FAIL:
                matching = [i for i in covering if self.waivers[i].names(result.rule)]
                if matching:
                    result = self._waive(result, matching)
                else:
                    result = self._blocked_by_tags(result, [i for i in blocked
                                                            if self.waivers[i].names(result.rule)])
            out.append(result)
        return out

    def _blocked_by_tags(self, result: Result, indexes: list[int]) -> Result:
        if not indexes:
            return result
        for index in indexes:
            self._blocked[index] += 1
        waiver = self.waivers[indexes[0]]
        return result._replace(message=f"{result.message} (waiver {waiver.origin} by {waiver.owner} does not "
                                        "apply: the job's tags are unknown)")

    def _waive(self, result: Result, matching: list[int]) -> Result:
        for index in matching:
            self._used[index] += 1
        active = next((i for i in matching if self.waivers[i].in_force(self.now)), None)
        if active is not None:
            waiver = self.waivers[active]
            message = (f"waived until {waiver.expires.isoformat()} by {waiver.owner}: {waiver.reason} "
                       f"(finding: {result.message})")
            return result._replace(status=Status.SKIP, message=message, waiver=waiver.describe("active"))
        waiver = self.waivers[matching[0]]
        message = (f"{result.message} (the waiver by {waiver.owner} lapsed on {waiver.expires.isoformat()}: "
                   f"{waiver.reason})")
        return result._replace(message=message, waiver=waiver.describe("expired"))

    def finish(self, summary: Any, warn: Callable[[str], None]) -> None:
        """Warn once per waiver that matched no FAIL result in the whole scan, saying why: it names no
        rule that ran, its tags condition met unknown tags, it met only ERROR results, or it matched
        nothing (the finding is fixed or the pattern is wrong). The :attr:`notices` come first."""
        for notice in self.notices:
            warn(notice)
        for waiver, used, blocked, errors in zip(self.waivers, self._used, self._blocked, self._errors,
                                                 strict=True):
            if used:
                continue
            if self.rules and not any(waiver.names(rule) for rule in self.rules):
                hint = rule_hint({rule.id: rule for rule in self.rules}, waiver.rule)
                warn(f"unused waiver: {waiver.label} names no rule this scan ran{hint}")
            elif blocked:
                warn(f"unused waiver: {waiver.label} could not apply to {_count(blocked, 'finding')}: the job's "
                     "tags are unknown, so its tags condition cannot be checked")
            elif errors:
                warn(f"unused waiver: {waiver.label} matched {_count(errors, 'result')} that its rule could not "
                     "decide (ERROR), which no waiver hides: supply the missing data")
            elif waiver.in_force(self.now):
                warn(f"unused waiver: {waiver.label} matched no finding; remove it if the finding is fixed")
            else:
                warn(f"unused waiver: {waiver.label} expired on {waiver.expires.isoformat()} and matched no "
                     "finding; remove it")


def job_glob_matches(name: str, pattern: str) -> bool:
    """True when ``name`` (a job ARN, job name or Terraform resource address) matches the waiver glob
    ``pattern``. Brackets are glob character classes, but a Terraform address carries its index in them
    (``module.batch["weekly"].aws_bedrock_model_invocation_job.this``), so a pattern also matches when
    its brackets, read literally, do: ``module.batch["weekly"].*`` and the exact address both match."""
    if fnmatch.fnmatchcase(name, pattern):
        return True
    if "[" not in pattern:
        return False
    literal = "".join("[[]" if char == "[" else "[]]" if char == "]" else char for char in pattern)
    return fnmatch.fnmatchcase(name, literal)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _known(read: Callable[[], str | None]) -> str:
    """``read()``, or ``""`` when it is unknown (a planned job's account before ``--account``): a waiver's
    account or region condition then does not match."""
    try:
        return read() or ""
    except UnknownData:
        return ""
