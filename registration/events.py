"""What registration announces to the rest of the portal (core.events); `flows` subscribes
the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApplicationSubmitted:
    """An application was frozen and given its reference. `submission` is what was submitted
    (registration.service.submission_payload): a copy the receiver may keep."""

    application_id: int
    submission: dict[str, Any]
