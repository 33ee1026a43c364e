"""Near-duplicate names are refused, different ones are not: the resemblance key folds plurals,
"and"/"&", legal words, punctuation, spacing, case and Thai loanwords before scoring (issue 14)."""

from __future__ import annotations

import pytest

from core.i18n import message, set_locale
from registration.names import NameIndex, RegisteredName, check_name_available, resemblance_key

REGISTERED = [
    RegisteredName("0215500000001", "บริษัท ระยอง โอเชียน อินดัสตรี จำกัด",
                   "Rayong Ocean Industry Co., Ltd."),
    RegisteredName("0205500000002", "บริษัท ชลบุรี สตีล แอนด์ เมทัล จำกัด",
                   "Chon Buri Steel and Metal Company Limited"),
    RegisteredName("0245500000003", "บริษัท แปดริ้ว ฟู้ด โปรดักส์ จำกัด (มหาชน)",
                   "Paet Rio Food Products Public Company Limited"),
    RegisteredName("0215500000004", "บริษัท มาบตาพุด เคมิคอล จำกัด",
                   "Map Ta Phut Chemical Co., Ltd."),
    RegisteredName("0205500000005", "บริษัท ศรีราชา โลจิสติกส์ จำกัด",
                   "Si Racha Logistics Co., Ltd."),
    RegisteredName("0215500000006", "บริษัท บ้านฉาง กรีน เอ็นเนอร์ยี จำกัด",
                   "Ban Chang Green Energy Co., Ltd."),
]

# (Thai name or None, English name or None): each must be flagged against REGISTERED.
NEAR_DUPLICATES = [
    (None, "Rayong Ocean Industries Co., Ltd."),
    (None, "RAYONG OCEAN INDUSTRY COMPANY LIMITED"),
    (None, "Rayong-Ocean Industry Co.,Ltd."),
    (None, "Rayong Oceans Industry Company Limited"),
    (None, "The Rayong Ocean Industry Co., Ltd."),
    ("บริษัท ระยอง โอเชียน อินดัสทรี จำกัด", None),
    ("บริษัท ระยองโอเชียนอินดัสทรีส์ จำกัด", None),
    ("บริษัท ระยอง โอเชียน อินดัสตรี จำกัด (มหาชน)", None),
    (None, "Chon Buri Steel & Metal Co., Ltd."),
    (None, "Chonburi Steels and Metals Company Limited"),
    ("บริษัท ชลบุรี สตีล และ เมทัล จำกัด", None),
    ("บริษัท ชลบุรีสตีลเมทัล จำกัด", None),
    (None, "Paet Rio Food Product Public Company Limited"),
    ("บริษัท แปดริ้วฟู้ดส์โปรดักส์ จำกัด (มหาชน)", None),
    (None, "Map Ta Phut Chemicals Co., Ltd."),
    ("บริษัท มาบตาพุด เคมีคอล จำกัด", None),
    (None, "Si Racha Logistic Company Limited"),
    ("บริษัท ศรีราชา โลจิสติก จำกัด", None),
    (None, "Ban Chang Green Energies Co., Ltd."),
    ("บริษัท บ้านฉาง กรีน เอนเนอร์ยี จำกัด", None),
    # A Thai name that is the registered English name in Thai letters.
    ("บริษัท บ้านฉาง กรีน เอ็นเนอร์ยี่ จำกัด", None),
    ("บริษัท ชลบุรี สตีล แอนด์ เมทัล จำกัด", "Chon Buri Steel and Metal Co., Ltd."),
]

# Each must not be flagged: other words, not other spellings of the same ones.
DIFFERENT = [
    ("บริษัท ระยอง ริเวอร์ ฟาร์ม จำกัด", "Rayong River Farm Co., Ltd."),
    ("บริษัท ชลบุรี ซีเมนต์ จำกัด", "Chon Buri Cement Co., Ltd."),
    ("บริษัท แปดริ้ว มอเตอร์ จำกัด", "Paet Rio Motor Co., Ltd."),
    ("บริษัท มาบตาพุด พอร์ท เซอร์วิส จำกัด", "Map Ta Phut Port Service Co., Ltd."),
    ("บริษัท ศรีราชา เมดิคอล แคร์ จำกัด", "Si Racha Medical Care Co., Ltd."),
    ("บริษัท บ้านฉาง ไบโอแล็บ จำกัด", "Ban Chang Biolab Co., Ltd."),
    ("บริษัท ขนมไทยแม่ลำดวน จำกัด", "Mae Lamduan Thai Desserts Co., Ltd."),
    ("บริษัท ระยอง โอเชียน ดีไซน์ จำกัด", "Rayong Ocean Design Co., Ltd."),
    ("บริษัท ชลบุรี สตีล ดีไซน์ จำกัด", "Chon Buri Steel Design Co., Ltd."),
    ("บริษัท อู่ตะเภา แอร์คาร์โก้ จำกัด", "U-Tapao Air Cargo Co., Ltd."),
    ("บริษัท สัตหีบ มารีน จำกัด", "Sattahip Marine Co., Ltd."),
    # "Public" inside a name is a word of the name, not the legal form.
    ("บริษัท มาบตาพุด พับลิค เคมิคอล จำกัด", "Map Ta Phut Public Chemical Co., Ltd."),
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(REGISTERED)


@pytest.mark.parametrize(("name_th", "name_en"), NEAR_DUPLICATES)
def test_near_duplicates_are_flagged(index, name_th, name_en):
    errors = check_name_available(index, name_th, name_en)
    assert errors, f"{name_th or name_en} looks available"
    assert {e.key for e in errors} <= {"name.identical", "name.similar"}


@pytest.mark.parametrize(("name_th", "name_en"), DIFFERENT)
def test_different_names_are_not_flagged(index, name_th, name_en):
    assert index.find_conflicts(name_th, name_en) == []
    assert check_name_available(index, name_th, name_en) == []


def test_the_table_is_as_large_as_the_issue_asks():
    assert len(NEAR_DUPLICATES) >= 20 and len(DIFFERENT) >= 10
    assert sum(1 for th, _en in NEAR_DUPLICATES if th) >= 8
    assert sum(1 for _th, en in NEAR_DUPLICATES if en) >= 8


def test_rayong_ocean_industries_names_the_registered_industry_in_both_languages(
        index):
    errors = check_name_available(index, None, "Rayong Ocean Industries Co., Ltd.")
    assert [(e.field, e.key) for e in errors] == [("name_en", "name.similar")]
    assert "Rayong Ocean Industry Co., Ltd." in errors[0].params["names"]
    set_locale("th")
    assert message(errors[0].key, errors[0].params).startswith("ชื่อนี้")
    set_locale("en")
    assert "too close to an existing name" in message(errors[0].key, errors[0].params)


@pytest.mark.parametrize(("a", "b"), [
    ("Rayong Ocean Industries Co., Ltd.", "Rayong Ocean Industry Company Limited"),
    ("Chon Buri Steel & Metal Ltd", "chonburi steel and metal co ltd"),
    ("บริษัท ระยอง โอเชียน อินดัสทรี จำกัด", "Rayong Ocean Industry Co., Ltd."),
    ("บริษัท สยามสตีลส์ จำกัด", "บริษัท สยาม สตีล จำกัด"),
])
def test_spellings_of_one_name_share_a_resemblance_key(a, b):
    assert resemblance_key(a) == resemblance_key(b)
