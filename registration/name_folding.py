"""Folding a juristic-person name to the key its resemblance is scored on: what two spellings
of the same name share once legal words, plurals, "and"/"&", spacing and case are set aside,
and Thai loanwords and place names are written as their English words.

`names.normalise` decides whether two names are *identical* (the register's definition);
`fold` only decides which names are *close enough to refuse* ("Rayong Ocean Industries" next
to the registered "Rayong Ocean Industry", or "บริษัท ระยอง โอเชียน อินดัสทรี จำกัด" next to
its English form)."""

from __future__ import annotations

import re
from functools import lru_cache

import geothai

# Common loanwords of business names, as Thai writes them (with their usual variant
# spellings) and the English word they stand for. Curated rather than romanised: a
# romanisation (pythainlp's royin) spells โอเชียน "ochian", which no English name matches.
LOANWORDS: dict[str, str] = {
    "อินดัสทรี": "industry", "อินดัสตรี": "industry", "อินดัสทรีย์": "industry",
    "โอเชียน": "ocean", "เทรดดิ้ง": "trading", "เทรดดิง": "trading",
    "เอ็นจิเนียริ่ง": "engineering", "เอ็นจิเนียริง": "engineering",
    "โลจิสติกส์": "logistic", "โลจิสติก": "logistic", "ฟู้ด": "food", "ฟูด": "food",
    "เคมิคอล": "chemical", "เคมีคอล": "chemical", "โซลูชั่น": "solution", "โซลูชัน": "solution",
    "คอนสตรัคชั่น": "construction", "คอนสตรัคชัน": "construction",
    "เทคโนโลยี": "technology", "อิเล็กทรอนิกส์": "electronic", "อิเล็คทรอนิคส์": "electronic",
    "พลาสติก": "plastic", "แมชชีนเนอรี่": "machinery", "แมชชีนเนอรี": "machinery",
    "แพคเกจจิ้ง": "packaging", "แพ็คเกจจิ้ง": "packaging", "ชิปปิ้ง": "shipping",
    "ทรานสปอร์ต": "transport", "พร็อพเพอร์ตี้": "property", "พร็อพเพอร์ตี": "property",
    "เอนเนอร์ยี": "energy", "เอ็นเนอร์ยี": "energy", "เอ็นเนอร์จี": "energy",
    "ดิจิทัล": "digital", "ดิจิตอล": "digital", "มารีน": "marine",
    "เอวิเอชั่น": "aviation", "กรุ๊ป": "group", "กรุ๊ปส์": "group",
    "เซอร์วิส": "service", "ซัพพลาย": "supply", "อินเตอร์เนชั่นแนล": "international",
    "อินเตอร์เนชันแนล": "international", "อินเทอร์เนชันแนล": "international",
    "ไทยแลนด์": "thailand", "โฮลดิ้ง": "holding", "เอ็นเตอร์ไพรส์": "enterprise",
    "สตีล": "steel", "เมทัล": "metal", "โปรดักส์": "product", "โปรดักท์": "product",
    "โปรดัคท์": "product", "ออโต้": "auto", "ออโต": "auto", "พาร์ท": "part", "พาร์ต": "part",
    "กรีน": "green", "โกลเด้น": "golden", "สยาม": "siam", "ไทย": "thai",
    "อีสเทิร์น": "eastern", "ซีบอร์ด": "seaboard", "เวิร์ค": "work", "เวิร์ก": "work",
    "แอร์": "air", "คาร์โก้": "cargo", "คาร์โก": "cargo", "ไบโอ": "bio", "แล็บ": "lab",
    "วัลเลย์": "valley", "ซิตี้": "city", "ซิตี": "city", "พาวเวอร์": "power",
    "ออยล์": "oil", "แก๊ส": "gas", "ปิโตรเลียม": "petroleum", "ไฟเบอร์": "fiber",
    "ยูไนเต็ด": "united", "โกลบอล": "global", "เอเชีย": "asia", "แปซิฟิก": "pacific",
    "เวิลด์": "world", "สตาร์": "star", "ริเวอร์": "river", "พอร์ท": "port",
    "พอร์ต": "port", "ฟาร์ม": "farm", "เมดิคอล": "medical", "เฮลท์": "health",
    "แคร์": "care", "โฮม": "home", "รับเบอร์": "rubber", "ซีเมนต์": "cement",
    "คอนกรีต": "concrete", "มอเตอร์": "motor", "ดีไซน์": "design", "สมาร์ท": "smart",
    "ซิสเต็มส์": "system", "ซิสเต็ม": "system", "เน็ตเวิร์ค": "network",
}
# Words that join two parts of a name and say nothing about it.
_JOINERS_TH = ("แอนด์", "และ")
_JOINERS_EN = frozenset({"and", "the"})
# Legal words anywhere in a name (at its ends they are already gone in normalise); only
# those that mean nothing else: "public" or "partnership" may be the name itself.
_LEGAL_EN = frozenset({"company", "co", "limited", "ltd", "pcl", "plc", "inc"})

_NOT_WORD = re.compile(r"[^\w\u0e00-\u0e7f]+|_")
_THAI = re.compile("[\u0e00-\u0e7f]")
_THAN_THAKHAT_S = "ส์"  # the silent plural -s of loanwords (สตีลส์, โปรดักส์)


def singular(word: str) -> str:
    """An English word without its plural ending: industries → industry, boxes → box,
    steels → steel; glass, bus and analysis are left alone."""
    if len(word) <= 3 or not word.isascii():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _thai_words() -> tuple[re.Pattern[str], dict[str, str]]:
    """Loanwords and place names (provinces and districts, from geothai) in Thai script,
    longest first, so a longer word is replaced before a shorter one inside it."""
    words = dict(LOANWORDS)
    for province in geothai.provinces():
        words.setdefault(province.name_th, province.name_en)
        for district in geothai.districts(province.code):
            name_th = district.name_th.removeprefix("เขต")
            if len(name_th) >= 4 and district.name_en:  # a short name is too often a syllable
                words.setdefault(name_th, district.name_en)
    words = {th: " " + " ".join(singular(w) for w in en.casefold().split()) + " "
             for th, en in words.items()}
    return re.compile(_trie_pattern(list(words))), words


def _trie_pattern(words: list[str]) -> str:
    """One regular expression for many words, as a trie (ระยอง|ระโนด → ระ(?:ยอง|โนด)): an
    alternation of a thousand words would be tried word by word at every letter. Longer
    words are preferred: a branch that goes on is tried before the word that ends there."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        ends = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


def fold(entity_free: str) -> str:
    """The scoring key of a name already casefolded and stripped of its legal ends
    (`names._entity_free`): Thai loanwords as English words, the rest of the Thai kept;
    English plurals singular; joiners, legal words, spaces and punctuation gone."""
    pattern, words = _thai_words()
    text = entity_free.replace("&", " and ")
    for joiner in _JOINERS_TH:
        text = text.replace(joiner, " ")
    text = pattern.sub(lambda m: words[m.group(0)], text)
    text = text.replace(_THAN_THAKHAT_S, "")
    tokens = [singular(t) for t in _NOT_WORD.sub(" ", text).split()]
    return "".join(t for t in tokens if t not in _JOINERS_EN and t not in _LEGAL_EN)


def is_latin_key(key: str) -> bool:
    """A Thai name whose every word was recognised: it can be compared with English names."""
    return bool(key) and not _THAI.search(key)
