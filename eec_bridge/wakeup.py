"""The relay's doorbell: a commit that wrote outbox rows rings it (`wake`), the relay waits on
it between rounds (`wait_for_wake`). A Redis list of at most one item; a lost ring (Redis down)
costs the relay one polling interval, never a message."""

from __future__ import annotations

import logging
import time

import redis

from core.runtime import current

log = logging.getLogger("eec_bridge.wakeup")
WAKE_KEY = "eec:outbox:wake"


def wake() -> None:
    """Tells the relay that a commit wrote outbox rows. Never fails the caller."""
    client = current().redis
    if client is None:
        return
    try:
        # One statement per command: redis types a pipeline's commands as the client's, whose
        # replies are not the pipeline, so the chained form does not type-check.
        pipe = client.pipeline(transaction=False)
        pipe.lpush(WAKE_KEY, 1)
        pipe.ltrim(WAKE_KEY, 0, 0)
        pipe.execute()
    except redis.RedisError as exc:
        log.debug("relay not woken (%s); it polls", exc)


def wait_for_wake(timeout_s: float) -> None:
    """Returns when woken or after `timeout_s`; the wakes so far are used up."""
    client = current().redis
    if client is None:
        time.sleep(timeout_s)
        return
    try:
        if client.blpop([WAKE_KEY], timeout=timeout_s):
            client.delete(WAKE_KEY)  # before the claim, so no commit's wake is missed
    except redis.RedisError:
        time.sleep(timeout_s)
