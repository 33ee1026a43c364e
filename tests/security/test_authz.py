"""Staff may read an applicant's draft, never change it: every write route of the wizard
(HTML) and of the JSON API answers 403 to an officer, an admin or an estate operator, and
the draft in the database stays exactly as the applicant left it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import (
    CAPITAL,
    DIRECTORS,
    EEC,
    OFFICE,
    PDF,
    Browser,
    choose_language,
    create_application,
    create_estate_operator,
    create_officer,
    create_user,
    people_form,
    sign_in,
    unique_names,
)
from tests.registration.test_wizard import fill_all_steps

STAFF_ROLES = ["officer", "admin", "estate_operator"]


def _snapshot(application_id: int) -> dict:
    """Everything an applicant's draft consists of, read afresh from the database."""
    from core.runtime import get_engine
    from registration.models import Application, ApplicationEvent, Document, NameReservation, Person

    with Session(get_engine()) as s:
        def rows(model, where) -> list[dict]:
            return sorted((r.model_dump() for r in s.exec(select(model).where(where)).all()),
                          key=lambda r: r["id"])

        return {
            "application": s.get(Application, application_id).model_dump(),
            "people": rows(Person, Person.application_id == application_id),
            "documents": rows(Document, Document.application_id == application_id),
            "events": rows(ApplicationEvent, ApplicationEvent.application_id == application_id),
            "reservations": len(s.exec(select(NameReservation)).all()),
            "applications": len(s.exec(select(Application)).all()),
        }


@pytest.fixture
def draft(browser) -> int:
    """An applicant's complete draft with its documents, one click from being submitted."""
    create_user(browser, lang="en")
    application_id = create_application(browser)
    fill_all_steps(browser, application_id)
    return application_id


