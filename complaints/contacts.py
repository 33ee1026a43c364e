"""A complainant's contact details: Thai phone numbers (phonenumbers) and e-mail addresses
(email-validator), their PDPA masking for lists, the desk inbox and logs, and the scrubbing
of contacts written into free text."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from core.thai_ids import mask_pins_in_text

THAILAND = "TH"


def normalise_phone(value: str) -> str | None:
    """A valid Thai number in E.164 (+66812345678), or None. Thai numerals and the usual
    dashes and spaces are accepted; foreign numbers are not (the desk phones back from
    Thailand)."""
    try:
        number = phonenumbers.parse(value, THAILAND)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) \
            or phonenumbers.region_code_for_number(number) != THAILAND:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str | None:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _national_digits(e164: str) -> str:
    number = phonenumbers.parse(e164, THAILAND)
    return "0" + phonenumbers.national_significant_number(number)


def format_phone(e164: str) -> str:
    """The full number in the Thai national grouping, 081-234-5678 (staff only)."""
    if not e164:
        return ""
    digits = _national_digits(e164)
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def mask_phone(e164: str) -> str:
    """08X-XXX-X678: the first two and the last three digits stay."""
    if not e164:
        return ""
    digits = _national_digits(e164)
    masked = digits[:2] + "X" * (len(digits) - 5) + digits[-3:]
    return f"{masked[:3]}-{masked[3:6]}-{masked[6:]}"


def mask_email(email: str) -> str:
    """s***@example.com: the first letter of the mailbox and the domain stay."""
    if not email:
        return ""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def masked_contact(phone: str, email: str) -> str:
    return " · ".join(part for part in (mask_phone(phone), mask_email(email)) if part)


# Free-text contacts, as complainants write them in Thai or English. A mailbox or domain may
# be Thai (สมชาย@ตัวอย่าง.ไทย); "at" and "dot" may be spelled out: name(at)domain, name [at]
# domain [dot] com, name แอท gmail ดอท com.
_WORD_AT = r"(?:at|แอท|แอ็ท)"
_WORD_DOT = r"(?:dot|ดอท|จุด)"
_AT = (rf"(?:[@＠]|\s*[(\[{{<]\s*{_WORD_AT}\s*[)\]}}>]\s*|\s+{_WORD_AT}\s+)")
_DOT = (rf"(?:\.|\s*[(\[{{<]\s*{_WORD_DOT}\s*[)\]}}>]\s*|\s+{_WORD_DOT}\s+)")
_PART = r"[^\s@＠()\[\]{}<>,;:\"'.]+"
# A spelled-out address must end in a top-level domain of letters, so that "dust at 10.30"
# stays as it is.
_EMAIL_IN_TEXT = re.compile(
    rf"{_PART}(?:\.{_PART})*{_AT}{_PART}(?:{_DOT}{_PART})*{_DOT}[^\W\d_]{{2,}}"
    r"(?![^\s@＠()\[\]{}<>,;:\"'.])", re.IGNORECASE)
# LINE ids: after "LINE ID", "LINE:", ไลน์ or ไอดีไลน์, and official accounts written @name.
_LINE_ID = r"@?[A-Za-z0-9][A-Za-z0-9._-]{2,19}"
_LINE_IN_TEXT = re.compile(
    rf"(?:\bline\s*id\s*[:：=]?|\bline\s*[:：=]|\bline\s+(?=@)|ไอดีไลน์|ไลน์\s*(?:ไอดี)?)"
    rf"\s*[:：=]?\s*({_LINE_ID})(?![A-Za-z0-9._-])", re.IGNORECASE)
# "LINE somchai99", without a colon: the brand in capitals, or any spelling followed by an id
# with a digit, a dot, a dash or an underscore in it ("the power line broke" stays).
_LINE_BARE = re.compile(
    r"(?:\bLINE|\b[Ll]ine)\s+((?=[A-Za-z0-9._-]*[0-9._-])[A-Za-z0-9][A-Za-z0-9._-]{2,19}"
    r"|(?<=LINE )[A-Za-z][A-Za-z0-9._-]{2,19})(?![A-Za-z0-9._-])")
# Facebook profiles and pages: facebook.com/…, fb.com/…, fb.me/…, with or without a scheme.
_FACEBOOK = re.compile(
    r"(?<![\w.-])((?:https?://)?(?:(?:www|m|web|mbasic)\.)?(?:facebook\.com|fb\.com|fb\.me)/)"
    r"[^\s<>\"']+", re.IGNORECASE)
_AT_HANDLE = re.compile(r"(?<![\w.+*-])@[A-Za-z0-9][A-Za-z0-9._-]{2,19}(?![\w@.-])")
# Passports: Thai ones are one or two letters and seven digits; after the word, any number.
_PASSPORT_IN_TEXT = re.compile(
    r"(?:passport|หนังสือเดินทาง|พาสปอร์ต)\s*(?:no\.?|number|เลขที่|หมายเลข|เลข)?\s*[:：#]?\s*"
    r"([A-Za-z0-9]{6,9})(?![A-Za-z0-9])", re.IGNORECASE)
_PASSPORT_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}[0-9]{7}(?![A-Za-z0-9])")
_AT_SPELLED = re.compile(rf"[(\[{{<]\s*{_WORD_AT}|\s{_WORD_AT}\s", re.IGNORECASE)


def _mask_free_email(found: re.Match[str]) -> str:
    text = found.group(0)
    if "@" in text and _AT_SPELLED.search(text) is None:
        local, _sep, domain = text.partition("@")
        if "." in domain:
            return mask_email(text)
    return f"{text.strip()[:1]}***@***"



def _mask_group(found: re.Match[str]) -> str:
    start, end = found.span(1)
    return found.group(0)[:start - found.start()] + "***" + found.group(0)[end - found.start():]


def _compatible(text: str) -> str:
    """NFKC, so full-width and other look-alike forms (somchai＠gmail．com, ０８１…) read as
    what they are; Thai SARA AM, which NFKC splits in two, is put back together."""
    return unicodedata.normalize("NFKC", text).replace("\u0e4d\u0e32", "\u0e33")


def scrub_text(text: str) -> str:
    """Free text fit for public output: Thai phone numbers, e-mail addresses (Thai ones and
    spelled-out ones too), LINE ids, Facebook links, passport numbers and 13-digit ID
    numbers in it are masked, since complainants write their contact into descriptions.
    Full-width forms are normalised first (NFKC). A draft for an officer to read, not a
    guarantee: Open311 publishes only summaries an officer approved."""
    text = _compatible(text)
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, THAILAND))):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        masked = mask_phone(e164) if e164.startswith("+66") else "X" * len(match.raw_string)
        text = text[:match.start] + masked + text[match.end:]
    text = _LINE_IN_TEXT.sub(_mask_group, text)
    text = _LINE_BARE.sub(_mask_group, text)
    text = _FACEBOOK.sub(lambda found: found.group(1) + "***", text)
    text = _AT_HANDLE.sub("@***", text)
    text = _EMAIL_IN_TEXT.sub(_mask_free_email, text)
    text = _PASSPORT_IN_TEXT.sub(_mask_group, text)
    text = _PASSPORT_NUMBER.sub("XXXXXXXXX", text)
    return mask_pins_in_text(text)
