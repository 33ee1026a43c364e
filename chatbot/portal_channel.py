"""Rasa's REST channel, for the portal only: a POST to /webhooks/rest/webhook must carry the
portal's bearer token (EEC_RASA_CHANNEL_TOKEN, the portal's Settings.rasa_channel_token),
or it is refused with 401 before Rasa reads it. Whoever may post here chooses the sender id
and the metadata, so only the portal may.

credentials.yml names this class instead of `rest`; the URL stays the same. The health check
(GET /webhooks/rest/) stays open. It is the capped REST channel (rest_channel.py), so what a
message may carry is bounded too."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from rest_channel import CappedRestInput


class PortalInput(CappedRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PortalInput:
        token = str((credentials or {}).get("token") or "").strip()
        if not token:
            raise ValueError("credentials.yml: the portal channel needs a token "
                             "(set EEC_RASA_CHANNEL_TOKEN to the portal's rasa_channel_token)")
        return cls(token)

    def __init__(self, token: str) -> None:
        self.token = token

    def is_portal(self, request: Request) -> bool:
        scheme, _sep, given = (request.headers.get("Authorization") or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def portal_only(request: Request) -> Any:
            if request.method != "GET" and not self.is_portal(request):
                return response.json({"error": "the portal's channel token is required"},
                                     status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="rasa"'})
            return None

        return webhook
