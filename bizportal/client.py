"""Biz Portal over HTTP and nothing else: API-key auth, timeouts, and typed errors.
Transport errors, timeouts, 429 and 5xx → TransientError; other 4xx → RejectedError with
Biz Portal's own messages; a 2xx reply that does not parse → SchemaError. A refused API key
is a TransientError: only a configuration change fixes it, and until then the message
retries and is parked like any other that keeps failing."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from bizportal import schemas
from eec_bridge.adapters import RejectedError, SchemaError, TransientError

M = TypeVar("M", bound=BaseModel)
SYSTEM = "Biz Portal"


class BizPortalClient:
    def __init__(self, base_url: str, api_key: str, *, timeout_s: float) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout_s,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json",
                     "User-Agent": "eec-business-one-stop"})

    def close(self) -> None:
        self._http.close()

    def create_registration(self, body: dict[str, Any],
                            idempotency_key: str) -> schemas.RegistrationAccepted:
        return self._send("POST", "/api/v1/registrations", schemas.RegistrationAccepted,
                          json=body, headers={"Idempotency-Key": idempotency_key})

    def get_registration(self, registration_id: str) -> schemas.Registration:
        return self._send("GET", f"/api/v1/registrations/{quote(registration_id, safe='')}",
                          schemas.Registration)

    def list_licence_applications(self, cursor: str | None,
                                  limit: int) -> schemas.LicenceApplicationPage:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._send("GET", "/api/v1/licence-applications",
                          schemas.LicenceApplicationPage, params=params)

    def set_licence_status(self, application_id: str, body: dict[str, Any],
                           idempotency_key: str) -> schemas.LicenceStatusAccepted:
        path = f"/api/v1/licence-applications/{quote(application_id, safe='')}/status"
        return self._send("POST", path, schemas.LicenceStatusAccepted, json=body,
                          headers={"Idempotency-Key": idempotency_key})

    def _send(self, method: str, path: str, model: type[M], **kwargs: Any) -> M:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientError(f"{SYSTEM} timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"{SYSTEM} unreachable ({type(exc).__name__}: {exc})") from exc
        raise_for_status(response)
        return parse_reply(response, model)


def raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 300:
        return
    if status == 429 or status >= 500:
        raise TransientError(f"{SYSTEM} answered {status}")
    if status in (401, 403):
        raise TransientError(f"{SYSTEM} refused our API key ({status}): check the configuration")
    reasons = _reasons(response)
    raise RejectedError(f"{SYSTEM} refused the request ({status}): {reasons[0]}", reasons)


def _reasons(response: httpx.Response) -> list[str]:
    try:
        body = schemas.ErrorBody.model_validate(response.json())
    except (ValueError, ValidationError):
        return [response.text[:300] or f"HTTP {response.status_code}"]
    return [f"{e.field}: {e.message} ({e.code})" if e.field else f"{e.message} ({e.code})"
            for e in body.errors]


def parse_reply(response: httpx.Response, model: type[M]) -> M:
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise SchemaError(f"{SYSTEM} reply to {response.request.method} "
                          f"{response.request.url.path} is not a {model.__name__}: "
                          f"{str(exc)[:300]}") from exc
