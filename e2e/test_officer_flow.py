"""A registration that requests EEC privileges, followed past submission on the full stack
(Redis, both sandboxes, the portal, a Celery worker and the relay), once in Thai and once in
English: Biz Portal registers the company while the applicant watches the status page; an EEC
officer finds the case on the desk, asks a question, reads the answer and approves; EEC OSS
approves; the applicant downloads the certificate and anyone can verify it. At each step
that concerns the applicant (registered, information requested, approved) the portal tells
them by e-mail in their language, sent over SMTP to the development mail sink, and in its
own notification list; the applicant answers the officer by following the e-mail's link.

It also writes the README's screenshots of the officer's steps,
docs/screenshots/{th,en}-1N-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.thai_ids import format_juristic_number
from e2e.drafts import Applicant, pdf_page
from e2e.pages import (
    Catalog,
    DeskCasePage,
    DeskInboxPage,
    ReviewPage,
    SignInPage,
    StatusPage,
    VerifyPage,
)
from mail.sink import CaughtMail
from tests.stack import wait_until

if TYPE_CHECKING:
    from e2e.conftest import FullStack

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# Bounds for what happens in the background: a relay tick, a delivery, the sandbox's decision
# and its callback, then the status page's next poll (every 5 s).
BACKGROUND_MS = 45_000

# Fixed names keep the README's screenshots the same from run to run (each run's database
# and sandboxes are new); they differ from the registration journey's.
COMPANY_NAMES = {
    "th": ("บริษัท นาวาวิทย์ โฟโตนิกส์ จำกัด", "Navawit Photonics Company Limited"),
    "en": ("บริษัท เขาไม้แก้ว ไฮโดรเจน จำกัด", "Khao Mai Kaeo Hydrogen Company Limited"),
}
QUESTIONS = {
    "th": "โปรดส่งสัญญาเช่าที่ดินในนิคมอุตสาหกรรมมาบตาพุด",
    "en": "Please send the land lease for the plot in Map Ta Phut Industrial Estate.",
}
ANSWERS = {
    "th": "แนบสัญญาเช่าที่ดินแปลง B-12 ระยะเวลา 30 ปี",
    "en": "The 30-year lease for plot B-12 is attached.",
}
LEASE_PDF = pdf_page("Land lease, plot B-12, 30 years")


def readme_shot(page: Page, lang: str, number: int, step: str, snap) -> None:
    """A full-page screenshot for the README, and a copy in e2e/artifacts."""
    name = f"{lang}-{number:02d}-{step}"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    if page.locator("iframe").count():
        page.wait_for_timeout(2000)  # the browser's PDF viewer draws the documents after load
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    snap(page, name)


def mail_about(full_stack: FullStack, applicant: Applicant, t: Catalog, title: str,
               reference: str) -> CaughtMail:
    """Waits for the one e-mail to the applicant about `title` (a notification's title in
    their language) and checks what every such mail says: the subject, the language, the
    company, the date in the reader's calendar and the link to the application."""
    subject = t("%(title)s: application %(reference)s", title=t.message(title),
                reference=reference)

    def about() -> list[CaughtMail]:
        return [m for m in full_stack.mail_to(applicant.email) if m.subject == subject]

    wait_until(lambda: bool(about()), BACKGROUND_MS / 1000, f"the e-mail {subject!r}")
    [mail] = about()  # one event, one mail
    assert mail.lang == applicant.lang, mail
    company = applicant.name_th if applicant.lang == "th" else applicant.name_en
    assert company in mail.body, mail.body
    year = r"25\d\d" if applicant.lang == "th" else r"20\d\d"  # Buddhist Era in Thai
    assert re.search(year, mail.body), mail.body
    assert f"{full_stack.url}/registration/{applicant.application_id}/status" in mail.body
    return mail


def mail_link(mail: CaughtMail) -> str:
    [link] = re.findall(r"https?://\S+/registration/\d+/status", mail.body)
    return link


