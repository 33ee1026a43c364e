"""The bridge's tables: the transactional outbox, the callback inbox, the hash-chained
exchange log, the Biz Portal feed cursor, and the EEC officers' cases."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow


class OutboxState(StrEnum):
    pending = "pending"
    sent = "sent"
    rejected = "rejected"  # the other side refused the content (4xx): a case problem
    parked = "parked"  # dead letter: too many failures or an unreadable reply


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"

    # The stable message id doubles as the Idempotency-Key the receiver checks.
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    topic: str = Field(max_length=80, index=True)
    destination: str = Field(default="bizportal", max_length=20)
    aggregate_type: str = Field(max_length=40)
    aggregate_id: int = Field(index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    state: OutboxState = Field(default=OutboxState.pending, max_length=20, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    # When the relay may (re-)enqueue it: after a backoff, or once a claim's lease runs out.
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    # A topic sent once (eec_bridge.topics.Topic.sent_once): until when one delivery holds
    # the right to send it; another delivery meanwhile leaves it alone.
    sending_until: datetime | None = None


class InboxMessage(SQLModel, table=True):
    """Every callback we accepted, once: the unique key drops duplicates."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("source", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=20)
    event_id: str = Field(max_length=80)
    payload_sha256: str = Field(max_length=64)
    applied: bool = True
    received_at: datetime = Field(default_factory=utcnow)


class ExchangeHead(SQLModel, table=True):
    """One row: the newest hash of the exchange log. Updating it first serialises appends."""

    __tablename__ = "exchange_head"

    id: int = Field(default=1, primary_key=True)
    entries: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)


class ExchangeEntry(SQLModel, table=True):
    """Tamper-evident log of every exchange in both directions (hash-chained)."""

    __tablename__ = "exchange_log"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True, unique=True)
    message_id: str = Field(max_length=80, index=True)
    direction: str = Field(max_length=3)  # "out" or "in"
    system: str = Field(max_length=20)
    endpoint: str = Field(max_length=300)
    payload_sha256: str = Field(max_length=64)
    result: str = Field(max_length=500)
    attempt: int = 1
    case_id: int | None = Field(default=None, index=True)
    # ISO text, not a datetime column: the hash must see exactly what was stored.
    at: str = Field(max_length=40)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class FeedCursor(SQLModel, table=True):
    __tablename__ = "feed_cursors"

    name: str = Field(primary_key=True, max_length=40)
    cursor: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)


class CaseKind(StrEnum):
    company_registration = "company_registration"
    factory_licence = "factory_licence"
    work_permit = "work_permit"
    investment_promotion = "investment_promotion"


class CaseStatus(StrEnum):
    submitted = "submitted"  # waiting to reach Biz Portal
    with_bizportal = "with_bizportal"
    registered = "registered"  # final unless the EEC leg follows
    bizportal_rejected = "bizportal_rejected"
    eec_review = "eec_review"  # an EEC officer decides (privileges requested)
    info_requested = "info_requested"  # the applicant must answer
    received = "received"  # a licence application from the Biz Portal feed
    with_eec_oss = "with_eec_oss"
    approved = "approved"
    rejected = "rejected"


FINAL_STATUSES = {CaseStatus.bizportal_rejected, CaseStatus.approved, CaseStatus.rejected}


class Case(SQLModel, table=True):
    """What an EEC officer handles: a submitted registration or a licence application
    that came across from Biz Portal."""

    __tablename__ = "cases"

    id: int | None = Field(default=None, primary_key=True)
    kind: CaseKind = Field(max_length=30, index=True)
    status: CaseStatus = Field(max_length=30, index=True)
    application_id: int | None = Field(default=None, foreign_key="applications.id", unique=True)
    licence_id: str | None = Field(default=None, max_length=60, unique=True)
    reference: str = Field(max_length=40, index=True)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    province_code: str = Field(default="", max_length=10, index=True)
    estate_id: str = Field(default="", max_length=60, index=True)
    target_industry: str = Field(default="", max_length=60, index=True)
    operates_in_eec: bool = False
    requests_privileges: bool = False
    juristic_number: str | None = Field(default=None, max_length=13)
    bizportal_id: str | None = Field(default=None, max_length=60, index=True)
    bizportal_sequence: int = 0
    oss_case_number: str | None = Field(default=None, max_length=60, index=True)
    oss_sequence: int = 0
    certificate_code: str | None = Field(default=None, max_length=40, unique=True)
    # A registration's payload as submitted (eec_bridge.payloads.RegistrationSubmission), plus
    # files sent with answers: the bridge never reads registration's tables. None for licences.
    submission: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    problem: str = Field(default="", max_length=2000)
    assignee_id: int | None = Field(default=None, foreign_key="users.id")
    sla_due_at: datetime
    # Set while the SLA clock is stopped (waiting for the applicant's answer): on the answer
    # the due time moves by the working time it stood still (eec_bridge.workflow).
    sla_paused_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    # What the desk's search box matches: reference, both names, juristic number and the
    # names of the people in the submission, lower-cased (kept by eec_bridge.search).
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                          server_default=""))


class InfoRequest(SQLModel, table=True):
    """A question to the applicant, from an officer or from EEC OSS, and the answer."""

    __tablename__ = "info_requests"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    origin: str = Field(max_length=20)  # "officer" or "eec_oss"
    question_th: str = Field(default="", max_length=2000)
    question_en: str = Field(default="", max_length=2000)
    asked_by_id: int | None = Field(default=None, foreign_key="users.id")
    asked_at: datetime = Field(default_factory=utcnow)
    answer: str = Field(default="", max_length=4000)
    answer_document_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    answered_at: datetime | None = None
