"""EEC reference data: provinces, industrial estates and promoted zones (estates.csv, copied
from the domain facts), and the eleven target industries (S-curve) plus "other"."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import N_, register_messages
from core.i18n import get_locale, message
from core.options import Option

DATA = Path(__file__).resolve().parent / "data"

EEC_PROVINCES = {"20": ("Chon Buri", "ชลบุรี"), "21": ("Rayong", "ระยอง"),
                 "24": ("Chachoengsao", "ฉะเชิงเทรา")}

# Target industries as the domain facts list them; the ids are our stable codes.
TARGET_INDUSTRIES = {
    "next_gen_automotive": N_("Next-generation automotive"),
    "smart_electronics": N_("Smart electronics"),
    "medical_wellness_tourism": N_("Affluent, medical and wellness tourism"),
    "agriculture_biotech": N_("Agriculture and biotechnology"),
    "food_for_future": N_("Food for the future"),
    "robotics": N_("Robotics"),
    "aviation_logistics": N_("Aviation and logistics"),
    "biofuels_biochemicals": N_("Biofuels and biochemicals"),
    "digital": N_("Digital"),
    "medical_hub": N_("Medical hub"),
    "defence": N_("Defence"),
    "other": N_("Other industry"),
}
register_messages({f"industry.{k}": v for k, v in TARGET_INDUSTRIES.items()})


@dataclass(frozen=True)
class Estate:
    id: str
    name_en: str
    name_th: str
    province_code: str

    def label(self, lang: str | None = None) -> str:
        return self.name_th if (lang or get_locale()) == "th" else self.name_en


@lru_cache
def estates() -> dict[str, Estate]:
    with open(DATA / "estates.csv", encoding="utf-8") as fh:
        return {
            row["id"]: Estate(row["id"], row["name_en"], row["name_th"], row["province_code"])
            for row in csv.DictReader(fh)
        }


def estate_options(province_code: str | None = None) -> list[Option]:
    lang = get_locale()
    found = [e for e in estates().values() if not province_code or e.province_code == province_code]
    return sorted((Option(e.id, e.label(lang)) for e in found), key=lambda o: o.label)


def province_options() -> list[Option]:
    th = get_locale() == "th"
    return [Option(code, names[1] if th else names[0]) for code, names in EEC_PROVINCES.items()]


def industry_options() -> list[Option]:
    return [Option(code, message(f"industry.{code}")) for code in TARGET_INDUSTRIES]
