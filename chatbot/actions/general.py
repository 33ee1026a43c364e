"""Greeting, goodbye, out-of-scope, fallback and cancel."""

from __future__ import annotations

from abc import ABC
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import COMPLAINT_SLOTS, BilingualAction, main_menu
from actions.detours import carry_on
from actions.i18n import N_, t


class ReplyAction(BilingualAction, ABC):
    """Says `reply`, with the main menu unless `with_menu` is false."""

    reply: str
    with_menu = True

    def events(self) -> list[EventType]:
        return []

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        if tracker.active_loop_name and self.with_menu:
            # A side trip in the middle of a form: no menu, the form's question comes next.
            dispatcher.utter_message(text=t(lang, self.reply))
            carry_on(dispatcher, tracker, lang)
        else:
            dispatcher.utter_message(text=t(lang, self.reply),
                                     buttons=main_menu(lang) if self.with_menu else None)
        return self.events()


class ActionGreet(ReplyAction):
    reply = N_("Hello! I am the EEC One-Stop assistant. I can take a complaint about a problem "
               "in an industrial estate, or tell you how a complaint you filed is going.")

    def name(self) -> str:
        return "action_greet"


class ActionGoodbye(ReplyAction):
    reply = N_("Thank you. Goodbye!")
    with_menu = False

    def name(self) -> str:
        return "action_goodbye"


class ActionOutOfScope(ReplyAction):
    reply = N_("Sorry, I can only take complaints about industrial estates and tell you how "
               "they are going. For other services, please use the portal's menus.")

    def name(self) -> str:
        return "action_out_of_scope"


class ActionFallback(ReplyAction):
    """For nlu_fallback and as RulePolicy's core fallback. Like Rasa's default fallback it
    forgets the message it did not understand, so the dialogue carries on from where it was
    (and the policies do not predict the fallback again and again)."""

    reply = N_("Sorry, I did not understand that. I can take a complaint or tell you how a "
               "complaint is going.")

    def name(self) -> str:
        return "action_fallback"

    def events(self) -> list[EventType]:
        return [UserUtteranceReverted()]


class ActionCancel(BilingualAction):
    """Stops whatever was in progress and forgets the unfinished complaint."""

    def name(self) -> str:
        return "action_cancel"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any], lang: str) -> list[EventType]:
        in_progress = tracker.active_loop_name or any(
            tracker.get_slot(s) is not None for s in COMPLAINT_SLOTS[:6])
        if in_progress:
            dispatcher.utter_message(
                text=t(lang, N_("OK, I have cancelled it. Nothing was filed.")),
                buttons=main_menu(lang))
        else:
            dispatcher.utter_message(
                text=t(lang, N_("OK. Is there anything else I can do for you?")),
                buttons=main_menu(lang))
        return [*(SlotSet(s, None) for s in COMPLAINT_SLOTS),
                SlotSet("submit_failed", False), SlotSet("ticket_id", None)]
