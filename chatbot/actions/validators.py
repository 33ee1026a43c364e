"""Checks for what users type into the complaint form: gibberish, lengths, phone numbers and
e-mail addresses. Pure functions, so the form's rules are easy to test."""

from __future__ import annotations

import re
from typing import Optional

MAX_DESCRIPTION = 1000
MIN_DESCRIPTION = 5
MAX_LOCATION = 300
MAX_NAME = 100
MAX_CONTACT = 120

THAI_LETTER = re.compile("[\u0e01-\u0e2e]")
LETTER = re.compile(r"[^\W\d_]")
LATIN_WORD = re.compile("[A-Za-z]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Runs of the home rows of the Latin and Thai Kedmanee keyboards: what a hand mashing keys types.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "ๆไำพะัีรนยบลฃ", "ฟหกดเ้่าสวง", "ผปแอิืทมใฝ")
VOWELS = set("aeiouy")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def has_letters(text: str) -> bool:
    return bool(LETTER.search(text or ""))


def _keyboard_mash(word: str) -> bool:
    word = word.lower()
    if len(word) < 5:
        return False
    for row in KEYBOARD_ROWS:
        for size in range(5, len(row) + 1):
            if any(row[i:i + size] in word for i in range(len(row) - size + 1)):
                return True
    return False


def is_gibberish(text: str) -> bool:
    """Text that is no answer at all: no letters (emoji, punctuation, digits only),
    keyboard mashing, one character repeated, or long Latin words without a vowel."""
    text = squash(text)
    if not has_letters(text):
        return True
    letters = "".join(LETTER.findall(text))
    if len(letters) >= 4 and len(set(letters.lower())) == 1:
        return True
    if re.search(r"(.)\1{5,}", letters):
        return True
    words = text.split()
    mashed = [w for w in words if _keyboard_mash(w)]
    if mashed and len(mashed) * 2 >= len(words):
        return True
    latin = LATIN_WORD.findall(text)
    if latin and not THAI_LETTER.search(text):
        voweless = [w for w in latin if len(w) >= 5 and not VOWELS & set(w.lower())]
        if len(voweless) * 2 >= len(latin):
            return True
    return False


def find_email(text: str) -> Optional[str]:
    match = EMAIL.search(text or "")
    return match.group(0).lower() if match else None


def normalise_phone(text: str) -> Optional[str]:
    """A Thai phone number in `text` as 0XXXXXXXX(X), or None.

    Accepts 0X-XXXX-XXXX / 0XX-XXX-XXXX / 0X-XXX-XXXX with spaces, dashes or dots, and the
    +66 / 66 forms without the leading 0. Mobiles have 10 digits (06, 08, 09), landlines 9.
    """
    candidates = re.findall(r"\+?\d[\d\s\-.()]{6,18}\d", text or "")
    for raw in candidates:
        digits = re.sub(r"\D", "", raw)
        if raw.strip().startswith("+66") or (digits.startswith("66") and len(digits) in (10, 11)):
            digits = "0" + digits[2:]
        if re.fullmatch(r"0[689]\d{8}", digits) or re.fullmatch(r"0[2-7]\d{7}", digits):
            return digits
    return None


def format_phone(digits: str) -> str:
    """0812345678 → 081-234-5678; 021234567 → 02-123-4567; 038123456 → 038-123-456."""
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) == 9 and digits.startswith("02"):
        return f"{digits[:2]}-{digits[2:5]}-{digits[5:]}"
    if len(digits) == 9:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits


def parse_contact(text: str) -> tuple[Optional[str], Optional[str]]:
    """(phone, email) found in what the user typed; either may be None."""
    return normalise_phone(text), find_email(text)


def looks_like_contact(text: str) -> bool:
    phone, email = parse_contact(text)
    return bool(phone or email)
