"""Callbacks from Biz Portal and EEC OSS. Each must carry a fresh HMAC-SHA256 signature;
each event is applied once (the inbox drops duplicates) and never moves a case backwards.
Every callback, accepted or not, goes into the exchange log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from eec_bridge import cases, exchange_log
from eec_bridge.adapters import SIGNATURE_HEADER, TIMESTAMP_HEADER, SchemaError, verify_signature
from eec_bridge.delivery import lock_case
from eec_bridge.models import Case, InboxMessage
from web.db import append_row, get_engine
from web.settings import get_settings

log = logging.getLogger("eec_bridge.webhooks")
router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@dataclass(frozen=True)
class Source:
    name: str
    secret: Callable[[], str]
    parse: Callable[[bytes], Any]
    find: Callable[[Session, Any], int | None]
    apply: Callable[[Session, Case, cases.Update], bool]


def _as_update(parsed: Any) -> cases.Update:
    def text(name: str) -> str:
        return str(getattr(parsed, name, "") or "")

    reasons_en = getattr(parsed, "reasons_en", None) or getattr(parsed, "reasons", None) or []
    reasons_th = getattr(parsed, "reasons_th", None) or []
    return cases.Update(
        event_id=str(parsed.event_id), sequence=int(parsed.sequence), status=str(parsed.status),
        juristic_number=getattr(parsed, "juristic_number", None),
        reason_en=text("reason_en") or "; ".join(reasons_en),
        reason_th=text("reason_th") or "; ".join(reasons_th),
        question_en=text("question_en"), question_th=text("question_th"))


def _find_case(session: Session, our_reference: str | None, their_column: Any,
               their_id: str | None) -> int | None:
    """The case's id: by our own reference first (we issued it, so it is unique); by their
    id otherwise."""
    if our_reference:
        case_id = session.exec(_CASE_BY_REFERENCE,  # type: ignore[call-overload]
                               params={"reference": our_reference}).first()
        if case_id is not None:
            return case_id
    if their_id:
        return session.exec(select(Case.id).where(their_column == their_id)).first()
    return None


_CASE_BY_REFERENCE = select(Case.id).where(Case.reference == bindparam("reference"))
_SEEN = select(InboxMessage.id).where(InboxMessage.source == bindparam("source"),
                                      InboxMessage.event_id == bindparam("event_id"))


def _find_bizportal(session: Session, parsed: Any) -> int | None:
    return _find_case(session, parsed.our_reference, Case.bizportal_id, parsed.external_id)


def _find_oss(session: Session, parsed: Any) -> int | None:
    return _find_case(session, parsed.our_reference, Case.oss_case_number, parsed.external_id)


def _sources() -> dict[str, Source]:
    from bizportal.mapping import parse_callback as parse_bizportal
    from eec_bridge.oss.mapping import parse_callback as parse_oss

    settings = get_settings()
    return {
        "bizportal": Source("bizportal", lambda: settings.bizportal_webhook_secret.get_secret_value(),
                            parse_bizportal, _find_bizportal, cases.apply_bizportal_update),
        "eec-oss": Source("eec_oss", lambda: settings.eec_oss_webhook_secret.get_secret_value(),
                          parse_oss, _find_oss, cases.apply_oss_update),
    }


def _answer(status: int, key: str, detail: str) -> JSONResponse:
    media = "application/problem+json" if status >= 400 else "application/json"
    return JSONResponse({"status": status, "key": key, "detail": detail}, status_code=status,
                        media_type=media)


def _endpoint(source: Source) -> str:
    return f"POST /webhooks/{source.name}"


def receive(source: Source, body: bytes, headers: dict[str, str]) -> JSONResponse:
    status, key, detail, message_id, case_id, logged = _process(source, body, headers)
    if not logged:  # nothing changed: logged on its own, after the session closed
        exchange_log.append(message_id=message_id, direction="in", system=source.name,
                            endpoint=_endpoint(source), payload=body,
                            result=f"{status} {detail}", case_id=case_id)
    if status >= 400:
        log.warning("callback from %s refused (%s): %s", source.name, status, detail)
    return _answer(status, key, detail)


def _process(source: Source, body: bytes,
             headers: dict[str, str]) -> tuple[int, str, str, str, int | None, bool]:
    """(status, key, detail, event id, case id, whether the exchange log has it already)."""
    problem = verify_signature(source.secret(), body, headers.get(TIMESTAMP_HEADER.lower()),
                               headers.get(SIGNATURE_HEADER.lower()))
    if problem:
        return 401, "webhook.bad_signature", f"signature {problem}", "-", None, False
    try:
        parsed = source.parse(body)
        update = _as_update(parsed)
    except (SchemaError, ValueError, TypeError, AttributeError) as exc:
        return 400, "webhook.malformed", f"malformed callback: {exc}", "-", None, False
    with Session(get_engine()) as session:
        case_id = source.find(session, parsed)
        if case_id is None:
            return 404, "webhook.unknown_case", "unknown case", update.event_id, None, False
        if session.exec(_SEEN, params={"source": source.name,  # type: ignore[call-overload]
                                       "event_id": update.event_id}).first():
            return (200, "webhook.duplicate", "duplicate event ignored", update.event_id,
                    case_id, False)
        case = lock_case(session, case_id)
        assert case is not None
        applied = source.apply(session, case, update)
        detail = f"applied {update.status}" if applied else f"stale {update.status} ignored"
        try:
            append_row(session, InboxMessage, source=source.name, event_id=update.event_id,
                       payload_sha256=exchange_log.payload_digest(body), applied=applied)
            # In the same transaction: the change and its log entry commit together or not
            # at all.
            exchange_log.append(message_id=update.event_id, direction="in", system=source.name,
                                endpoint=_endpoint(source), payload=body,
                                result=f"200 {detail}", case_id=case.id, session=session)
            session.commit()
        except IntegrityError:  # the same event raced in on another connection
            session.rollback()
            return (200, "webhook.duplicate", "duplicate event ignored", update.event_id,
                    case.id, False)
        return 200, "webhook.accepted", detail, update.event_id, case.id, True


@router.post("/{system}")
async def callback(system: str, request: Request) -> JSONResponse:
    source = _sources().get(system)
    if source is None:
        return _answer(404, "error.not_found", "unknown webhook")
    body = await request.body()
    if len(body) > 1_000_000:
        return _answer(413, "webhook.too_large", "body too large")
    headers = {k.lower(): v for k, v in request.headers.items()}
    return await run_in_threadpool(receive, source, body, headers)
