"""Jinja2 with gettext and htmx fragments: an htmx request gets a block, a normal one the page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, cast

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2_fragments.fastapi import Jinja2Blocks

from core import i18n
from core.eec import EEC_PROVINCES
from core.flash import pop_flash
from core.security import csrf_token

ROOT = Path(__file__).resolve().parent.parent
# Each package keeps its own templates; the app composes them under one loader.

TEMPLATE_DIRS = [
    str(ROOT / "web" / "templates"),
    str(ROOT / "registration" / "templates"),
    str(ROOT / "eec_bridge" / "templates"),
    str(ROOT / "complaints" / "templates"),
    str(ROOT / "notifications" / "templates"),
]

templates = Jinja2Blocks(directory=TEMPLATE_DIRS)
env = templates.env
env.add_extension("jinja2.ext.i18n")
# Jinja's newstyle gettext fills the placeholders itself, so these only look the text up.
env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    lambda message: i18n.translations(i18n.get_locale()).gettext(message),
    lambda singular, plural, n: i18n.translations(i18n.get_locale()).ngettext(singular, plural, n),
    newstyle=True,
)


def _province(code: str | None) -> str:
    names = EEC_PROVINCES.get(code or "")
    if names is None:
        return code or "—"
    return names[1] if i18n.get_locale() == "th" else names[0]


def _iso_datetime(value: str) -> str:
    return i18n.format_datetime(datetime.fromisoformat(value))


# More globals come from the packages that own them (web/app.py registers `juristic`).
env.globals.update(
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
        # A message left by the action before the redirect; an htmx poll leaves it waiting.
        "flash": "" if is_htmx(request) else pop_flash(request),
        **(context or {}),
    }
    kwargs: dict[str, Any] = {}
    if block and is_htmx(request):
        kwargs["block_name"] = block
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code,
                                          **kwargs)
    # Starlette types it as a Response; it is its HTML template response.
    return cast(HTMLResponse, response)
