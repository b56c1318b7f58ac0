"""Scan many (account, region) pairs at once and hand their jobs over in a fixed order.

Pairs are listed on a thread pool of ``concurrency`` workers, tag calls on a second pool of the same
size. Items come out in the order of the pairs (accounts as given, then regions as given) and, within
a pair, in the API's listing order, whatever order the threads finish in: reports of two scans of the
same data are identical. Each pair buffers at most :data:`~checker.aws.lister.PAGES_IN_FLIGHT` pages
ahead of the reader, so memory stays bounded.

Every fault is an item, never an exception: a pair that cannot be listed is a SOURCE
:class:`~checker.model.Problem` at ``aws://ACCOUNT/REGION``; a job whose tags could not be read is a
record with ``unknown = {"tags": reason}``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from checker.aws.access import Access, AccessFault
from checker.aws.faults import Scrubber, describe
from checker.aws.lister import PAGES_IN_FLIGHT, Fault, Message, Page, Pair, TagOutcome, TagsUnknown, list_pair
from checker.aws.location import AwsTarget, LocationError
from checker.aws.progress import Progress
from checker.aws.regions import RegionPlan, default_region, plan_regions
from checker.model import ErrorKind, Problem, Provenance
from checker.sources.base import Item, RawRecord

WAIT_SECONDS = 0.1
"""How often the reader wakes up to redraw progress while it waits for a worker."""


def plan_for(target: AwsTarget) -> RegionPlan:
    """The regions ``target`` covers (see :func:`checker.aws.regions.plan_regions`). Checks the profile
    exists and a region is known. Raises :class:`LocationError` (a usage error)."""
    try:
        default = default_region(target.profile)
        return plan_regions(target.regions, target.all_regions, default)
    except ValueError as exc:
        raise LocationError(str(exc)) from None


@dataclass
class Coverage:
    """What a live scan covered, for the closing line: pairs listed in full, jobs, tag gaps, faults."""

    pairs: list[Pair] = field(default_factory=list)
    complete: list[Pair] = field(default_factory=list)
    gaps: list[tuple[Pair, str]] = field(default_factory=list)
    jobs: int = 0
    tags_unknown: int = 0
    skipped: tuple[str, ...] = ()

    def line(self) -> str:
        """``"covered 5 of 6 account/region pairs (2 accounts x 3 regions), 1200 jobs; tags unknown
        for 1 job; gaps: 222222222222/eu-west-1 (access denied); skipped: ap-east-1 (no Bedrock
        endpoint)"``."""
        accounts = list(dict.fromkeys(p.account for p in self.pairs))
        regions = list(dict.fromkeys(p.region for p in self.pairs))
        text = (f"covered {len(self.complete)} of {len(self.pairs)} account/region pairs "
                f"({_count(len(accounts), 'account')} x {_count(len(regions), 'region')}), "
                f"{_count(self.jobs, 'job')}")
        if self.tags_unknown:
            text += f"; tags unknown for {_count(self.tags_unknown, 'job')}"
        if self.gaps:
            parts = _gap_parts(self.gaps, len(regions))
            shown = ", ".join(parts[:5])
            more = f" and {len(parts) - 5} more" if len(parts) > 5 else ""
            text += f"; gaps: {shown}{more}"
        else:
            text += "; no gaps"
        if self.skipped:
            text += f"; skipped: {', '.join(self.skipped)} (no Bedrock endpoint)"
        return text


def _gap_parts(gaps: list[tuple[Pair, str]], region_count: int) -> list[str]:
    """``["222222222222/eu-west-1 (access denied)", "333333333333/all 33 regions (cannot assume role)"]``:
    an account whose every region failed for the same reason is one entry."""
    by_account: dict[str, list[tuple[Pair, str]]] = {}
    for pair, reason in gaps:
        by_account.setdefault(pair.account, []).append((pair, reason))
    parts = []
    for account, entries in by_account.items():
        reasons = {reason for _, reason in entries}
        if region_count > 1 and len(entries) == region_count and len(reasons) == 1:
            parts.append(f"{account}/all {region_count} regions ({reasons.pop()})")
        else:
            parts += [f"{pair.account}/{pair.region} ({reason})" for pair, reason in entries]
    return parts


