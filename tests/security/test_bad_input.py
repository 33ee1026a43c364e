"""Bad input never gives a 500: ids past the databases' integers (2^31 on PostgreSQL),
Open311 dates at the ends of the calendar, a document id that is no number, desk pages that
are no page. Each answers a clear 4xx in
the user's language (an HTML page, or RFC 9457 problem details on the API) and changes
nothing; an unexpected error has a page of its own."""

from __future__ import annotations

import html
import http.client
import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from core.i18n import message, set_locale
from tests.conftest import PDF, Browser, create_application, create_officer, create_user, sign_in
from tests.stack import served

PAST_64_BITS = str(2**63)
PAST_32_BITS = str(2**31)  # PostgreSQL's INTEGER ids end at 2^31 - 1
HUGE = "1" + "0" * 30
TOO_BIG = (PAST_32_BITS, PAST_64_BITS)


def text(key: str, lang: str, **params) -> str:
    set_locale(lang)
    return message(key, params or None)


def heading(page: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert found, page[:500]
    return html.unescape(found.group(1).strip())


def sign_in_officer(browser: Browser, session, lang: str) -> None:
    """An officer whose language is `lang`: signing in sets the page language to theirs."""
    from core.accounts.models import User

    email = create_officer(session)
    officer = session.exec(select(User).where(User.email == email)).one()
    officer.preferred_lang = lang
    session.commit()
    sign_in(browser, email)


def client(app) -> TestClient:
    """Errors come back as the user sees them (a 500 page), not raised into the test."""
    return TestClient(app, raise_server_exceptions=False)


APPLICANT_PAGES = [
    ("GET", "/registration/{id}"), ("GET", "/registration/{id}/status"),
    ("GET", "/registration/{id}/office"), ("POST", "/registration/{id}/answer"),
    ("POST", "/registration/{id}/documents"), ("POST", "/registration/{id}/submit"),
    ("POST", "/registration/{id}/office"), ("GET", "/registration/{id}/certificate.pdf"),
]
API_ROUTES = [
    ("GET", "/api/v1/applications/{id}"), ("GET", "/api/v1/applications/{id}/office"),
    ("PUT", "/api/v1/applications/{id}/office"),
    ("POST", "/api/v1/applications/{id}/documents"),
    ("GET", "/api/v1/applications/{id}/people/director"),
    ("POST", "/api/v1/applications/{id}/submit"),
]
DESK_PAGES = [
    ("GET", "/desk/cases/{id}"), ("POST", "/desk/cases/{id}/approve"),
    ("GET", "/desk/cases/{id}/documents/1"), ("GET", "/desk/cases/1/documents/{id}"),
]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_ids_past_the_databases_integers_are_not_found_pages_in_the_users_language(app, lang):
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang=lang)
        own = create_application(browser)
        for method, url in ((m, p.format(id=big)) for m, p in APPLICANT_PAGES
                             for big in TOO_BIG):
            r = browser.post(url, {}) if method == "POST" else browser.get(url)
            assert r.status_code == 404, (url, r.status_code)
            assert r.headers["content-type"].startswith("text/html"), url
            assert heading(r.text) == text("error.not_found", lang), url
        assert browser.get(f"/registration/{own}").status_code in (200, 303)  # still served


def test_ids_past_the_databases_integers_on_the_api_are_localized_problems(app):
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang="th")
        for method, url in ((m, p.format(id=big)) for m, p in API_ROUTES for big in TOO_BIG):
            r = browser.api(method, url, json={} if method in ("PUT", "POST") else None)
            assert r.status_code == 404, (url, r.status_code, r.text[:200])
            assert r.headers["content-type"].startswith("application/problem+json")
            body = r.json()
            assert body["status"] == 404 and body["key"] == "error.not_found"
            assert body["title"] == text("error.not_found", "th")
        assert browser.api("GET", "/api/v1/applications").status_code == 200


@pytest.mark.parametrize("lang", ["th", "en"])
def test_desk_ids_past_the_databases_integers_are_not_found(app, session, lang):
    with client(app) as c:
        browser = Browser(c)
        sign_in_officer(browser, session, lang)
        for method, url in ((m, p.format(id=big)) for m, p in DESK_PAGES for big in TOO_BIG):
            r = browser.post(url, {}) if method == "POST" else browser.get(url)
            assert r.status_code == 404, (url, r.status_code)
            assert heading(r.text) == text("error.not_found", lang), url


@pytest.mark.parametrize("page", ["²", HUGE, "1" * 40, "-1", "x"])
@pytest.mark.parametrize("desk", ["/desk", "/desk/tickets"])
def test_desk_pages_that_are_no_page_number_say_so(app, session, desk, page):
    with client(app) as c:
        browser = Browser(c)
        sign_in_officer(browser, session, "th")
        r = browser.get(f"{desk}?status=&page={page}")
        assert r.status_code == 400, (desk, page, r.status_code)
        assert text("error.page_invalid", "th") in html.unescape(r.text)
        assert browser.get(desk).status_code == 200


