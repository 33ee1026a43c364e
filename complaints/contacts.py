"""A complainant's contact details: Thai phone numbers (phonenumbers) and e-mail addresses
(email-validator), and their PDPA masking for lists, the desk inbox and logs."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from registration.identity import mask_pins_in_text

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


def same_contact(phone: str, email: str, given: str) -> bool:
    """Whether `given` is the ticket's phone number (any Thai spelling of its digits) or its
    e-mail address (case ignored)."""
    given = (given or "").strip()
    if not given:
        return False
    if "@" in given:
        return bool(email) and given.lower() == email.lower()
    return bool(phone) and normalise_phone(given) == phone


_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub_text(text: str) -> str:
    """Free text fit for public output: Thai phone numbers, e-mail addresses and 13-digit ID
    numbers in it are masked, since complainants write their contact into descriptions."""
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, THAILAND))):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        masked = mask_phone(e164) if e164.startswith("+66") else "X" * len(match.raw_string)
        text = text[:match.start] + masked + text[match.end:]
    text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
    return mask_pins_in_text(text)
