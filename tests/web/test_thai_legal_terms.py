"""The Thai catalog calls a legal role by one name everywhere: a promoter is ผู้เริ่มก่อการ, the
term of the Civil and Commercial Code, on every step and in every message (a new
user met ผู้เริ่มจัดตั้ง on one step and ผู้เริ่มก่อการ on the next)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

THAI_CATALOG = Path(__file__).resolve().parents[2] / "web/locale/th/LC_MESSAGES/messages.po"
PROMOTER = "ผู้เริ่มก่อการ"
OTHER_WORDS_FOR_PROMOTER = ("ผู้เริ่มจัดตั้ง",)


def thai_messages() -> dict[str, str]:
    """Each message's English text and its Thai translation (plural forms joined)."""
    with THAI_CATALOG.open("rb") as f:
        catalog = read_po(f, locale="th")
    return {(m.id if isinstance(m.id, str) else m.id[0]):
            (m.string if isinstance(m.string, str) else " / ".join(m.string))
            for m in catalog if m.id}


def test_a_promoter_is_called_by_the_legal_term_everywhere():
    messages = thai_messages()
    other_words = {msgid: text for msgid, text in messages.items()
                   if any(word in text for word in OTHER_WORDS_FOR_PROMOTER)}
    assert not other_words
    about_promoters = {msgid: text for msgid, text in messages.items()
                       if "promoter" in msgid.lower()}
    assert about_promoters
    missing = {msgid: text for msgid, text in about_promoters.items() if PROMOTER not in text}
    assert not missing
