"""What the bridge announces to the rest of the portal (core.events). `flows` subscribes the
handlers; the bridge never learns who listens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseEventRecorded:
    """A line of a case's timeline (the timeline the applicant and the officers read)."""

    application_id: int | None
    case_id: int | None
    status: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    internal: bool = False
    actor_id: int | None = None


@dataclass(frozen=True)
class CompanyRegistered:
    """The registrar gave a submitted application's company its juristic person number. The
    handler writes the timeline line 'event.registered' itself (it formats the number)."""

    application_id: int | None
    case_id: int
    status: str
    juristic_number: str
    name_th: str
    name_en: str


# What a process that changes cases must have a handler for (core.events.require).
ALL = (CaseEventRecorded, CompanyRegistered)
