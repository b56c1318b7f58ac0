"""List the jobs of one (account, region) pair, and start a tag call per job.

Runs in a worker thread. Jobs come from botocore's ``ListModelInvocationJobs`` paginator (botocore
``bedrock/2023-04-20/paginators-1.json``: ``nextToken`` in and out, ``maxResults`` as page size, result
key ``invocationJobSummaries``), 1000 per page (the API's maximum), filtered server-side by
``statusEquals`` / ``submitTimeAfter``. Each page is handed over as soon as it arrives, with one
ListTagsForResource future per job running on the shared tag pool; the reader resolves them in order.

Two clients per pair, both from the worker thread's own Session: one lists, one fetches tags (shared by
the tag threads: clients are thread-safe). botocore's adaptive retry mode rate-limits each client
separately, and AWS throttles each API separately, so throttled tag calls do not slow the listing down.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from checker.aws.access import Access, AccessFault
from checker.aws.faults import Scrubber, describe, explain
from checker.aws.location import AwsTarget
from checker.aws.progress import Progress

PAGE_SIZE = 1000
"""``maxResults`` per ListModelInvocationJobs call (the API's maximum, botocore MaxResults 1-1000)."""
PAGES_IN_FLIGHT = 2
"""Pages a pair may list ahead of the reader (bounds memory while earlier pairs are being read)."""
PUT_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Pair:
    """One account in one region, and the location reports name it by (``aws://ACCOUNT/REGION``)."""

    account: str
    region: str

    @property
    def location(self) -> str:
        """``aws://123456789012/us-east-1``."""
        return f"aws://{self.account}/{self.region}"


@dataclass(frozen=True)
class TagsUnknown:
    """Why a job's tags could not be read (the job's tag rules will ERROR with this reason)."""

    reason: str


TagOutcome = list[dict[str, Any]] | TagsUnknown


@dataclass(frozen=True)
class Page:
    """Listed jobs (API-shape dicts, aware datetimes) with each one's pending tag call."""

    jobs: list[tuple[Mapping[str, Any], Future[TagOutcome] | None]]


@dataclass(frozen=True)
class Fault:
    """The pair could not be listed (in full): the scrubbed reason, how many jobs came before it, and a
    short class of the reason for summaries (``"access denied"``)."""

    message: str
    listed: int
    kind: str


@dataclass(frozen=True)
class Done:
    """The pair was listed in full."""

    listed: int


Message = Page | Fault | Done


class Stopped(Exception):
    """The reader went away (interrupted scan): stop listing."""


def list_pair(pair: Pair, target: AwsTarget, access: Access, tag_pool: Executor,
              channel: queue.Queue[Message], stop: threading.Event, progress: Progress,
              check_account: Callable[[Pair], None] | None = None) -> None:
    """List ``pair``'s jobs into ``channel`` (:class:`Page` ..., then :class:`Done` or :class:`Fault`).

    ``check_account(pair)`` may raise :class:`AccessFault` before anything is listed (credentials of
    another account). Never raises: every failure is a :class:`Fault` in the channel.
    """
    listed = 0
    try:
        if check_account is not None:
            check_account(pair)
        lister = access.client("bedrock", pair.region, pair.account)
        tagger = access.client("bedrock", pair.region, pair.account, pool=target.concurrency)
        arguments: dict[str, Any] = {"PaginationConfig": {"PageSize": PAGE_SIZE}}
        if target.status is not None:
            arguments["statusEquals"] = target.status
        if target.submitted_after is not None:
            arguments["submitTimeAfter"] = target.submitted_after
        for response in lister.get_paginator("list_model_invocation_jobs").paginate(**arguments):
            summaries = response.get("invocationJobSummaries") or []
            jobs: list[tuple[Mapping[str, Any], Future[TagOutcome] | None]] = []
            for summary in summaries:
                arn = summary.get("jobArn")
                future = None
                if isinstance(arn, str):
                    future = tag_pool.submit(fetch_tags, tagger, arn, stop, access.scrub, progress,
                                             target.max_attempts)
                    progress.add(tags=1)
                jobs.append((summary, future))
            listed += len(summaries)
            progress.add(jobs=len(summaries))
            _put(channel, Page(jobs), stop)
        _put(channel, Done(listed), stop)
    except Stopped:
        return
    except AccessFault as exc:
        _put_final(channel, Fault(str(exc), listed, exc.kind), stop)
    except Exception as exc:  # noqa: BLE001 - a fault of this pair is reported, never raised
        reason = explain(exc, "bedrock:ListModelInvocationJobs", access.scrub, target.max_attempts)
        message = reason.text
        if listed:
            message += f" (listing stopped after {listed} jobs; the jobs after them were not checked)"
        _put_final(channel, Fault(message, listed, reason.kind), stop)
    finally:
        progress.add(pairs_done=1)


def fetch_tags(client: Any, arn: str, stop: threading.Event, scrub: Scrubber, progress: Progress,
               max_attempts: int | None = None) -> TagOutcome:
    """The job's tags (``[{key, value}]``, lower-case keys as the Bedrock API returns them), or
    :class:`TagsUnknown` with the reason. Never raises."""
    try:
        if stop.is_set():
            return TagsUnknown("tags unknown: the scan was stopped before ListTagsForResource was called")
        tags = client.list_tags_for_resource(resourceARN=arn).get("tags")
        return list(tags) if isinstance(tags, list) else []
    except Exception as exc:  # noqa: BLE001 - the reason becomes the tag rules' ERROR message
        reason = describe(exc, "bedrock:ListTagsForResource", scrub, max_attempts)
        return TagsUnknown(f"tags unknown: {reason}")
    finally:
        progress.add(tags=-1)


def _put(channel: queue.Queue[Message], message: Message, stop: threading.Event) -> None:
    while True:
        if stop.is_set():
            raise Stopped
        try:
            channel.put(message, timeout=PUT_POLL_SECONDS)
            return
        except queue.Full:
            continue


def _put_final(channel: queue.Queue[Message], message: Message, stop: threading.Event) -> None:
    try:
        _put(channel, message, stop)
    except Stopped:
        return
