"""User table and its schema family."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.clock import utcnow


class Role(StrEnum):
    applicant = "applicant"
    officer = "officer"
    admin = "admin"
    estate_operator = "estate_operator"  # handles the complaints of one industrial estate


class UserBase(SQLModel):
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=200)
    preferred_lang: str = Field(default="th", max_length=5)


class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.applicant, max_length=20)
    is_active: bool = True
    # The estate (estates.csv id) an estate operator works for; None for everyone else.
    estate_id: str | None = Field(default=None, max_length=60, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Every session cookie carries the version it was issued under; bumping it (sign-out,
    # password change, "sign out everywhere") ends all of the user's sessions on the server.
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.officer, Role.admin)
