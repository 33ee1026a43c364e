"""The application as submitted, laid out for the officer who decides on it: read from the
case's frozen copy (eec_bridge.payloads.RegistrationSubmission), with what an officer would
otherwise work out by hand (shares times par value, each holder's part, the foreign part) and
the words for the codes (nationality, document kind) in the page's language. Each listed file
is matched to its stored document, so the page can show it inline."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from core.i18n import get_locale, message
from eec_bridge.models import Case
from eec_bridge.payloads import RegistrationSubmission, SubmittedPerson
from registration import address, names, steps
from registration.documents import ALLOWED_TYPES
from registration.identity import format_pin, nationality_name
from registration.models import Document, StoredFile

IMAGE_TYPES = {"image/jpeg", "image/png"}


@dataclass
class PersonRow:
    full_name: str
    nationality: str  # the country's name in the page's language, never the code
    is_thai: bool
    id_number: str  # full: only staff who may open the case see this page
    age: int | None
    address: str
    shares: int | None
    percent: Decimal | None  # of all shares held
    is_promoter: bool
    can_sign: bool


@dataclass
class DocumentRow:
    id: int | None  # the stored document to show; None if it is no longer on file
    filename: str
    kind_label: str
    content_type: str

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


@dataclass
class SubmittedApplication:
    submission: RegistrationSubmission
    entity_label: str
    office_line: str
    capital_total: Decimal | None  # shares × par value
    capital_matches: bool
    shareholders: list[PersonRow]
    promoters: list[PersonRow]
    directors: list[PersonRow]
    witnesses: list[PersonRow]
    total_shares: int
    foreign_shares: int
    foreign_percent: Decimal
    foreign_majority: bool
    documents: list[DocumentRow] = field(default_factory=list)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01")) if whole else \
        Decimal(0)


def _person(p: SubmittedPerson, lang: str, total_shares: int) -> PersonRow:
    is_thai = (p.nationality or "TH").upper() == "TH"
    return PersonRow(
        full_name=p.full_name, nationality=nationality_name(p.nationality or "TH", lang),
        is_thai=is_thai, id_number=format_pin(p.thai_id) if is_thai else p.passport_no,
        age=p.age, address=p.address, shares=p.shares,
        percent=_percent(p.shares or 0, total_shares) if p.shares is not None else None,
        is_promoter=p.is_promoter, can_sign=p.can_sign)


def _office_line(s: RegistrationSubmission, lang: str) -> str:
    o = s.head_office
    if not o.subdistrict_code:
        return " ".join(x for x in (o.house_no, o.street) if x)
    try:
        return address.describe_address(o.house_no, o.street, o.subdistrict_code,
                                        o.district_code, o.province_code, o.postal_code,
                                        "th" if lang == "th" else "en")
    except ValueError:  # a code the address tables no longer hold: show what was sent
        return " ".join(x for x in (o.house_no, o.street, o.postal_code) if x)


def _capital_total(s: RegistrationSubmission) -> Decimal | None:
    if s.capital.shares is None or s.capital.par_value is None:
        return None
    try:
        return Decimal(s.capital.shares) * Decimal(s.capital.par_value)
    except InvalidOperation:
        return None


def _documents(session: Session, case: Case, s: RegistrationSubmission) -> list[DocumentRow]:
    stored = {(d.sha256, d.kind): d for d in session.exec(select(Document).where(
        Document.application_id == case.application_id).order_by(col(Document.id))).all()} \
        if case.application_id is not None else {}
    types = {f.sha256: f.content_type for f in session.exec(select(StoredFile).where(
        col(StoredFile.sha256).in_({d.sha256 for d in s.documents}))).all()} \
        if s.documents else {}
    rows = []
    for d in s.documents:
        document = stored.get((d.sha256, d.kind))
        content_type = types.get(d.sha256, "")
        rows.append(DocumentRow(
            id=document.id if document is not None else None, filename=d.filename,
            kind_label=message(f"doc.kind.{d.kind}"),
            content_type=content_type if content_type in ALLOWED_TYPES else ""))
    return rows


def submitted_application(session: Session, case: Case) -> SubmittedApplication | None:
    """The case's registration as submitted; None for a licence case (it has no submission)."""
    if case.submission is None:
        return None
    s = RegistrationSubmission.model_validate(case.submission)
    lang = get_locale()
    holders = s.people.get("shareholder", [])
    total = sum(p.shares or 0 for p in holders)
    foreign = sum(p.shares or 0 for p in holders if (p.nationality or "TH").upper() != "TH")
    shareholders = [_person(p, lang, total) for p in holders]
    capital_total = _capital_total(s)
    try:
        entity_label = message(names.entity_label_key(names.EntityType(s.entity_type)))
    except ValueError:
        entity_label = s.entity_type
    return SubmittedApplication(
        submission=s, entity_label=entity_label, office_line=_office_line(s, lang),
        capital_total=capital_total,
        capital_matches=capital_total is None or s.capital.registered is None
        or capital_total == s.capital.registered,
        shareholders=shareholders, promoters=[p for p in shareholders if p.is_promoter],
        directors=[_person(p, lang, total) for p in s.people.get("director", [])],
        witnesses=[_person(p, lang, total) for p in s.people.get("witness", [])],
        total_shares=total, foreign_shares=foreign, foreign_percent=_percent(foreign, total),
        foreign_majority=_percent(foreign, total) >= steps.FOREIGN_MAJORITY_PERCENT,
        documents=_documents(session, case, s))
