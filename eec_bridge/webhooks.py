"""Callbacks from Biz Portal and EEC OSS. Each must carry a fresh HMAC-SHA256 signature;
each event is applied once (the inbox drops duplicates) and never moves a case backwards.
Every signed event, accepted or not, goes into the exchange log.

A callback carries one event, or a batch as `{"events": [...]}` (what the sandboxes send).
A batch is answered 200 with a result per event, in order (`results`: eventId, status, key,
detail), and is applied in one transaction: its cases are locked first, in id order, then
its events are applied in the order they came. A lone event is answered with its own
status, as before.

Only signed callbacks enter the exchange log: one refused for its signature proves nothing
about who sent it, and is counted in `refusals` instead, so strangers cannot grow the
tamper-evident chain. A body is read only up to Settings.webhook_body_max_bytes (core/limits.py)
and its JSON only parsed after the signature checks, and no deeper than json_max_depth."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from bizportal.mapping import parse_event as parse_bizportal
from core.clock import utcnow
from core.db import table_of
from core.http_adapters import SIGNATURE_HEADER, TIMESTAMP_HEADER, SchemaError, verify_signature
from core.limits import parse_json
from core.runtime import get_engine, get_settings
from core.security import client_address
from eec_bridge import callbacks, exchange_log, refusals
from eec_bridge.delivery import lock_cases
from eec_bridge.models import Case, InboxMessage
from eec_bridge.oss.mapping import parse_event as parse_oss

log = logging.getLogger("eec_bridge.webhooks")
router = APIRouter(prefix="/webhooks", tags=["webhooks"])
MAX_EVENTS = 500


@dataclass(frozen=True)
class Source:
    name: str
    secret: Callable[[], str]
    parse: Callable[[Any], Any]  # one decoded event → the system's StatusUpdate
    their_id: Any  # the Case column holding their id for the case
    apply: Callable[[Session, Case, callbacks.Update], bool]


@dataclass
class Outcome:
    """What became of one event: the answer for the sender and the exchange log's result."""

    status: int
    key: str
    detail: str
    event_id: str = "-"
    case_id: int | None = None

    def result(self) -> dict[str, Any]:
        return {"eventId": self.event_id, "status": self.status, "key": self.key,
                "detail": self.detail}


@dataclass
class _Event:
    """One event of a callback: its decoded JSON, what the log digests, and once read, its
    update and case."""

    raw: Any
    logged_payload: Any
    parsed: Any = None
    update: callbacks.Update | None = None
    case_id: int | None = None
    outcome: Outcome | None = None


def _as_update(parsed: Any) -> callbacks.Update:
    def text(name: str) -> str:
        return str(getattr(parsed, name, "") or "")

    reasons_en = getattr(parsed, "reasons_en", None) or getattr(parsed, "reasons", None) or []
    reasons_th = getattr(parsed, "reasons_th", None) or []
    return callbacks.Update(
        event_id=str(parsed.event_id), sequence=int(parsed.sequence), status=str(parsed.status),
        juristic_number=getattr(parsed, "juristic_number", None),
        reason_en=text("reason_en") or "; ".join(reasons_en),
        reason_th=text("reason_th") or "; ".join(reasons_th),
        question_en=text("question_en"), question_th=text("question_th"))


_CASE_BY_REFERENCE = select(Case.id).where(Case.reference == bindparam("reference"))
_SEEN = select(InboxMessage.event_id).where(
    InboxMessage.source == bindparam("source"),
    col(InboxMessage.event_id).in_(bindparam("event_ids", expanding=True)))
_INBOX = table_of(InboxMessage)


def _find_case(session: Session, source: Source, parsed: Any) -> int | None:
    """The case's id: by our own reference first (we issued it, so it is unique); by their
    id otherwise."""
    if parsed.our_reference:
        case_id = session.exec(_CASE_BY_REFERENCE,
                               params={"reference": parsed.our_reference}).first()
        if case_id is not None:
            return case_id
    if parsed.external_id:
        return session.exec(select(Case.id).where(source.their_id == parsed.external_id)).first()
    return None


def _sources() -> dict[str, Source]:
    settings = get_settings()
    return {
        "bizportal": Source("bizportal",
                            lambda: settings.bizportal_webhook_secret.get_secret_value(),
                            parse_bizportal, Case.bizportal_id,
                            callbacks.apply_bizportal_update),
        "eec-oss": Source("eec_oss", lambda: settings.eec_oss_webhook_secret.get_secret_value(),
                          parse_oss, Case.oss_case_number, callbacks.apply_oss_update),
    }


def _answer(status: int, key: str, detail: str, **extra: Any) -> JSONResponse:
    media = "application/problem+json" if status >= 400 else "application/json"
    return JSONResponse({"status": status, "key": key, "detail": detail, **extra},
                        status_code=status, media_type=media)


def _endpoint(source: Source) -> str:
    return f"POST /webhooks/{source.name}"


def _log_entry(source: Source, event: _Event | None, outcome: Outcome,
               payload: Any = None) -> dict[str, Any]:
    return exchange_log.exchange(
        message_id=outcome.event_id, direction="in", system=source.name,
        endpoint=_endpoint(source), payload=event.logged_payload if event else payload,
        result=f"{outcome.status} {outcome.detail}", case_id=outcome.case_id)


