"""How the assistant reads a yes or a no to the PDPA consent question and to the summary:
only the button or a typed yes without negation is consent (actions.consent)."""

from __future__ import annotations

import pytest
from actions.consent import Answer, read_answer

YES, NO, UNCLEAR = Answer.YES, Answer.NO, Answer.UNCLEAR

# (what the user typed, NLU's intent, how it must be read). The intent is what NLU might
# well say, often wrongly: the reading must not depend on it being right.
THAI = [
    ("ยินยอม", "affirm", YES),
    ("ยินยอมค่ะ", "affirm", YES),
    ("ยินยอมครับ ไม่มีปัญหา", "deny", YES),  # issue 13: once read as a refusal
    ("ยินยอมครับไม่มีปัญหา", "deny", YES),
    ("ไม่มีปัญหาค่ะ", "deny", YES),
    ("ตกลงค่ะ", "affirm", YES),
    ("ตกลงครับ", "affirm", YES),
    ("โอเคคับ", "affirm", YES),
    ("ok ค่ะ", "affirm", YES),
    ("ได้เลยค่ะ", "affirm", YES),
    ("ได้ครับ", "affirm", YES),
    ("ใช่ค่ะ", "affirm", YES),
    ("ยอมรับครับ", "affirm", YES),
    ("อนุญาตค่ะ", "affirm", YES),
    ("เห็นด้วยครับ", "affirm", YES),
    ("ยินดีค่ะ", "affirm", YES),
    ("ไม่ขัดข้องครับ", "deny", YES),
    ("ไม่ว่าอะไรค่ะ", "deny", YES),
    ("ค่ะ", "affirm", YES),
    ("ครับผม", "affirm", YES),
    ("ยินยอมมมม ค่าาา", "affirm", YES),
    ("แน่นอนครับ", "affirm", YES),
    ("ไม่ยอมให้ใช้ข้อมูลส่วนตัวค่ะ", "affirm", NO),  # issue 13: once read as consent
    ("ไม่ยินยอม", "deny", NO),
    ("ไม่ยินยอมค่ะ", "affirm", NO),
    ("ยังไม่ยินยอมครับ", "affirm", NO),
    ("ไม่อนุญาตค่ะ", "affirm", NO),
    ("ไม่ให้", "deny", NO),
    ("ไม่ได้ครับ", "affirm", NO),
    ("ไม่ตกลง", "affirm", NO),
    ("ไม่เอาค่ะ", "deny", NO),
    ("ไม่ค่ะ", "deny", NO),
    ("ไม่", "deny", NO),
    ("ขอไม่ให้ข้อมูลนะคะ", "affirm", NO),
    ("ไม่สะดวกให้ข้อมูลครับ", "affirm", NO),
    ("ไม่เห็นด้วย", "affirm", NO),
    ("ปฏิเสธค่ะ", "deny", NO),
    ("ห้ามใช้ข้อมูลผม", "affirm", NO),
    ("ไม่ต้องการให้เก็บข้อมูล", "affirm", NO),
    ("ไม่ได้ยินยอมนะ", "affirm", NO),
    ("เปล่าครับ", "deny", NO),
    ("ไม่เป็นไรค่ะ", "affirm", UNCLEAR),  # polite "no thanks" or "it's fine": ask again
    ("ไม่เป็นไร", "deny", UNCLEAR),
    ("ไม่แน่ใจ", "affirm", UNCLEAR),
    ("ขอคิดดูก่อน", "affirm", UNCLEAR),
    ("เก็บข้อมูลอะไรบ้าง", "affirm", UNCLEAR),
    ("ได้ไหม", "affirm", UNCLEAR),
    ("ข้อมูลจะเอาไปทำอะไร", "affirm", UNCLEAR),
    ("ตกลงค่ะ แต่ไม่อยากให้เบอร์", "affirm", UNCLEAR),
    ("แล้วแต่", "affirm", UNCLEAR),
    ("อาจจะ", "affirm", UNCLEAR),
    ("ไปละนะ", "affirm", UNCLEAR),
    ("โอเค บาย", "affirm", UNCLEAR),
    ("555", "affirm", UNCLEAR),
    ("นิคมมาบตาพุด", "inform", UNCLEAR),
    ("โอเคค่ะ ส่งเลย", "affirm", YES),  # a doubled consonant is no elongation
    ("ใช่ ส่งได้เลย", "affirm", YES),
    ("ไม่ยินยอม ส่งแบบไม่ระบุตัวตน", "affirm", NO),
    ("ขอแบบไม่ระบุตัวตนค่ะ", "inform", NO),
    ("ยังไม่ถูกครับ", "affirm", NO),
]

