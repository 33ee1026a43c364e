"""Biz Portal over HTTP and nothing else: API-key auth, timeouts, and typed errors.
Transport errors, timeouts, 429 and 5xx → TransientError; other 4xx → RejectedError with
Biz Portal's own messages; a 2xx reply that does not parse → SchemaError. A refused API key
is a TransientError: only a configuration change fixes it, and until then the message
retries and is parked like any other that keeps failing."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from bizportal import schemas
from core import http_adapters

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
        response = http_adapters.send(self._http, SYSTEM, method, path, **kwargs)
        return http_adapters.read_reply(SYSTEM, response, model, _reasons)


def _reasons(response: httpx.Response) -> list[str]:
    """Biz Portal's own messages, from its {"errors": [...]} body."""
    return http_adapters.error_reasons(response, schemas.ErrorBody, lambda body: [
        f"{e.field}: {e.message} ({e.code})" if e.field else f"{e.message} ({e.code})"
        for e in body.errors])
