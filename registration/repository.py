"""Every query registration makes: reservations, applications, the people and documents of an
application, its timeline. Functions take the session; none writes or commits. The submit
path's statements are built once: building one costs more than running it."""

from __future__ import annotations

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from core.accounts.models import User
from core.clock import utcnow
from registration.models import (
    Application,
    ApplicationEvent,
    Document,
    NameReservation,
    Person,
    PersonRole,
    ReservationStatus,
    StoredFile,
)

_APPLICATION_AND_RESERVATION = (
    select(Application, NameReservation)
    .join(NameReservation, col(NameReservation.id) == Application.reservation_id)
    .where(Application.id == bindparam("application_id")))
_PEOPLE = (select(Person).where(Person.application_id == bindparam("application_id"))
           .order_by(col(Person.position)))
_DOCUMENTS = (select(Document).where(Document.application_id == bindparam("application_id"))
              .order_by(col(Document.uploaded_at)))


def active_reservations(session: Session) -> list[NameReservation]:
    """Reservations that still hold their names."""
    return list(session.exec(select(NameReservation).where(
        NameReservation.status == ReservationStatus.active,
        NameReservation.expires_at > utcnow())).all())


def applications_of(session: Session, user: User) -> list[Application]:
    return list(session.exec(
        select(Application).where(Application.user_id == user.id)
        .order_by(col(Application.created_at).desc())
    ).all())


def application_and_reservation(session: Session, application_id: int
                                ) -> tuple[Application, NameReservation] | None:
    """Both in one query, for submitting."""
    row = session.exec(_APPLICATION_AND_RESERVATION,
                       params={"application_id": application_id}).first()
    return (row[0], row[1]) if row is not None else None


def people_of(session: Session, application: Application, role: PersonRole) -> list[Person]:
    return list(session.exec(
        select(Person).where(Person.application_id == application.id, Person.role == role)
        .order_by(col(Person.position))
    ).all())


def people_by_role(session: Session, application: Application) -> dict[PersonRole, list[Person]]:
    """Everyone named in the application, by role, in form order: one query, not one a role."""
    grouped: dict[PersonRole, list[Person]] = {role: [] for role in PersonRole}
    for person in session.exec(_PEOPLE, params={"application_id": application.id}).all():
        grouped[PersonRole(person.role)].append(person)
    return grouped


def documents_of(session: Session, application: Application) -> list[Document]:
    return list(session.exec(_DOCUMENTS,
                             params={"application_id": application.id}).all())


def document_count(session: Session, application: Application) -> int:
    return session.exec(select(func.count()).select_from(Document).where(
        Document.application_id == application.id)).one()


def documents_size(session: Session, application: Application) -> int:
    """The bytes of the application's distinct files (one file attached twice counts once)."""
    files = select(Document.sha256).where(Document.application_id == application.id).distinct()
    return session.exec(select(func.coalesce(func.sum(StoredFile.size), 0)).where(
        col(StoredFile.sha256).in_(files))).one()


def timeline(session: Session, application: Application) -> list[ApplicationEvent]:
    """The applicant's timeline: every public event of the application and its case."""
    return list(session.exec(
        select(ApplicationEvent).where(ApplicationEvent.application_id == application.id,
                                       ApplicationEvent.internal == False)  # noqa: E712
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
    ).all())
