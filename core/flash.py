"""One-shot messages across a redirect ("flash"): an action stores a message key in the
session, the next page shows it in the reader's language once, then it is gone."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.i18n import message

FLASH_KEY = "flash"


def flash(request: Request, key: str, **params: Any) -> None:
    """Shows `key` (a registered message key) on the next page this browser loads."""
    request.session[FLASH_KEY] = {"key": key, "params": params}


def pop_flash(request: Request) -> str:
    """The waiting message, localized, and forgets it; "" when there is none."""
    if "session" not in request.scope:
        return ""
    stored = request.session.pop(FLASH_KEY, None)
    if not isinstance(stored, dict) or not isinstance(stored.get("key"), str):
        return ""
    return message(stored["key"], stored.get("params") or {})
