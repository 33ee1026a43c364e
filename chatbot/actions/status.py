"""Status checks by ticket number: status_form asks for the number, validate_status_form
checks its format, action_check_ticket_status asks the portal and answers.

Private details (the description, the location, the contact) are shown only when the portal
recognises the complainant: the conversation that filed the complaint (by the proof the
portal sent with the user's message), or the access code given at filing, sent with the
number ("CMP-2026-000123 K7QM-4XPA"). A phone number or a slot proves nothing.

"I want to file a new complaint" while the status form waits for a number leaves it for the
complaint form (data/rules/detours.yml); a status check in the middle of a complaint is
action_status_aside.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import validators
from actions.common import (
    BilingualAction,
    button,
    conversation_proof,
    first,
    format_time,
    latest_intent,
    latest_text,
    main_menu,
)
from actions.detours import (
    DETOUR_CONFIDENCE,
    back_from_side_trip,
    carry_on,
    intent_and_confidence,
    is_detour,
    reject,
)
from actions.i18n import N_, t
from actions.ticket_api import TicketApiError, TicketNotFound, ticket_api

TICKET_ID = re.compile(r"\bCMP-(\d{4})-(\d{6})\b", re.IGNORECASE)
# Something meant as a ticket number but mistyped: "CMP 2026 12", "cmp-26-000123", "000123".
TICKET_ATTEMPT = re.compile(r"cmp|\d{4,}", re.IGNORECASE)
# The access code given at filing (complaints/access.py): XXXX-XXXX without 0, 1, I, L, O.
ACCESS_CODE = re.compile(r"(?<![0-9A-Za-z])([2-9A-HJKMNP-Z]{4})-?([2-9A-HJKMNP-Z]{4})"
                         r"(?![0-9A-Za-z])", re.IGNORECASE)


def find_ticket_id(text: Any) -> str | None:
    """CMP-YYYY-NNNNNN, however it was typed (validators.normalise_ticket_id)."""
    return validators.normalise_ticket_id(str(text or ""))


def find_access_code(text: Any) -> str | None:
    """An access code typed next to the ticket number, in the message that completed the
    status check; it goes to the portal, which alone can tell whether it is right."""
    match = ACCESS_CODE.search(validators.TICKET_NUMBER.sub(
        " ", TICKET_ID.sub(" ", validators.ascii_digits(str(text or "")))))
    return f"{match.group(1)}-{match.group(2)}".upper() if match else None


class ValidateStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        if ((latest_intent(tracker) == "cancel" and requested)
                or back_from_side_trip(tracker, "status_form")):
            return []
        # A status question while checking a status is just the answer, with or without number.
        if requested and (is_detour(tracker, requested, but_not={"check_ticket_status"})
                          or self.starts_a_complaint(tracker)):
            return reject(tracker, "status_form", ["ticket_id"])
        events = await super().run(dispatcher, tracker, domain)
        if requested and not any(e.get("name") == "ticket_id" for e in events
                                 if e.get("event") == "slot"):
            events += [SlotSet("ticket_id", None), SlotSet("reask_reason", "bad_ticket"),
                       SlotSet("reask_detail", latest_text(tracker)[:40] or None)]
        return events

    @staticmethod
    def starts_a_complaint(tracker: Tracker) -> bool:
        """"Actually I want to file a new complaint" instead of a ticket number."""
        intent, confidence = intent_and_confidence(tracker)
        return (intent == "file_complaint" and confidence >= DETOUR_CONFIDENCE
                and not find_ticket_id(latest_text(tracker)))

    def validate_ticket_id(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        number = find_ticket_id(first(value)) or find_ticket_id(latest_text(tracker))
        if number:
            return {"ticket_id": number}
        return {"ticket_id": None, "reask_reason": "bad_ticket",
                "reask_detail": str(first(value) or "")[:40] or None}


class ActionAskTicketId(BilingualAction):
    def name(self) -> str:
        return "action_ask_ticket_id"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        detail = tracker.get_slot("reask_detail")
        if not detail and TICKET_ATTEMPT.search(latest_text(tracker)):
            detail = latest_text(tracker)[:40]  # a mistyped number in the first message
        if detail:
            text = t(lang, N_("“{text}” is not a ticket number. Ticket numbers look like "
                              "CMP-2026-000123. Please send it again."), text=detail)
        else:
            text = t(lang, N_("Please send me the ticket number. It looks like CMP-2026-000123."))
        last = tracker.get_slot("last_ticket_id")
        buttons = [button(last, "inform", ticket_id=last)] if last else []
        buttons.append(button(t(lang, N_("Cancel")), "cancel"))
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("reask_reason", None), SlotSet("reask_detail", None)]


def menu_unless_in_form(tracker: Tracker, lang: str) -> list[dict[str, str]] | None:
    """The main menu, except in the middle of a complaint (its buttons would be answers)."""
    return None if tracker.active_loop_name else main_menu(lang)


class ActionCheckTicketStatus(BilingualAction):
    def name(self) -> str:
        return "action_check_ticket_status"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        number = (find_ticket_id(tracker.get_slot("ticket_id"))
                  or find_ticket_id(latest_text(tracker)))
        if not number:
            dispatcher.utter_message(text=t(
                lang, N_("Please send me the ticket number. It looks like CMP-2026-000123.")))
            return [SlotSet("ticket_id", None)]
        try:
            found = await ticket_api().ticket_status(
                number, conversation_id=tracker.sender_id,
                conversation_proof=conversation_proof(tracker),
                access_code=find_access_code(latest_text(tracker)), language=lang)
        except TicketNotFound:
            dispatcher.utter_message(
                text=t(lang, N_("I could not find a complaint with the number {number}. Please "
                                "check the number; it looks like CMP-2026-000123."), number=number),
                buttons=menu_unless_in_form(tracker, lang))
            return [SlotSet("ticket_id", None)]
        except TicketApiError:
            dispatcher.utter_message(
                text=t(lang, N_("I could not reach the complaint system just now. Please try "
                                "again in a few minutes.")))
            return [SlotSet("ticket_id", None)]

        lines = [t(lang, N_("Complaint {number}: {status}."), number=found.number,
                   status=found.status_label.get(lang) or found.status)]
        if found.updated_at:
            lines.append(t(lang, N_("Last updated: {when}."),
                           when=format_time(found.updated_at, lang)))
        if found.duplicate_of:
            lines.append(t(lang, N_("It was merged with complaint {number}, which is handled "
                                    "in its place."), number=found.duplicate_of))
        note = found.latest_public_note
        note_text = note.get("text") if isinstance(note, dict) else note
        if note_text:
            lines.append(t(lang, N_("Latest note from the estate: {note}"), note=note_text))
        else:
            lines.append(t(lang, N_("There is no note from the estate yet.")))
        private = found.private if found.is_complainant else None
        if not private and find_access_code(latest_text(tracker)):
            lines.append(t(lang, N_("That access code does not match this complaint, so I can "
                                    "show only its public status.")))
        elif not private:
            lines.append(t(lang, N_("To see the details of your own complaint, send its number "
                                    "with the access code you were given when you filed it.")))
        if private:
            lines.append(t(lang, N_("Your complaint: {description}"),
                           description=private.get("description") or ""))
            if private.get("location"):
                lines.append(t(lang, N_("Location: {location}"), location=private["location"]))
            if private.get("anonymous"):
                lines.append(t(lang, N_("You filed it anonymously: the officers have no name or "
                                        "contact for you, so follow it here with its number "
                                        "and access code.")))
            elif private.get("contact"):
                lines.append(t(lang, N_("We will contact you at {contact}."),
                               contact=private["contact"]))
        dispatcher.utter_message(text="\n".join(lines), buttons=menu_unless_in_form(tracker, lang))
        return [SlotSet("ticket_id", None)]


class ActionStatusAside(ActionCheckTicketStatus):
    """A status check in the middle of a complaint: answered at once when the message has a
    ticket number, else deferred; the complaint form then asks its pending question again."""

    def name(self) -> str:
        return "action_status_aside"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        if find_ticket_id(tracker.get_slot("ticket_id")) or find_ticket_id(latest_text(tracker)):
            events = await super().respond(dispatcher, tracker, domain, lang)
        else:
            dispatcher.utter_message(text=t(lang, N_(
                "I can check another complaint as soon as this one is filed or cancelled, or "
                "right now if you send its number, for example “status CMP-2026-000123”.")))
            events = [SlotSet("ticket_id", None)]
        carry_on(dispatcher, tracker, lang)
        return events
