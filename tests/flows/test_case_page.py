"""The officer's case page and desk (flows/case_desk.py, eec_bridge/desk.py) in Thai and
English: the application as submitted with its files inline, the history tab, the desk's
search and open/closed tabs, assignment by a supervisor, the messages after each action, the
landing page after sign-in, and who may not look."""

from __future__ import annotations

import random
import re
import uuid

import pytest
from babel import Locale
from markupsafe import escape
from sqlmodel import select

from core.accounts.models import User
from core.i18n import translations
from eec_bridge.models import Case, CaseStatus
from registration.identity import format_pin
from tests.conftest import (
    choose_language,
    create_officer,
    create_user,
    officer_browser,
    sign_in,
    submitted_application,
    thai_id,
)
from tests.eec_bridge.test_desk import case_for, to_eec_review
from tests.factories import EEC_NO_PRIVILEGES, make_user
from tests.factories import submitted_application as made_application

LANGS = ["th", "en"]


def t(lang: str, msgid: str, **params) -> str:
    text = translations(lang).gettext(msgid)
    return text % params if params else text


def nationality(code: str, lang: str) -> str:
    return Locale(lang).territories[code]


def documents_of(page: str, case_id: int) -> list[str]:
    return re.findall(rf'<iframe src="(/desk/cases/{case_id}/documents/\d+)"', page)


@pytest.mark.parametrize("lang", LANGS)
def test_officer_decides_from_the_case_page(app, browser, session, lang):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        choose_language(officer, lang)
        page = officer.get(f"/desk/cases/{case.id}").text
        # Names, objectives, capital with the computed total, the foreign part.
        for text in (case.name_th, case.name_en, "Trading of industrial parts"):
            assert text in page
        capital = page.split('id="capital"')[1].split("</dl>")[0]
        assert "1,000,000" in capital and "100,000 × 10" in capital
        assert "1,000,000" in capital.split('id="capital-total"')[1]
        assert re.search(r'id="foreign-percent">40%', page)
        # Every promoter and shareholder with the nationality as a word and their part.
        holders = page.split('id="shareholders"')[1].split("</table>")[0]
        assert "Somchai Jaidee" in holders and "John Smith" in holders
        assert f"<td>{nationality('GB', lang)}</td>" in holders
        assert f"<td>{nationality('TH', lang)}</td>" in holders
        assert "<td>GB</td>" not in holders and "<td>TH</td>" not in holders
        assert "60%" in holders and "40%" in holders
        assert format_pin(thai_id(1)) in holders and "123456789" in holders
        directors = page.split('id="directors"')[1].split("</table>")[0]
        assert "Somchai Jaidee" in directors
        witnesses = page.split('id="witnesses"')[1].split("</table>")[0]
        assert "Witness One" in witnesses and "Witness Two" in witnesses
        assert t(lang, "EEC answers") in page and t(lang, "Requests EEC privileges") in page
        # Both files inline, beside the decision.
        frames = documents_of(page, case.id)
        assert len(frames) == 2
        assert t(lang, "Approve and send to EEC OSS") in page
        assert page.index('id="h-documents"') < page.index('id="h-decide"')
        for src in frames:
            r = officer.get(src)
            assert r.status_code == 200 and r.content.startswith(b"%PDF")
            assert r.headers["content-type"] == "application/pdf"
            assert r.headers["content-disposition"].startswith("inline")
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "SAMEORIGIN"
            assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
        # The words for the status, not its code; exchanges only on the second tab.
        assert f'id="case-status">{t(lang, "EEC officer review")}<' in page
        assert 'id="exchanges"' not in page
        history = officer.get(f"/desk/cases/{case.id}?tab=history").text
        assert 'id="exchanges"' in history and 'id="case-timeline"' in history
        assert t(lang, 'Company registration') in history  # the outbox's topic in words
        assert 'bizportal.registration' not in history
        assert 'id="shareholders"' not in history


def test_applicant_and_stranger_cannot_open_the_case_or_its_files(app, browser, session):
    other = case_for(session, submitted_application(browser))
    app_id = submitted_application(browser)  # the browser's applicant owns this one
    case = case_for(session, app_id)
    with officer_browser(app, session) as officer:
        [src] = documents_of(officer.get(f"/desk/cases/{case.id}").text, case.id)[:1]
        assert officer.get(src).status_code == 200
        # A document of another application is not that case's.
        assert officer.get(src.replace(f"/cases/{case.id}/", f"/cases/{other.id}/")
                           ).status_code == 404
    # The applicant who owns the application, then someone not signed in.
    for path in (f"/desk/cases/{case.id}", src):
        r = browser.get(path)
        assert r.status_code == 403 and not r.content.startswith(b"%PDF")
    browser.client.cookies.clear()
    for path in (f"/desk/cases/{case.id}", src):
        r = browser.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")


