"""Language of the current request, gettext catalogs (th, en) and locale-aware formatting."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from core import thai_dates
from core.errors import MESSAGES
from core.thai_dates import Lang, Style

LOCALES = ("th", "en")
DEFAULT_LOCALE: Lang = "th"
# The catalogs cover the whole portal, so they live with the app (web/locale); paths only.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "web" / "locale"
LANG_COOKIE = "lang"

_current: ContextVar[Lang] = ContextVar("locale", default=DEFAULT_LOCALE)


@lru_cache
def translations(lang: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def set_locale(lang: str) -> None:
    _current.set("en" if lang == "en" else DEFAULT_LOCALE)


def get_locale() -> Lang:
    return _current.get()


def gettext(message: str, **params: Any) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext


def message(key: str, params: dict[str, Any] | None = None) -> str:
    """The text of a registered message key in the current language, with its parameters."""
    msgid = MESSAGES.get(key)
    if msgid is None:
        return key
    lang = get_locale()
    text = translations(lang).gettext(msgid)
    if not params:
        return text
    # Free text that travels in both languages (a reason, a question) has a `_th` twin.
    params = {k: (params.get(f"{k}_th") or v) if lang == "th" else v for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The user's explicit choice, else the browser's Accept-Language, else Thai."""
    if cookie in LOCALES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in LOCALES:
            return primary
    return DEFAULT_LOCALE


def format_number(value: int | Decimal | float, lang: str | None = None) -> str:
    return format_decimal(value, locale=lang or get_locale())


def format_date(value: date | datetime | None, style: Style = "long") -> str:
    return "" if value is None else thai_dates.format_date(value, get_locale(), style)


def format_datetime(value: datetime | None) -> str:
    return "" if value is None else thai_dates.format_datetime(value, get_locale())


class LocaleMiddleware:
    """Pure ASGI middleware: resolves the request language into a context variable."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            cookie_lang = None
            for item in headers.get("cookie", "").split(";"):
                name, _sep, value = item.strip().partition("=")
                if name == LANG_COOKIE:
                    cookie_lang = value
            lang = negotiate(cookie_lang, headers.get("accept-language"))
            set_locale(lang)
            scope.setdefault("state", {})["lang"] = lang
        await self.app(scope, receive, send)
