"""The hand-offs between registration and the bridge, through flows and core.events:
submitting opens a case with a frozen copy of what was submitted, and a Biz Portal
'registered' callback reaches the application (reservation used, name on the register,
the line on the applicant's timeline). Also: an event nobody handles fails loudly, and the
topic registry is what the outbox, the delivery and the worker's queues obey."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from core.db import append_row
from core.events import Unhandled, publish, require
from core.thai_ids import format_juristic_number
from eec_bridge import delivery, topics
from eec_bridge.events import ALL as BRIDGE_EVENTS
from eec_bridge.models import Case, CaseStatus, OutboxMessage, OutboxState
from registration import repository, service
from registration.models import Application, NameReservation, RegisteredName, ReservationStatus
from tests.conftest import submitted_application
from tests.eec_bridge.test_webhooks import Webhook, event_id, juristic_number, registration_event

ROOT = Path(__file__).resolve().parent.parent.parent


def test_submitting_opens_a_case_that_keeps_what_was_submitted(browser, session):
    app_id = submitted_application(browser, operates_in_eec="no", requests_eec_privileges="no")
    application = session.get(Application, app_id)
    case = session.exec(select(Case).where(Case.application_id == app_id)).one()
    assert case.status == CaseStatus.submitted and case.reference == application.reference
    sent = session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case.id,
        OutboxMessage.topic == topics.TOPIC_BIZPORTAL_REGISTRATION)).one()
    # What goes to Biz Portal and what the case keeps are the same frozen copy.
    assert case.submission == sent.payload == service.submission_payload(session, application)
    assert case.submission["reference"] == application.reference
    assert "Application submitted with reference" in browser.get(
        f"/registration/{app_id}/status").text


def test_a_registered_callback_reaches_the_application(browser, session):
    app_id = submitted_application(browser, operates_in_eec="no", requests_eec_privileges="no")
    case = session.exec(select(Case).where(Case.application_id == app_id)).one()
    number = juristic_number(case.id)
    registered = registration_event(case, "REGISTERED", 2, juristic_number=number)
    Webhook(browser, "bizportal", []).post(registered, expect=200, result="applied registered",
                                           message_id=event_id(registered))
    session.expire_all()
    application = session.get(Application, app_id)
    reservation = session.get(NameReservation, application.reservation_id)
    assert reservation.status == ReservationStatus.used
    on_register = session.exec(select(RegisteredName).where(
        RegisteredName.juristic_number == number)).one()
    assert (on_register.name_th, on_register.name_en) == (application.name_th, application.name_en)
    timeline = repository.timeline(session, application)
    assert [(e.key, e.case_id) for e in timeline][-1] == ("event.registered", case.id)
    assert timeline[-1].params == {"juristic_number": format_juristic_number(number)}


@dataclass(frozen=True)
class NobodyListens:
    what: str


def test_an_event_nobody_handles_fails_loudly(session):
    with pytest.raises(Unhandled):
        publish(session, NobodyListens("a status change"))
    with pytest.raises(Unhandled):
        require(NobodyListens)
    require(*BRIDGE_EVENTS)  # flows is imported here, as in every process of the portal


def test_the_outbox_refuses_a_payload_its_topic_does_not_describe(session: Session):
    with pytest.raises(ValidationError):
        topics.enqueue(session, 0, topics.TOPIC_BIZPORTAL_LICENCE_STATUS, {"licence": "L-1"})
    session.rollback()


def test_a_stored_message_that_no_longer_matches_its_model_is_parked(session: Session):
    message_id = append_row(session, OutboxMessage, topic=topics.TOPIC_BIZPORTAL_LICENCE_STATUS,
                            destination="bizportal", aggregate_type="case", aggregate_id=0,
                            payload={"status": "approved"})
    session.commit()
    assert delivery.deliver(message_id) == OutboxState.parked
    session.expire_all()
    parked = session.get(OutboxMessage, message_id)
    assert "licence_id" in parked.last_error


def test_the_worker_consumes_every_queue_of_the_registry():
    from flows.worker import app

    assert {q.name for q in app.conf.task_queues} == set(topics.queues())
    for destination in topics.DESTINATIONS.values():
        assert app.conf.task_routes[destination.task] == {"queue": destination.queue}
        assert destination.task in app.tasks
    worker = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                  if line.startswith("worker:"))
    assert "-A flows.worker" in worker and " -Q " not in worker  # queues from the registry


def test_a_file_sent_with_an_answer_goes_to_eec_oss_with_the_submission(app, browser, session):
    """The bridge reads no registration table: the answer's file joins the case's copy of
    the submission, so the approved case that goes to EEC OSS lists it, as registration
    would list the application's documents."""
    from fastapi.testclient import TestClient

    from tests.conftest import Browser, create_officer, sign_in
    from tests.eec_bridge.test_desk import to_eec_review

    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with TestClient(app) as officer_client:
        officer = Browser(officer_client)
        sign_in(officer, create_officer(session))
        officer.post(f"/desk/cases/{case.id}/request-info", {"question": "Send the lease."})
        browser.post(f"/registration/{app_id}/answer", {"answer": "Attached."},
                     files={"file": ("lease.pdf", b"%PDF-1.4\nlease\n%%EOF\n", "application/pdf")})
        assert officer.post(f"/desk/cases/{case.id}/approve", {}).status_code == 303
    session.expire_all()
    sent = session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case.id, OutboxMessage.topic == topics.TOPIC_OSS_CASE)).one()
    application = session.get(Application, app_id)
    documents = sent.payload["registration"]["documents"]
    assert {"kind": "other", "filename": "lease.pdf"}.items() <= documents[-1].items()
    assert documents == service.submission_payload(session, application)["documents"]


def test_the_migration_gives_existing_cases_their_submission_back(browser, session):
    """Cases opened before the bridge kept a copy get it from their first Biz Portal message."""
    from alembic import command

    from web.bootstrap import alembic_config

    app_id = submitted_application(browser, operates_in_eec="no", requests_eec_privileges="no")
    kept = session.exec(select(Case).where(Case.application_id == app_id)).one().submission
    session.close()
    command.downgrade(alembic_config(), "3c1e5a7d9b20")
    command.upgrade(alembic_config(), "head")
    case = session.exec(select(Case).where(Case.application_id == app_id)).one()
    assert kept is not None and case.submission == kept
