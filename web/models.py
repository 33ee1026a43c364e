"""Imports every table so that SQLModel.metadata (and Alembic) sees the whole schema."""

from eec_bridge.models import OutboxMessage  # noqa: F401
from registration.models import (  # noqa: F401
    Application,
    ApplicationEvent,
    Document,
    NameReservation,
    Person,
    RegisteredName,
    StoredFile,
)
from web.accounts.models import User  # noqa: F401
