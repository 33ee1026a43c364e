"""Juristic-person names: entity types, the legal form of Thai and English names, and the
similarity index used to refuse names that duplicate or closely resemble registered or
reserved ones (DBD name reservation, จองชื่อนิติบุคคล)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from core.errors import N_, FieldError, register_messages
from core.text import clean_text
from registration.name_folding import fold, is_latin_key


class EntityType(StrEnum):
    LIMITED_COMPANY = "limited_company"
    PUBLIC_LIMITED_COMPANY = "public_limited_company"
    REGISTERED_PARTNERSHIP = "registered_partnership"  # ห้างหุ้นส่วนสามัญนิติบุคคล
    LIMITED_PARTNERSHIP = "limited_partnership"  # ห้างหุ้นส่วนจำกัด


# The Thai terms are fixed by law (Civil and Commercial Code; Public Limited Companies Act
# B.E. 2535), so they are data rather than translations of the English label.
ENTITY_TERMS_TH: dict[EntityType, str] = {
    EntityType.LIMITED_COMPANY: "บริษัทจำกัด",
    EntityType.PUBLIC_LIMITED_COMPANY: "บริษัทมหาชนจำกัด",
    EntityType.REGISTERED_PARTNERSHIP: "ห้างหุ้นส่วนสามัญนิติบุคคล",
    EntityType.LIMITED_PARTNERSHIP: "ห้างหุ้นส่วนจำกัด",
}


def entity_label_key(entity_type: EntityType) -> str:
    """The message key the web layer renders in the user's language."""
    return f"entity.{EntityType(entity_type).value}"


def entity_label(entity_type: EntityType, lang: str = "en") -> str:
    """A label without a catalog: the legal Thai term for "th", the English msgid otherwise."""
    if lang.lower().startswith("th"):
        return ENTITY_TERMS_TH[entity_type]
    return MESSAGES[entity_label_key(entity_type)]


MAX_NAME_LENGTH = 200

MESSAGES: dict[str, str] = {
    "entity.limited_company": N_("Limited company"),
    "entity.public_limited_company": N_("Public limited company"),
    "entity.registered_partnership": N_("Registered ordinary partnership"),
    "entity.limited_partnership": N_("Limited partnership"),
    "name.th_required": N_("Enter the name in Thai."),
    "name.en_required": N_("Enter the name in English."),
    "name.too_long": N_("The name is too long. Use at most {max} characters."),
    "name.th_prefix": N_("The Thai name must start with “{prefix}”, in the form “{expected}”."),
    "name.th_suffix": N_("The Thai name must end with “{suffix}”, in the form “{expected}”."),
    "name.th_other_type": N_("This Thai name is in the form of another business type. "
                             "For the type you chose, use “{expected}”."),
    "name.th_english_suffix": N_("Use Thai words in the Thai name: “{expected}”, "
                                 "not “{found}”."),
    "name.th_latin": N_("Write the Thai name in Thai letters. Spell English words in Thai, "
                        "e.g. เอบีซี for ABC."),
    "name.th_characters": N_("The Thai name can contain only Thai letters, digits, spaces "
                             "and . , & - ' ( ) /"),
    "name.en_suffix": N_("The English name must end with “{suffix}”, in the form “{expected}”."),
    "name.en_other_type": N_("This English name is in the form of another business type. "
                             "For the type you chose, use “{expected}”."),
    "name.en_thai_script": N_("The English name cannot contain Thai letters. Use A–Z."),
    "name.en_not_latin": N_("Write the English name in Latin letters (A–Z), digits, spaces "
                            "and . , & - ' ( ) /"),
    "name.distinctive_empty": N_("Add the name itself, not only the words for the business "
                                 "type: “{expected}”."),
    "name.forbidden_word": N_("“{words}” cannot be used in a business name without permission "
                              "from the authority concerned. Please choose other words."),
    "name.identical": N_("This name is already registered or reserved: {names}. "
                         "Please choose another name."),
    "name.similar": N_("This name is too close to an existing name: {names}. "
                       "Please choose a more distinctive name."),
}
register_messages(MESSAGES)


