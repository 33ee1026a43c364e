"""One choice in a select list, shared by every form that offers choices."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """The stored code and the label shown in the user's language."""

    code: str
    label: str
