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
env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
env.globals.update(
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
