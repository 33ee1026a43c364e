"""Wrong, odd and hostile input in a real browser: each mistake is explained next to the field
in the page's language, nothing typed is lost, and nothing ends in a server error. The steps
before the one under test are filled by posting the portal's own forms (e2e.drafts)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.sync_api import Page, Response, expect

from e2e.drafts import FOREIGN_PROMOTER, PDF, THAI_PROMOTER, Applicant
from e2e.pages import (
    CapitalStep,
    DocumentsStep,
    NameReservationPage,
    OfficeStep,
    PeopleStep,
    ReviewPage,
)

pytestmark = pytest.mark.e2e
BOTH_LANGUAGES = pytest.mark.parametrize("lang", ["th", "en"])
SERVER_ERROR = "Something went wrong on our side. Your data is safe; please try again."


def _with_wrong_check_digit(pin: str) -> str:
    return pin[:-1] + str((int(pin[-1]) + 1) % 10)


@BOTH_LANGUAGES
def test_wrong_id_checksum_is_shown_beside_the_field_and_the_rest_is_kept(
        page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("people")
    people = PeopleStep(page, lang, applicant.application_id).open()
    thai = replace(THAI_PROMOTER, thai_id=_with_wrong_check_digit(THAI_PROMOTER.thai_id))
    people.fill(thai, FOREIGN_PROMOTER)
    people.save_and_continue()

    people.expect_open()
    people.expect_error_summary()
    id_field = people.person(1, "Thai national ID number (13 digits)")
    people.expect_field_error(
        id_field, people.t.message("This ID card number is not valid. Please check each digit."))
    expect(id_field).to_have_value(thai.thai_id)
    for n, person in ((1, thai), (2, FOREIGN_PROMOTER)):
        expect(people.person(n, "Full name")).to_have_value(person.full_name)
        expect(people.person(n, "Nationality")).to_have_value(person.nationality)
        expect(people.person(n, "Age")).to_have_value(person.age)
        expect(people.person(n, "Address")).to_have_value(person.address)
        expect(people.person(n, "Number of shares")).to_have_value(person.shares)
        expect(people.person(n, "Promoter (signs the memorandum of association)")).to_be_checked()
    expect(people.person(2, "Passport number")).to_have_value(FOREIGN_PROMOTER.passport)
    people.expect_no_field_error(people.person(2, "Passport number"))


@BOTH_LANGUAGES
def test_thai_name_with_an_english_suffix_is_refused_beside_the_field(
        page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).sign_up()
    names = NameReservationPage(page, lang).open()
    typed_th = "บริษัท ทดสอบ Company Limited"
    names.fill_names(typed_th, applicant.name_en)
    error = names.t.message("Use Thai words in the Thai name: “{expected}”, not “{found}”.",
                            expected="บริษัท … จำกัด", found="Company Limited")
    expect(names.feedback(error)).to_be_visible()  # the live check says so while typing

    names.reserve()
    names.expect_open()
    names.expect_field_error(names.name_th(), error)
    expect(names.name_th()).to_have_value(typed_th)
    expect(names.name_en()).to_have_value(applicant.name_en)
    names.expect_no_field_error(names.name_en())


@BOTH_LANGUAGES
def test_par_value_below_five_baht_is_refused_and_the_values_are_kept(
        page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("capital")
    capital = CapitalStep(page, lang, applicant.application_id).open()
    capital.fill("Trading of industrial parts", shares="250000", par="4", paid_up="25")
    capital.save_and_continue()

    capital.expect_open()
    capital.expect_field_error(
        capital.par_value(), capital.t.message("The par value of a share must be at least 5 baht."))
    expect(capital.par_value()).to_have_value("4")
    expect(capital.objectives()).to_have_value("Trading of industrial parts")
    expect(capital.registered_capital()).to_have_text("1,000,000")  # shares × par, shown
    expect(capital.share_count()).to_have_value("250000")
    expect(capital.paid_up()).to_have_value("25")
    capital.expect_no_field_error(capital.share_count())


@BOTH_LANGUAGES
def test_shares_that_do_not_add_up_are_refused(page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("people")
    people = PeopleStep(page, lang, applicant.application_id).open()
    people.fill(THAI_PROMOTER, replace(FOREIGN_PROMOTER, shares="50000"))
    people.save_and_continue()

    people.expect_open()
    text = people.t.message(
        "The shares listed add up to {total}, but the company has {expected} shares.",
        total="90,000", expected="100,000")
    expect(people.shares_total_error(text)).to_be_visible()
    expect(people.person(1, "Number of shares")).to_have_value("40000")
    expect(people.person(2, "Number of shares")).to_have_value("50000")


@BOTH_LANGUAGES
def test_postal_code_that_does_not_match_the_subdistrict_is_refused(
        page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("office")
    office = OfficeStep(page, lang, applicant.application_id).open()
    office.house_no().fill("99/1")
    office.choose_area(province="20", district="2007", subdistrict="200703")
    expect(office.postal_code()).to_have_value("20230")
    office.postal_code().fill("10110")  # a Bangkok code, typed over the suggested one
    office.save_and_continue()

    office.expect_open()
    office.expect_field_error(office.postal_code(), office.t.message(
        "This postal code does not match the subdistrict. Expected: {expected}.",
        expected="20230"))
    expect(office.postal_code()).to_have_value("10110")
    expect(office.province()).to_have_value("20")
    expect(office.district()).to_have_value("2007")
    expect(office.subdistrict()).to_have_value("200703")
    expect(office.house_no()).to_have_value("99/1")


@BOTH_LANGUAGES
def test_oversized_and_disguised_uploads_are_refused(page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("documents")
    documents = DocumentsStep(page, lang, applicant.application_id).open()
    t = documents.t
    too_large = t.message("The file is larger than {max_mb} MB. Upload a smaller scan.", max_mb=5)
    not_a_document = t.message(
        "Only PDF, JPEG or PNG files are accepted. This file's content is not one of those.")
    attempts = [
        ("big-scan.pdf", PDF + b"0" * (5 * 1024 * 1024), too_large),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(512),
         not_a_document),  # a Windows program renamed .pdf
        ("notes.pdf", b"just some text, not a PDF\n" * 20, not_a_document),
    ]
    for filename, content, error in attempts:
        documents.upload("Copy of Thai national ID card", THAI_PROMOTER.full_name, filename,
                         content)
        documents.expect_open()
        documents.expect_field_error(documents.file_input(), error)
        expect(documents.uploaded(filename)).to_have_count(0)


EXPIRED_ON = {"th": "1 มกราคม 2563", "en": "January 1, 2020"}  # 2020-01-01, Bangkok time


@BOTH_LANGUAGES
def test_expired_reservation_blocks_submission(page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("review")
    aged = live_server.execute(
        "UPDATE name_reservations SET expires_at = '2020-01-01 05:00:00.000000' "
        "WHERE id = (SELECT reservation_id FROM applications WHERE id = ?)",
        (applicant.application_id,))
    assert aged == 1

    review = ReviewPage(page, lang, applicant.application_id).open()
    review.declaration().check()
    review.submit()

    review.expect_open()
    expect(review.submit_error(review.t.message(
        "Your name reservation expired on {until}. Reserve a name again to continue.",
        until=EXPIRED_ON[lang]))).to_be_visible()
    assert live_server.query("SELECT status, reference FROM applications WHERE id = ?",
                             (applicant.application_id,)) == [("draft", None)]


ODD_NAMES = [
    pytest.param("บริษัท " + "ทดสอบ" * 2000 + " จำกัด", "Long " * 2000 + "Company Limited",
                 id="very-long"),
    pytest.param("\u200b" * 300, "\u200b\u200c\u200d\ufeff" * 50, id="only-zero-width"),
    pytest.param("บริษัท ทด\u200bสอบ\u200dซีโร่\ufeffวิดท์ จำกัด",
                 "Zero\u200bWidth Company Limited", id="zero-width-inside"),
    pytest.param("บริษัท ก\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e47 จำกัด",
                 "Ze\u0301\u0301\u0301\u0308\u0308lgo Company Limited", id="stacked-marks"),
    pytest.param("\u0e31\u0e34\u0e35\u0e47\u0e48 จำกัด", "\u0301\u0302 Company Limited",
                 id="marks-without-a-letter"),
    pytest.param("บริษัท น\u0e4d\u0e32ทิพย์\u0e40\u0e40สง จำกัด", "Namthip Saeng Company Limited",
                 id="decomposed-sara-am"),
]


@pytest.mark.parametrize("name_th,name_en", ODD_NAMES)
def test_odd_text_in_the_name_fields_never_causes_a_server_error(
        page: Page, live_server, name_th: str, name_en: str) -> None:
    lang = "en"
    applicant = Applicant(page, lang, live_server).sign_up()
    statuses: list[tuple[str, int]] = []
    page.on("response", lambda r: statuses.append((r.url, r.status)))

    names = NameReservationPage(page, lang).open()
    names.fill_names(name_th, name_en)
    with page.expect_response(_name_post) as posted:
        names.reserve()
    assert posted.value.status in (303, 422), posted.value.status
    expect(page.get_by_text(names.t.message(SERVER_ERROR))).to_have_count(0)
    if posted.value.status == 422:
        names.expect_open()
        expect(page.get_by_role("alert").first).to_be_visible()

    # The same text without the browser's maxlength, straight to the check and the reservation.
    form = {"entity_type": "limited_company", "names-0-name_th": name_th,
            "names-0-name_en": name_en}
    assert applicant.post("/registration/names/check?row=0", form).status == 200
    assert applicant.post("/registration/names", form).status in (303, 422)
    assert [s for s in statuses if s[1] >= 500] == []


def _name_post(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/registration/names")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_capital_step_without_javascript_shows_the_error_and_keeps_the_values(
        new_page, lang: str, live_server) -> None:
    page = new_page(lang, javascript=False)
    applicant = Applicant(page, lang, live_server).fill_until("capital")
    capital = CapitalStep(page, lang, applicant.application_id).open()
    capital.fill("Trading of industrial parts", shares="200000", par="4.5", paid_up="20")
    capital.save_and_continue()

    capital.expect_open()
    capital.expect_error_summary()
    capital.expect_field_error(
        capital.par_value(), capital.t.message("The par value of a share must be at least 5 baht."))
    capital.expect_field_error(
        capital.paid_up(), capital.t.message("Each share must be at least 25% paid up."))
    expect(capital.objectives()).to_have_value("Trading of industrial parts")
    expect(capital.registered_capital()).to_have_text("900,000")  # worked out by the server
    expect(capital.share_count()).to_have_value("200000")
    expect(capital.par_value()).to_have_value("4.5")
    expect(capital.paid_up()).to_have_value("20")


def test_head_office_cascade_works_without_javascript(new_page, live_server) -> None:
    """Without htmx, "Save and continue" after each choice fills the next list."""
    lang = "en"
    page = new_page(lang, javascript=False)
    applicant = Applicant(page, lang, live_server).fill_until("office")
    office = OfficeStep(page, lang, applicant.application_id).open()
    office.house_no().fill("99/1")
    office.province().select_option("20")
    office.save_and_continue()
    office.expect_open()
    office.district().select_option("2007")
    office.save_and_continue()
    office.expect_open()
    office.subdistrict().select_option("200703")
    office.postal_code().fill("20230")
    office.save_and_continue()

    CapitalStep(page, lang).expect_open()
    office.open()
    expect(office.province()).to_have_value("20")
    expect(office.district()).to_have_value("2007")
    expect(office.subdistrict()).to_have_value("200703")
    expect(office.postal_code()).to_have_value("20230")
    expect(office.house_no()).to_have_value("99/1")
