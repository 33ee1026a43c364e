"""Telling an applicant what happened to their application: which case events concern them,
the notification (notifications/) and its e-mail, written to the outbox (eec_bridge.topics) in
the transaction of the change itself, so the mail exists if and only if the change does, and
the relay, the Celery worker and their retries deliver it like every other message.

Each event has a key of its own (the case and what happened; a request for information also
its request's id): the same event told twice, a callback delivered again, is one notification
and so one e-mail."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.accounts.models import User
from core.db import stored_id
from core.runtime import get_settings
from core.thai_ids import format_juristic_number
from eec_bridge import topics
from eec_bridge.events import CaseEventRecorded, CompanyRegistered
from eec_bridge.models import InfoRequest
from notifications import service as notices
from notifications.models import NotificationKind
from registration.models import Application

# Timeline lines that concern the applicant; the company registered comes as its own event.
KIND_OF_EVENT = {
    "event.info_requested": NotificationKind.info_requested,
    "event.approved": NotificationKind.approved,
    "event.rejected": NotificationKind.rejected,
    "event.bizportal_rejected": NotificationKind.rejected,
}
# Free text that travels with the event (each with its Thai twin).
_TEXTS = ("question", "question_th", "reason", "reason_th")


def on_case_event(session: Session, event: CaseEventRecorded) -> None:
    kind = KIND_OF_EVENT.get(event.key)
    if kind is None or event.internal or event.application_id is None or event.case_id is None:
        return
    event_key = f"case:{event.case_id}:{kind}"
    if kind == NotificationKind.info_requested:
        # A case may be asked more than once; each request is an event of its own.
        request_id = session.exec(select(InfoRequest.id).where(
            InfoRequest.case_id == event.case_id).order_by(col(InfoRequest.id).desc())).first()
        event_key = f"{event_key}:{request_id}"
    params = {k: v for k, v in event.params.items() if k in _TEXTS}
    notify_applicant(session, event.application_id, event.case_id, kind, event_key, params)


def on_company_registered(session: Session, event: CompanyRegistered) -> None:
    if event.application_id is None:  # a licence case from the Biz Portal feed
        return
    notify_applicant(session, event.application_id, event.case_id, NotificationKind.registered,
                     f"case:{event.case_id}:registered",
                     {"juristic_number": format_juristic_number(event.juristic_number)})


def notify_applicant(session: Session, application_id: int, case_id: int,
                     kind: NotificationKind, event_key: str, params: dict[str, Any]) -> None:
    application = session.get(Application, application_id)
    user = session.get(User, application.user_id) if application is not None else None
    if application is None or user is None:
        return
    notification = notices.notify(
        session, user_id=stored_id(user.id), application_id=application_id, kind=kind,
        event_key=event_key, params={**params, "reference": application.reference or "",
                                     "name_th": application.name_th,
                                     "name_en": application.name_en})
    if notification is None:
        return
    link = f"{get_settings().base_url.rstrip('/')}/registration/{application_id}/status"
    mail = notices.email(notification, user, link=link)
    topics.enqueue(session, case_id, topics.TOPIC_MAIL_NOTIFICATION, {
        "notification_id": stored_id(notification.id), "to": mail.to, "subject": mail.subject,
        "body": mail.body, "lang": mail.lang})
