"""Callbacks from Biz Portal and EEC OSS over HTTP, on a real submitted application: signed
callbacks in each system's wire format are applied once and never move a case backwards;
unsigned, wrongly signed, stale, malformed and unknown ones are refused and change nothing;
every signed callback, accepted or not, lands in the exchange log (a badly signed one is
counted elsewhere, tests/security/test_webhook_refusals.py), and the log still verifies."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select
from stdnum.th import moa

from core.http_adapters import signature_headers
from core.runtime import get_settings
from core.thai_ids import format_juristic_number
from eec_bridge import exchange_log, workflow
from eec_bridge.delivery import lock_case
from eec_bridge.models import (
    Case,
    CaseStatus,
    ExchangeEntry,
    InboxMessage,
    InfoRequest,
    OutboxMessage,
)
from registration.models import ApplicationEvent
from tests.conftest import Browser, submitted_application

STALE_S = 301 + 300  # well past the 300 s a signature stays fresh


def occurred_at() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def wire(event: dict[str, Any]) -> bytes:
    """Serialised the way both sandboxes send it."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


def registration_event(case: Case, status: str, sequence: int, *,
                       juristic_number: str | None = None, registration_id: str | None = None,
                       reference: str | None = None) -> bytes:
    """A Biz Portal `RegistrationEvent` (bizportal/schemas.py)."""
    return wire({"eventId": str(uuid.uuid4()), "eventType": "registration.status_changed",
                 "sequence": sequence,
                 "registrationId": registration_id or case.bizportal_id or f"BP-REG-T-{case.id}",
                 "externalReference": reference or case.reference, "status": status,
                 "juristicPersonNumber": juristic_number, "reasons": [],
                 "occurredAt": occurred_at()})


def case_event(case: Case, state: str, sequence: int, *, question: tuple[str, str] | None = None,
               case_number: str | None = None, reference: str | None = None) -> bytes:
    """An EEC OSS `CaseEvent` (eec_bridge/oss/schemas.py)."""
    return wire({"eventId": str(uuid.uuid4()), "eventType": "case.state_changed",
                 "sequence": sequence, "caseNumber": case_number or case.oss_case_number,
                 "sourceReference": reference or case.reference,
                 "caseType": "COMPANY_REGISTRATION", "state": state,
                 "juristicNumber": case.juristic_number,
                 "question": {"th": question[0], "en": question[1]} if question else None,
                 "reason": None,
                 "approvalNumber": "EECO-2026-000001" if state == "APPROVED" else None,
                 "occurredAt": occurred_at()})


def event_id(body: bytes) -> str:
    return json.loads(body)["eventId"]


def juristic_number(case_id: int) -> str:
    """A number as DBD builds them (office 21, company, BE 2569, running number, check digit)."""
    stem = f"0215569{case_id % 100000:05d}"[:12]
    return stem + moa.calc_check_digit(stem)


def secret(system: str) -> str:
    settings = get_settings()
    key = settings.bizportal_webhook_secret if system == "bizportal" \
        else settings.eec_oss_webhook_secret
    return key.get_secret_value()


@dataclass
class Webhook:
    """Posts callbacks to one of our webhooks and remembers what the log should show."""

    browser: Browser
    system: str  # the path segment: "bizportal" or "eec-oss"
    expected: list[tuple[str, str, bytes]]  # (result prefix, message id, body) in order

    def post(self, body: bytes, headers: dict[str, str] | None = None, *,
             signed: bool = True, expect: int, result: str, message_id: str = "-"):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if signed and headers is None:
            sent.update(signature_headers(secret(self.system), body))
        r = self.browser.client.post(f"/webhooks/{self.system}", content=body, headers=sent)
        assert r.status_code == expect, r.text
        if expect != 401:  # a callback refused for its signature stays out of the log
            self.expected.append((f"{expect} {result}", message_id, body))
        return r


def fresh(session: Session) -> None:
    """Callbacks commit on the app's own connections: forget what this session has read."""
    session.rollback()
    session.expire_all()


def snapshot(session: Session, case_id: int) -> dict[str, Any]:
    """Everything a callback could change about a case."""
    fresh(session)
    case = session.get(Case, case_id)
    assert case is not None

    def count(model, *where) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return {"case": case.model_dump(),
            "events": count(ApplicationEvent, ApplicationEvent.case_id == case_id),
            "info_requests": count(InfoRequest, InfoRequest.case_id == case_id),
            "outbox": count(OutboxMessage, OutboxMessage.aggregate_id == case_id),
            "inbox": count(InboxMessage)}


