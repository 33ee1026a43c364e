"""Asking the complainant over HTTP, in Thai and English: an officer asks on the ticket desk,
the desk shows the stopped clock instead of a countdown, the complainant answers on the
public status page with the number and the access code (bad input kept and refused with a
localized 4xx), and a stranger or an officer of another estate changes nothing."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from complaints import repository, service, statuses
from complaints.models import Channel, Ticket, TicketNote, TicketStatus
from tests.conftest import (
    COMPLAINT,
    SERVICE_TOKEN,
    choose_language,
    create_estate_operator,
    create_user,
    officer_browser,
    sign_in,
)

WORDS = {
    "en": {"waiting": "Waiting for the complainant",
           "stopped": "Clock stopped: waiting for the complainant",
           "ask": "Ask the complainant", "asks_you": "The estate asks you",
           "answer_required": "Write your answer.", "too_long": "Use at most 2000 characters.",
           "sent": "Thank you: your answer reached the estate",
           "needs_code": "Only the complainant can answer",
           "wrong_code": "This access code does not match the complaint.",
           "from_complainant": "From the complainant", "back": "Investigating",
           "not_waiting": "The estate is not waiting for an answer on this complaint"},
    "th": {"waiting": "รอข้อมูลจากผู้ร้องเรียน",
           "stopped": "หยุดนับเวลา: รอคำตอบจากผู้ร้องเรียน",
           "ask": "สอบถามผู้ร้องเรียน", "asks_you": "คำถามจากนิคมอุตสาหกรรม",
           "answer_required": "กรุณาระบุคำตอบ", "too_long": "กรุณาใช้ไม่เกิน 2000 ตัวอักษร",
           "sent": "ขอบคุณ นิคมอุตสาหกรรมได้รับคำตอบของท่านแล้ว",
           "needs_code": "เฉพาะผู้ร้องเรียนเท่านั้นที่ตอบได้",
           "wrong_code": "รหัสเข้าถึงไม่ตรงกับเรื่องร้องเรียนนี้",
           "from_complainant": "จากผู้ร้องเรียน", "back": "อยู่ระหว่างตรวจสอบ",
           "not_waiting": "นิคมอุตสาหกรรมไม่ได้รอคำตอบสำหรับเรื่องร้องเรียนนี้"},
}
QUESTION = "Which canal do you mean: the one behind plant 3 or plant 4?"


def file_with_code(session, estate_id: str = "map-ta-phut") -> tuple[str, str]:
    filing = service.file_ticket(session, {**COMPLAINT, "estate_id": estate_id},
                                 channel=Channel.web, language="en")
    session.commit()
    return filing.ticket.number, filing.access_code


def fresh(session, number: str) -> Ticket:
    session.expire_all()
    return repository.get_ticket(session, number)


def notes_of(session, number: str) -> list[TicketNote]:
    ticket = fresh(session, number)
    return list(session.exec(select(TicketNote).where(TicketNote.ticket_id == ticket.id)).all())


def row_of(page: str, number: str) -> str:
    before, after = page.split(number, 1)
    return before.rsplit("<tr", 1)[1] + after.split("</tr>", 1)[0]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


def test_the_new_status_reads_the_same_in_both_languages_everywhere():
    assert statuses.labels("info_requested") == {"th": WORDS["th"]["waiting"],
                                                 "en": WORDS["en"]["waiting"]}


@pytest.mark.parametrize("lang", ["en", "th"])
def test_an_officer_asks_and_the_complainant_answers(app, browser, session, lang):
    words = WORDS[lang]
    number, code = file_with_code(session)
    with officer_browser(app, session) as officer:
        choose_language(officer, lang, "/desk/tickets")
        page = officer.get(f"/desk/tickets/{number}").text
        assert words["ask"] in text_of(page)
        # A blank question is refused on the page, in the page's language.
        blank = officer.post(f"/desk/tickets/{number}/ask", {"question": "  "})
        assert blank.status_code == 422 and 'id="e-question"' in blank.text
        assert fresh(session, number).status == TicketStatus.confirmed
        r = officer.post(f"/desk/tickets/{number}/ask", {"question": QUESTION})
        assert r.status_code == 303
        ticket = fresh(session, number)
        assert ticket.status == TicketStatus.info_requested and ticket.sla_paused_at
        page = text_of(officer.get(f"/desk/tickets/{number}").text)
        assert f'id="ticket-status">{words["waiting"]}<' in page
        assert words["stopped"] in page and QUESTION in page
        row = row_of(text_of(officer.get("/desk/tickets").text), number)
        assert words["stopped"] in row and 'class="overdue"' not in row
        assert words["waiting"] in row
        # Filtering by the new status finds it.
        assert number in officer.get("/desk/tickets?status=info_requested").text
        # The ticket API (and so the chat assistant) shows the same words.
        api = officer.client.get(f"/api/v1/tickets/{number}", headers=SERVICE_TOKEN).json()
        assert api["status"] == "info_requested" and api["open311_status"] == "open"
        assert api["status_label"][lang] == words["waiting"]
        assert api["latest_public_note"]["text"] == QUESTION

    # Open311 calls it open, with no expected time while the clock waits.
    open311 = browser.client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert open311["status"] == "open" and open311["expected_datetime"] is None

    choose_language(browser, lang, "/complaints/status")
    # Without the code: the question is public, the answer form is not.
    public = text_of(browser.get(f"/complaints/status?number={number}").text)
    assert words["waiting"] in public and QUESTION in public and words["asks_you"] in public
    assert 'action="/complaints/status/answer"' not in public
    # With the code: the form, which carries the proof on.
    mine = browser.post("/complaints/status", {"number": number, "access_code": code})
    assert mine.status_code == 200 and 'action="/complaints/status/answer"' in mine.text
    proof = {"number": number, "access_code": code}
    empty = browser.post("/complaints/status/answer", {**proof, "answer": "   "})
    assert empty.status_code == 422 and words["answer_required"] in text_of(empty.text)
    too_long = "Behind plant 4. " * 130  # over 2,000 characters
    long = browser.post("/complaints/status/answer", {**proof, "answer": too_long})
    assert long.status_code == 422 and words["too_long"] in text_of(long.text)
    assert html.escape(too_long.strip()) in long.text  # kept for the complainant to shorten
    assert fresh(session, number).status == TicketStatus.info_requested
    assert not [n for n in notes_of(session, number) if n.from_complainant]

    r = browser.post("/complaints/status/answer",
                     {**proof, "answer": "Behind plant 4, next to the pump house."})
    assert r.status_code == 303 and r.headers["location"] == f"/complaints/status?number={number}"
    after = text_of(browser.get(r.headers["location"]).text)
    assert words["sent"] in after and words["back"] in after
    ticket = fresh(session, number)
    assert ticket.status == TicketStatus.investigating and ticket.sla_paused_at is None
    # Answered already: a second answer is refused and changes nothing.
    again = browser.post("/complaints/status/answer", {**proof, "answer": "More."})
    assert again.status_code == 409 and words["not_waiting"] in text_of(again.text)
    answers = [n for n in notes_of(session, number) if n.from_complainant]
    assert [a.text for a in answers] == ["Behind plant 4, next to the pump house."]
    assert not answers[0].public

    with officer_browser(app, session) as officer:
        choose_language(officer, lang, "/desk/tickets")
        desk = text_of(officer.get(f"/desk/tickets/{number}").text)
        assert words["from_complainant"] in desk and "next to the pump house" in desk
        assert words["stopped"] not in desk
    # The answer stays off the public status and Open311.
    assert "pump house" not in browser.get(f"/complaints/status?number={number}").text
    open311 = browser.client.get(f"/open311/v2/requests/{number}.json")
    assert "pump house" not in open311.text and open311.json()[0]["expected_datetime"]


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_stranger_cannot_answer(app, browser, session, lang):
    words = WORDS[lang]
    number, _code = file_with_code(session)
    with officer_browser(app, session) as officer:
        assert officer.post(f"/desk/tickets/{number}/ask",
                            {"question": QUESTION}).status_code == 303
    before = fresh(session, number)
    paused_at, due, notes = before.sla_paused_at, before.resolve_due_at, len(
        notes_of(session, number))
    choose_language(browser, lang, "/complaints/status")
    no_code = browser.post("/complaints/status/answer",
                           {"number": number, "answer": "I am not the complainant."})
    assert no_code.status_code == 403 and words["needs_code"] in text_of(no_code.text)
    wrong = browser.post("/complaints/status/answer",
                         {"number": number, "access_code": "2345-6789",
                          "answer": "I am not the complainant."})
    assert wrong.status_code == 403 and words["wrong_code"] in text_of(wrong.text)
    missing = browser.post("/complaints/status/answer",
                           {"number": "CMP-1999-000404", "access_code": "2345-6789",
                            "answer": "Hello"})
    assert missing.status_code == 404
    # Without the CSRF token of the page, even the right form is refused.
    token_less = browser.client.post("/complaints/status/answer",
                                     data={"number": number, "answer": "x"})
    assert token_less.status_code == 403
    after = fresh(session, number)
    assert after.status == TicketStatus.info_requested
    assert (after.sla_paused_at, after.resolve_due_at) == (paused_at, due)
    assert len(notes_of(session, number)) == notes


def test_only_staff_who_may_change_the_ticket_can_ask(app, browser, session):
    number, _code = file_with_code(session, estate_id="siam-eastern")
    sign_in(browser, create_estate_operator(session, "padaeng"))
    r = browser.post(f"/desk/tickets/{number}/ask", {"question": QUESTION})
    assert r.status_code == 403
    assert fresh(session, number).status == TicketStatus.confirmed
    browser.client.cookies.clear()
    create_user(browser)  # an applicant has no desk at all
    assert browser.post(f"/desk/tickets/{number}/ask",
                        {"question": QUESTION}).status_code == 403
    ticket = fresh(session, number)
    assert ticket.status == TicketStatus.confirmed and ticket.sla_paused_at is None
    assert not notes_of(session, number)
    # The estate's own operator may.
    browser.client.cookies.clear()
    sign_in(browser, create_estate_operator(session, "siam-eastern"))
    assert browser.post(f"/desk/tickets/{number}/ask",
                        {"question": QUESTION}).status_code == 303
    assert fresh(session, number).status == TicketStatus.info_requested
    # Asking again while it waits is refused on the page.
    again = browser.post(f"/desk/tickets/{number}/ask", {"question": "And when?"})
    assert again.status_code == 409 and 'id="action-error"' in again.text