def receive(source: Source, body: bytes, headers: dict[str, str],
            peer: str = "unknown") -> JSONResponse:
    problem = verify_signature(source.secret(), body, headers.get(TIMESTAMP_HEADER.lower()),
                               headers.get(SIGNATURE_HEADER.lower()))
    if problem:
        refusals.record(source.name, f"signature {problem}", body, peer)
        return _answer(401, "webhook.bad_signature", f"signature {problem}")
    try:
        decoded = parse_json(body)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        return _refuse(source, body, Outcome(400, "webhook.malformed",
                                             f"malformed callback: {str(exc)[:200]}"))
    if isinstance(decoded, dict) and "events" in decoded:
        batch = decoded["events"]
        if not isinstance(batch, list) or not 1 <= len(batch) <= MAX_EVENTS:
            return _refuse(source, body, Outcome(
                400, "webhook.malformed",
                f"malformed callback: events must be a list of 1 to {MAX_EVENTS}"))
        outcomes = apply_events(source, [_Event(raw, raw) for raw in batch])
        _warn(source, outcomes)
        return _answer(200, "webhook.batch", f"{len(outcomes)} events",
                       results=[o.result() for o in outcomes])
    outcome = apply_events(source, [_Event(decoded, body)])[0]
    _warn(source, [outcome])
    return _answer(outcome.status, outcome.key, outcome.detail)


def _refuse(source: Source, body: bytes, outcome: Outcome) -> JSONResponse:
    """A signed callback refused whole: logged on its own, nothing else changes."""
    exchange_log.append_many([_log_entry(source, None, outcome, payload=body)])
    _warn(source, [outcome])
    return _answer(outcome.status, outcome.key, outcome.detail)


def _warn(source: Source, outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.status >= 400:
            log.warning("callback event %s from %s refused (%s): %s", outcome.event_id,
                        source.name, outcome.status, outcome.detail)


def apply_events(source: Source, events: list[_Event]) -> list[Outcome]:
    """Applies the events in one transaction with their inbox rows and log entries;
    returns an outcome per event, in order."""
    for event in events:
        try:
            event.parsed = source.parse(event.raw)
            event.update = _as_update(event.parsed)
        except (SchemaError, ValueError, TypeError, AttributeError) as exc:
            event.outcome = Outcome(400, "webhook.malformed", f"malformed callback: {exc}")
    with Session(get_engine()) as session:
        for event in events:
            if event.outcome is None:
                assert event.update is not None
                event.case_id = _find_case(session, source, event.parsed)
                if event.case_id is None:
                    event.outcome = Outcome(404, "webhook.unknown_case", "unknown case",
                                            event.update.event_id)
        try:
            _apply_found(session, source, [e for e in events if e.outcome is None])
            exchange_log.append_many([_log_entry(source, e, e.outcome) for e in events
                                      if e.outcome is not None], session=session)
            session.commit()
        except IntegrityError:  # an event raced in on another connection: send again
            session.rollback()
            outcomes = [e.outcome if e.outcome and e.outcome.status >= 400 else
                        Outcome(503, "webhook.retry", "busy, send again",
                                e.update.event_id if e.update else "-", e.case_id)
                        for e in events]
            exchange_log.append_many([_log_entry(source, e, o)
                                      for e, o in zip(events, outcomes, strict=True)])
            return outcomes
    return [e.outcome for e in events if e.outcome is not None]


def _apply_found(session: Session, source: Source, events: list[_Event]) -> None:
    """Applies each event unless the inbox has it already. Only the cases of new events are
    locked, and the inbox is read again once they are: a duplicate changes nothing, and
    one racing in on another connection is still caught."""
    seen = _seen(session, source, events)
    fresh = [e for e in events if e.update and e.update.event_id not in seen]
    found: dict[int, Case] = {}
    if fresh:
        found = lock_cases(session, sorted({e.case_id for e in fresh if e.case_id is not None}))
        seen = _seen(session, source, fresh) | seen
    inbox_rows = []
    for event in events:
        update = event.update
        assert update is not None and event.case_id is not None
        if update.event_id in seen:
            event.outcome = Outcome(200, "webhook.duplicate", "duplicate event ignored",
                                    update.event_id, event.case_id)
            continue
        seen.add(update.event_id)
        applied = source.apply(session, found[event.case_id], update)
        detail = f"applied {update.status}" if applied else f"stale {update.status} ignored"
        event.outcome = Outcome(200, "webhook.accepted", detail, update.event_id, event.case_id)
        inbox_rows.append({"source": source.name, "event_id": update.event_id,
                           "payload_sha256": exchange_log.payload_digest(event.logged_payload),
                           "applied": applied, "received_at": utcnow()})
    if inbox_rows:
        session.flush()  # the cases' changes before the rows that record them
        session.connection().execute(_INBOX.insert(), inbox_rows)


def _seen(session: Session, source: Source, events: list[_Event]) -> set[str]:
    ids = [e.update.event_id for e in events if e.update]
    if not ids:
        return set()
    return set(session.exec(_SEEN, params={
        "source": source.name, "event_ids": ids}))


@router.post("/{system}")
async def callback(system: str, request: Request) -> JSONResponse:
    source = _sources().get(system)
    if source is None:
        return _answer(404, "error.not_found", "unknown webhook")
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    return await run_in_threadpool(receive, source, body, headers, client_address(request))

