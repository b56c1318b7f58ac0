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
    re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
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


def describe(exc: BaseException, action: str, scrub: Scrubber, max_attempts: int | None = None) -> str:
    """One line saying what failed and why, e.g. ``"access denied: bedrock:ListModelInvocationJobs:
    AccessDeniedException: User ... is not authorized"``. ``action`` names the call
    (``"bedrock:ListModelInvocationJobs"``); ``max_attempts`` is the retry budget that was spent when
    the call was throttled. Never raises; credentials are scrubbed."""
    try:
        return scrub(_describe(exc, action, max_attempts))
    except Exception:  # noqa: BLE001 - describing a fault must not become a second fault
        return scrub(f"{action} failed: {type(exc).__name__}")


def _describe(exc: BaseException, action: str, max_attempts: int | None) -> str:
    from botocore import exceptions as bx

    code = error_code(exc)
    if code is not None:
        response = getattr(exc, "response", {})
        message = _cut(str(response.get("Error", {}).get("Message") or "").strip())
        detail = f"{code}: {message}" if message else code
        if code in ACCESS_DENIED:
            return f"access denied: {action}: {detail}"
        if code in BAD_CREDENTIALS:
            return (f"credentials rejected: {action}: {detail} (expired or invalid credentials, or a region "
                    "not enabled for this account)")
        if code in THROTTLED or _status(response) == 429:
            tried = f" after {max_attempts} attempts" if max_attempts else ""
            return f"throttled: {action} still throttled{tried}, retries exhausted: {detail}"
        return f"{action} failed: {detail}"
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return (f"no AWS credentials: {action}: {exc} (set AWS_PROFILE or pass --profile, or configure the "
                "default credential chain)")
    if isinstance(exc, bx.ProfileNotFound):
        return f"{action}: {exc}"
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError
                  | bx.ConnectionClosedError | bx.ConnectionError | bx.HTTPClientError):
        return f"cannot reach the endpoint: {action}: {_cut(str(exc))}"
    if isinstance(exc, bx.BotoCoreError):
        return f"{action} failed: {type(exc).__name__}: {_cut(str(exc))}"
    return f"{action} failed: {type(exc).__name__}: {_cut(str(exc))}"


def _status(response: dict[str, object]) -> int | None:
    metadata = response.get("ResponseMetadata")
    if isinstance(metadata, dict):
        status = metadata.get("HTTPStatusCode")
        return status if isinstance(status, int) else None
    return None


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
