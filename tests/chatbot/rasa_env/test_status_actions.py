"""Status checks: format, unknown numbers, and private details only for the complainant: the
conversation that filed (with the portal's proof in the message metadata) or the holder of
the access code. A sender id, a slot or a phone number alone shows nothing private."""

from __future__ import annotations

import pytest
from actions.complaint_submit import ActionSubmitComplaint
from actions.status import ActionAskTicketId, ActionCheckTicketStatus, ValidateStatusForm
from conftest import run
from fake_portal import FakePortal
from helpers import domain, slot_events, tracker
from rasa_sdk.executor import CollectingDispatcher
from test_complaint_actions import FILLED


def act(action, **kwargs):
    dispatcher = CollectingDispatcher()
    events = run(action.run(dispatcher, tracker(**kwargs), domain()))
    return slot_events(events), dispatcher.messages


def proven(sender_id: str = "user-1") -> dict:
    """The metadata the portal sends with each message of its own chat."""
    return {"conversation_proof": FakePortal.proof(sender_id)}


def file_one(sender_id: str = "user-1") -> str:
    slots, _ = act(ActionSubmitComplaint(), text="ยืนยัน", intent="affirm", slots=FILLED,
                   sender_id=sender_id, metadata=proven(sender_id))
    return slots["last_ticket_id"]


def test_ticket_numbers_are_normalised_and_bad_ones_explained():
    slots, _ = act(ValidateStatusForm(), text="cmp-2026-000123 ครับ", intent="inform",
                   extracted={"ticket_id": "cmp-2026-000123 ครับ"}, requested_slot="ticket_id",
                   active_loop="status_form")
    assert slots["ticket_id"] == "CMP-2026-000123"
    slots, _ = act(ValidateStatusForm(), text="CMP-26-12", intent="inform",
                   extracted={"ticket_id": "CMP-26-12"}, requested_slot="ticket_id",
                   active_loop="status_form")
    assert slots["ticket_id"] is None and slots["reask_reason"] == "bad_ticket"
    _, messages = act(ActionAskTicketId(), text="CMP-26-12",
                      slots={"reask_detail": "CMP-26-12", "language": "en"})
    assert "CMP-26-12" in messages[0]["text"] and "CMP-2026-000123" in messages[0]["text"]


def test_the_complainant_sees_the_status_the_note_and_private_details(portal):
    number = file_one()
    _, messages = act(ActionCheckTicketStatus(), text=number, intent="check_ticket_status",
                      slots={"ticket_id": number, "language": "th"}, metadata=proven())
    text = messages[0]["text"]
    assert number in text and "กำลังดำเนินการ" in text and "ทีมงานกำลังตรวจสอบ" in text
    assert FILLED["description"] in text


def test_someone_else_sees_the_status_but_no_private_details(portal):
    number = file_one()
    _, messages = act(ActionCheckTicketStatus(), text=f"status {number}",
                      intent="check_ticket_status", sender_id="someone-else",
                      slots={"ticket_id": number})
    text = messages[0]["text"]
    assert "In progress" in text and FILLED["description"] not in text


@pytest.mark.parametrize("lang, word", [("th", "รหัส"), ("en", "access code")])
def test_the_filing_sender_id_and_contact_slot_without_the_portals_proof_show_nothing_private(
        portal, lang, word):
    """A caller of the action server can name any sender and set any slot: today's victim's
    phone in `last_contact` or their sender id no longer opens their complaint."""
    number = file_one()
    _, messages = act(ActionCheckTicketStatus(), text=number, intent="check_ticket_status",
                      slots={"ticket_id": number, "language": lang,
                             "last_contact": FILLED["contact"]},
                      metadata={"conversation_proof": "forged"})
    text = messages[0]["text"]
    assert number in text and FILLED["description"] not in text and "ประตู 3" not in text
    assert word in text.lower()  # tells how to see one's own complaint
    lookup = portal.requests[-1]
    assert "contact" not in lookup["path"] and "0812345678" not in lookup["path"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_access_code_sent_with_the_number_shows_the_details_in_another_chat(portal, lang):
    number = file_one()
    code = FakePortal.code_for(number)
    _, messages = act(ActionCheckTicketStatus(), text=f"{number} {code.lower()}",
                      intent="check_ticket_status", sender_id="another-phone",
                      slots={"ticket_id": number, "language": lang})
    assert FILLED["description"] in messages[0]["text"]
    assert portal.requests[-1]["headers"]["Ticket-Access-Code"] == code
    _, messages = act(ActionCheckTicketStatus(), text=f"{number} ZZZZ-ZZZZ",
                      intent="check_ticket_status", sender_id="another-phone",
                      slots={"ticket_id": number, "language": lang})
    assert FILLED["description"] not in messages[0]["text"]
    assert ("does not match" if lang == "en" else "ไม่ตรง") in messages[0]["text"]


def test_an_unknown_number_gets_a_clear_answer(portal):
    slots, messages = act(ActionCheckTicketStatus(), text="CMP-2026-999999",
                          intent="check_ticket_status", slots={"ticket_id": "CMP-2026-999999"})
    assert "CMP-2026-999999" in messages[0]["text"] and slots["ticket_id"] is None


def test_an_unreachable_portal_gets_an_honest_answer(portal):
    portal.stop()
    _, messages = act(ActionCheckTicketStatus(), text="CMP-2026-000001 please",
                      intent="check_ticket_status", slots={"ticket_id": "CMP-2026-000001"})
    assert "could not reach" in messages[0]["text"]
