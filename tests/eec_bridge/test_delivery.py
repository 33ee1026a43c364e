"""`eec_bridge.delivery.deliver` against both sandboxes served over HTTP on free ports:
success, retries with backoff, parking and replay, refused content, unreadable replies and
lost replies. The sandboxes decide after an hour, so no callback fires during a test: this
is about the outbound leg."""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session, select
from stdnum.th import moa

from bizportal.sandbox import BizPortalSandboxSettings
from bizportal.sandbox import create_app as bizportal_sandbox
from core.accounts.models import User
from eec_bridge import actions, callbacks, delivery, exchange_log, topics
from eec_bridge.delivery import deliver, lock_case
from eec_bridge.models import Case, CaseStatus, ExchangeEntry, OutboxMessage, OutboxState
from eec_bridge.oss.sandbox import OssSandboxSettings
from eec_bridge.oss.sandbox import create_app as oss_sandbox
from registration.models import ApplicationEvent
from tests.conftest import create_officer, fresh_resources, sign_in
from tests.factories import EEC_NO_PRIVILEGES, NON_EEC, make_user, submitted_application
from tests.sandboxes import ServerHandle, serve_in_thread

MAX_ATTEMPTS = 3
NEVER_S = 3600  # decision delay: no callback during a test


@dataclass
class Sandboxes:
    bizportal: ServerHandle
    oss: ServerHandle

    def url(self, system: str) -> str:
        return (self.bizportal if system == "bizportal" else self.oss).base_url

    def configure(self, system: str, **config) -> None:
        r = httpx.post(f"{self.url(system)}/_sandbox/config", json=config, timeout=5)
        r.raise_for_status()

    def stats(self, system: str) -> dict:
        return httpx.get(f"{self.url(system)}/_sandbox/stats", timeout=5).json()


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[Sandboxes]:
    handles = Sandboxes(
        serve_in_thread(bizportal_sandbox(BizPortalSandboxSettings(decision_delay_s=NEVER_S))),
        serve_in_thread(oss_sandbox(OssSandboxSettings(decision_delay_s=NEVER_S))))
    yield handles
    handles.bizportal.stop()
    handles.oss.stop()


@pytest.fixture
def bridge(database_url, sandboxes) -> Iterator[Sandboxes]:
    """Settings pointed at fresh sandboxes, with few attempts and a long backoff; the
    environment is put back afterwards."""
    for system in ("bizportal", "oss"):
        httpx.post(f"{sandboxes.url(system)}/_sandbox/reset", timeout=5).raise_for_status()
    saved = dict(os.environ)
    os.environ.update({
        "EEC_BIZPORTAL_URL": sandboxes.bizportal.base_url,
        "EEC_EEC_OSS_URL": sandboxes.oss.base_url,
        "EEC_DELIVERY_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "EEC_DELIVERY_BACKOFF_BASE_S": "30", "EEC_DELIVERY_BACKOFF_MAX_S": "600",
        "EEC_HTTP_TIMEOUT_S": "5",
    })
    try:
        with fresh_resources():
            yield sandboxes
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- helpers --------------------------------------------------------------------------------


def fresh(session: Session, model, key):
    """A fresh read: deliver() and the app commit on their own connections."""
    session.rollback()
    return session.get(model, key, populate_existing=True)


def registration_message(session: Session, eec: dict[str, str] = NON_EEC) -> OutboxMessage:
    """A submitted application, made by the registration services; its Biz Portal message."""
    app_id = submitted_application(session, make_user(session), random.Random(), eec)
    session.commit()
    case = session.exec(select(Case).where(Case.application_id == app_id)).one()
    return session.exec(select(OutboxMessage).where(OutboxMessage.aggregate_id == case.id)).one()


def with_one_promoter(session: Session, message: OutboxMessage) -> OutboxMessage:
    """Our wizard insists on two promoters; a payload that slipped through with one does not
    get past the registrar either."""
    payload = copy.deepcopy(message.payload)
    for person in payload["people"]["shareholder"][1:]:
        person["is_promoter"] = False
    message.payload = payload
    session.add(message)
    session.commit()
    return message


def oss_message(session: Session) -> OutboxMessage:
    """A company registered in the EEC without privileges: its EEC OSS message."""
    registration = registration_message(session, EEC_NO_PRIVILEGES)
    assert deliver(registration.id) == "sent"
    # Biz Portal's decision, applied the way its callback applies it.
    case = lock_case(session, registration.aggregate_id)
    assert case is not None
    stem = f"0215569{case.id % 100000:05d}"
    callbacks.register_company(session, case, stem + moa.calc_check_digit(stem))
    session.commit()
    return session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case.id, OutboxMessage.topic == topics.TOPIC_OSS_CASE)).one()


