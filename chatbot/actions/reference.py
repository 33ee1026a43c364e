"""Reference data the assistant talks about: industrial estates, complaint categories and the
names people use for them.

The official names come from the project's CSV files (core/data/estates.csv,
complaints/data/complaint_categories.csv), the everyday names from
reference/aliases.yml. The NLU synonyms and lookup tables are generated from the same lists
(gen_nlu_reference.py), and the actions resolve whatever text slipped past the synonym
mapper with `resolve_estate` / `resolve_category`, so the two never disagree.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CHATBOT_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = CHATBOT_DIR.parent
ESTATES_CSV = PROJECT_DIR / "core" / "data" / "estates.csv"
CATEGORIES_CSV = PROJECT_DIR / "complaints" / "data" / "complaint_categories.csv"
ALIASES_YML = CHATBOT_DIR / "reference" / "aliases.yml"

TH_ESTATE_PREFIX = "นิคมอุตสาหกรรม"
EN_ESTATE_SUFFIXES = (" Industrial Estate", " Industrial Park")
# Order of the provinces when estates are listed (Chon Buri, Rayong, Chachoengsao).
PROVINCE_ORDER = ("20", "21", "24")


@dataclass(frozen=True)
class Estate:
    id: str
    name_en: str
    name_th: str
    province_code: str
    province_en: str
    province_th: str

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    def province(self, lang: str) -> str:
        return self.province_th if lang == "th" else self.province_en

    def short_name(self, lang: str) -> str:
        """The name without "นิคมอุตสาหกรรม" / "Industrial Estate", for buttons."""
        if lang == "th":
            return self.name_th.removeprefix(TH_ESTATE_PREFIX).strip()
        name = self.name_en
        for suffix in EN_ESTATE_SUFFIXES:
            name = name.replace(suffix, "")
        return name.strip()


@dataclass(frozen=True)
class Category:
    id: str
    name_en: str
    name_th: str

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache
def estates() -> tuple[Estate, ...]:
    rows = [Estate(**row) for row in _read_csv(ESTATES_CSV)]
    return tuple(sorted(rows, key=lambda e: PROVINCE_ORDER.index(e.province_code)
                        if e.province_code in PROVINCE_ORDER else 99))


@lru_cache
def categories() -> tuple[Category, ...]:
    return tuple(Category(**row) for row in _read_csv(CATEGORIES_CSV))


@lru_cache
def aliases() -> dict:
    with open(ALIASES_YML, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def estate_by_id(estate_id: str | None) -> Estate | None:
    return next((e for e in estates() if e.id == estate_id), None)


def category_by_id(category_id: str | None) -> Category | None:
    return next((c for c in categories() if c.id == category_id), None)


def _strip_parentheses(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("(", " ").replace(")", " ")).strip()


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        name = name.strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out


def _decorated(name: str) -> bool:
    """Already carries "นิคม…" or "… Industrial Estate": decorating it again would only add
    noise such as "นิคมนิคมชลบุรี"."""
    lower = name.lower()
    return name.startswith("นิคม") or "estate" in lower or "industrial park" in lower


def estate_names(estate: Estate) -> list[str]:
    """Every spelling that names this estate: official, short, decorated and aliases."""
    extra = aliases()["estates"].get(estate.id, {})
    short_en = _strip_parentheses(estate.short_name("en"))
    short_th = _strip_parentheses(estate.short_name("th"))
    names = [estate.name_en, _strip_parentheses(estate.name_en), short_en,
             f"{short_en} estate", f"{short_en} IE",
             estate.name_th, _strip_parentheses(estate.name_th), short_th,
             f"นิคม{short_th}", f"นิคมฯ {short_th}"]
    for alias in extra.get("en", []):
        names += [alias] if _decorated(alias) else [alias, f"{alias} Industrial Estate",
                                                    f"{alias} estate"]
    for alias in extra.get("th", []):
        names += [alias] if _decorated(alias) else [alias, f"นิคม{alias}",
                                                    f"{TH_ESTATE_PREFIX}{alias}"]
    return _dedupe(names)


def category_names(category: Category) -> list[str]:
    extra = aliases()["categories"].get(category.id, {})
    return _dedupe([category.name_en, category.name_th,
                    *extra.get("en", []), *extra.get("th", [])])


# --- matching what people type ------------------------------------------------------------
#
# Text and names are compared in a folded form: lower case, Thai digits as Arabic ones, no
# spaces or punctuation, no tone marks, mai tai khu or thanthakhat (การันต์), which people
# often leave out or type twice, and a letter typed three times or more counted once
# ("ไฟดับบบบ", "helloooo"). Latin names must start and end on a word boundary ("dust" is not
# in "industrial"), and may take a plural -s or -es ("power outages").

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SKIPPED_MARKS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4e")
_SEPARATORS = frozenset(".-‐‑‒–—―−()[]{}ฯ,;:!?'’‘\"“”/\\_*#&+~")
NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"


def _is_latin_or_digit(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Folded:
    text: str
    origin: tuple[int, ...]  # where each folded character is in the original text
    breaks: frozenset[int]  # folded positions that had a space or a separator before them


def fold(text: str) -> Folded:
    chars: list[tuple[str, int]] = []
    breaks: set[int] = set()
    gap = False
    i = 0
    while i < len(text):
        ch, at = text[i].lower().translate(THAI_DIGITS), i
        i += 1
        if ch == NIKHAHIT and text[i:i + 1] == SARA_AA:  # ํา typed as two characters is ำ
            ch, i = SARA_AM, i + 1
        if ch.isspace() or ch in _SEPARATORS:
            gap = True
            continue
        if ch in _SKIPPED_MARKS:
            continue
        if gap and chars:
            breaks.add(len(chars))
        gap = False
        chars.append((ch, at))
    # An elongated letter (three or more in a row) counts once; digits are never folded.
    kept: list[tuple[str, int]] = []
    kept_breaks: set[int] = set()
    index = 0
    while index < len(chars):
        end = index + 1
        while end < len(chars) and chars[end][0] == chars[index][0] and end not in breaks:
            end += 1
        if index in breaks:
            kept_breaks.add(len(kept))
        run = chars[index:end]
        kept.extend(run[:1] if len(run) >= 3 and not run[0][0].isdigit() else run)
        index = end
    return Folded("".join(c for c, _ in kept), tuple(a for _, a in kept),
                  frozenset(kept_breaks))


def match_key(text: str) -> str:
    """The folded spelling of `text`, used to compare it with names."""
    return fold(str(text)).text


@dataclass(frozen=True)
class Name:
    key: str  # folded
    ids: tuple[str, ...]  # the item it names, or the items a partial name could mean


@dataclass(frozen=True)
class Mention:
    """A name found in a text: where (in the original text) and which item(s) it names."""
    start: int
    end: int
    text: str
    ids: tuple[str, ...]
    size: int  # folded length, to let the most specific name win

    @property
    def id(self) -> str | None:
        return self.ids[0] if len(self.ids) == 1 else None


@dataclass(frozen=True)
class Resolution:
    """What a text names: one id, or the candidates to ask about ("did you mean"), or neither."""
    id: str | None
    candidates: tuple[str, ...] = ()


MIN_KEY = 3


def _index(items: Iterable[Any], names_of: Callable[[Any], Iterable[str]],
           partial: dict[str, list[str]]) -> tuple[Name, ...]:
    """Each item's id and names → the item; an id wins over another item's name, the first
    item to claim a name keeps it, and partial names ("WHA") point at all they could mean."""
    names: dict[str, tuple[str, ...]] = {}
    items = list(items)
    for item in items:
        names[match_key(item.id)] = (item.id,)
    for item in items:
        for name in names_of(item):
            names.setdefault(match_key(name), (item.id,))
    for name, ids in (partial or {}).items():
        names.setdefault(match_key(name), tuple(ids))
    return tuple(Name(key, ids) for key, ids in names.items() if len(key) >= MIN_KEY)


@lru_cache
def estate_index() -> tuple[Name, ...]:
    return _index(estates(), estate_names, aliases().get("partial_estate_names", {}))


@lru_cache
def category_index() -> tuple[Name, ...]:
    return _index(categories(), category_names, {})


def _starts_word(folded: Folded, position: int, key: str) -> bool:
    if position == 0 or not _is_latin_or_digit(key[0]):
        return True
    return position in folded.breaks or not _is_latin_or_digit(folded.text[position - 1])


def _word_end(folded: Folded, end: int, key: str) -> int | None:
    """Where a name found at [..end) ends, with a plural -s/-es, or None if it ends mid-word."""
    if not _is_latin_or_digit(key[-1]):
        return end
    text = folded.text
    for suffix in ("", "s", "es"):
        stop = end + len(suffix)
        if suffix and (key[-1].isdigit() or text[end:stop] != suffix):
            continue
        if stop == len(text) or stop in folded.breaks or not _is_latin_or_digit(text[stop]):
            return stop
    return None


@lru_cache
def _false_friends() -> tuple[str, ...]:
    return tuple(match_key(w) for w in aliases().get("false_friends", []))


def find_mentions(text: str | None, index: tuple[Name, ...]) -> list[Mention]:
    """Every name of `index` in `text`, in text order; where names overlap, the longest wins
    ("WHA Eastern Seaboard 1" over "Eastern Seaboard", "อมตะ ชลบุรี" over "อมตะ")."""
    text = str(text or "")
    folded = fold(text)
    taken = [(m.start(), m.end()) for word in _false_friends()
             for m in re.finditer(re.escape(word), folded.text)]
    found: list[tuple[int, int, Name]] = []
    for name in index:
        position = folded.text.find(name.key)
        while position >= 0:
            end = _word_end(folded, position + len(name.key), name.key)
            inside_other_word = any(s <= position and end <= e for s, e in taken)
            if end is not None and _starts_word(folded, position, name.key) \
                    and not inside_other_word:
                found.append((position, end, name))
            position = folded.text.find(name.key, position + 1)
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0], len(f[2].ids)))
    chosen: list[tuple[int, int, Name]] = []
    for start, end, name in found:
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, name))
    mentions = []
    for start, end, name in sorted(chosen, key=lambda f: f[0]):
        first_char, last_char = folded.origin[start], folded.origin[end - 1] + 1
        mentions.append(Mention(first_char, last_char, text[first_char:last_char], name.ids,
                                end - start))
    return mentions


# Fuzzy matching (rapidfuzz) for typos: a whole short answer against every name, and for
# estates a long name inside a sentence. Short keys are never fuzzy: "dust" is one letter
# from "must"; and a typo keeps the word's first letter, as people's typos do ("polution",
# "welgrow"), so a word that differs there is another word ("solution").
FUZZY_MIN_KEY = 5
FUZZY_WHOLE_CUTOFF = 85
FUZZY_WHOLE_MAX_KEY = 40
FUZZY_SENTENCE_MIN_NAME = 7
FUZZY_SENTENCE_CUTOFF = 87
# Candidates this close to the best are as likely: ask instead of guessing.
FUZZY_TIE = 3


# Words every estate name carries, left out of the text compared fuzzily: else "estate"
# would be close to "LCB estate".
DECORATIONS = tuple(match_key(w) for w in (
    "นิคมอุตสาหกรรม", "นิคม", "อุตสาหกรรม", "industrial estate", "industrial park", "industrial",
    "estate"))


def undecorated(key: str) -> str:
    for word in DECORATIONS:
        key = key.replace(word, "")
    return key


def _fuzzy(text: str, index: tuple[Name, ...], in_sentence: bool,
           cutoff: float = FUZZY_WHOLE_CUTOFF) -> dict[str, float]:
    from rapidfuzz import fuzz, process

    key = undecorated(match_key(text))
    scores: dict[str, float] = {}
    if len(key) < FUZZY_MIN_KEY:
        return scores
    if len(key) <= FUZZY_WHOLE_MAX_KEY:
        keys = [name.key for name in index]
        for _, score, i in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff,
                                           limit=None):
            if keys[i][:1] != key[:1]:  # a typo keeps the first letter: "solution" ≠ "polution"
                continue
            for item_id in index[i].ids:
                scores[item_id] = max(scores.get(item_id, 0), score)
    if not scores and in_sentence:
        for name in index:
            # The name must be the shorter string: "industrial" is inside every long name.
            if len(name.ids) == 1 and FUZZY_SENTENCE_MIN_NAME <= len(name.key) <= len(key):
                found = fuzz.partial_ratio_alignment(name.key, key,
                                                     score_cutoff=FUZZY_SENTENCE_CUTOFF)
                # A typo keeps a word's first letter: "polution" is not in "a solution".
                if found and name.key[0] in key[found.dest_start:found.dest_start + 2]:
                    scores[name.ids[0]] = max(scores.get(name.ids[0], 0), found.score)
    return scores


def _close_call(scores: dict[str, float], order: list[str]) -> Resolution:
    if not scores:
        return Resolution(None)
    best = max(scores.values())
    close = sorted((i for i, s in scores.items() if s >= best - FUZZY_TIE), key=order.index)
    return Resolution(close[0]) if len(close) == 1 else Resolution(None, tuple(close))


def _resolve(text: str | None, index: tuple[Name, ...], order: list[str],
             in_sentence: bool) -> Resolution:
    if not text or not str(text).strip():
        return Resolution(None)
    mentions = find_mentions(str(text), index)
    named = [m for m in mentions if m.id]
    if named:
        return Resolution(max(named, key=lambda m: m.size).id)
    partial = [m for m in mentions if not m.id]
    fuzzy = _close_call(_fuzzy(str(text), index, in_sentence), order)
    if partial:
        # "Amata City Chonbury": the typo still says which of the partial name's estates.
        if fuzzy.id in partial[0].ids:
            return fuzzy
        candidates = _in_named_province(str(text), partial[0].ids)
        return Resolution(candidates[0]) if len(candidates) == 1 else Resolution(None, candidates)
    return fuzzy


def _in_named_province(text: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    """The candidates in the province the text names ("the WHA one in Rayong"), or all."""
    key = match_key(text)
    chosen = tuple(i for i in ids if (estate := estate_by_id(i)) and any(
        match_key(p) in key for p in (estate.province_en, estate.province_th)))
    return chosen or ids


def match_estate(text: str | None) -> Resolution:
    """The estate `text` names (a name, alias or typo of one), or the estates it could mean."""
    return _resolve(text, estate_index(), [e.id for e in estates()], in_sentence=True)


def match_category(text: str | None) -> Resolution:
    return _resolve(text, category_index(), [c.id for c in categories()], in_sentence=False)


def resolve_estate(text: str | None) -> str | None:
    """The estate id that `text` names, or None when it names none (or could mean several)."""
    return match_estate(text).id


def resolve_category(text: str | None) -> str | None:
    """The category id that `text` names or mentions, or None."""
    return match_category(text).id


CANDIDATE_CUTOFF = 65
MAX_CANDIDATES = 4


def estate_candidates(text: str | None) -> list[Estate]:
    """The estates a user may have meant ("WHA", "อมตะ", "Amata Cty"): for "did you mean"
    buttons. Empty when nothing is close; then the whole list is offered."""
    resolution = match_estate(text)
    ids: set[str] = set(resolution.candidates)
    if resolution.id:
        ids.add(resolution.id)
    if not ids:
        key = undecorated(match_key(str(text or "")))
        if len(key) >= MIN_KEY:  # a piece of a name: "eastern", "city"
            ids = {i for name in estate_index() if key in name.key for i in name.ids}
    if not ids:
        scores = _fuzzy(str(text or ""), estate_index(), in_sentence=False,
                        cutoff=CANDIDATE_CUTOFF)
        ids = set(sorted(scores, key=scores.get, reverse=True)[:MAX_CANDIDATES])
    return [e for e in estates() if e.id in ids]


def fuzzy_estate_mention(text: str | None) -> Mention | None:
    """Where a misspelt estate name sits in a sentence ("สมาทปาร์คครับ", "near wellgrowth"):
    the long name closest to a stretch of the text, at partial ratio ≥ 87, or None."""
    from rapidfuzz import fuzz

    text = str(text or "")
    folded = fold(text)
    best: tuple[float, int, int, Name] | None = None
    keys = {name.key for name in estate_index()}
    for name in estate_index():
        # The name without "estate" / "นิคม": else "LCB estate" is close to "industrial estate".
        # Only a name that is one undecorated too: "Eastern Industrial Estate" is no "eastern".
        needle = undecorated(name.key)
        if len(name.ids) != 1 or needle not in keys \
                or not FUZZY_SENTENCE_MIN_NAME <= len(needle) <= len(folded.text):
            continue
        found = fuzz.partial_ratio_alignment(needle, folded.text,
                                             score_cutoff=FUZZY_SENTENCE_CUTOFF)
        if found and (best is None or (found.score, len(needle)) > (best[0], best[2] - best[1])):
            best = (found.score, found.dest_start, found.dest_end, name)
    if best is None:
        return None
    _, start, end, name = best
    first_char, last_char = folded.origin[start], folded.origin[end - 1] + 1
    return Mention(first_char, last_char, text[first_char:last_char], name.ids, end - start)


LATIN_WORD = re.compile("[A-Za-z]{7,}")
FUZZY_WORD_CUTOFF = 85


def fuzzy_category_mention(text: str | None) -> Mention | None:
    """A misspelt one-word category name in a sentence ("polution", "flodding", "garbadge"):
    Latin words of seven letters or more against the one-word names as long, ratio ≥ 85."""
    from rapidfuzz import fuzz

    text = str(text or "")
    words = {name.key: name for name in category_index()
             if len(name.ids) == 1 and name.key.isalpha() and name.key.isascii()
             and len(name.key) >= 7}
    best: tuple[float, re.Match, Name] | None = None
    for match in LATIN_WORD.finditer(text):
        word = match.group(0).lower()
        for key, name in words.items():
            if key[0] != word[0]:  # a typo keeps the first letter (see FUZZY_MIN_KEY)
                continue
            score = fuzz.ratio(word, key, score_cutoff=FUZZY_WORD_CUTOFF)
            if score and (best is None or score > best[0]):
                best = (score, match, name)
    if best is None:
        return None
    _, match, name = best
    return Mention(match.start(), match.end(), match.group(0), name.ids, len(match.group(0)))