def _two_cases(session) -> tuple[Case, Case, str]:
    """Two submitted registrations, one with a shareholder of a name found nowhere else."""
    person = f"Zebulon Quarrington {uuid.uuid4().hex[:6]}"
    rng = random.Random(uuid.uuid4().int)
    found = made_application(session, make_user(session), rng, EEC_NO_PRIVILEGES,
                             people={"people-1-full_name": person})
    other = made_application(session, make_user(session), rng, EEC_NO_PRIVILEGES)
    session.commit()
    return case_for(session, found), case_for(session, other), person


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_the_case_by_each_kind(app, browser, session, lang):
    found, other, person = _two_cases(session)
    found = to_eec_review(session, found.application_id)  # now it has a juristic number
    number = found.juristic_number
    dashed = f"{number[0]}-{number[1:5]}-{number[5:10]}-{number[10:12]}-{number[12]}"
    with officer_browser(app, session) as officer:
        choose_language(officer, lang)
        for query in (found.reference, found.name_th, found.name_en.upper(), number, dashed,
                      person.lower(), found.name_th.split()[1][:6]):
            page = officer.get("/desk", params={"q": query, "view": "all"}).text
            assert f">{found.reference}</a>" in page, query
            assert f">{other.reference}</a>" not in page, query
            assert t(lang, "Search") in page
        page = officer.get("/desk", params={"q": "no such company %_", "view": "all"}).text
        assert f">{found.reference}</a>" not in page
        assert t(lang, "No cases match these filters.") in page
        # An htmx request gets the results alone, still searched.
        fragment = officer.get("/desk", params={"q": other.reference},
                               headers={"HX-Request": "true"}).text
        assert "<html" not in fragment and f">{other.reference}</a>" in fragment


@pytest.mark.parametrize("lang", LANGS)
def test_open_and_closed_cases_are_apart(app, browser, session, lang):
    found, other, _ = _two_cases(session)
    closed = session.get(Case, found.id)
    closed.status = CaseStatus.rejected
    session.add(closed)
    session.commit()
    with officer_browser(app, session) as officer:
        choose_language(officer, lang)
        opened = officer.get("/desk").text
        assert t(lang, "Open cases") in opened and t(lang, "Closed cases") in opened
        assert t(lang, "Rejected") in officer.get("/desk?view=closed").text
        # Each case looked up by its reference, so other tests' cases on the desk (and the
        # page size) cannot hide it.
        expected = {"open": {other.reference}, "closed": {found.reference},
                    "all": {found.reference, other.reference}}
        for view, shown in expected.items():
            for reference in (found.reference, other.reference):
                page = officer.get("/desk", params={"view": view, "q": reference}).text
                assert (f">{reference}</a>" in page) == (reference in shown), (view, reference)


@pytest.mark.parametrize("lang", LANGS)
def test_a_supervisor_assigns_a_case_and_an_officer_cannot(app, browser, session, lang):
    app_id = submitted_application(browser)
    case = case_for(session, app_id)
    colleague = session.exec(select(User).where(
        User.email == create_officer(session))).one()
    with officer_browser(app, session) as officer:
        choose_language(officer, lang)
        page = officer.get(f"/desk/cases/{case.id}").text
        assert 'name="assignee_id"' not in page  # an officer has no one to choose
        r = officer.post(f"/desk/cases/{case.id}/assign", {"assignee_id": str(colleague.id)})
        assert r.status_code == 403
        assert t(lang, "Only an administrator can assign a case to someone else.") in r.text
        assert case_for(session, app_id).assignee_id is None
        # Taking it oneself is fine, and says so once.
        r = officer.post(f"/desk/cases/{case.id}/assign", {})
        assert r.status_code == 303
        page = officer.get(r.headers["location"]).text
        assert t(lang, "The case is now assigned to you.") in page
        assert t(lang, "The case is now assigned to you.") not in officer.get(
            f"/desk/cases/{case.id}").text
    with officer_browser(app, session, role="admin") as admin:
        choose_language(admin, lang)
        page = admin.get(f"/desk/cases/{case.id}").text
        assert f"{colleague.full_name} ({t(lang, 'EEC officer')})" in page
        r = admin.post(f"/desk/cases/{case.id}/assign", {"assignee_id": "99999999"})
        assert r.status_code == 422
        assert t(lang, "Choose an active EEC officer or administrator.") in r.text
        r = admin.post(f"/desk/cases/{case.id}/assign", {"assignee_id": str(colleague.id)})
        assert r.status_code == 303
        page = admin.get(r.headers["location"]).text
        assert t(lang, "The case is now assigned to {name}.").format(
            name=colleague.full_name) in page
        assigned = page.split('id="case-assignee">')[1].split("</dd>")[0]
        assert colleague.full_name in assigned and t(lang, "EEC officer") in assigned
    assert case_for(session, app_id).assignee_id == colleague.id


