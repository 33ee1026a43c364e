"""Registration operations: name checks and reservations, saving wizard steps, documents,
fees and submission. Services flush but never commit; the route or task commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from core.accounts.models import Role, User
from core.clock import utcnow
from core.db import append_row, row_update, stored_id
from core.errors import (
    N_,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    register_messages,
)
from core.events import publish
from core.i18n import format_date, message
from core.runtime import current, get_settings
from core.security import upload_allowed
from registration import documents, names, repository, schemas, steps
from registration.events import ApplicationSubmitted
from registration.fees import FeeQuote, compute_fees
from registration.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Document,
    NameReservation,
    Person,
    PersonRole,
    ReservationStatus,
    StoredFile,
)
from registration.register_index import register_index
from registration.steps import StepForm

MAX_CANDIDATES = 3

register_messages(
    {
        "reservation.expired": N_(
            "Your name reservation expired on {until}. Reserve a name again to continue."),
        "reservation.first_required": N_("Enter at least your first-choice name."),
        "application.frozen": N_(
            "This application has been submitted and can no longer be changed."),
        "application.staff_read_only": N_(
            "Staff can read this application, but only the applicant can change it."),
        "application.incomplete": N_("Complete the step “{step}” before submitting."),
        "application.declaration_required": N_(
            "Confirm that the information is true and complete."),
        "event.draft_created": N_("Draft started with the reserved name {name}."),
        "event.submitted": N_("Application submitted with reference {reference}."),
        "status.draft": N_("Draft"),
        "status.submitted": N_("Submitted"),
    }
)


def as_aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- Names ------------------------------------------------------------------------------------

def _register_index(session: Session) -> names.NameIndex:
    """The register's index, held by the process's container (registration/register_index.py)."""
    return current().provide(register_index).of(session)


def warm_up(session: Session) -> int:
    """Builds the register's index before the first visitor needs it; returns its size."""
    return len(_register_index(session))


def _reserved_index(session: Session, exclude_id: int | None = None) -> names.NameIndex:
    rows = repository.active_reservations(session)
    return names.NameIndex(
        names.RegisteredName(id=stored_id(r.id), name_th=r.name_th, name_en=r.name_en,
                             source="reserved")
        for r in rows if r.id != exclude_id
    )


@dataclass
class NameCheck:
    errors: list[FieldError]
    conflicts: list[names.NameConflict]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_name(session: Session, entity_type: str, name_th: str, name_en: str,
               field_prefix: str = "") -> NameCheck:
    if entity_type not in set(names.EntityType):
        return NameCheck(errors=[FieldError("entity_type", "field.choice")], conflicts=[])
    errors = names.check_name_form(names.EntityType(entity_type), name_th, name_en, field_prefix)
    conflicts: list[names.NameConflict] = []
    if not errors:
        for index in (_register_index(session), _reserved_index(session)):
            found = index.find_conflicts(name_th, name_en)
            conflicts += found
            errors += names.check_name_available(index, name_th, name_en, field_prefix,
                                                 conflicts=found)
    return NameCheck(errors=errors, conflicts=conflicts)


