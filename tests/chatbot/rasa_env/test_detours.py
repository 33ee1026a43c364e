"""Side trips and corrections in the middle of the forms, and the conversation's language:
validate_complaint_form / validate_status_form with real Trackers, in Thai and English."""

from __future__ import annotations

import re

import pytest
from actions.complaint_form import ValidateComplaintForm
from actions.complaint_prompts import ActionAskDescription
from actions.detours import ActionExplainComplaints, ActionSwitchLanguage
from actions.general import ActionOutOfScope
from actions.language import conversation_language, requested_language
from actions.status import ActionStatusAside, ValidateStatusForm
from conftest import run
from helpers import domain, entity, tracker
from rasa_sdk.executor import CollectingDispatcher

THAI = re.compile("[\u0e00-\u0e7f]")
KNOWN = {"estate": "pinthong", "complaint_category": "wastewater", "language": "en"}
KNOWN_TH = {**KNOWN, "language": "th"}


def run_validation(action, form: str, **kwargs):
    dispatcher = CollectingDispatcher()
    events = run(action.run(dispatcher, tracker(active_loop=form, **kwargs), domain()))
    return events, dispatcher.messages


def rejected(events) -> bool:
    return any(e.get("event") == "action_execution_rejected" for e in events)


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("text, intent, slots", [
    ("can we continue in English?", "switch_language", KNOWN_TH),
    ("ขอภาษาไทยได้ไหมคะ", "switch_language", KNOWN),
    ("how long does it take?", "ask_how_it_works", KNOWN),
    ("ใช้เวลากี่วัน", "ask_how_it_works", KNOWN_TH),
    ("check CMP-2026-000012 status", "check_ticket_status", KNOWN),
    ("เช็คสถานะ CMP-2026-000012", "check_ticket_status", KNOWN_TH),
    ("what's the weather today", "out_of_scope", KNOWN),
])
def test_a_side_trip_is_not_stored_as_the_description(text, intent, slots):
    events, _ = run_validation(ValidateComplaintForm(), "complaint_form", text=text,
                               intent=intent, slots=slots, extracted={"description": text},
                               requested_slot="description")
    assert rejected(events)  # the rules answer it; the form asks for the description again
    assert slots_of(events) == {"description": None}


def test_what_was_collected_survives_a_side_trip():
    events, _ = run_validation(
        ValidateComplaintForm(), "complaint_form", text="what is this for?",
        intent="ask_how_it_works", slots={**KNOWN, "description": "black water in the canal"},
        extracted={"location_detail": "what is this for?"}, requested_slot="location_detail")
    assert rejected(events) and slots_of(events) == {"location_detail": None}


@pytest.mark.parametrize("text, intent", [
    ("the wastewater smells since Monday", "file_complaint"),
    ("น้ำเสียมีกลิ่นเหม็นตั้งแต่วันจันทร์", "file_complaint"),
    ("black smoke from the chimney every night", "inform"),
    ("how long has this been going on? three weeks, the canal is black", "nlu_fallback"),
])
def test_a_real_description_is_still_accepted(text, intent):
    events, _ = run_validation(ValidateComplaintForm(), "complaint_form", text=text,
                               intent=intent, slots=KNOWN, extracted={"description": text},
                               requested_slot="description")
    assert not rejected(events) and slots_of(events)["description"] == text


def test_an_unsure_side_question_counts_as_an_answer():
    t = tracker("is this the right place to report smoke", "ask_how_it_works", slots=KNOWN,
                extracted={"description": "is this the right place to report smoke"},
                requested_slot="description", active_loop="complaint_form")
    t.latest_message["intent"]["confidence"] = 0.62
    events = run(ValidateComplaintForm().run(CollectingDispatcher(), t, domain()))
    assert not rejected(events)


def test_an_estate_named_with_a_greeting_answers_the_estate_question():
    events, _ = run_validation(ValidateComplaintForm(), "complaint_form", text="hi, Map Ta Phut",
                               intent="greet", slots={"language": "en"},
                               requested_slot="estate")
    assert not rejected(events) and slots_of(events)["estate"] == "map-ta-phut"


