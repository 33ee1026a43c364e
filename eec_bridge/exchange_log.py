"""The tamper-evident exchange log: every message in or out, each entry carrying the hash
of the one before. `verify()` walks the chain and names the first broken link."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from eec_bridge.models import ExchangeEntry, ExchangeHead
from web.db import append_row, get_engine

GENESIS = "0" * 64


def payload_digest(payload: Any) -> str:
    """sha256 of raw bytes, or of canonical JSON for structured payloads."""
    if isinstance(payload, bytes):
        data = payload
    else:
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def entry_hash(prev_hash: str, e: ExchangeEntry) -> str:
    fields = [prev_hash, e.seq, e.message_id, e.direction, e.system, e.endpoint,
              e.payload_sha256, e.result, e.attempt, e.case_id, e.at]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def append(*, message_id: str, direction: str, system: str, endpoint: str, payload: Any,
           result: str, attempt: int = 1, case_id: int | None = None,
           session: Session | None = None) -> ExchangeEntry:
    """Appends one entry. Inside `session`, the business transaction the exchange changed,
    the entry commits with that change or not at all (and costs no commit of its own).
    Without one it commits in a transaction of its own, so an exchange that changed nothing
    (a refusal, a failed call, a duplicate) is logged all the same."""
    fields = dict(message_id=message_id, direction=direction, system=system,
                  endpoint=endpoint[:300], payload_sha256=payload_digest(payload),
                  result=result[:500], attempt=attempt, case_id=case_id)
    if session is not None:
        return _append(session, fields)
    with Session(get_engine(), expire_on_commit=False) as own:
        entry = _append(own, fields)
        own.commit()
        return entry


def _append(session: Session, fields: dict[str, Any]) -> ExchangeEntry:
    """Bumping the head row first serialises concurrent writers on both SQLite (database
    write lock) and PostgreSQL (row lock) until the transaction ends. Three short
    statements, not the ORM's unit of work: this runs on every exchange."""
    connection = session.connection()
    head = connection.execute(_BUMP_HEAD).first()
    if head is None:  # the first entry ever
        connection.execute(_HEAD.insert(), {"id": 1, "entries": 1, "last_hash": GENESIS})
        head = (1, GENESIS)
    seq, prev_hash = head
    entry = ExchangeEntry(seq=seq, **fields, at=datetime.now(UTC).isoformat(timespec="microseconds"),
                          prev_hash=prev_hash, hash="")
    entry.hash = entry_hash(prev_hash, entry)
    entry.id = append_row(session, ExchangeEntry, **entry.model_dump(exclude={"id"}))
    connection.execute(_SET_HEAD, {"new_hash": entry.hash})
    return entry


_HEAD = ExchangeHead.__table__  # type: ignore[attr-defined]
_BUMP_HEAD = (_HEAD.update().where(_HEAD.c.id == 1).values(entries=_HEAD.c.entries + 1)
              .returning(_HEAD.c.entries, _HEAD.c.last_hash))
_SET_HEAD = _HEAD.update().where(_HEAD.c.id == 1).values(last_hash=bindparam("new_hash"))


@dataclass(frozen=True)
class Verification:
    entries: int
    broken_at: int | None  # seq of the first entry that does not chain
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch: int = 5000) -> Verification:
    prev, count, last_seq = GENESIS, 0, 0
    while True:
        rows = session.exec(select(ExchangeEntry).where(ExchangeEntry.seq > last_seq)
                            .order_by(ExchangeEntry.seq).limit(batch)).all()  # type: ignore[arg-type]
        if not rows:
            break
        for e in rows:
            count += 1
            if e.seq != last_seq + 1:
                return Verification(count, e.seq, f"entry {last_seq + 1} is missing")
            if e.prev_hash != prev:
                return Verification(count, e.seq, "previous-hash link does not match")
            if entry_hash(prev, e) != e.hash:
                return Verification(count, e.seq, "entry content does not match its hash")
            prev, last_seq = e.hash, e.seq
    head = session.get(ExchangeHead, 1)
    # Also when no entry is left: an emptied log must not pass for a fresh one.
    if head is not None and head.last_hash != prev:
        return Verification(count, last_seq or 1, "head does not point at the last entry")
    return Verification(count, None)


def entries_for_case(session: Session, case_id: int) -> list[ExchangeEntry]:
    return list(session.exec(select(ExchangeEntry).where(ExchangeEntry.case_id == case_id)
                             .order_by(ExchangeEntry.seq)).all())  # type: ignore[arg-type]