# --- cleaning ---------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


# --- name forms -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    prefix_th: str
    suffix_th: str  # "" for partnerships: their Thai name has no ending word
    suffix_en: str

    @property
    def expected_th(self) -> str:
        return f"{self.prefix_th} … {self.suffix_th}".strip()

    @property
    def expected_en(self) -> str:
        return f"… {self.suffix_en}"


FORMS: dict[EntityType, _Form] = {
    EntityType.LIMITED_COMPANY: _Form("บริษัท", "จำกัด", "Company Limited"),
    EntityType.PUBLIC_LIMITED_COMPANY: _Form("บริษัท", "จำกัด (มหาชน)", "Public Company Limited"),
    EntityType.REGISTERED_PARTNERSHIP: _Form("ห้างหุ้นส่วนสามัญนิติบุคคล", "",
                                             "Registered Ordinary Partnership"),
    EntityType.LIMITED_PARTNERSHIP: _Form("ห้างหุ้นส่วนจำกัด", "", "Limited Partnership"),
}

_TH_PUBLIC_END = re.compile(r"\s*จำกัด\s*\(\s*มหาชน\s*\)$")
_TH_LIMITED_END = re.compile(r"\s*จำกัด$")
# Order matters: "Public Company Limited" also ends in "Company Limited". "Co., Ltd." is in
# wide use for "Company Limited", so both spellings are accepted.
_EN_ENDINGS: list[tuple[EntityType, re.Pattern[str]]] = [
    (t, re.compile(rf"\s*\b(?:{ending})\.?$", re.I)) for t, ending in (
        (EntityType.PUBLIC_LIMITED_COMPANY, r"public\s+company\s+limited"),
        (EntityType.LIMITED_COMPANY, r"company\s+limited|co\s*\.?\s*,?\s*ltd"),
        (EntityType.REGISTERED_PARTNERSHIP, r"registered\s+ordinary\s+partnership"),
        (EntityType.LIMITED_PARTNERSHIP, r"limited\s+partnership"),
    )
]
# English legal endings typed into the Thai field, longest first.
_EN_SUFFIX_IN_TH = re.compile(
    r"\b(?:public\s+company\s+limited|company\s+limited|co\s*\.?\s*,?\s*ltd\.?|"
    r"registered\s+ordinary\s+partnership|limited\s+partnership|limited|ltd\.?|pcl\.?)$",
    re.I,
)

