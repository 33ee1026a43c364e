"""The chat widget's server side: the browser talks to the portal, the portal to Rasa's REST
channel, so Rasa's port is never exposed. Rasa answers only the portal (its channel wants
Settings.rasa_channel_token), and every message carries the portal's proof for its
conversation, which the ticket API asks for before it shows the complaint that conversation
filed. Rate-limited per browser session and per client address; long messages, and button
payloads that are not the assistant's buttons, are refused before they reach the assistant.

The widget's history: each exchange with the assistant is kept in Redis under the session's
sender id, the last Settings.chat_history_max_exchanges of them and no longer than a session
can live, so only the browser session that had the conversation sees it again (GET
/chat/history, when the widget opens on the next page). It holds what the widget showed, in
the language it was written in; only the latest reply keeps its buttons live."""

from __future__ import annotations

import json
import logging
import re
import secrets
from functools import lru_cache
from typing import Any

import httpx
import redis
import yaml
from fastapi import APIRouter, Request

from complaints.access import conversation_proof
from core.forms import form_dict
from core.i18n import get_locale
from core.i18n import gettext as _
from core.limits import parse_json
from core.runtime import SettingsDep, get_resources
from core.security import client_address, within_limit
from core.settings import ROOT, Settings
from core.templating import render

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


def history_key(sender: str) -> str:
    return f"chat-history:{sender}"


def shown_replies(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the widget shows of the assistant's replies: their text and buttons."""
    kept = []
    for reply in replies:
        buttons = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                   for b in reply.get("buttons") or [] if isinstance(b, dict)]
        if reply.get("text") or buttons:
            kept.append({"text": str(reply.get("text") or ""), "buttons": buttons})
    return kept


def remember_exchange(request: Request, settings: Settings, sender: str, user_text: str,
                      replies: list[dict[str, Any]]) -> None:
    """Adds an exchange to the session's history; without Redis, or with Redis down, the
    widget simply starts empty on the next page."""
    client = get_resources(request).redis
    if client is None:
        return
    key = history_key(sender)
    exchange = json.dumps({"user_text": user_text, "replies": shown_replies(replies)},
                          ensure_ascii=False)
    try:
        with client.pipeline() as pipe:
            pipe.rpush(key, exchange)
            pipe.ltrim(key, -settings.chat_history_max_exchanges, -1)
            pipe.expire(key, settings.session_absolute_max_age_s)
            pipe.execute()
    except redis.RedisError as exc:
        log.warning("chat history not kept: %s", exc)


def session_history(request: Request) -> list[dict[str, Any]]:
    """The exchanges of this browser session's conversation, oldest first; none for a session
    that never chatted (no sender is made for it)."""
    sender = request.session.get(SENDER_KEY)
    client = get_resources(request).redis
    if not sender or client is None:
        return []
    try:
        stored = client.lrange(history_key(sender), 0, -1)
    except redis.RedisError as exc:
        log.warning("chat history not read: %s", exc)
        return []
    return [json.loads(item) for item in stored]


DOMAIN_DIR = ROOT / "chatbot" / "domain"
# What the assistant's buttons send (chatbot/actions/common.py): /intent or /intent{"entity": …}.
BUTTON_PAYLOAD = re.compile(r"/(?P<intent>\w+)(?P<entities>\{.*\})?", re.DOTALL)


# Parsed once: the domain files are data shipped with the code, not a resource to close.
@lru_cache(maxsize=1)
def button_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """The intents and entities of the assistant's domain: all a button may name."""
    intents: set[str] = set()
    entities: set[str] = set()
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for names, found in ((intents, domain.get("intents")), (entities, domain.get("entities"))):
            names.update(n if isinstance(n, str) else next(iter(n)) for n in found or [])
    return frozenset(intents), frozenset(entities)


def is_button_payload(payload: str) -> bool:
    """A payload of one of the assistant's buttons: a known intent, and only known entities
    with plain values."""
    match = BUTTON_PAYLOAD.fullmatch(payload)
    intents, entities = button_vocabulary()
    if match is None or match["intent"] not in intents:
        return False
    if not match["entities"]:
        return True
    try:
        values = parse_json(match["entities"], max_depth=1)
    except ValueError:
        return False
    return isinstance(values, dict) and set(values) <= entities and all(
        isinstance(v, (str, int)) and not isinstance(v, bool) for v in values.values())


async def ask_rasa(settings: Settings, sender: str, text: str,
                   lang: str) -> list[dict[str, Any]]:
    """Async: while the assistant answers, its actions call this portal's ticket API."""
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
async def send(request: Request, settings: SettingsDep):
    values = form_dict(await request.form())
    text = str(values.get("message", "")).strip()
    payload = str(values.get("payload", "")).strip()
    shown = str(values.get("label", "")).strip() or text
    sender = chat_sender(request)
    replies: list[dict[str, Any]] = []
    status = 200
    if not (text or payload):
        replies = [{"text": _("Please type a message.")}]
    elif len(text) > settings.chat_max_chars or len(payload) > settings.chat_max_payload_chars:
        replies = [{"text": _("Your message is too long. Please keep it under %(max)s characters.",
                              max=settings.chat_max_chars)}]
        status = 413
    elif payload and not is_button_payload(payload):
        replies = [{"text": _("That choice is not one the assistant offered. Please choose a "
                              "button again, or type your message.")}]
        status = 422
    elif not (within_limit("chat-address", settings.chat_messages_per_address_per_minute, 60,
                           client_address(request))
              & within_limit("chat", settings.chat_messages_per_minute, 60, sender)):
        replies = [{"text": _("You are sending messages too quickly. Please wait a minute.")}]
        status = 429
    else:
        try:
            replies = await ask_rasa(settings, sender, payload or text, get_locale())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("assistant unavailable: %s", exc)
            replies = [{"text": _("The assistant is not available right now. You can file a "
                                  "complaint with the web form instead.")}]
            status = 503
        else:
            remember_exchange(request, settings, sender, shown[: settings.chat_max_chars],
                              replies)
    return render(request, "chat/messages.html",
                  {"user_text": shown[: settings.chat_max_chars], "replies": replies},
                  status_code=status)


@router.get("/history")
def history(request: Request):
    """The widget's earlier exchanges, loaded when it opens (chat/widget.html)."""
    return render(request, "chat/history.html", {"exchanges": session_history(request)})
