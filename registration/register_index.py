"""The register's name index: the 10,000 registered names in a `names.NameIndex`, built once
per container (core/container.py) and rebuilt when a name is added."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.db import stored_id
from registration import names
from registration.models import RegisteredName


class RegisterIndex:
    """Names leave the register only by striking off, which a rebuild at start-up picks up;
    MAX(id) is an index lookup, where COUNT(*) would scan 10,000 rows on every keystroke."""

    def __init__(self) -> None:
        self._built: tuple[int, names.NameIndex] | None = None

    def of(self, session: Session) -> names.NameIndex:
        """The index of the register as `session` sees it, rebuilt if a name was added."""
        newest = session.exec(select(func.coalesce(func.max(RegisteredName.id), 0))).one() or 0
        built = self._built
        if built is None or built[0] != newest:
            rows = session.exec(
                select(RegisteredName.id, RegisteredName.name_th, RegisteredName.name_en)
            ).all()
            built = (newest, names.NameIndex(
                names.RegisteredName(id=stored_id(r[0]), name_th=r[1], name_en=r[2],
                                     source="registered")
                for r in rows))
            self._built = built
        return built[1]


def register_index(_resources: object) -> RegisterIndex:
    """The container's factory (core/container.py `provide`): one index per process."""
    return RegisterIndex()
