"""Accounts over HTTP: sign-up, sign-in, rate limit, CSRF, language choice, data isolation."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlmodel import select

from core.accounts.models import User
from tests.conftest import choose_language, create_application, create_user, unique_email


def test_sign_up_stores_an_argon2_hash_and_signs_in(browser, session):
    email = create_user(browser)
    user = session.exec(select(User).where(User.email == email)).one()
    assert user.password_hash.startswith("$argon2")
    assert PasswordHasher().verify(user.password_hash, "correct horse battery")
    assert "Test Applicant" in browser.get("/registration").text


def test_sign_up_errors_are_shown_next_to_fields_and_values_kept(browser):
    choose_language(browser, "en")
    r = browser.post("/sign-up", {"full_name": "Somsri Dee", "email": "not-an-email",
                                  "password": "short", "password_confirm": "short"},
                     page="/sign-up")
    assert r.status_code == 422
    assert 'id="e-email"' in r.text and "valid e-mail" in r.text
    assert 'id="e-password"' in r.text and "at least 10 characters" in r.text
    assert 'id="e-consent"' in r.text
    assert 'value="Somsri Dee"' in r.text and 'value="not-an-email"' in r.text
    assert 'value="short"' not in r.text  # passwords are never echoed back


def test_sign_up_errors_in_thai(browser):
    choose_language(browser, "th")
    r = browser.post("/sign-up", {"full_name": "", "email": "x"}, page="/sign-up")
    assert r.status_code == 422
    assert '<html lang="th">' in r.text
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in r.text.split('id="e-email"')[1][:200])


def test_form_without_csrf_token_is_refused(browser):
    r = browser.client.post("/sign-up", data={"email": unique_email()}, follow_redirects=False)
    assert r.status_code == 403
    r = browser.client.post("/sign-up", data={"csrf_token": "forged", "email": unique_email()})
    assert r.status_code == 403


def test_wrong_password_then_rate_limited(browser):
    email = create_user(browser)
    browser.post("/sign-out", {})
    statuses = [browser.post("/sign-in", {"email": email, "password": "wrong password!"},
                             page="/sign-in").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # Even the right password waits until the window passes.
    r = browser.post("/sign-in", {"email": email, "password": "correct horse battery"},
                     page="/sign-in")
    assert r.status_code == 429


def test_sign_in_redirects_only_to_local_paths(browser):
    email = create_user(browser)
    browser.post("/sign-out", {})
    r = browser.post("/sign-in", {"email": email, "password": "correct horse battery",
                                  "next": "https://evil.example/"}, page="/sign-in")
    assert r.status_code == 303 and r.headers["location"] == "/registration"


def test_language_from_accept_language_then_cookie_choice_is_remembered(browser, session):
    browser.client.cookies.clear()
    r = browser.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in r.text
    assert '<html lang="th">' in browser.get("/", headers={"Accept-Language": "fr"}).text
    email = create_user(browser, lang="en")
    r = choose_language(browser, "th", "/registration")
    assert r.status_code == 303 and r.headers["location"] == "/registration"
    assert '<html lang="th">' in browser.get("/registration").text
    user = session.exec(select(User).where(User.email == email)).one()
    session.refresh(user)
    assert user.preferred_lang == "th"


def test_applicant_never_sees_another_applicants_application(app, browser):
    from fastapi.testclient import TestClient

    from tests.conftest import Browser

    create_user(browser)
    application_id = create_application(browser)
    with TestClient(app) as other_client:
        other = Browser(other_client)
        create_user(other)
        assert other.get(f"/registration/{application_id}/office").status_code == 404
        assert other.api("GET", f"/api/v1/applications/{application_id}").status_code == 404
        listed = other.api("GET", "/api/v1/applications").json()
        assert application_id not in [a["id"] for a in listed]


def test_officer_pages_require_sign_in(browser):
    browser.client.cookies.clear()
    r = browser.get("/registration", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
    assert browser.client.get("/api/v1/applications").status_code == 401


def test_thai_id_numbers_are_masked_in_logs(caplog):
    import logging

    from core.logging_setup import configure_logging
    from tests.conftest import thai_id

    configure_logging()
    number = thai_id(77)
    logging.getLogger("registration.test").warning("promoter %s failed a check", number)
    err = caplog.text
    assert "promoter" in err and number not in err and number[0] + "-XXXX" in err
