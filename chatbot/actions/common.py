"""What every action shares: the reply language, the menu buttons and small tracker helpers."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency
from actions.i18n import N_, t
from actions.language import conversation_language

BANGKOK = ZoneInfo("Asia/Bangkok")

# The complaint being written: cleared when it is filed or cancelled.
COMPLAINT_SLOTS = ("estate", "complaint_category", "description", "location_detail",
                   "contact_name", "contact", "pdpa_consent", "confirmed", "complaint_nonce",
                   "reask_reason", "reask_detail")
NO_LOCATION = "-"


def payload(intent: str, **entities: Any) -> str:
    """A button payload that skips NLU: /intent{"entity": "value"}."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def button(title: str, intent: str, **entities: Any) -> dict[str, str]:
    return {"title": title, "payload": payload(intent, **entities)}


def main_menu(lang: str) -> list[dict[str, str]]:
    return [button(t(lang, N_("Report a problem")), "file_complaint"),
            button(t(lang, N_("Check a complaint")), "check_ticket_status")]


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    # A button payload is no text the user typed.
    return "" if text.startswith("/") else text


def conversation_proof(tracker: Tracker) -> str | None:
    """The portal's proof for this conversation, sent with the user's latest message (the
    metadata of the REST channel, which only the portal may call). Never a slot."""
    metadata = (tracker.latest_message or {}).get("metadata")
    if not isinstance(metadata, dict):
        for event in reversed(tracker.events or []):
            if event.get("event") == "user":
                metadata = event.get("metadata")
                break
    proof = metadata.get("conversation_proof") if isinstance(metadata, dict) else None
    return str(proof) if proof else None


def entity_values(tracker: Tracker, entity: str) -> list[Any]:
    return [e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == entity and e.get("value") is not None]


def first(value: Any) -> Any:
    """Slots fed by several entities of one message can arrive as lists."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(BANGKOK)


def format_time(value: str | None, lang: str) -> str:
    """A date and time in Thailand's time zone: Buddhist Era in Thai, as officials write it."""
    moment = parse_time(value)
    if moment is None:
        return value or ""
    if lang == "th":
        from pythainlp.util import thai_strftime

        return thai_strftime(moment, "%-d %B %Y %H:%M น.")
    return moment.strftime("%-d %B %Y, %H:%M")


class BilingualAction(Action, ABC):
    """An action that answers in the conversation's language and keeps the `language` slot."""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        lang = conversation_language(tracker)
        # Whatever was asked, a message about fire, a leak or people hurt gets the
        # emergency numbers first (once per message: the first action to answer gives them).
        text = (tracker.latest_message or {}).get("text")
        if emergency.mentions_emergency(text) and not emergency.already_warned(tracker.events):
            dispatcher.utter_message(text=emergency.emergency_notice(
                lang, tracker.get_slot("estate")))
        events = list(await self.respond(dispatcher, tracker, domain, lang))
        if tracker.get_slot("language") != lang:
            # Last, so that it survives a UserUtteranceReverted (the fallback) before it.
            events.append(SlotSet("language", lang))
        return events

    @abstractmethod
    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]: ...
