"""RFC 9457 problem details for the JSON API, with message keys and localized text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.responses import JSONResponse

from web.errors import FieldError
from web.i18n import get_locale, message

PROBLEM_TYPE_BASE = "/problems/"


def problem_response(
    status: int,
    key: str,
    *,
    params: dict[str, Any] | None = None,
    errors: Iterable[FieldError] = (),
    instance: str | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + key.replace(".", "-").replace("_", "-"),
        "title": message(key, params),
        "status": status,
        "key": key,
        "lang": get_locale(),
    }
    if instance:
        body["instance"] = instance
    field_errors = [
        {"field": e.field, "key": e.key, "message": message(e.key, e.params), "params": e.params}
        for e in errors
    ]
    if field_errors:
        body["errors"] = field_errors
        body["detail"] = "; ".join(f"{e['field']}: {e['message']}" for e in field_errors)
    else:
        body["detail"] = body["title"]
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json",
        headers={"Content-Language": get_locale()},
    )
