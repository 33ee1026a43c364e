"""The complaint form's actions with rasa_sdk's CollectingDispatcher and real Trackers."""

from __future__ import annotations

import re

from actions.complaint_form import ValidateComplaintForm
from actions.complaint_prompts import (
    ActionAskConfirmed,
    ActionAskContact,
    ActionAskEstate,
    ActionAskPdpaConsent,
)
from actions.complaint_submit import ActionSubmitComplaint
from actions.general import ActionCancel, ActionGreet
from conftest import run
from fake_portal import FakePortal
from helpers import domain, entity, slot_events, tracker
from rasa_sdk.executor import CollectingDispatcher

THAI = re.compile("[\u0e00-\u0e7f]")
FILLED = {"estate": "map-ta-phut", "complaint_category": "odor",
          "description": "กลิ่นเหม็นเหมือนสารเคมีตั้งแต่เช้า", "location_detail": "ประตู 3",
          "contact_name": "สมชาย ใจดี", "contact": "0812345678", "pdpa_consent": True,
          "confirmed": True, "language": "th"}


def validate(**kwargs):
    dispatcher = CollectingDispatcher()
    events = run(ValidateComplaintForm().run(dispatcher, tracker(active_loop="complaint_form",
                                                                  **kwargs), domain()))
    return slot_events(events), dispatcher.messages


def act(action, **kwargs):
    dispatcher = CollectingDispatcher()
    events = run(action.run(dispatcher, tracker(**kwargs), domain()))
    return slot_events(events), dispatcher.messages, events


def test_an_estate_name_is_normalised_to_its_id():
    slots, _ = validate(text="นิคมอมตะซิตี้ ชลบุรี", intent="inform",
                        extracted={"estate": "นิคมอมตะซิตี้ ชลบุรี"}, requested_slot="estate")
    assert slots["estate"] == "amata-city-chonburi"


def test_a_name_the_nlu_missed_is_still_resolved_from_the_text():
    slots, _ = validate(text="โรงงานอยู่แถวแหลมฉบังครับ", intent="inform", requested_slot="estate")
    assert slots["estate"] == "laem-chabang"


def test_an_unknown_estate_is_asked_again_with_the_estates_as_buttons():
    slots, _ = validate(text="นิคมบางปู", intent="inform", requested_slot="estate")
    assert slots["estate"] is None and slots["reask_reason"] == "unknown_estate"
    assert slots["reask_detail"] == "นิคมบางปู"
    _, messages, _ = act(ActionAskEstate(), text="นิคมบางปู",
                         slots={"reask_reason": "unknown_estate", "reask_detail": "นิคมบางปู"})
    assert "นิคมบางปู" in messages[0]["text"] and THAI.search(messages[0]["text"])
    buttons = messages[0]["buttons"]
    assert len(buttons) == 20 and buttons[0]["payload"].startswith("/inform{")
    # Listed by province: Chon Buri first, Chachoengsao last.
    assert "ชลบุรี" in buttons[0]["title"] and "ฉะเชิงเทรา" in buttons[-1]["title"]


def test_an_ambiguous_estate_offers_only_the_matching_ones():
    _, messages, _ = act(ActionAskEstate(), text="WHA", slots={
        "reask_reason": "unknown_estate", "reask_detail": "WHA", "language": "en"})
    assert len(messages[0]["buttons"]) == 3
    assert all("WHA" in b["title"] for b in messages[0]["buttons"])


def test_gibberish_and_emoji_are_asked_again():
    for text in ("asdfghjkl", "😡😡😡"):
        slots, _ = validate(text=text, intent="nlu_fallback", requested_slot="estate")
        assert slots["estate"] is None and slots["reask_reason"] == "unclear"
        slots, _ = validate(text=text, intent="nlu_fallback", extracted={"description": text},
                            requested_slot="description")
        assert slots["description"] is None and slots["reask_reason"] == "unclear"


def test_a_category_from_everyday_words():
    slots, _ = validate(text="มันเหม็นมากเลย", intent="inform", requested_slot="complaint_category")
    assert slots["complaint_category"] == "odor"
    slots, _ = validate(text="something weird", intent="inform",
                        requested_slot="complaint_category")
    assert slots["reask_reason"] == "unknown_category"


