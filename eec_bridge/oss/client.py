"""EEC OSS over HTTP and nothing else: OAuth2 client credentials (the token is cached,
renewed shortly before it expires and once more on a 401), timeouts and typed errors.
Transport errors, timeouts, 429 and 5xx → TransientError; other 4xx → RejectedError with
OSS's own messages (RFC 7807 problem details); a 2xx reply that does not parse →
SchemaError. Refused client credentials are a TransientError: only a configuration change
fixes them, and until then the message retries and is parked like any other."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from core import http_adapters
from core.http_adapters import TransientError
from eec_bridge.oss import schemas

M = TypeVar("M", bound=BaseModel)
SYSTEM = "EEC OSS"
TOKEN_PATH = "/oauth/token"
# Renew this long before expiry so a token never lapses in flight.
MAX_TOKEN_MARGIN_S = 30.0


class EecOssClient:
    def __init__(self, base_url: str, client_id: str, client_secret: str, *,
                 timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s,
                                  headers={"Accept": "application/json",
                                           "User-Agent": "eec-business-one-stop"})
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def close(self) -> None:
        self._http.close()

    # ---- API ---------------------------------------------------------------------------

    def create_case(self, body: dict[str, Any], idempotency_key: str) -> schemas.CaseAccepted:
        return self._send("POST", "/api/v1/cases", schemas.CaseAccepted, json=body,
                          headers={"Idempotency-Key": idempotency_key})

    def get_case(self, case_number: str) -> schemas.Case:
        return self._send("GET", f"/api/v1/cases/{quote(case_number, safe='')}", schemas.Case)

    def create_answer(self, case_number: str, body: dict[str, Any],
                      idempotency_key: str) -> schemas.AnswerAccepted:
        return self._send("POST", f"/api/v1/cases/{quote(case_number, safe='')}/answers",
                          schemas.AnswerAccepted, json=body,
                          headers={"Idempotency-Key": idempotency_key})

    # ---- OAuth2 client credentials -----------------------------------------------------

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._fetch_token()
            assert self._token is not None
            return self._token

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch_token(self) -> None:
        started = self._clock()
        response = self._request("POST", TOKEN_PATH, data={
            "grant_type": "client_credentials", "client_id": self._client_id,
            "client_secret": self._client_secret})
        if 400 <= response.status_code < 500 and response.status_code != 429:
            raise TransientError(f"{SYSTEM} refused our client credentials "
                                 f"({response.status_code}): check the configuration")
        reply = http_adapters.read_reply(SYSTEM, response, schemas.TokenReply, _reasons)
        self._token = reply.access_token
        self._renew_at = started + reply.expires_in - min(MAX_TOKEN_MARGIN_S,
                                                          reply.expires_in / 10)

    # ---- transport ---------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return http_adapters.send(self._http, SYSTEM, method, path, **kwargs)

    def _send(self, method: str, path: str, model: type[M], *,
              headers: dict[str, str] | None = None, **kwargs: Any) -> M:
        for attempt in (1, 2):
            token = self.access_token()
            response = self._request(method, path, headers={
                **(headers or {}), "Authorization": f"Bearer {token}"}, **kwargs)
            # A 401 means the token was revoked or expired early: nothing was done, so one
            # more try with a fresh token (same Idempotency-Key) is safe.
            if response.status_code == 401 and attempt == 1:
                self._forget(token)
                continue
            break
        if response.status_code == 401:
            raise TransientError(f"{SYSTEM} refused a fresh access token (401)")
        return http_adapters.read_reply(SYSTEM, response, model, _reasons)


def _reasons(response: httpx.Response) -> list[str]:
    """OSS's own messages, from its RFC 7807 problem details."""
    return http_adapters.error_reasons(response, schemas.Problem, _problem_reasons)


def _problem_reasons(problem: schemas.Problem) -> list[str]:
    if problem.invalid_params:
        return [f"{p.name}: {p.reason}" for p in problem.invalid_params]
    return [f"{problem.title}: {problem.detail}" if problem.detail else problem.title]