def _staff_browser(app, session, role: str) -> tuple[TestClient, Browser]:
    email = (create_estate_operator(session, "map-ta-phut") if role == "estate_operator"
             else create_officer(session, role=role))
    client = TestClient(app, base_url="http://testserver")
    staff = Browser(client)
    choose_language(staff, "en")
    sign_in(staff, email)
    return client, staff


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_cannot_change_an_applicants_draft_by_any_route(app, browser, session, draft,
                                                              role):
    page = browser.get(f"/registration/{draft}/documents").text
    document_id = re.findall(r'name="document_id" value="(\d+)"', page)[0]
    person_id = re.findall(r'<option value="(\d+)">', page)[0]
    before = _snapshot(draft)
    name_th, name_en = unique_names()
    changed = {**OFFICE, "house_no": "1/1", "street": "Staff Street"}
    html_writes = [
        (f"/registration/{draft}/office", changed, None),
        (f"/registration/{draft}/capital", {**CAPITAL, "registered_capital": "5000000"}, None),
        (f"/registration/{draft}/people", people_form(90000), None),
        (f"/registration/{draft}/directors", {**DIRECTORS, "signatories_required": "2"}, None),
        (f"/registration/{draft}/eec", {**EEC, "operates_in_eec": "no"}, None),
        (f"/registration/{draft}/office", {**changed, "action": "draft"}, None),
        (f"/registration/{draft}/documents",
         {"action": "upload", "kind": "other", "person_id": ""},
         {"file": ("staff.pdf", PDF + b"staff", "application/pdf")}),
        (f"/registration/{draft}/documents", {"action": "remove", "document_id": document_id},
         None),
        (f"/registration/{draft}/documents", {"action": "reuse", "document_id": document_id,
                                              "kind": "other", "person_id": person_id}, None),
        (f"/registration/{draft}/submit", {"declaration": "on"}, None),
        (f"/registration/{draft}/answer", {"answer": "Staff answers for the applicant"}, None),
        ("/registration/names", {"entity_type": "limited_company", "names-0-name_th": name_th,
                                 "names-0-name_en": name_en}, None),
    ]
    api_writes = [
        *[("PUT", f"/api/v1/applications/{draft}/{step}", {"json": body}) for step, body in (
            ("office", {**changed}), ("capital", {**CAPITAL, "registered_capital": "5000000"}),
            ("people", {"people": [{"full_name": "Staff Person", "nationality": "TH"}]}),
            ("directors", {"signatories_required": "2"}), ("eec", {"operates_in_eec": False}))],
        ("POST", f"/api/v1/applications/{draft}/documents",
         {"data": {"kind": "other"},
          "files": {"file": ("staff.pdf", PDF + b"s", "application/pdf")}}),
        ("POST", f"/api/v1/applications/{draft}/submit", {"json": {"declaration": True}}),
        ("POST", "/api/v1/reservations",
         {"json": {"entity_type": "limited_company",
                   "names": [{"name_th": name_th, "name_en": name_en}]}}),
    ]
    client, staff = _staff_browser(app, session, role)
    with client:
        for path, data, files in html_writes:
            r = staff.post(path, data, files=files)
            assert r.status_code == 403, (role, path, data.get("action"), r.status_code)
            assert "only the applicant" in r.text, (path, r.text[:500])
        for method, path, kw in api_writes:
            r = staff.api(method, path, **kw)
            assert r.status_code == 403, (role, method, path, r.status_code, r.text[:300])
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "only the applicant" in r.json()["detail"]
    assert _snapshot(draft) == before
    # The applicant still owns the draft and can submit it.
    assert browser.post(f"/registration/{draft}/submit", {"declaration": "on"}).status_code == 303


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_staff_still_read_a_draft(app, browser, session, role):
    create_user(browser, lang="en")
    draft = create_application(browser)
    assert browser.post(f"/registration/{draft}/office", OFFICE).status_code == 303
    client, staff = _staff_browser(app, session, role)
    with client:
        r = staff.get(f"/registration/{draft}/office")
        assert r.status_code == 200 and "99/1" in r.text
        assert staff.api("GET", f"/api/v1/applications/{draft}").status_code == 200
        assert staff.api("GET", f"/api/v1/applications/{draft}/office").json()["house_no"] == "99/1"
        # Checking whether a name is free changes nothing, so staff may do it.
        name_th, name_en = unique_names()
        r = staff.api("POST", "/api/v1/names/check", json={
            "entity_type": "limited_company", "name_th": name_th, "name_en": name_en})
        assert r.status_code == 200


def test_staff_reading_a_draft_see_it_read_only(app, browser, session, draft):
    client, staff = _staff_browser(app, session, "officer")
    with client:
        for step in ("office", "documents", "review"):
            page = staff.get(f"/registration/{draft}/{step}").text
            assert "only the applicant" in page, step
            assert "<fieldset disabled" in page, step  # every field and button greyed out
    # The applicant's own page has neither.
    page = browser.get(f"/registration/{draft}/office").text
    assert "only the applicant" not in page and "<fieldset disabled" not in page


def test_a_get_never_changes_the_stored_language(browser, session):
    """Following a link (or loading an image) must not change an account: the language
    switch is a form POST with the CSRF token."""
    from core.accounts.models import User

    email = create_user(browser, lang="en")
    r = browser.get("/lang/th?next=/registration", follow_redirects=False)
    assert r.status_code in (404, 405)
    user = session.exec(select(User).where(User.email == email)).one()
    session.refresh(user)
    assert user.preferred_lang == "en"
    assert '<html lang="en">' in browser.get("/registration").text
    # Without the form's token the POST is refused and changes nothing either.
    r = browser.client.post("/lang", data={"lang": "th"}, follow_redirects=False)
    assert r.status_code == 403
    session.refresh(user)
    assert user.preferred_lang == "en"
    # The header's buttons work without JavaScript: a form posting to /lang.
    page = browser.get("/registration").text
    assert 'action="/lang"' in page and 'name="lang" value="th"' in page
    assert choose_language(browser, "th", "/registration").headers["location"] == "/registration"
    session.refresh(user)
    assert user.preferred_lang == "th"
