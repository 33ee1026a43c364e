"""Callbacks refused before they proved who sent them (no signature, a wrong or a stale
one). Anyone can send those, as fast as they like, so they never enter the tamper-evident
exchange log: they are counted per system and the latest few are kept, in Redis, with the
log warned at most once a minute per system."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any, cast

import redis

from core.runtime import current

log = logging.getLogger("eec_bridge.webhooks")
COUNTS_KEY = "webhooks:refused:count"
RECENT_KEY = "webhooks:refused:recent"
KEEP = 200
WARN_EVERY_S = 60.0
_last_warned: dict[str, float] = {}
_unwarned: dict[str, int] = {}


def record(system: str, reason: str, body: bytes, peer: str) -> None:
    """Counts one refused callback and keeps its summary (never its body) among the last
    KEEP; a Redis outage loses the record, never the answer."""
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "system": system,
             "reason": reason[:200], "peer": peer[:64], "bytes": len(body),
             "sha256": hashlib.sha256(body).hexdigest()}
    client = current().redis
    if client is not None:
        try:
            pipe = client.pipeline()
            pipe.hincrby(COUNTS_KEY, system, 1)
            pipe.lpush(RECENT_KEY, json.dumps(entry))
            pipe.ltrim(RECENT_KEY, 0, KEEP - 1)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("refused callback not recorded: %s", exc)
    _warn(system, reason)


def _warn(system: str, reason: str) -> None:
    _unwarned[system] = _unwarned.get(system, 0) + 1
    now = time.monotonic()
    if now - _last_warned.get(system, -WARN_EVERY_S) >= WARN_EVERY_S:
        log.warning("%s unauthenticated callback(s) from %s refused in the last minute; "
                    "latest: %s", _unwarned.pop(system), system, reason)
        _last_warned[system] = now


def counts() -> dict[str, int]:
    """Refused callbacks per system since Redis was last emptied."""
    client = current().redis
    if client is None:
        return {}
    # redis types replies as bytes | str; this client (core/container.py) does not decode them.
    raw = cast(dict[bytes, bytes], client.hgetall(COUNTS_KEY))
    return {k.decode(): int(v) for k, v in raw.items()}


def recent(limit: int = KEEP) -> list[dict[str, Any]]:
    """The latest refused callbacks, newest first."""
    client = current().redis
    if client is None:
        return []
    return [json.loads(item) for item in client.lrange(RECENT_KEY, 0, limit - 1)]