def case_of(session: Session, app_id: int) -> Case:
    fresh(session)
    return session.exec(select(Case).where(Case.application_id == app_id)).one()


def events(session: Session, case_id: int, key: str) -> int:
    fresh(session)
    return session.exec(select(func.count()).select_from(ApplicationEvent).where(
        ApplicationEvent.case_id == case_id, ApplicationEvent.key == key)).one()


def last_seq(session: Session) -> int:
    fresh(session)
    return session.exec(select(func.max(ExchangeEntry.seq))).one() or 0


def assert_logged(session: Session, since: int, hook: Webhook, system: str,
                  case_id: int) -> None:
    """One inbound entry per callback, in order, with its result and the body's digest;
    the whole chain still verifies."""
    fresh(session)
    entries = session.exec(select(ExchangeEntry).where(ExchangeEntry.seq > since)
                           .order_by(ExchangeEntry.seq)).all()  # type: ignore[arg-type]
    assert len(entries) == len(hook.expected), [e.result for e in entries]
    for entry, (result, message_id, body) in zip(entries, hook.expected, strict=True):
        assert entry.direction == "in" and entry.system == system
        assert entry.result.startswith(result), (entry.result, result)
        assert entry.message_id == message_id
        assert entry.payload_sha256 == hashlib.sha256(body).hexdigest()
        assert entry.case_id == (case_id if result[:3] == "200" else None)
    verification = exchange_log.verify(session)
    assert verification.ok, verification


def refuse_bad_callbacks(session: Session, hook: Webhook, case: Case, tempting: bytes,
                         unknown: bytes) -> None:
    """Unsigned, wrongly signed, stale, malformed and unknown-case callbacks: each refused,
    none changing anything. `tempting` is a callback that would change the case."""
    before = snapshot(session, case.id)
    hook.post(tempting, {}, expect=401, result="signature missing")
    hook.post(tempting, signature_headers("not-the-shared-secret", tempting),
              expect=401, result="signature mismatch")
    hook.post(tempting, signature_headers(secret(hook.system), tempting,
                                          now=time.time() - STALE_S),
              expect=401, result="signature stale")
    # Signed with the right secret, but not what the other side sends.
    malformed = tempting.replace(b'"sequence":', b'"seq":')
    hook.post(malformed, expect=400, result="malformed callback")
    hook.post(b"<html>gateway error</html>", expect=400, result="malformed callback")
    hook.post(unknown, expect=404, result="unknown case", message_id=event_id(unknown))
    assert snapshot(session, case.id) == before


def test_bizportal_callbacks(browser, session):
    app_id = submitted_application(browser, operates_in_eec="no", requests_eec_privileges="no")
    case = case_of(session, app_id)
    assert case.status == CaseStatus.submitted
    since = last_seq(session)
    hook = Webhook(browser, "bizportal", [])
    number = juristic_number(case.id)
    registered = registration_event(case, "REGISTERED", 2, juristic_number=number)
    unknown = registration_event(case, "REGISTERED", 2, juristic_number=number,
                                 registration_id="BP-REG-2099-999999", reference="REG-2099-999999")
    refuse_bad_callbacks(session, hook, case, registered, unknown)

    hook.post(registered, expect=200, result="applied registered",
              message_id=event_id(registered))
    case = case_of(session, app_id)
    assert case.status == CaseStatus.registered and case.juristic_number == number
    assert case.closed_at is not None  # nothing follows for a company outside the EEC
    status_page = browser.get(f"/registration/{app_id}/status").text
    shown = format_juristic_number(number)  # grouped as on Thai registry documents
    assert f"Company registered. Juristic person number {shown}." in status_page
    assert f'id="juristic-number">{shown}<' in status_page

    # Biz Portal retries a callback it thinks we missed: applied once, answered 200.
    before = snapshot(session, case.id)
    r = hook.post(registered, expect=200, result="duplicate event ignored",
                  message_id=event_id(registered))
    assert r.json()["key"] == "webhook.duplicate"
    assert snapshot(session, case.id) == before
    assert events(session, case.id, "event.registered") == 1
    fresh(session)
    assert len(session.exec(select(InboxMessage).where(
        InboxMessage.source == "bizportal",
        InboxMessage.event_id == event_id(registered))).all()) == 1

    # IN_REVIEW (sequence 1) arrives after the decision (sequence 2): acknowledged, ignored.
    late = registration_event(case, "IN_REVIEW", 1)
    hook.post(late, expect=200, result="stale in_review ignored", message_id=event_id(late))
    after = snapshot(session, case.id)
    assert after["case"]["status"] == CaseStatus.registered
    assert after["case"]["bizportal_sequence"] == 2
    assert events(session, case.id, "event.bizportal_in_review") == 0
    assert "Biz Portal is reviewing" not in browser.get(f"/registration/{app_id}/status").text

    assert_logged(session, since, hook, "bizportal", case.id)


