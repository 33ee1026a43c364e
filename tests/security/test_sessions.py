"""Signing out ends the session on the server: a copy of the session cookie taken before
sign-out (or before "sign out everywhere", or a password change) no longer signs anyone in.
In production the session cookie is sent over HTTPS only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from core.accounts.models import User
from tests.conftest import Browser, choose_language, create_officer, create_user, sign_in

PASSWORD = "correct horse battery"


def _signed_in_elsewhere(app, cookie: str) -> TestClient:
    """Another browser holding a copy of the session cookie."""
    return TestClient(app, base_url="http://testserver", cookies={"eec_session": cookie})


def _assert_signed_out(client: TestClient) -> None:
    r = client.get("/registration", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in"), r.status_code
    r = client.get("/api/v1/applications")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


def _assert_signed_in(client: TestClient) -> None:
    assert client.get("/registration", follow_redirects=False).status_code == 200
    assert client.get("/api/v1/applications").status_code == 200


def test_a_cookie_copied_before_sign_out_no_longer_works(app, browser):
    create_user(browser)
    copied = browser.client.cookies["eec_session"]
    with _signed_in_elsewhere(app, copied) as thief:
        _assert_signed_in(thief)
        assert browser.post("/sign-out", {}).status_code == 303
        _assert_signed_out(thief)
    _assert_signed_out(browser.client)


def test_signing_in_again_after_sign_out_works(app, browser):
    email = create_user(browser)
    browser.post("/sign-out", {})
    r = browser.post("/sign-in", {"email": email, "password": PASSWORD}, page="/sign-in")
    assert r.status_code == 303
    _assert_signed_in(browser.client)


def _two_sessions(app, browser) -> tuple[str, TestClient]:
    """One user signed in on two browsers (two separate sign-ins)."""
    email = create_user(browser)
    other = TestClient(app, base_url="http://testserver")
    sign_in(Browser(other), email, PASSWORD)
    _assert_signed_in(other)
    return email, other


def test_sign_out_everywhere_from_the_command_line(app, browser):
    from web.cli import cli

    email, other = _two_sessions(app, browser)
    copied = browser.client.cookies["eec_session"]
    with other, _signed_in_elsewhere(app, copied) as thief:
        result = CliRunner().invoke(cli, ["sign-out-everywhere", email.upper()])
        assert result.exit_code == 0, result.output
        assert email in result.output
        _assert_signed_out(other)
        _assert_signed_out(thief)
    _assert_signed_out(browser.client)


def test_sign_out_everywhere_of_an_unknown_account_says_so(database_url):
    from web.cli import cli

    result = CliRunner().invoke(cli, ["sign-out-everywhere", "nobody@example.com"])
    assert result.exit_code == 1
    assert "no account" in result.output


def test_an_admin_signs_a_user_out_everywhere(app, browser, session):
    email, other = _two_sessions(app, browser)
    user = session.exec(select(User).where(User.email == email)).one()
    admin_email = create_officer(session, role="admin")
    with other, TestClient(app, base_url="http://testserver") as admin_client:
        admin = Browser(admin_client)
        choose_language(admin, "en")
        sign_in(admin, admin_email)
        r = admin.post(f"/desk/officers/{user.id}/sign-out-everywhere", {})
        assert r.status_code == 303
        _assert_signed_out(other)
        _assert_signed_in(admin_client)  # the admin's own session is untouched
    _assert_signed_out(browser.client)


def test_an_officer_cannot_sign_others_out(app, browser, session):
    email = create_user(browser)
    user = session.exec(select(User).where(User.email == email)).one()
    officer_email = create_officer(session)
    with TestClient(app, base_url="http://testserver") as officer_client:
        officer = Browser(officer_client)
        sign_in(officer, officer_email)
        r = officer.post(f"/desk/officers/{user.id}/sign-out-everywhere", {})
        assert r.status_code == 403
    _assert_signed_in(browser.client)


def test_a_password_change_ends_every_other_session(app, browser, session):
    from core.accounts import service

    email, other = _two_sessions(app, browser)
    user = session.exec(select(User).where(User.email == email)).one()
    service.change_password(session, user, current=PASSWORD, new="a brand new passphrase",
                            confirm="a brand new passphrase")
    session.commit()
    with other:
        _assert_signed_out(other)
    _assert_signed_out(browser.client)
    assert service.authenticate(session, email, "a brand new passphrase") is not None
    assert service.authenticate(session, email, PASSWORD) is None


def test_a_password_change_needs_the_current_password(browser, session):
    from core.accounts import service
    from core.errors import Invalid

    email = create_user(browser)
    user = session.exec(select(User).where(User.email == email)).one()
    with pytest.raises(Invalid):
        service.change_password(session, user, current="not my password",
                                new="a brand new passphrase", confirm="a brand new passphrase")
    session.rollback()
    _assert_signed_in(browser.client)


@pytest.fixture
def production_app(database_url, monkeypatch):
    """The app as production runs it: real secrets from the environment, HTTPS."""
    from tests.conftest import fresh_resources

    monkeypatch.setenv("EEC_ENVIRONMENT", "production")
    monkeypatch.setenv("EEC_SMTP_URL", "smtps://portal:relay-password@smtp.example.org:465")
    for name in ("SECRET_KEY", "BIZPORTAL_API_KEY", "BIZPORTAL_WEBHOOK_SECRET",
                 "EEC_OSS_CLIENT_SECRET", "EEC_OSS_WEBHOOK_SECRET", "CHATBOT_SERVICE_TOKEN",
                 "OPEN311_API_KEYS"):
        monkeypatch.setenv(f"EEC_{name}", f"production-{name.lower()}-0123456789abcdef")
    from web.app import create_app

    with fresh_resources() as resources:
        yield create_app(resources)
    monkeypatch.undo()


def _cookie_header(response, name: str) -> str:
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[-1].lower()


def test_cookies_are_secure_in_production(production_app):
    with TestClient(production_app, base_url="https://testserver") as client:
        browser = Browser(client)
        r = client.get("/sign-up")
        assert "; secure" in _cookie_header(r, "eec_session")
        assert "; httponly" in _cookie_header(r, "eec_session")
        r = browser.post("/lang", {"lang": "en", "next": "/"})
        assert r.status_code == 303
        assert "; secure" in _cookie_header(r, "lang")


def test_changing_the_password_in_the_browser_signs_out_every_other_device(app, browser,
                                                                           session):
    from core.accounts import service

    email, other = _two_sessions(app, browser)
    choose_language(browser, "en")
    r = browser.post("/account/password", {"current_password": "not my password",
                                           "new_password": "a brand new passphrase",
                                           "new_password_confirm": "a brand new passphrase"},
                     page="/account/password")
    assert r.status_code == 422 and "current password is not correct" in r.text
    with other:
        _assert_signed_in(other)  # a wrong current password changes nothing
        r = browser.post("/account/password", {"current_password": PASSWORD,
                                               "new_password": "a brand new passphrase",
                                               "new_password_confirm": "a brand new passphrase"},
                         page="/account/password")
        assert r.status_code == 303
        assert "Every other device was signed out" in browser.get(r.headers["location"]).text
        _assert_signed_out(other)
    _assert_signed_in(browser.client)  # the browser that changed it stays signed in
    assert service.authenticate(session, email, "a brand new passphrase") is not None
