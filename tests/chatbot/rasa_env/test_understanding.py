"""Understanding text as people type it: estates and categories by any everyday name, with
typos, missing tone marks and odd spacing; "did you mean" instead of a guess; nothing made of
bare words such as "นิคม" or "industrial"; ticket and phone numbers in Thai digits."""

from __future__ import annotations

import itertools

import pytest
from actions import reference, validators
from actions.complaint_form import ValidateComplaintForm
from actions.complaint_prompts import ActionAskEstate
from components.entity_resolver import EntityResolver, resolve_entities
from conftest import run
from helpers import domain, slot_events, tracker
from rasa_sdk.executor import CollectingDispatcher

THAI_MARKS = "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"


def act(action, **kwargs):
    dispatcher = CollectingDispatcher()
    events = run(action.run(dispatcher, tracker(**kwargs), domain()))
    return slot_events(events), dispatcher.messages, events


def _contained_name_pairs() -> list[tuple[str, str, str]]:
    """(longer name, its estate, the other estate) for every name of one estate that contains
    a name of another: "WHA Eastern Seaboard 1" holds "Eastern Seaboard"."""
    names = {e.id: reference.estate_names(e) for e in reference.estates()}
    pairs = []
    for (a, a_names), (b, b_names) in itertools.permutations(names.items(), 2):
        for long_name in a_names:
            if any(reference.match_key(short) in reference.match_key(long_name)
                   for short in b_names):
                pairs.append((long_name, a, b))
    return pairs


CONTAINED = _contained_name_pairs()


def test_there_are_estate_names_that_contain_other_estates_names():
    # The bug class this file guards: keep the table honest if the names change.
    assert len(CONTAINED) >= 40
    assert ("WHA Eastern Seaboard 1", "wha-eastern-seaboard-1",
            "eastern-seaboard-rayong") in CONTAINED


@pytest.mark.parametrize("name, estate_id, other", CONTAINED,
                         ids=[f"{n}-not-{o}" for n, _, o in CONTAINED])
def test_the_most_specific_estate_name_wins(name, estate_id, other):
    for text in (name, f"มีน้ำเสียที่{name}ค่ะ", f"there is a smell at {name} today",
                 name.lower(), f"นิคม {name} ครับ"):
        assert reference.resolve_estate(text) == estate_id, text


@pytest.mark.parametrize("estate", reference.estates(), ids=lambda e: e.id)
def test_thai_names_without_tone_marks_or_thanthakhat_and_with_odd_spacing(estate):
    for name in reference.estate_names(estate):
        bare = "".join(ch for ch in name if ch not in THAI_MARKS)
        assert reference.resolve_estate(bare) == estate.id, bare
        assert reference.resolve_estate(name.replace(" ", "")) == estate.id, name
        assert reference.resolve_estate("  ".join(name.split())) == estate.id, name


@pytest.mark.parametrize("text, estate_id", [
    ("WHA ESIE 1", "wha-eastern-seaboard-1"), ("ESIE", "eastern-seaboard-rayong"),
    ("Map Ta Phut", "map-ta-phut"), ("นิคมมาบตาพุด", "map-ta-phut"),
    ("amata nakorn", "amata-city-chonburi"), ("MTP", "map-ta-phut"), ("LCB", "laem-chabang"),
    ("สมาร์ทปาร์ค", "smart-park"), ("สมารทปารค", "smart-park"), ("ปินทอง", "pinthong"),
    # Typos (rapidfuzz): one or two letters off.
    ("maptaput", "map-ta-phut"), ("laem chabung", "laem-chabang"), ("pintong", "pinthong"),
    ("wellgrowth", "wellgrow"), ("มาบตะพุด", "map-ta-phut"), ("แหลมฉะบัง", "laem-chabang"),
    ("amata city chonbury", "amata-city-chonburi"), ("blutech", "blue-tech-city"),
    ("อมตะซิตีชลบุรี", "amata-city-chonburi"), ("pintong estate", "pinthong"),
    # Thai digits, elongation, Latin names inside Thai.
    ("WHA ชลบุรี ๑", "wha-chonburi-1"), ("แหลมฉบังงงง", "laem-chabang"),
    ("นิคม WHA ESIE 1 มีกลิ่นเหม็น", "wha-eastern-seaboard-1"),
    ("Map Ta Phut wastewater smells", "map-ta-phut"),
])
def test_everyday_and_misspelt_estate_names(text, estate_id):
    assert reference.resolve_estate(text) == estate_id


