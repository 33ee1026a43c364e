"""The outbox relay's claim: due messages are leased once, come back when the lease runs out,
and on PostgreSQL a second relay skips what the first one is claiming instead of waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from core.db import append_row
from core.runtime import current, get_engine
from eec_bridge.models import OutboxMessage, OutboxState
from eec_bridge.relay import claim_due

EVERYTHING = 100_000  # a limit above anything the shared test database holds
LICENCE_STATUS = {"licence_id": "LIC-0", "status": "approved", "note": ""}


def pending_message(session: Session, **values) -> str:
    message_id = append_row(session, OutboxMessage, topic="bizportal.registration",
                            destination="bizportal", aggregate_type="case", aggregate_id=0,
                            payload={}, **values)
    session.commit()
    return message_id


def claimed_ids(session: Session) -> set[str]:
    return {message_id for message_id, _destination in claim_due(session, EVERYTHING)}


def test_a_due_message_is_claimed_once_until_its_lease_runs_out(session):
    message_id = pending_message(session)
    later = pending_message(session, next_attempt_at=datetime.now(UTC) + timedelta(hours=1))
    sent = pending_message(session, state=OutboxState.sent)

    first = claimed_ids(session)
    assert message_id in first and later not in first and sent not in first
    assert message_id not in claimed_ids(session)  # leased to the first claim

    # The relay that claimed it died before the task ran: once the lease is over, it is due.
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    assert message.state == OutboxState.pending
    message.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
    session.add(message)
    session.commit()
    assert message_id in claimed_ids(session)


# SQLite runs one relay; SKIP LOCKED is how PostgreSQL runs several.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_second_relay_skips_what_the_first_is_claiming(session):
    busy = pending_message(session)
    free = pending_message(session)
    with Session(get_engine()) as first_relay:
        # The first relay is in the middle of its claim: it holds this row's lock.
        first_relay.exec(select(OutboxMessage).where(OutboxMessage.id == busy)
                         .with_for_update()).one()
        with Session(get_engine()) as second_relay:
            # Waiting for the lock would fail here instead of hanging the suite.
            second_relay.exec(text("SET LOCAL lock_timeout = '2s'"))
            claimed = claimed_ids(second_relay)  # returns at once instead of waiting
        assert free in claimed and busy not in claimed
        first_relay.rollback()
    assert busy in claimed_ids(session)


def test_a_commit_that_writes_outbox_rows_wakes_the_relay_and_a_rollback_does_not(session):
    """The relay sleeps between rounds unless woken: a commit with a new outbox message
    leaves a wake in Redis, which the relay's wait uses up; a rolled-back one leaves none."""
    from eec_bridge import topics, wakeup

    client = current().redis
    assert client is not None, "the tests run with a real Redis"
    client.delete(wakeup.WAKE_KEY)
    with Session(get_engine()) as rolled_back:
        topics.enqueue(rolled_back, 0, topics.TOPIC_BIZPORTAL_LICENCE_STATUS, LICENCE_STATUS)
        rolled_back.rollback()
    assert client.llen(wakeup.WAKE_KEY) == 0

    with Session(get_engine()) as committed:
        message_id = topics.enqueue(committed, 0, topics.TOPIC_BIZPORTAL_LICENCE_STATUS,
                                    LICENCE_STATUS)
        committed.commit()
    assert client.llen(wakeup.WAKE_KEY) == 1
    wakeup.wait_for_wake(timeout_s=30)  # woken: uses the wake up
    assert client.llen(wakeup.WAKE_KEY) == 0
    assert message_id in claimed_ids(session)
