"""The complaint form's questions (action_ask_<slot>): each asks for one detail and, when the
last answer could not be used (`reask_reason`), says why and offers buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import reference, validators
from actions.common import NO_LOCATION, BilingualAction, button
from actions.i18n import N_, t
from actions.settings import get_settings

CHANGEABLE = (
    ("estate", N_("Change the estate")),
    ("complaint_category", N_("Change the problem type")),
    ("description", N_("Change the description")),
    ("location_detail", N_("Change the location")),
    ("contact_name", N_("Change the name")),
    ("contact", N_("Change the phone or e-mail")),
)


def estate_buttons(lang: str, only: list[reference.Estate] | None = None) -> list[dict[str, str]]:
    """One button per estate, by province (Chon Buri, Rayong, Chachoengsao)."""
    return [button(f"{e.short_name(lang)} · {e.province(lang)}", "inform", estate=e.id)
            for e in (only or reference.estates())]


def category_buttons(lang: str) -> list[dict[str, str]]:
    return [button(c.name(lang), "inform", complaint_category=c.id)
            for c in reference.categories()]


def is_anonymous(tracker: Tracker) -> bool:
    """The user declined PDPA consent: the complaint carries no name and no contact."""
    return tracker.get_slot("pdpa_consent") is False


def change_buttons(lang: str, anonymous: bool = False) -> list[dict[str, str]]:
    changeable = [(field, label) for field, label in CHANGEABLE
                  if not (anonymous and field in ("contact_name", "contact"))]
    return ([button(t(lang, N_("Yes, file it")), "affirm")]
            + [button(t(lang, label), "correct_detail", field=field) for field, label in changeable]
            + [button(t(lang, N_("Cancel the complaint")), "cancel")])


def display_contact(contact: str | None) -> str:
    if contact and contact.isdigit():
        return validators.format_phone(contact)
    return contact or ""


def summary(tracker: Tracker, lang: str) -> str:
    estate = reference.estate_by_id(tracker.get_slot("estate"))
    category = reference.category_by_id(tracker.get_slot("complaint_category"))
    location = tracker.get_slot("location_detail")
    details = {"estate": estate.name(lang) if estate else "",
               "category": category.name(lang) if category else "",
               "description": tracker.get_slot("description") or "",
               "location": (t(lang, N_("(not given)")) if location in (None, NO_LOCATION)
                            else location)}
    if is_anonymous(tracker):
        return t(lang, N_("Please check your complaint:\n"
                          "• Estate: {estate}\n"
                          "• Problem: {category}\n"
                          "• Description: {description}\n"
                          "• Location: {location}\n"
                          "• Complainant: anonymous (no name or contact; you follow the "
                          "complaint with its ticket number and access code)\n"
                          "Shall I file it?"), **details)
    return t(lang, N_("Please check your complaint:\n"
                      "• Estate: {estate}\n"
                      "• Problem: {category}\n"
                      "• Description: {description}\n"
                      "• Location: {location}\n"
                      "• Name: {name}\n"
                      "• Phone or e-mail: {contact}\n"
                      "Shall I file it?"), **details,
             name=tracker.get_slot("contact_name") or "",
             contact=display_contact(tracker.get_slot("contact")))


# Said before the question is asked again (actions/detours.py, interruption).
INTERRUPTIONS = {
    "leaving": N_("Your complaint has not been filed yet. To file it, answer the question "
                  "below; to stop, type “cancel”."),
    "already_filing": N_("We are filing your complaint now; I only need a few more details."),
}


class AskAction(BilingualAction):
    """Asks for one slot; clears the reason once it has been explained."""

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        reason = tracker.get_slot("reask_reason")
        detail = tracker.get_slot("reask_detail") or ""
        if reason == "what_to_change":
            dispatcher.utter_message(text=t(lang, N_("What would you like to change?")),
                                     buttons=change_buttons(lang, is_anonymous(tracker))[1:])
        elif reason in INTERRUPTIONS:
            dispatcher.utter_message(text=t(lang, INTERRUPTIONS[reason]))
            self.ask(dispatcher, tracker, lang, None, "")
        else:
            self.ask(dispatcher, tracker, lang, reason, detail)
        if reason or detail:
            return [SlotSet("reask_reason", None), SlotSet("reask_detail", None)]
        return []

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str,
            reason: str | None, detail: str) -> None:
        raise NotImplementedError


class ActionAskEstate(AskAction):
    def name(self) -> str:
        return "action_ask_estate"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        if reason == "unknown_estate":
            candidates = reference.estate_candidates(detail)
            if len(candidates) > 1:
                dispatcher.utter_message(
                    text=t(lang, N_("Several estates match “{text}”. Which one is it?"),
                           text=detail),
                    buttons=estate_buttons(lang, candidates))
                return
            if candidates:  # one close spelling ("Pintong"): offer it first, then the rest
                others = [e for e in reference.estates() if e != candidates[0]]
                dispatcher.utter_message(
                    text=t(lang, N_("Did you mean {estate}? Tap it, or choose another estate "
                                    "below."), estate=candidates[0].name(lang)),
                    buttons=estate_buttons(lang, candidates + others))
                return
            text = t(lang, N_("I could not find an industrial estate called “{text}”. Please "
                              "choose one of the estates below (listed by province)."), text=detail)
        elif reason == "unclear":
            text = t(lang, N_("Sorry, I did not understand. Which industrial estate is the "
                              "problem in? Please choose one below (listed by province)."))
        else:
            text = t(lang, N_("Which industrial estate is the problem in? Choose one below "
                              "(listed by province) or type its name."))
        dispatcher.utter_message(text=text, buttons=estate_buttons(lang))


class ActionAskComplaintCategory(AskAction):
    def name(self) -> str:
        return "action_ask_complaint_category"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        if reason == "unknown_category":
            text = t(lang, N_("I could not tell what kind of problem “{text}” is. Please choose "
                              "the closest type below, or “Other”."), text=detail)
        elif reason == "unclear":
            text = t(lang, N_("Sorry, I did not understand. What kind of problem is it? Please "
                              "choose one below."))
        else:
            text = t(lang, N_("What kind of problem is it? Choose one below or describe it in "
                              "a few words (for example: wastewater, blackout, smell)."))
        dispatcher.utter_message(text=text, buttons=category_buttons(lang))


class ActionAskDescription(AskAction):
    def name(self) -> str:
        return "action_ask_description"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        if reason == "too_long":
            text = t(lang, N_("That description has {length} characters. Please keep it under "
                              "{limit} characters: what happens, where and since when."),
                     length=detail, limit=validators.MAX_DESCRIPTION)
        elif reason == "unclear":
            text = t(lang, N_("I could not read that as a description. Please describe the "
                              "problem in a few words, for example: “black smoke from the "
                              "factory next to gate 2 since 6 this morning”."))
        else:
            text = t(lang, N_("Please describe the problem: what happens, since when, and how "
                              "it affects you."))
        dispatcher.utter_message(text=text)


class ActionAskLocationDetail(AskAction):
    def name(self) -> str:
        return "action_ask_location_detail"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        if reason == "too_long":
            text = t(lang, N_("Please keep the location under {limit} characters, for example "
                              "“road 7, near gate 3”."), limit=validators.MAX_LOCATION)
        elif reason == "unclear":
            text = t(lang, N_("Sorry, I did not understand the location. Where exactly is it "
                              "(road, building, gate or landmark)? You can also skip this."))
        else:
            text = t(lang, N_("Where exactly is it (road, building, gate or landmark)? This is "
                              "optional: press “Skip” if you are not sure."))
        dispatcher.utter_message(text=text, buttons=[button(t(lang, N_("Skip")), "deny")])


class ActionAskContactName(AskAction):
    def name(self) -> str:
        return "action_ask_contact_name"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        if reason == "name_is_contact":
            text = t(lang, N_("That looks like a phone number or an e-mail address; I will ask "
                              "for those next. What is your name?"))
        elif reason == "too_long":
            text = t(lang, N_("Please give a name of at most {limit} characters."),
                     limit=validators.MAX_NAME)
        elif reason == "unclear":
            text = t(lang, N_("Sorry, I did not understand. What name should the estate "
                              "officers use when they contact you?"))
        else:
            text = t(lang, N_("What name should the estate officers use when they contact you?"))
        dispatcher.utter_message(text=text)


class ActionAskContact(AskAction):
    def name(self) -> str:
        return "action_ask_contact"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        if reason in ("contact_invalid", "unclear"):
            text = t(lang, N_("That is not a Thai phone number or an e-mail address I can use. "
                              "Please send, for example, 081-234-5678, +66 81 234 5678 or "
                              "name@example.com."))
        else:
            text = t(lang, N_("What phone number or e-mail address can the officers reach you "
                              "at? For example 081-234-5678 or name@example.com."))
        dispatcher.utter_message(text=text)


class ActionAskPdpaConsent(AskAction):
    """Asked before the name and contact (PDPA: the notice and consent come first)."""

    def name(self) -> str:
        return "action_ask_pdpa_consent"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        url = get_settings().privacy_url
        prefix = (t(lang, N_("Please answer with one of the buttons: “I agree” or “No, file "
                             "it anonymously”.")) + "\n" if reason else "")
        dispatcher.utter_message(
            text=prefix + t(lang, N_("Before I ask for your name and contact details: to handle "
                                     "your complaint we keep them and share them only with the "
                                     "officers who deal with it, as our privacy notice "
                                     "explains: {url}\n"
                                     "Do you agree (PDPA consent)? If you do not, I can still "
                                     "file the complaint anonymously, without your name or "
                                     "contact: you will follow it with its ticket number and "
                                     "access code."), url=url),
            buttons=[button(t(lang, N_("I agree")), "affirm"),
                     button(t(lang, N_("No, file it anonymously")), "deny")])


class ActionAskConfirmed(AskAction):
    def name(self) -> str:
        return "action_ask_confirmed"

    def ask(self, dispatcher, tracker, lang, reason, detail) -> None:
        prefix = (t(lang, N_("Please answer “Yes, file it”, or choose what to change.")) + "\n"
                  if reason else "")
        dispatcher.utter_message(text=prefix + summary(tracker, lang),
                                 buttons=change_buttons(lang, is_anonymous(tracker)))
