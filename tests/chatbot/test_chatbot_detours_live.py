"""Side trips, corrections and language requests in the middle of a complaint, live: the real
Rasa server with the trained model, the action server and the portal (test_chatbot_live's
stack). The filed ticket holds exactly what the user said: never "can we continue in
English?" as the description; and no question the user already answered is asked again."""

from __future__ import annotations

import re

from tests.chatbot.test_chatbot_live import TICKET, Chat, stack, tickets

__all__ = ["stack"]  # the module's fixture: one live stack for these tests

THAI = re.compile("[\u0e00-\u0e7f]")


def last(replies: list[dict]) -> dict:
    return replies[-1]


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [b["payload"] for b in last(replies).get("buttons") or []]


def asks_for_estate(replies: list[dict]) -> bool:
    return len(payloads(replies)) == 20 and payloads(replies)[0].startswith('/inform{"estate"')


def finish(chat: Chat, replies: list[dict], answers: dict[str, str]) -> list[list[dict]]:
    """Answers whatever the form asks next (name, contact, consent, summary: in whichever
    order the form has them) until the ticket is filed; returns every reply on the way."""
    seen = []
    for _ in range(8):
        said = text_of(replies)
        if TICKET.search(said):
            return seen
        if any(p.startswith("/correct_detail") for p in payloads(replies)):
            kind = "confirm"
        elif "/privacy" in said:
            kind = "consent"
        elif "081-234-5678" in said:
            kind = "contact"
        else:
            kind = "name"
        replies = chat.say(answers[kind])
        seen.append(replies)
    raise AssertionError(f"not filed: {text_of(replies)}")


ENGLISH = {"name": "John Smith", "contact": "081-234-5678", "consent": "I agree",
           "confirm": "yes, file it"}
THAI_ANSWERS = {"name": "John Smith", "contact": "0891234567", "consent": "ยินยอมค่ะ",
                "confirm": "ยืนยันค่ะ"}


def test_english_side_questions_and_a_correction_are_not_answers(stack):
    chat = Chat(stack, lang="en")
    replies = chat.say("I want to report a wastewater problem at Pinthong")
    assert "describe" in text_of(replies).lower()
    replies = chat.say("how long does it take?")
    assert "working day" in text_of(replies) and "describe" in last(replies)["text"].lower()
    replies = chat.say("it's not Pinthong, it's Yamato")
    assert "Yamato Industries Industrial Estate" in text_of(replies)
    assert "describe" in last(replies)["text"].lower()  # the pending question, not the estate
    replies = chat.say("check CMP-2026-000012 status")
    assert "CMP-2026-000012" in text_of(replies) and "describe" in last(replies)["text"].lower()
    description = "Black water flows into the canal behind our factory every night"
    replies = chat.say(description)
    assert payloads(replies) == ["/deny"]  # where exactly? (optional)
    replies = chat.say("what is this for?")
    assert "officers" in text_of(replies) and payloads(replies) == ["/deny"]
    replies = chat.say("behind warehouse 12")
    rest = finish(chat, replies, ENGLISH)
    assert not any(asks_for_estate(r) for r in rest)
    summary = text_of(rest[-2])
    assert "Yamato Industries Industrial Estate" in summary and description in summary
    [ticket] = tickets(stack, chat.sender)
    assert ticket.estate_id == "yamato" and ticket.category == "wastewater"
    assert ticket.description == description and ticket.location == "behind warehouse 12"
    assert ticket.language == "en"