def reserve_name(session: Session, user: User, entity_type: str,
                 candidates: list[tuple[str, str]]) -> tuple[NameReservation, Application]:
    """Reserves the first candidate (by preference) that is well formed and free."""
    ensure_applicant(user)
    r_errors: list[FieldError] = []
    if entity_type not in set(names.EntityType):
        raise Invalid([FieldError("entity_type", "field.choice")])
    filled = [(i, th, en) for i, (th, en) in enumerate(candidates[:MAX_CANDIDATES])
              if th.strip() or en.strip()]
    if not filled or filled[0][0] != 0:
        raise Invalid([FieldError("names-0-name_th", "reservation.first_required")])
    checks = {i: check_name(session, entity_type, th, en, f"names-{i}-") for i, th, en in filled}
    # A malformed name is a typing mistake to fix, even if a better-ranked name is free.
    form_errors = [e for c in checks.values() for e in c.errors
                   if e.key not in ("name.identical", "name.similar")]
    if form_errors:
        raise Invalid(form_errors)
    chosen = next(((i, th, en) for i, th, en in filled if checks[i].ok), None)
    if chosen is None:
        r_errors = [e for c in checks.values() for e in c.errors]
        raise Invalid(r_errors)
    rank, name_th, name_en = chosen
    name_th, name_en = names.clean_text(name_th), names.clean_text(name_en)
    reserved_at = utcnow()
    reservation = NameReservation(
        user_id=stored_id(user.id), entity_type=entity_type, name_th=name_th, name_en=name_en,
        norm_th=names.normalise(name_th), norm_en=names.normalise(name_en), rank=rank + 1,
        candidates=[
            {"rank": i + 1, "name_th": th, "name_en": en,
             "conflicts": [c.name_th for c in checks[i].conflicts][:5]}
            for i, th, en in filled
        ],
        reserved_at=reserved_at,
        expires_at=reserved_at + timedelta(days=get_settings().reservation_days),
    )
    session.add(reservation)
    session.flush()
    application = Application(user_id=stored_id(user.id), reservation_id=stored_id(reservation.id),
                              entity_type=entity_type, name_th=name_th, name_en=name_en)
    session.add(application)
    session.flush()
    record_event(session, application, "event.draft_created", name=name_th)
    return reservation, application


def reservation_of(session: Session, application: Application) -> NameReservation:
    reservation = session.get(NameReservation, application.reservation_id)
    assert reservation is not None  # foreign key
    return reservation


def ensure_reservation_valid(session: Session, application: Application,
                             reservation: NameReservation | None = None) -> NameReservation:
    reservation = reservation or reservation_of(session, application)
    expires = as_aware(reservation.expires_at)
    if reservation.status == ReservationStatus.expired or expires <= utcnow():
        if reservation.status != ReservationStatus.expired:
            reservation.status = ReservationStatus.expired
            session.add(reservation)
        raise Conflict("reservation.expired", until=format_date(expires))
    return reservation


# --- Applications -----------------------------------------------------------------------------


# Built once: building a statement costs more than running it.
_FREEZE = row_update(Application).where(Application.status == ApplicationStatus.draft)


def get_application(session: Session, user: User, application_id: int) -> Application:
    """An applicant sees only their own applications; staff see all."""
    return _visible(user, session.get(Application, application_id))


def own_application(session: Session, user: User, application_id: int) -> Application:
    """The application its applicant is about to change: staff may read it, never change it."""
    ensure_applicant(user)
    return _owned(user, session.get(Application, application_id))


def get_application_and_reservation(session: Session, user: User, application_id: int
                                    ) -> tuple[Application, NameReservation]:
    """Both in one query, for submitting (the applicant's own application only), which
    checks the reservation next."""
    ensure_applicant(user)
    row = repository.application_and_reservation(session, application_id)
    if row is None:
        raise NotFound()
    return _owned(user, row[0]), row[1]


def can_change(user: User, application: Application) -> bool:
    return user.role == Role.applicant and application.user_id == user.id


def ensure_applicant(user: User) -> None:
    """Writes in registration are the applicant's own: a draft's declaration is theirs to
    make, so an officer, admin or estate operator account changes nothing here."""
    if user.role != Role.applicant:
        raise Forbidden("application.staff_read_only")


def _visible(user: User, application: Application | None) -> Application:
    if application is None:
        raise NotFound()
    if application.user_id != user.id and not user.is_staff:
        # Same answer as "not found", so ids of other people's cases are not confirmed.
        raise NotFound()
    return application


def _owned(user: User, application: Application | None) -> Application:
    if application is None or application.user_id != user.id:
        raise NotFound()
    return application


def ensure_draft(application: Application) -> None:
    if application.status != ApplicationStatus.draft:
        raise Forbidden("application.frozen")


