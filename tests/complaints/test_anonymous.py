"""Anonymous complaints: a chat user who declines PDPA consent files without a name or a
contact and follows the ticket with its number and access code. The ticket API accepts that
only without personal data; the web form still asks for consent; the desk and the status page
say "anonymous" in both languages and never fail on an empty contact."""

from __future__ import annotations

import re

from complaints import repository, service
from complaints.models import Channel
from tests.conftest import COMPLAINT, SERVICE_TOKEN, choose_language, create_officer, sign_in

ANONYMOUS = {"estate_id": "map-ta-phut", "category": "odor",
             "description": "กลิ่นเหม็นไหม้จากโรงงานข้างประตู 3 ตั้งแต่เช้า",
             "location": "ประตู 3", "contact_name": "", "contact_phone": "",
             "contact_email": "", "consent": False, "language": "th"}


def file(browser, body: dict, **headers: str):
    return browser.client.post("/api/v1/tickets", json=body, headers={**SERVICE_TOKEN, **headers})


def test_the_ticket_api_files_an_anonymous_complaint_with_its_access_code(app, browser, session):
    r = file(browser, ANONYMOUS)
    assert r.status_code == 201, r.text
    filed = r.json()
    assert re.fullmatch(r"CMP-\d{4}-\d{6}", filed["number"]) and filed["access_code"]
    ticket = repository.get_ticket(session, filed["number"])
    assert ticket.consent is False and ticket.consent_at is None
    assert (ticket.contact_name, ticket.contact_phone, ticket.contact_email) == ("", "", "")
    assert service.is_anonymous(ticket)
    # Its complainant follows it with the access code.
    code = {"Ticket-Access-Code": filed["access_code"]}
    owner = browser.client.get(f"/api/v1/tickets/{filed['number']}",
                               headers={**SERVICE_TOKEN, **code})
    private = owner.json()["private"]
    assert owner.json()["is_complainant"] is True and private["anonymous"] is True
    assert private["description"] == ANONYMOUS["description"] and private["contact"] == ""


def test_personal_data_without_consent_is_still_refused(app, browser):
    for personal in ({"contact_name": "Somchai"}, {"contact_phone": "081-234-5678"},
                     {"contact_email": "somchai@example.com"}):
        r = file(browser, {**ANONYMOUS, **personal}, **{"Accept-Language": "en"})
        assert r.status_code == 422, personal
        errors = {e["field"]: e for e in r.json()["errors"]}
        assert errors["consent"]["key"] == "complaint.personal_data_without_consent"
        assert "anonymously" in errors["consent"]["message"]
    thai = file(browser, {**ANONYMOUS, "contact_name": "สมชาย"}, **{"Accept-Language": "th"})
    assert re.search("[\u0e00-\u0e7f]", thai.json()["errors"][0]["message"])


def test_with_consent_the_name_and_contact_are_still_required(app, browser):
    r = file(browser, {**ANONYMOUS, "consent": True}, **{"Accept-Language": "en"})
    keys = {e["field"]: e["key"] for e in r.json()["errors"]}
    assert r.status_code == 422
    assert keys == {"contact_name": "complaint.name_required",
                    "contact_phone": "complaint.contact_required"}
    assert file(browser, {**COMPLAINT, "consent": True}).status_code == 201


def test_the_web_form_still_needs_consent(session):
    from core.errors import Invalid

    try:
        service.file_ticket(session, ANONYMOUS, channel=Channel.web)
    except Invalid as exc:
        keys = {e.field: e.key for e in exc.errors}
    else:
        raise AssertionError("an anonymous web complaint was filed")
    assert keys["consent"] == "complaint.consent_required"
    assert keys["contact_name"] == "complaint.name_required"


def test_the_desk_and_the_status_page_show_anonymous_in_both_languages(app, browser, session):
    filed = file(browser, ANONYMOUS).json()
    number, code = filed["number"], filed["access_code"]
    sign_in(browser, create_officer(session))
    for lang, word, consent_word in (("en", "Anonymous", "No (anonymous complaint)"),
                                     ("th", "ไม่ระบุตัวตน", "ไม่ระบุตัวตน")):
        choose_language(browser, lang)
        inbox = browser.get("/desk/tickets?estate=map-ta-phut")
        assert inbox.status_code == 200 and number in inbox.text
        row = inbox.text[inbox.text.index(number):]
        assert word in row[:row.index("</tr>")], lang
        page = browser.get(f"/desk/tickets/{number}")
        assert page.status_code == 200
        contact = page.text[page.text.index('id="contact"'):]
        assert word in contact[:contact.index("</dd>")] and consent_word in page.text, lang
        mine = browser.post("/complaints/status", {"number": number, "access_code": code},
                            page=f"/complaints/status?number={number}")
        assert mine.status_code == 200 and ANONYMOUS["description"] in mine.text
        assert word in mine.text, lang