ENGLISH = [
    ("yes", "affirm", YES),
    ("Yes please", "affirm", YES),
    ("yeah", "affirm", YES),
    ("yep", "affirm", YES),
    ("sure", "affirm", YES),
    ("ok", "affirm", YES),
    ("okay!", "affirm", YES),
    ("I agree", "affirm", YES),
    ("i consent", "affirm", YES),
    ("agreed", "affirm", YES),
    ("absolutely", "affirm", YES),
    ("that's fine", "affirm", YES),
    ("no problem", "deny", YES),
    ("No problem at all, go ahead", "deny", YES),
    ("I don't mind", "deny", YES),
    ("no worries", "deny", YES),
    ("sure, why not", "affirm", YES),
    ("of course", "affirm", YES),
    ("yesss", "affirm", YES),
    ("I accept", "affirm", YES),
    ("I do", "affirm", YES),
    ("fine by me", "affirm", YES),
    ("no", "deny", NO),
    ("No.", "deny", NO),
    ("nope", "deny", NO),
    ("nah", "deny", NO),
    ("no thanks", "deny", NO),
    ("I don't agree", "affirm", NO),
    ("I do not consent", "affirm", NO),
    ("don't use my personal data", "affirm", NO),
    ("never", "deny", NO),
    ("I refuse", "deny", NO),
    ("I decline", "deny", NO),
    ("not ok", "affirm", NO),
    ("absolutely not", "affirm", NO),
    ("i'd rather not", "affirm", NO),
    ("I dont want to share my details", "affirm", NO),
    ("not comfortable with that", "affirm", NO),
    ("I disagree", "deny", NO),
    ("Nooo", "deny", NO),
    ("not really", "affirm", NO),
    ("alright I'm off", "affirm", UNCLEAR),  # issue 13: once read as consent
    ("ok bye", "affirm", UNCLEAR),
    ("maybe", "affirm", UNCLEAR),
    ("not sure", "affirm", UNCLEAR),
    ("what data do you keep?", "affirm", UNCLEAR),
    ("why do you need my name", "affirm", UNCLEAR),
    ("can you delete it later", "affirm", UNCLEAR),
    ("yes but don't share my phone", "affirm", UNCLEAR),
    ("ok, no", "affirm", UNCLEAR),
    ("never mind", "deny", UNCLEAR),
    ("let me think about it", "affirm", UNCLEAR),
    ("idk", "affirm", UNCLEAR),
    ("hmm", "affirm", UNCLEAR),
    ("asdfgh", "affirm", UNCLEAR),
    ("Map Ta Phut", "inform", UNCLEAR),
    ("yes, file it", "affirm", YES),
    ("looks good, send it", "affirm", YES),
    ("No, file it anonymously", "affirm", NO),  # the no button's text, typed
    ("yes file it anonymously", "affirm", UNCLEAR),
    ("no, change the estate", "deny", NO),
]


def test_the_tables_cover_at_least_forty_answers_per_language():
    assert len(THAI) >= 40 and len(ENGLISH) >= 40
    for table in (THAI, ENGLISH):
        assert {expected for _, _, expected in table} == {YES, NO, UNCLEAR}


@pytest.mark.parametrize(("text", "intent", "expected"), THAI, ids=[t for t, _, _ in THAI])
def test_thai_answers(text, intent, expected):
    assert read_answer(text, intent) is expected


@pytest.mark.parametrize(("text", "intent", "expected"), ENGLISH,
                         ids=[t for t, _, _ in ENGLISH])
def test_english_answers(text, intent, expected):
    assert read_answer(text, intent) is expected


def test_only_the_buttons_payloads_decide_without_words():
    assert read_answer("/affirm", "affirm") is YES
    assert read_answer("/deny", "deny") is NO
    assert read_answer('/inform{"estate": "pinthong"}', "inform") is UNCLEAR
    assert read_answer("", "affirm") is UNCLEAR


def test_nlu_saying_affirm_is_not_enough():
    for text in ("hmm ok?", "ไปก่อนนะ", "whatever", "yes?"):
        assert read_answer(text, "affirm") is not YES, text