def test_the_first_problem_named_counts_and_a_mention_in_passing_replaces_no_answer():
    # Rasa fills the slot with the last of several entities; the user named wastewater first.
    slots, _ = validate(text="น้ำเสียในนิคมมาบตาพุด ส่งกลิ่นเหม็นมากค่ะ", intent="file_complaint",
                        entities=[entity("complaint_category", "wastewater"),
                                  entity("complaint_category", "odor")],
                        extracted={"complaint_category": "odor"})
    assert slots["complaint_category"] == "wastewater"
    # The description mentions the smell and another estate: the earlier answers stand.
    text = "Black water runs into the canal; the smell reaches Pinthong and makes staff dizzy"
    given = {"estate": "map-ta-phut", "complaint_category": "wastewater"}
    mentioned = [entity("complaint_category", "odor"), entity("estate", "pinthong")]
    slots, _ = validate(text=text, intent="file_complaint", entities=mentioned, slots=given,
                        extracted={"complaint_category": "odor", "estate": "pinthong",
                                   "description": text}, requested_slot="description")
    assert {k: slots[k] for k in given} == given and slots["description"] == text
    # A detail not given yet is taken from the description.
    slots, _ = validate(text=text, intent="file_complaint", entities=mentioned[:1],
                        slots={"estate": "map-ta-phut"}, requested_slot="description",
                        extracted={"complaint_category": "odor", "description": text})
    assert slots["complaint_category"] == "odor"


def test_an_overlong_or_empty_description_is_refused():
    slots, _ = validate(text="ก" * 10 + " ฝุ่นเยอะ" * 200, intent="inform",
                        extracted={"description": "ฝุ่นเยอะมาก " * 200}, requested_slot="description")
    assert slots["description"] is None and slots["reask_reason"] == "too_long"
    slots, _ = validate(text="no", intent="deny", extracted={"description": "no"},
                        requested_slot="description")
    assert slots["description"] is None


def test_the_location_is_optional():
    slots, _ = validate(text="ข้าม", intent="deny", extracted={"location_detail": "ข้าม"},
                        requested_slot="location_detail")
    assert slots["location_detail"] == "-"


def test_contact_must_be_a_thai_phone_or_an_email():
    slots, _ = validate(text="+66 81 234 5678", intent="inform",
                        extracted={"contact": "+66 81 234 5678"}, requested_slot="contact")
    assert slots["contact"] == "0812345678"
    slots, _ = validate(text="Mail: K.Wong@Example.com", intent="inform",
                        extracted={"contact": "Mail: K.Wong@Example.com"}, requested_slot="contact")
    assert slots["contact"] == "k.wong@example.com"
    slots, _ = validate(text="12345", intent="inform", extracted={"contact": "12345"},
                        requested_slot="contact")
    assert slots["contact"] is None and slots["reask_reason"] == "contact_invalid"
    _, messages, _ = act(ActionAskContact(), text="12345",
                         slots={"reask_reason": "contact_invalid", "language": "en"})
    assert "081-234-5678" in messages[0]["text"]


def test_a_name_is_cleaned_and_a_phone_number_is_not_a_name():
    slots, _ = validate(text="ผมชื่อสมชาย ใจดีครับ", intent="inform",
                        extracted={"contact_name": "ผมชื่อสมชาย ใจดีครับ"},
                        requested_slot="contact_name")
    assert slots["contact_name"] == "สมชาย ใจดี"
    slots, _ = validate(text="0812345678", intent="inform",
                        extracted={"contact_name": "0812345678"}, requested_slot="contact_name")
    assert slots["reask_reason"] == "name_is_contact"


def test_consent_is_asked_before_any_personal_data_with_an_anonymous_way_out():
    order = domain()["forms"]["complaint_form"]["required_slots"]
    assert order.index("pdpa_consent") < order.index("contact_name") < order.index("contact")
    _, messages, _ = act(ActionAskPdpaConsent(), text="ประตู 3",
                         slots={"language": "th", "location_detail": "ประตู 3"})
    assert "/privacy" in messages[0]["text"] and THAI.search(messages[0]["text"])
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    _, messages, _ = act(ActionAskPdpaConsent(), text="gate 3", slots={"language": "en"})
    assert "anonymous" in messages[0]["text"] and not THAI.search(messages[0]["text"])


