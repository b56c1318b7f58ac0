"""A stand-in for the Amazon Bedrock control plane and AWS STS, served over real HTTP on loopback.

Tests (and ``benchmarks/live_scan.py``) point real boto3 at it with ``AWS_ENDPOINT_URL_BEDROCK`` and
``AWS_ENDPOINT_URL_STS`` (botocore honours service-specific endpoint variables) and dummy credentials.
One server plays every account and region: the account is looked up from the access key ID and the
region read from the SigV4 credential scope of each request's ``Authorization`` header.

What it implements, with the wire shapes of botocore's ``bedrock/2023-04-20`` (rest-json) and
``sts/2011-06-15`` (query/XML) models:

* ``GET /model-invocation-jobs`` (ListModelInvocationJobs): ``maxResults``, ``nextToken``,
  ``statusEquals``, ``submitTimeAfter`` query parameters; ``{"invocationJobSummaries", "nextToken"}``.
* ``POST /listTagsForResource`` (ListTagsForResource): ``{"resourceARN"}`` -> ``{"tags": [{key, value}]}``.
* STS ``AssumeRole`` (issues keys that map to the role's account) and ``GetCallerIdentity``.

Faults are configured per (account, region) or per job ARN: an AWS error (HTTP status + error code, as
many times as asked, then success), or a dropped connection (no response at all). ``latency`` (seconds)
is added to every response. Every request is recorded in ``requests``.
"""

from __future__ import annotations

import copy
import json
import secrets
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

SAMPLE = Path(__file__).resolve().parent / "data" / "sample-get-model-invocation-job.json"
CALLER_ACCESS_KEY = "AKIASTANDINCALLER000"
CALLER_SECRET_KEY = "standin-caller-secret-key-do-not-print"
CALLER_ACCOUNT = "111111111111"
STATUSES = ("Submitted", "InProgress", "Completed", "Failed", "Stopping", "Stopped", "PartiallyCompleted",
            "Expired", "Validating", "Scheduled")


@dataclass
class Fault:
    """An error to answer with: ``status`` (HTTP), ``code`` (AWS error code), ``message``; ``times``
    how many requests get it before the stand-in answers normally (``None``: every request).
    ``drop``: close the connection without any response instead (an unreachable endpoint)."""

    status: int = 403
    code: str = "AccessDeniedException"
    message: str = "User is not authorized to perform this action"
    times: int | None = None
    drop: bool = False

    def take(self) -> bool:
        """True if this request gets the fault (counts down ``times``)."""
        if self.times is None:
            return True
        if self.times <= 0:
            return False
        self.times -= 1
        return True


def job_arn(account: str, region: str, number: int) -> str:
    """A job ARN with a 12-character id derived from ``number`` (the service's id pattern [a-z0-9]{12})."""
    return f"arn:aws:bedrock:{region}:{account}:model-invocation-job/{number:012d}"


