"""Emergencies: a message about fire, an explosion, a chemical or gas leak, injuries or people
who cough, faint or cannot breathe gets the emergency numbers before anything else, at any
point of the conversation (outside the forms and inside them, even while the bot waits for a
description, which is still stored). The conversation then goes on.

Keywords on normalised text rather than an NLU intent: inside a form, free text goes
straight into from_text slots, whatever its intent. Words are chosen so that everyday
complaints do not trip them: "ไฟดับ" (blackout), "ควันดำ" (black smoke), "ไอเสีย" (exhaust),
"น้ำเสียรั่ว" (a wastewater leak) are not emergencies; "ไฟไหม้", "แก๊สรั่ว", "คนงานไอ" are.
A negated mention ("nobody is hurt") still gets the numbers: one line too many is cheap.

The numbers are those of the web form (complaints/templates/complaints/new.html): 199 fire
and rescue, 1669 medical emergencies. The estates' reference data has no hotline numbers,
so the notice names the estate and tells the user to alert its security or operator office,
without inventing a number.
"""

from __future__ import annotations

import re
import unicodedata

from actions.consent import words

# Whole words of a normalised message.
WORD_SIGNS = {
    # fire, explosion
    "fire", "fires", "blaze", "flames", "burning", "explosion", "explosions", "exploded",
    "explode", "exploding", "blast", "ระเบิด", "เพลิง", "เพลิงไหม้", "ไฟไหม้", "ไฟลุก",
    # people hurt
    "injured", "injury", "injuries", "hurt", "bleeding", "unconscious", "fainted", "fainting",
    "faint", "collapsed", "electrocuted", "dead", "died", "dying", "burned", "burnt",
    "cough", "coughing", "coughs", "coughed", "choking", "suffocating", "บาดเจ็บ", "เลือดออก",
    "หมดสติ", "เป็นลม", "ไอ", "สำลัก", "เสียชีวิต", "ตาย", "ไฟดูด", "ไฟช็อต", "ชัก", "ขาดอากาศ",
    "คนเจ็บ", "ผู้บาดเจ็บ", "ไอหนัก", "ไอไม่หยุด",
    # toxic release
    "ammonia", "chlorine",
}
# Phrases (Thai letters may be split by spaces; Latin words whole).
PHRASE_SIGNS = (
    "on fire", "caught fire", "can not breathe", "cannot breathe", "cant breathe",
    "hard to breathe", "difficulty breathing", "trouble breathing", "short of breath",
    "passed out", "gas leak", "gas leaking", "leaking gas", "chemical leak", "chemical leaking",
    "chemical spill", "toxic gas", "toxic fumes", "poison gas", "gas smell everywhere",
    "หายใจไม่ออก", "หายใจไม่ได้", "หายใจลำบาก", "หายใจติดขัด", "แน่นหน้าอก", "ไฟไหม้",
    "เพลิงไหม้", "ไฟลุก", "ไฟลาม", "ไหม้โรงงาน", "โรงงานไหม้", "มีคนเจ็บ", "คนงานเจ็บ",
    "แสบตาแสบจมูกมาก",
)
# A leak of gas or chemicals: both words close to each other (15 characters), either order.
LEAKED = (r"(?:gas|chemicals?|ammonia|chlorine|fumes|toxic|"
          r"แก๊ส|แก็ส|ก๊าซ|กาซ|สารเคมี|สารพิษ|แอมโมเนีย|คลอรีน)")
LEAKING = r"(?:leak\w*|spill\w*|รั่ว\w*|ฟุ้ง)"
LEAK = re.compile(rf"{LEAKED}.{{0,15}}{LEAKING}|{LEAKING}.{{0,15}}{LEAKED}")
# A smell of something burnt is an odour, not a burn: "burnt rubber smell", "smells like
# burning plastic", "กลิ่นไหม้". Taken out before the words are read; a burnt worker is not.
SMELL_OF_BURNING = re.compile(
    r"(?<![a-z])(?:burnt|burned|burning)[\s-]+(?:rubber|plastic|tyres?|tires?|smell\w*|odou?rs?|"
    r"stench|stink\w*)(?![a-z])"
    r"|(?<![a-z])(?:smell\w*|odou?rs?|stench|stink\w*)\s+(?:of|like)\s+(?:something\s+)?"
    r"(?:burnt|burned|burning)(?![a-z])")
ELONGATED = re.compile(r"([a-z\u0e01-\u0e4e])\1{2,}")
INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff]")


def normalise(text: str) -> str:
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text or "")).lower()
    text = text.replace("’", "'").replace("can't", "cant").replace("ๆ", " ")
    return " ".join(ELONGATED.sub(r"\1", text).split())


def _phrase(phrase: str) -> re.Pattern[str]:
    if re.search("[\u0e00-\u0e7f]", phrase):
        return re.compile(r"\s*".join(map(re.escape, phrase.replace(" ", ""))))
    return re.compile(r"(?<![a-z])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![a-z])")


PHRASES = tuple(_phrase(p) for p in PHRASE_SIGNS)


def mentions_emergency(text: str | None) -> bool:
    """Does the message speak of fire, an explosion, a toxic leak or people in danger?"""
    if not text or text.startswith("/"):
        return False  # a button
    text = SMELL_OF_BURNING.sub(" ", normalise(text))
    if any(p.search(text) for p in PHRASES) or LEAK.search(text):
        return True
    return bool(WORD_SIGNS.intersection(words(text)))


def emergency_notice(lang: str, estate_id: str | None) -> str:
    """The numbers first; then the estate's own office, by name when it is known."""
    from actions import reference
    from actions.i18n import N_, t

    lines = [t(lang, N_("⚠️ If anyone is hurt or in danger, call now: 199 (fire and rescue) "
                        "or 1669 (medical emergency)."))]
    estate = reference.estate_by_id(estate_id)
    if estate:
        lines.append(t(lang, N_("Also alert the security or operator office of {estate}."),
                       estate=estate.name(lang)))
    else:
        lines.append(t(lang, N_("Also alert the industrial estate's security or operator "
                                "office.")))
    lines.append(t(lang, N_("I can still take your complaint.")))
    return "\n".join(lines)


def already_warned(events: list[dict]) -> bool:
    """Has an earlier action already given the numbers for the latest user message?"""
    for event in reversed(events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and "1669" in (event.get("text") or ""):
            return True
    return False
