"""The portal's main pages run under its Content-Security-Policy, once in Thai and once in
English: a visitor opens the home page and talks to the complaint assistant in the chat widget,
files a complaint with the web form, signs up, reserves a name (the live check), fills the
wizard (the address lists that follow each other), submits and watches the status page poll;
an officer filters the case desk, opens the case, the complaints desk, the ticket and the
dashboard; and the API documentation renders its operations from the portal's own copy of
Swagger UI. Not one `securitypolicyviolation` event and not one console error on the way.

Runs on the chat stack (the portal with the real Rasa assistant behind its widget)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from e2e.drafts import (
    FOREIGN_PROMOTER,
    PASSWORD,
    PDF,
    THAI_PROMOTER,
    Applicant,
    unique_email,
    unique_names,
)
from e2e.pages import (
    Catalog,
    ChatWidget,
    DeskCasePage,
    DeskInboxPage,
    DeskTicketPage,
    NameReservationPage,
    OfficeStep,
    PortalPage,
    ReviewPage,
    SignInPage,
    SignUpPage,
    StatusPage,
    TicketDeskPage,
)

if TYPE_CHECKING:
    from e2e.conftest import BrowserProblems, ChatStack

TICKET = re.compile(r"CMP-\d{4}-\d{6}")
COMPLAINTS = {
    "th": "น้ำเสียในนิคมมาบตาพุด ส่งกลิ่นเหม็นมากค่ะ",
    "en": "There is wastewater leaking in Map Ta Phut industrial estate",
}
DESCRIPTIONS = {
    "th": "มีน้ำสีดำไหลจากท่อหลังโรงงานลงคลองตั้งแต่เมื่อคืน",
    "en": "Black water has been running from a pipe behind our factory since last night.",
}
# Chon Buri → Si Racha → Thung Sukhla (20230), as in the wizard's other tests; Rayong is the
# province chosen first and changed, which must empty the subdistrict list.
CHON_BURI, SI_RACHA, THUNG_SUKHLA, RAYONG = "20", "2007", "200703", "21"


def file_a_complaint(page: Page, lang: str) -> str:
    """The web form, as a visitor fills it; returns the complaint's number."""
    form = PortalPage(page, lang)
    page.goto("/complaints/new")
    form.label("Industrial estate").select_option("map-ta-phut")
    form.label("What is the problem about?").select_option("wastewater")
    form.label("Describe the problem").fill(DESCRIPTIONS[lang])
    form.label("Your name").fill("Somchai Jaidee")
    form.label("Phone number").fill("081-234-5678")
    form.label("I agree that my name and contact details are used to handle this complaint, "
               "as the privacy notice explains.").check()
    form.button("Send the complaint").click()
    expect(form.heading()).to_have_text(form.t("Complaint received"))
    number = page.locator("#ticket-number").inner_text()
    assert TICKET.fullmatch(number), number
    page.get_by_role("link", name=form.t("Check the status"), exact=True).click()
    expect(page.get_by_text(number).first).to_be_visible()
    return number


def fill_the_wizard(page: Page, lang: str, chat_stack: ChatStack) -> str:
    """Signs up, reserves a name and goes through every step in the browser (the forms that
    need no typing are posted from the page's context, then shown); submits and returns the
    application's reference, the page left on its status."""
    t = Catalog(lang)
    sign_up = SignUpPage(page, lang).open()
    sign_up.sign_up("Somchai Jaidee", unique_email("csp"), PASSWORD)
    sign_up.submit()

    names = NameReservationPage(page, lang).start_from_dashboard()
    names.fill_names(*unique_names())
    names.expect_available()
    names.reserve()

    office = OfficeStep(page, lang)
    office.expect_open()
    office.choose_area(CHON_BURI, SI_RACHA, THUNG_SUKHLA)
    office.province().select_option(RAYONG)  # a new province empties the subdistrict list
    expect(office.subdistrict().locator("option")).to_have_count(0)
    office.choose_area(CHON_BURI, SI_RACHA, THUNG_SUKHLA)
    expect(office.postal_code()).to_have_value("20230")
    office.house_no().fill("99/1")
    office.save_and_continue()
    expect(page).to_have_url(re.compile(r"/capital$"))

    applicant = Applicant(page, lang, chat_stack)
    applicant.application_id = office.application_id
    for step in ("capital", "people", "directors", "eec"):
        page.goto(f"/registration/{applicant.application_id}/{step}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        applicant.save_step(step)
    ids = applicant.promoter_ids()
    applicant.upload("id_copy", ids[THAI_PROMOTER.full_name], "id-card.pdf", PDF)
    applicant.upload("passport_copy", ids[FOREIGN_PROMOTER.full_name], "passport.pdf",
                     PDF + b"%passport\n")
    page.goto(f"/registration/{applicant.application_id}/documents")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Documents"))

    review = ReviewPage(page, lang, applicant.application_id).open()
    review.declaration().check()
    review.submit()
    status = StatusPage(page, lang, applicant.application_id)
    status.expect_open()
    # The status page asks for news every 5 s (htmx); one round trip runs under the policy.
    with page.expect_response(lambda r: r.url.endswith("/status")
                              and r.request.headers.get("hx-request") == "true",
                              timeout=15_000):
        pass
    [(reference,)] = chat_stack.query("SELECT reference FROM applications WHERE id = ?",
                                      (applicant.application_id,))
    return reference


def walk_the_desks(page: Page, lang: str, chat_stack: ChatStack, reference: str,
                   ticket: str) -> None:
    page.goto(DeskInboxPage.path)
    SignInPage(page, lang).sign_in(chat_stack.officer_email, chat_stack.officer_password)
    inbox = DeskInboxPage(page, lang)
    inbox.use_language()
    inbox.expect_open()
    [(status,)] = chat_stack.query("SELECT status FROM cases WHERE reference = ?", (reference,))
    inbox.status_filter().select_option(status)  # the results follow in place (htmx)
    expect(page).to_have_url(re.compile(rf"[?&]status={status}\b"))
    inbox.open_case(reference)
    DeskCasePage(page, lang, reference).expect_open()

    desk = TicketDeskPage(page, lang).open()
    desk.open_ticket(ticket)
    DeskTicketPage(page, lang, ticket).expect_open()
    page.goto("/desk/tickets/dashboard")
    expect(page.locator("#by-category svg.bar").first).to_be_visible()


def read_the_api_docs(page: Page) -> None:
    page.goto("/api/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 5, operations.count()
    expect(page.locator('.opblock-summary-path[data-path="/api/v1/session"]')).to_have_count(1)
    page.locator(".opblock-summary").first.click()  # an operation opens with its responses
    expect(page.locator(".opblock-body").first).to_be_visible()
    expect(page.locator(".responses-table").first).to_be_visible()


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_main_pages_run_under_the_content_security_policy(
        chat_page, chat_stack: ChatStack, browser_problems: BrowserProblems, lang: str) -> None:
    visitor = chat_page(lang)
    chat = ChatWidget(visitor, lang).open()  # the home page, its widget open
    replies = chat.say(COMPLAINTS[lang])
    expect(replies.first).to_be_visible()
    expect(chat.label("Message", chat.panel())).to_have_value("")  # the form was emptied
    ticket = file_a_complaint(visitor, lang)

    applicant = chat_page(lang)
    reference = fill_the_wizard(applicant, lang, chat_stack)

    officer = chat_page(lang)
    walk_the_desks(officer, lang, chat_stack, reference, ticket)
    read_the_api_docs(officer)

    assert browser_problems.violations == [], "\n".join(browser_problems.violations)
    assert browser_problems.errors == [], "\n".join(browser_problems.errors)
