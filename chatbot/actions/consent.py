"""Reading a yes or a no: the PDPA consent question and the summary's "shall I file it?".

PDPA consent must never be assumed, so `read_answer` is strict: only the button
(`/affirm`) or a typed yes that carries no negation counts as a yes. NLU's `affirm` intent
alone is not enough ("alright I'm off" was once read as consent), and a negation word does
not always make a no ("ยินยอมครับ ไม่มีปัญหา" = "I consent, no problem").

The rules, in order:
1. a button payload says it all (/affirm yes, /deny no, any other payload unclear);
2. hedges, questions, conditions and goodbyes ("maybe", "what do you keep?", "ok but…",
   "alright I'm off", "ไปละ") are unclear: the question is asked again with its buttons;
3. idioms that contain a negation but mean yes ("ไม่มีปัญหา", "ไม่ขัดข้อง", "no problem",
   "I don't mind") count as a yes word; polite fillers that settle nothing ("ไม่เป็นไร",
   "never mind") are dropped. "ไม่เป็นไร" is deliberately neither: offered something, a Thai
   speaker says it to decline politely ("no, thank you"), yet it also means "it's fine";
   consent is asked again rather than guessed either way;
4. a negation (ไม่, ยังไม่, มิ, ห้าม, not, never, no, nope, refuse…) makes a no, and it swallows
   the yes words right after it ("ไม่ยินยอม", "ไม่ได้", "don't agree", "not ok"); a yes word
   left over next to a negation ("yes, but not my phone", "ok no") is a contradiction: unclear;
5. a yes word (ยินยอม, ตกลง, ได้, ใช่, โอเค, yes, sure, agree, ok…) with no negation is a yes; a
   reply that is only a polite particle ("ครับ", "ค่ะ") is a Thai yes too;
6. otherwise unclear, except NLU's `deny` on a short reply, which is taken as a no (a no is
   always safe: it collects nothing).
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import cache


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


# --- vocabulary (lower case; Thai phrases match with or without spaces) ---------------------

YES_IDIOMS = (
    "ไม่มีปัญหา", "ไม่ขัดข้อง", "ไม่ติดขัด", "ไม่ว่าอะไร", "ไม่ว่ากัน", "ไม่มีข้อขัดข้อง",
    "no problem", "not a problem", "no problemo", "no prob", "no probs", "no worries",
    "no objection", "no objections", "have no objection", "i don't mind", "i do not mind",
    "dont mind", "don't mind", "do not mind", "why not", "of course", "go ahead", "sounds good",
    "fine by me", "fine with me", "ok with me", "okay with me",
)
# A no however sure the words around it sound.
NO_IDIOMS = ("of course not", "absolutely not", "certainly not", "definitely not", "surely not",
             "no way", "hell no", "not at all", "no thank you", "no thanks", "anonymous",
             "anonymously", "ไม่ระบุตัวตน", "ไม่ระบุชื่อ", "ไม่ออกนาม")
# Settle nothing either way (see the module docstring for "ไม่เป็นไร").
NEUTRAL = ("ไม่เป็นไร", "never mind", "nevermind", "thank you", "thanks", "ขอบคุณ")
HEDGES = (
    "maybe", "perhaps", "not sure", "unsure", "i guess", "idk", "dunno", "don't know",
    "do not know", "let me think", "think about it", "depends", "it depends", "later",
    "whatever", "hmm", "hm", "ไม่แน่ใจ", "ไม่รู้", "อาจจะ", "ขอคิด", "คิดก่อน", "คิดดู",
    "เดี๋ยวก่อน", "แล้วแต่", "ตามสบาย", "มั้ง", "ยังไม่แน่",
)
CONDITIONS = ("but", "except", "unless", "only if", "as long as", "provided", "แต่", "ยกเว้น",
              "เว้นแต่", "ถ้า", "เฉพาะ")
LEAVING = (
    "i'm off", "im off", "i am off", "bye", "goodbye", "gotta go", "got to go", "leaving",
    "i'm leaving", "i'll leave", "gtg", "see you", "see ya", "cya", "ไปละ", "ไปล่ะ", "ไปก่อน",
    "ลาก่อน", "ขอตัว", "เลิกคุย", "ไม่คุยแล้ว", "พอแค่นี้",
)
# Matched as whole words: "บาย" is also inside "สบาย" (comfortable).
LEAVING_WORDS = {"บาย", "บ๊ายบาย", "byebye", "bb"}
QUESTION_WORDS = {"what", "why", "how", "who", "which", "where", "when", "ไหม", "มั้ย",
                  "มั๊ย", "หรือ", "หรอ", "เหรอ", "อะไร", "ทำไม", "ยังไง", "อย่างไร", "ใคร",
                  "รึเปล่า", "หรือเปล่า", "ป่าว"}
# A reply that opens with these is a question ("can you delete it later?"), unless a
# negation follows ("can't agree" = "can not agree").
QUESTION_OPENERS = {"can", "could", "would", "will", "is", "are", "does", "do", "should"}
PRONOUNS = {"you", "i", "it", "they", "we", "my", "the", "this", "that"}

NEGATIONS = {"ไม่", "มิ", "ห้าม", "ปฏิเสธ", "not", "never", "no", "nope", "nah", "refuse",
             "refused", "decline", "declined", "disagree", "negative", "deny", "reject",
             "without", "เปล่า"}
# These answer on their own; the others modify the words after them.
BARE_NOS = {"no", "nope", "nah", "ปฏิเสธ", "เปล่า", "refuse", "refused", "decline", "declined",
            "disagree", "negative", "deny", "reject"}
YES_WORDS = {
    "yes", "yeah", "yea", "yep", "yup", "ya", "sure", "ok", "okay", "okey", "oki", "okie",
    "agree", "agreed", "consent", "consented", "accept", "accepted", "fine", "alright",
    "allright", "absolutely", "definitely", "certainly", "confirm", "confirmed", "correct",
    "right", "allow", "approve", "approved", "affirmative", "indeed", "yass", "ยินยอม", "ยอม",
    "ยอมรับ", "ยอมให้", "ตกลง", "โอเค", "โอเคร", "ได้", "ใช่", "อนุญาต", "เห็นด้วย", "ยืนยัน",
    "ถูกต้อง", "ถูก", "ยินดี", "แน่นอน", "จ้า", "จ้ะ", "เค", "เคร", "ชัวร์",
}
# Yes words of the summary's "shall I file it?" that say what to do rather than agree: a yes
# alone, but no contradiction beside a no ("No, file it anonymously" is the no button's text).
ACTION_YES_WORDS = {"y", "send", "submit", "file", "good", "great", "perfect", "ส่ง",
                    "เรียบร้อย", "ครบ"}
# Words a negation can bend into a no ("ไม่ให้", "ไม่เอา", "ไม่อยาก", "not comfortable")
# that are no yes on their own.
NEGATABLE = {"ให้", "เอา", "อยาก", "ต้องการ", "สะดวก", "พร้อม", "want", "comfortable", "happy",
             "share", "give", "like", "really", "willing", "ready", "use", "ใช้"}
PARTICLES = {"ครับ", "คับ", "ครับผม", "ค่ะ", "คะ", "ค่า", "คร้าบ", "นะ", "นะคะ", "นะครับ", "จ้ะ",
             "จ้า", "เลย", "สิ", "ซิ", "ละ", "ล่ะ", "ก็", "i", "do", "does", "will", "would",
             "can", "please", "pls", "the", "it", "that", "this", "is", "am", "to", "with",
             "me", "my", "data", "ข้อมูล", "ผม", "ดิฉัน", "ฉัน", "หนู", "เรา", "ขอ", "คุณ",
             "already", "แล้ว", "เลยครับ", "เลยค่ะ"}
# How many words after a negation it bends ("i do not really agree").
NEGATION_REACH = 3

CONTRACTIONS = ((re.compile(r"\b(can)'?t\b"), r"\1 not"), (re.compile(r"\bwon'?t\b"), "will not"),
                (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
                (re.compile(r"\b(do|does|did|is|are|was|would|should|could)nt\b"), r"\1 not"))
ELONGATED_LATIN = re.compile(r"([a-z])\1{2,}")
# Thai consonants doubled are real ("โอเคค่ะ"); tripled, or a doubled vowel or tone mark, is
# elongation ("ครับบบ", "ค่าาา").
ELONGATED_THAI = re.compile("([\u0e01-\u0e2e])\\1{2,}|([\u0e30-\u0e4e])\\2+")
INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff]")
WORDS = re.compile(r"[a-z]+|[\u0e01-\u0e4e]+")
PAYLOAD = re.compile(r"^/(\w+)")


def normalise(text: str) -> str:
    """Lower case, NFC, no zero-width marks, elongations squeezed ("yesss", "ค่าาา"),
    contractions spelt out ("don't" → "do not")."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text or "")).lower()
    text = text.replace("’", "'").replace("ๆ", " ")
    text = ELONGATED_LATIN.sub(r"\1", text)
    text = ELONGATED_THAI.sub(lambda m: m.group(1) or m.group(2), text)
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


