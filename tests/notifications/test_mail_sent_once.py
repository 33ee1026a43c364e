"""An e-mail goes out once however often it is delivered. SMTP takes no idempotency key, so
the outbox row itself is the claim (eec_bridge.topics.Topic.sent_once): a delivery claims it
before talking to the mail server and marks it sent the moment the server took it. Here two
deliveries run at once against a real SMTP server that is slow to answer, a claim is left by
a delivery that died, and the server is down. Each runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from core.clock import utcnow
from core.db import stored_id
from eec_bridge import topics
from eec_bridge.delivery import deliver
from eec_bridge.models import Case, OutboxMessage, OutboxState
from mail.sink import KeepInDirectory, caught
from tests.conftest import fresh_resources
from tests.factories import NON_EEC, make_user, submitted_application
from tests.stack import free_port

SLOW_S = 1.5  # the server thinks this long before it answers DATA


class SlowServer(KeepInDirectory):
    """A mail server that takes its time to accept a mail, as a busy relay does."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(SLOW_S)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp(database_url, tmp_path) -> Iterator[tuple[Path, int]]:
    """A slow SMTP server on a free port, and the portal's settings pointed at it."""
    port = free_port()
    directory = tmp_path / "mail"
    controller = Controller(SlowServer(directory), hostname="127.0.0.1", port=port)
    controller.start()
    saved = dict(os.environ)
    os.environ.update({"EEC_SMTP_URL": f"smtp://127.0.0.1:{port}", "EEC_SMTP_TIMEOUT_S": "10",
                       "EEC_DELIVERY_BACKOFF_BASE_S": "30"})
    try:
        with fresh_resources():
            yield directory, port
    finally:
        os.environ.clear()
        os.environ.update(saved)
        controller.stop()


def a_mail(session: Session) -> str:
    """One e-mail to an applicant waiting in the outbox; its id."""
    user = make_user(session)
    app_id = submitted_application(session, user, random.Random(7), NON_EEC)
    case = session.exec(select(Case).where(Case.application_id == app_id)).one()
    message_id = topics.enqueue(session, stored_id(case.id), topics.TOPIC_MAIL_NOTIFICATION, {
        "notification_id": 1, "to": user.email, "subject": "Your company is registered",
        "body": "Juristic person number 0-2155-69000-12-3.", "lang": "en"})
    session.commit()
    return message_id


def row(session: Session, message_id: str) -> OutboxMessage:
    session.expire_all()
    found = session.get(OutboxMessage, message_id)
    assert found is not None
    return found


def test_two_deliveries_at_once_send_one_mail(smtp, session):
    directory, _port = smtp
    message_id = a_mail(session)
    outcomes: list[str] = []
    runs = [threading.Thread(target=lambda: outcomes.append(deliver(message_id)))
            for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(30)

    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(caught(directory)) == 1
    sent = row(session, message_id)
    assert sent.state == OutboxState.sent and sent.attempts == 1
    # And a delivery after that (a task handed over again) sends nothing.
    assert deliver(message_id) == "skipped"
    assert len(caught(directory)) == 1


def test_a_claim_left_by_a_dead_delivery_holds_until_it_runs_out(smtp, session):
    directory, _port = smtp
    message_id = a_mail(session)
    message = row(session, message_id)
    message.sending_until = utcnow() + timedelta(minutes=1)  # a worker died while sending
    session.add(message)
    session.commit()

    assert deliver(message_id) == "skipped"
    assert caught(directory) == [] and row(session, message_id).state == OutboxState.pending

    message = row(session, message_id)
    message.sending_until = utcnow() - timedelta(seconds=1)  # its claim ran out
    session.add(message)
    session.commit()
    assert deliver(message_id) == "sent"
    [mail] = caught(directory)
    assert mail.subject == "Your company is registered"


def test_a_server_that_is_down_frees_the_claim_for_the_retry(smtp, session):
    directory, port = smtp
    message_id = a_mail(session)
    os.environ["EEC_SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    with fresh_resources():
        assert deliver(message_id) == "retry"
    waiting = row(session, message_id)
    assert waiting.state == OutboxState.pending and waiting.sending_until is None
    assert "SMTP server unreachable" in waiting.last_error

    os.environ["EEC_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    with fresh_resources():
        assert deliver(message_id) == "sent"
    assert len(caught(directory)) == 1
