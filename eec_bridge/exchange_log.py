"""The tamper-evident exchange log: every message in or out, each entry carrying the hash
of the one before. `verify()` walks the chain and names the first broken link."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from core.db import table_of
from core.runtime import get_engine
from eec_bridge.models import ExchangeEntry, ExchangeHead

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


def exchange(*, message_id: str, direction: str, system: str, endpoint: str, payload: Any,
             result: str, attempt: int = 1, case_id: int | None = None) -> dict[str, Any]:
    """One exchange as the log records it (the payload as its digest)."""
    return dict(message_id=message_id, direction=direction, system=system,
                endpoint=endpoint[:300], payload_sha256=payload_digest(payload),
                result=result[:500], attempt=attempt, case_id=case_id)


def append(*, session: Session | None = None, **fields: Any) -> ExchangeEntry:
    """Appends one entry (the fields of `exchange`). Inside `session`, the business
    transaction the exchange changed, the entry commits with that change or not at all (and
    costs no commit of its own). Without one it commits in a transaction of its own, so an
    exchange that changed nothing (a refusal, a failed call, a duplicate) is logged all the
    same."""
    return append_many([exchange(**fields)], session=session)[0]


def append_many(exchanges: list[dict[str, Any]],
                session: Session | None = None) -> list[ExchangeEntry]:
    """Appends entries in the order given, as `append` does one."""
    if session is not None:
        return _append(session, exchanges)
    with Session(get_engine(), expire_on_commit=False) as own:
        entries = _append(own, exchanges)
        own.commit()
        return entries


def _append(session: Session, exchanges: list[dict[str, Any]]) -> list[ExchangeEntry]:
    """Bumping the head row first serialises concurrent writers on both SQLite (database
    write lock) and PostgreSQL (row lock) until the transaction ends. Three statements
    however many entries, not the ORM's unit of work: this runs on every exchange."""
    if not exchanges:
        return []
    connection = session.connection()
    head = connection.execute(_BUMP_HEAD, {"n": len(exchanges)}).first()
    if head is None:  # the first entries ever
        connection.execute(_HEAD.insert(), {"id": 1, "entries": len(exchanges),
                                            "last_hash": GENESIS})
        last_seq, prev_hash = len(exchanges), GENESIS
    else:
        last_seq, prev_hash = head
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    entries = []
    for seq, fields in enumerate(exchanges, start=last_seq - len(exchanges) + 1):
        entry = ExchangeEntry(seq=seq, **fields, at=at, prev_hash=prev_hash, hash="")
        entry.hash = prev_hash = entry_hash(prev_hash, entry)
        entries.append(entry)
    connection.execute(_ENTRIES.insert(), [e.model_dump(exclude={"id"}) for e in entries])
    connection.execute(_SET_HEAD, {"new_hash": prev_hash})
    return entries


_HEAD = table_of(ExchangeHead)
_ENTRIES = table_of(ExchangeEntry)
_BUMP_HEAD = (_HEAD.update().where(_HEAD.c.id == 1)
              .values(entries=_HEAD.c.entries + bindparam("n"))
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
                            .order_by(col(ExchangeEntry.seq)).limit(batch)).all()
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
                             .order_by(col(ExchangeEntry.seq))).all())
