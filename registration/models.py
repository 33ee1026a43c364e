"""Registration tables: the register of names, reservations, applications (drafts and
submitted), the people named in the memorandum of association (หนังสือบริคณห์สนธิ),
documents and the status timeline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow


class RegisteredName(SQLModel, table=True):
    """A company or partnership name already on the register (or registered through us)."""

    __tablename__ = "registered_names"

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=40)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    norm_th: str = Field(max_length=300, index=True)
    norm_en: str = Field(max_length=300, index=True)
    juristic_number: str | None = Field(default=None, max_length=13)
    registered_at: datetime = Field(default_factory=utcnow)


class ReservationStatus(StrEnum):
    active = "active"
    used = "used"
    expired = "expired"


class NameReservation(SQLModel, table=True):
    """Up to three ranked names; the first one free of conflicts is reserved for 30 days."""

    __tablename__ = "name_reservations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    entity_type: str = Field(max_length=40)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    norm_th: str = Field(max_length=300, index=True)
    norm_en: str = Field(max_length=300, index=True)
    rank: int = 1
    candidates: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    status: ReservationStatus = Field(default=ReservationStatus.active, max_length=20)
    reserved_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class ApplicationStatus(StrEnum):
    """Draft until submitted, then frozen; the case (eec_bridge.models.Case) carries on."""

    draft = "draft"
    submitted = "submitted"


class Application(SQLModel, table=True):
    """One company registration, a draft until submitted; frozen afterwards."""

    __tablename__ = "applications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    reservation_id: int = Field(foreign_key="name_reservations.id")
    status: ApplicationStatus = Field(default=ApplicationStatus.draft, max_length=30, index=True)
    reference: str | None = Field(default=None, max_length=30, unique=True)
    entity_type: str = Field(max_length=40)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    completed_steps: list[str] = Field(default_factory=list, sa_column=Column(JSON))

    # Head office (สำนักงานใหญ่)
    house_no: str = Field(default="", max_length=200)
    street: str = Field(default="", max_length=200)
    province_code: str = Field(default="", max_length=10)
    district_code: str = Field(default="", max_length=10)
    subdistrict_code: str = Field(default="", max_length=10)
    postal_code: str = Field(default="", max_length=5)
    phone: str = Field(default="", max_length=30)

    # Objectives (วัตถุประสงค์) and capital (ทุนจดทะเบียน)
    objectives: str = Field(default="", max_length=4000)
    # BIGINT: capital up to 10^13 baht and 10^12 shares, past PostgreSQL's INTEGER.
    registered_capital: int | None = Field(default=None, sa_type=BigInteger)
    share_count: int | None = Field(default=None, sa_type=BigInteger)
    par_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    paid_up_percent: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))

    # Directors' signing authority (อำนาจกรรมการ)
    signatories_required: int | None = None
    signing_rule_note: str = Field(default="", max_length=500)

    # EEC questions: decide whether the case also goes to EEC OSS.
    operates_in_eec: bool | None = None
    eec_province_code: str = Field(default="", max_length=10)
    estate_id: str = Field(default="", max_length=60)
    target_industry: str = Field(default="", max_length=60)
    requests_eec_privileges: bool | None = None

    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None


class PersonRole(StrEnum):
    shareholder = "shareholder"  # promoters are shareholders with is_promoter set
    director = "director"
    witness = "witness"


class Person(SQLModel, table=True):
    __tablename__ = "application_people"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    role: PersonRole = Field(max_length=20)
    position: int = 0
    full_name: str = Field(max_length=200)
    nationality: str = Field(default="TH", max_length=2)
    thai_id: str = Field(default="", max_length=13)
    passport_no: str = Field(default="", max_length=20)
    age: int | None = None
    address: str = Field(default="", max_length=500)
    shares: int | None = Field(default=None, sa_type=BigInteger)
    is_promoter: bool = False
    can_sign: bool = False


class StoredFile(SQLModel, table=True):
    """Content-addressed blob: one row per distinct file, named by its sha256."""

    __tablename__ = "stored_files"

    sha256: str = Field(primary_key=True, max_length=64)
    content_type: str = Field(max_length=60)
    size: int
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """A file attached to an application for a purpose; the same file may serve several."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("application_id", "sha256", "kind", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    sha256: str = Field(foreign_key="stored_files.sha256", max_length=64)
    kind: str = Field(max_length=40)
    person_id: int | None = Field(default=None, foreign_key="application_people.id")
    filename: str = Field(max_length=255)
    uploaded_at: datetime = Field(default_factory=utcnow)


class ApplicationEvent(SQLModel, table=True):
    """One line of a timeline; `key` is a message key rendered in the reader's language.
    Events of a registration carry both ids; `internal` ones are for officers only."""

    __tablename__ = "application_events"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int | None = Field(default=None, foreign_key="applications.id", index=True)
    case_id: int | None = Field(default=None, index=True)
    internal: bool = False
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    status: str = Field(max_length=30)
    key: str = Field(max_length=80)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    at: datetime = Field(default_factory=utcnow)
