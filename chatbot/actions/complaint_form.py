"""validate_complaint_form: checks every answer of the complaint form, maps free text to
estates and categories, and handles corrections ("change the estate").

An answer that cannot be used leaves its slot empty and sets `reask_reason` (and
`reask_detail`); the form then asks again through the slot's action_ask_* (complaint_prompts),
which explains what went wrong and offers buttons. A "cancel" returns no event at all, so the
form rejects and the cancel rule takes over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import reference, validators
from actions.common import (
    COMPLAINT_SLOTS,
    NO_LOCATION,
    entity_values,
    first,
    latest_intent,
    latest_text,
)
from actions.consent import Answer, read_answer
from actions.detours import (
    back_from_side_trip,
    interruption,
    is_detour,
    previous_value,
    reject,
    undo_extraction,
)
from actions.i18n import N_, t
from actions.language import conversation_language

FREE_TEXT_SLOTS = ("description", "location_detail", "contact_name", "contact")
# Asked only after PDPA consent; a complaint without consent is filed without them.
PERSONAL_DATA_SLOTS = ("contact_name", "contact")
# Which detail a correction is about, from what the user typed. Checked in this order:
# "ชื่อผู้ติดต่อ" is the name, "ข้อมูลติดต่อ" the contact, "location detail" the location.
FIELD_KEYWORDS = (
    ("location_detail", ("location", "where", "place", "สถานที่", "ที่อยู่", "จุดที่", "จุดเกิดเหตุ",
                         "ตำแหน่ง")),
    ("description", ("description", "describe", "details", "รายละเอียด")),
    ("contact_name", ("name", "ชื่อ")),
    ("contact", ("phone", "mobile", "email", "e-mail", "contact", "number", "เบอร์", "โทร",
                 "อีเมล", "อีเมล์", "ติดต่อ")),
    ("complaint_category", ("category", "type", "kind", "ประเภท", "หมวด")),
    ("estate", ("estate", "นิคม")),
)
FIELD_ALIASES = {"category": "complaint_category", "location": "location_detail",
                 "name": "contact_name", "phone": "contact", "email": "contact"}
SKIP_WORDS = {"-", "skip", "none", "no", "n/a", "na", "nothing", "ข้าม", "ไม่มี", "ไม่ทราบ",
              "ไม่รู้", "ไม่มีครับ", "ไม่มีค่ะ"}
NAME_PREFIX = re.compile(r"^(?:my name is|name is|name:|i am|i'm|this is|ผมชื่อ|ดิฉันชื่อ|"
                         r"ฉันชื่อ|หนูชื่อ|ชื่อ)\s*", re.IGNORECASE)
POLITE_SUFFIX = re.compile(r"\s*(?:ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|นะคะ|นะครับ|จ้า|จ้ะ)\s*$")
# "It's not Pinthong, it's Yamato", "sorry, I meant Map Ta Phut", "ไม่ใช่ปิ่นทอง เป็นยามาโตะ":
# words that say the message takes back an earlier answer. Checked only on short messages,
# so that a description that mentions another estate changes nothing.
CORRECTION_CUE = re.compile(r"\bnot\b|\bmeant\b|\bmean\b|\bsorry\b|\bwrong\b|\binstead\b|"
                            r"\bshould be\b|\bactually\b|ไม่ใช่|หมายถึง|ขอโทษ|ผิด|แก้|เปลี่ยน|"
                            r"ที่จริง|จริงๆ", re.IGNORECASE)
STRONG_CUE = re.compile(r"\bmeant\b|\bshould be\b|\binstead\b|ไม่ใช่|หมายถึง|แก้เป็น|เปลี่ยนเป็น",
                        re.IGNORECASE)
# Where the new value starts: "… it's Yamato", "… เป็นยามาโตะ".
CORRECTION_SPLIT = re.compile(r"[,;:!?]|\bbut\b|\bnot\b|ไม่ใช่|\bit'?s\b|\bit is\b|\bmeant\b|"
                              r"\bmean\b|\bshould be\b|\binstead\b|เป็น|คือ|หมายถึง",
                              re.IGNORECASE)
MAX_CORRECTION = 60
CORRECTED = {"estate": N_("OK, I have changed the estate to {name}."),
             "complaint_category": N_("OK, I have changed the problem type to {name}.")}


def reask(slot: str, reason: str, detail: Any = None) -> dict[str, Any]:
    return {slot: None, "reask_reason": reason,
            "reask_detail": None if detail is None else str(detail)[:80]}


def field_in(tracker: Tracker) -> str | None:
    """The detail the user wants to correct: a button's `field` entity, else keywords."""
    for value in entity_values(tracker, "field"):
        value = FIELD_ALIASES.get(str(value), str(value))
        if value in dict(FIELD_KEYWORDS):
            return value
    text = latest_text(tracker).lower()
    for slot, words in FIELD_KEYWORDS:
        if any(w in text for w in words):
            return slot
    return None