@pytest.mark.parametrize("lang", LANGS)
def test_each_decision_is_confirmed_after_the_redirect(app, browser, session, lang):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        choose_language(officer, lang)
        r = officer.post(f"/desk/cases/{case.id}/request-info", {"question": "Lease, please."})
        page = officer.get(r.headers["location"]).text
        assert escape(t(lang, "Your question was sent. The applicant sees it on the "
                                   "application's status page.")) in page
        assert 'class="alert ok" role="status"' in page
        r = officer.post(f"/desk/cases/{case.id}/reject", {"reason": "Not eligible."})
        page = officer.get(r.headers["location"]).text
        assert t(lang, "The case was rejected. The applicant sees the reason.") in page


def test_officers_land_on_the_desk_and_applicants_where_they_did(app, browser, session):
    r = browser.post("/sign-in", {"email": create_officer(session),
                                  "password": "officer password 1"}, page="/sign-in")
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    browser.post("/sign-out", {})
    r = browser.post("/sign-in", {"email": create_officer(session, role="admin"),
                                  "password": "officer password 1"}, page="/sign-in")
    assert r.headers["location"] == "/desk"
    browser.post("/sign-out", {})
    # A link to a page still leads there.
    r = browser.post("/sign-in", {"email": create_officer(session), "next": "/desk/dead-letters",
                                  "password": "officer password 1"}, page="/sign-in")
    assert r.headers["location"] == "/desk/dead-letters"
    browser.post("/sign-out", {})
    email = create_user(browser)
    browser.post("/sign-out", {})
    r = browser.post("/sign-in", {"email": email, "password": "correct horse battery"},
                     page="/sign-in")
    assert r.status_code == 303 and r.headers["location"] == "/registration"
    sign_in(browser, create_officer(session))  # the helper still works for officers


def test_a_licence_case_has_no_application_and_is_found_by_its_names(app, browser, session):
    from datetime import UTC, datetime, timedelta

    from eec_bridge.models import CaseKind

    licence = f"LIC-{uuid.uuid4().hex[:8]}"
    case = Case(kind=CaseKind.factory_licence, status=CaseStatus.received, licence_id=licence,
                reference=licence, name_th="บริษัท ปลาทองคำรุ่งเรือง จำกัด",
                name_en="Pla Thong Rungrueang Company Limited", juristic_number="0105569000012",
                sla_due_at=datetime.now(UTC) + timedelta(days=30))
    session.add(case)
    session.commit()
    with officer_browser(app, session) as officer:
        page = officer.get(f"/desk/cases/{case.id}").text
        assert "Pla Thong Rungrueang Company Limited" in page
        assert 'id="shareholders"' not in page and "Received from Biz Portal" in page
        for query in ("ปลาทองคำ", "pla thong", "0-1055-69000-01-2"):
            assert f">{licence}</a>" in officer.get("/desk", params={"q": query}).text, query


def test_the_migration_gives_existing_cases_their_search_text(app, browser, session):
    """Cases opened before the desk could search are found by it after the upgrade."""
    from alembic import command

    from web.bootstrap import alembic_config

    found, _other, person = _two_cases(session)
    reference, name_th = found.reference, found.name_th
    session.close()
    command.downgrade(alembic_config(), "5d2f8b1c4e67")
    command.upgrade(alembic_config(), "head")
    with officer_browser(app, session) as officer:
        for query in (person, name_th, reference):
            page = officer.get("/desk", params={"q": query}).text
            assert f">{reference}</a>" in page, query
