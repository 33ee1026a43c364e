"""The one clock: aware UTC datetimes for storing; core.thai_dates shows them in Bangkok time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