@pytest.mark.parametrize("text, entities, requested, lang, said", [
    ("it's not Pinthong, it's Yamato", [entity("estate", "Pinthong"), entity("estate", "Yamato")],
     "description", "en", "Yamato Industries Industrial Estate"),
    ("ไม่ใช่ปิ่นทอง เป็นยามาโตะ", [entity("estate", "ยามาโตะ")], "location_detail", "th",
     "ยามาโตะ"),
    ("sorry, I meant Map Ta Phut", [], "contact_name", "en", "Map Ta Phut"),
    ("ขอโทษค่ะ หมายถึงมาบตาพุด", [], "contact", "th", "มาบตาพุด"),
    ("it's not Pinthong, it's Yamato", [], "complaint_category", "en", "Yamato"),
])
def test_an_estate_correction_at_any_step_keeps_the_pending_question(text, entities, requested,
                                                                    lang, said):
    known = {**KNOWN, "language": lang, "description": "black water in the canal"}
    if requested == "complaint_category":
        known.pop("complaint_category")
    known = {k: v for k, v in known.items() if k != requested}
    events, messages = run_validation(
        ValidateComplaintForm(), "complaint_form", text=text, intent="inform", entities=entities,
        slots=known, extracted={requested: text} if requested != "complaint_category" else {},
        requested_slot=requested)
    slots = slots_of(events)
    assert not rejected(events)
    assert slots["estate"] in ("yamato", "map-ta-phut") and slots[requested] is None
    assert slots.get("description", known.get("description")) == known.get("description")
    assert said in messages[0]["text"]
    assert bool(THAI.search(messages[0]["text"])) == (lang == "th")


def test_a_category_correction_in_passing():
    events, messages = run_validation(
        ValidateComplaintForm(), "complaint_form", text="sorry, I meant noise not wastewater",
        intent="correct_detail", slots=KNOWN, extracted={"description": "x"},
        requested_slot="description")
    assert slots_of(events)["complaint_category"] == "noise"
    assert slots_of(events)["estate"] == "pinthong" and slots_of(events)["description"] is None
    assert "Noise" in messages[0]["text"]


def test_a_description_that_mentions_a_problem_changes_no_category():
    text = "the wastewater is not treated and it's smelly near gate 2"
    events, _ = run_validation(ValidateComplaintForm(), "complaint_form", text=text,
                               intent="file_complaint", slots=KNOWN,
                               extracted={"description": text}, requested_slot="description")
    assert slots_of(events)["description"] == text and "complaint_category" not in slots_of(events)


@pytest.mark.parametrize("text", ["actually I want to file a new complaint", "ขอแจ้งเรื่องใหม่"])
def test_a_new_complaint_leaves_the_status_form(text):
    events, _ = run_validation(ValidateStatusForm(), "status_form", text=text,
                               intent="file_complaint", extracted={"ticket_id": text},
                               requested_slot="ticket_id")
    assert rejected(events) and slots_of(events) == {"ticket_id": None}


def test_a_ticket_number_in_the_status_form_is_still_the_answer():
    events, _ = run_validation(ValidateStatusForm(), "status_form", text="CMP-2026-000012",
                               intent="check_ticket_status",
                               extracted={"ticket_id": "CMP-2026-000012"},
                               requested_slot="ticket_id")
    assert not rejected(events) and slots_of(events)["ticket_id"] == "CMP-2026-000012"


def test_a_status_check_without_a_number_mid_complaint_is_deferred():
    dispatcher = CollectingDispatcher()
    t = tracker("ขอเช็คสถานะเรื่องเก่าด้วย", "check_ticket_status", slots=KNOWN_TH,
                requested_slot="description", active_loop="complaint_form")
    run(ActionStatusAside().run(dispatcher, t, domain()))
    text = "\n".join(m["text"] for m in dispatcher.messages)
    assert "CMP-2026-000123" in text and THAI.search(text)
    assert not any(m.get("buttons") for m in dispatcher.messages)  # no menu mid-form