@pytest.mark.parametrize("text, candidates", [
    ("อมตะ", {"amata-city-chonburi", "amata-city-rayong"}),
    ("Amata", {"amata-city-chonburi", "amata-city-rayong"}),
    ("amata city", {"amata-city-chonburi", "amata-city-rayong"}),
    ("โรงงานในอมตะมีกลิ่นเหม็น", {"amata-city-chonburi", "amata-city-rayong"}),
    ("WHA", {"wha-chonburi-1", "wha-eastern-seaboard-1", "wha-rayong"}),
    ("ดับบลิวเอชเอ", {"wha-chonburi-1", "wha-eastern-seaboard-1", "wha-rayong"}),
    ("eastern", {"eastern-seaboard-rayong", "wha-eastern-seaboard-1", "eastern-map-ta-phut",
                 "siam-eastern"}),
    ("Chonburi", {"amata-city-chonburi", "chonburi-bowin", "wha-chonburi-1"}),
])
def test_a_name_that_fits_several_estates_is_asked_about_not_guessed(text, candidates):
    assert reference.resolve_estate(text) is None
    assert {e.id for e in reference.estate_candidates(text)} == candidates


@pytest.mark.parametrize("text, lang, words", [("อมตะ", "th", ("หมายถึง", "อมตะซิตี้")),
                                               ("Amata", "en", ("Which one", "Amata City"))])
def test_did_you_mean_buttons_in_both_languages(text, lang, words):
    _, messages, _ = act(ActionAskEstate(), text=text, slots={
        "reask_reason": "unknown_estate", "reask_detail": text, "language": lang})
    buttons = messages[0]["buttons"]
    assert words[0] in messages[0]["text"]
    assert len(buttons) == 2 and all(words[1] in b["title"] for b in buttons)
    assert {b["payload"] for b in buttons} == {'/inform{"estate": "amata-city-chonburi"}',
                                               '/inform{"estate": "amata-city-rayong"}'}


@pytest.mark.parametrize("text, estate_id", [
    ("อมตะที่ระยองค่ะ", "amata-city-rayong"), ("amata in chonburi", "amata-city-chonburi"),
    ("WHA chon buri", "wha-chonburi-1"),
])
def test_the_province_named_beside_a_partial_name_settles_it(text, estate_id):
    assert reference.resolve_estate(text) == estate_id
    assert {e.id for e in reference.estate_candidates("the WHA one in Rayong")} == {
        "wha-eastern-seaboard-1", "wha-rayong"}


@pytest.mark.parametrize("text", ["อมตะ", "WHA"])
def test_the_form_asks_which_estate_when_the_name_fits_several(text):
    dispatcher = CollectingDispatcher()
    events = run(ValidateComplaintForm().run(dispatcher, tracker(
        text=f"ไฟดับที่{text}ค่ะ", intent="file_complaint", active_loop="complaint_form",
        extracted={"estate": text}, requested_slot="estate"), domain()))
    slots = slot_events(events)
    assert slots["estate"] is None and slots["reask_reason"] == "unknown_estate"
    assert slots["reask_detail"] == text


@pytest.mark.parametrize("text, lang, word", [("นิคมปินทอน", "th", "ปิ่นทอง"),
                                              ("Pinntonk estate", "en", "Pinthong")])
def test_one_close_spelling_is_offered_first(text, lang, word):
    _, messages, _ = act(ActionAskEstate(), text=text, slots={
        "reask_reason": "unknown_estate", "reask_detail": text, "language": lang})
    assert word in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == '/inform{"estate": "pinthong"}'
    assert len(messages[0]["buttons"]) == 20


