"""The complaint form and the public status page over HTTP, in Thai and in English, without
JavaScript: bad input comes back with every value kept and each error beside its field."""

from __future__ import annotations

import html
import re

import pytest

from complaints import repository, service
from tests.conftest import choose_language, create_officer, create_ticket

FORM = {"estate_id": "amata-city-rayong", "category": "odor",
        "description": "A sour smell over Soi 7 every night after 22:00.",
        "location": "Soi 7, next to the water tower", "contact_name": "Nida Wong",
        "contact_phone": "089-111-2233", "contact_email": "nida@example.com", "consent": "on"}


def form_key(browser) -> str:
    page = browser.get("/complaints/new").text
    return re.search(r'name="form_key" value="([0-9a-f]+)"', page).group(1)


@pytest.mark.parametrize("lang, phone_error, consent_error", [
    ("en", "Enter a Thai phone number", "You must agree to the privacy notice"),
    ("th", "กรุณากรอกหมายเลขโทรศัพท์", "กรุณายินยอมตามประกาศความเป็นส่วนตัว"),
])
def test_bad_input_keeps_every_value_and_marks_each_field(app, browser, lang, phone_error,
                                                          consent_error):
    choose_language(browser, lang)
    bad = {**FORM, "contact_phone": "12-34", "consent": "", "form_key": form_key(browser)}
    r = browser.post("/complaints/new", bad, page="/complaints/new")
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert f'<html lang="{lang}">' in r.text
    for name in ("description", "location", "contact_name", "contact_phone", "contact_email"):
        assert bad[name] in page, name
    assert 'value="amata-city-rayong" selected' in r.text and 'value="odor" selected' in r.text
    assert 'id="e-contact_phone"' in r.text and 'id="e-consent"' in r.text
    assert phone_error in page and consent_error in page
    assert 'id="error-summary"' in r.text and 'href="/privacy"' in r.text


def test_the_form_files_a_complaint_once_and_confirms_its_number(app, browser):
    choose_language(browser, "en")
    data = {**FORM, "form_key": form_key(browser)}
    r = browser.post("/complaints/new", data, page="/complaints/new")
    assert r.status_code == 303 and r.headers["location"].startswith("/complaints/filed/CMP-")
    number = r.headers["location"].rsplit("/", 1)[1]
    confirmation = browser.get(r.headers["location"]).text
    assert number in confirmation and "Complaint received" in confirmation
    # A double click or a resent form files nothing new.
    again = browser.post("/complaints/new", data, page="/complaints/new")
    assert again.headers["location"] == r.headers["location"]
    # Back to the sent form, changed and sent again: that is another complaint.
    changed = browser.post("/complaints/new", {**data, "description": "Also dust at noon."},
                           page="/complaints/new")
    assert changed.status_code == 303 and changed.headers["location"] != r.headers["location"]


def test_the_status_page_shows_only_public_information(app, browser, session):
    from sqlmodel import select

    from core.accounts.models import User

    number = create_ticket(session)
    officer = session.exec(select(User).where(User.email == create_officer(session))).one()
    ticket = repository.get_ticket(session, number)
    service.add_note(session, ticket, officer, "Inspectors sampled the canal today.", public=True)
    service.add_note(session, ticket, officer, "Suspect the dye works on Soi 3.", public=False)
    session.commit()
    choose_language(browser, "en")
    page = browser.get(f"/complaints/status?number={number.lower()}").text
    assert number in page and "Inspectors sampled the canal today." in page
    assert "Suspect the dye works" not in page
    for private in ("Black water flows", "Somchai", "081-234-5678", "08X-XXX-X678",
                    "somchai@example.com"):
        assert private not in page, private
    missing = browser.get("/complaints/status?number=CMP-1999-000404")
    assert missing.status_code == 404 and 'id="not-found"' in missing.text
    choose_language(browser, "th")
    assert "สถานะ" in browser.get(f"/complaints/status?number={number}").text
