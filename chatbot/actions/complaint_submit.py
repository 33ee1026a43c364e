"""action_submit_complaint: files the confirmed complaint through the ticket API.

Only a complete, confirmed complaint with consent is sent: never half a ticket. If the portal
cannot be reached the slots stay as they are and `submit_failed` is set, so that "try again"
files the same complaint with the same idempotency key (the portal then returns the ticket it
may already have filed instead of a second one).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import reference
from actions.common import (
    COMPLAINT_SLOTS,
    NO_LOCATION,
    BilingualAction,
    button,
    conversation_proof,
    format_time,
    main_menu,
)
from actions.i18n import N_, t
from actions.ticket_api import ComplaintFiling, TicketApiError, TicketInvalid, ticket_api

log = logging.getLogger(__name__)

# The ticket API's field names → the form's slots.
API_FIELD_SLOTS = {"estate_id": "estate", "category": "complaint_category",
                   "description": "description", "location": "location_detail",
                   "contact_name": "contact_name", "contact_phone": "contact",
                   "contact_email": "contact", "consent": "pdpa_consent"}
REQUIRED = ("estate", "complaint_category", "description")
# Only with PDPA consent; without it the complaint is anonymous and carries neither.
PERSONAL_DATA = ("contact_name", "contact")


def idempotency_key(sender_id: str, nonce: str) -> str:
    return f"chatbot:{sender_id}:{nonce}"[:120]


def filing_from(tracker: Tracker, lang: str) -> ComplaintFiling:
    consent = tracker.get_slot("pdpa_consent") is True
    contact = (tracker.get_slot("contact") or "") if consent else ""
    is_phone = contact.isdigit()
    location = tracker.get_slot("location_detail")
    return ComplaintFiling(
        estate_id=tracker.get_slot("estate"),
        category=tracker.get_slot("complaint_category"),
        description=tracker.get_slot("description"),
        location="" if location in (None, NO_LOCATION) else location,
        contact_name=(tracker.get_slot("contact_name") or "") if consent else "",
        # E.164 for the portal: 0812345678 → +66812345678.
        contact_phone=f"+66{contact[1:]}" if is_phone else "",
        contact_email="" if is_phone else contact,
        language=lang,
        conversation_id=tracker.sender_id,
        consent=consent,
    )


def is_complete(tracker: Tracker) -> bool:
    """Confirmed, with every detail: the name and contact too unless it is anonymous."""
    consent = tracker.get_slot("pdpa_consent")
    return (all(tracker.get_slot(s) for s in REQUIRED)
            and (consent is False
                 or (consent is True and all(tracker.get_slot(s) for s in PERSONAL_DATA)))
            and tracker.get_slot("confirmed") is True
            and reference.estate_by_id(tracker.get_slot("estate")) is not None
            and reference.category_by_id(tracker.get_slot("complaint_category")) is not None)


class ActionSubmitComplaint(BilingualAction):
    def name(self) -> str:
        return "action_submit_complaint"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        if not is_complete(tracker):
            dispatcher.utter_message(text=t(lang, N_("There is no finished complaint to file. "
                                                     "Shall we start one?")),
                                     buttons=main_menu(lang))
            return [SlotSet("submit_failed", False)]

        nonce = tracker.get_slot("complaint_nonce") or uuid.uuid4().hex
        try:
            ticket = await ticket_api().file_ticket(filing_from(tracker, lang),
                                                    idempotency_key(tracker.sender_id, nonce),
                                                    conversation_proof=conversation_proof(tracker))
        except TicketInvalid as exc:
            return self.refused(dispatcher, lang, exc, nonce)
        except TicketApiError as exc:
            log.warning("complaint of %s not filed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text=t(lang, N_("I am sorry: I could not reach the complaint system just now, "
                                "so your complaint has not been filed yet. Nothing you told me "
                                "is lost. Say “try again” and I will send it again.")),
                buttons=[button(t(lang, N_("Try again")), "affirm"),
                         button(t(lang, N_("Cancel the complaint")), "cancel")])
            return [SlotSet("complaint_nonce", nonce), SlotSet("submit_failed", True)]

        label = ticket.status_label.get(lang) or ticket.status
        lines = [t(lang, N_("Your complaint has been filed. Your ticket number is {number} "
                            "(status: {status})."), number=ticket.number, status=label)]
        if ticket.ack_due_at and ticket.resolve_due_at:
            lines.append(t(lang, N_("The estate will acknowledge it by {ack} and aims to "
                                    "resolve it by {resolve}."),
                           ack=format_time(ticket.ack_due_at, lang),
                           resolve=format_time(ticket.resolve_due_at, lang)))
        lines.append(t(lang, N_("Keep the number: send it to me any time to see how your "
                                "complaint is going.")))
        if tracker.get_slot("pdpa_consent") is False:
            lines.append(t(lang, N_("Your complaint is anonymous: the officers cannot contact "
                                    "you, so the ticket number and the access code are the "
                                    "only way to follow it.")))
        if ticket.access_code:
            lines.append(t(lang, N_("Your access code is {code}. It is shown only this once: "
                                    "write it down and keep it to yourself. Send it with the "
                                    "ticket number to see your complaint's details from "
                                    "another chat or on the website."), code=ticket.access_code))
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=[button(t(lang, N_("Check this complaint")),
                                                 "check_ticket_status", ticket_id=ticket.number)])
        return [*(SlotSet(s, None) for s in COMPLAINT_SLOTS),
                SlotSet("submit_failed", False),
                SlotSet("last_ticket_id", ticket.number),
                # No longer proof of anything: the portal recognises this conversation itself.
                SlotSet("last_contact", None)]

    def refused(self, dispatcher: CollectingDispatcher, lang: str, exc: TicketInvalid,
                nonce: str) -> list[EventType]:
        """The portal refused some details: ask for those again, then confirm again."""
        slots: list[str] = []
        for problem in exc.errors:
            slot = API_FIELD_SLOTS.get(problem.field)
            if slot and slot not in slots:
                slots.append(slot)
        reasons = "\n".join(f"• {p.message}" for p in exc.errors if p.message)
        if not slots:
            # Nothing to ask again (e.g. the key was reused for other content): file anew.
            dispatcher.utter_message(
                text=t(lang, N_("The complaint system could not accept the complaint. Say "
                                "“try again” to send it once more, or cancel it.")),
                buttons=[button(t(lang, N_("Try again")), "affirm"),
                         button(t(lang, N_("Cancel the complaint")), "cancel")])
            return [SlotSet("complaint_nonce", None), SlotSet("submit_failed", True)]
        dispatcher.utter_message(text=t(lang, N_("The complaint system could not accept some "
                                                 "details. Let us fix them:")) + "\n" + reasons)
        return [*(SlotSet(s, None) for s in slots), SlotSet("confirmed", None),
                SlotSet("complaint_nonce", None), SlotSet("submit_failed", False),
                FollowupAction("complaint_form")]
