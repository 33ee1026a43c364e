"""The officer's case page in a real browser, on a desktop screen and a 390 px wide phone, in
Thai and English: the officer signs in (and lands on the desk), finds the case by a
shareholder's name, and reads the application as submitted (capital, shareholders with the
foreign part, directors) with its files shown inline beside the decision."""

from __future__ import annotations

import re
import uuid

import pytest
from babel import Locale
from playwright.sync_api import Page, expect

from core.security import hash_password
from e2e.drafts import FOREIGN_PROMOTER, THAI_PROMOTER, Applicant
from e2e.pages import DeskCasePage, DeskInboxPage, ReviewPage, SignInPage, StatusPage

PHONE = {"width": 390, "height": 844}
PASSWORD = "officer password 1"


def create_officer(live_server) -> str:
    """An officer account written straight into the server's database (what the operator's
    create-officer command writes)."""
    email = f"officer-{uuid.uuid4().hex[:8]}@eeco.example"
    live_server.execute(
        "INSERT INTO users (email, full_name, preferred_lang, password_hash, role, is_active,"
        " created_at, session_version) VALUES (?, ?, 'en', ?, 'officer', 1, CURRENT_TIMESTAMP,"
        " 0)", (email, "Nida Officer", hash_password(PASSWORD)))
    return email


def submitted(new_page, lang: str, live_server) -> tuple[Applicant, str]:
    applicant = Applicant(new_page(lang), lang, live_server).fill_until("review")
    review = ReviewPage(applicant.page, lang, applicant.application_id).open()
    review.declaration().check()
    review.submit()
    StatusPage(applicant.page, lang, applicant.application_id).expect_open()
    [(reference,)] = live_server.query("SELECT reference FROM applications WHERE id = ?",
                                       (applicant.application_id,))
    return applicant, reference


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_officer_reads_the_application_on_desktop_and_phone(new_page, lang: str, live_server,
                                                             snap) -> None:
    applicant, reference = submitted(new_page, lang, live_server)
    officer = new_page(lang)
    officer.goto("/sign-in")
    sign_in = SignInPage(officer, lang)
    sign_in.sign_in(create_officer(live_server), PASSWORD)
    inbox = DeskInboxPage(officer, lang)
    inbox.use_language()  # signing in brings the account's language (English)
    inbox.expect_open()  # an officer lands on the desk

    inbox.label("Search").fill(FOREIGN_PROMOTER.full_name)
    inbox.button("Filter").click()
    expect(inbox.case_row(reference)).to_have_count(1)
    inbox.open_case(reference)

    case = DeskCasePage(officer, lang, reference)
    for width in ("desktop", "phone"):
        if width == "phone":
            officer.set_viewport_size(PHONE)
            officer.reload()
        case.expect_open()
        expect(case.fact("Capital and shares", "Registered capital")).to_contain_text("1,000,000")
        expect(case.fact("Capital and shares", "Foreign shareholding")).to_contain_text("60")
        foreign = case.shareholder(FOREIGN_PROMOTER.full_name)
        expect(foreign).to_contain_text(Locale(lang).territories["JP"])
        expect(foreign).to_contain_text("60%")
        expect(case.shareholder(THAI_PROMOTER.full_name)).to_contain_text(
            Locale(lang).territories["TH"])
        expect(case.region("Directors")).to_contain_text(THAI_PROMOTER.full_name)
        if width == "desktop":  # every column of the shareholders in view, none scrolled off
            table = case.region("Promoters and shareholders").locator("table")
            assert table.evaluate("t => t.parentElement.scrollWidth <= "
                                  "t.parentElement.clientWidth"), "the table scrolls sideways"
        documents = case.documents()
        expect(documents).to_have_count(2)
        for n in range(2):
            frame = documents.nth(n).locator("iframe")
            expect(frame).to_have_attribute(
                "src", re.compile(rf"^/desk/cases/{case_id(officer)}/documents/\d+$"))
            frame.scroll_into_view_if_needed()
            expect(frame).to_be_visible()
            box = frame.bounding_box()
            viewport = officer.viewport_size
            assert box is not None and viewport is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, box
        # The document route answers inline with the type the file has.
        src = documents.first.locator("iframe").get_attribute("src")
        response = officer.request.get(src)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("inline")
        assert response.headers["x-content-type-options"] == "nosniff"
        # The decision is on the same page; the exchanges on the other tab.
        expect(case.region("Case")).to_be_visible()
        expect(case.region("Messages exchanged")).to_have_count(0)
        snap(officer, f"case-{width}")
    case.show(DeskCasePage.HISTORY)
    expect(case.region("Messages exchanged")).to_be_visible()

    # The applicant is no officer: the case page and its files are closed to them.
    response = applicant.page.goto(f"/desk/cases/{case_id(officer)}")
    assert response is not None and response.status == 403
    response = applicant.page.goto(src)
    assert response is not None and response.status == 403


def case_id(page: Page) -> str:
    return page.url.split("/desk/cases/")[1].split("?")[0]