def make_job(account: str, region: str, number: int, **overrides: Any) -> dict[str, Any]:
    """A ListModelInvocationJobs summary (wire JSON) based on the sample job, owned by ``account`` in
    ``region``, its role and buckets in the same account. ``overrides`` replace top-level members; a
    value of ``None`` removes the member (the API omits members it has no value for)."""
    job = json.loads(SAMPLE.read_text())
    job["jobArn"] = job_arn(account, region, number)
    job["jobName"] = f"batch-{account[-4:]}-{region}-{number}"
    job["roleArn"] = f"arn:aws:iam::{account}:role/service-role/BedrockBatchInferenceRole-claims"
    job["clientRequestToken"] = f"token{number}"
    submitted = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(minutes=number)
    job["submitTime"] = _wire_time(submitted)
    job["lastModifiedTime"] = job["endTime"] = _wire_time(submitted + timedelta(hours=2))
    job["jobExpirationTime"] = _wire_time(submitted + timedelta(hours=job["timeoutDurationInHours"]))
    for side in ("s3InputDataConfig",):
        job["inputDataConfig"][side]["s3BucketOwner"] = account
    job["outputDataConfig"]["s3OutputDataConfig"]["s3BucketOwner"] = account
    job["outputDataConfig"]["s3OutputDataConfig"]["s3EncryptionKeyId"] = (
        f"arn:aws:kms:{region}:{account}:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
    for key, value in overrides.items():
        if value is None:
            job.pop(key, None)
        else:
            job[key] = value
    return job


def _wire_time(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Recorded:
    """One request the stand-in received."""

    service: str
    operation: str
    account: str | None
    region: str | None
    params: dict[str, Any]
    access_key: str | None = None
    session_token: str | None = None


@dataclass
class Role:
    """An assumable role: the account it belongs to and the external ID it requires (if any)."""

    account: str
    external_id: str | None = None


class BedrockStandIn:
    """The server and its state. Use as a context manager; ``url`` is ``http://127.0.0.1:PORT``.

    ``jobs[(account, region)]``: the job summaries (wire JSON) in listing order. ``tags[arn]``: a job's
    tags as ``[{key, value}]`` (a job without an entry has no tags). ``list_faults[(account, region)]``
    and ``tag_faults[arn]``: :class:`Fault` s. ``roles[role_arn]``: assumable roles. ``page_size``: the
    largest page it returns (fewer than ``maxResults`` when that is larger, as services may).
    ``latency``: seconds added to every response.
    """

    def __init__(self, latency: float = 0.0, page_size: int = 100) -> None:
        self.latency = latency
        self.page_size = page_size
        self.jobs: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.tags: dict[str, list[dict[str, str]]] = {}
        self.list_faults: dict[tuple[str, str], Fault] = {}
        self.tag_faults: dict[str, Fault] = {}
        self.roles: dict[str, Role] = {}
        self.keys: dict[str, str] = {CALLER_ACCESS_KEY: CALLER_ACCOUNT}
        self.tokens: dict[str, str] = {}
        self.issued_secrets: list[str] = []
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- state helpers -------------------------------------------------------------------------------

    def add_jobs(self, account: str, region: str, count: int, tags: list[dict[str, str]] | None = None,
                 start: int = 1, **overrides: Any) -> list[dict[str, Any]]:
        """Add ``count`` jobs numbered from ``start``; each gets ``tags`` (default owner + cost-center)."""
        added = [make_job(account, region, n, **overrides) for n in range(start, start + count)]
        self.jobs.setdefault((account, region), []).extend(added)
        for job in added:
            self.tags[job["jobArn"]] = copy.deepcopy(
                tags if tags is not None else [{"key": "owner", "value": "ml-platform"},
                                               {"key": "cost-center", "value": "cc-4410"}])
        return added

    def add_role(self, role_arn: str, external_id: str | None = None) -> None:
        """Make ``role_arn`` assumable (its account is the one in the ARN)."""
        self.roles[role_arn] = Role(role_arn.split(":")[4], external_id)

    def calls(self, operation: str) -> list[Recorded]:
        """The recorded requests of one operation (``ListModelInvocationJobs``, ``AssumeRole`` ...)."""
        with self._lock:
            return [r for r in self.requests if r.operation == operation]

    # -- lifecycle -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict[str, str]:
        """Environment for a boto3 process talking to this stand-in only (dummy caller credentials,
        no shared config files, no instance metadata)."""
        return {
            "AWS_ENDPOINT_URL_BEDROCK": self.url,
            "AWS_ENDPOINT_URL_STS": self.url,
            "AWS_ACCESS_KEY_ID": CALLER_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": CALLER_SECRET_KEY,
            "AWS_CONFIG_FILE": "/nonexistent/bedrock-audit-tests/config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/bedrock-audit-tests/credentials",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_DEFAULT_REGION": "us-east-1",
            # anything not sent to the stand-in (plain HTTP on loopback) fails instead of reaching AWS
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }

    def __enter__(self) -> BedrockStandIn:
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="bedrock-standin", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    # -- request handling ----------------------------------------------------------------------------

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)

    def _account_of(self, access_key: str | None) -> str | None:
        with self._lock:
            return self.keys.get(access_key or "")

    def handle_bedrock(self, method: str, path: str, body: bytes, scope: _Scope) -> tuple[int, dict[str, str],
                                                                                              bytes] | None:
        """Answer one Bedrock request: ``(status, headers, body)``, or ``None`` to drop the connection."""
        parsed = urllib.parse.urlsplit(path)
        account = self._account_of(scope.access_key)
        if method == "GET" and parsed.path == "/model-invocation-jobs":
            params = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
            self._record(Recorded("bedrock", "ListModelInvocationJobs", account, scope.region, params,
                                  scope.access_key, scope.session_token))
            if account is None:
                return _rest_error(403, "UnrecognizedClientException",
                                   "The security token included in the request is invalid.")
            with self._lock:
                fault = self.list_faults.get((account, scope.region or ""))
                faulted = fault is not None and fault.take()
            if faulted and fault is not None:
                return None if fault.drop else _rest_error(fault.status, fault.code, fault.message)
            return self._list(account, scope.region or "", params)
        if method == "POST" and parsed.path == "/listTagsForResource":
            document = json.loads(body or b"{}")
            arn = document.get("resourceARN", "")
            self._record(Recorded("bedrock", "ListTagsForResource", account, scope.region, document,
                                  scope.access_key, scope.session_token))
            if account is None:
                return _rest_error(403, "UnrecognizedClientException",
                                   "The security token included in the request is invalid.")
            with self._lock:
                fault = self.tag_faults.get(arn)
                faulted = fault is not None and fault.take()
            if faulted and fault is not None:
                return None if fault.drop else _rest_error(fault.status, fault.code, fault.message)
            if arn not in self.tags:
                return _rest_error(404, "ResourceNotFoundException", f"Resource {arn} not found")
            return 200, {"Content-Type": "application/json"}, json.dumps({"tags": self.tags[arn]}).encode()
        return _rest_error(404, "UnknownOperationException", f"stand-in: no route for {method} {parsed.path}")

    def _list(self, account: str, region: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        jobs = self.jobs.get((account, region), [])
        status = params.get("statusEquals")
        if status is not None:
            if status not in STATUSES:
                return _rest_error(400, "ValidationException", f"1 validation error: statusEquals {status!r}")
            jobs = [j for j in jobs if j.get("status") == status]
        after = params.get("submitTimeAfter")
        if after is not None:
            moment = datetime.fromisoformat(after.replace("Z", "+00:00"))
            jobs = [j for j in jobs
                    if datetime.fromisoformat(j["submitTime"].replace("Z", "+00:00")) > moment]
        size = min(int(params.get("maxResults", self.page_size)), self.page_size)
        start = int(params.get("nextToken", "0"))
        page = jobs[start:start + size]
        out: dict[str, Any] = {"invocationJobSummaries": page}
        if start + size < len(jobs):
            out["nextToken"] = str(start + size)
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def handle_sts(self, body: bytes, scope: _Scope) -> tuple[int, dict[str, str], bytes]:
        """Answer one STS query-protocol request (AssumeRole, GetCallerIdentity)."""
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        action = form.get("Action", "")
        caller = self._account_of(scope.access_key)
        self._record(Recorded("sts", action, caller, scope.region, form, scope.access_key,
                              scope.session_token))
        if caller is None:
            return _sts_error(403, "InvalidClientTokenId",
                              "The security token included in the request is invalid.")
        if action == "GetCallerIdentity":
            return 200, {"Content-Type": "text/xml"}, (
                f'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                f"<GetCallerIdentityResult><Arn>arn:aws:iam::{caller}:user/standin</Arn>"
                f"<UserId>AIDASTANDIN</UserId><Account>{caller}</Account></GetCallerIdentityResult>"
                f"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            ).encode()
        if action == "AssumeRole":
            role_arn = form.get("RoleArn", "")
            role = self.roles.get(role_arn)
            if role is None or (role.external_id is not None and form.get("ExternalId") != role.external_id):
                return _sts_error(403, "AccessDenied", f"User: arn:aws:iam::{caller}:user/standin is not "
                                  f"authorized to perform: sts:AssumeRole on resource: {role_arn}")
            key = "ASIA" + secrets.token_hex(8).upper()
            secret = "standin-secret-" + secrets.token_hex(12)
            token = "standin-session-token-" + secrets.token_hex(24)
            with self._lock:
                self.keys[key] = role.account
                self.tokens[key] = token
                self.issued_secrets += [secret, token]
            expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            return 200, {"Content-Type": "text/xml"}, (
                f'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
                f"<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
                f"<SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration></Credentials>"
                f"<AssumedRoleUser><Arn>{escape(role_arn)}/bedrock-audit</Arn>"
                f"<AssumedRoleId>AROASTANDIN:bedrock-audit</AssumedRoleId></AssumedRoleUser>"
                f"</AssumeRoleResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata>"
                f"</AssumeRoleResponse>"
            ).encode()
        return _sts_error(400, "InvalidAction", f"stand-in: no STS action {action}")


@dataclass
class _Scope:
    access_key: str | None = None
    region: str | None = None
    service: str | None = None
    session_token: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _scope(headers: Any) -> _Scope:
    """Access key, region and service from the SigV4 ``Authorization`` header
    (``AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...``)."""
    auth = headers.get("Authorization", "")
    scope = _Scope(session_token=headers.get("X-Amz-Security-Token"))
    marker = "Credential="
    if marker in auth:
        credential = auth.split(marker, 1)[1].split(",", 1)[0]
        parts = credential.split("/")
        if len(parts) >= 4:
            scope.access_key, scope.region, scope.service = parts[0], parts[2], parts[3]
    return scope


def _rest_error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, json.dumps(
        {"message": message}).encode()


def _sts_error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    kind = "Sender" if status < 500 else "Receiver"
    return status, {"Content-Type": "text/xml"}, (
        f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>{kind}</Type>'
        f"<Code>{code}</Code><Message>{escape(message)}</Message></Error><RequestId>r-3</RequestId>"
        f"</ErrorResponse>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    standin: BedrockStandIn
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default access log
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        scope = _scope(self.headers)
        if self.standin.latency:
            time.sleep(self.standin.latency)
        if scope.service == "sts":
            answer: tuple[int, dict[str, str], bytes] | None = self.standin.handle_sts(body, scope)
        else:
            answer = self.standin.handle_bedrock(self.command, self.path, body, scope)
        if answer is None:
            self.close_connection = True
            self.connection.close()
            return
        status, headers, payload = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("x-amzn-RequestId", "standin-" + secrets.token_hex(4))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve
    do_POST = _serve

