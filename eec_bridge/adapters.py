"""What every adapter to an outside system shares: the typed errors that decide between
retry, case problem and parking, and the HMAC-SHA256 signature of callbacks."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
MAX_SIGNATURE_AGE_S = 300


class AdapterError(Exception):
    """Base of all adapter errors; `reason` is safe to show an officer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientError(AdapterError):
    """Transport error, timeout, 429 or 5xx: retry with backoff."""


class RejectedError(AdapterError):
    """The other side refused the content (4xx validation): retrying will not help; the case
    gets a problem an officer sees. `reasons` are the other side's own messages."""

    def __init__(self, reason: str, reasons: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reasons = reasons or [reason]


class SchemaError(AdapterError):
    """The reply does not match the schema we expect: park the message with the reason."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over `timestamp.body`; binding the timestamp defeats replay."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def signature_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify_signature(secret: str, body: bytes, timestamp: str | None, signature: str | None,
                     now: float | None = None, max_age_s: int = MAX_SIGNATURE_AGE_S) -> str | None:
    """None when valid; otherwise why not ("missing", "stale", "mismatch")."""
    if not timestamp or not signature:
        return "missing"
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return "missing"
    if age > max_age_s:
        return "stale"
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        return "mismatch"
    return None
