"""The registration wizard over HTTP (HTML forms, no JavaScript): each step's checks, errors
next to the field in the user's language, nothing typed lost, and submission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eec_bridge.models import Case, OutboxMessage, OutboxState
from registration.models import Application, ApplicationStatus, NameReservation
from tests.conftest import (
    CAPITAL,
    DIRECTORS,
    EEC,
    OFFICE,
    PDF,
    choose_language,
    create_application,
    create_user,
    people_form,
    thai_id,
    unique_names,
)


@pytest.fixture
def draft(browser) -> int:
    create_user(browser, lang="en")
    return create_application(browser)


def fill_all_steps(browser, app_id: int, foreign_shares: int = 40000,
                   eec: dict | None = None) -> None:
    for step, data in (("office", OFFICE), ("capital", CAPITAL),
                       ("people", people_form(foreign_shares)), ("directors", DIRECTORS),
                       ("eec", {**EEC, **(eec or {})})):
        r = browser.post(f"/registration/{app_id}/{step}", data)
        assert r.status_code == 303, (step, r.text[:2000])
    page = browser.get(f"/registration/{app_id}/documents").text
    import re

    person_ids = list(dict.fromkeys(re.findall(r'<option value="(\d+)"(?: selected)?>', page)))
    for kind, person_id, content in (("id_copy", person_ids[0], PDF),
                                     ("passport_copy", person_ids[1], PDF + b"%")):
        r = browser.post(f"/registration/{app_id}/documents",
                         {"action": "upload", "kind": kind, "person_id": person_id},
                         files={"file": (f"{kind}.pdf", content, "application/pdf")})
        assert r.status_code == 303, r.text[:2000]


def test_name_check_fragment_shows_conflicting_register_names(browser, session):
    from registration.models import RegisteredName

    create_user(browser, lang="en")
    existing = session.exec(select(RegisteredName).where(
        RegisteredName.entity_type == "limited_company")).first()
    r = browser.post("/registration/names/check?row=0", {
        "entity_type": "limited_company", "names-0-name_th": existing.name_th,
        "names-0-name_en": existing.name_en}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert existing.name_en in r.text.replace("&amp;", "&")
    assert "<html" not in r.text  # a fragment for htmx, not a page
    # Both forms are taken for the same reason; the message under the row says it once.
    assert r.text.count("Please choose another name") == 1, r.text
    name_th, name_en = unique_names()
    r = browser.post("/registration/names/check?row=1", {
        "entity_type": "limited_company", "names-1-name_th": name_th, "names-1-name_en": name_en})
    assert "looks available" in r.text


def test_second_choice_is_reserved_when_first_is_taken(browser, session):
    from registration.models import RegisteredName

    create_user(browser, lang="en")
    taken = session.exec(select(RegisteredName)
                         .where(RegisteredName.entity_type == "limited_company")).first()
    free_th, free_en = unique_names()
    r = browser.post("/registration/names", {
        "entity_type": "limited_company",
        "names-0-name_th": taken.name_th, "names-0-name_en": taken.name_en,
        "names-1-name_th": free_th, "names-1-name_en": free_en})
    assert r.status_code == 303
    app_id = int(r.headers["location"].split("/")[2])
    application = session.get(Application, app_id)
    reservation = session.get(NameReservation, application.reservation_id)
    assert (reservation.rank, reservation.name_en) == (2, free_en)
    # Reserved names now block others too.
    r = browser.post("/registration/names", {"entity_type": "limited_company",
                                             "names-0-name_th": free_th,
                                             "names-0-name_en": free_en})
    assert r.status_code == 422 and "names-0-name_th" in r.text


def test_thai_name_with_english_suffix_is_refused_and_kept(browser):
    create_user(browser, lang="en")
    r = browser.post("/registration/names", {"entity_type": "limited_company",
                                             "names-0-name_th": "บริษัท ทดสอบ Company Limited",
                                             "names-0-name_en": "Thodsob Company Limited"})
    assert r.status_code == 422
    assert 'id="e-names-0-name_th"' in r.text
    assert 'value="บริษัท ทดสอบ Company Limited"' in r.text
    assert 'value="Thodsob Company Limited"' in r.text


@pytest.mark.parametrize("text", [
    "บริษัท " + "ก" * 5000 + " จำกัด",
    "บริษัท สยาม\u200bเทค\u200d จำกัด",
    "บริษัท ก\u0e48\u0e48\u0e48\u0e49\u0e49 จำกัด",
    "บริษัท Siamไทยmixed 中文 جملة จำกัด",
    "\u0e31\u0e34\u0e35" * 300,
])
def test_unexpected_text_never_causes_a_server_error(browser, text):
    create_user(browser, lang="th")
    r = browser.post("/registration/names", {"entity_type": "limited_company",
                                             "names-0-name_th": text, "names-0-name_en": text})
    assert r.status_code in (303, 422)
    r = browser.post("/registration/names/check?row=0", {
        "entity_type": "limited_company", "names-0-name_th": text, "names-0-name_en": text})
    assert r.status_code == 200


def test_wrong_id_checksum_is_shown_next_to_the_field_and_everything_is_kept(browser, draft):
    browser.post(f"/registration/{draft}/capital", CAPITAL)
    form = people_form()
    form["people-0-thai_id"] = form["people-0-thai_id"][:-1] + str(
        (int(form["people-0-thai_id"][-1]) + 1) % 10)
    r = browser.post(f"/registration/{draft}/people", form)
    assert r.status_code == 422
    assert 'id="e-people-0-thai_id"' in r.text
    for value in ("Somchai Jaidee", "John Smith", "123456789", "London", "60000"):
        assert f'value="{value}"' in r.text


def test_capital_rules(browser, draft):
    r = browser.post(f"/registration/{draft}/capital", {**CAPITAL, "par_value": "4",
                                                        "paid_up_percent": "20"})
    assert r.status_code == 422
    assert 'id="e-par_value"' in r.text and "5 baht" in r.text
    assert 'id="e-paid_up_percent"' in r.text and "25%" in r.text
    r = browser.post(f"/registration/{draft}/capital", {**CAPITAL, "registered_capital": "999999"})
    assert 'id="e-registered_capital"' in r.text


def test_capital_error_in_thai_keeps_the_typed_values(browser):
    create_user(browser, lang="th")
    app_id = create_application(browser)
    r = browser.post(f"/registration/{app_id}/capital", {**CAPITAL, "par_value": "1"})
    assert r.status_code == 422
    error = r.text.split('id="e-par_value">')[1].split("<")[0]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in error), error
    assert 'value="100000"' in r.text and "Trading of industrial parts" in r.text


def test_shares_must_add_up_and_two_promoters_are_needed(browser, draft):
    browser.post(f"/registration/{draft}/capital", CAPITAL)
    form = people_form()
    form["people-1-shares"] = "1"
    form.pop("people-1-is_promoter")
    r = browser.post(f"/registration/{draft}/people", form)
    assert r.status_code == 422
    assert 'id="e-shares_total"' in r.text and "60,001" in r.text
    assert 'id="e-people"' in r.text and "at least 2 promoters" in r.text


def test_postal_code_must_match_subdistrict(browser, draft):
    r = browser.post(f"/registration/{draft}/office", {**OFFICE, "postal_code": "20110"})
    assert r.status_code == 422
    assert 'id="e-postal_code"' in r.text and "20230" in r.text
    assert 'value="99/1"' in r.text


def test_add_another_person_keeps_rows_without_validating(browser, draft):
    form = {**people_form(), "action": "add_people"}
    r = browser.post(f"/registration/{draft}/people", form)
    assert r.status_code == 200 and 'class="error"' not in r.text
    assert 'name="people-2-full_name"' in r.text and 'value="John Smith"' in r.text


def test_save_draft_and_resume_later(browser, draft):
    r = browser.post(f"/registration/{draft}/office", {**OFFICE, "postal_code": "",
                                                       "action": "draft"})
    assert r.status_code == 303 and r.headers["location"].startswith("/registration?saved")
    r = browser.get(f"/registration/{draft}", follow_redirects=False)
    assert r.headers["location"].endswith("/office")  # not complete yet, so resume there
    assert 'value="99/1"' in browser.get(f"/registration/{draft}/office").text


def test_uploads_are_checked_by_content_and_size(browser, draft):
    r = browser.post(f"/registration/{draft}/documents", {"action": "upload", "kind": "other"},
                     files={"file": ("scan.pdf", b"MZ\x90\x00 pretending", "application/pdf")})
    assert r.status_code == 422 and 'id="e-file"' in r.text and "PDF, JPEG or PNG" in r.text
    big = PDF + b"0" * (5 * 1024 * 1024)
    r = browser.post(f"/registration/{draft}/documents", {"action": "upload", "kind": "other"},
                     files={"file": ("big.pdf", big, "application/pdf")})
    assert r.status_code == 422 and "5 MB" in r.text
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = browser.post(f"/registration/{draft}/documents", {"action": "upload", "kind": "other"},
                     files={"file": ("photo.jpg", png, "image/jpeg")})
    assert r.status_code == 303  # a PNG named .jpg is still a PNG: accepted by content


def test_a_file_is_stored_once_and_reused(browser, draft, session):
    from registration.models import Document, StoredFile

    fill_all_steps(browser, draft)
    docs = session.exec(select(Document).where(Document.application_id == draft)).all()
    r = browser.post(f"/registration/{draft}/documents",
                     {"action": "reuse", "document_id": str(docs[0].id), "kind": "office_map"})
    assert r.status_code == 303
    session.expire_all()
    docs = session.exec(select(Document).where(Document.application_id == draft)).all()
    assert len(docs) == 3 and docs[0].sha256 == docs[2].sha256
    assert session.get(StoredFile, docs[0].sha256).size == len(PDF)


def test_submit_freezes_gives_reference_and_writes_outbox_in_one_transaction(browser, draft,
                                                                            session):
    fill_all_steps(browser, draft, foreign_shares=60000)
    review = browser.get(f"/registration/{draft}/review").text
    assert 'id="fba-notice"' in review  # 60% foreign: Foreign Business Act notice
    assert "THB5,500.00" in review
    r = browser.post(f"/registration/{draft}/submit", {})
    assert r.status_code == 422 and 'id="e-declaration"' in r.text
    r = browser.post(f"/registration/{draft}/submit", {"declaration": "on"})
    assert r.status_code == 303 and r.headers["location"].endswith("/status")
    application = session.get(Application, draft)
    session.refresh(application)
    assert application.status == ApplicationStatus.submitted
    assert application.reference == f"REG-{datetime.now(UTC).year}-{draft:06d}"
    case = session.exec(select(Case).where(Case.application_id == draft)).one()
    assert case.status == "submitted" and case.reference == application.reference
    outbox = session.exec(select(OutboxMessage).where(OutboxMessage.aggregate_id == case.id)).all()
    assert len(outbox) == 1 and outbox[0].state == OutboxState.pending
    assert outbox[0].topic == "bizportal.registration"
    assert outbox[0].payload["name_th"] == application.name_th
    assert outbox[0].payload["people"]["shareholder"][0]["thai_id"] == thai_id(1)
    status = browser.get(f"/registration/{draft}/status").text
    assert application.reference in status
    # Frozen: steps can no longer be changed, and a second submit does not duplicate.
    assert browser.post(f"/registration/{draft}/office", OFFICE).status_code == 403
    browser.post(f"/registration/{draft}/submit", {"declaration": "on"})
    assert len(session.exec(select(OutboxMessage)
                            .where(OutboxMessage.aggregate_id == case.id)).all()) == 1


def test_two_submits_racing_for_one_draft_open_one_case(browser, draft, session):
    """A double click, or two tabs: both requests load the draft before either commits."""
    from sqlmodel import Session

    from core.accounts.models import User
    from core.errors import Forbidden
    from core.runtime import get_engine
    from registration import service

    fill_all_steps(browser, draft)
    user = session.get(User, session.get(Application, draft).user_id)
    with Session(get_engine()) as first, Session(get_engine()) as second:
        loaded = [service.get_application_and_reservation(s, user, draft) for s in (first, second)]
        service.submit_application(first, loaded[0][0], declared=True, reservation=loaded[0][1])
        first.commit()
        with pytest.raises(Forbidden) as refused:
            service.submit_application(second, loaded[1][0], declared=True,
                                       reservation=loaded[1][1])
        assert refused.value.key == "application.frozen"
        second.rollback()
    case = session.exec(select(Case).where(Case.application_id == draft)).one()
    assert len(session.exec(select(OutboxMessage)
                            .where(OutboxMessage.aggregate_id == case.id)).all()) == 1


def test_expired_reservation_blocks_submission(browser, draft, session):
    fill_all_steps(browser, draft)
    application = session.get(Application, draft)
    reservation = session.get(NameReservation, application.reservation_id)
    reservation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.add(reservation)
    session.commit()
    r = browser.post(f"/registration/{draft}/submit", {"declaration": "on"})
    assert r.status_code == 422 and "expired" in r.text
    session.expire_all()
    assert session.get(Application, draft).status == ApplicationStatus.draft
    assert not session.exec(select(Case).where(Case.application_id == draft)).all()


def test_status_page_timeline_is_a_fragment_for_htmx_polling(browser, draft):
    fill_all_steps(browser, draft)
    browser.post(f"/registration/{draft}/submit", {"declaration": "on"})
    r = browser.get(f"/registration/{draft}/status", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    assert 'hx-trigger="every 5s"' in r.text and "REG-" in r.text


def test_thai_status_page_shows_buddhist_era_year(browser):
    create_user(browser, lang="th")
    app_id = create_application(browser)
    fill_all_steps(browser, app_id)
    browser.post(f"/registration/{app_id}/submit", {"declaration": "on"})
    page = browser.get(f"/registration/{app_id}/status").text
    assert str(datetime.now(UTC).year + 543) in page
    choose_language(browser, "en")
    assert str(datetime.now(UTC).year) in browser.get(f"/registration/{app_id}/status").text


def test_address_cascade_lists_names_in_the_page_language(browser):
    create_user(browser, lang="th")
    assert "ศรีราชา" in browser.get("/address/districts?province_code=20").text
    choose_language(browser, "en")
    assert "Si Racha" in browser.get("/address/districts?province_code=20").text
    assert 'value="20230"' in browser.get("/address/postal-code?subdistrict_code=200703").text


def test_a_submitted_name_stays_protected_until_and_after_registration(app, browser, session):
    from fastapi.testclient import TestClient
    from stdnum.th import moa

    from eec_bridge import callbacks
    from registration.models import ReservationStatus
    from tests.conftest import Browser

    create_user(browser, lang="en")
    draft_id = create_application(browser)
    fill_all_steps(browser, draft_id)
    browser.post(f"/registration/{draft_id}/submit", {"declaration": "on"})
    application = session.get(Application, draft_id)
    names = {"entity_type": "limited_company", "names-0-name_th": application.name_th,
             "names-0-name_en": application.name_en}
    with TestClient(app) as other_client:
        other = Browser(other_client)
        create_user(other, lang="en")
        assert other.post("/registration/names", names).status_code == 422  # still reserved
        case = session.exec(select(Case).where(Case.application_id == draft_id)).one()
        number = "0105569" + f"{draft_id:05d}"
        callbacks.register_company(session, case, number + moa.calc_check_digit(number))
        session.commit()
        session.expire_all()
        reservation = session.get(NameReservation, application.reservation_id)
        assert reservation.status == ReservationStatus.used
        assert other.post("/registration/names", names).status_code == 422  # registered now
