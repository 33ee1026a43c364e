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
    "notice.approved": N_("Your application is approved"),
    "notice.approved.detail": N_("The EEC Office approved your application."),
    "notice.approved.action": N_("See your application"),
    "notice.registered": N_("Your company is registered"),
    "notice.registered.detail": N_("Juristic person number {juristic_number}."),
    "notice.registered.action": N_("Download certificate"),
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


def wording(notification: Notification) -> Wording:
    """The notification in the current language."""
    kind, params = notification.kind, notification.params
    return Wording(message(f"notice.{kind}"), message(f"notice.{kind}.detail", params),
                   message(f"notice.{kind}.action"))


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
