"""Seeds the register of existing names (a sandbox stand-in for the DBD register)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from registration.models import RegisteredName
from registration.names import normalise
from registration.register_seed import generate_register


def seed_register(session: Session, count: int = 10_000) -> int:
    """Adds generated names when the register is empty; returns how many were added."""
    if session.exec(select(func.count(col(RegisteredName.id)))).one():
        return 0
    rows = [
        RegisteredName(entity_type=str(entity), name_th=th, name_en=en,
                       norm_th=normalise(th), norm_en=normalise(en))
        for entity, th, en in generate_register(count)
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)