@cache
def _phrase(phrase: str) -> re.Pattern[str]:
    """A phrase as a pattern: Thai letters may be split by spaces, Latin words are whole."""
    phrase = normalise(phrase)
    if re.search("[\u0e00-\u0e7f]", phrase):
        return re.compile(r"\s*".join(map(re.escape, phrase.replace(" ", ""))))
    return re.compile(r"(?<![a-z])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![a-z])")


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(_phrase(p).search(text) for p in phrases)


def _without(text: str, phrases: tuple[str, ...]) -> tuple[str, bool]:
    found = False
    for p in phrases:
        text, n = _phrase(p).subn(" ", text)
        found = found or n > 0
    return text, found


def words(text: str) -> list[str]:
    """Latin words as they are, Thai runs cut by pythainlp's newmm."""
    from pythainlp.tokenize import word_tokenize

    out: list[str] = []
    for run in WORDS.findall(text):
        if run.isascii():
            out.append(run)
        else:
            out += [w for w in word_tokenize(run, engine="newmm", keep_whitespace=False)
                    if w.strip()]
    return out


def _is_question(text: str, tokens: list[str]) -> bool:
    if "?" in text or any(w in QUESTION_WORDS for w in tokens):
        return True
    return (len(tokens) > 1 and tokens[0] in QUESTION_OPENERS and tokens[1] != "not"
            and (tokens[0] != "do" or tokens[1] in PRONOUNS))


