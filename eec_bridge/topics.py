"""The registry of outbound message types, and writing them to the outbox.

Each topic is one `Topic` entry below: where it goes (a `Destination`: its Celery task and
queue), the gateway call that delivers it, what its receipt changes on the case, and the model
its payload must match. The relay, the delivery task, the Celery routes and the worker's queue
list all read this registry; adding an outbound message type is adding one entry here (and its
payload model in eec_bridge/payloads.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import event
from sqlmodel import Session

from core.db import append_row
from core.errors import N_, register_messages
from core.http_adapters import SchemaError
from core.runtime import get_settings
from eec_bridge import payloads, wakeup, workflow
from eec_bridge.models import Case, OutboxMessage
from mail.gateway import Mail


@dataclass(frozen=True)
class Destination:
    """An outside system: one Celery task and one queue of its own, so a slow partner holds
    up only its own deliveries."""

    name: str
    task: str  # the Celery task name: a contract with queued messages, never renamed
    queue: str


@dataclass(frozen=True)
class Topic:
    name: str
    destination: Destination
    payload: type[BaseModel]
    endpoint: Callable[[dict[str, Any]], str]  # for the exchange log
    # (the destination's gateway, message id, payload) → the receipt
    send: Callable[[Any, str, dict[str, Any]], Any]
    # What the receipt changes on the case, if anything.
    apply: Callable[[Session, Case, Any], None] | None = None
    # The receiver takes no idempotency key (SMTP): a second call would be a second message.
    # A delivery then claims the row before the call (OutboxMessage.sending_until), and marks
    # it sent the moment the receiver took it, before anything else can fail.
    sent_once: bool = False


def callback_url(system: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/webhooks/{system}"


BIZPORTAL = Destination("bizportal", task="eec_bridge.bizportal.deliver", queue="bizportal")
EEC_OSS = Destination("eec_oss", task="eec_bridge.eec_oss.deliver", queue="eec_oss")
# The applicants' mail server (SMTP): a queue of its own, so a slow relay delays only mail.
MAIL = Destination("mail", task="eec_bridge.mail.deliver", queue="mail")
DESTINATIONS = {d.name: d for d in (BIZPORTAL, EEC_OSS, MAIL)}

# What officers read for a destination (the exchange log's system) and a topic.
register_messages({
    "outbox.destination.bizportal": N_("Biz Portal"),
    "outbox.destination.eec_oss": N_("EEC OSS"),
    "outbox.destination.mail": N_("E-mail"),
    "outbox.topic.bizportal.registration": N_("Company registration"),
    "outbox.topic.bizportal.licence_status": N_("Licence status"),
    "outbox.topic.eec_oss.case": N_("Request for EEC privileges"),
    "outbox.topic.eec_oss.answer": N_("Answer to EEC OSS"),
    "outbox.topic.mail.notification": N_("E-mail to the applicant"),
})

TOPIC_BIZPORTAL_REGISTRATION = "bizportal.registration"
TOPIC_BIZPORTAL_LICENCE_STATUS = "bizportal.licence_status"
TOPIC_OSS_CASE = "eec_oss.case"
TOPIC_OSS_ANSWER = "eec_oss.answer"
TOPIC_MAIL_NOTIFICATION = "mail.notification"
TOPICS = {t.name: t for t in (
    Topic(TOPIC_BIZPORTAL_REGISTRATION, BIZPORTAL, payloads.RegistrationSubmission,
          endpoint=lambda p: "POST /api/v1/registrations",
          send=lambda gw, mid, p: gw.submit_registration(mid, p, callback_url("bizportal")),
          apply=lambda s, c, r: workflow.delivered_to_bizportal(s, c, r.registration_id)),
    Topic(TOPIC_BIZPORTAL_LICENCE_STATUS, BIZPORTAL, payloads.LicenceStatusUpdate,
          endpoint=lambda p: f"POST /api/v1/licence-applications/{p.get('licence_id')}/status",
          send=lambda gw, mid, p: gw.update_licence_status(mid, p["licence_id"], p["status"],
                                                           p.get("note", ""))),
    Topic(TOPIC_OSS_CASE, EEC_OSS, payloads.OssCase,
          endpoint=lambda p: "POST /api/v1/cases",
          send=lambda gw, mid, p: gw.submit_case(mid, p, callback_url("eec-oss")),
          apply=lambda s, c, r: workflow.delivered_to_oss(s, c, r.case_number)),
    Topic(TOPIC_OSS_ANSWER, EEC_OSS, payloads.OssAnswer,
          endpoint=lambda p: f"POST /api/v1/cases/{p.get('case_number')}/answers",
          send=lambda gw, mid, p: gw.answer_question(mid, p["case_number"], p["text"],
                                                     p.get("attachments", []))),
    # The message id is the mail's Message-ID.
    Topic(TOPIC_MAIL_NOTIFICATION, MAIL, payloads.MailNotification,
          endpoint=lambda p: "SMTP MAIL notification",
          send=lambda gw, mid, p: gw.send(mid, Mail(p["to"], p["subject"], p["body"],
                                                    p.get("lang", "th"))),
          sent_once=True),
)}

DEFAULT_QUEUE = "celery"  # health pings and anything without a destination


def queues() -> list[str]:
    """Every queue a worker must consume: the default one and one per destination."""
    return [DEFAULT_QUEUE] + [d.queue for d in DESTINATIONS.values()]


def topic_of(message: OutboxMessage) -> Topic:
    """The message's registry entry, its payload checked; SchemaError parks the message."""
    topic = TOPICS.get(message.topic)
    if topic is None:
        raise SchemaError(f"unknown topic {message.topic}")
    try:
        topic.payload.model_validate(message.payload)
    except ValidationError as exc:
        raise SchemaError(f"{message.topic} payload: {exc.error_count()} errors: "
                          f"{exc.errors()[0]['loc']} {exc.errors()[0]['msg']}") from exc
    return topic


# --- Writing to the outbox --------------------------------------------------------------------

OUTBOX_WRITTEN = "eec_bridge.outbox_written"


def enqueue(session: Session, case_id: int, topic: str, payload: dict[str, Any]) -> str:
    """Written in the caller's transaction: the message exists if and only if the change
    does. Returns the message id. Once the transaction commits, the relay is woken. A payload
    that does not match its topic's model raises pydantic.ValidationError."""
    entry = TOPICS[topic]
    entry.payload.model_validate(payload)
    session.info[OUTBOX_WRITTEN] = True
    return append_row(session, OutboxMessage, topic=topic, destination=entry.destination.name,
                      aggregate_type="case", aggregate_id=case_id, payload=payload)


@event.listens_for(Session, "after_commit")
def _wake_relay(session: Session) -> None:
    if session.info.pop(OUTBOX_WRITTEN, False):
        wakeup.wake()


@event.listens_for(Session, "after_rollback")
def _nothing_to_wake_for(session: Session) -> None:
    session.info.pop(OUTBOX_WRITTEN, None)
