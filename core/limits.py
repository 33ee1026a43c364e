"""Limits on what one request may make the portal do: a body-size cap per path, enforced
before the body is read (from Content-Length) and while it streams in, and a depth cap for
JSON, checked before it is parsed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.runtime import get_settings

# Multipart framing around an upload: boundaries, part headers, the CSRF token and the
# form's few small fields.
MULTIPART_ALLOWANCE = 64 * 1024
UPLOAD_SUFFIXES = ("/documents", "/answer")


class BodyTooLarge(HTTPException):
    """Raised by the body's `receive` once it passes the path's limit: the app's error
    handlers answer 413 in the user's language, or as problem details for an API."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413)
        self.limit = limit


def body_limit(path: str) -> int:
    """The most bytes a request to `path` may carry."""
    settings = get_settings()
    if path.startswith("/webhooks/"):
        return settings.webhook_body_max_bytes
    if path.startswith(("/open311/", "/api/v1/tickets", "/chat/")):
        return settings.api_body_max_bytes
    if path.endswith(UPLOAD_SUFFIXES):  # the wizard's and the JSON API's document uploads
        return settings.upload_max_bytes + MULTIPART_ALLOWANCE
    return settings.body_max_bytes


class BodyLimitMiddleware:
    """Pure ASGI: a body over its path's limit is refused on its Content-Length before a
    byte is read, and otherwise as soon as the bytes read pass the limit, so a 120 MB
    upload never gets further than the limit (nor into memory or a temporary file)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int] = body_limit) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, receive_within_limit, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class JsonTooDeep(ValueError):
    """A ValueError, so every caller that refuses malformed JSON refuses this too."""


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(body: bytes, stop_above: int | None = None) -> int:
    """How deep the arrays and objects of `body` nest, counted without parsing it (and
    no further than one level past `stop_above`)."""
    depth = deepest = 0
    for bracket in _STRING.sub(b"", body).translate(None, _NOT_BRACKETS):
        depth += 1 if bracket in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if stop_above is not None and deepest > stop_above:
                break
    return deepest


def parse_json(body: bytes | str, max_depth: int | None = None) -> Any:
    """json.loads, after refusing nesting deeper than `max_depth` (Settings.json_max_depth):
    100,000 levels would otherwise end in a RecursionError, a 500."""
    data = body.encode() if isinstance(body, str) else body
    limit = max_depth if max_depth is not None else get_settings().json_max_depth
    if json_depth(data, stop_above=limit) > limit:
        raise JsonTooDeep(f"JSON nested deeper than {limit} levels")
    return json.loads(data)
