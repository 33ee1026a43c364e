"""Sign-up, sign-in, sign-out, the password change and the language switch."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from core.accounts import service
from core.accounts.deps import CurrentUser, OptionalUser, start_session
from core.accounts.models import User
from core.db import SessionDep
from core.errors import Invalid
from core.forms import form_dict, localized_errors
from core.i18n import LANG_COOKIE, LOCALES, get_locale, message, set_locale
from core.runtime import get_settings
from core.security import (
    client_address,
    sign_in_allowed,
    sign_in_failed,
    sign_in_succeeded,
    within_limit,
)
from core.templating import render

router = APIRouter(tags=["accounts"])


def safe_next(url: str | None, default: str = "/registration") -> str:
    """Only same-site paths, so a crafted link cannot bounce a user elsewhere."""
    if not url:
        return default
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc or not url.startswith("/") or url.startswith("//"):
        return default
    # Browsers read a backslash as a slash ("/\\evil.example" is "//evil.example") and drop
    # tabs and newlines inside a URL, so none of them may appear in a same-site path.
    if "\\" in url or any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return default
    return url


@router.get("/sign-up")
def sign_up_form(request: Request, user: OptionalUser):
    return render(request, "accounts/sign_up.html", {"values": {}, "errors": {}})


@router.post("/sign-up")
async def sign_up(request: Request, session: SessionDep):
    """Settings.sign_ups_per_address_per_hour tries per address: the form tells whether an
    e-mail has an account (until sign-up confirms e-mails), so it must not be a fast oracle."""
    values = form_dict(await request.form())
    if not within_limit("sign-up", get_settings().sign_ups_per_address_per_hour, 3600,
                        client_address(request)):
        values.pop("password", None)
        values.pop("password_confirm", None)
        return render(request, "accounts/sign_up.html",
                      {"values": values, "errors": {},
                       "form_error": message("error.rate_limited")}, status_code=429)
    try:
        user = service.sign_up(
            session,
            email=str(values.get("email", "")),
            full_name=str(values.get("full_name", "")),
            password=str(values.get("password", "")),
            password_confirm=str(values.get("password_confirm", "")),
            consent=values.get("consent") == "on",
            lang=get_locale(),
        )
    except Invalid as exc:
        values.pop("password", None)
        values.pop("password_confirm", None)
        return render(
            request, "accounts/sign_up.html",
            {"values": values, "errors": localized_errors(exc.errors)}, status_code=422,
        )
    session.commit()
    start_session(request, user)
    return RedirectResponse("/registration", status_code=303)


def landing_page(user: User) -> str:
    """Where a sign-in without a `next` leads: officers to their desk, applicants to their
    applications."""
    return "/desk" if user.is_staff else "/registration"


@router.get("/sign-in")
def sign_in_form(request: Request, user: OptionalUser, next: str | None = None,
                 expired: bool = False):
    # No `next` stays empty, so the landing page can follow the account's role.
    return render(request, "accounts/sign_in.html",
                  {"values": {}, "next_url": safe_next(next, ""), "expired": expired})


@router.post("/sign-in")
async def sign_in(request: Request, session: SessionDep):
    values = form_dict(await request.form())
    email = str(values.get("email", "")).strip().lower()
    next_url = safe_next(str(values.get("next", "")), "")
    address = client_address(request)
    context = {"values": {"email": email}, "next_url": next_url}
    if not sign_in_allowed(email, address):
        context["form_error"] = message("error.rate_limited")
        return render(request, "accounts/sign_in.html", context, status_code=429)
    user = service.authenticate(session, email, str(values.get("password", "")))
    if user is None:
        sign_in_failed(address)
        context["form_error"] = message("account.bad_credentials")
        return render(request, "accounts/sign_in.html", context, status_code=401)
    sign_in_succeeded(email, address)
    lang = _language_on_sign_in(request, session, user)
    session.commit()
    start_session(request, user)
    response = RedirectResponse(next_url or landing_page(user), status_code=303)
    _remember_language(response, lang)
    return response


def _language_on_sign_in(request: Request, session: SessionDep, user: User) -> str:
    """A language chosen on the site before signing in (the switch's cookie) wins and becomes
    the account's; without one, the account's own applies (not the browser's guess)."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is None or chosen not in LOCALES:
        return user.preferred_lang
    if user.preferred_lang != chosen:
        user.preferred_lang = chosen
        session.add(user)
    return chosen


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, user: OptionalUser):
    """Ends the session on the server too: a copy of the cookie no longer signs anyone in.
    (Sessions are versioned per user, so this signs the user out on every device.)"""
    if user is not None:
        service.end_sessions(session, user)
        session.commit()
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/account/password")
def password_form(request: Request, user: CurrentUser, changed: bool = False):
    return render(request, "accounts/password.html",
                  {"errors": {}, "flash": message("account.password_changed") if changed else ""})


@router.post("/account/password")
async def change_password(request: Request, session: SessionDep, user: CurrentUser):
    """A new password signs the account out everywhere else; this browser stays signed in.
    Wrong current passwords count like failed sign-ins (a stolen session must not guess)."""
    values = form_dict(await request.form())
    address = client_address(request)
    if not sign_in_allowed(user.email, address):
        return render(request, "accounts/password.html",
                      {"errors": {}, "form_error": message("error.rate_limited")},
                      status_code=429)
    try:
        service.change_password(session, user, current=str(values.get("current_password", "")),
                                new=str(values.get("new_password", "")),
                                confirm=str(values.get("new_password_confirm", "")))
    except Invalid as exc:
        if any(e.field == "current_password" for e in exc.errors):
            sign_in_failed(address)
        return render(request, "accounts/password.html",
                      {"errors": localized_errors(exc.errors)}, status_code=422)
    session.commit()
    sign_in_succeeded(user.email, address)
    start_session(request, user)
    return RedirectResponse("/account/password?changed=1", status_code=303)


def _remember_language(response: RedirectResponse, lang: str) -> None:
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax",
                        secure=get_settings().environment == "production")


@router.post("/lang")
async def switch_language(request: Request, session: SessionDep, user: OptionalUser):
    """The header's language buttons: a form, since the choice is stored with the account."""
    values = form_dict(await request.form())
    code = str(values.get("lang", ""))
    lang = code if code in LOCALES else get_locale()
    set_locale(lang)
    if user is not None and user.preferred_lang != lang:
        user.preferred_lang = lang
        session.add(user)
        session.commit()
    response = RedirectResponse(safe_next(str(values.get("next", "")), "/"), status_code=303)
    _remember_language(response, lang)
    return response
