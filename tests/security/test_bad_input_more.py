"""More bad input that gave a 500, and error pages that said the wrong thing: a number past
any integer in a wizard field or a desk URL, coordinates out of range on the ticket API, a
client that hangs up mid-body, and an unexpected error while a user is signed in. Each is a
clear answer in the user's language; every error page has the heading of its own status."""

from __future__ import annotations

import html
import re
import socket
import time
from urllib.parse import urlsplit

import pytest
from fastapi import Request
from starlette.exceptions import HTTPException

from core.accounts.deps import CurrentUser
from core.db import SessionDep
from core.errors import DomainError
from tests.conftest import (
    COMPLAINT,
    DIRECTORS,
    SERVICE_TOKEN,
    Browser,
    create_application,
    create_officer,
    create_user,
    sign_in,
)
from tests.security.test_bad_input import client, heading, sign_in_officer, text
from tests.stack import served
from web.headers import CONTENT_SECURITY_POLICY

FORTY_NINES = "9" * 40


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_number_past_any_integer_in_the_wizard_is_a_422_that_keeps_what_was_typed(app, lang):
    """The signatories field had no upper bound: forty 9s overflowed the column on saving
    the draft (a 500, in English, as plain text)."""
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang=lang)
        app_id = create_application(browser)
        for field in ("signatories_required", "witnesses-0-age"):
            r = browser.post(f"/registration/{app_id}/directors",
                             {**DIRECTORS, field: FORTY_NINES})
            assert r.status_code == 422, (field, r.status_code, r.text[:300])
            assert r.headers["content-type"].startswith("text/html")
            assert f'<html lang="{lang}">' in r.text
            assert text("error.invalid_input", lang) in html.unescape(r.text)
            assert f'value="{FORTY_NINES}"' in r.text, field  # what was typed is kept
            assert "Somchai Jaidee" in r.text
        r = browser.api("PUT", f"/api/v1/applications/{app_id}/directors",
                        json={**DIRECTORS, "signatories_required": int(FORTY_NINES)})
        assert r.status_code == 422, r.text[:300]
        problem = r.json()
        assert [e["field"] for e in problem["errors"]] == ["signatories_required"]
        assert problem["lang"] == lang
        assert browser.get(f"/registration/{app_id}/directors").status_code == 200


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_par_value_or_paid_up_share_far_below_zero_is_a_422_that_keeps_what_was_typed(
        app, lang):
    """Below the minimum, the values were still saved in the draft, past their NUMERIC
    columns on PostgreSQL (a bad-request page that lost the form)."""
    from tests.conftest import CAPITAL

    par, paid = "-" + "9" * 30, "-1e400"
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang=lang)
        app_id = create_application(browser)
        r = browser.post(f"/registration/{app_id}/capital",
                         {**CAPITAL, "par_value": par, "paid_up_percent": paid})
        assert r.status_code == 422, (r.status_code, r.text[:300])
        assert text("error.invalid_input", lang) in html.unescape(r.text)
        assert f'value="{par}"' in r.text and f'value="{paid}"' in r.text
        assert browser.get(f"/registration/{app_id}/capital").status_code == 200


@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_unexpected_error_for_a_signed_in_user_is_the_styled_page(app, lang):
    """The 500 page read the user's role from a row whose session had rolled back: it failed
    in turn, and the user got English plain text with none of the security headers."""

    def broken(session: SessionDep, user: CurrentUser) -> None:
        session.rollback()  # as a failed flush does: the user's row is expired
        raise RuntimeError("a bug, not the user's input")

    app.add_api_route("/registration-broken-signed-in", broken)
    with client(app) as c:
        browser = Browser(c)
        create_user(browser, lang=lang)
        r = c.get("/registration-broken-signed-in")
        assert r.status_code == 500
        assert r.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in r.text
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert r.headers["cache-control"] == "no-store"
        assert heading(r.text) == text("error.server_title", lang)
        assert text("error.server", lang) in html.unescape(r.text)
        assert "Test Applicant" in r.text  # still the signed-in header
        assert "Traceback" not in r.text and "RuntimeError" not in r.text


@pytest.mark.parametrize("user_id", [str(2**31), str(2**64), "0"])
def test_signing_out_everywhere_an_id_past_any_integer_is_not_found(app, session, user_id):
    with client(app) as c:
        browser = Browser(c)
        sign_in(browser, create_officer(session, role="admin"))
        r = browser.post(f"/desk/officers/{user_id}/sign-out-everywhere", {})
        assert r.status_code == 404, r.status_code
        assert heading(r.text) == text("error.not_found", "en")