_THAI = re.compile("[\u0e00-\u0e7f]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_TH_ALLOWED = re.compile(r"[\u0e01-\u0e5b0-9 .,&'()/\-]*")
_THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
# A combining mark must sit on a consonant; more than two stacked is never real Thai text.
_TH_BAD_MARKS = re.compile(
    f"(?:^|[^\u0e01-\u0e2e{_THAI_MARKS}])[{_THAI_MARKS}]|[{_THAI_MARKS}]{{3,}}"
)
_EN_PUNCT = set(" .,&'()/-")


def _is_latin_text(s: str) -> bool:
    # Marks (category M) are accents NFC could not compose onto their Latin letter.
    return all(ch in _EN_PUNCT or (ch.isascii() and ch.isdigit())
               or unicodedata.category(ch).startswith("M")
               or (ch.isalpha() and "LATIN" in unicodedata.name(ch, "")) for ch in s)


def _has_content(s: str) -> bool:
    """True if the part holds at least one letter or digit, not only marks or punctuation."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in s)


# Words the Department of Business Development does not allow in a private business name
# without permission from the authority concerned. The list follows DBD name guidance and
# is NOT exhaustive: the registrar still reviews every name.
FORBIDDEN_TH: tuple[str, ...] = (
    "กระทรวง", "ทบวง", "รัฐบาล", "ราชการ",  # imply a state agency
    "ราชวงศ์", "พระบรมราชูปถัมภ์", "พระบรมราชานุเคราะห์",  # imply royal patronage
    "ธนาคาร", "ประกันภัย", "ประกันชีวิต", "หลักทรัพย์", "เครดิตฟองซิเอร์",  # licensed trades
    "สหกรณ์", "มูลนิธิ", "สมาคม",  # other kinds of juristic person
)
FORBIDDEN_EN: tuple[str, ...] = (
    "ministry", "government", "royal", "bank", "banking", "insurance", "assurance",
    "securities", "credit foncier", "cooperative", "co-operative", "foundation", "association",
)
_FORBIDDEN_EN = re.compile(r"\b(?:" + "|".join(map(re.escape, FORBIDDEN_EN)) + r")\b", re.I)


def _forbidden_words(distinctive: str, thai: bool) -> list[str]:
    if thai:
        squeezed = distinctive.replace(" ", "")
        return [w for w in FORBIDDEN_TH if w in squeezed]
    return list(dict.fromkeys(m.group(0) for m in _FORBIDDEN_EN.finditer(distinctive)))


def _thai_form_of(name: str) -> tuple[EntityType | None, str]:
    """The entity type whose Thai form the name has, and its distinctive part."""
    for t in (EntityType.REGISTERED_PARTNERSHIP, EntityType.LIMITED_PARTNERSHIP):
        if name.startswith(FORMS[t].prefix_th):
            return t, name[len(FORMS[t].prefix_th):].strip()
    if name.startswith("บริษัท"):
        rest = name[len("บริษัท"):]
        if m := _TH_PUBLIC_END.search(rest):
            return EntityType.PUBLIC_LIMITED_COMPANY, rest[: m.start()].strip()
        if m := _TH_LIMITED_END.search(rest):
            return EntityType.LIMITED_COMPANY, rest[: m.start()].strip()
    return None, ""


def _check_th(entity_type: EntityType, name: str, field: str) -> FieldError | None:
    form = FORMS[entity_type]
    if m := _EN_SUFFIX_IN_TH.search(name):
        return FieldError(field, "name.th_english_suffix",
                          {"expected": form.expected_th, "found": m.group(0)})
    if _LATIN_LETTER.search(name):  # the Thai form is registered in Thai script only
        return FieldError(field, "name.th_latin")
    if not _TH_ALLOWED.fullmatch(name) or _TH_BAD_MARKS.search(name):
        return FieldError(field, "name.th_characters")
    found, distinctive = _thai_form_of(name)
    if found is None:
        if not name.startswith(form.prefix_th):
            return FieldError(field, "name.th_prefix",
                              {"prefix": form.prefix_th, "expected": form.expected_th})
        return FieldError(field, "name.th_suffix",
                          {"suffix": form.suffix_th, "expected": form.expected_th})
    return _check_parts(entity_type, found, distinctive, field, "th")


def _check_en(entity_type: EntityType, name: str, field: str) -> FieldError | None:
    form = FORMS[entity_type]
    if _THAI.search(name):
        return FieldError(field, "name.en_thai_script")
    if not _is_latin_text(name):
        return FieldError(field, "name.en_not_latin")
    for found, ending in _EN_ENDINGS:
        if m := ending.search(name):
            return _check_parts(entity_type, found, name[: m.start()], field, "en")
    return FieldError(field, "name.en_suffix",
                      {"suffix": form.suffix_en, "expected": form.expected_en})


def _check_parts(entity_type: EntityType, found: EntityType, distinctive: str, field: str,
                 lang: str) -> FieldError | None:
    """Checks shared by both forms once the entity words have been recognised."""
    form = FORMS[entity_type]
    expected = form.expected_th if lang == "th" else form.expected_en
    if found is not entity_type:
        return FieldError(field, f"name.{lang}_other_type", {"expected": expected})
    if not _has_content(distinctive):
        return FieldError(field, "name.distinctive_empty", {"expected": expected})
    if words := _forbidden_words(distinctive, thai=lang == "th"):
        return FieldError(field, "name.forbidden_word", {"words": ", ".join(words)})
    return None


def check_name_form(
    entity_type: EntityType, name_th: str | None, name_en: str | None, field_prefix: str = ""
) -> list[FieldError]:
    """Check both forms of a name against the legal form of its entity type.

    At most one error per field: the first problem found, so the citizen fixes one thing
    at a time rather than reading a list of consequences of the same mistake.
    """
    entity_type = EntityType(entity_type)
    errors = []
    for lang, name, check in (("th", name_th, _check_th), ("en", name_en, _check_en)):
        field, name = f"{field_prefix}name_{lang}", clean_text(name)
        if not name:
            errors.append(FieldError(field, f"name.{lang}_required"))
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(FieldError(field, "name.too_long", {"max": MAX_NAME_LENGTH}))
        elif error := check(entity_type, name, field):
            errors.append(error)
    return errors


# --- normalisation ----------------------------------------------------------------------

# Entity words at either end of a name. Anchored at the ends, so the same letters inside
# the distinctive part are kept ("ข่าวมหาชน", "Tesco" stay whole).
_TH_ENTITY_HEAD = re.compile(
    r"^(?:ห้างหุ้นส่วนสามัญนิติบุคคล|ห้างหุ้นส่วนจำกัด|ห้างหุ้นส่วนสามัญ|ห้างหุ้นส่วน|"
    r"บริษัทมหาชนจำกัด|บริษัทจำกัด|บริษัท|บจก|หจก|บมจ|หสน)\s*"
)
# "(มหาชน)" has become " มหาชน" by the time this runs: punctuation is already spaces.
_TH_ENTITY_TAIL = re.compile(r"\s*(?:จำกัด\s*มหาชน|จำกัด|(?:^|\s)มหาชน)$")
_EN_ENTITY_TAIL = re.compile(
    r"(?:^|\s+)(?:(?:company|co)\s*(?:limited|ltd)|(?:registered\s+)?(?:ordinary\s+)?partnership|"
    r"limited\s+partnership|ltd\s*part|l\s*p|public|pcl|plc|limited|ltd|company|co|inc)$"
)
_PUNCT = re.compile(r"[^\w\u0e00-\u0e7f]+|_")


def _entity_free(name: str | None) -> str:
    """Casefolded, punctuation turned into spaces, legal entity words removed from the ends."""
    s = _PUNCT.sub(" ", clean_text(name).casefold())
    s = _SPACES.sub(" ", s).strip()
    while True:
        before = s
        s = _TH_ENTITY_HEAD.sub("", s)
        s = _TH_ENTITY_TAIL.sub("", s)
        s = _EN_ENTITY_TAIL.sub("", s).strip()
        if s == before:
            return s


def _digits_ascii(s: str) -> str:
    # Thai digits (๑๒๓) and ASCII digits mean the same number in a name.
    return "".join(str(unicodedata.digit(c, c)) if c.isdigit() else c for c in s)


def normalise(name: str | None) -> str:
    """The comparable core of a name: entity words, spaces and punctuation gone, casefolded.

    Thai letters, vowels and tone marks are kept: they distinguish Thai words.
    """
    return _digits_ascii(_entity_free(name).replace(" ", ""))


def resemblance_key(name: str | None) -> str:
    """What resemblance is scored on (registration.name_folding): plurals, "and"/"&", legal
    words anywhere and Thai loanwords written in English fold to the same key."""
    return _digits_ascii(fold(_entity_free(name)))


# --- similarity index -------------------------------------------------------------------

# A name "closely resembles" another (grounds to refuse a reservation) when all three hold:
# 1. fuzz.ratio of the names' resemblance keys >= SIMILARITY_THRESHOLD (a Thai name all of
#    whose words are known loanwords or places is also scored against English names).
#    ratio (Indel similarity) rather than WRatio: WRatio rewards partial matches, so every
#    "Siam …" name would match every other one; ratio counts each extra or missing letter
#    against the whole name ("siamsteel"/"siamsteels" 94.7, "สยามสตีล"/"สยามสตีลส์" 88.9).
# 2. At most MAX_EDITS letters inserted or deleted, so a long name cannot absorb a whole
#    extra word ("Bang Pakong Green Steelworks" is not "Bang Pakong Steelworks").
# 3. If both names use the same common trade words, they differ only in the distinctive
#    part, and that part alone must also score >= the threshold: a very short distinctive
#    part keeps its weight ("AB Trading" is not "AC Trading").
SIMILARITY_THRESHOLD = 88.0
MAX_EDITS = 3

# Trade words so common in names that sharing them says little (not exhaustive; a word
# missing here only makes condition 3 apply less often). Words like "steel" that are often
# the distinctive part itself are deliberately left out.
_GENERIC_TH = re.compile("(?:{})(?:ส์)?".format("|".join(sorted((
    "เทรดดิ้ง เอ็นจิเนียริ่ง โลจิสติกส์ อินดัสทรี อินดัสตรี ฟู้ด ออโตพาร์ท เคมิคอล โซลูชั่น "
    "คอนสตรัคชั่น เทคโนโลยี อิเล็กทรอนิกส์ พลาสติก แมชชีนเนอรี่ แพคเกจจิ้ง ชิปปิ้ง ทรานสปอร์ต "
    "พร็อพเพอร์ตี้ เอนเนอร์ยี ดิจิทัล มารีน เอวิเอชั่น กรุ๊ป เซอร์วิส ซัพพลาย อินเตอร์เนชั่นแนล "
    "ประเทศไทย ไทยแลนด์ โฮลดิ้ง เอ็นเตอร์ไพรส์ แอนด์").split(), key=len, reverse=True))))
_GENERIC_EN = frozenset((
    "trading trade engineering logistics industry industries food foods auto parts chemical "
    "chemicals solution solutions construction technology electronics plastic plastics "
    "machinery packaging shipping transport property energy digital marine aviation group "
    "service services supply international thailand holdings enterprise and").split())


def _split_generic(name: str | None) -> tuple[str, tuple[str, ...]]:
    """(distinctive core, common trade words in order) of a name. Thai trade words are
    found as substrings rather than by tokenising: the vocabulary is fixed and names are
    written both with and without spaces between words."""
    words = _entity_free(name).split(" ")
    rest = "".join(w for w in words if w not in _GENERIC_EN)
    generic = [w for w in words if w in _GENERIC_EN] + _GENERIC_TH.findall(rest)
    return _digits_ascii(_GENERIC_TH.sub("", rest)), tuple(generic)


def _resembles(query: str, query_split: tuple[str, tuple[str, ...]], other: str,
               other_raw: str) -> bool:
    """Conditions 2 and 3 above; condition 1 is already met by the caller's search."""
    if Indel.distance(query, other) > MAX_EDITS:
        return False
    (core_q, generic_q), (core_o, generic_o) = query_split, _split_generic(other_raw)
    if generic_q != generic_o or not core_q or not core_o:
        return True  # the difference is (also) in the common words: condition 1 decides
    return fuzz.ratio(core_q, core_o) >= SIMILARITY_THRESHOLD


Source = Literal["registered", "reserved"]


@dataclass(frozen=True)
class RegisteredName:
    id: str | int  # juristic person number or reservation id
    name_th: str
    name_en: str
    source: Source = "registered"

    def __post_init__(self) -> None:
        if self.source not in ("registered", "reserved"):
            raise ValueError(f"unknown name source: {self.source!r}")


@dataclass(frozen=True)
class NameConflict:
    id: str | int
    name_th: str
    name_en: str
    source: Source
    score: float  # the higher of th_score and en_score, 0-100
    identical: bool  # the Thai or the English form normalises to exactly the same string
    th_score: float = 0.0  # 0 when the Thai forms do not resemble each other
    en_score: float = 0.0
    th_identical: bool = False
    en_identical: bool = False


class NameIndex:
    """Registered and reserved names, normalised once. Thai is searched against Thai and
    English against English, because a name is refused if either form is taken; a Thai
    name written wholly in known loanwords is searched against English names as well."""

    def __init__(self, names: Iterable[RegisteredName] = ()) -> None:
        self._names: list[RegisteredName] = []
        self._normalised: tuple[list[str], list[str]] = ([], [])  # (Thai, English)
        self._keys: tuple[list[str], list[str]] = ([], [])  # resemblance keys
        self._thai_as_latin: list[str] = []  # Thai keys that read as English, else ""
        for n in names:
            self.add(n)

    def __len__(self) -> int:
        return len(self._names)

    def add(self, name: RegisteredName) -> None:
        self._names.append(name)
        self._normalised[0].append(normalise(name.name_th))
        self._normalised[1].append(normalise(name.name_en))
        key_th = resemblance_key(name.name_th)
        self._keys[0].append(key_th)
        self._keys[1].append(resemblance_key(name.name_en))
        self._thai_as_latin.append(key_th if is_latin_key(key_th) else "")

    def _searches(self, side: int, key: str) -> list[tuple[int, list[str]]]:
        """(the side the stored names are on, their keys) to score a query's key against."""
        searches = [(side, self._keys[side])]
        if side == 0 and is_latin_key(key):
            searches.append((1, self._keys[1]))
        if side == 1:
            searches.append((0, self._thai_as_latin))
        return searches

    def find_conflicts(
        self, name_th: str | None, name_en: str | None, limit: int = 5
    ) -> list[NameConflict]:
        """Names whose Thai form resembles name_th or whose English form resembles name_en,
        identical ones first, then by score."""
        scores: dict[int, list[float]] = {}
        identical: dict[int, list[bool]] = {}
        for side, query in enumerate((name_th, name_en)):
            if not (norm := normalise(query)) or not (q := resemblance_key(query)):
                continue  # an empty query would equal every empty stored form
            query_split = _split_generic(query)
            for stored_side, choices in self._searches(side, q):
                matches = process.extract(q, choices, scorer=fuzz.ratio, processor=None,
                                          score_cutoff=SIMILARITY_THRESHOLD, limit=None)
                for _, score, i in matches:
                    same = stored_side == side and self._normalised[side][i] == norm
                    raw = (self._names[i].name_th, self._names[i].name_en)[stored_side]
                    if same or score == 100 or _resembles(q, query_split, choices[i], raw):
                        row = scores.setdefault(i, [0.0, 0.0])
                        row[side] = max(row[side], 100.0 if same else score)
                        identical.setdefault(i, [False, False])[side] |= same
        conflicts = [
            NameConflict(id=n.id, name_th=n.name_th, name_en=n.name_en, source=n.source,
                         score=max(th, en), identical=any(identical[i]), th_score=th,
                         en_score=en, th_identical=identical[i][0],
                         en_identical=identical[i][1])
            for i, (th, en) in scores.items() for n in (self._names[i],)
        ]
        conflicts.sort(key=lambda c: (not c.identical, -c.score, c.name_th))
        return conflicts[:limit]


def check_name_available(
    index: NameIndex, name_th: str | None, name_en: str | None, field_prefix: str = "",
    *, conflicts: list[NameConflict] | None = None,
) -> list[FieldError]:
    """One error per form that duplicates or closely resembles a registered/reserved name.
    A caller that already has `index.find_conflicts(name_th, name_en)` passes it as
    `conflicts`: the search is most of the time of a name check."""
    if conflicts is None:
        conflicts = index.find_conflicts(name_th, name_en)
    errors = []
    for field, lang in (("name_th", "th"), ("name_en", "en")):
        matching = [c for c in conflicts if getattr(c, f"{lang}_score") > 0]
        identical = [c for c in matching if getattr(c, f"{lang}_identical")]
        if matching:
            names = "; ".join(" / ".join(filter(None, (c.name_th, c.name_en)))
                              for c in identical or matching)
            errors.append(FieldError(f"{field_prefix}{field}",
                                     "name.identical" if identical else "name.similar",
                                     {"names": names}))
    return errors
