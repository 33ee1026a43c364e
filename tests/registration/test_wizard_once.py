"""The wizard asks nothing twice (issue 14): promoters become directors with a tick, capital is
worked out from shares × par value, the head office's province starts the EEC province (but no
person's address: that is their own), a subdistrict with two postal codes offers both, and
"check your answers" links to each step and back. Over HTTP, in Thai and English."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from registration.models import Application, Person, PersonRole
from tests.conftest import (
    CAPITAL,
    DIRECTORS,
    EEC,
    OFFICE,
    create_application,
    create_user,
    people_form,
    thai_id,
)

RAYONG_OFFICE = {**OFFICE, "province_code": "21", "district_code": "2101",
                 "subdistrict_code": "210114", "postal_code": "21150"}  # Map Ta Phut
WITNESSES = {k: v for k, v in DIRECTORS.items() if k.startswith("witnesses-")}

TEXT = {
    "en": {"also": "Somchai Jaidee is also a director", "check": "Check your answers before "
           "submitting", "change": "Change", "back": "Save and go back to your answers",
           "choose_code": "Choose the postal code"},
    "th": {"also": "Somchai Jaidee เป็นกรรมการด้วย", "check": "ตรวจสอบข้อมูลของท่านก่อนยื่นคำขอ",
           "change": "แก้ไข", "back": "บันทึกและกลับไปหน้าตรวจสอบข้อมูล",
           "choose_code": "เลือกรหัสไปรษณีย์"},
}
LANGS = pytest.mark.parametrize("lang", ["en", "th"])


def draft_of(browser, lang: str) -> int:
    create_user(browser, lang=lang)
    return create_application(browser)


def post(browser, app_id: int, step: str, data: dict):
    return browser.post(f"/registration/{app_id}/{step}", data)


def saved(session, app_id: int, role: PersonRole) -> list[Person]:
    session.expire_all()
    return list(session.exec(select(Person).where(Person.application_id == app_id,
                                                  Person.role == role)
                             .order_by(Person.position)).all())


# --- Promoters made directors with one tick -----------------------------------------------------


@LANGS
def test_a_ticked_promoter_becomes_a_director_without_retyping(browser, session, lang):
    app_id = draft_of(browser, lang)
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form())):
        assert post(browser, app_id, step, data).status_code == 303, step
    page = browser.get(f"/registration/{app_id}/directors")
    assert TEXT[lang]["also"] in page.text
    assert 'name="promoters-0-is_director"' in page.text
    assert 'name="promoters-1-is_director"' in page.text

    r = post(browser, app_id, "directors", {
        "promoters-0-is_director": "on", "promoters-0-can_sign": "on",
        "signatories_required": "1", **WITNESSES})
    assert r.status_code == 303, r.text[:3000]
    directors = saved(session, app_id, PersonRole.director)
    assert [(d.full_name, d.thai_id, d.can_sign) for d in directors] == [
        ("Somchai Jaidee", thai_id(1), True)]

    # Reopened, the promoter shows ticked, not as a row typed again.
    page = browser.get(f"/registration/{app_id}/directors")
    assert re.search(r'name="promoters-0-is_director" id="f-promoters-0-is_director" checked',
                     page.text)
    assert 'value="Somchai Jaidee"' not in page.text


@LANGS
def test_a_promoter_ticked_and_typed_again_is_one_director(browser, session, lang):
    app_id = draft_of(browser, lang)
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form())):
        post(browser, app_id, step, data)
    r = post(browser, app_id, "directors", {
        **DIRECTORS, "promoters-0-is_director": "on", "promoters-1-is_director": "on",
        "promoters-1-can_sign": "on"})
    assert r.status_code == 303, r.text[:3000]
    directors = saved(session, app_id, PersonRole.director)
    assert sorted(d.full_name for d in directors) == ["John Smith", "Somchai Jaidee"]
    john = next(d for d in directors if d.full_name == "John Smith")
    assert (john.nationality, john.passport_no, john.can_sign) == ("GB", "123456789", True)


def test_the_api_names_promoters_directors_by_position(browser, session):
    app_id = draft_of(browser, "en")
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form())):
        post(browser, app_id, step, data)
    body = {"promoters": [{"is_director": False}, {"is_director": True, "can_sign": True}],
            "signatories_required": 1,
            "witnesses": [{"full_name": "Witness One", "thai_id": thai_id(2), "age": 30,
                           "address": "Rayong"},
                          {"full_name": "Witness Two", "thai_id": thai_id(3), "age": 31,
                           "address": "Rayong"}]}
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/directors", json=body)
    assert r.status_code == 200, r.text
    assert [d.full_name for d in saved(session, app_id, PersonRole.director)] == ["John Smith"]


# --- Capital worked out, not typed --------------------------------------------------------------


@LANGS
def test_capital_is_shares_times_par_and_shown_not_typed(browser, session, lang):
    app_id = draft_of(browser, lang)
    page = browser.get(f"/registration/{app_id}/capital")
    assert 'name="registered_capital"' not in page.text  # nothing to type twice
    assert 'id="f-registered_capital"' in page.text and "<output" in page.text

    typed = {k: v for k, v in CAPITAL.items() if k != "registered_capital"}
    r = post(browser, app_id, "capital", {**typed, "share_count": "200000", "par_value": "7.5"})
    assert r.status_code == 303, r.text[:3000]
    session.expire_all()
    assert session.get(Application, app_id).registered_capital == 1_500_000
    page = browser.get(f"/registration/{app_id}/capital")
    output = page.text.split('id="f-registered_capital"')[1].split("</output>")[0]
    assert "1,500,000" in output


@LANGS
def test_capital_that_is_not_whole_baht_is_refused_next_to_the_par_value(browser, lang):
    app_id = draft_of(browser, lang)
    typed = {k: v for k, v in CAPITAL.items() if k != "registered_capital"}
    r = post(browser, app_id, "capital", {**typed, "share_count": "3", "par_value": "5.5"})
    assert r.status_code == 422
    error = r.text.split('id="e-par_value">')[1].split("</p>")[0]
    assert "16.50" in error
    assert ("ทุนจดทะเบียนต้องเป็นจำนวนเต็มบาท" if lang == "th" else "whole baht") in error


def test_a_client_that_still_sends_capital_has_it_checked(browser):
    app_id = draft_of(browser, "en")
    r = post(browser, app_id, "capital", {**CAPITAL, "registered_capital": "999999"})
    assert r.status_code == 422 and 'id="e-registered_capital"' in r.text
    assert "1,000,000.00" in r.text


# --- The province carries over: into the company's own fields, never into a person's ------------


@LANGS
def test_a_persons_address_is_their_own_and_starts_empty(browser, session, lang):
    """A promoter's or a witness's address is where they live, not where the company is: the
    head office's province is no guess at it (a new Thai user left Rayong in a witness's
    address)."""
    app_id = draft_of(browser, lang)
    post(browser, app_id, "office", RAYONG_OFFICE)
    post(browser, app_id, "capital", CAPITAL)
    for step, group in (("people", "people"), ("directors", "witnesses")):
        page = browser.get(f"/registration/{app_id}/{step}").text
        for row in (0, 1):
            assert f'name="{group}-{row}-address" type="text" value=""' in page, (step, row)

    # What a person's address is, is what was typed, and nothing else is added to it.
    assert post(browser, app_id, "people", people_form()).status_code == 303
    assert [p.address for p in saved(session, app_id, PersonRole.shareholder)] == \
        ["Chon Buri", "London"]


@LANGS
def test_the_head_office_province_starts_the_eec_province(browser, lang):
    app_id = draft_of(browser, lang)
    post(browser, app_id, "office", RAYONG_OFFICE)
    page = browser.get(f"/registration/{app_id}/eec").text
    assert '<option value="21" selected>' in page  # Rayong, the head office's province
    # Once the EEC step is saved, what was saved stands.
    post(browser, app_id, "eec", {**EEC, "eec_province_code": "20", "estate_id": ""})
    page = browser.get(f"/registration/{app_id}/eec").text
    assert '<option value="20" selected>' in page and '<option value="21" selected>' not in page


# --- Two postal codes ---------------------------------------------------------------------------


@LANGS
def test_map_ta_phut_offers_both_postal_codes(browser, lang):
    app_id = draft_of(browser, lang)
    fragment = browser.get("/address/postal-code", params={"subdistrict_code": "210114"})
    assert '<select id="f-postal_code" name="postal_code"' in fragment.text
    assert '<option value="21000">' in fragment.text and '<option value="21150">' in fragment.text
    assert TEXT[lang]["choose_code"] in fragment.text
    single = browser.get("/address/postal-code", params={"subdistrict_code": "200703"})
    assert '<input id="f-postal_code"' in single.text and 'value="20230"' in single.text

    # Without JavaScript the office step offers the same choice, keeping the one chosen.
    r = post(browser, app_id, "office", {**RAYONG_OFFICE, "house_no": ""})
    assert r.status_code == 422
    assert '<option value="21150" selected>' in r.text and '<option value="21000">' in r.text


# --- Check your answers -------------------------------------------------------------------------


def fill_steps(browser, app_id: int) -> None:
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form()),
                       ("directors", DIRECTORS), ("eec", EEC)):
        assert post(browser, app_id, step, data).status_code == 303, step


@LANGS
def test_check_your_answers_links_each_answer_to_its_step_and_back(browser, session, lang):
    app_id = draft_of(browser, lang)
    fill_steps(browser, app_id)
    review = browser.get(f"/registration/{app_id}/review")
    assert TEXT[lang]["check"] in review.text
    for step in ("office", "capital", "people", "directors", "eec", "documents"):
        assert f'href="/registration/{app_id}/{step}?return=check"' in review.text, step
    assert f'>{TEXT[lang]["change"]}<span class="visually-hidden">' in review.text

    page = browser.get(f"/registration/{app_id}/capital?return=check")
    assert 'name="return_to" value="check"' in page.text and TEXT[lang]["back"] in page.text
    r = post(browser, app_id, "capital", {**CAPITAL, "objectives": "Robot arms",
                                          "return_to": "check"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/registration/{app_id}/review#answer-capital"
    assert "Robot arms" in browser.get(f"/registration/{app_id}/review").text

    # An error keeps the way back; a normal save still goes to the next step.
    r = post(browser, app_id, "capital", {**CAPITAL, "par_value": "1", "return_to": "check"})
    assert r.status_code == 422 and 'name="return_to" value="check"' in r.text
    r = post(browser, app_id, "capital", CAPITAL)
    assert r.headers["location"] == f"/registration/{app_id}/people"


def test_return_to_takes_no_other_destination(browser):
    app_id = draft_of(browser, "en")
    r = post(browser, app_id, "office", {**OFFICE, "return_to": "https://evil.example/"})
    assert r.headers["location"] == f"/registration/{app_id}/capital"
    page = browser.get(f"/registration/{app_id}/office?return=//evil.example")
    assert 'name="return_to"' not in page.text


def test_a_name_corrected_on_the_promoters_step_is_corrected_among_the_directors(
        browser, session):
    app_id = draft_of(browser, "th")
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form())):
        post(browser, app_id, step, data)
    post(browser, app_id, "directors", {"promoters-0-is_director": "on",
                                        "promoters-0-can_sign": "on",
                                        "signatories_required": "1", **WITNESSES})
    corrected = {**people_form(), "people-0-full_name": "สมชาย ใจดี"}
    assert post(browser, app_id, "people", corrected).status_code == 303
    assert [d.full_name for d in saved(session, app_id, PersonRole.director)] == ["สมชาย ใจดี"]


@pytest.mark.parametrize("shares, par", [("1e999999999", "1e999999999"), ("NaN", "10"),
                                         ("sNaN", "5"), ("-5", "10"), ("10", "Infinity")])
def test_odd_numbers_for_capital_are_field_errors_not_a_crash(browser, shares, par):
    app_id = draft_of(browser, "en")
    r = post(browser, app_id, "capital", {**CAPITAL, "share_count": shares, "par_value": par})
    assert r.status_code == 422
    output = r.text.split('id="f-registered_capital"')[1].split("</output>")[0]
    assert output.endswith("—")