def read_answer(text: str | None, intent: str | None = None) -> Answer:
    """yes, no or unclear, from what the user sent and NLU's intent (see the module doc)."""
    raw = (text or "").strip()
    if payload := PAYLOAD.match(raw):
        return {"affirm": Answer.YES, "deny": Answer.NO}.get(payload.group(1), Answer.UNCLEAR)
    text = normalise(raw)
    if not text:
        return Answer.UNCLEAR
    text, idiom_no = _without(text, NO_IDIOMS)
    text, idiom_yes = _without(text, YES_IDIOMS)
    text, neutral = _without(text, NEUTRAL)
    tokens = words(text)
    if (_has(text, HEDGES) or _has(text, CONDITIONS) or _has(text, LEAVING)
            or LEAVING_WORDS.intersection(tokens) or _is_question(text, tokens)):
        return Answer.UNCLEAR
    negated = False
    yes_left = False
    action_yes = False
    bent_until = -1
    for i, word in enumerate(tokens):
        # newmm keeps some negated verbs whole ("ไม่ต้องการ").
        if word in NEGATIONS or word.startswith("ไม่"):
            negated = True
            if word not in BARE_NOS:
                bent_until = i + NEGATION_REACH
        elif word in YES_WORDS and i > bent_until:
            yes_left = True
        elif word in ACTION_YES_WORDS and i > bent_until:
            action_yes = True
    if negated or idiom_no:
        return Answer.UNCLEAR if yes_left or idiom_yes else Answer.NO
    if yes_left or idiom_yes or action_yes or tokens == ["i", "do"]:
        return Answer.YES
    if tokens and not neutral and all(w in PARTICLES for w in tokens) and tokens[0] in {
            "ครับ", "คับ", "ครับผม", "ค่ะ", "ค่า", "คร้าบ", "จ้ะ", "จ้า"}:
        return Answer.YES  # a bare "ครับ" / "ค่ะ" is how Thai says yes
    if intent == "deny" and 0 < len(tokens) <= 4 and not neutral:
        return Answer.NO
    return Answer.UNCLEAR
