"""A wizard step posted after the session expired (issue 14): the user signs in again and is
back on the same step with what they typed, instead of a 403 that loses it. A forged post
from another site is still refused, a restore link works once and only in the browser that
was sent to sign in, and `next` never leads off the site."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from registration.models import Application
from registration.typed_resume import COOKIE
from tests.conftest import CAPITAL, changed_settings, create_application, create_user

PASSWORD = "correct horse battery"  # tests.conftest.create_user's
ORIGIN = {"Origin": "http://testserver"}
TYPED = {**CAPITAL, "objectives": "Robot arms for the Map Ta Phut plants"}
TEXT = {
    "en": {"expired": "Your session has ended. Sign in again to carry on",
           "restored": "Welcome back. What you typed before your session ended"},
    "th": {"expired": "หมดเวลาการใช้งานแล้ว โปรดเข้าสู่ระบบอีกครั้ง",
           "restored": "ยินดีต้อนรับกลับ ข้อมูลที่ท่านกรอกไว้ก่อนหมดเวลาการใช้งาน"},
}
LANGS = pytest.mark.parametrize("lang", ["en", "th"])


def expire_session(browser) -> None:
    """What the browser does when the session cookie's lifetime ends: it stops sending it
    (the language cookie stays)."""
    browser.client.cookies.delete("eec_session")


def post_step(browser, path: str, data: dict, token: str, headers: dict | None = None):
    return browser.client.post(path, data={"csrf_token": token, **data},
                               headers=headers or {}, follow_redirects=False)


def sign_in_again(browser, email: str, sign_in_url: str):
    page = browser.get(sign_in_url)
    next_url = parse_qs(urlsplit(sign_in_url).query)["next"][0]
    r = browser.post("/sign-in", {"email": email, "password": PASSWORD, "next": next_url},
                     page="/sign-in")
    assert r.status_code == 303, r.text[:500]
    return page, r.headers["location"]


@LANGS
def test_a_step_posted_after_the_session_expired_comes_back_after_sign_in(browser, session,
                                                                          lang):
    email = create_user(browser, lang=lang)
    app_id = create_application(browser)
    path = f"/registration/{app_id}/capital"
    token = browser.csrf(path)  # the form was opened while signed in ...
    expire_session(browser)  # ... and sent after the session had ended
    r = post_step(browser, path, TYPED, token, ORIGIN)

    assert r.status_code == 303
    sign_in_url = r.headers["location"]
    assert sign_in_url.startswith("/sign-in?expired=1&next=")
    assert COOKIE in r.cookies
    page, back = sign_in_again(browser, email, sign_in_url)
    assert TEXT[lang]["expired"] in page.text
    assert back.startswith(f"{path}?restore=")

    restored = browser.get(back)
    assert restored.status_code == 200
    assert TEXT[lang]["restored"] in restored.text
    assert TYPED["objectives"] in restored.text and 'value="100000"' in restored.text
    # Shown, not saved: the user checks it and saves.
    session.expire_all()
    assert session.get(Application, app_id).objectives == ""
    # The token is spent.
    again = browser.get(back)
    assert TYPED["objectives"] not in again.text and TEXT[lang]["restored"] not in again.text


@LANGS
def test_a_session_past_its_absolute_age_keeps_the_typing_too(browser, lang):
    email = create_user(browser, lang=lang)
    app_id = create_application(browser)
    path = f"/registration/{app_id}/capital"
    token = browser.csrf(path)
    with changed_settings(EEC_SESSION_ABSOLUTE_MAX_AGE_S="-1"):  # signed in too long ago
        r = post_step(browser, path, TYPED, token, ORIGIN)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in?expired=1")
    _page, back = sign_in_again(browser, email, r.headers["location"])
    assert TYPED["objectives"] in browser.get(back).text


def test_a_restore_link_restores_nothing_in_another_browser(browser, app):
    from fastapi.testclient import TestClient

    from tests.conftest import Browser

    email = create_user(browser, lang="en")
    app_id = create_application(browser)
    path = f"/registration/{app_id}/capital"
    token = browser.csrf(path)
    expire_session(browser)
    r = post_step(browser, path, TYPED, token, ORIGIN)
    back = parse_qs(urlsplit(r.headers["location"]).query)["next"][0]
    with TestClient(app, base_url="http://testserver") as client:
        other = Browser(client)  # the same account, but not the browser that was sent
        other.post("/sign-in", {"email": email, "password": PASSWORD}, page="/sign-in")
        page = other.get(back)
        assert page.status_code == 200 and TYPED["objectives"] not in page.text
    # The token was not spent by the other browser's try: the right one still gets it.
    _page, back = sign_in_again(browser, email, r.headers["location"])
    assert TYPED["objectives"] in browser.get(back).text


@LANGS
def test_a_forged_post_from_another_site_is_still_refused(browser, lang):
    create_user(browser, lang=lang)
    app_id = create_application(browser)
    path = f"/registration/{app_id}/capital"
    token = browser.csrf(path)
    expire_session(browser)
    r = post_step(browser, path, TYPED, token, {"Origin": "https://evil.example"})
    assert r.status_code == 403 and COOKIE not in r.cookies
    # A live session with a wrong token is a forgery too, whatever the origin says.
    create_user(browser, lang=lang)
    r = post_step(browser, path, TYPED, "not-the-token", ORIGIN)
    assert r.status_code == 403 and COOKIE not in r.cookies
    assert ("แบบฟอร์มหมดอายุ" if lang == "th" else "Your form expired") in r.text


def test_only_wizard_steps_are_kept(browser):
    create_user(browser, lang="en")
    token = browser.csrf("/registration/names")
    expire_session(browser)
    r = post_step(browser, "/registration/names", {"names-0-name_th": "x"}, token, ORIGIN)
    assert r.status_code == 403 and COOKIE not in r.cookies


@pytest.mark.parametrize("next_url", [
    "//evil.example/registration", "https://evil.example/", "/\\evil.example",
    "/\\/evil.example", "/\t/evil.example", "javascript:alert(1)", "http:/evil.example",
    "evil.example",
])
def test_sign_in_never_sends_anyone_off_site(browser, next_url):
    email = create_user(browser, lang="en")
    browser.post("/sign-out", {})
    page = browser.get("/sign-in", params={"next": next_url})
    # No `next` kept: after signing in, the account's own landing page follows.
    assert 'name="next" value=""' in page.text
    r = browser.post("/sign-in", {"email": email, "password": PASSWORD, "next": next_url},
                     page="/sign-in")
    assert r.status_code == 303 and r.headers["location"] == "/registration"


def test_sign_in_keeps_a_same_site_path_with_its_query(browser):
    email = create_user(browser, lang="th")
    browser.post("/sign-out", {})
    r = browser.post("/sign-in", {"email": email, "password": PASSWORD,
                                  "next": "/registration/7/capital?restore=abc"},
                     page="/sign-in")
    assert r.headers["location"] == "/registration/7/capital?restore=abc"
