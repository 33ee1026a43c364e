"""Thai addresses: the province → district → subdistrict → postal code cascade, its checks and
its one-line rendering, all read from the offline geothai data set."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

import geothai
from geothai.abolished import abolished_areas
from pythainlp.util import collate, thai_digit_to_arabic_digit

from core.errors import N_, FieldError, register_messages
from core.options import Option

Lang = Literal["th", "en"]

# DOPA codes of the three Eastern Economic Corridor provinces: Chon Buri, Rayong, Chachoengsao.
EEC_PROVINCE_CODES: frozenset[str] = frozenset({"20", "21", "24"})

BANGKOK_CODE = "10"

MESSAGES: dict[str, str] = {
    "address.required": N_("Please fill in this part of the address."),
    "address.unknown": N_("Please choose a province from the list."),
    "address.mismatch": N_("This does not belong to the area chosen above. Please choose again."),
    "address.postal_format": N_("A postal code has 5 digits."),
    "address.postal_mismatch": N_(
        "This postal code does not match the subdistrict. Expected: {expected}."
    ),
}
register_messages(MESSAGES)

_POSTAL_CODE = re.compile(r"[0-9]{5}")


def _check_lang(lang: str) -> None:
    if lang not in ("th", "en"):
        raise ValueError(f"unsupported language {lang!r}; expected 'th' or 'en'")


def _label(area: geothai.Province | geothai.District | geothai.Subdistrict, lang: str) -> str:
    return area.name_th if lang == "th" else area.name_en


def sort_options(options: list[Option], lang: str) -> tuple[Option, ...]:
    """Sort by label: Thai dictionary order for th (leading vowels such as เ-, แ- do not sort
    last, as they would by code point), case-insensitive for en; the code breaks ties."""
    if lang == "th":
        rank = {label: i for i, label in enumerate(collate({o.label for o in options}))}
        return tuple(sorted(options, key=lambda o: (rank[o.label], o.code)))
    return tuple(sorted(options, key=lambda o: (o.label.casefold(), o.code)))


# The caches hold tuples so a caller cannot mutate a cached answer; the public functions hand
# out fresh lists. They are bounded because the codes come straight from requests.
@lru_cache(maxsize=4)
def _provinces(lang: str) -> tuple[Option, ...]:
    return sort_options([Option(p.code, _label(p, lang)) for p in geothai.provinces()], lang)


@lru_cache(maxsize=512)
def _districts(province_code: str, lang: str) -> tuple[Option, ...]:
    areas = geothai.districts(province_code)
    return sort_options([Option(d.code, _label(d, lang)) for d in areas], lang)


@lru_cache(maxsize=4096)
def _subdistricts(district_code: str, lang: str) -> tuple[Option, ...]:
    areas = geothai.subdistricts(district_code)
    return sort_options([Option(s.code, _label(s, lang)) for s in areas], lang)


def provinces(lang: Lang) -> list[Option]:
    """All 77 provinces (Bangkok included), sorted by their name in `lang`."""
    _check_lang(lang)
    return list(_provinces(lang))


def districts(province_code: str, lang: Lang) -> list[Option]:
    """The districts (อำเภอ, or เขต in Bangkok) of a province; empty for an unknown code."""
    _check_lang(lang)
    return list(_districts(province_code, lang))


def subdistricts(district_code: str, lang: Lang) -> list[Option]:
    """The subdistricts (ตำบล, or แขวง in Bangkok) of a district; empty for an unknown code."""
    _check_lang(lang)
    return list(_subdistricts(district_code, lang))


def postal_codes(subdistrict_code: str) -> list[str]:
    """Postal codes used in a subdistrict (some span two post-office zones); empty if unknown."""
    found = geothai.subdistrict(subdistrict_code)
    return sorted(found.postal_codes) if found else []


def _clean(value: str | None) -> str:
    # Thai keyboards type Thai numerals (๒๐๒๓๐); store and compare Arabic digits.
    return thai_digit_to_arabic_digit((value or "").strip())


def check_address(
    province_code: str | None,
    district_code: str | None,
    subdistrict_code: str | None,
    postal_code: str | None,
    field_prefix: str = "",
) -> list[FieldError]:
    """Check that the four parts are present and nest inside each other; one error per field."""
    province_code, district_code = _clean(province_code), _clean(district_code)
    subdistrict_code, postal_code = _clean(subdistrict_code), _clean(postal_code)
    errors: list[FieldError] = []

    def fail(name: str, key: str, **params: str) -> None:
        errors.append(FieldError(f"{field_prefix}{name}", key, params))

    province = geothai.province(province_code) if province_code else None
    if not province_code:
        fail("province", "address.required")
    elif province is None:
        fail("province", "address.unknown")

    district = geothai.district(district_code) if district_code else None
    if not district_code:
        fail("district", "address.required")
    elif district is None or (province and district.province_code != province.code):
        fail("district", "address.mismatch")

    subdistrict = geothai.subdistrict(subdistrict_code) if subdistrict_code else None
    if not subdistrict_code:
        fail("subdistrict", "address.required")
    elif subdistrict is None or (district and subdistrict.district_code != district.code):
        fail("subdistrict", "address.mismatch")

    if not postal_code:
        fail("postal_code", "address.required")
    elif not _POSTAL_CODE.fullmatch(postal_code):
        fail("postal_code", "address.postal_format")
    elif subdistrict and postal_code not in subdistrict.postal_codes:
        fail("postal_code", "address.postal_mismatch", expected=", ".join(subdistrict.postal_codes))

    return errors


@lru_cache(maxsize=1)
def _abolished_names() -> dict[str, tuple[str, str]]:
    # Saved records may hold a code DOPA has since abolished; they must still print.
    return {a.code: (a.name_th, a.name_en or a.name_th) for a in abolished_areas()}


def _area_name(code: str, lang: str, find: Callable[[str], Any]) -> str:
    area = find(code)
    if area is not None:
        return _label(area, lang)
    if code in _abolished_names():
        name_th, name_en = _abolished_names()[code]
        return name_th if lang == "th" else name_en
    raise ValueError(f"unknown area code {code!r}")


def describe_address(
    house: str,
    street: str,
    subdistrict_code: str,
    district_code: str,
    province_code: str,
    postal_code: str,
    lang: Lang,
) -> str:
    """One line for letters and certificates, e.g. '99/1 ต.ทุ่งสุขลา อ.ศรีราชา จ.ชลบุรี 20230' or
    '99/1, Thung Sukhla, Si Racha, Chon Buri 20230'. Raises ValueError for a code never used."""
    _check_lang(lang)
    subdistrict = _area_name(subdistrict_code, lang, geothai.subdistrict)
    district = _area_name(district_code, lang, geothai.district)
    province = _area_name(province_code, lang, geothai.province)
    # The user types street with its own word (ถนน, ซอย, Road, Soi), so none is added here.
    street_part = " ".join(p.strip() for p in (house, street) if p and p.strip())
    postal_code = _clean(postal_code)

    if lang == "th":
        if province_code == BANGKOK_CODE:
            # Bangkok has แขวง/เขต, not ตำบล/อำเภอ, and is not a จังหวัด; geothai's Bangkok
            # district names already begin with เขต.
            area = [f"แขวง{subdistrict}", district, province]
        else:
            area = [f"ต.{subdistrict}", f"อ.{district}", f"จ.{province}"]
        return " ".join(p for p in [street_part, *area, postal_code] if p)

    area_line = ", ".join(p for p in [street_part, subdistrict, district, province] if p)
    return f"{area_line} {postal_code}" if postal_code else area_line
