"""Address cascade, checks and rendering against the real geothai data."""

import pytest

from core.errors import MESSAGES
from core.options import Option
from registration import address
from registration.address import EEC_PROVINCE_CODES, check_address, describe_address

# Chon Buri (20) → Si Racha (2007) → Thung Sukhla (200703), postal code 20230 in geothai.
CHON_BURI, SI_RACHA, THUNG_SUKHLA = "20", "2007", "200703"
# Nong Kham (200705) spans two post-office zones.
NONG_KHAM = "200705"
# Rayong's capital district, to build addresses that cross provinces.
MUEANG_RAYONG = "2101"


def codes(options):
    return [o.code for o in options]


def test_eec_provinces_have_their_names_in_both_languages():
    th = {o.code: o.label for o in address.provinces("th")}
    en = {o.code: o.label for o in address.provinces("en")}
    assert EEC_PROVINCE_CODES == {"20", "21", "24"}
    assert {c: th[c] for c in EEC_PROVINCE_CODES} == {
        "20": "ชลบุรี",
        "21": "ระยอง",
        "24": "ฉะเชิงเทรา",
    }
    assert {c: en[c] for c in EEC_PROVINCE_CODES} == {
        "20": "Chon Buri",
        "21": "Rayong",
        "24": "Chachoengsao",
    }


def test_provinces_are_sorted_by_label_in_each_language():
    en = address.provinces("en")
    th = address.provinces("th")
    assert len(en) == len(th) == 77
    assert [o.label for o in en] == sorted((o.label for o in en), key=str.casefold)
    assert en[0] == Option("37", "Amnat Charoen")
    assert th[0] == Option("81", "กระบี่")


def test_thai_names_starting_with_a_leading_vowel_sort_by_their_consonant():
    # By code point every เ-/แ-/โ- name would come after ฮ; in Thai order เชียงใหม่ files under ช.
    labels = [o.label for o in address.provinces("th")]
    assert labels.index("เชียงใหม่") < labels.index("ตาก")
    assert labels.index("แพร่") < labels.index("ภูเก็ต")


def test_districts_of_chon_buri():
    districts = address.districts(CHON_BURI, "en")
    assert Option(SI_RACHA, "Si Racha") in districts
    assert all(code.startswith("20") for code in codes(districts))
    assert len(districts) == 11
    assert Option(SI_RACHA, "ศรีราชา") in address.districts(CHON_BURI, "th")


def test_subdistricts_of_si_racha():
    assert Option(THUNG_SUKHLA, "Thung Sukhla") in address.subdistricts(SI_RACHA, "en")
    assert Option(THUNG_SUKHLA, "ทุ่งสุขลา") in address.subdistricts(SI_RACHA, "th")
    assert len(address.subdistricts(SI_RACHA, "th")) == 8


def test_unknown_codes_give_empty_lists():
    assert address.districts("99", "en") == []
    assert address.subdistricts("9999", "th") == []
    assert address.postal_codes("999999") == []


def test_postal_codes():
    assert address.postal_codes(THUNG_SUKHLA) == ["20230"]
    assert address.postal_codes(NONG_KHAM) == ["20110", "20230"]


def test_lookups_are_cached_and_callers_cannot_corrupt_the_cache():
    first = address.districts(CHON_BURI, "th")
    hits = address._districts.cache_info().hits
    first.clear()
    again = address.districts(CHON_BURI, "th")
    assert address._districts.cache_info().hits == hits + 1
    assert len(again) == 11


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError):
        address.provinces("fr")


def test_valid_address_passes():
    assert check_address(CHON_BURI, SI_RACHA, THUNG_SUKHLA, "20230") == []
    assert check_address(CHON_BURI, SI_RACHA, NONG_KHAM, "20110") == []
    assert check_address(CHON_BURI, SI_RACHA, NONG_KHAM, "20230") == []


def test_thai_numerals_and_spaces_in_the_postal_code_are_accepted():
    assert check_address(CHON_BURI, SI_RACHA, THUNG_SUKHLA, " ๒๐๒๓๐ ") == []


