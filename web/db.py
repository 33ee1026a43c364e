"""Database engine and sessions. Routes and tasks commit; services never do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from web.settings import get_settings


@lru_cache
def get_engine() -> Engine:
    import web.models  # noqa: F401  (every table, so foreign keys resolve in any process)

    settings = get_settings()
    if settings.is_sqlite:
        path = settings.database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            settings.database_url, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            # WAL lets the web app and the Celery worker read while the other writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(settings.database_url, pool_pre_ping=True, pool_size=10)


async def get_session() -> AsyncIterator[Session]:
    """One session per request. Opening it does no I/O and neither does closing it once the
    route has committed, so both stay on the event loop; a session still inside a
    transaction (a read, or an error) is rolled back on a worker thread like any other
    database call. Each thread hop avoided is a measurable part of a fast request."""
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]