def scan_live(target: AwsTarget, progress: Progress | None = None) -> Iterator[Item]:
    """Yield every job of ``target`` as a :class:`RawRecord` (API shape, tags added when read) and every
    gap as a SOURCE :class:`Problem`, in pair order. Notes and the closing line go to ``progress``.

    Records carry ``Provenance("aws://ACCOUNT/REGION", None, n)`` with ``n`` counting from 1 per pair.
    Never raises for an AWS fault.
    """
    progress = progress if progress is not None else Progress()
    scrub = Scrubber()
    try:
        plan = plan_for(target)
    except LocationError as exc:
        yield Problem(ErrorKind.SOURCE, str(exc), Provenance(target.uri(redact=True)))
        return
    for note in plan.notes:
        progress.note(note)
    coverage = Coverage(skipped=plan.skipped)
    if not plan.scan:
        progress.close(coverage.line())
        return
    access = Access(target, plan.scan[0], scrub)
    accounts, check, fault = _accounts(target, access)
    if fault is not None:
        for region in plan.scan:
            pair = Pair("unknown-account", region)
            coverage.pairs.append(pair)
            coverage.gaps.append((pair, fault.kind))
            yield Problem(ErrorKind.SOURCE, str(fault), Provenance(pair.location))
        progress.close(coverage.line())
        return
    pairs = [Pair(account, region) for account in accounts for region in plan.scan]
    coverage.pairs = pairs
    progress.pairs_total = len(pairs)
    yield from _run(pairs, target, access, progress, coverage, check)
    progress.close(coverage.line())


def _accounts(target: AwsTarget, access: Access) -> tuple[list[str], Any, AccessFault | None]:
    """The accounts to scan, an optional per-pair account check, and a fault that stops everything."""
    if target.role_arn is not None:
        fixed = target.fixed_account
        return (list(target.accounts) if target.accounts else [fixed or ""]), None, None
    try:
        caller = access.caller_account()
    except AccessFault as exc:
        return [], None, exc
    if target.accounts and target.accounts[0] != caller:
        wanted = target.accounts[0]

        def check(pair: Pair) -> None:
            raise AccessFault(f"wrong account: the credentials belong to account {caller}, not {wanted} "
                              "(--account); use credentials of that account or --role-arn", "wrong account")

        return [wanted], check, None
    return [caller], None, None


def _run(pairs: list[Pair], target: AwsTarget, access: Access, progress: Progress, coverage: Coverage,
         check: Any) -> Iterator[Item]:
    stop = threading.Event()
    workers = min(target.concurrency, len(pairs))
    pair_pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bedrock-audit-list")
    tag_pool = ThreadPoolExecutor(max_workers=target.concurrency, thread_name_prefix="bedrock-audit-tags")
    channels: list[queue.Queue[Message]] = []
    finished = False
    try:
        for pair in pairs:
            channel: queue.Queue[Message] = queue.Queue(maxsize=PAGES_IN_FLIGHT)
            channels.append(channel)
            pair_pool.submit(list_pair, pair, target, access, tag_pool, channel, stop, progress, check)
        for pair, channel in zip(pairs, channels, strict=True):
            record = 0
            while True:
                message = _wait_message(channel, progress)
                if isinstance(message, Page):
                    for summary, future in message.jobs:
                        outcome = _wait_future(future, progress, access.scrub) if future is not None else None
                        record += 1
                        provenance = Provenance(pair.location, None, record)
                        progress.clear()
                        if isinstance(outcome, TagsUnknown):
                            coverage.tags_unknown += 1
                            yield RawRecord(summary, provenance, {"tags": outcome.reason})
                        elif outcome is None:
                            yield RawRecord(summary, provenance)
                        else:
                            yield RawRecord({**summary, "tags": outcome}, provenance)
                elif isinstance(message, Fault):
                    coverage.jobs += message.listed
                    coverage.gaps.append((pair, message.kind))
                    progress.clear()
                    yield Problem(ErrorKind.SOURCE, message.message, Provenance(pair.location))
                    break
                else:
                    coverage.jobs += message.listed
                    coverage.complete.append(pair)
                    break
        finished = True
    finally:
        stop.set()
        pair_pool.shutdown(wait=finished, cancel_futures=True)
        tag_pool.shutdown(wait=finished, cancel_futures=True)


def _wait_message(channel: queue.Queue[Message], progress: Progress) -> Message:
    while True:
        progress.tick()
        try:
            return channel.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            continue


def _wait_future(future: Future[TagOutcome], progress: Progress, scrub: Scrubber) -> TagOutcome:
    while True:
        progress.tick()
        try:
            return future.result(timeout=WAIT_SECONDS)
        except FutureTimeout:
            continue
        except Exception as exc:  # noqa: BLE001 - cancelled or a bug: the tags stay unknown
            return TagsUnknown("tags unknown: " + describe(exc, "bedrock:ListTagsForResource", scrub))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