def test_every_missing_part_is_required_with_the_field_prefix():
    errors = check_address("", None, " ", "", field_prefix="head_office_")
    assert [(e.field, e.key) for e in errors] == [
        ("head_office_province", "address.required"),
        ("head_office_district", "address.required"),
        ("head_office_subdistrict", "address.required"),
        ("head_office_postal_code", "address.required"),
    ]


def test_unknown_province():
    errors = check_address("99", SI_RACHA, THUNG_SUKHLA, "20230")
    assert [(e.field, e.key) for e in errors] == [("province", "address.unknown")]


def test_district_outside_the_province():
    errors = check_address(CHON_BURI, MUEANG_RAYONG, THUNG_SUKHLA, "20230")
    assert ("district", "address.mismatch") in [(e.field, e.key) for e in errors]


def test_subdistrict_outside_the_district():
    ban_bueng = address.districts(CHON_BURI, "en")[0].code  # Ban Bueng, also in Chon Buri
    assert ban_bueng == "2002"
    errors = check_address(CHON_BURI, ban_bueng, THUNG_SUKHLA, "20230")
    assert [(e.field, e.key) for e in errors] == [("subdistrict", "address.mismatch")]


@pytest.mark.parametrize("postal", ["2023", "202300", "2023a", "20 230"])
def test_postal_code_must_be_five_digits(postal):
    errors = check_address(CHON_BURI, SI_RACHA, THUNG_SUKHLA, postal)
    assert [(e.field, e.key) for e in errors] == [("postal_code", "address.postal_format")]


def test_postal_code_of_another_zone_names_the_expected_code():
    errors = check_address(CHON_BURI, SI_RACHA, THUNG_SUKHLA, "20110", field_prefix="p_")
    assert len(errors) == 1
    assert errors[0].field == "p_postal_code"
    assert errors[0].key == "address.postal_mismatch"
    assert errors[0].params == {"expected": "20230"}


def test_postal_mismatch_lists_every_code_of_a_two_zone_subdistrict():
    errors = check_address(CHON_BURI, SI_RACHA, NONG_KHAM, "20000")
    assert errors[0].params == {"expected": "20110, 20230"}


def test_describe_address_in_thai_uses_short_forms():
    line = describe_address("99/1", "ถนนสุขุมวิท", THUNG_SUKHLA, SI_RACHA, CHON_BURI, "20230", "th")
    assert line == "99/1 ถนนสุขุมวิท ต.ทุ่งสุขลา อ.ศรีราชา จ.ชลบุรี 20230"


def test_describe_address_in_english():
    line = describe_address("99/1", "", THUNG_SUKHLA, SI_RACHA, CHON_BURI, "20230", "en")
    assert line == "99/1, Thung Sukhla, Si Racha, Chon Buri 20230"


def test_describe_bangkok_address_uses_khwaeng_and_khet():
    # 100101 Phra Borom Maha Ratchawang, 1001 Phra Nakhon, Bangkok.
    line = describe_address("1", "ถนนหน้าพระลาน", "100101", "1001", "10", "10200", "th")
    assert line == "1 ถนนหน้าพระลาน แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร 10200"
    assert "ต." not in line and "อ." not in line and "จ." not in line


def test_describe_address_of_an_abolished_subdistrict_still_prints():
    # 100205 (Bang Sue, in Dusit) was abolished in 2006; old records can still hold it.
    line = describe_address("5", "", "100205", "1002", "10", "10800", "en")
    assert line == "5, Bang Sue, Dusit, Bangkok 10800"


def test_describe_address_refuses_a_code_never_used():
    with pytest.raises(ValueError):
        describe_address("5", "", "999999", SI_RACHA, CHON_BURI, "20230", "en")


def test_message_keys_are_registered():
    for key in address.MESSAGES:
        assert MESSAGES[key] == address.MESSAGES[key]
    assert "{expected}" in MESSAGES["address.postal_mismatch"]
