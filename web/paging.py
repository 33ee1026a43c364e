"""Filters and pages of the desks' lists, kept in the URL so a filtered page can be shared."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 25


def page_number(query: Any) -> int:
    page = str(query.get("page", "1"))
    return max(1, int(page)) if page.isdigit() else 1


def flag(query: Any, name: str) -> bool:
    return query.get(name) in ("1", "on")


def query_string(values: dict[str, Any], **changes: Any) -> str:
    """The filter as a query string, with `changes` applied and empty values left out."""
    merged = {**values, **changes}
    return urlencode({k: ("1" if v is True else v) for k, v in merged.items()
                      if v not in ("", False, None)})


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))
