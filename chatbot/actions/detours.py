"""Side trips in the middle of a form. A question about the service, a status check, a
greeting, something out of scope or a request to switch languages is not an answer to the
pending question: the form's validation rejects it (`is_detour`), a rule answers it
(data/rules/detours.yml), and the form asks its pending question again, in the conversation's
language, keeping every answer it already has.

A status check in the middle of a complaint is answered at once when the message carries a
ticket number (the user then carries on with the complaint); without one, the assistant says
it can check once this complaint is filed or cancelled, or right away if they send the number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import reference
from actions.common import BilingualAction, entity_values, latest_text, main_menu
from actions.i18n import N_, t
from actions.language import requested_language

# Intents that are never an answer to a form's question, when the NLU is sure enough. An
# `inform`, a `file_complaint` (descriptions read like one), a yes or no, or a message the NLU
# is unsure about is taken as the answer and validated as such.
SIDE_INTENTS = frozenset({"out_of_scope", "greet", "check_ticket_status", "switch_language",
                          "ask_how_it_works"})
DETOUR_CONFIDENCE = 0.8
# Longer messages are answers: a side question is short, a greeting shorter still.
MAX_SIDE_QUESTION = 60
MAX_GREETING = 30
TICKET_NUMBER = re.compile(r"cmp\W*\d", re.IGNORECASE)
# Slots whose question an estate or category name answers: such a message is never a detour.
NAMED_SLOTS = {"estate": reference.resolve_estate,
               "complaint_category": reference.resolve_category}
# Shaped like an estate's name, known or not ("นิคมบางปู", "Bang Pu Industrial Estate"): an
# answer to the estate question, which the form checks against the EEC's estates.
ESTATE_SHAPED = re.compile(r"^\s*(?:นิคม|เขตประกอบการ)|industrial\s+(?:estate|park)",
                           re.IGNORECASE)


def intent_and_confidence(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def is_detour(tracker: Tracker, requested: str | None, but_not: set[str] | None = None) -> bool:
    """Is the latest message a side trip rather than an answer to `requested`? (`but_not`:
    intents that answer this form's question.) The NLU must be sure, and the message must
    look like a side trip too: descriptions are long and name a problem, side questions are
    short ("how long does it take?"), greetings shorter still, a language request names the
    language, and a status check mid-description carries its ticket number."""
    intent, confidence = intent_and_confidence(tracker)
    if (not requested or intent not in SIDE_INTENTS - (but_not or set())
            or confidence < DETOUR_CONFIDENCE):
        return False
    text = latest_text(tracker)
    resolve = NAMED_SLOTS.get(requested)
    if resolve and any(map(resolve, [*entity_values(tracker, requested), text])):
        return False  # "Map Ta Phut please" answers the estate question, whatever its intent
    if requested == "estate" and len(text) <= MAX_SIDE_QUESTION and ESTATE_SHAPED.search(text):
        return False
    if requested in ("contact_name", "contact") and intent == "out_of_scope":
        return False  # a name is any words ("สมหญิง ใจงาม" reads as small talk to the model)
    if intent == "switch_language":
        return bool(requested_language(text)) or len(text) <= MAX_GREETING
    if intent == "greet":
        return len(text) <= MAX_GREETING
    if intent == "check_ticket_status" and (entity_values(tracker, "ticket_id")
                                            or TICKET_NUMBER.search(text)):
        return True
    if len(text) > MAX_SIDE_QUESTION:
        return False
    # "How long will it take to fix the wastewater?" while asked to describe: the answer.
    return not (requested in ("description", "location_detail")
                and (reference.resolve_category(text)
                     or any(map(reference.resolve_category,
                                entity_values(tracker, "complaint_category")))))


# What is left of "I want to file a complaint" / "ขอแจ้งเรื่องร้องเรียนค่ะ" once the words of
# a request to complain are taken out: nothing, so it is no description, estate or location.
REQUEST_WORDS_EN = re.compile(
    r"\b(?:i|i'd|id|i'm|im|we|we'd|want|wanna|would|like|need|to|a|an|the|new|another|one|"
    r"more|file|filing|make|lodge|submit|send|report|reporting|complain|complaining|"
    r"complaints?|problem|issue|please|pls|plz|can|could|you|help|me|us|with|about|something|"
    r"again|now|here|just|ok|okay|so|yes|yeah|hi|hello|hey)\b")
REQUEST_WORDS_TH = re.compile(
    "อยากจะ|อยาก|ต้องการ|ขอ|จะ|แจ้งเรื่อง|แจ้งปัญหา|แจ้ง|ร้องเรียน|เรื่อง|ปัญหา|ใหม่|อีก|"
    "หน่อย|ด้วย|ได้ไหม|ได้มั้ย|ได้ป่าว|ช่วย|ทำ|ยังไง|อย่างไร|เลย|ครับ|คับ|ค่ะ|คะ|ค่า|จ้า|นะ|"
    "สวัสดี|ฉัน|ผม|เรา|หนู|ที่|คือ|มี|ต้อง")
MAX_BARE_REQUEST = 60


def is_bare_request(tracker: Tracker) -> bool:
    """"I want to file a complaint" (and nothing else) typed while the form waits for an
    answer: the user is already filing one."""
    intent, confidence = intent_and_confidence(tracker)
    text = latest_text(tracker)
    if (intent != "file_complaint" or confidence < DETOUR_CONFIDENCE
            or len(text) > MAX_BARE_REQUEST or entity_values(tracker, "estate")
            or entity_values(tracker, "complaint_category")
            or reference.resolve_category(text) or reference.resolve_estate(text)):
        return False
    rest = REQUEST_WORDS_TH.sub("", REQUEST_WORDS_EN.sub("", text.lower()))
    return len(re.findall(r"[a-z\u0e01-\u0e2e]", rest)) < 4


def interruption(tracker: Tracker, requested: str | None) -> str | None:
    """A goodbye ("thanks, bye") or a bare request to complain typed while the complaint form
    waits for an estate, a problem type, a description or a location: not an answer. Returns
    why (`leaving`, `already_filing`), so the question is asked again with a word about it."""
    if requested not in ("estate", "complaint_category", "description", "location_detail"):
        return None  # consent and the summary read such answers as unclear already
    intent, confidence = intent_and_confidence(tracker)
    if (intent == "goodbye" and confidence >= DETOUR_CONFIDENCE
            and len(latest_text(tracker)) <= MAX_GREETING):
        return "leaving"
    return "already_filing" if is_bare_request(tracker) else None


def events_since_user(tracker: Tracker) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            break
        events.append(event)
    return events[::-1]


def previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (whose extraction may have replaced it)."""
    seen_user = False
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def undo_extraction(tracker: Tracker, slots: Iterable[str]) -> list[EventType]:
    """Puts back those of `slots` that the latest message's extraction changed (the
    description filled with "can we continue in English?", say)."""
    changed = {e.get("name") for e in events_since_user(tracker) if e.get("event") == "slot"}
    return [SlotSet(name, previous_value(tracker, name)) for name in slots if name in changed]


def back_from_side_trip(tracker: Tracker, form: str) -> bool:
    """Is `form` running again after a rule answered a side trip? Rasa then calls the
    validation once more with the same user message: nothing is to be validated, and the
    form asks its pending question again. (The complaint form that starts when a user
    leaves the status form does validate what the message named.)"""
    return any(e.get("event") == "action_execution_rejected" and e.get("name") == form
               for e in events_since_user(tracker))


def reject(tracker: Tracker, form: str, slots: Iterable[str]) -> list[EventType]:
    """The form does not take this message (nor keeps what it filled in `slots`); the rules
    for its intent answer it."""
    return [*undo_extraction(tracker, slots), ActionExecutionRejected(form)]


def carry_on(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
    """Ends a side answer: back to the form when one is running, else the main menu."""
    if tracker.active_loop_name == "complaint_form":
        dispatcher.utter_message(text=t(lang, N_("Now, back to your complaint.")))
    elif tracker.active_loop_name == "status_form":
        dispatcher.utter_message(text=t(lang, N_("Now, back to your status check.")))
    else:
        dispatcher.utter_message(text=t(lang, N_("What would you like to do?")),
                                 buttons=main_menu(lang))


class ActionSwitchLanguage(BilingualAction):
    """"Can we continue in English?" / "ขอภาษาไทย": the conversation's language changes
    (conversation_language reads the request; BilingualAction keeps it in the slot)."""

    def name(self) -> str:
        return "action_switch_language"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        dispatcher.utter_message(text=t(lang, N_("Of course. I will continue in English.")))
        if not tracker.active_loop_name:
            carry_on(dispatcher, tracker, lang)
        return []


class ActionExplainComplaints(BilingualAction):
    """"How long does it take?", "what is this for?", "who will see my complaint?"."""

    def name(self) -> str:
        return "action_explain_complaints"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        # The targets are the complaint desk's (complaints/policy.py RESOLVE_TARGETS).
        dispatcher.utter_message(text=t(lang, N_(
            "I pass your complaint to the officers of the industrial estate concerned; only "
            "they see your name and contact details. Every complaint is acknowledged within one "
            "working day, and the estate aims to resolve it within 1 to 14 days depending on the "
            "problem (one day for a power outage, a fire or a chemical leak). You get a ticket "
            "number to follow it here or on the portal.")))
        carry_on(dispatcher, tracker, lang)
        return []
