"""The complaint service on a real database: numbers, validation, idempotency, masking and
the status lookup's privacy."""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from complaints import contacts, repository, service
from complaints.models import Channel, Ticket, TicketEvent
from core.errors import DomainError, Invalid
from core.thai_dates import to_bangkok
from tests.conftest import COMPLAINT, create_ticket

NUMBER = re.compile(r"CMP-\d{4}-\d{6}")


def test_numbers_have_the_year_and_a_running_number(session):
    first, second = create_ticket(session), create_ticket(session)
    year = to_bangkok(repository.get_ticket(session, first).created_at).year
    assert NUMBER.fullmatch(first) and NUMBER.fullmatch(second)
    assert first.startswith(f"CMP-{year}-")
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_the_running_number_restarts_each_bangkok_year(session):
    # 31 December 18:00 UTC is already 1 January 01:00 in Bangkok.
    first = create_ticket(session, at=datetime(2039, 12, 31, 18, 0, tzinfo=UTC))
    second = create_ticket(session, at=datetime(2040, 3, 1, 9, 0, tzinfo=UTC))
    assert (first, second) == ("CMP-2040-000001", "CMP-2040-000002")


def test_concurrent_filings_never_share_a_number(session):
    from core.runtime import get_engine

    numbers: list[str] = []
    failures: list[BaseException] = []

    def file_three() -> None:
        try:
            for _ in range(3):
                with Session(get_engine()) as own:
                    numbers.append(service.file_ticket(
                        own, COMPLAINT, channel=Channel.web,
                        at=datetime(2041, 6, 1, tzinfo=UTC)).ticket.number)
                    own.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=file_three) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert sorted(numbers) == [f"CMP-2041-{n:06d}" for n in range(1, 19)]


def test_a_complaint_is_routed_and_its_history_starts(session):
    number = create_ticket(session, estate_id="wellgrow", category="power_outage")
    ticket = repository.get_ticket(session, number)
    assert ticket.team == "wellgrow/utilities" and not ticket.eec_environment
    assert ticket.consent and ticket.consent_at is not None
    assert ticket.contact_phone == "+66812345678" and ticket.contact_email == "somchai@example.com"
    keys = [e.key for e in session.exec(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id)).all()]
    assert keys == ["ticket.event.filed_web", "ticket.event.routed"]
    env = repository.get_ticket(session, create_ticket(session, category="odor"))
    assert env.eec_environment and env.team == "map-ta-phut/environment"


def test_every_invalid_field_is_reported_with_its_key(session):
    with pytest.raises(Invalid) as caught:
        service.file_ticket(session, {"estate_id": "atlantis", "category": "wastewater",
                                      "contact_phone": "12345", "contact_email": "not-an-email"},
                            channel=Channel.chatbot)
    found = {(e.field, e.key) for e in caught.value.errors}
    assert found == {("estate_id", "field.choice"),
                     ("description", "complaint.description_required"),
                     ("contact_name", "complaint.name_required"),
                     ("contact_phone", "complaint.phone_invalid"),
                     ("contact_email", "complaint.email_invalid"),
                     ("consent", "complaint.consent_required")}
    session.rollback()


def test_a_phone_or_an_email_is_enough_but_one_is_needed(session):
    only_email = {**COMPLAINT, "contact_phone": ""}
    assert service.file_ticket(session, only_email, channel=Channel.web).created
    with pytest.raises(Invalid) as caught:
        service.file_ticket(session, {**only_email, "contact_email": ""}, channel=Channel.web)
    assert [(e.field, e.key) for e in caught.value.errors] == [
        ("contact_phone", "complaint.contact_required")]
    session.rollback()


def test_a_retried_call_with_the_same_key_files_once(session):
    data = {**COMPLAINT, "conversation_id": "retry-conv"}
    first = service.file_ticket(session, data, channel=Channel.chatbot, idempotency_key="abc-1")
    session.commit()
    again = service.file_ticket(session, data, channel=Channel.chatbot, idempotency_key="abc-1")
    assert first.created and not again.created and again.ticket.id == first.ticket.id
    with pytest.raises(DomainError) as caught:
        service.file_ticket(session, {**data, "description": "Something else entirely."},
                            channel=Channel.chatbot, idempotency_key="abc-1")
    assert caught.value.key == "complaint.idempotency_reused"
    # The same key from another channel is another client's key.
    other = service.file_ticket(session, data, channel=Channel.web, idempotency_key="abc-1")
    assert other.created
    session.commit()
    assert len(session.exec(select(Ticket).where(Ticket.idempotency_key == "abc-1")).all()) == 2


def test_contacts_are_masked_for_lists_and_logs(session, caplog):
    assert contacts.mask_phone("+66812345678") == "08X-XXX-X678"
    assert contacts.mask_phone("+6638123456") == "03X-XXX-456"
    assert contacts.mask_email("somchai@example.com") == "s***@example.com"
    with caplog.at_level(logging.INFO, logger="complaints"):
        create_ticket(session)
    logged = caplog.text
    assert "08X-XXX-X678" in logged and "s***@example.com" in logged
    assert "081-234-5678" not in logged and "2345678" not in logged
    assert "somchai@example.com" not in logged


def test_only_the_complainant_sees_private_details(session):
    from complaints.models import Channel

    filing = service.file_ticket(session, {**COMPLAINT, "conversation_id": "conv-private"},
                                 channel=Channel.chatbot)
    session.commit()
    number, code = filing.ticket.number, filing.access_code
    stranger = service.lookup_status(session, number)
    assert not stranger.is_complainant and stranger.private() is None
    by_chat = service.lookup_status(session, number, conversation_id="conv-private")
    by_code = service.lookup_status(session, number, access_code=code.lower().replace("-", " "))
    for view in (by_chat, by_code):
        assert view.is_complainant
        assert view.private()["description"] == COMPLAINT["description"]
        assert view.private()["contact"] == "08X-XXX-X678 · s***@example.com"
    assert filing.ticket.access_code_hash and code not in filing.ticket.access_code_hash
    assert not service.lookup_status(session, number, access_code="ZZZZ-ZZZZ").is_complainant
    assert not service.lookup_status(session, number, conversation_id="conv-other").is_complainant


def test_scrubbed_text_hides_contacts_written_into_a_description():
    text = "Call 081-234-5678 or somchai@example.com, ID 1-2345-67890-12-1. Since 08:00."
    scrubbed = contacts.scrub_text(text)
    assert "081-234-5678" not in scrubbed and "somchai@" not in scrubbed
    assert "67890" not in scrubbed and "Since 08:00." in scrubbed
