"""Which language the conversation is in.

The first message that carries a language sets it: Thai script means Thai, Latin letters
English. From then on it sticks: a Thai user who types a Latin estate name ("WHA ESIE 1"), a
person's name or an e-mail keeps Thai replies. It changes only on an explicit request
("can we continue in English?", "ขอภาษาไทย", intent `switch_language`), or when someone the
assistant has been answering in English, without having asked for English, writes Thai
script (whoever types Thai reads it). Messages that carry no language (a phone number, an
e-mail, a ticket number, digits, emoji, keyboard mashing, a button payload such as /affirm,
or just the name of an estate or a problem) never change it."""

from __future__ import annotations

import re
from typing import Any

from actions import reference
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


# What may surround an estate's name in a message that is only the name.
_AROUND_A_NAME = re.compile(r"นิคม(?:อุตสาหกรรม|ฯ)?|\b(?:industrial|estate|park|the|at|in)\b|"
                            r"ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|นะ|จ้า|ที่|[\W\d_]", re.IGNORECASE)


def names_only(text: str | None) -> bool:
    """Is the message just the name of an estate ("WHA ESIE 1", "มาบตาพุดค่ะ")? Thai users
    type estates in Latin letters and foreigners paste Thai names: neither says which
    language the user reads."""
    estate = reference.estate_by_id(reference.resolve_estate(text))
    if estate is None or not text:
        return False
    rest = text.lower()
    for name in sorted(reference.estate_names(estate), key=len, reverse=True):
        rest = rest.replace(name.lower(), " ")
    return not _AROUND_A_NAME.sub("", rest)


# The language a switch_language request asks for, from its words; else from its script.
_ASKS_FOR = (("en", re.compile(r"english|\beng\b|อังกฤษ|อิงลิช|อิ้งลิช", re.IGNORECASE)),
             ("th", re.compile(r"thai|ไทย", re.IGNORECASE)))


def requested_language(text: str | None) -> str | None:
    """The language a request to switch asks for ("English please" → en, "พูดไทยได้ไหม" → th),
    or None when it names none."""
    for lang, words in _ASKS_FOR:
        if text and words.search(text):
            return lang
    return None


def _switch_target(latest: dict[str, Any]) -> str | None:
    if ((latest.get("intent") or {}).get("name")) != "switch_language":
        return None
    text = latest.get("text") or ""
    return requested_language(text) or detect_language(text)


def _asked_for_language(tracker: Any) -> bool:
    """Did the user ever ask for a language in this conversation?"""
    return any(event.get("event") == "user"
               and ((event.get("parse_data") or {}).get("intent") or {}).get("name")
               == "switch_language" for event in tracker.events or [])


def conversation_language(tracker: Any) -> str:
    """The language to answer in: the one just asked for, else the conversation's (Thai
    script turns an English conversation that nobody asked for into Thai), else this
    message's (a bare estate name has none), else the widget's hint (metadata.lang), else
    Thai."""
    latest = tracker.latest_message or {}
    asked = _switch_target(latest)
    if asked in LANGUAGES:
        return asked
    text = latest.get("text")
    detected = None if names_only(text) else detect_language(text)
    slot = tracker.get_slot("language")
    if slot in LANGUAGES:
        if slot == "en" and detected == "th" and not _asked_for_language(tracker):
            return "th"
        return slot
    if detected:
        return detected
    hint = (latest.get("metadata") or {}).get("lang")
    if isinstance(hint, str) and hint[:2].lower() in LANGUAGES:
        return hint[:2].lower()
    return DEFAULT_LANGUAGE