def submit_application(stack_page, full_stack: FullStack, lang: str) -> Applicant:
    """A draft filled through the forms, submitted in the browser; the page ends on its status."""
    applicant = Applicant(stack_page(lang), lang, full_stack)
    applicant.name_th, applicant.name_en = COMPANY_NAMES[lang]
    applicant.fill_until("review")
    review = ReviewPage(applicant.page, lang, applicant.application_id).open()
    review.declaration().check()
    review.submit()
    StatusPage(applicant.page, lang, applicant.application_id).expect_open()
    return applicant


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_officer_asks_for_information_then_approves(stack_page, full_stack: FullStack,
                                                    lang: str, snap) -> None:
    t = Catalog(lang)
    applicant = submit_application(stack_page, full_stack, lang)
    app_id = applicant.application_id
    [(reference,)] = full_stack.query("SELECT reference FROM applications WHERE id = ?", (app_id,))

    # Biz Portal registers the company; the status page follows by polling, without a reload.
    status = StatusPage(applicant.page, lang, app_id)
    expect(status.reference(reference)).to_be_visible()
    applicant.page.evaluate("window.sameDocument = true")
    expect(status.juristic_number()).to_have_text(re.compile(r"^0(-?\d){12}$"),
                                                  timeout=BACKGROUND_MS)
    juristic_number = status.juristic_number().inner_text()
    registered_mail = mail_about(full_stack, applicant, t, "Your company is registered",
                                 reference)
    assert format_juristic_number(re.sub(r"\D", "", juristic_number)) in registered_mail.body
    registered = t.message("Company registered. Juristic person number {juristic_number}.",
                           juristic_number=juristic_number)
    registered_entry = status.timeline().filter(has_text=registered)
    expect(registered_entry).to_have_count(1)
    expect(registered_entry).to_contain_text(t.message("Registered"))
    # Registered, to its applicant, while the privileges wait for an officer's decision.
    expect(status.state()).to_have_text(t.message("Registered"))
    assert applicant.page.evaluate("window.sameDocument === true"), "the status page reloaded"

    # The officer signs in on the desk and finds the case among those waiting for review.
    officer = stack_page(lang)
    officer.goto("/desk")
    sign_in = SignInPage(officer, lang)
    sign_in.expect_open()
    sign_in.expect_language()
    sign_in.sign_in(full_stack.officer_email, full_stack.officer_password)
    inbox = DeskInboxPage(officer, lang)
    inbox.use_language()  # signing in brings the account's language (the officer's is Thai)
    inbox.expect_open()
    inbox.filter_by_status("EEC officer review", "eec_review")
    expect(inbox.case_row(reference)).to_contain_text(applicant.name_th)
    expect(inbox.case_row(reference)).to_contain_text(t.message("EEC officer review"))
    for row in inbox.case_rows().all():
        expect(row).to_contain_text(t.message("EEC officer review"))
    readme_shot(officer, lang, 11, "desk-inbox", snap)
    inbox.open_case(reference)

    # The case: its timeline and what was exchanged with Biz Portal (our request, its callbacks).
    case = DeskCasePage(officer, lang, reference)
    case.expect_open()
    expect(case.status()).to_have_text(t.message("EEC officer review"))
    expect(case.timeline().filter(has_text=registered)).to_have_count(1)
    expect(case.timeline().last).to_contain_text(
        t.message("An EEC officer reviews the request for EEC privileges."))
    bizportal = case.exchanges("bizportal")
    expect(bizportal.filter(has=officer.get_by_role("cell", name=t("out"), exact=True))
           ).to_have_count(1)
    expect(bizportal.filter(has=officer.get_by_role("cell", name=t("in"), exact=True))
           ).to_have_count(2)  # in review, then registered

    case.request_information(QUESTIONS[lang])
    case.expect_open()
    expect(case.status()).to_have_text(t.message("More information needed"))
    expect(case.information_requests()).to_have_count(1)
    expect(case.information_requests().first).to_contain_text(QUESTIONS[lang])
    expect(case.information_requests().first).to_contain_text(t("Waiting for the applicant"))
    expect(case.approve_button()).to_have_count(0)

    # The applicant's open page offers the question at its next poll; the e-mail carries the
    # question too, and its link opens the page that takes a text and a PDF.
    expect(status.reload_to_answer()).to_be_visible(timeout=BACKGROUND_MS)
    asked = mail_about(full_stack, applicant, t, "An officer needs more information", reference)
    assert QUESTIONS[lang] in asked.body, asked.body
    applicant.page.goto(mail_link(asked))
    expect(status.info_request()).to_contain_text(QUESTIONS[lang])
    status.fill_answer(ANSWERS[lang], "land-lease-b12.pdf", LEASE_PDF)
    readme_shot(applicant.page, lang, 13, "info-request", snap)
    status.send_answer()
    expect(status.info_request()).to_have_count(0)
    expect(status.state()).to_have_text(t.message("Registered"))
    expect(status.timeline().last).to_contain_text(
        t.message("The applicant answered the request for information."))
    applicant.page.evaluate("window.sameDocument = true")

    # The officer reads the answer and its attachment, and approves.
    officer.reload()
    case.expect_open()
    expect(case.status()).to_have_text(t.message("EEC officer review"))
    answered = case.information_requests().first
    expect(answered).to_contain_text(ANSWERS[lang])
    expect(answered).to_contain_text(f"{t('File')}: land-lease-b12.pdf")
    readme_shot(officer, lang, 12, "case", snap)
    case.approve_button().click()
    case.expect_open()
    expect(case.timeline().filter(
        has_text=t.message("Approved by an EEC officer. Sending to EEC OSS."))).to_have_count(1)

    # EEC OSS decides; the applicant's page, loaded before the approval, shows it by polling.
    expect(status.state()).to_have_text(t.message("Approved"), timeout=BACKGROUND_MS)
    expect(status.timeline().last).to_contain_text(t.message("Approved."))
    assert applicant.page.evaluate("window.sameDocument === true"), "the status page reloaded"
    mail_about(full_stack, applicant, t, "Your application is approved", reference)
    officer.reload()
    expect(case.status()).to_have_text(t.message("Approved"))
    expect(case.exchanges("eec_oss").filter(
        has=officer.get_by_role("cell", name=t("in"), exact=True)).first).to_be_visible()

    # The certificate is a PDF; the address its QR code encodes is also its link, and it
    # opens the public verification page for anyone.
    with applicant.page.expect_download() as download:
        status.certificate_link().click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:40]
    [(code,)] = full_stack.query("SELECT certificate_code FROM cases WHERE application_id = ?",
                                 (app_id,))
    verification_url = f"{full_stack.url}/verify/{code}"
    linked = re.search(rb"/URI \((http[^)]+/verify/[^)]+)\)", pdf)
    assert linked and linked.group(1).decode() == verification_url, linked

    visitor = stack_page(lang)  # anyone: not signed in
    visitor.goto(verification_url)
    verify = VerifyPage(visitor, lang)
    verify.expect_open()
    expect(verify.verdict()).to_contain_text(t("This certificate is genuine."))
    expect(verify.fact("Registered name")).to_contain_text(applicant.name_th)
    expect(verify.fact("Registered name")).to_contain_text(applicant.name_en)
    expect(verify.fact("Juristic person number")).to_have_text(
        format_juristic_number(juristic_number))
    # The company's legal status, not the case's workflow step ("Approved").
    expect(verify.fact("Legal status")).to_have_text(t.message("Registered, in operation"))
    readme_shot(visitor, lang, 14, "certificate-verified", snap)

    # The same three events in the applicant's notification list, newest first; the request
    # for information, answered, is read already and leads to the answer; each button says
    # what it does.
    applicant.page.goto("/notifications")
    notices = applicant.page.locator("ul.notifications > li")
    expected = [("Your application is approved", True, "See your application"),
                ("An officer needs more information", False, "See your answer"),
                ("Your company is registered", True, "Download certificate")]
    expect(notices).to_have_count(len(expected))
    for notice, (title, new, action) in zip(notices.all(), expected, strict=True):
        expect(notice.get_by_role("heading")).to_contain_text(t.message(title))
        if new:
            expect(notice.get_by_role("heading")).to_contain_text(t("New"))
        else:
            expect(notice.get_by_role("heading")).not_to_contain_text(t("New"))
        expect(notice.get_by_role("button", name=t.message(action))).to_be_visible()
    notices.first.get_by_role("button", name=t.message("See your application")).click()
    expect(applicant.page).to_have_url(re.compile(rf"/registration/{app_id}/status$"))
    applicant.page.goto("/notifications")
    expect(notices.first.get_by_role("heading")).not_to_contain_text(t("New"))


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_applicant_cannot_open_the_desk(stack_page, full_stack: FullStack, lang: str) -> None:
    t = Catalog(lang)
    applicant = Applicant(stack_page(lang), lang, full_stack).sign_up()
    page = applicant.page
    page.goto("/registration")
    expect(page.get_by_role("link", name=t("My applications"), exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=t("Case desk"), exact=True)).to_have_count(0)
    response = page.goto("/desk")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_have_text(t.message("You do not have access to this."))
    expect(page.get_by_role("heading", name=t("Case desk"))).to_have_count(0)
