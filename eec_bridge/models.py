"""The transactional outbox: written in the same transaction as the change it announces."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class OutboxState(StrEnum):
    pending = "pending"
    sent = "sent"
    parked = "parked"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"

    # The stable message id doubles as the Idempotency-Key the receiver checks.
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    topic: str = Field(max_length=80, index=True)
    aggregate_type: str = Field(max_length=40)
    aggregate_id: int = Field(index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    state: OutboxState = Field(default=OutboxState.pending, max_length=20, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
