"""The complaint desk over HTTP: role checks, an estate operator's view of their own estate,
masked contacts in the inbox, status changes with notes, merging duplicates, overdue
highlighting, paging and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from complaints import inbox, repository, service
from complaints.models import Ticket, TicketStatus
from core import inbox as core_inbox
from core.accounts.models import User
from tests.conftest import (
    Browser,
    choose_language,
    create_estate_operator,
    create_officer,
    create_ticket,
    create_user,
    officer_browser,
    sign_in,
)


def user_named(session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def fresh(session, number: str) -> Ticket:
    session.expire_all()
    return repository.get_ticket(session, number)


def test_the_desk_needs_a_desk_role(app, browser, session):
    number = create_ticket(session)
    browser.client.cookies.clear()
    r = browser.get("/desk/tickets", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
    create_user(browser)  # an applicant
    for path in ("/desk/tickets", "/desk/tickets/dashboard", f"/desk/tickets/{number}"):
        assert browser.get(path).status_code == 403, path
    assert browser.post(f"/desk/tickets/{number}/assign", {}).status_code == 403
    assert fresh(session, number).assignee_id is None


def test_an_estate_operator_sees_only_their_estate(app, browser, session):
    own = create_ticket(session, estate_id="siam-eastern", category="noise")
    other = create_ticket(session, estate_id="padaeng", category="noise")
    sign_in(browser, create_estate_operator(session, "siam-eastern"))
    page = browser.get("/desk/tickets").text
    assert own in page and other not in page
    assert other not in browser.get("/desk/tickets?estate=padaeng").text
    assert browser.get(f"/desk/tickets/{own}").status_code == 200
    assert browser.get(f"/desk/tickets/{other}").status_code == 403
    assert browser.post(f"/desk/tickets/{other}/acknowledge", {}).status_code == 403
    assert fresh(session, other).acknowledged_at is None
    assert browser.get("/desk").status_code == 403  # the registration case desk is not theirs
    with officer_browser(app, session) as officer:
        both = officer.get("/desk/tickets?category=noise").text
        assert own in both and other in both
    with TestClient(app) as nowhere_client:
        nowhere = Browser(nowhere_client)
        # An operator account whose estate was removed (accounts can't be created so)
        # must see nothing rather than everything.
        email = create_estate_operator(session, "padaeng")
        from core.accounts.models import User

        orphan = session.exec(select(User).where(User.email == email)).one()
        orphan.estate_id = None
        session.add(orphan)
        session.commit()
        sign_in(nowhere, email)
        assert own not in nowhere.get("/desk/tickets").text


def test_the_inbox_masks_contacts_and_the_ticket_page_shows_them(app, browser, session):
    number = create_ticket(session, estate_id="yamato")
    sign_in(browser, create_officer(session))
    inbox_page = browser.get("/desk/tickets?estate=yamato").text
    assert number in inbox_page and "08X-XXX-X678" in inbox_page
    assert "s***@example.com" in inbox_page
    assert "081-234-5678" not in inbox_page and "somchai@example.com" not in inbox_page
    ticket_page = browser.get(f"/desk/tickets/{number}").text
    assert "081-234-5678" in ticket_page and "somchai@example.com" in ticket_page


def test_closing_needs_a_note_and_a_public_note_reaches_the_complainant(app, browser, session):
    number = create_ticket(session, estate_id="asia-rayong")
    sign_in(browser, create_officer(session))
    r = browser.post(f"/desk/tickets/{number}/status", {"status": "fixed", "note": ""})
    assert r.status_code == 422 and 'id="e-note"' in r.text
    assert fresh(session, number).status == TicketStatus.confirmed
    r = browser.post(f"/desk/tickets/{number}/status",
                     {"status": "in_progress", "note": "Team on site.", "public": "on"})
    assert r.status_code == 303
    browser.post(f"/desk/tickets/{number}/note", {"note": "Owner of plant 3 warned."})
    r = browser.post(f"/desk/tickets/{number}/status",
                     {"status": "fixed", "note": "The leaking pipe was replaced.", "public": "on"})
    assert r.status_code == 303
    ticket = fresh(session, number)
    assert ticket.status == TicketStatus.fixed and ticket.closed_at is not None
    assert ticket.acknowledged_at is not None
    history = browser.get(f"/desk/tickets/{number}").text
    assert "Status changed from Received to In progress." in history
    assert "Status changed from In progress to Fixed." in history
    assert "Private note: Owner of plant 3 warned." in history
    status = browser.get(f"/complaints/status?number={number}").text
    assert "The leaking pipe was replaced." in status and "Owner of plant 3" not in status


def test_assign_to_me_and_acknowledge(app, browser, session):
    number = create_ticket(session, estate_id="pinthong")
    email = create_estate_operator(session, "pinthong")
    sign_in(browser, email)
    assert browser.post(f"/desk/tickets/{number}/assign", {}).status_code == 303
    assert browser.post(f"/desk/tickets/{number}/acknowledge", {}).status_code == 303
    ticket = fresh(session, number)
    assert ticket.assignee_id == user_named(session, email).id
    assert ticket.acknowledged_at is not None
    assert number in browser.get("/desk/tickets?mine=1").text


def test_merging_a_duplicate_writes_both_histories(app, browser, session):
    original = create_ticket(session, estate_id="blue-tech-city", category="odor")
    duplicate = create_ticket(session, estate_id="blue-tech-city", category="odor")
    elsewhere = create_ticket(session, estate_id="tfd", category="odor")
    sign_in(browser, create_officer(session))
    r = browser.post(f"/desk/tickets/{duplicate}/merge", {"original": elsewhere})
    assert r.status_code == 422 and "same industrial estate" in r.text
    r = browser.post(f"/desk/tickets/{duplicate}/merge", {"original": duplicate})
    assert r.status_code == 422
    r = browser.post(f"/desk/tickets/{duplicate}/merge", {"original": original.lower()})
    assert r.status_code == 303
    merged = fresh(session, duplicate)
    assert merged.status == TicketStatus.duplicate and merged.closed_at is not None
    assert merged.duplicate_of_id == fresh(session, original).id
    assert f"Marked as a duplicate of {original}." in browser.get(f"/desk/tickets/{duplicate}").text
    assert f"{duplicate} was merged into this ticket as a duplicate." in \
        browser.get(f"/desk/tickets/{original}").text
    assert browser.post(f"/desk/tickets/{duplicate}/status",
                        {"status": "duplicate"}).status_code == 422
    api_view = service.lookup_status(session, duplicate)
    assert api_view.duplicate_of == original and api_view.open311_status == "closed"


def test_overdue_tickets_are_highlighted_and_filtered(app, browser, session):
    late = create_ticket(session, estate_id="wha-rayong",
                         at=datetime.now(UTC) - timedelta(days=30))
    on_time = create_ticket(session, estate_id="wha-rayong")
    sign_in(browser, create_estate_operator(session, "wha-rayong"))
    page = browser.get("/desk/tickets").text
    row = page.split(late)[0].rsplit("<tr", 1)[1]
    assert 'class="overdue"' in row
    assert 'class="overdue"' not in page.split(on_time)[0].rsplit("<tr", 1)[1]
    overdue_only = browser.get("/desk/tickets?overdue=1").text
    assert late in overdue_only and on_time not in overdue_only
    assert 'id="overdue"' in browser.get(f"/desk/tickets/{late}").text
    fragment = browser.get("/desk/tickets?overdue=1", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and late in fragment


def test_the_inbox_pages(session, monkeypatch):
    numbers = [create_ticket(session, estate_id="laem-chabang") for _ in range(3)]
    operator = user_named(session, create_estate_operator(session, "laem-chabang"))
    monkeypatch.setattr(core_inbox, "PAGE_SIZE", 2)
    first = inbox.search(session, operator, inbox.TicketFilter(sort="newest"))
    second = inbox.search(session, operator, inbox.TicketFilter(sort="newest", page=2))
    assert first.total == 3 and first.pages == 2
    assert [t.number for t in first.rows + second.rows] == numbers[::-1]


def test_the_dashboard_counts(app, browser, session):
    for category in ("odor", "odor", "noise"):
        create_ticket(session, estate_id="eastern-seaboard-rayong", category=category)
    late = create_ticket(session, estate_id="eastern-seaboard-rayong", category="waste",
                         at=datetime.now(UTC) - timedelta(days=40))
    sign_in(browser, create_estate_operator(session, "eastern-seaboard-rayong"))
    choose_language(browser, "en")
    page = browser.get("/desk/tickets/dashboard")
    assert page.status_code == 200
    text = page.text
    assert 'id="total">4<' in text and 'id="open">4<' in text
    assert 'id="ack-breached">1<' in text and 'id="resolve-breached">1<' in text
    by_category = text.split('id="by-category"')[1].split("</table>")[0]
    assert 'data-code="odor"' in by_category
    odor_row = by_category.split('data-code="odor"')[1].split("</tr>")[0]
    assert '<strong class="count">2</strong>' in odor_row and 'width="100%"' in odor_row
    assert "Odour" in odor_row
    by_estate = text.split('id="by-estate"')[1].split("</table>")[0]
    assert "Eastern Seaboard Industrial Estate (Rayong)" in by_estate
    assert "Map Ta Phut" not in by_estate  # an operator's dashboard is their estate's
    assert late not in text
    assert "<script" not in text.split("<main")[1].split("</main>")[0]
