"""The desk's search: one lower-cased text per case (reference, Thai and English names,
juristic number, the names of the submission's promoters, shareholders, directors and
witnesses), kept up to date whenever a case is written, matched by substring. A substring
match rather than a word index: Thai is written without spaces between words, and LIKE reads
the same on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlmodel import col

from eec_bridge.models import Case

_NUMBER = re.compile(r"[\d\s-]+")


def search_text(case: Case) -> str:
    return text_of(case.reference, case.name_th, case.name_en, case.juristic_number,
                   case.licence_id, case.bizportal_id, case.oss_case_number,
                   submission=case.submission)


def text_of(*values: str | None, submission: dict[str, Any] | None = None) -> str:
    """The search text of a case with these identifiers and names, and this submission (for a
    row inserted without the ORM, which skips the hook below)."""
    parts = [v or "" for v in values]
    people = (submission or {}).get("people") or {}
    for role_people in people.values():
        parts += [str(p.get("full_name", "")) for p in role_people or []]
    return "\n".join(p.strip().lower() for p in parts if p and p.strip())


def normalized_query(text: str) -> str:
    """The search as typed, lower-cased; a number typed with dashes or spaces
    (0-1055-69000-01-2) matches the juristic number's digits."""
    text = " ".join(text.split()).lower()[:200]
    if _NUMBER.fullmatch(text) and any(c.isdigit() for c in text):
        return re.sub(r"\D", "", text)
    return text


def matching(text: str) -> Any:
    """The condition for cases whose search text contains `text` (LIKE wildcards escaped)."""
    return col(Case.search_text).contains(normalized_query(text), autoescape=True)


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_search_text(_mapper: Any, _connection: Any, case: Case) -> None:
    case.search_text = search_text(case)
