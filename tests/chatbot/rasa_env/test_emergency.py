"""Emergency words, as people type them, get the emergency numbers (actions.emergency);
everyday complaints that share a word with them do not."""

from __future__ import annotations

import pytest
from actions.emergency import mentions_emergency

EMERGENCIES = [
    "ไฟไหม้", "ไฟไหม้โรงงานข้างๆ", "ไฟ ไหม้ ค่ะ!!!", "เพลิงไหม้ที่โกดัง", "สารเคมีรั่ว",
    "มีสารเคมีรั่วไหลออกมาจากถัง", "แก๊สรั่ว", "ก๊าซรั่วแถวประตู 3", "กลิ่นแอมโมเนียรั่ว",
    "คนงานไอ", "คนงานไอกันหลายคน", "มีคนบาดเจ็บ", "คนงานบาดเจ็บสองคน", "มีคนเป็นลมในโรงงาน",
    "หายใจไม่ออก", "คนงานหายใจไม่ออกเพราะควัน", "มีเสียงระเบิดดังมาก", "คนหมดสติ",
    "fire!!", "FIRE", "there is a fire at the warehouse", "the tank is on fire", "gas leak",
    "gas leaking near gate 2", "chemical spill on road 7", "ammonia leak", "workers coughing",
    "people are coughing and can't breathe", "someone fainted", "a worker is injured",
    "huge explosion next door", "toxic fumes everywhere", "my colleague passed out",
    "fireeee", "GAS LEAK!!!", "a worker got burnt by the boiler", "burnt workers at the plant",
    "burning smell and now the warehouse is on fire", "smells like burning and people are coughing",
]
EVERYDAY = [
    "ไฟดับทั้งนิคม", "ไฟตกบ่อย", "ควันดำจากปล่องโรงงาน", "ไอเสียรถบรรทุกเยอะมาก",
    "น้ำเสียรั่วลงคลอง", "กลิ่นเหม็นตั้งแต่เช้า", "ถนนเป็นหลุม", "ขยะไม่มีคนเก็บ",
    "นิคมอุตสาหกรรมมาบตาพุด", "เคมีภัณฑ์", "power outage since noon", "black smoke",
    "bad smell", "wastewater leak into the canal", "noise at night", "Map Ta Phut",
    "/affirm", "", "traffic jam at gate 3", "the road is flooded",
    "a burnt rubber smell every night", "it smells like burning plastic near gate 2",
    "strong smell of burnt tyres", "burning smell from the factory next door", "กลิ่นไหม้ทุกคืน",
    "Burnt-rubber stench all over the estate",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergencies_are_recognised(text):
    assert mentions_emergency(text)


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_complaints_are_not_emergencies(text):
    assert not mentions_emergency(text)
