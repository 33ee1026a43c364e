"""The notifications table: one row per event that concerns an applicant, read or not."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from core.clock import utcnow


class NotificationKind(StrEnum):
    info_requested = "info_requested"
    approved = "approved"
    registered = "registered"
    rejected = "rejected"


class Notification(SQLModel, table=True):
    """`event_key` names the event (e.g. case:12:approved): the same event, told twice, is
    one notification and so one e-mail. `params` fill the wording in the reader's language
    (free text such as an officer's question keeps its Thai twin, `question_th`)."""

    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="applications.id")
    kind: NotificationKind = Field(max_length=30)
    event_key: str = Field(max_length=120, unique=True, index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
