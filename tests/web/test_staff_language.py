"""Officers and their language: an officer made with the command line (Thai by default) who
chose English on the site before signing in gets an English desk, and English becomes the
account's; without a choice the account's language applies. The Thai desk speaks Thai (no
"dead letters"), and staff, who file no applications, are not offered "My applications"."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from core.accounts.models import User
from core.i18n import LANG_COOKIE, translations
from tests.conftest import (
    Browser,
    choose_language,
    create_officer,
    create_user,
    sign_in,
    unique_email,
)
from web.cli import cli

PASSWORD = "officer password 1"


def officer_from_the_cli(session) -> str:
    email = unique_email()
    result = CliRunner().invoke(cli, ["create-officer", email, "Nida Officer",
                                      "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == email)).one()
    assert user.preferred_lang == "th"  # the command's default
    return email


def stored_language(session, email: str) -> str:
    session.expire_all()
    return session.exec(select(User).where(User.email == email)).one().preferred_lang


def test_a_language_chosen_before_signing_in_wins_and_is_kept(app, session):
    email = officer_from_the_cli(session)
    with TestClient(app) as client:
        officer = Browser(client)
        choose_language(officer, "en", "/sign-in")
        sign_in(officer, email, PASSWORD)
        assert '<html lang="en">' in officer.get("/desk").text
        assert client.cookies.get(LANG_COOKIE) == "en"
    assert stored_language(session, email) == "en"


def test_without_a_choice_the_accounts_language_applies(app, session):
    email = officer_from_the_cli(session)
    with TestClient(app) as client:
        officer = Browser(client)
        # The browser asks for English; the account says Thai, and nobody chose otherwise.
        client.headers["Accept-Language"] = "en-US,en;q=0.9"
        assert '<html lang="en">' in officer.get("/sign-in").text
        sign_in(officer, email, PASSWORD)
        assert '<html lang="th">' in officer.get("/desk").text
    assert stored_language(session, email) == "th"


def test_the_thai_desk_names_parked_messages_in_thai(app, browser, session):
    sign_in(browser, create_officer(session))
    choose_language(browser, "th", "/desk")
    page = browser.get("/desk").text
    parked = translations("th").gettext("Parked messages (dead letters)")
    assert parked in page and "dead letters" not in page
    assert not re.search("[A-Za-z]", parked)
    assert "dead letters" not in browser.get("/desk/dead-letters").text


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_staff_are_not_offered_my_applications(app, browser, session, role):
    sign_in(browser, create_officer(session, role=role))
    choose_language(browser, "en", "/desk")
    page = browser.get("/desk").text
    assert 'href="/desk"' in page
    assert "My applications" not in page and '<a href="/registration">' not in page


def test_applicants_are_offered_my_applications(browser):
    create_user(browser, lang="en")
    page = browser.get("/registration").text
    assert '<a href="/registration">My applications</a>' in page
