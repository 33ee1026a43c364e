"""Every table of every context, loaded together: Alembic sees the whole schema, and a foreign key
across contexts (a case's application, any row's user) resolves in every process. Importing
`flows` loads it."""

from complaints.models import (  # noqa: F401
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketNote,
)
from core.accounts.models import User  # noqa: F401
from eec_bridge.models import (  # noqa: F401
    Case,
    ExchangeEntry,
    ExchangeHead,
    FeedCursor,
    InboxMessage,
    InfoRequest,
    OutboxMessage,
)
from notifications.models import Notification  # noqa: F401
from registration.models import (  # noqa: F401
    Application,
    ApplicationEvent,
    Document,
    NameReservation,
    Person,
    RegisteredName,
    StoredFile,
)
