"""The desks' inboxes: a filter kept in the URL (read from the query, written back as a query
string for the pager) and one page of rows with the overdue count. Each desk declares its
filter's fields and builds its own conditions; reading, sorting and paging happen here once."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from core import paging

PAGE_SIZE = paging.PAGE_SIZE
Row = TypeVar("Row")


def sorts(model: Any, due: Any) -> dict[str, Any]:
    """The sorts every inbox offers: by due time, newest first, last changed first."""
    return {"due": col(due).asc(), "newest": col(model.created_at).desc(),
            "updated": col(model.updated_at).desc()}


@dataclass
class InboxFilter:
    """Base of a desk's filter; the desk's dataclass adds its fields. A `bool` field is a
    checkbox flag, `page` the page number, `sort` a key of `SORTS`, any other field a text
    value, kept only if `allowed` lets it through."""

    SORTS: ClassVar[dict[str, Any]]  # the sort's name → its ORDER BY column

    overdue: bool = False
    mine: bool = False
    sort: str = "due"
    page: int = 1

    @classmethod
    def allowed(cls, name: str, value: str) -> bool:
        return True

    @classmethod
    def from_query(cls, query: Any) -> Self:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "page":
                values[f.name] = paging.page_number(query)
            elif f.name == "sort":
                values[f.name] = query.get("sort") if query.get("sort") in cls.SORTS else f.default
            elif f.type in (bool, "bool"):
                values[f.name] = paging.flag(query, f.name)
            else:
                value = query.get(f.name, "")
                values[f.name] = value if cls.allowed(f.name, value) else ""
        return cls(**values)

    def query_string(self, **changes: Any) -> str:
        """Text filters first, then the flags, then sort and page, as the links always read."""
        fields = [f for f in dataclasses.fields(self) if f.name not in ("sort", "page")]
        ordered = [f.name for f in fields if f.type not in (bool, "bool")]
        ordered += [f.name for f in fields if f.type in (bool, "bool")] + ["sort", "page"]
        return paging.query_string({name: getattr(self, name) for name in ordered}, **changes)

    def matching(self, **columns: Any) -> list[Any]:
        """`column == value` for each named text filter that has a value."""
        return [column == getattr(self, name) for name, column in columns.items()
                if getattr(self, name)]


@dataclass
class InboxPage(Generic[Row]):
    rows: list[Row]
    total: int
    overdue: int  # across the desk's whole scope, whatever the filters
    pages: int
    filters: InboxFilter


def search(session: Session, model: Any, f: InboxFilter, conditions: Sequence[Any],
           overdue_conditions: Sequence[Any]) -> InboxPage[Any]:
    """One page of `model` rows matching `conditions`, in the filter's sort (ties by id)."""
    total = session.exec(select(func.count(model.id)).where(*conditions)).one()
    overdue = session.exec(select(func.count(model.id)).where(*overdue_conditions)).one()
    rows = session.exec(select(model).where(*conditions)
                        .order_by(f.SORTS[f.sort], col(model.id))
                        .offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return InboxPage(rows=list(rows), total=total, overdue=overdue,
                     pages=paging.page_count(total, PAGE_SIZE), filters=f)
