"""What a user typed into a wizard step when their session had expired: kept server-side under
a one-time token while they sign in again, then put back into the same step's form.

The token travels twice: in the sign-in page's `next` path and in a cookie set on the same
browser; both must match to restore, so a link with someone else's token restores nothing.
Kept in Redis (shared by every web process); in memory for a single process without Redis."""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from typing import Any

import redis

from core.container import Resources

log = logging.getLogger(__name__)

TTL_S = 3600  # long enough to find a password, short enough not to linger
COOKIE = "eec_typed"
MAX_VALUES = 2000  # a wizard step's fields, with room to spare; more is not a form of ours
# Only the steps that save a form: a file upload (documents) cannot be kept this way.
STEP_PATH = re.compile(r"/registration/(?P<id>[0-9]{1,18})/"
                       r"(?P<step>office|capital|people|directors|eec)")
_NOT_KEPT = ("csrf_token", "action")


class _MemoryStore:
    """One process's store when no Redis is configured (development, a single worker)."""

    def __init__(self, _resources: Resources) -> None:
        self._items: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            self._items[key] = (now + TTL_S, value)

    def take(self, key: str) -> str | None:
        with self._lock:
            expires, value = self._items.pop(key, (0.0, ""))
        return value if expires > time.monotonic() else None


def _key(token: str) -> str:
    return f"typed-resume:{token}"


def keep(resources: Resources, path: str, form: Any) -> str | None:
    """Keeps a step's submitted fields (text only) for `path`; returns the one-time token,
    or None when the path is not a wizard step or nothing could be kept."""
    if not STEP_PATH.fullmatch(path) or form is None:
        return None
    values = {str(k): v for k, v in form.multi_items() if isinstance(v, str)
              and k not in _NOT_KEPT}
    if len(values) > MAX_VALUES:
        return None
    token = secrets.token_urlsafe(24)
    payload = json.dumps({"path": path, "values": values}, ensure_ascii=False)
    client = resources.redis
    try:
        if client is not None:
            client.set(_key(token), payload, ex=TTL_S)
        else:
            resources.provide(_MemoryStore).put(_key(token), payload)
    except redis.RedisError as exc:
        log.warning("typed values not kept across sign-in: %s", exc)
        return None
    return token


def take(resources: Resources, token: str, cookie: str | None, path: str
         ) -> dict[str, Any] | None:
    """The values kept under `token` for `path`, once: the token is spent whatever it held."""
    if not token or not cookie or not secrets.compare_digest(token, cookie) or len(token) > 64:
        return None
    client = resources.redis
    try:
        raw = client.getdel(_key(token)) if client is not None \
            else resources.provide(_MemoryStore).take(_key(token))
    except redis.RedisError as exc:
        log.warning("typed values not restored: %s", exc)
        return None
    if raw is None:
        return None
    kept = json.loads(raw)
    return kept["values"] if kept.get("path") == path else None