def _replace_people(session: Session, application: Application, role: str,
                    people: list[steps.PersonData]) -> None:
    for old in repository.people_of(session, application, PersonRole(role)):
        for doc in session.exec(select(Document).where(Document.person_id == old.id)).all():
            doc.person_id = None
            session.add(doc)
        session.delete(old)
    session.flush()
    for position, p in enumerate(people):
        session.add(Person(application_id=stored_id(application.id), role=PersonRole(role),
                           position=position,
                           full_name=p.full_name, nationality=p.nationality, thai_id=p.thai_id,
                           passport_no=p.passport_no, age=p.age, address=p.address,
                           shares=p.shares, is_promoter=p.is_promoter, can_sign=p.can_sign))


def _follow_promoters(session: Session, application: Application,
                      promoters: list[steps.PersonData]) -> None:
    """A promoter made a director by a tick is the same person: a name corrected on the
    promoters step is corrected among the directors too (matched by ID or passport)."""
    by_key = {steps.identity_key(p): p for p in promoters if p.is_promoter}
    for director in repository.people_of(session, application, PersonRole.director):
        promoter = by_key.get(director.thai_id or f"{director.nationality}:{director.passport_no}")
        if promoter is not None and director.full_name != promoter.full_name:
            director.full_name = promoter.full_name
            session.add(director)


def saved_step(session: Session, application: Application, step: str) -> StepForm:
    """A step's draft as its model: what its form or GET shows when the step is opened."""
    form = schemas.STEP_FORMS.get(step)
    if form is None:
        raise NotFound()
    return form.stored(application, repository.people_by_role(session, application))


def save_step(session: Session, application: Application, step: str,
              data: Mapping[str, Any] | StepForm, *, partial: bool = False) -> steps.StepResult:
    """Validates and stores one step (its model, or the form's fields or JSON body it reads).
    With `partial`, a draft is kept even when invalid ("save and finish later"); the step is
    marked complete only when it is valid."""
    ensure_draft(application)
    form = schemas.read_step_form(step, data)
    form.use_saved_people(repository.people_by_role(session, application))
    result = form.check(application)
    if result.errors and not partial:
        raise Invalid(result.errors)
    for key, value in result.values.items():
        setattr(application, key, value)
    for role, people in result.people.items():
        _replace_people(session, application, role, people)
    if "shareholder" in result.people:
        _follow_promoters(session, application, result.people["shareholder"])
    done = [s for s in application.completed_steps if s != step]
    if result.ok:
        done.append(step)
    application.completed_steps = done
    application.updated_at = utcnow()
    session.add(application)
    session.flush()
    return result


# --- Documents --------------------------------------------------------------------------------


def _check_kind_and_person(session: Session, application: Application, kind: str,
                           person_id: int | None) -> None:
    errors = []
    if kind not in documents.DOCUMENT_KINDS:
        errors.append(FieldError("kind", "doc.kind_invalid"))
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.application_id != application.id:
            errors.append(FieldError("person_id", "field.choice"))
    elif kind in documents.IDENTITY_KINDS:  # an ID card or passport copy is a person's
        errors.append(FieldError("person_id", "doc.person_required"))
    if errors:
        raise Invalid(errors)


def add_document(session: Session, application: Application, *, kind: str,
                 person_id: int | None, filename: str | None, content: bytes | None,
                 answering: bool = False) -> Document:
    """Attach an upload. A submitted application takes files only with an answer to a
    request for information (`answering`). The file is written when the caller commits."""
    if not answering:
        ensure_draft(application)
    _check_kind_and_person(session, application, kind, person_id)
    content_type = documents.check_upload(content)
    assert content is not None
    if not upload_allowed(application.user_id):
        raise DomainError("doc.rate_limited", status=429)
    digest = documents.stage_blob(session, content)
    if session.get(StoredFile, digest) is None:
        session.add(StoredFile(sha256=digest, content_type=content_type, size=len(content)))
        session.flush()
    doc = _attach(session, application, digest, kind, person_id,
                  documents.safe_filename(filename))
    _check_quota(session, application)
    return doc


