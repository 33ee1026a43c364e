"""Complaint categories (complaint_categories.csv, copied from the domain facts) with their
Thai and English names; the industrial estates come from core.eec."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core import eec
from core.i18n import get_locale
from core.options import Option

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Category:
    id: str
    name_en: str
    name_th: str

    def label(self, lang: str | None = None) -> str:
        return self.name_th if (lang or get_locale()) == "th" else self.name_en


@lru_cache
def categories() -> dict[str, Category]:
    with open(DATA / "complaint_categories.csv", encoding="utf-8") as fh:
        return {row["id"]: Category(row["id"], row["name_en"], row["name_th"])
                for row in csv.DictReader(fh)}


def category_options() -> list[Option]:
    """In the CSV's order, which puts the common complaints first and "other" last."""
    lang = get_locale()
    return [Option(c.id, c.label(lang)) for c in categories().values()]


def category_label(category_id: str, lang: str | None = None) -> str:
    found = categories().get(category_id)
    return found.label(lang) if found else category_id


def estate_label(estate_id: str, lang: str | None = None) -> str:
    found = eec.estates().get(estate_id)
    return found.label(lang) if found else estate_id


def find_estate(text: str) -> eec.Estate | None:
    """The estate an address names: its id, or its English or Thai name (case and spacing
    ignored). The longest name that fits wins, so "WHA Chonburi Industrial Estate 1" is not
    taken for a shorter name it contains."""
    def squash(value: str) -> str:
        return "".join(value.lower().split())

    wanted = squash(text)
    if not wanted:
        return None
    if text.strip().lower() in eec.estates():
        return eec.estates()[text.strip().lower()]
    found = [(len(squash(name)), estate) for estate in eec.estates().values()
             for name in (estate.name_en, estate.name_th, estate.id) if squash(name) in wanted]
    return max(found, key=lambda pair: pair[0])[1] if found else None
