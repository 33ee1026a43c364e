"""Jinja2 with gettext and htmx fragments: an htmx request gets a block, a normal one the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2_fragments.fastapi import Jinja2Blocks

from web import i18n
from web.security import csrf_token

TEMPLATE_DIRS = [
    str(Path(__file__).resolve().parent / "templates"),
    str(Path(__file__).resolve().parent.parent / "registration" / "templates"),
    str(Path(__file__).resolve().parent.parent / "eec_bridge" / "templates"),
    str(Path(__file__).resolve().parent.parent / "complaints" / "templates"),
]

templates = Jinja2Blocks(directory=TEMPLATE_DIRS)
env = templates.env
env.add_extension("jinja2.ext.i18n")
# Jinja's newstyle gettext fills the placeholders itself, so these only look the text up.
env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda message: i18n.translations(i18n.get_locale()).gettext(message),
    lambda singular, plural, n: i18n.translations(i18n.get_locale()).ngettext(singular, plural, n),
    newstyle=True,
)
def _juristic(value: str | None) -> str:
    from registration.identity import format_juristic_number

    return format_juristic_number(value) if value else "—"


def _province(code: str | None) -> str:
    from registration.eec import EEC_PROVINCES

    names = EEC_PROVINCES.get(code or "")
    if names is None:
        return code or "—"
    return names[1] if i18n.get_locale() == "th" else names[0]


def _iso_datetime(value: str) -> str:
    from datetime import datetime

    return i18n.format_datetime(datetime.fromisoformat(value))


env.globals.update(
    juristic=_juristic,
    province_name=_province,
    format_iso=_iso_datetime,
    message=i18n.message,
    format_date=i18n.format_date,
    format_datetime=i18n.format_datetime,
    format_number=i18n.format_number,
    get_locale=i18n.get_locale,
    LOCALES=i18n.LOCALES,
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """Render a page; `block` names the fragment an htmx request receives instead."""
    ctx = {
        "request": request,
        "lang": i18n.get_locale(),
        "csrf_token": csrf_token(request),
        "user": getattr(request.state, "user", None),
        **(context or {}),
    }
    kwargs: dict[str, Any] = {}
    if block and is_htmx(request):
        kwargs["block_name"] = block
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, **kwargs)