def first_named(tracker: Tracker, entity: str, value: Any,
                resolve: Callable[[Any], str | None]) -> str | None:
    """The first estate or category the message names, in the order the user wrote them
    ("wastewater that smells" is a wastewater complaint): Rasa fills a text slot with the
    last of several entities."""
    for candidate in (*entity_values(tracker, entity), first(value)):
        resolved = resolve(candidate)
        if resolved:
            return resolved
    return None


def named_in_passing(tracker: Tracker, slot: str) -> bool:
    """Mentioned while answering a free-text question (the description, say) although the
    user already gave this detail: the earlier answer stands; the summary can change it."""
    return (tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS
            and previous_value(tracker, slot) is not None)


def consent_answer(tracker: Tracker) -> dict[str, Any]:
    """The PDPA question's slots from the latest message: only the button or a typed yes with
    no negation is consent; a no makes the complaint anonymous (its personal data cleared);
    anything else asks again with the buttons."""
    answer = read_answer((tracker.latest_message or {}).get("text"), latest_intent(tracker))
    if answer is Answer.YES:
        return {"pdpa_consent": True}
    if answer is Answer.NO:
        # Consent is asked once every detail before it is known, so the summary is next; said
        # here too because a no NLU did not call `deny` is read after the form chose its next
        # slot (ValidateComplaintForm.not_understood), which would be the name.
        return {"pdpa_consent": False, **{slot: None for slot in PERSONAL_DATA_SLOTS},
                "requested_slot": "confirmed"}
    return reask("pdpa_consent", "consent_unclear")


def confirmation_answer(tracker: Tracker) -> dict[str, Any]:
    """The summary's "shall I file it?": the same strict reading as consent."""
    answer = read_answer((tracker.latest_message or {}).get("text"), latest_intent(tracker))
    if answer is Answer.YES:
        return {"confirmed": True}
    return reask("confirmed", "what_to_change" if answer is Answer.NO else "confirm_unclear")


def named_change(tracker: Tracker, requested: str) -> tuple[str, str] | None:
    """The estate or problem type that a short correction names instead of the one already
    given, whichever question is pending: ("estate", "yamato") for "it's not Pinthong, it's
    Yamato". None when the message corrects nothing (or answers the pending question)."""
    text = latest_text(tracker)
    if not text or len(text) > MAX_CORRECTION:
        return None
    strong = latest_intent(tracker) == "correct_detail" or STRONG_CUE.search(text)
    # Descriptions name problem types all the time; estates seldom, so any cue will do.
    for slot, resolve, cued in (("estate", reference.resolve_estate,
                                 strong or CORRECTION_CUE.search(text)),
                                ("complaint_category", reference.resolve_category, strong)):
        current = previous_value(tracker, slot)
        if not cued or slot == requested or current is None:
            continue  # the pending question takes it as its answer; nothing to correct yet
        for candidates in (CORRECTION_SPLIT.split(text), entity_values(tracker, slot), [text]):
            changed = [v for v in map(resolve, filter(None, candidates)) if v and v != current]
            if changed:
                return slot, changed[-1]  # the last one named: "not Pinthong, it's Yamato"
    return None


