"""Turn what boto3 raises into one line a user can act on, without any credential in it.

Every message that leaves the AWS source passes through :func:`describe`, which also removes secrets:
the values registered with :func:`Scrubber.add` (keys and session tokens the scan holds) and anything
shaped like an access key ID, a secret key or a ``X-Amz-Security-Token`` / ``Signature`` /
``Credential`` parameter (AWS's SignatureDoesNotMatch message quotes the canonical request, which
holds the session token).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from checker.text import clip

MAX_MESSAGE = 400
"""Characters of the service's own message kept (the rest is cut with an ellipsis)."""

ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                           "AuthorizationError", "Forbidden"})
BAD_CREDENTIALS = frozenset({"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken",
                             "ExpiredTokenException", "InvalidSignatureException", "SignatureDoesNotMatch",
                             "IncompleteSignature", "RequestExpired"})
THROTTLED = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException",
                       "RequestLimitExceeded", "ProvisionedThroughputExceededException",
                       "SlowDown", "RequestThrottled", "RequestThrottledException",
                       "BandwidthLimitExceeded", "LimitExceededException", "PriorRequestNotComplete",
                       "EC2ThrottledException", "TransactionInProgressException"})

_PATTERNS = [
    re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{12,}\b"),
    re.compile(r"(?i)(x-amz-security-token|x-amz-signature|x-amz-credential|signature|credential|"
               r"aws_secret_access_key|aws_session_token|secretaccesskey|sessiontoken)(\s*[:=]\s*)[^\s,&;\"']+"),
    # a secret access key: 40 characters of base64 without padding, so "key=SECRET" is caught too
    re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
]


class Scrubber:
    """Removes known secret values and credential-shaped text from messages. Thread-safe."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        """Remember secret values (secret keys, session tokens) to cut from every message."""
        with self._lock:
            self._secrets.update(v for v in values if v and len(v) >= 8)

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, "***")
        text = _PATTERNS[0].sub("***", text)
        text = _PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
        return _PATTERNS[2].sub("***", text)


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (``"AccessDeniedException"``), else ``None``."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


@dataclass(frozen=True)
class Reason:
    """Why an AWS call failed. ``kind``: a short class for summaries (``"access denied"``,
    ``"throttled"``, ``"cannot reach the endpoint"``, ``"credentials rejected"``, ``"no AWS
    credentials"``, ``"failed"``); ``detail``: the error code and the service's message; ``text``: the
    whole line, ``"access denied: bedrock:ListModelInvocationJobs: AccessDeniedException: User ..."``.
    All three are scrubbed of credentials."""

    kind: str
    detail: str
    text: str


def explain(exc: BaseException, action: str, scrub: Scrubber, max_attempts: int | None = None) -> Reason:
    """The :class:`Reason` for ``exc`` raised by the call ``action`` (``"bedrock:ListModelInvocationJobs"``).
    ``max_attempts`` is the retry budget that was spent when the call was throttled. Never raises."""
    try:
        kind, detail, hint = _classify(exc, max_attempts)
    except Exception:  # noqa: BLE001 - explaining a fault must not become a second fault
        kind, detail, hint = "failed", type(exc).__name__, ""
    detail = scrub(detail)
    text = f"{kind}: {action}: {detail}" if kind != "failed" else f"{action} failed: {detail}"
    return Reason(kind, detail, scrub(text + hint))


def describe(exc: BaseException, action: str, scrub: Scrubber, max_attempts: int | None = None) -> str:
    """``explain(...).text``: one line saying what failed and why, credentials scrubbed."""
    return explain(exc, action, scrub, max_attempts).text


def _classify(exc: BaseException, max_attempts: int | None) -> tuple[str, str, str]:
    from botocore import exceptions as bx

    code = error_code(exc)
    if code is not None:
        response = getattr(exc, "response", {})
        message = _cut(str(response.get("Error", {}).get("Message") or "").strip())
        detail = f"{code}: {message}" if message else code
        if code in ACCESS_DENIED:
            return "access denied", detail, ""
        if code in BAD_CREDENTIALS:
            return ("credentials rejected", detail, " (expired or invalid credentials, or a region not "
                    "enabled for this account)")
        if code in THROTTLED or _status(response) == 429:
            tried = f" after {max_attempts} attempts" if max_attempts else ""
            return "throttled", f"still throttled{tried}, retries exhausted: {detail}", ""
        return "failed", detail, ""
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return ("no AWS credentials", str(exc), " (set AWS_PROFILE or pass --profile, or configure the "
                "default credential chain)")
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError
                  | bx.ConnectionClosedError | bx.ConnectionError | bx.HTTPClientError):
        return "cannot reach the endpoint", _cut(str(exc)), ""
    return "failed", f"{type(exc).__name__}: {_cut(str(exc))}", ""


def _status(response: dict[str, object]) -> int | None:
    metadata = response.get("ResponseMetadata")
    if isinstance(metadata, dict):
        status = metadata.get("HTTPStatusCode")
        return status if isinstance(status, int) else None
    return None


def _cut(text: str) -> str:
    return clip(" ".join(text.split()), MAX_MESSAGE)
