"""The whole registration journey in a real browser, once in Thai and once in English: sign up,
reserve a name, the six wizard steps, fees and review, submission and the status page.

It also writes the README's screenshots, docs/screenshots/{th,en}-NN-step.png."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from e2e.drafts import DIRECTOR, FOREIGN_PROMOTER, PASSWORD, PDF, THAI_PROMOTER, WITNESSES
from e2e.pages import (
    CapitalStep,
    DirectorsStep,
    DocumentsStep,
    EecStep,
    NameReservationPage,
    OfficeStep,
    PeopleStep,
    Person,
    ReviewPage,
    SignUpPage,
    StatusPage,
)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
BUDDHIST_ERA_OFFSET = 543

# Each journey reserves its own name; both are free in the seeded register.
COMPANY_NAMES = {
    "th": ("บริษัท ระยองสมาร์ทพาร์ท จำกัด", "Rayong Smart Parts Company Limited"),
    "en": ("บริษัท ศรีราชา นาโนวิชั่น จำกัด", "Sriracha Nanovision Company Limited"),
}
# What the applicant types: Thai applicants write the Thai people's names and the objectives
# in Thai; the foreign promoter's name stays in Latin letters in both.
OBJECTIVES = {"th": "ผลิตและติดตั้งหุ่นยนต์อุตสาหกรรม",
              "en": "Manufacture and installation of industrial robots"}
STREET = {"th": "ถนนสุขุมวิท", "en": "Sukhumvit Road"}
THAI_NAMES = {THAI_PROMOTER.full_name: "สมชาย ใจดี", WITNESSES[0].full_name: "มาลี ศรีสุข",
              WITNESSES[1].full_name: "อนันต์ วงศ์สา"}
# Babel's currency format for THB: the symbol in Thai, the ISO code in English.
FEES = {
    "th": {"moa": "฿500.00", "registration": "฿5,000.00", "total": "฿5,500.00"},
    "en": {"moa": "THB500.00", "registration": "THB5,000.00", "total": "THB5,500.00"},
}


def as_typed(person: Person, lang: str) -> Person:
    """The person as the applicant types them: Thai people's names in Thai script in Thai."""
    if lang != "th":
        return person
    return replace(person, full_name=THAI_NAMES.get(person.full_name, person.full_name))


