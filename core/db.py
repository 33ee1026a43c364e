"""Database engine and sessions. Routes and tasks commit; services never do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Table, bindparam
from sqlmodel import Session, SQLModel

from core import runtime


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. Opening it does no I/O and neither does closing it once the
    route has committed, so both stay on the event loop; a session still inside a
    transaction (a read, or an error) is rolled back on a worker thread like any other
    database call. Each thread hop avoided is a measurable part of a fast request."""
    session = Session(runtime.get_resources(request).engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]

# Row ids are INTEGER columns: 32-bit on PostgreSQL (64-bit on SQLite). A larger number in
# a URL or a form names no row, and would overflow the database (a 500) if it reached a query.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def parse_row_id(raw: object) -> int | None:
    """A row id typed into a form field (ASCII digits, in range), or None."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ROW_ID else None


def stored_id(value: int | None) -> int:
    """The primary key of a row that is in the database (flushed or read back). Models declare
    `id: int | None` because it is None until the INSERT; past that it never is, and this says
    so to the type checker and fails loudly if a caller forgot the flush."""
    if value is None:
        raise RuntimeError("row has no id yet: flush the session before using it")
    return value


def append_row(session: Session, model: type[SQLModel], **values: Any) -> Any:
    """INSERTs one new row of `model` in the session's transaction and returns its primary
    key. Fields left out take the model's defaults, as in `model(**values)`.

    For rows that are written once and not changed in the same transaction (timeline
    events, outbox messages, log entries, a case just opened) on hot paths such as
    submitting and callbacks: it skips building an ORM object and the unit of work, which
    there cost several times the INSERT itself. The row is not in the session's identity
    map afterwards; `session.get` reads it back."""
    row: dict[str, Any] = {}
    for key, field, primary in _columns(model):
        if key in values:
            row[key] = values.pop(key)
        elif field is not None:
            default = field.get_default(call_default_factory=True)
            if not (primary and default is None):
                row[key] = default
    if values:
        raise TypeError(f"{model.__name__} has no column {', '.join(values)}")
    inserted = session.connection().execute(_insert(model), row).inserted_primary_key
    assert inserted is not None  # an INSERT of one row always has its key
    return inserted[0]


def table_of(model: type[SQLModel]) -> Table:
    """The table of a table model, for statements built on the table rather than the model."""
    return model.__table__  # type: ignore[attr-defined]  # SQLModel's metaclass sets it


def row_update(model: type[SQLModel]) -> Any:
    """`UPDATE <model's table> … WHERE id = :row_id`, for a statement built once and run on a
    hot path with the new values as parameters (the SET clause follows the parameters)."""
    table = table_of(model)
    return table.update().where(table.c.id == bindparam("row_id"))


# Per table class, derived from the code's models: data, not a resource (nothing to close).
@cache
def _columns(model: type[SQLModel]) -> tuple[tuple[str, Any, bool], ...]:
    return tuple((column.key, model.model_fields.get(column.key), column.primary_key)
                 for column in table_of(model).columns)


@cache
def _insert(model: type[SQLModel]) -> Any:
    """One statement object per table, so SQLAlchemy reuses its compiled form by identity."""
    return table_of(model).insert()