@pytest.mark.parametrize("desk", ["/desk", "/desk/tickets"])
def test_desk_pages_in_thai_or_arabic_indic_digits_are_read(app, session, desk):
    with client(app) as c:
        browser = Browser(c)
        sign_in(browser, create_officer(session))
        for page in ("๒", "٣", "2"):
            assert browser.get(f"{desk}?page={page}").status_code == 200, page


@pytest.mark.parametrize("lang", ["th", "en"])
def test_removing_a_document_by_a_non_numeric_id_keeps_the_page_and_the_file(app, session,
                                                                              lang):
    from registration.models import Document

    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang=lang)
        app_id = create_application(browser)
        r = browser.post(f"/registration/{app_id}/documents",
                         {"action": "upload", "kind": "other"},
                         files={"file": ("plan.pdf", PDF, "application/pdf")})
        assert r.status_code == 303, r.text[:500]
        for bad in ("abc", "²", *TOO_BIG, HUGE, ""):
            r = browser.post(f"/registration/{app_id}/documents",
                             {"action": "remove", "document_id": bad})
            assert r.status_code == 422, (bad, r.status_code)
            assert text("field.choice", lang) in html.unescape(r.text), bad
            assert "plan.pdf" in r.text  # the step is shown again, with the file still there
        session.expire_all()
        assert len(session.exec(select(Document).where(
            Document.application_id == app_id)).all()) == 1


@pytest.mark.parametrize("query", [
    "start_date=9999-12-31T00:00:00", "end_date=0001-01-01T00:00:00",
    "start_date=0001-01-01T00:00:00", "start_date=9999-12-31T23:00:00-12:00",
    "end_date=9999-12-31T23:00:00-12:00", "start_date=0001-01-01T00:00:00%2B14:00",
    "start_date=9999-10-03T05:00:00%2B14:00",
    "start_date=9999-12-01T00:00:00&end_date=9999-12-31T00:00:00",
])
def test_open311_dates_at_the_ends_of_the_calendar_are_refused(app, query):
    with client(app) as c:
        r = c.get(f"/open311/v2/requests.json?{query}", headers={"Accept-Language": "th"})
        assert r.status_code == 400, (query, r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/json")
        [error] = r.json()
        assert error["code"] == 400
        field = query.split("=")[0]
        assert error["description"] == text("open311.date_out_of_range", "th", field=field)
        assert c.get("/open311/v2/requests.json").status_code == 200


def test_a_sensible_open311_range_still_answers(app):
    with client(app) as c:
        r = c.get("/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B07:00")
        assert r.status_code == 200 and isinstance(r.json(), list)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_unexpected_error_has_its_own_page_and_problem(app, lang):
    def broken() -> None:
        raise RuntimeError("a bug, not the user's input")

    app.add_api_route("/registration-broken", broken)
    app.add_api_route("/api/v1/broken", broken)
    with client(app) as c:
        c.cookies.set("lang", lang)
        r = c.get("/registration-broken")
        assert r.status_code == 500
        assert heading(r.text) == text("error.server_title", lang)
        assert heading(r.text) != text("error.invalid_input", lang)
        assert text("error.server", lang) in html.unescape(r.text)
        r = c.get("/api/v1/broken")
        assert r.status_code == 500
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["title"] == text("error.server", lang)


def test_a_form_field_that_fails_fastapi_validation_is_an_html_page(app):
    """Query parameters FastAPI checks (the name check's row) answer pages, not JSON, to a
    browser."""
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang="th")
        r = browser.post("/registration/names/check?row=abc",
                         {"entity_type": "limited_company"})
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("text/html")
        assert heading(r.text) == text("error.invalid_input", "th")


def test_a_body_that_is_no_json_is_a_bad_request_problem_not_a_server_error(app):
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang="th")
        r = browser.api("POST", "/api/v1/names/check", content=b"j\x197\x03\x10I@\xff",
                        headers={"Content-Type": "application/json"})
        assert r.status_code == 400
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["key"] == "error.bad_request"
        assert r.json()["title"] == text("error.bad_request", "th")


def test_a_registered_capital_past_two_billion_baht_is_saved(app):
    """The wizard allows up to 10^13 baht and 10^12 shares; PostgreSQL's INTEGER columns ended
    at 2^31 - 1, so a large (and real) company's capital answered 500 there."""
    from tests.conftest import CAPITAL, people_form

    big = {**CAPITAL, "registered_capital": "5000000000", "share_count": "500000000",
           "par_value": "10"}
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang="en")
        app_id = create_application(browser)
        r = browser.post(f"/registration/{app_id}/capital", big)
        assert r.status_code == 303, r.text[:500]
        people = {**people_form(), "people-0-shares": "300000000", "people-1-shares": "200000000"}
        r = browser.post(f"/registration/{app_id}/people", people)
        assert r.status_code == 303, r.text[:500]
        step = browser.api("GET", f"/api/v1/applications/{app_id}/capital").json()
        assert int(step["registered_capital"]) == 5_000_000_000
        shares = browser.api("GET", f"/api/v1/applications/{app_id}/people/shareholder").json()
        assert sorted(p["shares"] for p in shares) == [200_000_000, 300_000_000]


