"""The outbox relay: claims due messages and enqueues thin delivery tasks, and polls the
Biz Portal feed of licence applications. Runs as its own process (`python -m flows.relay`
in the Procfile, which subscribes the handlers of the bridge's domain events first).

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
from datetime import timedelta

from sqlmodel import Session, select

from bizportal.gateway import LicenceApplication
from core.clock import utcnow
from core.container import build
from core.db import stored_id, table_of
from core.events import require
from core.http_adapters import AdapterError
from core.logging_setup import configure_logging
from core.runtime import get_engine, get_settings, installed
from core.settings import Settings
from eec_bridge import events, exchange_log, intake
from eec_bridge.delivery import bizportal_gateway
from eec_bridge.models import FeedCursor, OutboxMessage, OutboxState
from eec_bridge.tasks import TASK_FOR_DESTINATION
from eec_bridge.wakeup import wait_for_wake

log = logging.getLogger("eec_bridge.relay")
BATCH = 200
FEED = "bizportal.licences"


def claim_due(session: Session, limit: int = BATCH) -> list[tuple[str, str]]:
    """Due messages as (id, destination), leased to this relay, in one UPDATE … RETURNING.
    PostgreSQL lets several relays share the work (SKIP LOCKED); SQLite runs one."""
    outbox = table_of(OutboxMessage)
    due = (select(outbox.c.id)
           .where(outbox.c.state == OutboxState.pending, outbox.c.next_attempt_at <= utcnow())
           .order_by(outbox.c.next_attempt_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    lease = utcnow() + timedelta(seconds=get_settings().relay_lease_s)
    claimed = session.connection().execute(
        outbox.update().where(outbox.c.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=lease).returning(outbox.c.id, outbox.c.destination)).all()
    session.commit()
    return [(message_id, destination) for message_id, destination in claimed]


def relay_once() -> int:
    """Claims what is due and enqueues it, `delivery_batch_size` ids to a task."""
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


def poll_feed_once(limit: int = 50) -> int:
    """Pulls new licence applications filed on Biz Portal; each becomes a case once."""
    with Session(get_engine()) as session:
        cursor_row = session.get(FeedCursor, FEED) or FeedCursor(name=FEED)
        cursor = cursor_row.cursor or None
    try:
        page = bizportal_gateway().fetch_licence_applications(cursor, limit)
    except AdapterError as exc:
        log.warning("licence feed unavailable: %s", exc.reason)
        return 0
    opened: list[tuple[LicenceApplication, int]] = []
    with Session(get_engine()) as session:
        for item in page.items:
            case = intake.open_licence_case(session, item)
            if case is not None:
                opened.append((item, stored_id(case.id)))
        cursor_row = session.get(FeedCursor, FEED) or FeedCursor(name=FEED)
        if page.next_cursor:
            cursor_row.cursor = page.next_cursor
        cursor_row.updated_at = utcnow()
        session.add(cursor_row)
        session.commit()
    for item, case_id in opened:
        exchange_log.append(message_id=item.id, direction="in", system="bizportal",
                            endpoint="GET /api/v1/licence-applications", payload=item.as_dict(),
                            result="case opened", case_id=case_id)
    if opened:  # a poll that finds nothing new says nothing: it runs every few seconds
        log.info("licence feed: %d new application(s), case(s) %s opened", len(opened),
                 ", ".join(str(case_id) for _item, case_id in opened))
    return len(opened)


def run(stop_after_s: float | None = None) -> None:
    """The relay process: its own container, closed when it stops."""
    with installed(build(), close=True) as resources:
        _run(resources.settings, stop_after_s)


def _run(settings: Settings, stop_after_s: float | None) -> None:
    configure_logging()
    require(*events.ALL)  # flows.relay subscribes them; without, opening a feed case would fail
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
    run()  # refuses to start (core.events.Unhandled): the Procfile runs flows.relay