def _check_quota(session: Session, application: Application) -> None:
    """Counted after the change (in its transaction), so a file already attached adds no
    bytes and a refused one is rolled back with the rest."""
    settings = get_settings()
    count = repository.document_count(session, application)
    if count > settings.upload_max_documents:
        raise Invalid([FieldError("file", "doc.too_many",
                                  {"max": settings.upload_max_documents})])
    total = repository.documents_size(session, application)
    if total > settings.upload_max_total_bytes:
        raise Invalid([FieldError("file", "doc.quota_full",
                                  {"max_mb": settings.upload_max_total_bytes // (1024 * 1024)})])


def reuse_document(session: Session, application: Application, *, document_id: int, kind: str,
                   person_id: int | None) -> Document:
    """Attach a file already uploaded to this application for another purpose."""
    ensure_draft(application)
    _check_kind_and_person(session, application, kind, person_id)
    source = session.get(Document, document_id)
    if source is None or source.application_id != application.id:
        raise Invalid([FieldError("document_id", "field.choice")])
    return _attach(session, application, source.sha256, kind, person_id, source.filename)


def _attach(session: Session, application: Application, digest: str, kind: str,
            person_id: int | None, filename: str) -> Document:
    existing = session.exec(select(Document).where(
        Document.application_id == application.id, Document.sha256 == digest,
        Document.kind == kind, Document.person_id == person_id)).first()
    if existing:
        return existing
    doc = Document(application_id=stored_id(application.id), sha256=digest, kind=kind,
                   person_id=person_id, filename=filename)
    session.add(doc)
    session.flush()
    return doc


def remove_document(session: Session, application: Application, document_id: int
                    ) -> Document:
    """Detach a document (returned, for its name); a file no document refers to any more is
    deleted after commit."""
    ensure_draft(application)
    doc = session.get(Document, document_id)
    if doc is None or doc.application_id != application.id:
        raise NotFound()
    digest = doc.sha256
    session.delete(doc)
    session.flush()
    still_used = session.exec(select(Document.id).where(Document.sha256 == digest)).first()
    if still_used is None:
        stored = session.get(StoredFile, digest)
        if stored is not None:
            session.delete(stored)
            session.flush()
        documents.unlink_blob_after_commit(session, digest)
    return doc


def people_missing_identity(session: Session, application: Application, *,
                            shareholders: list[Person] | None = None,
                            docs: list[Document] | None = None) -> list[Person]:
    """The promoters with no identity document yet (ID card copy or passport copy)."""
    docs = repository.documents_of(session, application) if docs is None else docs
    if shareholders is None:
        shareholders = repository.people_of(session, application, PersonRole.shareholder)
    attached = {d.person_id for d in docs if d.kind in documents.IDENTITY_KINDS}
    return [p for p in shareholders if p.is_promoter and p.id not in attached]


def missing_documents(session: Session, application: Application, *,
                      shareholders: list[Person] | None = None,
                      docs: list[Document] | None = None) -> list[FieldError]:
    """Each promoter needs an identity document: ID card copy or passport copy."""
    return [FieldError("documents", "doc.missing_identity", {"name": p.full_name})
            for p in people_missing_identity(session, application, shareholders=shareholders,
                                             docs=docs)]


# --- Fees, review and submission --------------------------------------------------------------


def quote_fees(application: Application) -> FeeQuote:
    return compute_fees(application.entity_type)


def foreign_share_percent(session: Session, application: Application) -> Decimal:
    shareholders = repository.people_of(session, application, PersonRole.shareholder)
    return steps.foreign_share_percent(shareholders)


def incomplete_steps(session: Session, application: Application, *,
                     shareholders: list[Person] | None = None,
                     docs: list[Document] | None = None) -> list[FieldError]:
    errors = [
        FieldError("review", "application.incomplete", {"step": message(f"step.{name}")})
        for name in schemas.STEP_NAMES
        if name not in ("documents", "review") and name not in application.completed_steps
    ]
    return errors + missing_documents(session, application, shareholders=shareholders, docs=docs)


def record_event(session: Session, application: Application, key: str, **params: Any) -> None:
    append_row(session, ApplicationEvent, application_id=application.id,
               status=application.status, key=key, params=params)


def next_reference(application: Application, submitted_at: datetime) -> str:
    return f"REG-{as_aware(submitted_at).year}-{application.id:06d}"


def submission_payload(session: Session, application: Application, *,
                       by_role: dict[PersonRole, list[Person]] | None = None,
                       docs: list[Document] | None = None) -> dict[str, Any]:
    """What the bridge will send to Biz Portal: a frozen copy, Thai and English names both."""
    by_role = repository.people_by_role(session, application) if by_role is None else by_role
    docs = repository.documents_of(session, application) if docs is None else docs
    people = {
        role.value: [
            {"full_name": p.full_name, "nationality": p.nationality, "thai_id": p.thai_id,
             "passport_no": p.passport_no, "age": p.age, "address": p.address,
             "shares": p.shares, "is_promoter": p.is_promoter, "can_sign": p.can_sign}
            for p in role_people
        ]
        for role, role_people in by_role.items()
    }
    return {
        "reference": application.reference,
        "entity_type": application.entity_type,
        "name_th": application.name_th,
        "name_en": application.name_en,
        "head_office": {k: getattr(application, k) for k in (
            "house_no", "street", "subdistrict_code", "district_code", "province_code",
            "postal_code", "phone")},
        "objectives": application.objectives,
        "capital": {
            "registered": application.registered_capital,
            "shares": application.share_count,
            "par_value": str(application.par_value) if application.par_value is not None else None,
            "paid_up_percent": (str(application.paid_up_percent)
                                if application.paid_up_percent is not None else None),
        },
        "people": people,
        "signatories_required": application.signatories_required,
        "eec": {
            "operates_in_eec": application.operates_in_eec,
            "province_code": application.eec_province_code,
            "estate_id": application.estate_id,
            "target_industry": application.target_industry,
            "requests_privileges": application.requests_eec_privileges,
        },
        "documents": [{"sha256": d.sha256, "kind": d.kind, "filename": d.filename}
                      for d in docs],
        "fees_baht": str(quote_fees(application).total),
    }


def submit_application(session: Session, application: Application, *, declared: bool,
                       reservation: NameReservation | None = None) -> None:
    """Freezes the application, gives it a reference and announces ApplicationSubmitted with
    the frozen payload (flows.submission opens the case and writes the outbox row), all in
    the caller's transaction: either everything is saved or nothing is."""
    ensure_draft(application)
    ensure_reservation_valid(session, application, reservation)
    # Loaded once: the completeness check and the frozen payload read the same rows.
    by_role = repository.people_by_role(session, application)
    docs = repository.documents_of(session, application)
    errors = incomplete_steps(session, application, shareholders=by_role[PersonRole.shareholder],
                              docs=docs)
    if not declared:
        errors.append(FieldError("declaration", "application.declaration_required"))
    if errors:
        raise Invalid(errors)
    freeze(session, application)
    # The reservation stays active, so the name stays protected while the registrar
    # decides; it is marked used when the company is registered.
    record_event(session, application, "event.submitted", reference=application.reference)
    assert application.id is not None
    publish(session, ApplicationSubmitted(
        application_id=application.id,
        submission=submission_payload(session, application, by_role=by_role, docs=docs)))


def freeze(session: Session, application: Application) -> None:
    """Draft to submitted, as one compare-and-set UPDATE: of two submits of the same draft
    racing each other, only the first opens a case; the other is told it is frozen. The
    loaded object is brought up to date without being marked changed."""
    at = utcnow()
    values = {"status": ApplicationStatus.submitted, "submitted_at": at, "updated_at": at,
              "reference": next_reference(application, at)}
    changed = session.connection().execute(_FREEZE, {"row_id": application.id, **values})
    if changed.rowcount != 1:
        raise Forbidden("application.frozen")
    for key, value in values.items():
        set_committed_value(application, key, value)
