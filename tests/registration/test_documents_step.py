"""The documents step as a new applicant meets it, in Thai and English: an identity document
names whose it is (the form starts with the promoter still missing one, and a copy for no one
is refused with the form kept), each upload is confirmed, and file hashes stay off the page."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from core.i18n import translations
from registration.models import Document, Person, PersonRole
from tests.conftest import (
    CAPITAL,
    DIRECTORS,
    EEC,
    OFFICE,
    PDF,
    create_application,
    create_user,
    people_form,
)


def t(lang: str, msgid: str, **params) -> str:
    text = translations(lang).gettext(msgid)
    return text.format(**params) if params else text


@pytest.fixture
def promoters_known(browser, request) -> tuple[int, str]:
    """A draft whose promoters are known (every step before the documents saved), in the
    language the test is parametrized with."""
    lang = request.param
    create_user(browser, lang=lang)
    app_id = create_application(browser)
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form()),
                       ("directors", DIRECTORS), ("eec", EEC)):
        assert browser.post(f"/registration/{app_id}/{step}", data).status_code == 303, step
    return app_id, lang


def promoter_ids(session, app_id: int) -> dict[str, int]:
    session.expire_all()
    people = session.exec(select(Person).where(Person.application_id == app_id,
                                               Person.role == PersonRole.shareholder)).all()
    return {p.full_name: p.id for p in people}


def upload_form(page: str) -> str:
    return page.split('enctype="multipart/form-data"')[1].split("</form>")[0]


def selected(form: str, name: str) -> str:
    select_html = re.search(rf'<select id="[^"]+" name="{name}".*?</select>', form, re.S).group(0)
    found = re.search(r'<option value="([^"]*)" selected>', select_html)
    return found.group(1) if found else ""


def upload(browser, app_id: int, kind: str, person_id: int | str, name: str, content=PDF):
    return browser.post(f"/registration/{app_id}/documents",
                        {"action": "upload", "kind": kind, "person_id": str(person_id)},
                        files={"file": (name, content, "application/pdf")})


@pytest.mark.parametrize("promoters_known", ["th", "en"], indirect=True)
def test_the_form_starts_with_the_promoter_still_missing_an_identity_document(
        browser, session, promoters_known):
    app_id, _lang = promoters_known
    ids = promoter_ids(session, app_id)
    form = upload_form(browser.get(f"/registration/{app_id}/documents").text)
    assert (selected(form, "kind"), selected(form, "person_id")) == (
        "id_copy", str(ids["Somchai Jaidee"]))

    assert upload(browser, app_id, "id_copy", ids["Somchai Jaidee"], "id.pdf").status_code == 303
    form = upload_form(browser.get(f"/registration/{app_id}/documents").text)
    assert (selected(form, "kind"), selected(form, "person_id")) == (
        "passport_copy", str(ids["John Smith"]))

    upload(browser, app_id, "passport_copy", ids["John Smith"], "passport.pdf", PDF + b"%")
    form = upload_form(browser.get(f"/registration/{app_id}/documents").text)
    assert (selected(form, "kind"), selected(form, "person_id")) == ("other", "")


@pytest.mark.parametrize("promoters_known", ["th", "en"], indirect=True)
def test_an_identity_document_for_no_one_is_refused_and_the_form_kept(
        browser, session, promoters_known):
    app_id, lang = promoters_known
    r = upload(browser, app_id, "passport_copy", "", "scan.pdf")
    assert r.status_code == 422
    error = re.search(r'<p class="error" id="e-person_id">(.*?)</p>', r.text).group(1)
    assert error == t(lang, "Choose whose identity document this is.")
    form = upload_form(r.text)
    assert selected(form, "kind") == "passport_copy"
    assert not session.exec(select(Document).where(Document.application_id == app_id)).all()

    # Attaching an uploaded file again as someone's identity document names them too.
    ids = promoter_ids(session, app_id)
    upload(browser, app_id, "other", "", "scan.pdf")
    doc = session.exec(select(Document).where(Document.application_id == app_id)).one()
    r = browser.post(f"/registration/{app_id}/documents",
                     {"action": "reuse", "document_id": str(doc.id), "kind": "id_copy",
                      "person_id": ""})
    assert r.status_code == 422
    assert t(lang, "Choose whose identity document this is.") in r.text
    r = browser.post(f"/registration/{app_id}/documents",
                     {"action": "reuse", "document_id": str(doc.id), "kind": "id_copy",
                      "person_id": str(ids["Somchai Jaidee"])})
    assert r.status_code == 303


@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_upload_is_confirmed_once_and_hashes_are_not_shown(browser, session, lang):
    create_user(browser, lang=lang)
    app_id = create_application(browser)
    r = upload(browser, app_id, "other", "", "site-plan.pdf")
    assert r.status_code == 303
    page = browser.get(r.headers["location"]).text
    confirmed = t(lang, "{filename} was uploaded.", filename="site-plan.pdf")
    assert f'<div class="alert ok" role="status">{confirmed}</div>' in page
    assert confirmed not in browser.get(f"/registration/{app_id}/documents").text  # once

    doc = session.exec(select(Document).where(Document.application_id == app_id)).one()
    assert "SHA-256" not in page and doc.sha256[:12] not in page
    assert "site-plan.pdf" in page

    r = browser.post(f"/registration/{app_id}/documents",
                     {"action": "remove", "document_id": str(doc.id)})
    page = browser.get(r.headers["location"]).text
    assert t(lang, "{filename} was removed.", filename="site-plan.pdf") in page
