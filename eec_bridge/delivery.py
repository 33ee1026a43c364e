"""Delivering outbox messages to Biz Portal, EEC OSS and the applicants' mail server (SMTP),
and applying what comes back.

A delivery runs in three short steps: read the message, call the other side with the
message id as Idempotency-Key (no database transaction open meanwhile), then lock the case
and apply the receipt. Transient failures back off exponentially with jitter and are
retried by the relay; a refusal (4xx) becomes a case problem; an unreadable reply or too
many failures park the message where officers can replay it."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select

from bizportal import adapter as bizportal_adapter
from bizportal.gateway import BizPortalGateway
from core.clock import utcnow
from core.container import Resources
from core.db import row_update, stored_id, table_of
from core.http_adapters import AdapterError, RejectedError, SchemaError, TransientError
from core.runtime import current, get_engine, get_settings
from eec_bridge import exchange_log, topics, workflow
from eec_bridge.models import Case, OutboxMessage, OutboxState
from eec_bridge.oss import adapter as oss_adapter
from eec_bridge.oss.gateway import EecOssGateway
from mail.gateway import Mailer, SmtpMailer

log = logging.getLogger("eec_bridge.delivery")


def _open_bizportal(resources: Resources) -> BizPortalGateway:
    return bizportal_adapter.from_settings(resources.settings)


def _open_oss(resources: Resources) -> EecOssGateway:
    return oss_adapter.from_settings(resources.settings)


def _open_mailer(resources: Resources) -> Mailer:
    settings = resources.settings
    # Sent once however often it is delivered: the topic is sent_once (eec_bridge.topics).
    return SmtpMailer(settings.smtp_url, settings.mail_from, settings.smtp_timeout_s)


# Opened once per container (core/container.py `provide`), at start-up by whoever warms it up.
GATEWAYS = (_open_bizportal, _open_oss, _open_mailer)


def bizportal_gateway() -> BizPortalGateway:
    return current().provide(_open_bizportal)


def oss_gateway() -> EecOssGateway:
    return current().provide(_open_oss)


def lock_case(session: Session, case_id: int) -> Case | None:
    """Row lock on PostgreSQL, write lock on SQLite, then a fresh read: a callback and a
    receipt for the same case never overwrite each other's changes."""
    return lock_cases(session, [case_id]).get(case_id)


def lock_cases(session: Session, case_ids: list[int]) -> dict[int, Case]:
    """`lock_case` for several cases at once, locked in id order so that two transactions
    locking overlapping cases wait for each other instead of deadlocking."""
    if not case_ids:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        query = _CASES.order_by(col(Case.id)).with_for_update()
    else:  # SQLite locks the whole database for the first write
        session.connection().execute(_TOUCH_CASES, {"ids": case_ids, "updated_at": utcnow()})
        query = _CASES
    rows = session.exec(query.execution_options(populate_existing=True),
                        params={"ids": case_ids}).all()
    return {stored_id(case.id): case for case in rows}


