"""Sign-up, sign-in, sign-out and the language switch."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web.accounts import service
from web.accounts.deps import SESSION_USER_KEY, OptionalUser
from web.db import SessionDep
from web.errors import Invalid
from web.forms import form_dict, localized_errors
from web.i18n import LANG_COOKIE, LOCALES, get_locale, message, set_locale
from web.security import client_address, reset_sign_in, sign_in_allowed
from web.templating import render

router = APIRouter(tags=["accounts"])


def safe_next(url: str | None, default: str = "/registration") -> str:
    """Only same-site paths, so a crafted link cannot bounce a user elsewhere."""
    if not url:
        return default
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc or not url.startswith("/") or url.startswith("//"):
        return default
    return url


@router.get("/sign-up")
def sign_up_form(request: Request, user: OptionalUser):
    return render(request, "accounts/sign_up.html", {"values": {}, "errors": {}})


@router.post("/sign-up")
async def sign_up(request: Request, session: SessionDep):
    values = form_dict(await request.form())
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
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    return RedirectResponse("/registration", status_code=303)


@router.get("/sign-in")
def sign_in_form(request: Request, user: OptionalUser, next: str | None = None):
    return render(request, "accounts/sign_in.html",
                  {"values": {}, "next_url": safe_next(next)})


@router.post("/sign-in")
async def sign_in(request: Request, session: SessionDep):
    values = form_dict(await request.form())
    email = str(values.get("email", "")).strip().lower()
    next_url = safe_next(str(values.get("next", "")))
    client = client_address(request)
    context = {"values": {"email": email}, "next_url": next_url}
    if not sign_in_allowed(email, client):
        context["form_error"] = message("error.rate_limited")
        return render(request, "accounts/sign_in.html", context, status_code=429)
    user = service.authenticate(session, email, str(values.get("password", "")))
    if user is None:
        context["form_error"] = message("account.bad_credentials")
        return render(request, "accounts/sign_in.html", context, status_code=401)
    reset_sign_in(email)
    request.session.clear()  # a fresh session on sign-in prevents session fixation
    request.session[SESSION_USER_KEY] = user.id
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(LANG_COOKIE, user.preferred_lang, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/sign-out")
def sign_out(request: Request):
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, session: SessionDep, user: OptionalUser,
                    next: str | None = None):
    lang = code if code in LOCALES else get_locale()
    set_locale(lang)
    if user is not None and user.preferred_lang != lang:
        user.preferred_lang = lang
        session.add(user)
        session.commit()
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