SPURIOUS = ["นิคม", "estate", "industrial", "ไม่", "industrial estate", "นิคมอุตสาหกรรม",
            "the estate", "ที่นิคมครับ", "อุตสาหกรรม", "ไม่ใช่ค่ะ", "นิคมฯ", "park", "my factory",
            "in the eastern part of the industrial estate", "ok", "ครับ", "gate 3"]


@pytest.mark.parametrize("text", SPURIOUS)
def test_bare_words_name_no_estate_and_no_category(text):
    assert reference.resolve_estate(text) is None
    assert reference.resolve_category(text) is None


@pytest.mark.parametrize("text, category_id", [
    ("ไฟดับ", "power_outage"), ("ไฟตก", "power_outage"), ("ไฟดับบบบ", "power_outage"),
    ("power outages", "power_outage"), ("the power went out", "power_outage"),
    ("น้ำไม่ไหล", "water_supply"), ("น้ำไม่มาเลยค่ะ", "water_supply"),
    ("stinks", "odor"), ("it's smelly", "odor"), ("smells", "odor"), ("กลิ่นเหม็น", "odor"),
    ("เหม็นเน่ามาก", "odor"), ("ฝุ่นเยอะ", "air_pollution"), ("smog", "air_pollution"),
    ("potholes", "road_traffic"), ("traffic jams", "road_traffic"), ("floods", "flooding"),
    ("blocked drains", "flooding"), ("wastwater", "wastewater"), ("noisey", "noise"),
    ("หนวกหูมาก", "noise"), ("rubbish everywhere", "waste"), ("ขยะล้น", "waste"),
    ("gas smell near tank 4", "chemical_fire"), ("ก๊าซรั่ว", "chemical_fire"),
    ("someone stole our cables", "security"), ("thieves", "security"), ("รปภ.ไม่อยู่", "security"),
    ("Map Ta Phut wastewater smells", "wastewater"), ("น้ำเสียงของเขา", None),
])
def test_colloquial_category_words(text, category_id):
    assert reference.resolve_category(text) == category_id


@pytest.mark.parametrize("text, number", [
    ("CMP-2026-000123", "CMP-2026-000123"), ("cmp-2026-000123", "CMP-2026-000123"),
    ("cmp 2026 12", "CMP-2026-000012"), ("CMP2026000123", "CMP-2026-000123"),
    ("CMP–2026–000123", "CMP-2026-000123"), ("CMP—2026—000123", "CMP-2026-000123"),
    ("CMP-๒๕๖๙-๐๐๐๐๑๒", "CMP-2026-000012"), ("CMP-๒๐๒๖-๐๐๐๑๒๓", "CMP-2026-000123"),
    ("cmp 2569 45", "CMP-2026-000045"), ("เลขที่CMP-2026-000123ค่ะ", "CMP-2026-000123"),
    ("2026-000123", "CMP-2026-000123"), ("CMP-2026-000123 K7QM-4XPA", "CMP-2026-000123"),
    ("CMP-2026-0001234", None), ("CMP-26-000123", None), ("CMP 1999 12", None),
    ("081-234-5678", None), ("my ticket", None),
])
def test_ticket_numbers_however_typed(text, number):
    assert validators.normalise_ticket_id(text) == number


@pytest.mark.parametrize("text, phone", [
    ("๐๘๑ ๒๓๔ ๕๖๗๘", "0812345678"), ("081–234–5678", "0812345678"),
    ("โทร ๐๒-๑๒๓-๔๕๖๗ ค่ะ", "021234567"), ("+66 81 234 5678", "0812345678"),
    ("0812345678", "0812345678"), ("CMP-2026-000123", None),
])
def test_phone_numbers_in_thai_digits_and_dashes(text, phone):
    assert validators.normalise_phone(text) == phone


VAGUE = EntityResolver().vague


def _values(text: str, entities: list[dict]) -> set[tuple[str, str]]:
    return {(e["entity"], e["value"]) for e in resolve_entities(text, entities, VAGUE)}