_CASES = select(Case).where(col(Case.id).in_(bindparam("ids", expanding=True)))
_TOUCH_CASES = table_of(Case).update().where(
    table_of(Case).c.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class Call:
    """One outbound call: what to log, and how to apply its result to the case."""

    endpoint: str
    send: Callable[[], Any]
    apply: Callable[[Session, Case, Any], None]
    sent_once: bool = False  # topics.Topic.sent_once


class InFlight:
    """The result of a call not made: another delivery holds the message's claim."""


def mailer() -> Mailer:
    return current().provide(_open_mailer)


def gateway_for(destination: str) -> Any:
    """The gateway of a destination in eec_bridge.topics.DESTINATIONS."""
    return _GATEWAYS[destination]()


_GATEWAYS: dict[str, Callable[[], Any]] = {"bizportal": bizportal_gateway, "eec_oss": oss_gateway,
                                           "mail": mailer}


def _call_for(message: OutboxMessage) -> Call:
    """The registry's entry for the message's topic, bound to this message."""
    topic = topics.topic_of(message)
    p, mid = message.payload, message.id
    return Call(topic.endpoint(p),
                lambda: topic.send(gateway_for(topic.destination.name), mid, p),
                topic.apply or (lambda s, c, r: None), topic.sent_once)


def backoff(attempt: int) -> timedelta:
    """Exponential, capped, with full jitter so retries of many messages spread out."""
    settings = get_settings()
    ceiling = min(settings.delivery_backoff_max_s, settings.delivery_backoff_base_s * 2 ** attempt)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def deliver(message_id: str) -> str:
    """Delivers one message; returns what happened. Safe to run twice for the same id."""
    return deliver_many([message_id])[message_id]


def deliver_many(message_ids: list[str]) -> dict[str, str]:
    """Delivers a batch of messages: their calls go out side by side (each its own request
    with its own Idempotency-Key), then every outcome is recorded in one transaction.
    Returns what happened to each id ("sent", "retry", "rejected", "parked", "skipped")."""
    outcomes = dict.fromkeys(message_ids, "skipped")
    with Session(get_engine(), expire_on_commit=False) as session:
        messages = list(session.exec(_PENDING, params={"ids": message_ids}).all())
        session.expunge_all()
    if not messages:
        return outcomes
    results = _send_all(messages)
    with Session(get_engine()) as session:
        found = lock_cases(session, sorted({m.aggregate_id for m in messages}))
        entries = []
        for message, (endpoint, result) in zip(messages, results, strict=True):
            if isinstance(result, InFlight):
                continue  # the delivery that holds the claim records what happens
            case = found.get(message.aggregate_id)
            if isinstance(result, AdapterError):
                outcome = _record_failure(session, message, case, result)
            else:
                outcome = _record_receipt(session, message, case, result)
            if outcome != "skipped":
                outcomes[message.id] = outcome
            entries.append(exchange_log.exchange(
                message_id=message.id, direction="out", system=message.destination,
                endpoint=endpoint, payload=message.payload,
                result="ok" if outcome == "sent" else
                f"{outcome}: {type(result).__name__}: {getattr(result, 'reason', '')}",
                attempt=message.attempts + 1, case_id=message.aggregate_id))
        exchange_log.append_many(entries, session=session)
        session.commit()
    for message, (_endpoint, result) in zip(messages, results, strict=True):
        if isinstance(result, AdapterError):
            log.warning("delivery of %s to %s failed (%s, attempt %s): %s", message.id,
                        message.destination, outcomes[message.id], message.attempts + 1,
                        result.reason)
    return outcomes


_PENDING = select(OutboxMessage).where(
    col(OutboxMessage.id).in_(bindparam("ids", expanding=True)),
    OutboxMessage.state == OutboxState.pending)
# Only a message still pending is marked: a second delivery of it (a lease that ran out)
# finds it done and changes nothing.
_MARK = row_update(OutboxMessage).where(OutboxMessage.state == OutboxState.pending)


def _send_all(messages: list[OutboxMessage]) -> list[tuple[str, Any]]:
    """(endpoint, receipt or AdapterError) per message, in order; the calls run at once."""
    def send(message: OutboxMessage) -> tuple[str, Any]:
        try:
            call = _call_for(message)
        except SchemaError as exc:
            return message.topic, exc
        if call.sent_once and not _claim(message):
            return call.endpoint, InFlight()
        try:
            receipt = call.send()
        except AdapterError as exc:
            if call.sent_once:
                _release(message)
            return call.endpoint, exc
        if call.sent_once:
            _mark_sent_now(message)
        return call.endpoint, (call, receipt)

    if len(messages) == 1:
        return [send(messages[0])]
    # The container's threads: each worker process builds its own after the fork.
    return list(current().sender_pool.map(send, messages))


# A claim on a message sent once: it holds while the row is pending and no other delivery
# holds a claim that has not run out. The row is the claim, so it survives what a claim in
# Redis would not (Redis restarted, its keys gone).
_CLAIM = row_update(OutboxMessage).where(
    OutboxMessage.state == OutboxState.pending,
    or_(col(OutboxMessage.sending_until).is_(None),
        col(OutboxMessage.sending_until) < bindparam("now")))


def _sending_lease() -> timedelta:
    """Longer than any one call: an SMTP send is a connect, a login and DATA, each with its
    timeout. A delivery killed while it held the claim holds it up this long, no longer."""
    settings = get_settings()
    return timedelta(seconds=4 * max(settings.smtp_timeout_s, settings.http_timeout_s))


def _claim(message: OutboxMessage) -> bool:
    now = utcnow()
    with Session(get_engine()) as session:
        claimed = session.connection().execute(
            _CLAIM, {"row_id": message.id, "now": now,
                     "sending_until": now + _sending_lease()}).rowcount
        session.commit()
    return bool(claimed)


def _release(message: OutboxMessage) -> None:
    """The call failed: the next delivery may send it at once (after its backoff)."""
    with Session(get_engine()) as session:
        session.connection().execute(row_update(OutboxMessage),
                                     {"row_id": message.id, "sending_until": None})
        session.commit()


def _mark_sent_now(message: OutboxMessage) -> None:
    """The receiver took it: the row says so in a transaction of its own, before anything
    else can fail (a worker killed, the database busy with the receipts), so that no later
    delivery sends it again. What is left is a worker killed between the receiver's "taken"
    and this commit: then it goes out again, with the same id (for an e-mail the same
    Message-ID, which mail clients show once)."""
    with Session(get_engine()) as session:
        session.connection().execute(_MARK, _sent_values(message))
        session.commit()


def _sent_values(message: OutboxMessage) -> dict[str, Any]:
    return {"row_id": message.id, "state": OutboxState.sent, "sent_at": utcnow(),
            "attempts": message.attempts + 1, "last_error": ""}


def _record_receipt(session: Session, message: OutboxMessage, case: Case | None,
                    sent: tuple[Call, Any]) -> str:
    call, receipt = sent
    marked = session.connection().execute(_MARK, _sent_values(message)).rowcount
    if not marked and not call.sent_once:  # sent_once: marked when taken (_mark_sent_now)
        return "skipped"
    if case is not None:
        call.apply(session, case, receipt)
    return "sent"


def _record_failure(session: Session, message: OutboxMessage, case: Case | None,
                    exc: AdapterError) -> str:
    settings = get_settings()
    attempt = message.attempts + 1
    outcome: str
    values: dict[str, Any] = {"row_id": message.id, "attempts": attempt,
                              "last_error": exc.reason[:2000]}
    if isinstance(exc, RejectedError):
        outcome = values["state"] = OutboxState.rejected
    elif isinstance(exc, TransientError) and attempt < settings.delivery_max_attempts:
        outcome, values["next_attempt_at"] = "retry", utcnow() + backoff(attempt)
    else:
        outcome = values["state"] = OutboxState.parked
    if not session.connection().execute(_MARK, values).rowcount:
        return "skipped"
    if isinstance(exc, RejectedError) and case is not None:  # outcome is 'rejected'
        workflow.delivery_refused(session, case, "; ".join(exc.reasons))
    return str(outcome)