@pytest.mark.parametrize("lat", ["100", "-91", "๑๐๐", "9" * 5000])
def test_coordinates_out_of_range_on_the_ticket_api_are_localized_problems(app, lat):
    """The problem's parameters held the Decimal bounds, which JSON cannot carry: a 500."""
    with client(app) as c:
        r = c.post("/api/v1/tickets", json={**COMPLAINT, "lat": lat, "long": "100.9"},
                   headers={**SERVICE_TOKEN, "Accept-Language": "th"})
        assert r.status_code == 422, (lat[:10], r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["lang"] == "th"
        [error] = problem["errors"]
        assert error["field"] == "lat" and error["key"] in ("field.min", "field.max")
        bound = error["params"].get("max", error["params"].get("min"))
        assert str(bound).lstrip("-") == "90"
        assert error["message"] == text(error["key"], "th", **error["params"])


@pytest.fixture(scope="module")
def portal_with_log(database_url, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("portal-log")
    with served("web.main:app", {}, log_dir, ready_path="/healthz", timeout_s=90) as base_url:
        yield base_url, log_dir / "web.main:app.log"


def test_a_client_hanging_up_mid_body_is_dropped_without_a_traceback(portal_with_log):
    """Content-Length 100, three bytes, then gone: each such request wrote two tracebacks of
    about 100 lines, which anyone could repeat to fill the log."""
    base_url, log = portal_with_log
    url = urlsplit(base_url)
    paths = ["/webhooks/bizportal", "/open311/v2/requests.json", "/complaints/new",
             "/api/v1/tickets"]
    for path in paths:
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\n"
                         "Content-Length: 100\r\nConnection: close\r\n\r\nabc".encode())
    time.sleep(1.5)  # the server notices each hang-up and finishes the request
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {url.netloc}\r\n"
                     "Connection: close\r\n\r\n".encode())
        assert sock.recv(64).startswith(b"HTTP/1.1 200")
    written = log.read_text(errors="replace")
    assert "Traceback" not in written, written[-3000:]
    assert "ClientDisconnect" not in written, written[-3000:]


def _raise(status: int, key: str):
    def route(request: Request) -> None:
        raise DomainError(key, status=status)

    return route


@pytest.mark.parametrize("lang", ["th", "en"])
def test_error_pages_are_titled_for_their_status(app, session, lang):
    """405, 400 and 413 pages were titled "Some fields need your attention"."""
    app.add_api_route("/registration-slow-down", _raise(429, "error.rate_limited"))
    with client(app) as c:
        browser = Browser(c)
        sign_in_officer(browser, session, lang)
        pages = {
            400: browser.get("/desk?page=-1"),
            404: browser.get("/no-such-page"),
            405: browser.get("/sign-out"),
            413: c.post("/complaints/new", content=b"x" * (1024 * 1024 + 1),
                        headers={"Content-Type": "application/x-www-form-urlencoded"}),
            429: browser.get("/registration-slow-down"),
        }
        titles = {400: "error.bad_request_title", 404: "error.not_found",
                  405: "error.method_not_allowed_title", 413: "error.too_large_title",
                  429: "error.rate_limited_title"}
        for status, r in pages.items():
            assert r.status_code == status, (status, r.status_code)
            assert r.headers["content-type"].startswith("text/html"), status
            assert heading(r.text) == text(titles[status], lang), status
            assert heading(r.text) != text("error.invalid_input", lang), status
        assert len({heading(r.text) for r in pages.values()}) == len(pages)
        assert text("error.method_not_allowed", lang) in html.unescape(pages[405].text)
        assert text("error.too_large", lang) in html.unescape(pages[413].text)


def test_an_api_405_says_method_not_allowed(app):
    with client(app) as c:
        r = c.delete("/api/v1/tickets", headers={**SERVICE_TOKEN, "Accept-Language": "th"})
        assert r.status_code == 405
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["key"] == "error.method_not_allowed"
        assert r.json()["title"] == text("error.method_not_allowed", "th")


def test_open311s_413_is_documented_as_what_is_sent(app):
    from tests.conftest import OPEN311_KEY

    with client(app) as c:
        document = c.get("/api/openapi.json").json()
        documented = document["paths"]["/open311/v2/requests.json"]["post"]["responses"]["413"]
        r = c.post(f"/open311/v2/requests.json?api_key={OPEN311_KEY}",
                   content=b"x" * (64 * 1024 + 1),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 413
        media_type = r.headers["content-type"].split(";")[0]
        assert list(documented["content"]) == [media_type]
        assert documented["content"][media_type]["schema"] == {
            "$ref": "#/components/schemas/Problem"}
        assert r.json()["key"] == "error.too_large"


def test_no_http_exception_page_falls_back_to_the_fields_title(app):
    """A status with no heading of its own (here 409) is not "Some fields need your
    attention" either: that one lists fields to correct."""
    def conflict() -> None:
        raise HTTPException(status_code=409)

    app.add_api_route("/registration-conflict", conflict)
    with client(app) as c:
        c.cookies.set("lang", "th")
        r = c.get("/registration-conflict")
        assert r.status_code == 409
        assert heading(r.text) == text("error.refused_title", "th")
        assert re.search(r"<title>[^<]*" + re.escape(text("error.refused_title", "th")),
                         r.text)