def test_eec_oss_callbacks(browser, session):
    app_id = submitted_application(browser, requests_eec_privileges="no")
    case = case_of(session, app_id)
    # Registered by Biz Portal's callback, which queues the case for EEC OSS …
    registered = registration_event(case, "REGISTERED", 2,
                                    juristic_number=juristic_number(case.id))
    Webhook(browser, "bizportal", []).post(registered, expect=200, result="applied registered")
    case = case_of(session, app_id)
    assert case.status == CaseStatus.registered and case.closed_at is None
    # … and EEC OSS's receipt for it, applied the way delivery applies it.
    oss_number = f"OSS-2026-T{case.id:06d}"
    locked = lock_case(session, case.id)
    assert locked is not None
    workflow.delivered_to_oss(session, locked, oss_number)
    session.commit()
    case = case_of(session, app_id)
    assert case.status == CaseStatus.with_eec_oss

    since = last_seq(session)
    hook = Webhook(browser, "eec-oss", [])
    approved_early = case_event(case, "APPROVED", 2)
    unknown = case_event(case, "APPROVED", 2, case_number="OSS-2099-999999",
                         reference="REG-2099-999999")
    refuse_bad_callbacks(session, hook, case, approved_early, unknown)

    question = ("โปรดส่งสัญญาเช่าที่ดินในนิคมอุตสาหกรรม", "Please send the estate land lease.")
    info = case_event(case, "INFO_REQUESTED", 2, question=question)
    hook.post(info, expect=200, result="applied info_requested", message_id=event_id(info))
    hook.post(info, expect=200, result="duplicate event ignored", message_id=event_id(info))
    # The IN_REVIEW that preceded the question arrives last: it must not reopen the review.
    late = case_event(case, "IN_REVIEW", 1)
    hook.post(late, expect=200, result="stale in_review ignored", message_id=event_id(late))

    case = case_of(session, app_id)
    assert case.status == CaseStatus.info_requested and case.oss_sequence == 2
    fresh(session)
    requests = session.exec(select(InfoRequest).where(InfoRequest.case_id == case.id)).all()
    assert [(r.origin, r.question_th, r.question_en) for r in requests] == [
        ("eec_oss", *question)]
    assert events(session, case.id, "event.oss_in_review") == 0
    status_page = browser.get(f"/registration/{app_id}/status").text
    assert 'id="info-request"' in status_page and question[1] in status_page

    lease = b"%PDF-1.4\n% estate land lease\n%%EOF\n"
    r = browser.post(f"/registration/{app_id}/answer",
                     {"answer": "The lease is attached to this answer."},
                     files={"file": ("lease.pdf", lease, "application/pdf")},
                     page=f"/registration/{app_id}/status")
    assert r.status_code == 303, r.text[:2000]
    case = case_of(session, app_id)
    assert case.status == CaseStatus.with_eec_oss
    fresh(session)
    answers = session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case.id, OutboxMessage.topic == "eec_oss.answer")).all()
    assert len(answers) == 1
    assert answers[0].destination == "eec_oss"
    payload = answers[0].payload
    assert (payload["case_number"], payload["text"]) == (
        oss_number, "The lease is attached to this answer.")
    # The file goes with the answer, in the form EEC OSS takes (sha256 and file name).
    assert len(payload["document_ids"]) == 1
    assert payload["attachments"] == [{"sha256": hashlib.sha256(lease).hexdigest(),
                                       "filename": "lease.pdf"}]

    in_review = case_event(case, "IN_REVIEW", 3)
    hook.post(in_review, expect=200, result="applied in_review", message_id=event_id(in_review))
    approved = case_event(case, "APPROVED", 4)
    hook.post(approved, expect=200, result="applied approved", message_id=event_id(approved))
    case = case_of(session, app_id)
    assert case.status == CaseStatus.approved and case.closed_at is not None
    # A closed case stays closed, even for a newer event.
    reopened = case_event(case, "INFO_REQUESTED", 5, question=question)
    hook.post(reopened, expect=200, result="stale info_requested ignored",
              message_id=event_id(reopened))
    assert case_of(session, app_id).status == CaseStatus.approved
    status_page = browser.get(f"/registration/{app_id}/status").text
    assert "EEC OSS is reviewing the case." in status_page and "Approved." in status_page
    assert 'id="info-request"' not in status_page

    assert_logged(session, since, hook, "eec_oss", case.id)


