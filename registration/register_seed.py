"""Deterministic, realistic-looking register of existing EEC business names, used to seed the
name index in development and to exercise similarity checks at a realistic scale."""

from __future__ import annotations

import random

from registration.names import EntityType, normalise

# (Thai, English) pairs; each English word is the transliteration or translation DBD
# registrants typically pair with the Thai one, so the two forms of a name agree.
PLACES: tuple[tuple[str, str], ...] = (
    ("ชลบุรี", "Chonburi"), ("ระยอง", "Rayong"), ("ฉะเชิงเทรา", "Chachoengsao"),
    ("แหลมฉบัง", "Laem Chabang"), ("มาบตาพุด", "Map Ta Phut"), ("ศรีราชา", "Sriracha"),
    ("พัทยา", "Pattaya"), ("บางแสน", "Bang Saen"), ("สัตหีบ", "Sattahip"),
    ("บ้านฉาง", "Ban Chang"), ("ปลวกแดง", "Pluak Daeng"), ("บางปะกง", "Bang Pakong"),
    ("บ่อวิน", "Bo Win"), ("พนัสนิคม", "Phanat Nikhom"), ("แกลง", "Klaeng"),
    ("สยาม", "Siam"), ("ตะวันออก", "Eastern"), ("อ่าวไทย", "Gulf"),
)
BRANDS: tuple[tuple[str, str], ...] = (
    ("โกลเด้น", "Golden"), ("โกลบอล", "Global"), ("ยูไนเต็ด", "United"), ("พรีเมียร์", "Premier"),
    ("ไดมอนด์", "Diamond"), ("อินฟินิตี้", "Infinity"), ("เอเชีย", "Asia"), ("สตาร์", "Star"),
    ("ซันไรส์", "Sunrise"), ("โอเชี่ยน", "Ocean"), ("แปซิฟิก", "Pacific"), ("กรีน", "Green"),
    ("บลู", "Blue"), ("ซิลเวอร์", "Silver"), ("ไทเกอร์", "Tiger"), ("ดราก้อน", "Dragon"),
    ("ฟีนิกซ์", "Phoenix"), ("อีเกิ้ล", "Eagle"), ("สมาร์ท", "Smart"), ("เมก้า", "Mega"),
    ("โปร", "Pro"), ("นิว", "New"), ("ไฮเทค", "Hi-Tech"), ("อัลฟ่า", "Alpha"),
    ("เจริญผล", "Charoenphon"), ("รุ่งเรือง", "Rungruang"), ("มั่นคง", "Mankhong"),
    ("ทรัพย์ทวี", "Sapthawi"), ("สุขสวัสดิ์", "Suksawat"), ("ศรีสมบูรณ์", "Sri Somboon"),
    ("ไพบูลย์", "Paiboon"), ("วัฒนา", "Watthana"), ("ธนพัฒน์", "Thanaphat"),
    ("เพชรทอง", "Phet Thong"), ("ทองไทย", "Thong Thai"), ("ไทยเจริญ", "Thai Charoen"),
)
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("เทรดดิ้ง", "Trading"), ("เอ็นจิเนียริ่ง", "Engineering"), ("โลจิสติกส์", "Logistics"),
    ("อินดัสทรี", "Industry"), ("ฟู้ด", "Food"), ("ออโตพาร์ท", "Auto Parts"),
    ("เคมิคอล", "Chemical"), ("โซลูชั่น", "Solutions"), ("คอนสตรัคชั่น", "Construction"),
    ("เทคโนโลยี", "Technology"), ("อิเล็กทรอนิกส์", "Electronics"), ("พลาสติก", "Plastic"),
    ("แมชชีนเนอรี่", "Machinery"), ("เมทัล", "Metal"), ("สตีล", "Steel"),
    ("แพคเกจจิ้ง", "Packaging"), ("ชิปปิ้ง", "Shipping"), ("ทรานสปอร์ต", "Transport"),
    ("พร็อพเพอร์ตี้", "Property"), ("เอนเนอร์ยี", "Energy"), ("ไบโอเทค", "Biotech"),
    ("โรโบติกส์", "Robotics"), ("ดิจิทัล", "Digital"), ("มารีน", "Marine"),
    ("เอวิเอชั่น", "Aviation"), ("ฟาร์มา", "Pharma"), ("อะโกร", "Agro"), ("รับเบอร์", "Rubber"),
)
QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("กรุ๊ป", "Group"), ("อินเตอร์เนชั่นแนล", "International"), ("(ประเทศไทย)", "(Thailand)"),
    ("ซัพพลาย", "Supply"), ("เซอร์วิส", "Services"), ("โฮลดิ้งส์", "Holdings"),
    ("เอ็นเตอร์ไพรส์", "Enterprise"), ("แอนด์เทรด", "and Trade"),
)

