"""Notifications: writing one per event (once), their wording in a given language for the
portal and for e-mail, and the owner's list. Services never commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.accounts.models import User
from core.clock import utcnow
from core.errors import N_, NotFound, register_messages
from core.i18n import format_date, get_locale, message, set_locale
from core.i18n import gettext as _
from notifications.models import Notification, NotificationKind

register_messages({
    "notice.info_requested": N_("An officer needs more information"),
    "notice.info_requested.detail": N_("The officer asks: {question}"),
    "notice.info_requested.action": N_("Answer the officer's request"),
    "notice.info_requested.action.answered": N_("See your answer"),
    "notice.approved": N_("Your application is approved"),
    "notice.approved.detail": N_("Your application was approved."),
    "notice.approved.detail.privileges": N_(
        "Your company is granted the EEC privileges it requested."),
    "notice.approved.detail.operation": N_(
        "EEC OSS recorded your company's operation in the EEC. You did not request EEC "
        "privileges."),
    "notice.approved.action": N_("See your application"),
    "notice.registered": N_("Your company is registered"),
    "notice.registered.detail": N_("Juristic person number {juristic_number}."),
    "notice.registered.action": N_("Download certificate"),
    "notice.registered.action.no_certificate": N_("See your application"),
    "notice.rejected": N_("Your application was rejected"),
    "notice.rejected.detail": N_("Reason: {reason}"),
    "notice.rejected.action": N_("See the reason"),
})


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Words in `lang` for the block (an e-mail is written for its reader, not the request)."""
    previous = get_locale()
    set_locale(lang)
    try:
        yield
    finally:
        set_locale(previous)


def notify(session: Session, *, user_id: int, application_id: int | None,
           kind: NotificationKind, event_key: str, params: dict[str, Any]) -> Notification | None:
    """The notification of an event, or None when that event was told already."""
    if session.exec(select(Notification.id).where(Notification.event_key == event_key)).first():
        return None
    notification = Notification(user_id=user_id, application_id=application_id, kind=kind,
                                event_key=event_key, params=params)
    session.add(notification)
    session.flush()
    return notification


@dataclass(frozen=True)
class Wording:
    title: str
    detail: str
    action: str


# What a notification's params may say besides the wording's own values, set by flows.notify:
CERTIFICATE_URL = "certificate_url"  # registered: the certificate to download, once there is one
PRIVILEGES = "privileges"  # approved: whether the applicant requested EEC privileges
ANSWERED = "answered"  # info_requested: the applicant has answered the request


def _detail_key(notification: Notification) -> str:
    key, params = f"notice.{notification.kind}.detail", notification.params
    if notification.kind == NotificationKind.approved and PRIVILEGES in params:
        # What was approved depends on what was asked for (older rows say neither).
        return f"{key}.privileges" if params[PRIVILEGES] else f"{key}.operation"
    return key


def _action_key(notification: Notification) -> str:
    key, params = f"notice.{notification.kind}.action", notification.params
    if notification.kind == NotificationKind.registered and not params.get(CERTIFICATE_URL):
        return f"{key}.no_certificate"
    if notification.kind == NotificationKind.info_requested and params.get(ANSWERED):
        return f"{key}.answered"
    return key


def wording(notification: Notification) -> Wording:
    """The notification in the current language; the action says what its button does."""
    return Wording(message(f"notice.{notification.kind}"),
                   message(_detail_key(notification), notification.params),
                   message(_action_key(notification)))


def target(notification: Notification) -> str:
    """Where the notification's button leads: the certificate itself when it offers the
    download, the applicant's answers once a request is answered, else the status page."""
    if notification.application_id is None:
        return "/notifications"
    status = f"/registration/{notification.application_id}/status"
    params = notification.params
    if notification.kind == NotificationKind.registered and params.get(CERTIFICATE_URL):
        return str(params[CERTIFICATE_URL])
    if notification.kind == NotificationKind.info_requested and params.get(ANSWERED):
        return f"{status}#answered-requests"
    return status


def mark_answered(session: Session, event_key: str) -> None:
    """The request this notification asked the applicant to answer is answered: it is read,
    and its button now leads to the answer."""
    notification = session.exec(
        select(Notification).where(Notification.event_key == event_key)).first()
    if notification is None:
        return
    # A new dict, so the JSON column is seen as changed.
    notification.params = {**notification.params, ANSWERED: True}
    notification.read_at = notification.read_at or utcnow()
    session.add(notification)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    lang: str


def email(notification: Notification, user: User, *, link: str) -> Email:
    """The e-mail of a notification, in the user's language (Thai dates in the Buddhist
    Era); `link` is the application's page."""
    lang = "en" if user.preferred_lang == "en" else "th"
    reference = notification.params.get("reference", "")
    company = notification.params.get("name_th" if lang == "th" else "name_en", "")
    with in_language(lang):
        words = wording(notification)
        subject = _("%(title)s: application %(reference)s", title=words.title,
                    reference=reference)
        body = "\n\n".join([
            _("Dear %(name)s,", name=user.full_name),
            # The title as a sentence, punctuated by the catalog: Thai ends one without a ".".
            _("%(title)s.", title=words.title),
            words.detail,
            _("Application %(reference)s, %(company)s, on %(date)s.", reference=reference,
              company=company, date=format_date(notification.created_at)),
            _("Open your application: %(link)s", link=link),
            _("This e-mail was sent by the EEC Business One-Stop. Please do not reply to it; "
              "sign in to the portal to answer."),
        ])
    return Email(to=user.email, subject=subject, body=body, lang=lang)


def notifications_of(session: Session, user: User, limit: int = 100) -> list[Notification]:
    return list(session.exec(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(limit)).all())


def unread_count(session: Session, user_id: int) -> int:
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None))).one()


def own_notification(session: Session, user: User, notification_id: int) -> Notification:
    """Someone else's notification does not exist for this user (404, not 403: its id
    says nothing)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound()
    return notification


def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    notification = own_notification(session, user, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.add(notification)
    return notification


def mark_all_read(session: Session, user: User, at: datetime | None = None) -> None:
    for notification in session.exec(select(Notification).where(
            Notification.user_id == user.id, col(Notification.read_at).is_(None))).all():
        notification.read_at = at or utcnow()
        session.add(notification)