BEFORE_CONSENT = {k: v for k, v in FILLED.items()
                  if k not in ("contact_name", "contact", "pdpa_consent", "confirmed")}


def test_the_issues_consent_answers_are_read_by_their_words_not_by_nlu():
    # "I don't allow my personal data to be used", taken by NLU as a yes.
    slots, _ = validate(text="ไม่ยอมให้ใช้ข้อมูลส่วนตัวค่ะ", intent="affirm",
                        slots=BEFORE_CONSENT, extracted={"pdpa_consent": True},
                        requested_slot="pdpa_consent")
    assert slots["pdpa_consent"] is False
    # "I consent, no problem", taken by NLU as a no, or as nothing at all.
    for intent, extracted in (("deny", {"pdpa_consent": False}), ("inform", {})):
        slots, _ = validate(text="ยินยอมครับ ไม่มีปัญหา", intent=intent, slots=BEFORE_CONSENT,
                            extracted=extracted, requested_slot="pdpa_consent")
        assert slots["pdpa_consent"] is True, intent
    slots, _ = validate(text="alright I'm off", intent="affirm",
                        slots={**BEFORE_CONSENT, "language": "en"},
                        extracted={"pdpa_consent": True}, requested_slot="pdpa_consent")
    assert slots["pdpa_consent"] is None and slots["reask_reason"] == "consent_unclear"
    _, messages, _ = act(ActionAskPdpaConsent(), text="alright I'm off",
                         slots={"language": "en", "reask_reason": "consent_unclear"})
    assert messages[0]["text"].startswith("Please answer with one of the buttons")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_the_consent_button_counts_as_consent():
    slots, _ = validate(text="/affirm", intent="affirm", slots=BEFORE_CONSENT,
                        extracted={"pdpa_consent": True}, requested_slot="pdpa_consent")
    # With consent the form goes on in the domain's order: the name, then the contact.
    assert slots["pdpa_consent"] is True and slots.get("requested_slot") is None


def test_declining_consent_skips_the_name_and_contact():
    slots, _ = validate(text="ไม่ยินยอม", intent="deny", slots=BEFORE_CONSENT,
                        extracted={"pdpa_consent": False}, requested_slot="pdpa_consent")
    assert slots["pdpa_consent"] is False and slots["requested_slot"] == "confirmed"
    assert slots["contact_name"] is None and slots["contact"] is None
    # A no that NLU did not take for `deny` skips them too.
    slots, _ = validate(text="ไม่ยอมให้ใช้ข้อมูลส่วนตัวค่ะ", intent="inform", slots=BEFORE_CONSENT,
                        requested_slot="pdpa_consent")
    assert slots["pdpa_consent"] is False and slots["requested_slot"] == "confirmed"


ANONYMOUS = {**BEFORE_CONSENT, "pdpa_consent": False, "confirmed": True}


def test_an_anonymous_summary_says_so_without_name_or_contact_buttons():
    for lang, word, said in (("th", "ไม่ระบุตัวตน", "ไม่ยินยอม"), ("en", "anonymous", "no")):
        _, messages, _ = act(ActionAskConfirmed(), text=said,
                             slots={**ANONYMOUS, "confirmed": None, "language": lang})
        assert word in messages[0]["text"], lang
        payloads = [b["payload"] for b in messages[0]["buttons"]]
        assert '/correct_detail{"field": "estate"}' in payloads
        assert not any("contact" in p for p in payloads), payloads


def test_asking_to_add_a_name_to_an_anonymous_complaint_asks_for_consent_again():
    slots, _ = validate(text="I want to add my name", intent="correct_detail",
                        slots={**ANONYMOUS, "confirmed": None, "language": "en"},
                        requested_slot="confirmed")
    assert slots["pdpa_consent"] is None and "contact_name" not in slots


def test_filing_an_anonymous_complaint(portal):
    for lang, word in (("th", "ไม่ระบุตัวตน"), ("en", "anonymous")):
        slots, messages, _ = act(ActionSubmitComplaint(), text="/affirm", intent="affirm",
                                 slots={**ANONYMOUS, "language": lang})
        number = slots["last_ticket_id"]
        text = messages[0]["text"]
        assert number in text and FakePortal.code_for(number) in text and word in text
        body = portal.tickets[number]["body"]
        assert body["consent"] is False
        assert body["contact_name"] == body["contact_phone"] == body["contact_email"] == ""