class Screenshots:
    """Full-page screenshots of the main steps for the README, and a copy in e2e/artifacts."""

    def __init__(self, page: Page, lang: str, snap) -> None:
        self.page, self.lang, self.snap = page, lang, snap
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(self, number: int, step: str) -> None:
        name = f"{self.lang}-{number:02d}-{step}"
        # No focus ring on whichever field was typed in last; it only distracts in the README.
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        self.snap(self.page, name)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_registration_journey(page: Page, lang: str, snap) -> None:
    shots = Screenshots(page, lang, snap)
    name_th, name_en = COMPANY_NAMES[lang]

    promoter, foreign, director = (as_typed(p, lang) for p in (THAI_PROMOTER, FOREIGN_PROMOTER,
                                                                 DIRECTOR))

    # Sign up, agreeing to the privacy notice. A fixed e-mail (the database is new for each
    # run) keeps the README's screenshot the same from run to run.
    sign_up = SignUpPage(page, lang).open()
    sign_up.sign_up(promoter.full_name, f"somchai.{lang}@example.com", PASSWORD)
    expect(sign_up.consent()).to_be_checked()
    shots.take(1, "sign-up")
    sign_up.submit()

    # Reserve a name; the live check says it is available before it is submitted.
    names = NameReservationPage(page, lang).start_from_dashboard()
    names.fill_names(name_th, name_en)
    names.expect_available()
    shots.take(2, "name-reservation")
    names.reserve()

    # Head office: province → district → subdistrict, postal code filled in by the portal.
    office = OfficeStep(page, lang)
    office.expect_open()
    expect(page.get_by_text(name_th, exact=True)).to_be_visible()
    office.expect_step_done(DocumentsStep.title, done=False)
    office.house_no().fill("99/1")
    office.street().fill(STREET[lang])
    expect(office.postal_code()).to_have_value("")
    office.choose_area(province="20", district="2007", subdistrict="200703")
    expect(office.postal_code()).to_have_value("20230")
    shots.take(3, "head-office")
    office.save_and_continue()

    capital = CapitalStep(page, lang)
    capital.expect_open()
    capital.fill(OBJECTIVES[lang], shares="100000", par="10", paid_up="25")
    expect(capital.registered_capital()).to_have_text("1,000,000")  # worked out as typed
    capital.save_and_continue()

    # Two promoters: a Thai with a national ID, a Japanese with a passport holding 60%.
    people = PeopleStep(page, lang)
    people.expect_open()
    people.fill(promoter, foreign)
    shots.take(4, "shareholders")
    people.save_and_continue()

    directors = DirectorsStep(page, lang)
    directors.expect_open()
    directors.fill_directors(director)
    directors.signatories_required().fill("1")
    directors.fill_witnesses(*(as_typed(w, lang) for w in WITNESSES))
    directors.save_and_continue()

    # EEC: choosing Rayong narrows the estates to Rayong's (Laem Chabang is in Chon Buri).
    eec = EecStep(page, lang)
    eec.expect_open()
    eec.answer(EecStep.OPERATES, yes=True)
    eec.province().select_option("21")
    expect(eec.estate().locator("option[value='laem-chabang']")).to_have_count(0)
    eec.estate().select_option("map-ta-phut")
    eec.target_industry().select_option("robotics")
    eec.answer(EecStep.PRIVILEGES, yes=True)
    shots.take(5, "eec")
    eec.save_and_continue()

    # Documents: each promoter's identity document; the reminder for each goes away.
    documents = DocumentsStep(page, lang)
    documents.expect_open()
    missing = documents.t.message("Attach an identity document for {name}.",
                                  name=foreign.full_name)
    expect(page.get_by_text(missing)).to_be_visible()
    documents.upload("Copy of Thai national ID card", promoter.full_name,
                     "somchai-id-card.pdf", PDF)
    expect(documents.uploaded("somchai-id-card.pdf")).to_be_visible()
    documents.upload("Copy of passport", foreign.full_name, "tanaka-passport.pdf",
                     PDF + b"%passport scan\n")
    expect(documents.uploaded("tanaka-passport.pdf")).to_be_visible()
    expect(page.get_by_text(missing)).to_have_count(0)
    shots.take(6, "documents")
    documents.continue_to_review()

    # Review: the fees in the page's locale and the Foreign Business Act notice.
    review = ReviewPage(page, lang)
    review.expect_open()
    for step in (OfficeStep, CapitalStep, PeopleStep, DirectorsStep, EecStep, DocumentsStep):
        review.expect_step_done(step.title)
    t = review.t
    fees = FEES[lang]
    expect(review.fee_row("Memorandum of association")).to_contain_text(fees["moa"])
    expect(review.fee_row("Company registration")).to_contain_text(fees["registration"])
    expect(review.fee_row("Total")).to_contain_text(fees["total"])
    notice = t("Foreign nationals hold %(percent)s%% of the shares. A company with 50%% or more "
               "foreign shareholding is a foreign company and needs a foreign business licence "
               "for restricted activities, unless it is exempt (for example through BOI or EEC "
               "promotion).", percent="60")
    expect(review.foreign_business_notice()).to_contain_text(notice)
    review.declaration().check()
    shots.take(7, "review")
    review.submit()

    # Status: the reference and the timeline, dated in the page's calendar.
    status = StatusPage(page, lang)
    status.expect_open()
    now = datetime.now(ZoneInfo("Asia/Bangkok"))
    reference = f"REG-{now.year}-{status.application_id:06d}"
    expect(status.reference(reference)).to_be_visible()
    expect(status.state()).to_have_text(t.message("Submitted"))
    timeline = status.timeline()
    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text(
        t.message("Draft started with the reserved name {name}.", name=name_th))
    expect(timeline.last).to_contain_text(
        t.message("Application submitted with reference {reference}.", reference=reference))
    shown_year, other_year = str(now.year), str(now.year + BUDDHIST_ERA_OFFSET)
    if lang == "th":  # Buddhist Era (พ.ศ.) years in Thai
        shown_year, other_year = other_year, shown_year
    for entry in (timeline.first, timeline.last):
        expect(entry).to_contain_text(shown_year)
    expect(timeline.first).not_to_contain_text(other_year)
    shots.take(8, "status")