def test_side_answers_mid_form_have_no_menu_and_lead_back():
    for action, text in ((ActionExplainComplaints(), "how long does it take?"),
                         (ActionOutOfScope(), "tell me a joke")):
        dispatcher = CollectingDispatcher()
        run(action.run(dispatcher, tracker(text, slots=KNOWN, active_loop="complaint_form",
                                           requested_slot="description"), domain()))
        assert not any(m.get("buttons") for m in dispatcher.messages)
        assert "back to your complaint" in dispatcher.messages[-1]["text"]


# --- language --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, lang", [
    ("can we continue in English?", "en"), ("English please", "en"), ("ขอภาษาอังกฤษ", "en"),
    ("พูดไทยได้ไหม", "th"), ("ขอภาษาไทย", "th"), ("Thai please", "th"),
])
def test_the_requested_language_comes_from_the_words(text, lang):
    assert requested_language(text) == lang


@pytest.mark.parametrize("text", ["WHA ESIE 1", "John Smith", "Map Ta Phut please", "hello"])
def test_latin_text_keeps_a_thai_conversation_thai(text):
    assert conversation_language(tracker(text, "inform", slots={"language": "th"})) == "th"


def test_an_explicit_request_switches_and_sticks():
    assert conversation_language(tracker("can we continue in English?", "switch_language",
                                         slots={"language": "th"})) == "en"
    assert conversation_language(tracker("พูดไทยได้ไหม", "switch_language",
                                         slots={"language": "en"})) == "th"
    asked = [{"event": "user", "text": "English please",
              "parse_data": {"intent": {"name": "switch_language"}}}]
    # Asked for English: a Thai estate name later does not switch back.
    assert conversation_language(tracker("มาบตาพุด", "inform", slots={"language": "en"},
                                         history=asked)) == "en"
    # Never asked: someone who writes Thai reads Thai.
    assert conversation_language(tracker("น้ำเสียไหลลงคลอง", "inform",
                                         slots={"language": "en"})) == "th"


def test_the_switch_is_confirmed_in_the_new_language():
    dispatcher = CollectingDispatcher()
    events = run(ActionSwitchLanguage().run(dispatcher, tracker(
        "พูดไทยได้ไหม", "switch_language", slots={"language": "en"},
        active_loop="complaint_form", requested_slot="description"), domain()))
    assert THAI.search(dispatcher.messages[0]["text"])
    assert slots_of(events)["language"] == "th"


def test_back_from_a_side_trip_the_form_validates_nothing_and_asks_again():
    # Rasa runs the validation again after the rule's answer, with the same user message.
    for action, form, slot in ((ValidateComplaintForm(), "complaint_form", "description"),
                               (ValidateStatusForm(), "status_form", "ticket_id")):
        t = tracker("how long does it take?", "ask_how_it_works", slots=KNOWN,
                    requested_slot=slot, active_loop=form)
        t.events[-1:-1] = [{"event": "action_execution_rejected", "name": form},
                           {"event": "action", "name": "action_explain_complaints"}]
        assert run(action.run(CollectingDispatcher(), t, domain())) == []


def test_a_complaint_started_from_the_status_form_validates_what_it_names():
    # "ขอแจ้งเรื่องน้ำเสียใหม่" left the status form: the complaint form starts with the category.
    t = tracker("ขอแจ้งเรื่องน้ำเสียใหม่", "file_complaint", slots={"language": "th"},
                extracted={"complaint_category": "น้ำเสีย"}, active_loop="complaint_form",
                entities=[entity("complaint_category", "น้ำเสีย")])
    t.events[-1:-1] = [{"event": "action_execution_rejected", "name": "status_form"},
                       {"event": "action", "name": "action_deactivate_loop"}]
    events = run(ValidateComplaintForm().run(CollectingDispatcher(), t, domain()))
    assert slots_of(events)["complaint_category"] == "wastewater"


def test_a_bare_estate_name_says_nothing_about_the_language():
    # The first message on the Thai page: the widget's language, not the estate's spelling.
    assert conversation_language(tracker("WHA ESIE 1", "inform", metadata={"lang": "th"})) == "th"
    # A foreigner who pastes the Thai name of the estate keeps English replies.
    assert conversation_language(tracker("มาบตาพุด", "inform", slots={"language": "en"})) == "en"
    assert conversation_language(tracker("There is a bad smell at Map Ta Phut", "inform",
                                         metadata={"lang": "th"})) == "en"