def clean_name(text: str) -> str:
    name = NAME_PREFIX.sub("", validators.squash(text))
    return POLITE_SUFFIX.sub("", name).strip(" .,:")


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """Without consent the complaint is anonymous: no name, no contact asked."""
        if tracker.get_slot("pdpa_consent") is False:
            return [slot for slot in domain_slots if slot not in PERSONAL_DATA_SLOTS]
        return domain_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        intent = latest_intent(tracker)
        requested = tracker.get_slot("requested_slot")
        if intent == "cancel" and requested:
            return []  # the form rejects; the cancel rule answers
        if back_from_side_trip(tracker, "complaint_form"):
            return []
        if is_detour(tracker, requested):
            # A side question, a status check, a language request: not an answer; a rule
            # answers it and the form asks its question again (actions/detours.py).
            return reject(tracker, "complaint_form", COMPLAINT_SLOTS)
        stop = interruption(tracker, requested)
        if stop:
            # "Thanks, bye" or "I want to file a complaint": the question is asked again.
            return [*undo_extraction(tracker, COMPLAINT_SLOTS), SlotSet(requested, None),
                    SlotSet("reask_reason", stop), SlotSet("reask_detail", None)]
        change = named_change(tracker, requested) if requested else None
        if change is not None:
            return self.change_in_passing(dispatcher, tracker, *change)
        if intent == "correct_detail" and requested:
            correction = self.correction(tracker, requested)
            if correction is not None:
                return correction
            if requested in FREE_TEXT_SLOTS:
                # Classified as a correction, but it answers the question (the slot mapping
                # skipped it because of the intent): validate the text as the answer.
                validate = getattr(self, f"validate_{requested}")
                answer = validate(latest_text(tracker), dispatcher, tracker, domain)
                return [SlotSet(k, v) for k, v in answer.items()]
        events = await super().run(dispatcher, tracker, domain)
        if requested and not self._answered(events, requested):
            events += [SlotSet(k, v) for k, v in self.not_understood(tracker, requested).items()]
        return events

    @staticmethod
    def _answered(events: list[EventType], requested: str) -> bool:
        """Did this message answer the question, or at least fill or re-ask some slot?"""
        names = {e.get("name") for e in events if e.get("event") == "slot"}
        names.discard("requested_slot")
        return requested in names or "reask_reason" in names or any(
            e.get("event") == "slot" and e.get("name") not in ("requested_slot",)
            and e.get("value") is not None for e in events)

    # --- when the message filled nothing -----------------------------------------------------

    def not_understood(self, tracker: Tracker, requested: str) -> dict[str, Any]:
        text = latest_text(tracker)[: validators.MAX_DESCRIPTION]
        if not text or validators.is_gibberish(text):
            return reask(requested, "unclear")
        if requested == "estate":
            estate_id = reference.resolve_estate(text)
            return {"estate": estate_id} if estate_id else reask("estate", "unknown_estate", text)
        if requested == "complaint_category":
            category = reference.resolve_category(text)
            return ({"complaint_category": category} if category
                    else reask("complaint_category", "unknown_category", text))
        if requested == "pdpa_consent":
            return consent_answer(tracker)  # "ยินยอมครับ ไม่มีปัญหา" whatever NLU made of it
        if requested == "confirmed":
            return confirmation_answer(tracker)
        return reask(requested, "unclear")

    # --- corrections -------------------------------------------------------------------------

    @staticmethod
    def change_in_passing(dispatcher: CollectingDispatcher, tracker: Tracker, field: str,
                          new_value: str) -> list[EventType]:
        """Changes `field`, says so, and leaves the pending question to be asked again (what
        the message put in the pending slot or any other is undone)."""
        lang = conversation_language(tracker)
        item = (reference.estate_by_id(new_value) if field == "estate"
                else reference.category_by_id(new_value))
        dispatcher.utter_message(text=t(lang, CORRECTED[field],
                                        name=item.name(lang) if item else new_value))
        # The details and the consent: what the message may have put in any of them.
        undone = [SlotSet(slot, previous_value(tracker, slot))
                  for slot in COMPLAINT_SLOTS[:7] if slot != field]
        # A changed complaint is a new filing: it gets a new idempotency key.
        return [*undone, SlotSet(field, new_value), SlotSet("confirmed", None),
                SlotSet("complaint_nonce", None), SlotSet("reask_reason", None),
                SlotSet("reask_detail", None)]

    def correction(self, tracker: Tracker, requested: str) -> list[EventType] | None:
        field = field_in(tracker)
        if field is None and requested == "confirmed":
            # "No, Map Ta Phut": the new value says which detail it is.
            if entity_values(tracker, "estate"):
                field = "estate"
            elif entity_values(tracker, "complaint_category"):
                field = "complaint_category"
        if field == requested or (field is None and requested in FREE_TEXT_SLOTS):
            return None  # it answers the question asked ("นิคมบางปู" when asked for the estate)
        if field is None:
            return [SlotSet("confirmed", None), SlotSet("reask_reason", "what_to_change")]
        if field in PERSONAL_DATA_SLOTS and tracker.get_slot("pdpa_consent") is False:
            field = "pdpa_consent"  # an anonymous complaint gets a name only with consent
        new_value = None
        if field == "estate":
            new_value = next(filter(None, map(reference.resolve_estate,
                                              entity_values(tracker, "estate"))), None)
        elif field == "complaint_category":
            new_value = next(filter(None, map(reference.resolve_category,
                                              entity_values(tracker, "complaint_category"))), None)
        # A changed complaint is a new filing: it gets a new idempotency key.
        return [SlotSet(field, new_value), SlotSet("confirmed", None),
                SlotSet("complaint_nonce", None), SlotSet("reask_reason", None),
                SlotSet("reask_detail", None)]

    # --- one method per slot -----------------------------------------------------------------

    @staticmethod
    def _named_slot(slot: str, value: Any, tracker: Tracker,
                    resolve: Callable[[str | None], str | None], reason: str,
                    from_whole_text: bool = False) -> dict[str, Any]:
        """A slot filled from a reference list (estates, categories): what the entity or the
        text names, else the value already chosen when named in passing, else ask again."""
        raw = first(value)
        found = first_named(tracker, slot, value, resolve)
        if found and not named_in_passing(tracker, slot):
            return {slot: found}
        if tracker.get_slot("requested_slot") not in (None, slot):
            # Named in passing (in a description, say): keep the value already chosen.
            return {slot: previous_value(tracker, slot)}
        found = resolve(latest_text(tracker)) if from_whole_text else None
        return {slot: found} if found else reask(slot, reason, raw)

    def validate_estate(self, value: Any, dispatcher: CollectingDispatcher,
                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._named_slot("estate", value, tracker, reference.resolve_estate,
                                "unknown_estate", from_whole_text=True)

    def validate_complaint_category(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._named_slot("complaint_category", value, tracker,
                                reference.resolve_category, "unknown_category")

    def validate_description(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = validators.squash(str(first(value) or ""))
        if len(text) > validators.MAX_DESCRIPTION:
            return reask("description", "too_long", len(text))
        letters = validators.LETTER.findall(text)
        if validators.is_gibberish(text) or len(letters) < validators.MIN_DESCRIPTION:
            return reask("description", "unclear")
        return {"description": text}

    def validate_location_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = validators.squash(str(first(value) or ""))
        if latest_intent(tracker) == "deny" or text.lower().strip(" .!") in SKIP_WORDS:
            return {"location_detail": NO_LOCATION}
        if len(text) > validators.MAX_LOCATION:
            return reask("location_detail", "too_long", len(text))
        if validators.is_gibberish(text):
            return reask("location_detail", "unclear")
        return {"location_detail": text}

    def validate_contact_name(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = validators.squash(str(first(value) or ""))
        if validators.looks_like_contact(text):
            return reask("contact_name", "name_is_contact")
        name = clean_name(text)
        if len(name) > validators.MAX_NAME:
            return reask("contact_name", "too_long", len(name))
        if not name or validators.is_gibberish(name):
            return reask("contact_name", "unclear")
        return {"contact_name": name}

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = validators.squash(str(first(value) or ""))[: validators.MAX_CONTACT * 2]
        phone, email = validators.parse_contact(text)
        if phone or email:
            return {"contact": phone or email}
        return reask("contact", "contact_invalid")

    def validate_pdpa_consent(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return consent_answer(tracker)  # NLU's affirm or deny alone decides nothing

    def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return confirmation_answer(tracker)
