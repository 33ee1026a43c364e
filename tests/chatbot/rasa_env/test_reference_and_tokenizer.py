"""Estates and categories are reachable by every name, and the tokenizer keeps offsets."""

from __future__ import annotations

import subprocess
import sys

import pytest
from actions import reference
from components.thai_tokenizer import ThaiTokenizer
from conftest import CHATBOT


@pytest.mark.parametrize("estate", reference.estates(), ids=lambda e: e.id)
def test_every_estate_resolves_from_its_thai_and_english_names(estate):
    for name in reference.estate_names(estate):
        assert reference.resolve_estate(name) == estate.id, name
    assert reference.resolve_estate(f"ที่{estate.name_th}ครับ") == estate.id
    assert reference.resolve_estate(f"at the {estate.name_en} please") == estate.id


@pytest.mark.parametrize("text, estate_id", [
    ("อมตะ ชลบุรี", "amata-city-chonburi"), ("Map Ta Phut", "map-ta-phut"),
    ("มาบตาพุด", "map-ta-phut"), ("นิคมมาบตาพุด", "map-ta-phut"),
    ("maptaphut industrial estate", "map-ta-phut"), ("แหลมฉบัง", "laem-chabang"),
    ("Eastern Industrial Estate (Map Ta Phut)", "eastern-map-ta-phut"),
    ("WHA Eastern Seaboard 1", "wha-eastern-seaboard-1"), ("ที.เอฟ.ดี.", "tfd"),
    ("บ่อวิน", "chonburi-bowin"), ("นิคมฯ ปิ่นทอง", "pinthong"),
])
def test_short_and_everyday_estate_names(text, estate_id):
    assert reference.resolve_estate(text) == estate_id


def test_unknown_or_ambiguous_estates_resolve_to_nothing_but_offer_candidates():
    assert reference.resolve_estate("นิคมบางปู") is None
    assert reference.resolve_estate("WHA") is None
    assert {e.id for e in reference.estate_candidates("WHA")} == {
        "wha-chonburi-1", "wha-eastern-seaboard-1", "wha-rayong"}
    assert {e.id for e in reference.estate_candidates("อมตะ")} == {
        "amata-city-chonburi", "amata-city-rayong"}


@pytest.mark.parametrize("category", reference.categories(), ids=lambda c: c.id)
def test_every_category_resolves_from_its_names(category):
    for name in reference.category_names(category):
        assert reference.resolve_category(name) == category.id, name


@pytest.mark.parametrize("text, category_id", [
    ("น้ำเสีย", "wastewater"), ("ไฟดับ", "power_outage"), ("ไฟไม่มา", "power_outage"),
    ("กลิ่นเหม็น", "odor"), ("ฝุ่น", "air_pollution"), ("ควัน", "air_pollution"),
    ("เสียงดัง", "noise"), ("น้ำท่วม", "flooding"), ("น้ำไม่ไหล", "water_supply"),
    ("no tap water", "water_supply"), ("dust", "air_pollution"), ("smell", "odor"),
    ("it stinks", "odor"), ("blackout", "power_outage"), ("flood", "flooding"),
    ("มีกลิ่นเหม็นมากค่ะ", "odor"),
])
def test_everyday_words_map_to_categories(text, category_id):
    assert reference.resolve_category(text) == category_id


def test_generated_nlu_reference_is_up_to_date():
    result = subprocess.run([sys.executable, "gen_nlu_reference.py", "--check"], cwd=CHATBOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def tokenizer() -> ThaiTokenizer:
    return ThaiTokenizer(ThaiTokenizer.get_default_config())


@pytest.mark.parametrize("text, words", [
    ("น้ำเสียไหลลงคลองที่มาบตาพุดครับ", ["น้ำเสีย", "ไหล", "ลง", "คลอง", "ที่", "มาบตาพุด", "ครับ"]),
    ("ไฟดับบ่อยมาก", ["ไฟดับ", "บ่อย", "มาก"]),
    ("ขอแจ้งปัญหาเสียงดังที่นิคมเวลโกรว์", ["ขอ", "แจ้ง", "ปัญหา", "เสียงดัง", "ที่", "นิคม", "เวลโกรว์"]),
    ("น้ำเสียงของเขา", ["น้ำเสียง", "ของ", "เขา"]),
    ("เลขCMP-2026-000123ค่ะ", ["เลข", "CMP-2026-000123", "ค่ะ"]),
    ("my email is a.b@x.co.th, thanks!", ["my", "email", "is", "a.b@x.co.th", "thanks"]),
    ("  สวัสดี   hello  ", ["สวัสดี", "hello"]),
    ("นิคม ที.เอฟ.ดี. ครับ", ["นิคม", "ที.เอฟ.ดี.", "ครับ"]),
    ("โทร +66 81 234 5678 นะคะ", ["โทร", "+66", "81", "234", "5678", "นะคะ"]),
    ("👍", ["👍"]),
])
def test_tokens_and_their_offsets(tokenizer, text, words):
    found = tokenizer.words_with_offsets(text)
    assert [w for w, _ in found] == words
    for word, start in found:
        assert text[start:start + len(word)] == word
        assert word.strip() == word and word


def test_tokens_of_a_rasa_message(tokenizer):
    from rasa.shared.nlu.training_data.message import Message

    tokens = tokenizer.tokenize(Message({"text": "ร้องเรียน Map Ta Phut ครับ"}), "text")
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("ร้องเรียน", 0, 9), ("Map", 10, 13), ("Ta", 14, 16), ("Phut", 17, 21), ("ครับ", 22, 26)]
