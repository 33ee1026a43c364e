"""Builders for rasa_sdk Trackers and the real domain, as the action server receives them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from conftest import CHATBOT
from rasa_sdk import Tracker


@lru_cache
def domain() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(CHATBOT / "domain")).as_dict()


def tracker(text: str = "", intent: str | None = None, *, entities: list | None = None,
            slots: dict[str, Any] | None = None, extracted: dict[str, Any] | None = None,
            requested_slot: str | None = None, active_loop: str | None = None,
            sender_id: str = "user-1", metadata: dict | None = None,
            history: list | None = None) -> Tracker:
    """A tracker whose latest user message is `text`; `extracted` are the slots that
    action_extract_slots (or the form) set from it, which validation actions look at."""
    all_slots = {name: None for name in domain()["slots"]}
    all_slots.update({"submit_failed": False})
    all_slots.update(slots or {})
    all_slots.update(extracted or {})
    if requested_slot:
        all_slots["requested_slot"] = requested_slot
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or [], "metadata": metadata or {}}
    events = list(history or [])
    events += [{"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items()]
    events.append({"event": "user", "text": text, "parse_data": latest})
    if active_loop:
        events.append({"event": "action", "name": active_loop})
    events += [{"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items()]
    return Tracker(sender_id, all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def entity(name: str, value: str, text: str | None = None) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(text or value)}