def logged(session: Session, message_id: str) -> list[ExchangeEntry]:
    session.rollback()
    session.expire_all()
    return list(session.exec(select(ExchangeEntry).where(ExchangeEntry.message_id == message_id)
                             .order_by(ExchangeEntry.seq)).all())  # type: ignore[arg-type]


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def officer_browser(browser, session: Session):
    sign_in(browser, create_officer(session))
    return browser


# --- tests ----------------------------------------------------------------------------------


def test_delivered_message_is_sent_and_logged(bridge, session):
    message = registration_message(session)
    assert deliver(message.id) == "sent"

    sent = fresh(session, OutboxMessage, message.id)
    assert (sent.state, sent.attempts, sent.last_error) == (OutboxState.sent, 1, "")
    assert sent.sent_at is not None
    case = session.get(Case, message.aggregate_id)
    assert case.status == CaseStatus.with_bizportal and case.bizportal_id
    registration = delivery.bizportal_gateway().get_registration(case.bizportal_id)
    assert registration.our_reference == case.reference
    assert session.exec(select(ApplicationEvent).where(
        ApplicationEvent.case_id == case.id,
        ApplicationEvent.key == "event.sent_to_bizportal")).one().params == {
        "receipt": case.bizportal_id}
    [entry] = logged(session, message.id)
    assert (entry.direction, entry.system, entry.endpoint, entry.result, entry.attempt,
            entry.case_id) == ("out", "bizportal", "POST /api/v1/registrations", "ok", 1, case.id)
    assert entry.payload_sha256 == exchange_log.payload_digest(message.payload)

    # Delivering the same message again (a task run twice) does nothing.
    assert deliver(message.id) == "skipped"
    stats = bridge.stats("bizportal")
    assert (stats["unique_submissions"], stats["requests"], stats["duplicate_records"]) == (1, 2, 0)


def test_eec_oss_case_is_sent_and_logged(bridge, session):
    message = oss_message(session)
    assert deliver(message.id) == "sent"
    case = fresh(session, Case, message.aggregate_id)
    assert case.status == CaseStatus.with_eec_oss and case.oss_case_number
    remote = delivery.oss_gateway().get_case(case.oss_case_number)
    assert remote.our_reference == case.reference
    assert [(e.direction, e.system, e.result) for e in logged(session, message.id)] == [
        ("out", "eec_oss", "ok")]
    assert bridge.stats("oss")["unique_submissions"] == 1


def test_down_retries_then_parks_and_replay_delivers_once(bridge, session, browser):
    message = registration_message(session)
    bridge.configure("bizportal", down=True)

    before = datetime.now(UTC)
    assert deliver(message.id) == "retry"
    waiting = fresh(session, OutboxMessage, message.id)
    assert (waiting.state, waiting.attempts) == (OutboxState.pending, 1)
    assert aware(waiting.next_attempt_at) > before  # backed off, not due again at once
    assert "503" in waiting.last_error

    outcomes = [deliver(message.id) for _ in range(MAX_ATTEMPTS - 1)]
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 2) + ["parked"]
    parked = fresh(session, OutboxMessage, message.id)
    assert (parked.state, parked.attempts) == (OutboxState.parked, MAX_ATTEMPTS)
    assert parked.last_error == "Biz Portal answered 503"
    assert deliver(message.id) == "skipped"  # a parked message waits for an officer

    officer = officer_browser(browser, session)
    page = officer.get("/desk/dead-letters").text
    assert message.id in page and "Biz Portal answered 503" in page
    # What it is and where it goes, in words; the codes stay in the program.
    assert "Company registration" in page and "bizportal.registration" not in page
    bridge.configure("bizportal", down=False)
    r = officer.post(f"/desk/dead-letters/{message.id}/replay", {}, page="/desk/dead-letters")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/desk/dead-letters", r.headers
    replayed = fresh(session, OutboxMessage, message.id)
    assert (replayed.state, replayed.attempts) == (OutboxState.pending, 0)
    listed = officer.get("/desk/dead-letters").text
    assert message.id not in listed
    done = "The message is back in line and will be delivered again."
    assert done in listed and done not in officer.get("/desk/dead-letters").text  # said once

    assert deliver(message.id) == "sent"
    assert deliver(message.id) == "skipped"
    assert fresh(session, OutboxMessage, message.id).state == OutboxState.sent
    stats = bridge.stats("bizportal")
    assert (stats["unique_submissions"], stats["duplicate_records"]) == (1, 0)
    assert stats["faults"] == {"down": MAX_ATTEMPTS}
    results = [e.result.split(":")[0] for e in logged(session, message.id)]
    assert results == ["retry"] * (MAX_ATTEMPTS - 1) + ["parked", "ok"]


