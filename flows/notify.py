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
from eec_bridge.models import Case, InfoRequest
from flows.certificate import certificate_path
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


def info_request_key(case_id: int, request_id: int | None) -> str:
    # A case may be asked more than once; each request is an event of its own.
    return f"case:{case_id}:{NotificationKind.info_requested}:{request_id}"


def on_case_event(session: Session, event: CaseEventRecorded) -> None:
    if event.application_id is None or event.case_id is None:
        return
    if event.key == "event.info_answered":
        _request_answered(session, event.case_id)
        return
    kind = KIND_OF_EVENT.get(event.key)
    if kind is None or event.internal:
        return
    event_key = f"case:{event.case_id}:{kind}"
    params: dict[str, Any] = {k: v for k, v in event.params.items() if k in _TEXTS}
    if kind == NotificationKind.info_requested:
        request_id = session.exec(select(InfoRequest.id).where(
            InfoRequest.case_id == event.case_id).order_by(col(InfoRequest.id).desc())).first()
        event_key = info_request_key(event.case_id, request_id)
    elif kind == NotificationKind.approved:
        # What was approved: the privileges asked for, or (none asked for) the company's
        # operation in the EEC, which EEC OSS records.
        case = session.get(Case, event.case_id)
        params[notices.PRIVILEGES] = bool(case is not None and case.requests_privileges)
    notify_applicant(session, event.application_id, event.case_id, kind, event_key, params)


def _request_answered(session: Session, case_id: int) -> None:
    """The answered request's notification no longer asks for an answer (see
    notifications.service.mark_answered)."""
    request_id = session.exec(select(InfoRequest.id).where(
        InfoRequest.case_id == case_id, col(InfoRequest.answered_at).is_not(None))
        .order_by(col(InfoRequest.answered_at).desc(), col(InfoRequest.id).desc())).first()
    if request_id is not None:
        notices.mark_answered(session, info_request_key(case_id, request_id))


def on_company_registered(session: Session, event: CompanyRegistered) -> None:
    if event.application_id is None:  # a licence case from the Biz Portal feed
        return
    params = {"juristic_number": format_juristic_number(event.juristic_number)}
    case = session.get(Case, event.case_id)
    if case is not None and case.juristic_number and case.certificate_code:
        # The notification's button downloads it (the route refuses a case without both).
        params[notices.CERTIFICATE_URL] = certificate_path(event.application_id)
    notify_applicant(session, event.application_id, event.case_id, NotificationKind.registered,
                     f"case:{event.case_id}:registered", params)


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
