"""Callbacks refused for their signature (none, a wrong one, a stale one) prove nothing
about who sent them, so they must not grow the tamper-evident exchange log: a stranger
posting thousands of them would bury the real exchanges. They are counted and the latest
few kept, in Redis, and the log is warned about them at most once a minute."""

from __future__ import annotations

import logging
import time

from sqlalchemy import func
from sqlmodel import select

from core.http_adapters import signature_headers
from eec_bridge import exchange_log, refusals
from eec_bridge.models import ExchangeEntry

BODY = b'{"eventId": "e-1", "status": "REGISTERED"}'


def log_size(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(ExchangeEntry)).one()


def test_badly_signed_callbacks_are_counted_not_logged_in_the_chain(browser, session, caplog):
    before_rows, before_count = log_size(session), refusals.counts().get("bizportal", 0)
    attempts = [{}, signature_headers("not-the-shared-secret", BODY),
                signature_headers("not-the-shared-secret", BODY, now=time.time() - 3600)]
    with caplog.at_level(logging.WARNING, logger="eec_bridge.webhooks"):
        for i in range(refusals.KEEP + 10):
            r = browser.client.post("/webhooks/bizportal", content=BODY, headers={
                "Content-Type": "application/json", **attempts[i % 3]})
            assert r.status_code == 401
            assert r.headers["content-type"] == "application/problem+json"
    # The chain did not grow and still verifies.
    assert log_size(session) == before_rows
    assert exchange_log.verify(session).ok
    # Counted, and the latest kept (without their bodies) up to the cap.
    assert refusals.counts()["bizportal"] == before_count + refusals.KEEP + 10
    kept = refusals.recent()
    assert len(kept) == refusals.KEEP
    assert {e["reason"] for e in kept[:3]} == {"signature missing", "signature mismatch",
                                               "signature stale"}
    assert kept[0]["system"] == "bizportal" and kept[0]["bytes"] == len(BODY)
    assert kept[0]["peer"] == "testclient" and "body" not in kept[0]
    # The log hears of them at most once a minute, not once a callback.
    warnings = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(warnings) <= 1