def test_personal_data_is_never_sent_without_consent(portal):
    # Left over from before a no (it cannot be asked for after one): it stays here.
    act(ActionSubmitComplaint(), text="/affirm", intent="affirm",
        slots={**ANONYMOUS, "contact_name": "สมชาย", "contact": "0812345678"})
    body = portal.requests[-1]["body"]
    assert body["consent"] is False and not body["contact_name"] and not body["contact_phone"]


def test_a_hedged_yes_at_the_summary_files_nothing():
    slots, _ = validate(text="alright I'm off", intent="affirm", extracted={"confirmed": True},
                        slots={**FILLED, "confirmed": None}, requested_slot="confirmed")
    assert slots["confirmed"] is None and slots["reask_reason"] == "confirm_unclear"
    slots, _ = validate(text="ถูกต้องครับ ไม่มีปัญหา", intent="deny",
                        extracted={"confirmed": False},
                        slots={**FILLED, "confirmed": None}, requested_slot="confirmed")
    assert slots["confirmed"] is True


def test_the_summary_is_in_the_users_language_with_change_buttons():
    _, messages, _ = act(ActionAskConfirmed(), text="ยินยอม", slots={**FILLED, "confirmed": None})
    text = messages[0]["text"]
    assert "นิคมอุตสาหกรรมมาบตาพุด" in text and "กลิ่นเหม็น" in text and "081-234-5678" in text
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == "/affirm" and '/correct_detail{"field": "estate"}' in payloads
    _, messages, _ = act(ActionAskConfirmed(), text="yes", slots={
        **FILLED, "confirmed": None, "language": "en", "description": "Chemical smell",
        "location_detail": "-", "contact_name": "John Smith"})
    assert "Map Ta Phut Industrial Estate" in messages[0]["text"]
    assert not THAI.search(messages[0]["text"])


def test_change_the_estate_at_the_summary():
    slots, _ = validate(text="change the estate", intent="correct_detail",
                        slots={**FILLED, "confirmed": None}, requested_slot="confirmed")
    assert slots["estate"] is None and slots["confirmed"] is None
    slots, _ = validate(text="แก้นิคมเป็นปิ่นทอง", intent="correct_detail",
                        entities=[entity("estate", "pinthong")],
                        slots={**FILLED, "confirmed": None}, requested_slot="confirmed")
    assert slots["estate"] == "pinthong" and slots["confirmed"] is None
    slots, _ = validate(text='/correct_detail{"field": "contact"}', intent="correct_detail",
                        entities=[entity("field", "contact")],
                        slots={**FILLED, "confirmed": None}, requested_slot="confirmed")
    assert slots["contact"] is None


def test_a_no_at_the_summary_asks_what_to_change():
    slots, _ = validate(text="ไม่ถูก", intent="deny", extracted={"confirmed": False},
                        slots={**FILLED, "confirmed": None}, requested_slot="confirmed")
    assert slots["confirmed"] is None and slots["reask_reason"] == "what_to_change"


def test_cancel_makes_the_form_reject_and_the_cancel_action_forgets_everything():
    slots, _ = validate(text="ยกเลิก", intent="cancel", requested_slot="description")
    assert slots == {}
    slots, messages, _ = act(ActionCancel(), text="ยกเลิก", intent="cancel",
                             slots={**FILLED, "confirmed": None}, active_loop="complaint_form")
    assert all(slots[s] is None for s in ("estate", "contact", "description", "pdpa_consent"))
    assert THAI.search(messages[0]["text"])


def test_filing_a_confirmed_complaint(portal):
    slots, messages, _ = act(ActionSubmitComplaint(), text="ยืนยัน", intent="affirm",
                             slots=FILLED,
                             metadata={"conversation_proof": FakePortal.proof("user-1")})
    number = slots["last_ticket_id"]
    assert re.fullmatch(r"CMP-\d{4}-\d{6}", number) and number in messages[0]["text"]
    # The access code is told once, in the user's language; the contact is not kept.
    assert FakePortal.code_for(number) in messages[0]["text"] and "รหัส" in messages[0]["text"]
    assert slots["last_contact"] is None
    assert portal.requests[-1]["headers"]["Conversation-Proof"] == FakePortal.proof("user-1")
    assert "2569" in messages[0]["text"]  # the due dates in Buddhist Era years
    assert slots["estate"] is None and slots["submit_failed"] is False
    body = portal.tickets[number]["body"]
    assert body["contact_phone"] == "+66812345678" and body["conversation_id"] == "user-1"
    assert body["estate_id"] == "map-ta-phut" and body["location"] == "ประตู 3"