def test_refused_content_is_a_case_problem_not_a_retry(bridge, session, browser):
    message = with_one_promoter(session, registration_message(session))

    assert deliver(message.id) == "rejected"
    refused = fresh(session, OutboxMessage, message.id)
    assert (refused.state, refused.attempts) == (OutboxState.rejected, 1)
    assert "TOO_FEW_PROMOTERS" in refused.last_error
    case = session.get(Case, message.aggregate_id)
    assert case.status == CaseStatus.submitted
    assert case.problem == ("shareholders: A company needs at least 2 promoters; found 1. "
                            "(TOO_FEW_PROMOTERS)")
    assert deliver(message.id) == "skipped"  # not retried
    assert bridge.stats("bizportal")["requests"] == 1

    page = officer_browser(browser, session).get(f"/desk/cases/{case.id}").text
    assert 'id="case-problem"' in page
    assert "A company needs at least 2 promoters; found 1." in page
    [entry] = logged(session, message.id)
    assert entry.result.startswith("rejected: RejectedError: Biz Portal refused the request (422)")


def test_unreadable_reply_is_parked_with_the_reason(bridge, session):
    message = registration_message(session)
    bridge.configure("bizportal", malformed_reply_rate=1)
    assert deliver(message.id) == "parked"
    parked = fresh(session, OutboxMessage, message.id)
    assert (parked.state, parked.attempts) == (OutboxState.parked, 1)
    assert parked.last_error.startswith(
        "Biz Portal reply to POST /api/v1/registrations is not a RegistrationAccepted")
    case = session.get(Case, message.aggregate_id)
    assert case.status == CaseStatus.submitted and case.bizportal_id is None
    [entry] = logged(session, message.id)
    assert entry.result.startswith("parked: SchemaError: ")

    # Biz Portal did the work before its reply went wrong: a replay, with the same
    # Idempotency-Key, is answered from its idempotency store instead of registering again.
    bridge.configure("bizportal", malformed_reply_rate=0)
    officer = session.exec(select(User).where(User.email == create_officer(session))).one()
    actions.replay(session, parked, officer)
    session.commit()
    assert deliver(message.id) == "sent"
    assert fresh(session, Case, message.aggregate_id).bizportal_id
    stats = bridge.stats("bizportal")
    assert (stats["unique_submissions"], stats["duplicate_requests"],
            stats["duplicate_records"]) == (1, 1, 0)


@pytest.mark.parametrize("system", ["bizportal", "oss"])
def test_lost_reply_is_retried_into_the_same_record(bridge, session, system):
    message = registration_message(session) if system == "bizportal" else oss_message(session)
    if system == "oss":
        # A running worker holds a token already; otherwise the token's reply is lost first.
        delivery.oss_gateway().client.access_token()
    bridge.configure(system, lost_reply_rate=1)
    assert deliver(message.id) == "retry"
    stats = bridge.stats(system)
    # The other side registered it and then the reply was lost on the way back.
    assert stats["unique_submissions"] == 1 and stats["faults"] == {"lost_reply": 1}
    case = fresh(session, Case, message.aggregate_id)
    assert case.bizportal_id is None if system == "bizportal" else case.oss_case_number is None

    bridge.configure(system, lost_reply_rate=0)
    assert deliver(message.id) == "sent"
    case = fresh(session, Case, message.aggregate_id)
    if system == "bizportal":
        remote = delivery.bizportal_gateway().get_registration(case.bizportal_id)
    else:
        remote = delivery.oss_gateway().get_case(case.oss_case_number)
    assert remote.our_reference == case.reference
    stats = bridge.stats(system)
    assert (stats["unique_submissions"], stats["duplicate_requests"],
            stats["duplicate_records"]) == (1, 1, 0)
    assert stats["by_reference"] == {case.reference: 1}
    assert [e.result.split(":")[0] for e in logged(session, message.id)] == ["retry", "ok"]


def test_a_batch_delivers_each_message_once_and_keeps_a_refusal_to_its_own_case(bridge, session):
    """The worker's task takes a batch: the calls go out side by side, each with its own
    Idempotency-Key; one refused message becomes its case's problem, the rest are sent."""
    messages = [registration_message(session) for _ in range(4)]
    refused = with_one_promoter(session, messages[2])
    ids = [m.id for m in messages]

    outcomes = delivery.deliver_many(ids)
    assert outcomes == {m.id: "rejected" if m is refused else "sent" for m in messages}
    for message in messages:
        case = fresh(session, Case, message.aggregate_id)
        if message is refused:
            assert case.status == CaseStatus.submitted and "TOO_FEW_PROMOTERS" in case.problem
        else:
            assert case.status == CaseStatus.with_bizportal and case.bizportal_id
        [entry] = logged(session, message.id)
        assert entry.result.split(":")[0] == ("rejected" if message is refused else "ok")
    # Run again (a lease ran out): nothing is pending, nothing is sent twice.
    assert delivery.deliver_many(ids) == dict.fromkeys(ids, "skipped")
    stats = bridge.stats("bizportal")
    assert (stats["unique_submissions"], stats["duplicate_records"]) == (3, 0)
    assert exchange_log.verify(session).ok
