"""outbox: sending_until, the claim a delivery holds on a message whose receiver
takes no idempotency key (an e-mail), so that two deliveries never send it both

Revision ID: b3d8f1a2c4e5
Revises: 9e4a1c7b3d52
Create Date: 2026-12-08 02:30:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b3d8f1a2c4e5'
down_revision: str | Sequence[str] | None = '9e4a1c7b3d52'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sending_until', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('sending_until')