# Roughly the mix of DBD's register: mostly limited companies, few public companies.
ENTITY_WEIGHTS: tuple[tuple[EntityType, int], ...] = (
    (EntityType.LIMITED_COMPANY, 85),
    (EntityType.LIMITED_PARTNERSHIP, 9),
    (EntityType.REGISTERED_PARTNERSHIP, 4),
    (EntityType.PUBLIC_LIMITED_COMPANY, 2),
)

_MAX_DRAWS = 20  # then a numeral makes the name unique instead of drawing again


def _stem(rng: random.Random) -> list[tuple[str, str]]:
    shape = rng.random()
    if shape < 0.35:
        return [rng.choice(PLACES + BRANDS), rng.choice(INDUSTRIES)]
    if shape < 0.70:
        return [rng.choice(PLACES), rng.choice(BRANDS), rng.choice(INDUSTRIES)]
    if shape < 0.90:
        return [rng.choice(PLACES + BRANDS), rng.choice(INDUSTRIES), rng.choice(QUALIFIERS)]
    return [rng.choice(BRANDS), rng.choice(PLACES), rng.choice(INDUSTRIES),
            rng.choice(QUALIFIERS)]


def _dress(entity_type: EntityType, th: str, en: str, rng: random.Random) -> tuple[str, str]:
    """Put the distinctive part inside the legal form of the entity type."""
    if entity_type is EntityType.LIMITED_COMPANY:
        return f"บริษัท {th} จำกัด", f"{en} {rng.choice(('Company Limited', 'Co., Ltd.'))}"
    if entity_type is EntityType.PUBLIC_LIMITED_COMPANY:
        return f"บริษัท {th} จำกัด (มหาชน)", f"{en} Public Company Limited"
    if entity_type is EntityType.REGISTERED_PARTNERSHIP:
        return f"ห้างหุ้นส่วนสามัญนิติบุคคล {th}", f"{en} Registered Ordinary Partnership"
    return f"ห้างหุ้นส่วนจำกัด {th}", f"{en} Limited Partnership"


def generate_register(n: int = 10_000, seed: int = 2563) -> list[tuple[EntityType, str, str]]:
    """`n` (entity type, Thai name, English name) triples, the same for the same seed.

    Every Thai and every English name normalises to a different string, as on the real
    register, where an identical name is refused.
    """
    rng = random.Random(seed)
    types, weights = zip(*ENTITY_WEIGHTS, strict=True)
    seen_th: set[str] = set()
    seen_en: set[str] = set()
    register: list[tuple[EntityType, str, str]] = []
    while len(register) < n:
        entity_type = rng.choices(types, weights)[0]
        for draw in range(_MAX_DRAWS + 1):
            parts = _stem(rng)
            # Registrants write the Thai part with or without spaces between words.
            th = (" " if rng.random() < 0.5 else "").join(p[0] for p in parts)
            th = th.replace("(", " (").replace("  (", " (")
            en = " ".join(p[1] for p in parts)
            if draw == _MAX_DRAWS:
                number = rng.randint(2, 999)
                th, en = f"{th} {number}", f"{en} {number}"
            key_th, key_en = normalise(th), normalise(en)
            if key_th not in seen_th and key_en not in seen_en:
                break
        else:
            continue  # even the numbered name was taken: start over with a new draw
        seen_th.add(key_th)
        seen_en.add(key_en)
        register.append((entity_type, *_dress(entity_type, th, en, rng)))
    return register
