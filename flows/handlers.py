"""Which context reacts to which domain event. One line a subscription; flows/__init__.py
runs `subscribe_all` on import."""

from __future__ import annotations

from sqlmodel import Session

from core.events import subscribe
from eec_bridge.events import CaseEventRecorded, CompanyRegistered
from flows import notify, submission
from registration import outcomes
from registration.events import ApplicationSubmitted


def _timeline_line(session: Session, event: CaseEventRecorded) -> None:
    outcomes.record_case_event(
        session, application_id=event.application_id, case_id=event.case_id,
        status=event.status, key=event.key, params=event.params, internal=event.internal,
        actor_id=event.actor_id)


def _company_registered(session: Session, event: CompanyRegistered) -> None:
    outcomes.company_registered(
        session, application_id=event.application_id, case_id=event.case_id,
        status=event.status, juristic_number=event.juristic_number, name_th=event.name_th,
        name_en=event.name_en)


def subscribe_all() -> None:
    subscribe(ApplicationSubmitted, submission.open_case)
    subscribe(CaseEventRecorded, _timeline_line)
    subscribe(CaseEventRecorded, notify.on_case_event)
    subscribe(CompanyRegistered, _company_registered)
    subscribe(CompanyRegistered, notify.on_company_registered)
