"""The outbox relay: claims due messages and enqueues thin delivery tasks, and polls the
Biz Portal feed of licence applications. Runs as its own process (`python -m
eec_bridge.relay`, in the Procfile).

A claim is a lease: the message becomes due again after `relay_lease_s`, so a task lost
with a restarted Redis or a killed worker is simply enqueued again. The receiver's
idempotency check makes the occasional second delivery harmless.

Between rounds the relay waits `relay_interval_s`, or less: a commit that wrote outbox rows
wakes it through a Redis list (`wake`). A wake that is lost (Redis down) costs one
interval, never a message: the relay finds every due row by polling all the same."""

from __future__ import annotations

import logging
import signal
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import redis

from sqlmodel import Session, select

from core.container import build, current, installed
from eec_bridge import cases, exchange_log
from eec_bridge.adapters import AdapterError
from eec_bridge.models import FeedCursor, OutboxMessage, OutboxState
from web.db import get_engine
from web.settings import Settings, get_settings

log = logging.getLogger("eec_bridge.relay")
BATCH = 200
FEED = "bizportal.licences"
WAKE_KEY = "eec:outbox:wake"


def now() -> datetime:
    return datetime.now(UTC)


def claim_due(session: Session, limit: int = BATCH) -> list[tuple[str, str]]:
    """Due messages as (id, destination), leased to this relay, in one UPDATE … RETURNING.
    PostgreSQL lets several relays share the work (SKIP LOCKED); SQLite runs one."""
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    due = (select(outbox.c.id)
           .where(outbox.c.state == OutboxState.pending, outbox.c.next_attempt_at <= now())
           .order_by(outbox.c.next_attempt_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    lease = now() + timedelta(seconds=get_settings().relay_lease_s)
    claimed = session.connection().execute(
        outbox.update().where(outbox.c.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=lease).returning(outbox.c.id, outbox.c.destination)).all()
    session.commit()
    return [(message_id, destination) for message_id, destination in claimed]


def relay_once() -> int:
    """Claims what is due and enqueues it, `delivery_batch_size` ids to a task."""
    from eec_bridge.tasks import TASK_FOR_DESTINATION

    with Session(get_engine()) as session:
        claimed = claim_due(session)
    by_destination: dict[str, list[str]] = defaultdict(list)
    for message_id, destination in claimed:
        by_destination[destination].append(message_id)
    size = get_settings().delivery_batch_size
    for destination, ids in by_destination.items():
        for start in range(0, len(ids), size):
            TASK_FOR_DESTINATION[destination].apply_async(args=[ids[start:start + size]])
    return len(claimed)


def wake() -> None:
    """Tells the relay that a commit wrote outbox rows. Never fails the caller."""
    client = current().redis
    if client is None:
        return
    try:
        client.pipeline(transaction=False).lpush(WAKE_KEY, 1).ltrim(WAKE_KEY, 0, 0).execute()
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


def poll_feed_once(limit: int = 50) -> int:
    """Pulls new licence applications filed on Biz Portal; each becomes a case once."""
    from eec_bridge.delivery import bizportal_gateway

    with Session(get_engine()) as session:
        cursor_row = session.get(FeedCursor, FEED) or FeedCursor(name=FEED)
        cursor = cursor_row.cursor or None
    try:
        page = bizportal_gateway().fetch_licence_applications(cursor, limit)
    except AdapterError as exc:
        log.warning("licence feed unavailable: %s", exc.reason)
        return 0
    opened: list[tuple[object, int]] = []
    with Session(get_engine()) as session:
        for item in page.items:
            case = cases.open_licence_case(session, item)
            if case is not None:
                opened.append((item, case.id))
        cursor_row = session.get(FeedCursor, FEED) or FeedCursor(name=FEED)
        if page.next_cursor:
            cursor_row.cursor = page.next_cursor
        cursor_row.updated_at = now()
        session.add(cursor_row)
        session.commit()
    for item, case_id in opened:
        exchange_log.append(message_id=item.id, direction="in", system="bizportal",
                            endpoint="GET /api/v1/licence-applications", payload=item.as_dict(),
                            result="case opened", case_id=case_id)
    return len(opened)


def run(stop_after_s: float | None = None) -> None:
    """The relay process: its own container, closed when it stops."""
    with installed(build(), close=True) as resources:
        _run(resources.settings, stop_after_s)


def _run(settings: Settings, stop_after_s: float | None) -> None:
    from web.logging_setup import configure_logging

    configure_logging()
    running = True

    def stop(*_args) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started, next_feed = time.monotonic(), 0.0
    log.info("outbox relay started")
    while running and (stop_after_s is None or time.monotonic() - started < stop_after_s):
        claimed = 0
        try:
            claimed = relay_once()
            if settings.feed_poll_interval_s > 0 and time.monotonic() >= next_feed:
                poll_feed_once()
                next_feed = time.monotonic() + settings.feed_poll_interval_s
        except Exception:  # noqa: BLE001 - the relay must outlive a database or broker blip
            log.exception("relay tick failed; trying again")
        if claimed < BATCH:  # a full batch means more may be due now
            wait_for_wake(settings.relay_interval_s)


if __name__ == "__main__":
    run()
