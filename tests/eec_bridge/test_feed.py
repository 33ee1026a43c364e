"""Licence applications filed on Biz Portal for EEC businesses come across to EEC OSS, and
EEC OSS's decision travels back to Biz Portal: feed cursor → case → EEC OSS → callback →
status update, over HTTP against both sandboxes and the portal's own webhook."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlmodel import select

from eec_bridge import delivery, relay
from eec_bridge.models import Case, CaseStatus, OutboxMessage, OutboxState
from tests.sandboxes import serve_in_thread


@pytest.fixture
def live(database_url, monkeypatch):
    from bizportal.sandbox import app as bizportal_app
    from core.runtime import current
    from eec_bridge.oss.sandbox import app as oss_app
    from tests.conftest import fresh_resources
    from web.app import create_app

    servers = {"bizportal": serve_in_thread(bizportal_app), "oss": serve_in_thread(oss_app)}
    # The portal answers the sandboxes' callbacks on the database's container; this test's
    # deliveries use a fresh one that points at the sandboxes and the portal.
    portal = serve_in_thread(create_app(current()))
    monkeypatch.setenv("EEC_BIZPORTAL_URL", servers["bizportal"].base_url)
    monkeypatch.setenv("EEC_EEC_OSS_URL", servers["oss"].base_url)
    monkeypatch.setenv("EEC_BASE_URL", portal.base_url)
    with fresh_resources():
        for server in servers.values():
            httpx.post(f"{server.base_url}/_sandbox/reset", timeout=5)
            httpx.post(f"{server.base_url}/_sandbox/config", json={"decision_delay_s": 0.1},
                       timeout=5)
        yield servers
    for server in (*servers.values(), portal):
        server.stop()
    monkeypatch.undo()


def deliver_pending(session, case_ids: set[int]) -> int:
    """What a worker does for the relay, in this process, for these cases' messages only
    (other tests share the database)."""
    session.expire_all()
    due = session.exec(select(OutboxMessage).where(
        OutboxMessage.state == OutboxState.pending,
        OutboxMessage.aggregate_id.in_(case_ids))).all()  # type: ignore[attr-defined]
    for message in due:
        delivery.deliver(message.id)
    return len(due)


def wait_for(predicate, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_licence_applications_travel_to_eec_oss_and_decisions_back(live, session):
    bizportal = live["bizportal"].base_url
    httpx.post(f"{bizportal}/_sandbox/licence-applications", json={"generate": 3},
               timeout=5).raise_for_status()
    assert relay.poll_feed_once() == 3
    assert relay.poll_feed_once() == 0  # the cursor moved on: nothing is opened twice
    feed_cases = session.exec(select(Case).where(Case.licence_id.is_not(None))  # type: ignore[union-attr]
                              .order_by(Case.id.desc()).limit(3)).all()  # type: ignore[union-attr]
    assert len(feed_cases) == 3 and {c.status for c in feed_cases} == {CaseStatus.received}
    kinds = {"factory_licence", "work_permit", "investment_promotion"}
    assert {c.kind for c in feed_cases} <= kinds

    case_ids = {c.id for c in feed_cases}
    assert deliver_pending(session, case_ids) == 3

    def all_approved() -> bool:
        session.expire_all()
        return all(session.get(Case, c.id).status == CaseStatus.approved for c in feed_cases)

    try:
        wait_for(all_approved)
    except AssertionError:
        session.expire_all()
        states = [(c.status, c.oss_case_number, c.problem) for c in
                  (session.get(Case, i) for i in case_ids)]
        callbacks = httpx.get(f"{live['oss'].base_url}/_sandbox/callbacks", timeout=5).json()
        raise AssertionError(f"cases {states}; OSS callbacks {str(callbacks)[:1500]}") from None
    assert deliver_pending(session, case_ids) == 3  # the decisions go back to Biz Portal
    stats = httpx.get(f"{bizportal}/_sandbox/stats", timeout=5).json()
    assert stats["licence_status_updates"] == 3
    session.expire_all()
    pending = session.exec(select(OutboxMessage)
                           .where(OutboxMessage.state != OutboxState.sent)).all()
    assert [m for m in pending if m.aggregate_id in {c.id for c in feed_cases}] == []
