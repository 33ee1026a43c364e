"""Filters and pages of the desks' lists, kept in the URL so a filtered page can be shared."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from core.errors import DomainError

PAGE_SIZE = 25
# Far past any real list, and small enough that the row offset stays a 64-bit integer.
MAX_PAGE = 1_000_000


def page_number(query: Any) -> int:
    """The `page` of the query: decimal digits of any script (Thai ๒ is 2), 1 if absent; a
    value that is no page number answers 400 instead of reaching the query."""
    page = str(query.get("page", "") or "1").strip()
    if not page.isdecimal() or len(page) > len(str(MAX_PAGE)) or int(page) > MAX_PAGE:
        raise DomainError("error.page_invalid", 400)
    return max(1, int(page))


def flag(query: Any, name: str) -> bool:
    return query.get(name) in ("1", "on")


def query_string(values: dict[str, Any], **changes: Any) -> str:
    """The filter as a query string, with `changes` applied and empty values left out."""
    merged = {**values, **changes}
    return urlencode({k: ("1" if v is True else v) for k, v in merged.items()
                      if v not in ("", False, None)})


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))
