"""The complaint desk's countdown (working days, hours for emergencies) in Thai and English,
and one set of words for a ticket's status on the desk, the public status page and the ticket
API that the chat assistant reads."""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, datetime, timedelta

from complaints import repository, service, statuses
from complaints.models import TicketStatus
from core.working_days import working_time_between
from tests.conftest import (
    SERVICE_TOKEN,
    choose_language,
    create_estate_operator,
    create_ticket,
    sign_in,
)

BADGE = re.compile(r'<td[^>]*><span class="badge">([^<]+)</span>')  # the status cell


def row_of(page: str, number: str) -> str:
    before, after = page.split(number, 1)
    return before.rsplit("<tr", 1)[1] + after.split("</tr>", 1)[0]


def test_every_ticket_status_has_its_words():
    assert set(statuses.STATUS_LABELS) == {s.value for s in TicketStatus}
    for status in TicketStatus:
        both = statuses.labels(status)
        assert both["en"] and both["th"] and both["th"] != both["en"], status


def test_the_desk_counts_down_to_the_next_target_in_both_languages(app, browser, session):
    now = datetime.now(UTC)
    routine = create_ticket(session, estate_id="chonburi-bowin", category="wastewater", at=now)
    outage = create_ticket(session, estate_id="chonburi-bowin", category="power_outage", at=now)
    late_at = now - timedelta(days=30)
    late = create_ticket(session, estate_id="chonburi-bowin", category="noise", at=late_at)
    late_ticket = repository.get_ticket(session, late)
    late_by = max(1, math.ceil(working_time_between(
        min(late_ticket.ack_due_at, late_ticket.resolve_due_at), now) / timedelta(days=1)))
    sign_in(browser, create_estate_operator(session, "chonburi-bowin"))
    expected = {
        "en": ("1 working day left", "24 hours left",
               f"Overdue by {late_by} working day{'s' if late_by > 1 else ''}"),
        "th": ("เหลือ 1 วันทำการ", "เหลือ 24 ชั่วโมง", f"เกินกำหนด {late_by} วันทำการ"),
    }
    for lang, (routine_left, outage_left, overdue) in expected.items():
        choose_language(browser, lang, "/desk/tickets")
        page = browser.get("/desk/tickets").text
        assert routine_left in row_of(page, routine)  # to the acknowledgement first
        assert outage_left in row_of(page, outage)
        late_row = row_of(page, late)
        assert overdue in late_row and 'class="overdue"' in late_row
        assert 'class="overdue"' not in row_of(page, routine)
    # Acknowledged, the wastewater ticket counts down to its resolve target: 3 working days.
    assert browser.post(f"/desk/tickets/{routine}/acknowledge", {}).status_code == 303
    assert "เหลือ 3 วันทำการ" in row_of(browser.get("/desk/tickets").text, routine)


def test_desk_public_page_and_api_use_the_same_status_words(app, browser, session):
    number = create_ticket(session, estate_id="wha-chonburi-1", category="odor")
    email = create_estate_operator(session, "wha-chonburi-1")
    sign_in(browser, email)
    for status in ("confirmed", "in_progress"):
        if status != "confirmed":
            assert browser.post(f"/desk/tickets/{number}/status",
                                {"status": status, "note": ""}).status_code == 303
        api = browser.client.get(f"/api/v1/tickets/{number}", headers=SERVICE_TOKEN).json()
        assert api["status_label"] == statuses.labels(status)
        for lang in ("th", "en"):
            word = statuses.labels(status)[lang]
            choose_language(browser, lang, "/desk/tickets")
            desk_row = row_of(browser.get("/desk/tickets").text, number)
            ticket_page = browser.get(f"/desk/tickets/{number}").text
            public = browser.get(f"/complaints/status?number={number}").text
            assert html.unescape(BADGE.search(desk_row).group(1)) == word
            assert f'id="ticket-status">{html.escape(word)}<' in ticket_page
            assert f'id="current-status">{html.escape(word)}<' in public
            assert word == api["status_label"][lang]


def test_a_received_ticket_is_not_also_called_not_received_in_thai(app, browser, session):
    # "รับเรื่องแล้ว" (received, the status) stood beside "ยังไม่รับเรื่อง" (not received): the
    # estate's first response is "ตอบรับเรื่อง" (acknowledge) everywhere instead.
    number = create_ticket(session, estate_id="wha-eastern-seaboard-1")
    sign_in(browser, create_estate_operator(session, "wha-eastern-seaboard-1"))
    choose_language(browser, "th", "/desk/tickets")
    row = row_of(browser.get("/desk/tickets").text, number)
    assert statuses.labels("confirmed")["th"] in row and "ยังไม่ตอบรับเรื่อง" in row
    assert "ยังไม่รับเรื่อง" not in row
    ticket_page = browser.get(f"/desk/tickets/{number}").text
    assert "กำหนดตอบรับเรื่อง" in ticket_page and ">ตอบรับเรื่อง</button>" in ticket_page
    browser.post(f"/desk/tickets/{number}/acknowledge", {})
    history = browser.get(f"/desk/tickets/{number}").text
    assert "ตอบรับเรื่องโดย" in history
    assert statuses.labels("confirmed")["th"] == service.in_both_languages(
        "ticket.status.confirmed")["th"]
