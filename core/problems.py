"""RFC 9457 problem details for the JSON API, with message keys and localized text."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, time
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, TypeAdapter

from core.errors import FieldError
from core.i18n import get_locale, message

PROBLEM_TYPE_BASE = "/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
_SCHEMA_REF = "#/components/schemas/{model}"


class FieldProblem(BaseModel):
    """One invalid field of a request, with its message key and text in the caller's language."""

    field: str
    key: str
    message: str
    params: dict[str, Any] = Field(default_factory=dict)


class Problem(BaseModel):
    """RFC 9457 problem details: every error of the JSON API has this body."""

    type: str = Field(examples=["/problems/error-not-found"])
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    key: str = Field(description="The message key, the same in every language")
    lang: str = Field(examples=["th", "en"])
    instance: str | None = None
    errors: list[FieldProblem] | None = Field(
        default=None, description="Each invalid field, when the input was not valid")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route or router: these statuses answer a Problem."""
    return {status: {"description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _SCHEMA_REF.format(
                         model="Problem")}}}}
            for status in statuses}


def document_problems(generate: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wraps FastAPI's `app.openapi`: the Problem schema joins the components, and the
    validation errors FastAPI documents as its own JSON are documented as the Problem
    that the error handler really answers."""

    def openapi() -> dict[str, Any]:
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" in components:
            return schema
        problem = TypeAdapter(Problem).json_schema(ref_template=_SCHEMA_REF)
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        for operation in (op for path in schema.get("paths", {}).values()
                          for op in path.values() if isinstance(op, dict)):
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
                if ref.endswith("/HTTPValidationError"):
                    response.update(problems(int(status))[int(status)])
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        return schema

    return openapi


# JSON numbers past 2^53 lose digits in JavaScript clients (and Python refuses to write an
# int of more than 4300 digits): larger ones are sent as text.
_SAFE_INTEGER = 2**53


def json_safe(value: Any) -> Any:
    """A message parameter as JSON can carry it: strings, safe numbers, booleans and null as
    they are, containers item by item, anything else (a Decimal bound, a date, an enum) as
    the text the message shows."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value if -_SAFE_INTEGER <= value <= _SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


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
        {"field": e.field, "key": e.key, "message": message(e.key, e.params),
         "params": json_safe(e.params)}
        for e in errors
    ]
    if field_errors:
        body["errors"] = field_errors
        body["detail"] = "; ".join(f"{e['field']}: {e['message']}" for e in field_errors)
    else:
        body["detail"] = body["title"]
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE,
        headers={"Content-Language": get_locale()},
    )
