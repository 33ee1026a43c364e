"""The chat widget's server side: the browser talks to the portal, the portal to Rasa's REST
channel, so Rasa's port is never exposed. Rasa answers only the portal (its channel wants
Settings.rasa_channel_token), and every message carries the portal's proof for its
conversation, which the ticket API asks for before it shows the complaint that conversation
filed. Rate-limited per browser session; long messages are refused before they reach the
assistant."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import httpx
from fastapi import APIRouter, Request
from limits import RateLimitItemPerMinute

from complaints.access import conversation_proof
from web.forms import form_dict
from web.i18n import get_locale
from web.i18n import gettext as _
from web.security import _limiter
from web.settings import get_settings
from web.templating import render

log = logging.getLogger("web.chat")
router = APIRouter(prefix="/chat", tags=["chat"])
SENDER_KEY = "chat_sender"


def chat_sender(request: Request) -> str:
    """A random id per browser session: Rasa keeps the conversation under it."""
    sender = request.session.get(SENDER_KEY)
    if not sender:
        sender = "web-" + secrets.token_urlsafe(12)
        request.session[SENDER_KEY] = sender
    return sender


async def ask_rasa(sender: str, text: str, lang: str) -> list[dict[str, Any]]:
    """Async: while the assistant answers, its actions call this portal's ticket API."""
    settings = get_settings()
    token = settings.rasa_channel_token.get_secret_value()
    async with httpx.AsyncClient(timeout=settings.http_timeout_s * 3) as client:
        response = await client.post(
            f"{settings.rasa_url}/webhooks/rest/webhook",
            headers={"Authorization": f"Bearer {token}"},
            json={"sender": sender, "message": text,
                  "metadata": {"lang": lang, "conversation_proof": conversation_proof(sender)}})
    response.raise_for_status()
    return [m for m in response.json() if isinstance(m, dict)]


@router.post("/send")
async def send(request: Request):
    settings = get_settings()
    values = form_dict(await request.form())
    text = str(values.get("message", "")).strip()
    payload = str(values.get("payload", "")).strip()
    shown = str(values.get("label", "")).strip() or text
    sender = chat_sender(request)
    replies: list[dict[str, Any]] = []
    status = 200
    limit = RateLimitItemPerMinute(settings.chat_messages_per_minute)
    if not (text or payload):
        replies = [{"text": _("Please type a message.")}]
    elif len(text) > settings.chat_max_chars:
        replies = [{"text": _("Your message is too long. Please keep it under %(max)s characters.",
                              max=settings.chat_max_chars)}]
        status = 413
    elif not _limiter().hit(limit, "chat", sender):
        replies = [{"text": _("You are sending messages too quickly. Please wait a minute.")}]
        status = 429
    else:
        try:
            replies = await ask_rasa(sender, payload or text, get_locale())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("assistant unavailable: %s", exc)
            replies = [{"text": _("The assistant is not available right now. You can file a complaint with the web form instead.")}]
            status = 503
    return render(request, "chat/messages.html",
                  {"user_text": shown[: settings.chat_max_chars], "replies": replies},
                  status_code=status)