@pytest.mark.parametrize("text, intent, slots, why", [
    ("thanks, bye", "goodbye", KNOWN, "leaving"),
    ("ok gotta go", "goodbye", KNOWN, "leaving"),
    ("ขอบคุณค่ะ บาย", "goodbye", KNOWN_TH, "leaving"),
    ("I want to file a complaint", "file_complaint", KNOWN, "already_filing"),
    ("can you help me make a new complaint please", "file_complaint", KNOWN, "already_filing"),
    ("ขอแจ้งเรื่องร้องเรียนค่ะ", "file_complaint", KNOWN_TH, "already_filing"),
    ("อยากร้องเรียนครับ", "file_complaint", KNOWN_TH, "already_filing"),
])
@pytest.mark.parametrize("requested", ["description", "location_detail"])
def test_a_goodbye_or_a_bare_request_is_no_answer(text, intent, slots, why, requested):
    events, messages = run_validation(ValidateComplaintForm(), "complaint_form", text=text,
                                      intent=intent, slots=slots, extracted={requested: text},
                                      requested_slot=requested)
    assert slots_of(events)[requested] is None and slots_of(events)["reask_reason"] == why


@pytest.mark.parametrize("text", [
    "I want to report the neighbour's trucks blocking gate 3 every morning",
    "อยากแจ้งว่ารถบรรทุกจอดขวางประตูสามทุกเช้าค่ะ",
    "report the broken pipe near the canteen",
])
def test_a_request_that_says_what_happened_is_the_description(text):
    events, _ = run_validation(ValidateComplaintForm(), "complaint_form", text=text,
                               intent="file_complaint", slots=KNOWN,
                               extracted={"description": text}, requested_slot="description")
    assert slots_of(events)["description"] == text


@pytest.mark.parametrize("lang, reason, expected", [
    ("en", "leaving", "has not been filed yet"),
    ("th", "leaving", "ยังไม่ได้"),
    ("en", "already_filing", "We are filing your complaint now"),
    ("th", "already_filing", "กำลัง"),
])
def test_the_question_is_asked_again_with_a_word_about_the_interruption(lang, reason, expected):
    dispatcher = CollectingDispatcher()
    run(ActionAskDescription().run(dispatcher, tracker(
        text="x", slots={**KNOWN, "language": lang, "reask_reason": reason}), domain()))
    assert expected in dispatcher.messages[0]["text"]
    assert len(dispatcher.messages) == 2  # then the question itself


@pytest.mark.parametrize("name", ["สมหญิง ใจงาม", "Jane Smith"])
def test_a_name_the_model_takes_for_small_talk_is_still_the_name(name):
    events, _ = run_validation(ValidateComplaintForm(), "complaint_form", text=name,
                               intent="out_of_scope",
                               slots={**KNOWN_TH, "description": "x" * 20, "pdpa_consent": True},
                               extracted={"contact_name": name}, requested_slot="contact_name")
    assert not rejected(events) and slots_of(events)["contact_name"] == name


@pytest.mark.parametrize("lang, typed", [("th", "นิคมบางปู"),
                                         ("en", "Bang Pu Industrial Estate")])
def test_an_estate_the_model_takes_for_small_talk_is_an_answer_that_is_checked(lang, typed):
    """Bang Pu is an industrial estate outside the EEC: the form says so and shows the list,
    rather than answering it as a question off the subject."""
    events, messages = run_validation(
        ValidateComplaintForm(), "complaint_form", text=typed, intent="out_of_scope",
        slots={"complaint_category": "wastewater", "language": lang},
        extracted={"estate": typed}, requested_slot="estate")
    slots = slots_of(events)
    assert slots.get("estate") is None  # asked again, saying the name is not on the list
    assert (slots.get("reask_reason"), slots.get("reask_detail")) == ("unknown_estate", typed)
