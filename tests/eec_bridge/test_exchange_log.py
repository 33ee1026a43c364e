"""The hash-chained exchange log: appends chain, and `verify()` (and the operator command
`python -m web.cli verify-exchange-log`) names the first broken link after an entry is
edited or deleted directly in the database. Every tampering is undone before a test ends,
so the log other tests verify stays intact."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, select

from eec_bridge import exchange_log
from eec_bridge.models import ExchangeEntry
from tests.conftest import ROOT

COLUMNS = ("id", "seq", "message_id", "direction", "system", "endpoint", "payload_sha256",
           "result", "attempt", "case_id", "at", "prev_hash", "hash")


def append_three() -> list[ExchangeEntry]:
    return [
        exchange_log.append(message_id="m-1", direction="out", system="bizportal",
                            endpoint="POST /api/v1/registrations",
                            payload={"reference": "REG-2026-000001"}, result="ok", case_id=1),
        exchange_log.append(message_id="e-1", direction="in", system="bizportal",
                            endpoint="POST /webhooks/bizportal", payload=b'{"eventId":"e-1"}',
                            result="200 applied registered", case_id=1),
        exchange_log.append(message_id="m-2", direction="out", system="eec_oss",
                            endpoint="POST /api/v1/cases", payload={"source": "registration"},
                            result="retry: TransientError: EEC OSS answered 503", attempt=2,
                            case_id=1),
    ]


def verify(session: Session) -> exchange_log.Verification:
    session.rollback()  # read what is committed now
    return exchange_log.verify(session)


def row(session: Session, seq: int) -> dict[str, Any]:
    found = session.execute(text(f"SELECT {', '.join(COLUMNS)} FROM exchange_log "
                                 "WHERE seq = :seq"), {"seq": seq}).mappings().one()
    return dict(found)


@contextmanager
def edited(session: Session, seq: int, **changes: Any) -> Iterator[None]:
    """Edits one entry with plain SQL, the way someone with database access would, and puts
    the original values back afterwards."""
    original = row(session, seq)
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    session.execute(text(f"UPDATE exchange_log SET {assignments} WHERE seq = :seq"),
                    {**changes, "seq": seq})
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        session.execute(text(f"UPDATE exchange_log SET {assignments} WHERE seq = :seq"),
                        {**{c: original[c] for c in changes}, "seq": seq})
        session.commit()


@contextmanager
def deleted(session: Session, seq: int | None = None) -> Iterator[None]:
    """Deletes one entry (every entry when `seq` is None) and puts it back afterwards."""
    where, params = ("WHERE seq = :seq", {"seq": seq}) if seq is not None else ("", {})
    originals = [dict(r) for r in session.execute(text(
        f"SELECT {', '.join(COLUMNS)} FROM exchange_log {where}"), params).mappings()]
    session.execute(text(f"DELETE FROM exchange_log {where}"), params)
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        session.execute(text(f"INSERT INTO exchange_log ({', '.join(COLUMNS)}) "
                             f"VALUES ({', '.join(':' + c for c in COLUMNS)})"), originals)
        session.commit()


def test_appended_entries_chain_and_verify(session):
    before = verify(session)
    assert before.ok, before
    entries = append_three()
    assert [e.seq for e in entries] == [before.entries + 1, before.entries + 2,
                                        before.entries + 3]
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert entries[1].payload_sha256 == exchange_log.payload_digest(b'{"eventId":"e-1"}')
    after = verify(session)
    assert after.ok and after.entries == before.entries + 3
    assert [e.seq for e in exchange_log.entries_for_case(session, 1)][-3:] == [
        e.seq for e in entries]


def test_an_entry_written_with_a_change_goes_when_the_change_rolls_back(session):
    """Inside the business transaction, the entry commits with the change or not at all,
    and the chain carries on from the last committed entry."""
    before = verify(session)
    with Session(session.get_bind()) as business:
        exchange_log.append(message_id="e-rolled-back", direction="in", system="eec_oss",
                            endpoint="POST /webhooks/eec-oss", payload=b"{}",
                            result="200 applied approved", case_id=1, session=business)
        business.rollback()
    assert verify(session).entries == before.entries
    with Session(session.get_bind(), expire_on_commit=False) as business:
        kept = exchange_log.append(message_id="e-kept", direction="in", system="eec_oss",
                                   endpoint="POST /webhooks/eec-oss", payload=b"{}",
                                   result="200 applied approved", case_id=1, session=business)
        business.commit()
    after = verify(session)
    assert after.ok and after.entries == before.entries + 1 and kept.seq == after.entries
    assert session.exec(select(func.count()).where(
        ExchangeEntry.message_id == "e-rolled-back")).one() == 0


def test_an_edited_result_or_payload_hash_is_the_first_broken_link(session):
    first, middle, last = append_three()
    with edited(session, middle.seq, result="200 applied rejected"):
        result = verify(session)
        assert (result.broken_at, result.reason) == (
            middle.seq, "entry content does not match its hash")
        assert not result.ok
    with edited(session, first.seq, payload_sha256="0" * 64):
        assert verify(session).broken_at == first.seq
    with edited(session, last.seq, attempt=1):
        assert verify(session).broken_at == last.seq
    assert verify(session).ok


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link(session):
    """Recomputing the edited entry's own hash does not help: the next entry still points
    at the old one, and after the last entry the head row does."""
    _first, middle, last = append_three()
    forged = middle.model_copy(update={"result": "200 applied rejected"})
    with edited(session, middle.seq, result=forged.result,
                hash=exchange_log.entry_hash(middle.prev_hash, forged)):
        result = verify(session)
        assert (result.broken_at, result.reason) == (
            last.seq, "previous-hash link does not match")
    forged = last.model_copy(update={"result": "ok"})
    with edited(session, last.seq, result=forged.result,
                hash=exchange_log.entry_hash(last.prev_hash, forged)):
        result = verify(session)
        assert result.reason == "head does not point at the last entry"
        assert result.broken_at == last.seq
    assert verify(session).ok


def test_a_deleted_entry_is_reported(session):
    _first, middle, last = append_three()
    with deleted(session, middle.seq):
        result = verify(session)
        assert (result.broken_at, result.reason) == (last.seq, f"entry {middle.seq} is missing")
    with deleted(session, last.seq):
        result = verify(session)
        assert not result.ok and result.reason == "head does not point at the last entry"
    assert verify(session).ok


def test_an_emptied_log_is_reported(session):
    append_three()
    with deleted(session):
        result = verify(session)
        assert (result.entries, result.ok) == (0, False), result
        assert result.reason == "head does not point at the last entry"
    assert verify(session).ok


def run_cli(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "EEC_ENVIRONMENT": "test"}
    return subprocess.run([sys.executable, "-m", "web.cli", "verify-exchange-log"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_verify_command_exit_codes(session, database_url):
    _first, middle, _last = append_three()
    session.rollback()
    entries = session.exec(select(func.count()).select_from(ExchangeEntry)).one()
    intact = run_cli(database_url)
    assert intact.returncode == 0, intact.stderr
    assert f"exchange log verified: {entries} entries, chain intact" in intact.stdout
    with edited(session, middle.seq, payload_sha256="f" * 64):
        broken = run_cli(database_url)
    assert broken.returncode == 1, (broken.stdout, broken.stderr)
    assert f"exchange log BROKEN at entry {middle.seq}: " \
           "entry content does not match its hash" in broken.stderr
    assert run_cli(database_url).returncode == 0
