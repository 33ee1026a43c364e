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
        names += [alias, f"{alias} Industrial Estate", f"{alias} estate"]
    for alias in extra.get("th", []):
        names += [alias, f"นิคม{alias}", f"{TH_ESTATE_PREFIX}{alias}"]
    return _dedupe(names)


def category_names(category: Category) -> list[str]:
    extra = aliases()["categories"].get(category.id, {})
    return _dedupe([category.name_en, category.name_th,
                    *extra.get("en", []), *extra.get("th", [])])


_KEY_DROP = re.compile(r"[\s.\-()ฯ,'’]+")


def match_key(text: str) -> str:
    """A spelling-insensitive key: lower case, no spaces, dots, dashes or brackets."""
    return _KEY_DROP.sub("", text.lower())


ESTATE_DECORATIONS = ("นิคมอุตสาหกรรม", "นิคม", "industrialestate", "industrialpark", "estate")


def _estate_key(text: str) -> str:
    """match_key without the words every estate name carries (นิคม…, … Industrial Estate)."""
    key = match_key(text)
    for word in ESTATE_DECORATIONS:
        key = key.replace(word, "")
    if key.endswith("ie") and len(key) > 4:  # "Map Ta Phut IE"
        key = key[:-2]
    return key


def _name_keys(items: Iterable[Any], names_of: Callable[[Any], Iterable[str]],
               key_of: Callable[[str], str]) -> dict[str, str]:
    """The match key of each item's id and of each of its names → the item's id; an id wins
    over another item's name, and the first item to claim a name keeps it."""
    keys: dict[str, str] = {}
    for item in items:
        keys[match_key(item.id)] = item.id
        for name in names_of(item):
            keys.setdefault(key_of(name), item.id)
    return keys


@lru_cache
def _estate_keys() -> dict[str, str]:
    return _name_keys(estates(), estate_names, _estate_key)


@lru_cache
def _category_keys() -> dict[str, str]:
    return _name_keys(categories(), category_names, match_key)


def _lookup(key: str, keys: dict[str, str]) -> str | None:
    """The id whose name is `key`, else the one a longer sentence mentions ("ที่นิคมปิ่นทองครับ");
    the most specific name wins: "wha eastern seaboard 1" over "eastern seaboard"."""
    if not key:
        return None
    if key in keys:
        return keys[key]
    mentioned = [alias for alias in keys if len(alias) >= 3 and alias in key]
    return keys[max(mentioned, key=len)] if mentioned else None


def resolve_estate(text: str | None) -> str | None:
    """The estate id that `text` names, or None when it names none (or several)."""
    if not text:
        return None
    return _lookup(_estate_key(str(text)), _estate_keys())


def estate_candidates(text: str | None) -> list[Estate]:
    """Estates whose names contain what the user typed ("WHA", "อมตะ"): for buttons."""
    key = _estate_key(str(text or ""))
    if len(key) < 3:
        return []
    ids = {estate_id for alias, estate_id in _estate_keys().items() if key in alias}
    return [e for e in estates() if e.id in ids]


def resolve_category(text: str | None) -> str | None:
    """The category id that `text` names or mentions, or None."""
    if not text:
        return None
    return _lookup(match_key(str(text)), _category_keys())