def test_thai_side_questions_language_requests_and_a_correction(stack):
    chat = Chat(stack, lang="th")
    replies = chat.say("ขอแจ้งเรื่องไฟดับที่นิคมมาบตาพุดค่ะ")
    assert THAI.search(last(replies)["text"]) and not asks_for_estate(replies)
    replies = chat.say("ใช้เวลากี่วันคะ")
    assert "1 วันทำการ" in text_of(replies) and THAI.search(last(replies)["text"])
    replies = chat.say("can we continue in English?")
    assert "continue in English" in text_of(replies)
    assert "describe" in last(replies)["text"].lower()  # asked again, now in English
    replies = chat.say("ขอภาษาไทย")
    assert "ภาษาไทย" in text_of(replies) and "เล่ารายละเอียด" in last(replies)["text"]
    replies = chat.say("ไม่ใช่มาบตาพุด เป็นปิ่นทอง")
    assert "นิคมอุตสาหกรรมปิ่นทอง" in text_of(replies)
    assert "เล่ารายละเอียด" in last(replies)["text"]
    replies = chat.say("เช็คสถานะ CMP-2026-000012 หน่อย")
    assert "CMP-2026-000012" in text_of(replies) and "เล่ารายละเอียด" in last(replies)["text"]
    description = "ไฟดับทั้งโซน B ตั้งแต่บ่ายสอง เครื่องจักรหยุดหมด"
    replies = chat.say(description)
    assert payloads(replies) == ["/deny"]
    replies = chat.say("Gate 2, Road 5")  # Latin letters: the replies stay Thai
    assert THAI.search(last(replies)["text"])
    rest = finish(chat, replies, THAI_ANSWERS)
    for replies in rest:  # "John Smith" changes nothing: the PDPA notice too is in Thai
        assert THAI.search(text_of(replies)), text_of(replies)
    assert not any(asks_for_estate(r) for r in rest)
    [ticket] = tickets(stack, chat.sender)
    assert ticket.estate_id == "pinthong" and ticket.category == "power_outage"
    assert ticket.description == description and ticket.location == "Gate 2, Road 5"
    assert ticket.contact_name == "John Smith" and ticket.language == "th"


def test_a_new_complaint_leaves_the_status_form_in_both_languages(stack):
    for lang, check, new in (("en", "I'd like to follow up on a complaint",
                              "actually I want to file a new complaint"),
                             ("th", "ติดตามเรื่องร้องเรียนค่ะ", "ขอแจ้งเรื่องใหม่")):
        chat = Chat(stack, lang=lang)
        assert "CMP-2026-000123" in text_of(chat.say(check))  # asks for the number
        replies = chat.say(new)
        assert asks_for_estate(replies), text_of(replies)
        assert "ticket number" not in text_of(replies)
        assert bool(THAI.search(last(replies)["text"])) == (lang == "th")


def test_side_trips_while_the_status_form_waits_for_a_number(stack):
    chat = Chat(stack, lang="th")
    assert "CMP-2026-000123" in text_of(chat.say("ขอเช็คสถานะหน่อยค่ะ"))
    replies = chat.say("พูดภาษาอังกฤษได้มั้ยคะ")
    assert "continue in English" in text_of(replies)
    assert "ticket number" in last(replies)["text"]  # asked again, in English
    replies = chat.say("how long until the estate answers?")
    assert "working day" in text_of(replies) and "ticket number" in last(replies)["text"]
    assert "could not find" in text_of(chat.say("CMP-2020-999999"))


def test_a_goodbye_or_a_bare_request_mid_form_is_not_stored(stack):
    """"thanks, bye" and "I want to file a complaint" typed while the form waits for the
    description were once stored as the description (issue 13)."""
    for lang, start, bye, request, description, answers in (
            ("en", "wastewater problem at Pinthong", "thanks, bye",
             "I want to file a complaint", "Oily water in the drain behind hall 3 since Monday",
             ENGLISH),
            ("th", "น้ำเสียที่นิคมปิ่นทองค่ะ", "ขอบคุณค่ะ บาย", "ขอแจ้งเรื่องร้องเรียนค่ะ",
             "น้ำมีคราบน้ำมันในท่อหลังอาคาร 3 ตั้งแต่วันจันทร์", THAI_ANSWERS)):
        chat = Chat(stack, lang=lang)
        chat.say(start)
        replies = chat.say(bye)
        assert ("cancel" in text_of(replies)) if lang == "en" else ("ยกเลิก" in text_of(replies))
        replies = chat.say(request)
        assert len(replies) >= 2 and not payloads(replies)  # asked for the description again
        replies = chat.say(description)
        assert payloads(replies) == ["/deny"]  # now the location
        finish(chat, chat.say("-"), answers)
        [ticket] = tickets(stack, chat.sender)
        assert ticket.description == description and ticket.category == "wastewater"
