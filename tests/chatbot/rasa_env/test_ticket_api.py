"""The ticket API client against a real HTTP server: contract, typed errors, retries."""

from __future__ import annotations

import socket

import pytest
from actions.settings import get_settings
from actions.ticket_api import (
    ComplaintFiling,
    HttpTicketAPI,
    TicketApiRejected,
    TicketApiUnavailable,
    TicketInvalid,
    TicketNotFound,
)
from conftest import run
from fake_portal import FakePortal


def filing(**changes) -> ComplaintFiling:
    fields = dict(estate_id="map-ta-phut", category="odor", description="กลิ่นเหม็นมาก",
                  contact_name="สมชาย ใจดี", contact_phone="+66812345678", language="th",
                  conversation_id="user-1", location="ประตู 3")
    fields.update(changes)
    return ComplaintFiling(**fields)


def test_filing_sends_the_contract_and_reads_the_ticket(portal):
    ticket = run(HttpTicketAPI().file_ticket(filing(), "chatbot:user-1:abc"))
    assert ticket.number == "CMP-2026-000001"
    assert ticket.status_label == {"th": "รับเรื่องแล้ว", "en": "Received"}
    assert ticket.ack_due_at and ticket.resolve_due_at
    request = portal.requests[-1]
    assert request["headers"]["Authorization"] == f"Bearer {FakePortal.TOKEN}"
    assert request["headers"]["Idempotency-Key"] == "chatbot:user-1:abc"
    assert request["headers"]["Accept-Language"] == "th"
    assert request["body"] == {
        "estate_id": "map-ta-phut", "category": "odor", "description": "กลิ่นเหม็นมาก",
        "location": "ประตู 3", "contact_name": "สมชาย ใจดี", "contact_phone": "+66812345678",
        "contact_email": "", "language": "th", "channel": "chatbot",
        "conversation_id": "user-1", "consent": True}


def test_an_outage_is_retried_with_the_same_key_and_files_once(portal):
    portal.fail_next = 2
    ticket = run(HttpTicketAPI().file_ticket(filing(), "chatbot:user-1:retry"))
    assert ticket.number == "CMP-2026-000001"
    posts = [r for r in portal.requests if r["method"] == "POST"]
    assert len(posts) == 3
    assert {r["headers"]["Idempotency-Key"] for r in posts} == {"chatbot:user-1:retry"}
    # A later retry of the same filing gets the same ticket back, not a second one.
    again = run(HttpTicketAPI().file_ticket(filing(), "chatbot:user-1:retry"))
    assert again.number == ticket.number and len(portal.tickets) == 1


def test_a_lasting_outage_is_reported_as_unavailable(portal):
    portal.fail_next = 10
    with pytest.raises(TicketApiUnavailable):
        run(HttpTicketAPI().file_ticket(filing(), "k"))
    posts = [r for r in portal.requests if r["method"] == "POST"]
    assert len(posts) == get_settings().submit_attempts


def test_nobody_listening_is_unavailable(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("EEC_PORTAL_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("EEC_CHATBOT_BACKOFF_S", "0.01")
    with pytest.raises(TicketApiUnavailable):
        run(HttpTicketAPI().file_ticket(filing(), "k"))
    with pytest.raises(TicketApiUnavailable):
        run(HttpTicketAPI().ticket_status("CMP-2026-000001"))


def test_refused_fields_come_back_as_typed_problems(portal):
    with pytest.raises(TicketInvalid) as refused:
        run(HttpTicketAPI().file_ticket(filing(contact_phone="12345", description=""), "k"))
    assert refused.value.key == "error.invalid_input"
    assert {p.field for p in refused.value.errors} == {"contact_phone", "description"}


def test_a_wrong_token_is_rejected_without_retries(portal, monkeypatch):
    monkeypatch.setenv("EEC_CHATBOT_SERVICE_TOKEN", "wrong")
    with pytest.raises(TicketApiRejected) as rejected:
        run(HttpTicketAPI().file_ticket(filing(), "k"))
    assert rejected.value.status == 401
    assert len(portal.requests) == 1


def test_status_lookup_and_private_details(portal):
    filed = run(HttpTicketAPI().file_ticket(filing(), "k",
                                            conversation_proof=FakePortal.proof("user-1")))
    number = filed.number
    assert filed.access_code == FakePortal.code_for(number)
    mine = run(HttpTicketAPI().ticket_status(number, conversation_id="user-1",
                                             conversation_proof=FakePortal.proof("user-1")))
    assert mine.is_complainant and mine.private["description"] == "กลิ่นเหม็นมาก"
    assert mine.status_label["en"] == "In progress"
    assert mine.latest_public_note["text"]
    other = run(HttpTicketAPI().ticket_status(number, conversation_id="someone-else"))
    assert not other.is_complainant and other.private is None
    unproven = run(HttpTicketAPI().ticket_status(number, conversation_id="user-1"))
    assert not unproven.is_complainant and unproven.private is None
    by_code = run(HttpTicketAPI().ticket_status(number, access_code=filed.access_code))
    assert by_code.is_complainant and by_code.private["location"] == "ประตู 3"
    assert portal.requests[-1]["headers"]["Ticket-Access-Code"] == filed.access_code
    with pytest.raises(TicketNotFound):
        run(HttpTicketAPI().ticket_status("CMP-2026-999999"))