def test_half_a_complaint_is_never_filed(portal):
    for missing in ("estate", "contact", "pdpa_consent", "confirmed"):
        _, messages, _ = act(ActionSubmitComplaint(), text="ยืนยัน", intent="affirm",
                             slots={**FILLED, missing: None})
        assert messages
    assert portal.requests == []


def test_an_outage_keeps_the_complaint_and_try_again_files_it_once(portal):
    portal.fail_next = 100
    slots, messages, _ = act(ActionSubmitComplaint(), text="confirm", intent="affirm",
                             slots={**FILLED, "language": "en"})
    assert slots["submit_failed"] is True and "estate" not in slots
    nonce = slots["complaint_nonce"]
    assert "not been filed" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/cancel"]
    portal.fail_next = 0
    slots, messages, _ = act(ActionSubmitComplaint(), text="try again", intent="affirm",
                             slots={**FILLED, "language": "en", "complaint_nonce": nonce,
                                    "submit_failed": True})
    assert slots["submit_failed"] is False and slots["last_ticket_id"] in messages[0]["text"]
    keys = {r["headers"]["Idempotency-Key"] for r in portal.requests if r["method"] == "POST"}
    assert keys == {f"chatbot:user-1:{nonce}"} and len(portal.tickets) == 1


def test_details_the_portal_refuses_are_asked_again(portal):
    slots, messages, events = act(ActionSubmitComplaint(), text="ok", intent="affirm",
                                  slots={**FILLED, "contact": "0212345"})
    assert slots["contact"] is None and slots["confirmed"] is None
    assert {"event": "followup", "name": "complaint_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]


def test_greeting_follows_the_users_language():
    slots, messages, _ = act(ActionGreet(), text="hello", intent="greet")
    assert slots["language"] == "en" and not THAI.search(messages[0]["text"])
    slots, messages, _ = act(ActionGreet(), text="สวัสดีครับ", intent="greet")
    assert slots["language"] == "th" and THAI.search(messages[0]["text"])
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/file_complaint",
                                                             "/check_ticket_status"]


def test_an_emergency_gets_the_numbers_first_and_the_description_is_still_kept():
    from actions.complaint_prompts import ActionAskLocationDetail

    text = "สารเคมีรั่วจากถัง คนงานไอกันหลายคน"
    slots, _ = validate(text=text, intent="inform", slots={"estate": "map-ta-phut"},
                        extracted={"description": text}, requested_slot="description")
    assert slots["description"] == text
    _, messages, _ = act(ActionAskLocationDetail(), text=text,
                         slots={"estate": "map-ta-phut", "description": text, "language": "th"})
    first_message, question = messages[0]["text"], messages[1]["text"]
    assert "199" in first_message and "1669" in first_message
    assert "นิคมอุตสาหกรรมมาบตาพุด" in first_message and THAI.search(first_message)
    assert "199" not in question and messages[1]["buttons"]


def test_an_emergency_outside_the_form_in_english_and_only_once_per_message():
    _, messages, _ = act(ActionGreet(), text="fire!! workers coughing", intent="greet",
                         slots={"language": "en"})
    assert "199" in messages[0]["text"] and "1669" in messages[0]["text"]
    assert "security or operator office" in messages[0]["text"]
    assert not THAI.search(messages[0]["text"]) and len(messages) == 2
    # A second action answering the same message does not repeat the numbers.
    again = tracker(text="fire!!", intent="greet", slots={"language": "en"})
    again.events.append({"event": "bot", "text": messages[0]["text"]})
    dispatcher = CollectingDispatcher()
    run(ActionGreet().run(dispatcher, again, domain()))
    assert dispatcher.messages and not any("1669" in m["text"] for m in dispatcher.messages)
