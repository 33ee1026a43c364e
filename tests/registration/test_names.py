"""Name form rules, normalisation, the similarity index and the seed register."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from core import errors
from registration.names import (
    MESSAGES,
    SIMILARITY_THRESHOLD,
    EntityType,
    NameIndex,
    RegisteredName,
    check_name_available,
    check_name_form,
    clean_text,
    entity_label,
    normalise,
    resemblance_key,
)
from registration.register_seed import generate_register

LC = EntityType.LIMITED_COMPANY
PLC = EntityType.PUBLIC_LIMITED_COMPANY
ROP = EntityType.REGISTERED_PARTNERSHIP
LP = EntityType.LIMITED_PARTNERSHIP


def keys(errs):
    return {e.field: e.key for e in errs}


# --- name forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity_type", "name_th", "name_en"),
    [
        (LC, "บริษัท สยามสตีล จำกัด", "Siam Steel Company Limited"),
        (LC, "บริษัท สยาม สตีล จำกัด", "Siam Steel Co., Ltd."),
        (LC, "บริษัทชลบุรีเทรดดิ้งจำกัด", "CHONBURI TRADING CO.,LTD."),
        (PLC, "บริษัท ระยอง เคมิคอล จำกัด (มหาชน)", "Rayong Chemical Public Company Limited"),
        (ROP, "ห้างหุ้นส่วนสามัญนิติบุคคล แหลมฉบัง โลจิสติกส์",
         "Laem Chabang Logistics Registered Ordinary Partnership"),
        (LP, "ห้างหุ้นส่วนจำกัด ศรีราชา ฟู้ด", "Sriracha Food Limited Partnership"),
        (LC, "บริษัท ๓ พี่น้อง ออโตพาร์ท จำกัด", "3 Brothers Auto Parts Co., Ltd."),
    ],
)
def test_valid_names_pass_for_each_entity_type(entity_type, name_th, name_en):
    assert check_name_form(entity_type, name_th, name_en) == []


def test_thai_name_with_english_suffix_is_refused_with_the_thai_form():
    errs = check_name_form(LC, "บริษัท สยามสตีล Co., Ltd.", "Siam Steel Co., Ltd.")
    assert [(e.field, e.key) for e in errs] == [("name_th", "name.th_english_suffix")]
    assert errs[0].params == {"expected": "บริษัท … จำกัด", "found": "Co., Ltd."}


def test_english_name_written_in_thai_script_is_refused():
    errs = check_name_form(LC, "บริษัท สยามสตีล จำกัด", "บริษัท สยามสตีล จำกัด")
    assert keys(errs) == {"name_en": "name.en_thai_script"}


def test_english_name_in_another_script_is_refused():
    errs = check_name_form(LC, "บริษัท สยามสตีล จำกัด", "暹罗钢铁 Co., Ltd.")
    assert keys(errs) == {"name_en": "name.en_not_latin"}


def test_latin_letters_in_the_thai_name_are_refused():
    errs = check_name_form(LC, "บริษัท ABC จำกัด", "ABC Co., Ltd.")
    assert keys(errs) == {"name_th": "name.th_latin"}


@pytest.mark.parametrize(
    ("entity_type", "name_th", "key", "params"),
    [
        (LC, "สยามสตีล จำกัด", "name.th_prefix",
         {"prefix": "บริษัท", "expected": "บริษัท … จำกัด"}),
        (LC, "บริษัท สยามสตีล", "name.th_suffix",
         {"suffix": "จำกัด", "expected": "บริษัท … จำกัด"}),
        (LP, "ห้างหุ้นส่วนสามัญ สยามสตีล", "name.th_prefix",
         {"prefix": "ห้างหุ้นส่วนจำกัด", "expected": "ห้างหุ้นส่วนจำกัด …"}),
        (LC, "ห้างหุ้นส่วนจำกัด สยามสตีล", "name.th_other_type",
         {"expected": "บริษัท … จำกัด"}),
        (PLC, "บริษัท สยามสตีล จำกัด", "name.th_other_type",
         {"expected": "บริษัท … จำกัด (มหาชน)"}),
        (LC, "บริษัท จำกัด", "name.distinctive_empty", {"expected": "บริษัท … จำกัด"}),
        (ROP, "ห้างหุ้นส่วนสามัญนิติบุคคล", "name.distinctive_empty",
         {"expected": "ห้างหุ้นส่วนสามัญนิติบุคคล …"}),
    ],
)
def test_wrong_thai_form_says_which_form_is_expected(entity_type, name_th, key, params):
    errs = [e for e in check_name_form(entity_type, name_th, None) if e.field == "name_th"]
    assert [(e.key, e.params) for e in errs] == [(key, params)]


@pytest.mark.parametrize(
    ("entity_type", "name_en", "key"),
    [
        (LC, "Siam Steel", "name.en_suffix"),
        (LC, "Siam Steel Public Company Limited", "name.en_other_type"),
        (PLC, "Siam Steel Co., Ltd.", "name.en_other_type"),
        (LP, "Siam Steel Registered Ordinary Partnership", "name.en_other_type"),
        (LC, "Co., Ltd.", "name.distinctive_empty"),
        (LC, "  ", "name.en_required"),
    ],
)
def test_wrong_english_form_is_refused(entity_type, name_en, key):
    errs = [e for e in check_name_form(entity_type, None, name_en) if e.field == "name_en"]
    assert [e.key for e in errs] == [key]


def test_empty_names_are_required_and_the_field_prefix_is_applied():
    errs = check_name_form(LC, "", None, field_prefix="choice_1.")
    assert keys(errs) == {"choice_1.name_th": "name.th_required",
                          "choice_1.name_en": "name.en_required"}


def test_names_over_200_characters_are_too_long():
    long_th = "บริษัท " + "ก" * 200 + " จำกัด"
    errs = check_name_form(LC, long_th, "A" * 190 + " Co., Ltd.")
    assert keys(errs) == {"name_th": "name.too_long"}
    assert errs[0].params == {"max": 200}


@pytest.mark.parametrize(
    ("name_th", "name_en", "word_th", "word_en"),
    [
        ("บริษัท ธนาคารตะวันออก จำกัด", "Eastern Bank Co., Ltd.", "ธนาคาร", "Bank"),
        ("บริษัท ระยอง ประกันภัย จำกัด", "Rayong Insurance Co., Ltd.", "ประกันภัย", "Insurance"),
        ("บริษัท กระทรวงการค้า จำกัด", "Thailand Government Trading Co., Ltd.",
         "กระทรวง", "Government"),
        ("บริษัท สหกรณ์ชลบุรี จำกัด", "Chonburi Cooperative Co., Ltd.", "สหกรณ์", "Cooperative"),
        ("บริษัท ราชวงศ์ จำกัด", "Royal Siam Co., Ltd.", "ราชวงศ์", "Royal"),
    ],
)
def test_forbidden_words_are_flagged_in_both_forms(name_th, name_en, word_th, word_en):
    errs = check_name_form(LC, name_th, name_en)
    assert keys(errs) == {"name_th": "name.forbidden_word", "name_en": "name.forbidden_word"}
    assert [e.params["words"] for e in errs] == [word_th, word_en]


def test_forbidden_word_inside_a_longer_english_word_is_not_flagged():
    assert check_name_form(LC, "บริษัท ริเวอร์แบงก์ จำกัด", "Riverbank Co., Ltd.") == []


def test_forbidden_thai_word_split_by_spaces_is_still_flagged():
    errs = check_name_form(LC, "บริษัท มูล นิธิ จำกัด", "Mun Nithi Co., Ltd.")
    assert keys(errs) == {"name_th": "name.forbidden_word"}


# --- odd input never raises -------------------------------------------------------------


def test_zero_width_characters_are_removed_before_checking():
    name_th = "\ufeffบริษัท สยาม\u200bสตีล\u200d จำกัด\u2060"
    assert check_name_form(LC, name_th, "Siam\u200c Steel Co., Ltd.") == []
    assert clean_text(name_th) == "บริษัท สยามสตีล จำกัด"


def test_clean_text_collapses_whitespace_and_composes_unicode():
    assert clean_text("  Cafe\u0301 \t\n Co.,\u00a0Ltd.  ") == "Café Co., Ltd."
    # NIKHAHIT + SARA AA typed for SARA AM looks the same and must compare the same.
    assert clean_text("บริษัท น\u0e49\u0e4d\u0e32ใส จำกัด") == "บริษัท น้ำใส จำกัด"
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    "name_th",
    ["บริษัท \u0e48\u0e48 จำกัด", "บริษัท ก\u0e34\u0e48\u0e49\u0e4a จำกัด",
     "บริษัท \u0e31สยาม จำกัด"],
)
def test_stray_or_stacked_thai_marks_are_refused(name_th):
    errs = check_name_form(LC, name_th, "Siam Co., Ltd.")
    assert keys(errs) == {"name_th": "name.th_characters"}


@pytest.mark.parametrize(
    "text",
    [
        "ก" * 10_000,
        "\u0e48" * 10_000,
        "บริษัท " + "สยาม\u200b" * 2_500 + " จำกัด",
        "a\u0301" * 5_000,
        "Siam สยาม 暹罗 Сиам 🏭 " * 500,
        "\u200b\u200c\u200d\ufeff\u2060",
    ],
)
def test_very_long_marked_or_mixed_script_input_does_not_raise(text, name_index):
    for entity_type in EntityType:
        for err in check_name_form(entity_type, text, text):
            assert err.key in MESSAGES
    assert isinstance(normalise(text), str)
    name_index.find_conflicts(text, text)
    check_name_available(name_index, text, text)


# --- normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("บริษัท สยาม สตีล จำกัด", "สยามสตีล"),
        ("Siam Steel Co., Ltd.", "siamsteel"),
        ("SIAM STEEL COMPANY LIMITED", "siamsteel"),
        ("บริษัท สยามสตีล จำกัด (มหาชน)", "สยามสตีล"),
        ("Siam Steel Public Company Limited", "siamsteel"),
        ("บมจ. สยามสตีล", "สยามสตีล"),
        ("ห้างหุ้นส่วนสามัญนิติบุคคล สยาม-สตีล", "สยามสตีล"),
        ("ห้างหุ้นส่วนจำกัด สยามสตีล", "สยามสตีล"),
        ("Siam Steel Limited Partnership", "siamsteel"),
        ("Siam Steel L.P.", "siamsteel"),
        ("Siam Steel Registered Ordinary Partnership", "siamsteel"),
        ("บริษัท ๓ พี่น้อง จำกัด", "3พี่น้อง"),
    ],
)
def test_normalise_strips_entity_words_spaces_and_punctuation(name, expected):
    assert normalise(name) == expected


def test_normalise_keeps_thai_tone_marks_and_words_inside_the_name():
    assert normalise("บริษัท ไก่ จำกัด") != normalise("บริษัท ไก จำกัด")
    assert normalise("บริษัท ข่าวมหาชน จำกัด") == "ข่าวมหาชน"
    assert normalise("Tesco Co., Ltd.") == "tesco"


# --- similarity index -------------------------------------------------------------------


@pytest.fixture(scope="module")
def register():
    return generate_register(10_000)


@pytest.fixture(scope="module")
def name_index(register):
    return NameIndex(
        RegisteredName(str(i), th, en) for i, (_, th, en) in enumerate(register)
    )


def test_identical_name_in_a_different_spelling_is_found_at_10000_names(register, name_index):
    rng = random.Random(1)
    assert len(name_index) == 10_000
    for i in rng.sample(range(len(register)), 50):
        _, th, en = register[i]
        th_variant = th.replace(" ", "").replace("บริษัท", "บริษัท ") + "\u200b"
        en_variant = en.upper().replace("COMPANY LIMITED", "CO., LTD.")
        conflicts = name_index.find_conflicts(th_variant, en_variant)
        assert conflicts[0].id == str(i)
        assert conflicts[0].identical and conflicts[0].score == 100


def test_identical_conflicts_are_exactly_the_names_that_normalise_equal(register, name_index):
    index = NameIndex(RegisteredName(str(i), th, en) for i, (_, th, en) in enumerate(register))
    # Register the same Thai name again under a new English name, as a reservation.
    _, th, en = register[42]
    index.add(RegisteredName("R-42", th.replace(" ", ""), "Brand New Name Co., Ltd.", "reserved"))
    normalised = [(normalise(t), normalise(e)) for _, t, e in register]
    normalised.append((normalise(th), "brandnewname"))
    ids = [str(i) for i in range(len(register))] + ["R-42"]
    for i in [42, *random.Random(2).sample(range(len(register)), 30)]:
        _, th, en = register[i]
        key_th, key_en = normalise(th), normalise(en)
        expected = {ids[j] for j, (t, e) in enumerate(normalised) if t == key_th or e == key_en}
        found = {c.id for c in index.find_conflicts(th, en, limit=50) if c.identical}
        assert found == expected
    assert {c.id for c in index.find_conflicts(*register[42][1:]) if c.identical} == {"42", "R-42"}


_EN_ENDINGS = (" Public Company Limited", " Company Limited", " Co., Ltd.",
               " Registered Ordinary Partnership", " Limited Partnership")


def _pluralise(name_en):
    """'Siam Steel Co., Ltd.' -> 'Siam Steels Co., Ltd.'"""
    ending = next(e for e in _EN_ENDINGS if name_en.endswith(e))
    return name_en[: -len(ending)] + "s" + ending


def test_near_identical_names_are_found_at_10000_names(register, name_index):
    for i in random.Random(3).sample(range(len(register)), 50):
        _, th, en = register[i]
        en_variant = _pluralise(en)
        conflicts = name_index.find_conflicts(None, en_variant, limit=50)
        mine = [c for c in conflicts if c.id == str(i)]
        assert mine and not mine[0].identical
        # Every reported score is at least the similarity of the English resemblance keys
        # (a Thai name wholly in known loanwords may score higher against it).
        for c in conflicts:
            assert c.en_score >= fuzz.ratio(resemblance_key(en_variant),
                                            resemblance_key(c.name_en)) - 1e-9
            assert c.en_score >= SIMILARITY_THRESHOLD and c.th_score == 0


def test_siam_steel_and_siam_steels_conflict_in_both_languages(name_index):
    index = NameIndex([RegisteredName("0105500000001", "บริษัท สยามสตีล จำกัด",
                                      "Siam Steel Co., Ltd.")])
    conflicts = index.find_conflicts("บริษัท สยามสตีลส์ จำกัด", "Siam Steels Company Limited")
    assert len(conflicts) == 1
    assert conflicts[0].th_score >= SIMILARITY_THRESHOLD
    assert conflicts[0].en_score >= SIMILARITY_THRESHOLD
    assert not conflicts[0].identical
    # The same pair is caught inside a full-size register too.
    big = name_index.find_conflicts("บริษัท สยามสตีลส์ จำกัด", "Siam Steels Company Limited")
    assert any(normalise(c.name_en) == "siamsteel" for c in big)


@pytest.mark.parametrize(
    ("name_th", "name_en"),
    [
        ("บริษัท ขนมไทยแม่ลำดวน จำกัด", "Mae Lamduan Thai Desserts Co., Ltd."),
        ("ห้างหุ้นส่วนจำกัด ช่างเหล็กบ้านนา", "Chang Lek Ban Na Limited Partnership"),
        ("บริษัท วังจันทร์วัลเลย์ ไบโอแล็บ จำกัด", "Wangchan Valley Biolab Co., Ltd."),
        ("บริษัท อู่ตะเภา แอร์คาร์โก้ จำกัด", "U-Tapao Air Cargo Co., Ltd."),
    ],
)
def test_unrelated_names_are_not_flagged_at_10000_names(name_index, name_th, name_en):
    assert name_index.find_conflicts(name_th, name_en) == []
    assert check_name_available(name_index, name_th, name_en) == []


def test_one_letter_apart_short_distinctive_parts_do_not_conflict():
    index = NameIndex([
        RegisteredName("1", "บริษัท เอบี เทรดดิ้ง จำกัด", "AB Trading Co., Ltd."),
        RegisteredName("2", "บริษัท ชลบุรี เทรดดิ้ง จำกัด", "Chonburi Trading Co., Ltd."),
    ])
    assert index.find_conflicts("บริษัท เอซี เทรดดิ้ง จำกัด", "AC Trading Co., Ltd.") == []
    assert index.find_conflicts("บริษัท ชลบุรี เอ็นจิเนียริ่ง จำกัด",
                                "Chonburi Engineering Co., Ltd.") == []
    # A typo in the common word still leaves the names looking the same.
    assert index.find_conflicts(None, "Chonburi Tradng Co., Ltd.")[0].id == "2"


def test_a_whole_extra_word_in_a_long_name_makes_it_a_different_name():
    index = NameIndex([RegisteredName("1", "บริษัท บางปะกง สตีลเวิร์ค จำกัด",
                                      "Bang Pakong Steelworks Co., Ltd.")])
    assert index.find_conflicts("บริษัท บางปะกง กรีน สตีลเวิร์ค จำกัด",
                                "Bang Pakong Green Steelworks Co., Ltd.") == []
    # ... while a plural ending is still the same name.
    assert index.find_conflicts("บริษัท บางปะกง สตีลเวิร์คส์ จำกัด", None)[0].id == "1"


def test_added_names_are_found_and_reserved_names_keep_their_source():
    index = NameIndex()
    assert index.find_conflicts("บริษัท สยามสตีล จำกัด", "Siam Steel Co., Ltd.") == []
    index.add(RegisteredName("R-1", "บริษัท สยามสตีล จำกัด", "Siam Steel Co., Ltd.",
                             source="reserved"))
    [conflict] = index.find_conflicts("บริษัท สยาม สตีล จำกัด", "SIAM STEEL COMPANY LIMITED")
    assert (conflict.id, conflict.source, conflict.identical) == ("R-1", "reserved", True)


def test_registered_name_source_must_be_registered_or_reserved():
    with pytest.raises(ValueError):
        RegisteredName("1", "บริษัท ก จำกัด", "K Co., Ltd.", source="pending")


def test_check_name_available_reports_identical_and_similar_per_field():
    index = NameIndex([RegisteredName("1", "บริษัท สยามสตีล จำกัด", "Siam Steel Co., Ltd.")])
    errs = check_name_available(index, "บริษัท สยามสตีล จำกัด", "Siam Steels Co., Ltd.",
                                field_prefix="choice_2.")
    assert keys(errs) == {"choice_2.name_th": "name.identical",
                          "choice_2.name_en": "name.similar"}
    for e in errs:
        assert e.params == {"names": "บริษัท สยามสตีล จำกัด / Siam Steel Co., Ltd."}
    assert check_name_available(index, "บริษัท ทะเลทอง จำกัด", "Thale Thong Co., Ltd.") == []


def test_every_error_renders_with_its_params():
    produced = (
        check_name_form(LC, "บริษัท สยามสตีล Co., Ltd.", "บริษัท")
        + check_name_form(LC, "สยาม", "Siam")
        + check_name_form(PLC, "บริษัท จำกัด (มหาชน)", "Bank Public Company Limited")
        + check_name_available(NameIndex([RegisteredName("1", "บริษัท ก จำกัด", "K Co., Ltd.")]),
                               "บริษัท ก จำกัด", "K Company Limited")
    )
    for e in produced:
        assert e.key in errors.MESSAGES
        assert "{" not in errors.MESSAGES[e.key].format(**e.params)


def test_entity_types_have_thai_and_english_labels():
    for t in EntityType:
        assert f"entity.{t.value}" in errors.MESSAGES
    assert entity_label(ROP, "th") == "ห้างหุ้นส่วนสามัญนิติบุคคล"
    assert entity_label(LP, "en") == "Limited partnership"


# --- seed register ----------------------------------------------------------------------


def test_seed_register_is_deterministic(register):
    assert generate_register(10_000) == register
    assert generate_register(200, seed=7) == generate_register(200, seed=7)
    assert generate_register(200, seed=7) != register[:200]


def test_seed_register_has_10000_unique_valid_names(register):
    assert len(register) == 10_000
    assert len({normalise(th) for _, th, _ in register}) == 10_000
    assert len({normalise(en) for _, _, en in register}) == 10_000
    invalid = [(t, th, en, errs) for t, th, en in register
               if (errs := check_name_form(t, th, en))]
    assert invalid == []


def test_seed_register_is_mostly_limited_companies_with_some_of_every_type(register):
    counts = {t: sum(1 for r in register if r[0] is t) for t in EntityType}
    assert counts[LC] > 0.7 * len(register)
    assert all(n > 0 for n in counts.values())
    assert counts[PLC] < counts[LP]