@pytest.fixture(scope="module")
def portal(database_url, tmp_path_factory):
    """The portal under uvicorn, for what only a real HTTP connection shows."""
    with served("web.main:app", {}, tmp_path_factory.mktemp("portal"), ready_path="/healthz",
                timeout_s=90) as base_url:
        yield base_url


def test_bad_input_keeps_the_connection_open(portal):
    """One keep-alive connection carries every bad request and then a good one."""
    url = urlsplit(portal)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    paths = [f"/api/v1/applications/{PAST_32_BITS}", f"/api/v1/applications/{PAST_64_BITS}",
             "/open311/v2/requests.json?start_date=9999-12-31T00:00:00",
             "/open311/v2/requests.json?end_date=0001-01-01T00:00:00", "/healthz"]
    connection.connect()
    sock = connection.sock
    for path in paths:
        connection.request("GET", path, headers={"Accept-Language": "th"})
        response = connection.getresponse()
        response.read()
        assert response.status < 500, (path, response.status)
        assert not response.will_close, path
        assert connection.sock is sock, path
    assert response.status == 200
    connection.close()


NUL = "a\x00b"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_nul_characters_in_forms_and_json_are_dropped_not_a_server_error(app, session, lang):
    """No one types NUL, and PostgreSQL's text refuses it: it answered 500 on sign-in, every
    wizard step, the complaint form and the ticket API."""
    from registration.models import Application
    from tests.conftest import CAPITAL, COMPLAINT, OFFICE, SERVICE_TOKEN

    with client(app) as c:
        browser = Browser(c)
        r = browser.post("/sign-in", {"email": "x\x00@example.com", "password": NUL},
                         page="/sign-in")
        assert r.status_code == 401, r.status_code
        create_user(browser, lang=lang)
        app_id = create_application(browser)
        r = browser.post(f"/registration/{app_id}/office", {**OFFICE, "house_no": "99\x00/1"})
        assert r.status_code == 303, r.status_code
        r = browser.api("PUT", f"/api/v1/applications/{app_id}/capital",
                        json={**CAPITAL, "objectives": "Trading\x00 of parts"})
        assert r.status_code == 200, r.text[:300]
        session.expire_all()
        stored = session.get(Application, app_id)
        assert (stored.house_no, stored.objectives) == ("99/1", "Trading of parts")
        description = "Black water\x00 flows into the canal behind plant 3 since this morning."
        r = browser.post("/complaints/new", {**COMPLAINT, "description": description,
                                             "consent": "on"})
        assert r.status_code in (200, 303), r.status_code
        r = c.post("/api/v1/tickets", json={**COMPLAINT, "description": description},
                   headers=SERVICE_TOKEN)
        assert r.status_code == 201, r.text[:300]
        r = c.get(f"/api/v1/tickets/{r.json()['number']}?conversation_id=a%00b",
                  headers={**SERVICE_TOKEN, "Accept-Language": lang})
        assert r.status_code < 500, r.status_code
        if r.status_code == 400:  # PostgreSQL refused it: a problem, not a crash
            assert r.json()["title"] == text("error.bad_request", lang)


def test_ticket_numbers_with_nul_name_no_ticket(app):
    from tests.conftest import SERVICE_TOKEN

    with client(app) as c:
        r = c.get("/open311/v2/requests/TK%00-1.json")
        assert r.status_code == 404 and r.json()[0]["code"] == 404
        r = c.get("/open311/v2/requests.json?service_code=wastewater%00,noise&status=open")
        assert r.status_code == 200 and isinstance(r.json(), list)
        r = c.get("/api/v1/tickets/TK%00-1", headers=SERVICE_TOKEN)
        assert r.status_code == 404 and r.json()["key"] == "ticket.not_found"
        r = c.get("/complaints/status?number=TK%00-1")
        assert r.status_code < 500


@pytest.mark.parametrize("query", ["/desk?province=a%00b", "/desk/tickets?estate=a%00b"])
def test_a_value_the_database_refuses_is_a_bad_request_page(app, session, database_url, query):
    """A desk filter with NUL reaches the query as typed: PostgreSQL refuses it, which is the
    request's fault (400 in the user's language), not the portal's (500)."""
    with client(app) as c:
        browser = Browser(c)
        sign_in_officer(browser, session, "th")
        r = browser.get(query)
        if database_url.startswith("sqlite"):
            assert r.status_code == 200  # SQLite stores and compares NUL like any character
        else:
            assert r.status_code == 400, r.status_code
            assert text("error.bad_request", "th") in html.unescape(r.text)
        assert browser.get(query.split("?")[0]).status_code == 200
