"""Which language the conversation is in: Thai script means Thai, Latin letters English.

Messages that carry no language (a phone number, an e-mail, a ticket number, digits, emoji,
keyboard mashing or a button payload such as /affirm) keep the language the conversation
already had."""

from __future__ import annotations

import re
from typing import Any

from actions.i18n import DEFAULT_LANGUAGE, LANGUAGES
from actions.validators import is_gibberish

THAI_LETTER = re.compile("[\u0e01-\u0e4e]")
LATIN_WORD = re.compile("[A-Za-z]+")
_NEUTRAL = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"          # e-mail
    r"|https?://\S+|www\.\S+"                    # links
    r"|\bcmp-\d{2,4}-\d{1,8}\b",                 # ticket numbers, even mistyped
    re.IGNORECASE,
)
# Short words Thai users type in Latin letters just as often as English users do.
NEUTRAL_WORDS = {"ok", "okay", "oke", "okk", "k", "kk", "pm", "cmp"}


def detect_language(text: str | None) -> str | None:
    """'th', 'en', or None when the text says nothing about its language."""
    if not text or text.startswith("/"):
        return None
    if THAI_LETTER.search(text):
        return "th"
    rest = _NEUTRAL.sub(" ", text)
    words = [w for w in LATIN_WORD.findall(rest) if w.lower() not in NEUTRAL_WORDS]
    if not words or is_gibberish(rest):
        return None  # keyboard mashing is in no language
    return "en"


def conversation_language(tracker: Any) -> str:
    """The language to answer in: this message's, else the conversation's, else the widget's
    hint (metadata.lang), else Thai."""
    latest = tracker.latest_message or {}
    detected = detect_language(latest.get("text"))
    if detected:
        return detected
    slot = tracker.get_slot("language")
    if slot in LANGUAGES:
        return slot
    hint = (latest.get("metadata") or {}).get("lang")
    if isinstance(hint, str) and hint[:2].lower() in LANGUAGES:
        return hint[:2].lower()
    return DEFAULT_LANGUAGE
