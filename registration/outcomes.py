"""What registration records when the application's case moves on (flows hands these over
from the bridge's events): a line on the timeline, and a company registered, which uses up its
name reservation and puts the name on the register."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from core.db import append_row, table_of
from core.thai_ids import format_juristic_number
from registration.models import (
    Application,
    ApplicationEvent,
    NameReservation,
    RegisteredName,
    ReservationStatus,
)
from registration.names import normalise


def record_case_event(session: Session, *, application_id: int | None, case_id: int | None,
                      status: str, key: str, params: dict[str, Any], internal: bool = False,
                      actor_id: int | None = None) -> None:
    """A timeline line written for a case (a licence case has no application)."""
    append_row(session, ApplicationEvent, application_id=application_id, case_id=case_id,
               status=status, key=key, params=params, internal=internal, actor_id=actor_id)


def company_registered(session: Session, *, application_id: int | None, case_id: int,
                       status: str, juristic_number: str, name_th: str, name_en: str) -> None:
    record_case_event(session, application_id=application_id, case_id=case_id, status=status,
                      key="event.registered", params={
                          "juristic_number": format_juristic_number(juristic_number)})
    # The name is on the register now; the reservation has done its work.
    session.connection().execute(_RESERVATION_USED, {"application_id": application_id,
                                                     "status": ReservationStatus.used})
    append_row(session, RegisteredName, entity_type=_entity_type(session, application_id),
               name_th=name_th, name_en=name_en, norm_th=normalise(name_th),
               norm_en=normalise(name_en), juristic_number=juristic_number)


_RESERVATION_USED = table_of(NameReservation).update().where(
    table_of(NameReservation).c.id == select(Application.reservation_id)
    .where(Application.id == bindparam("application_id")).scalar_subquery())


def _entity_type(session: Session, application_id: int | None) -> str:
    application = session.get(Application, application_id) if application_id else None
    return application.entity_type if application else "limited_company"
