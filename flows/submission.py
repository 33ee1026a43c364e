"""Submitting an application opens a case. Registration checks and freezes the application
and announces ApplicationSubmitted with the frozen payload; here the bridge opens the case
with that payload and queues its delivery to Biz Portal, in the same transaction, so either
everything is saved or nothing is. Pages that show an application beside its case find the
case with `case_of`."""

from __future__ import annotations

from sqlmodel import Session, select

from eec_bridge.intake import open_registration_case
from eec_bridge.models import Case
from registration.events import ApplicationSubmitted
from registration.models import Application


def open_case(session: Session, event: ApplicationSubmitted) -> None:
    open_registration_case(session, event.application_id, event.submission)


def case_of(session: Session, application: Application) -> Case | None:
    """The case a submitted application opened; None for a draft."""
    return session.exec(select(Case).where(Case.application_id == application.id)).first()
