"""Language detection and the form's input checks."""

from __future__ import annotations

import pytest
from actions.language import conversation_language, detect_language
from actions.validators import format_phone, is_gibberish, normalise_phone, parse_contact
from helpers import tracker


@pytest.mark.parametrize("text, lang", [
    ("น้ำเสียไหลลงคลองครับ", "th"),
    ("There is a bad smell", "en"),
    ("แจ้ง blackout ที่ Map Ta Phut ครับ", "th"),  # Thai script wins in mixed text
    ("081-234-5678", None),
    ("+66 81 234 5678", None),
    ("somchai@example.com", None),
    ("CMP-2026-000123", None),
    ("cmp-26-12", None),
    ("12345", None),
    ("👍🙏", None),
    ("ok", None),
    ("/affirm", None),
    ('/inform{"estate": "map-ta-phut"}', None),
    ("", None),
])
def test_language_comes_from_the_script_and_neutral_messages_say_nothing(text, lang):
    assert detect_language(text) == lang


def test_a_neutral_message_keeps_the_conversation_language():
    assert conversation_language(tracker("081-234-5678", slots={"language": "en"})) == "en"
    assert conversation_language(tracker("somchai@example.com", slots={"language": "th"})) == "th"
    assert conversation_language(tracker("hello")) == "en"


def test_the_widget_language_is_a_hint_for_a_first_neutral_message():
    assert conversation_language(tracker("👋", metadata={"lang": "en"})) == "en"
    assert conversation_language(tracker("👋")) == "th"


@pytest.mark.parametrize("text, digits", [
    ("081-234-5678", "0812345678"),
    ("0812345678", "0812345678"),
    ("+66 81 234 5678", "0812345678"),
    ("+66812345678", "0812345678"),
    ("66812345678", "0812345678"),
    ("เบอร์ 089 765 4321 ค่ะ", "0897654321"),
    ("038-123-456", "038123456"),
    ("02-123-4567", "021234567"),
    ("12345", None),
    ("081-234-567", None),
    ("1234567890", None),
])
def test_thai_phone_numbers(text, digits):
    assert normalise_phone(text) == digits


def test_phone_display_and_contact_parsing():
    assert format_phone("0812345678") == "081-234-5678"
    assert format_phone("038123456") == "038-123-456"
    assert format_phone("021234567") == "02-123-4567"
    assert parse_contact("email: Mali.K@Example.co.th") == (None, "mali.k@example.co.th")
    assert parse_contact("no idea") == (None, None)


@pytest.mark.parametrize("text", ["asdfghjkl", "ฟหกดเ่าสว", "😡😡😡", "!!!???", "aaaaaaa",
                                  "กกกกกกก", "qwerty qwerty", "xkcdvbnm zzqrt", "12345"])
def test_gibberish_is_recognised(text):
    assert is_gibberish(text)


@pytest.mark.parametrize("text", ["black smoke from the chimney since 6am",
                                  "น้ำเสียไหลลงคลองหลังโรงงาน", "Somchai Jaidee", "สมชาย ใจดี",
                                  "gate 3", "ฝุ่นเยอะ", "strengths", "สวัสดีค่าาาาาาา",
                                  "ฮัลโหลลลลลล มีใครไหม", "helloooooooo", "ไฟดับบบบบบบบ"])
def test_real_answers_are_not_gibberish(text):
    assert not is_gibberish(text)
