"""Imports every table so that SQLModel.metadata (and Alembic) sees the whole schema."""

from complaints.models import (  # noqa: F401
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketNote,
)
from eec_bridge.models import (  # noqa: F401
    Case,
    ExchangeEntry,
    ExchangeHead,
    FeedCursor,
    InboxMessage,
    InfoRequest,
    OutboxMessage,
)
from registration.models import (  # noqa: F401
    Application,
    ApplicationEvent,
    Document,
    NameReservation,
    Person,
    RegisteredName,
    StoredFile,
)
from core.accounts.models import User  # noqa: F401
