"""tickets: the status "waiting for the complainant" (info_requested), when the resolve clock
stopped for it, and notes that are the complainant's answer

Revision ID: 1c63022430db
Revises: b3d8f1a2c4e5
Create Date: 2026-12-08 10:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '1c63022430db'
down_revision: str | Sequence[str] | None = 'b3d8f1a2c4e5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # The status is a native enum on PostgreSQL: the new status is a new value of its type
    # (not used in this transaction, as PostgreSQL requires). SQLite keeps it as VARCHAR(16),
    # which 'info_requested' fits, without a CHECK constraint to widen.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE ticket_status ADD VALUE IF NOT EXISTS 'info_requested'")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_paused_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_complainant', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    """Downgrade schema."""
    # Tickets waiting for an answer go back to "investigating" with the due time they have
    # (the stopped time is not added back: the earlier schema has no stopped clock).
    # PostgreSQL cannot drop an enum value, so 'info_requested' stays in the type, unused.
    op.execute("UPDATE tickets SET status = 'investigating' WHERE status = 'info_requested'")
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.drop_column('from_complainant')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('sla_paused_at')