def batch(*events: bytes) -> bytes:
    """A batch callback as both sandboxes send it."""
    return wire({"events": [json.loads(e) for e in events]})


def test_a_batch_is_answered_per_event_and_applied_once(browser, session):
    """Two applications' events in one signed POST, with a duplicate, a stale one, an
    unknown case and an event of the wrong shape among them: each event gets its own
    result, in order; the good ones are applied, the rest change nothing, and each is one
    entry in the log."""
    first = case_of(session, submitted_application(browser, operates_in_eec="no",
                                                   requests_eec_privileges="no"))
    second = case_of(session, submitted_application(browser, operates_in_eec="no",
                                                    requests_eec_privileges="no"))
    since = last_seq(session)
    in_review = registration_event(first, "IN_REVIEW", 1)
    registered = registration_event(first, "REGISTERED", 2,
                                    juristic_number=juristic_number(first.id))
    late = registration_event(second, "IN_REVIEW", 1)
    other = registration_event(second, "REGISTERED", 2,
                               juristic_number=juristic_number(second.id))
    unknown = registration_event(first, "REGISTERED", 2, juristic_number=juristic_number(1),
                                 registration_id="BP-REG-2099-999999",
                                 reference="REG-2099-999999")
    malformed = registered.replace(b'"sequence":2', b'"seq":2')
    sent = [in_review, registered, other, late, in_review, unknown, malformed]
    body = batch(*sent)
    r = browser.client.post("/webhooks/bizportal", content=body, headers={
        "Content-Type": "application/json", **signature_headers(secret("bizportal"), body)})

    assert r.status_code == 200 and r.json()["key"] == "webhook.batch"
    results = r.json()["results"]
    assert [(x["status"], x["detail"]) for x in results] == [
        (200, "applied in_review"), (200, "applied registered"), (200, "applied registered"),
        (200, "stale in_review ignored"), (200, "duplicate event ignored"),
        (404, "unknown case"), (400, results[6]["detail"])]
    assert results[6]["detail"].startswith("malformed callback")
    assert [x["eventId"] for x in results[:6]] == [event_id(e) for e in sent[:6]]
    for case in (first, second):
        now = case_of(session, case.application_id)
        assert now.status == CaseStatus.registered
        assert now.juristic_number == juristic_number(case.id)
        assert events(session, case.id, "event.registered") == 1
    assert events(session, second.id, "event.bizportal_in_review") == 0

    fresh(session)
    entries = session.exec(select(ExchangeEntry).where(ExchangeEntry.seq > since)
                           .order_by(ExchangeEntry.seq)).all()  # type: ignore[arg-type]
    assert [e.result.split(" ", 1)[0] for e in entries] == ["200"] * 5 + ["404", "400"]
    assert [e.payload_sha256 for e in entries[:6]] == [
        exchange_log.payload_digest(json.loads(e)) for e in sent[:6]]
    assert exchange_log.verify(session).ok

    # The whole batch again, as a sender retries a POST whose answer it lost: nothing new.
    before = [snapshot(session, first.id), snapshot(session, second.id)]
    r = browser.client.post("/webhooks/bizportal", content=body, headers={
        "Content-Type": "application/json", **signature_headers(secret("bizportal"), body)})
    assert [x["key"] for x in r.json()["results"][:5]] == ["webhook.duplicate"] * 5
    assert [snapshot(session, first.id), snapshot(session, second.id)] == before


def test_a_batch_that_is_not_a_list_of_events_is_refused_whole(browser, session):
    since = last_seq(session)
    for body in (wire({"events": []}), wire({"events": {"eventId": "x"}})):
        r = browser.client.post("/webhooks/eec-oss", content=body, headers={
            "Content-Type": "application/json", **signature_headers(secret("eec-oss"), body)})
        assert r.status_code == 400 and r.json()["key"] == "webhook.malformed"
    fresh(session)
    assert [e.result[:3] for e in session.exec(select(ExchangeEntry).where(
        ExchangeEntry.seq > since)).all()] == ["400", "400"]