def test_an_entity_takes_the_id_of_the_most_specific_name_it_overlaps():
    text = "WHA Eastern Seaboard 1 มีน้ำเสีย"
    diet = [{"entity": "estate", "start": 4, "end": 20, "value": "eastern-seaboard-rayong"}]
    assert _values(text, diet) == {("estate", "wha-eastern-seaboard-1"),
                                   ("complaint_category", "wastewater")}


@pytest.mark.parametrize("text, tagged", [
    ("นิคม", "นิคม"), ("the industrial estate", "industrial"), ("ไม่ค่ะ", "ไม่"),
    ("ok estate", "estate"),
])
def test_entities_that_name_nothing_are_dropped(text, tagged):
    start = text.index(tagged)
    for entity in ("estate", "complaint_category"):
        diet = [{"entity": entity, "start": start, "end": start + len(tagged), "value": tagged}]
        assert _values(text, diet) == set()


@pytest.mark.parametrize("text, expected", [
    ("Map Ta Phut wastewater smells", {("estate", "map-ta-phut"),
                                       ("complaint_category", "wastewater")}),
    ("ไฟดับบบบที่อมตะ", {("complaint_category", "power_outage"), ("estate", "อมตะ")}),
    ("เช็ค CMP-๒๕๖๙-๐๐๐๐๑๒ หน่อยค่ะ", {("ticket_id", "CMP-2026-000012")}),
    ("near the road by gate 3", set()),
    ("the WHA one in chonburi has black smoke", {("estate", "wha-chonburi-1"),
                                                 ("complaint_category", "air_pollution")}),
    ("status cmp 2026 77 please", {("ticket_id", "CMP-2026-000077")}),
])
def test_what_no_extractor_tagged_is_added_once(text, expected):
    assert _values(text, []) == expected


@pytest.mark.parametrize("text, estate_id", [
    ("สมาทปาร์คครับ", "smart-park"), ("there is a smell near wellgrowth estate", "wellgrow"),
    ("โรงงานแถวแหลมฉะบังเหม็นมาก", "laem-chabang"), ("yamatto", "yamato"),
    ("pinthonk", "pinthong"),
])
def test_a_misspelt_estate_inside_a_sentence_is_found(text, estate_id):
    assert ("estate", estate_id) in _values(text, [])


@pytest.mark.parametrize("text, category_id", [
    ("so much polution here", "air_pollution"), ("the street is flodding again", "flooding"),
    ("garbadge not collected", "waste"), ("there was an explossion", "chemical_fire"),
    ("blackot since morning", "power_outage"),
])
def test_a_misspelt_category_word_inside_a_sentence_is_found(text, category_id):
    assert _values(text, []) == {("complaint_category", category_id)}


@pytest.mark.parametrize("text", SPURIOUS + [
    "my garage door is broken", "please secure the site", "I need a solution",
    "the situation is terrible",
    "I printed the report at home", "we need a smarter plan for the park",
    "my friend from pinetown", "ขอแจ้งว่าที่บ้านมีปัญหา", "please send it to the main office",
])
def test_ordinary_sentences_get_no_estate_or_category(text):
    assert _values(text, []) == set()


def test_a_message_keeps_the_first_category_it_names():
    text = "Map Ta Phut wastewater smells"
    diet = [{"entity": "complaint_category", "start": 12, "end": 22, "value": "wastewater"},
            {"entity": "complaint_category", "start": 23, "end": 29, "value": "smells"}]
    assert _values(text, diet) == {("estate", "map-ta-phut"),
                                   ("complaint_category", "wastewater")}


def test_a_partly_tagged_ticket_number_is_completed_and_duplicates_go():
    text = "ขอเช็ค cmp 2026 12 ค่ะ"
    diet = [{"entity": "ticket_id", "start": 7, "end": 10, "value": "cmp"},
            {"entity": "ticket_id", "start": 7, "end": 18, "value": "cmp 2026 12",
             "extractor": "RegexEntityExtractor"}]
    resolved = resolve_entities(text, diet, VAGUE)
    assert [(e["value"], text[e["start"]:e["end"]]) for e in resolved] == [
        ("CMP-2026-000012", "cmp 2026 12")]
