"""What every adapter to an outside system shares, so that no adapter imports another: the
typed errors that decide between retry, case problem and parking; the HMAC-SHA256
signature of callbacks; the camelCase wire base; the HTTP round trip (transport errors,
status codes, reply parsing) and the gateway's close/with-statement."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Annotated, Any, Generic, Protocol, Self, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic.alias_generators import to_camel

M = TypeVar("M", bound=BaseModel)

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
MAX_SIGNATURE_AGE_S = 300
MAX_DETAIL_CHARS = 300


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


# ---- signatures ---------------------------------------------------------------------------

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


# ---- the wire -----------------------------------------------------------------------------

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Wire(BaseModel):
    """A body as it travels: camelCase on the wire, snake_case in Python, extra keys ignored
    so the other side may add fields without breaking us."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


def decode_json(body: bytes, what: str) -> Any:
    """The JSON a body holds; SchemaError naming `what` when it holds none."""
    try:
        return json.loads(body)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise SchemaError(f"{what} does not match the schema: {str(exc)[:200]}") from exc


def validate(model: type[M], data: Any, what: str) -> M:
    """`data` as `model`; SchemaError naming `what` and the first fields that did not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                           for e in exc.errors()[:5])
        raise SchemaError(f"{what} does not match the schema: {detail}") from exc


# ---- HTTP ---------------------------------------------------------------------------------

def send(http: httpx.Client, system: str, method: str, path: str,
         **kwargs: Any) -> httpx.Response:
    """One request; transport failures and timeouts become TransientError."""
    try:
        return http.request(method, path, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{system} timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{system} unreachable ({type(exc).__name__}: {exc})") from exc


def raise_for_status(system: str, response: httpx.Response,
                     reasons: Callable[[httpx.Response], list[str]]) -> None:
    """5xx, 429 and refused credentials are worth retrying; any other 4xx is a refusal of
    the content, with the other side's reasons (parsed by `reasons`, per system)."""
    status = response.status_code
    if status < 300:
        return
    if status == 429 or status >= 500:
        raise TransientError(f"{system} answered {status}")
    if status in (401, 403):
        raise TransientError(f"{system} refused our credentials ({status}): "
                             "check the configuration")
    found = reasons(response)
    raise RejectedError(f"{system} refused the request ({status}): {found[0]}", found)


def parse_reply(system: str, response: httpx.Response, model: type[M]) -> M:
    """The reply as `model`, or SchemaError naming what did not fit."""
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise SchemaError(f"{system} reply to {response.request.method} "
                          f"{response.request.url.path} is not a {model.__name__}: "
                          f"{str(exc)[:MAX_DETAIL_CHARS]}") from exc


def read_reply(system: str, response: httpx.Response, model: type[M],
               reasons: Callable[[httpx.Response], list[str]]) -> M:
    """A reply's status checked (raise_for_status), then its body parsed as `model`."""
    raise_for_status(system, response, reasons)
    return parse_reply(system, response, model)


def error_reasons(response: httpx.Response, model: type[M],
                  messages: Callable[[M], list[str]]) -> list[str]:
    """The other side's reasons from an error body in its own format (`model`, read by
    `messages`); the raw text when the body is not in that format."""
    try:
        body = model.model_validate(response.json())
    except (ValueError, ValidationError):  # not JSON, or not the system's error format
        return [response.text[:MAX_DETAIL_CHARS] or f"HTTP {response.status_code}"]
    return messages(body)


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class HttpGateway(Generic[C]):
    """A gateway over one HTTP client it owns: close() closes the client, and the gateway
    works as a context manager."""

    def __init__(self, client: C) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

