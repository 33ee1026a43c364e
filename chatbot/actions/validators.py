"""Checks for what users type into the complaint form: gibberish, lengths, phone numbers,
e-mail addresses and ticket numbers. Pure functions, so the form's rules are easy to test.

Numbers are read as people type them: Thai digits (๐๘๑), en and em dashes, spaces or no
separators at all."""

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


THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
DASHES = str.maketrans({dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


def ascii_digits(text: str) -> str:
    """Thai digits as 0-9 and every kind of dash as "-"; the length never changes, so an
    offset in the result is an offset in `text`."""
    return (text or "").translate(THAI_DIGITS).translate(DASHES)


# CMP-YYYY-NNNNNN, the portal's complaint numbering (complaints/), typed loosely: any case,
# spaces, dashes or nothing between the parts, the number without its leading zeros.
TICKET_NUMBER = re.compile(r"(?<![A-Za-z])cmp\s*[-_./#:]?\s*(\d{4})\s*[-_./]?\s*(\d{1,6})(?!\d)",
                           re.IGNORECASE)
# A ticket number without its prefix, written as the portal shows it: 2026-000123.
BARE_TICKET_NUMBER = re.compile(r"(?<![\d-])(\d{4})-(\d{6})(?![\d-])")
# Thai users often write the Buddhist-era year (พ.ศ. 2569 = 2026); tickets carry the
# Gregorian year, so a year from 2400 on is taken as Buddhist era.
BUDDHIST_ERA_OFFSET = 543
FIRST_BUDDHIST_YEAR = 2400


def find_ticket_number(text: str) -> Optional[re.Match]:
    """Where a ticket number is in `text` (offsets valid in `text`), or None."""
    digits = ascii_digits(text)
    return TICKET_NUMBER.search(digits) or BARE_TICKET_NUMBER.search(digits)


def normalise_ticket_id(text: str) -> Optional[str]:
    """The ticket number in `text` as CMP-YYYY-NNNNNN, or None.

    "cmp 2026 12" → CMP-2026-000012; "CMP–๒๕๖๙–๐๐๐๐๑๒" (Thai digits, en dashes, Buddhist
    year) → CMP-2026-000012; a number of more than six digits is no ticket number."""
    match = find_ticket_number(text)
    if not match:
        return None
    year = int(match.group(1))
    if year >= FIRST_BUDDHIST_YEAR:
        year -= BUDDHIST_ERA_OFFSET
    if not 2000 <= year < FIRST_BUDDHIST_YEAR:
        return None
    return f"CMP-{year}-{int(match.group(2)):06d}"


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
    # A letter held down is chat, not mashing ("สวัสดีค่าาาาาาา", "helloooooo"): read it once;
    # what is left must still say something.
    held_once = re.sub(r"(.)\1{2,}", r"\1", letters)
    if len(held_once) < 2 or len(set(held_once.lower())) == 1:
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
    +66 / 66 forms without the leading 0, in Arabic or Thai digits ("๐๘๑ ๒๓๔ ๕๖๗๘").
    Mobiles have 10 digits (06, 08, 09), landlines 9.
    """
    candidates = re.findall(r"\+?\d[\d\s\-.()]{6,18}\d", ascii_digits(text))
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
