"""Credentials for each account, and one boto3 Session per thread.

boto3 Sessions are not thread-safe, clients are ("Multithreading or multiprocessing with clients",
https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html). So every worker thread
builds its own :class:`boto3.session.Session` once (:meth:`Access.session`) and creates its clients
from it; a client may then be shared with the threads that make tag calls.

Without ``--role-arn`` the scan uses the credentials of the profile (or the default chain) and
finds their account with ``sts:GetCallerIdentity`` (which needs no permission). With ``--role-arn``
each account's role is assumed once (``sts:AssumeRole``, session name ``bedrock-audit``) and the
temporary credentials are shared by that account's regions until five minutes before they expire.
A failure is remembered per account, so the other regions of that account report it without asking
STS again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from checker.aws.faults import Scrubber, explain
from checker.aws.location import AwsTarget

ROLE_SESSION_NAME = "bedrock-audit"
REFRESH_MARGIN = timedelta(minutes=5)
CONNECT_TIMEOUT = 10
"""Seconds to wait for a TCP connection to an AWS endpoint (botocore's default is 60)."""
READ_TIMEOUT = 30
"""Seconds to wait for a response (botocore's default is 60); Bedrock's list calls answer in well under."""


class AccessFault(Exception):
    """Credentials for an account could not be obtained; ``str(exc)`` is the scrubbed reason, ``kind``
    a short class of it for summaries (``"cannot assume role"``)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Keys:
    """Temporary credentials of an assumed role (never printed: no ``__repr__`` of the values)."""

    access_key: str
    secret_key: str
    token: str
    expires: datetime

    def __repr__(self) -> str:
        return f"Keys(expires={self.expires.isoformat()})"


class Access:
    """Sessions, clients and per-account credentials for one scan.

    ``target``: the scan's options (profile, role, external ID, retries). ``sts_region``: the region
    whose STS endpoint is used (the first scanned region, so the partition matches).
    """

    def __init__(self, target: AwsTarget, sts_region: str, scrub: Scrubber) -> None:
        self.target = target
        self.sts_region = sts_region
        self.scrub = scrub
        self._local = threading.local()
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        self._keys: dict[str, Keys | AccessFault] = {}
        self._caller: str | AccessFault | None = None
        self._loader: Any = None

    def session(self) -> Any:
        """This thread's boto3 Session (created on first use in the thread).

        The sessions share one botocore data loader, so the service model and endpoint data are parsed
        once per scan, not once per thread (the loader only caches parsed JSON files)."""
        session = getattr(self._local, "session", None)
        if session is None:
            import boto3
            import botocore.session

            core = botocore.session.Session(profile=self.target.profile)
            with self._lock:
                if self._loader is None:
                    self._loader = core.get_component("data_loader")
                core.register_component("data_loader", self._loader)
            session = boto3.session.Session(botocore_session=core)
            self._local.session = session
        return session

    def config(self, pool: int = 10) -> Any:
        """botocore client config: adaptive retries with the scan's max attempts, short timeouts,
        a connection pool of ``pool`` connections (one per concurrent caller of the client).

        ``total_max_attempts`` counts the first try (botocore's ``max_attempts`` key counts retries only).
        """
        from botocore.config import Config

        return Config(retries={"mode": "adaptive", "total_max_attempts": self.target.max_attempts},
                      connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                      max_pool_connections=max(pool, 1), user_agent_extra="bedrock-audit")

    def client(self, service: str, region: str, account: str, pool: int = 10) -> Any:
        """A new client of ``service`` in ``region`` acting in ``account`` (assumed-role keys when a role
        is configured), built from this thread's session. Raises :class:`AccessFault`."""
        keys = self.keys_for(account)
        if keys is None:
            self._remember_session_secrets()
        kwargs: dict[str, Any] = {}
        if keys is not None:
            kwargs = {"aws_access_key_id": keys.access_key, "aws_secret_access_key": keys.secret_key,
                      "aws_session_token": keys.token}
        return self.session().client(service, region_name=region, config=self.config(pool), **kwargs)

    def caller_account(self) -> str:
        """The account of the scan's own credentials (sts:GetCallerIdentity, asked once).
        Raises :class:`AccessFault`."""
        with self._lock:
            cached = self._caller
        if cached is None:
            try:
                sts = self.session().client("sts", region_name=self.sts_region, config=self.config())
                self._remember_session_secrets()
                cached = str(sts.get_caller_identity()["Account"])
            except Exception as exc:  # noqa: BLE001 - every fault becomes a reported reason
                reason = explain(exc, "sts:GetCallerIdentity", self.scrub, self.target.max_attempts)
                cached = AccessFault(f"cannot tell which account the credentials belong to: {reason.text}",
                                     reason.kind)
            with self._lock:
                self._caller = cached
        if isinstance(cached, AccessFault):
            raise cached
        return cached

    def keys_for(self, account: str) -> Keys | None:
        """Assumed-role keys for ``account``, or ``None`` when no role is configured (the session's own
        credentials are used). Raises :class:`AccessFault` if the role cannot be assumed."""
        role = self.target.role_for(account)
        if role is None:
            return None
        with self._lock:
            lock = self._account_locks.setdefault(account, threading.Lock())
        with lock:
            cached = self._keys.get(account)
            if isinstance(cached, Keys) and cached.expires - REFRESH_MARGIN <= datetime.now(UTC):
                cached = None
            if cached is None:
                cached = self._assume(role)
                self._keys[account] = cached
        if isinstance(cached, AccessFault):
            raise cached
        return cached

    def _assume(self, role: str) -> Keys | AccessFault:
        try:
            sts = self.session().client("sts", region_name=self.sts_region, config=self.config())
            self._remember_session_secrets()
            arguments: dict[str, Any] = {"RoleArn": role, "RoleSessionName": ROLE_SESSION_NAME}
            if self.target.external_id is not None:
                arguments["ExternalId"] = self.target.external_id
            credentials = sts.assume_role(**arguments)["Credentials"]
        except Exception as exc:  # noqa: BLE001 - every fault becomes a reported reason
            reason = explain(exc, "sts:AssumeRole", self.scrub, self.target.max_attempts)
            return AccessFault(f"cannot assume role {role} ({reason.kind}): {reason.detail}",
                               "cannot assume role")
        keys = Keys(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"],
                    _aware(credentials["Expiration"]))
        self.scrub.add(keys.access_key, keys.secret_key, keys.token)
        return keys

    def _remember_session_secrets(self) -> None:
        """Register the session's own secret key and token with the scrubber (once per thread)."""
        if getattr(self._local, "remembered", False):
            return
        self._local.remembered = True
        try:
            credentials = self.session().get_credentials()
        except Exception:  # noqa: BLE001 - missing credentials surface when a call is made
            return
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            self.scrub.add(frozen.access_key, frozen.secret_key, frozen.token)


def _aware(moment: Any) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC) + timedelta(minutes=15)
