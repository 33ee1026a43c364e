"""users.session_version: the version every session cookie carries, bumped by sign-out,
a password change and "sign out everywhere" to end sessions on the server

Revision ID: a7c3e5d91b20
Revises: fb05685bcf51
Create Date: 2026-12-07 13:10:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'a7c3e5d91b20'
down_revision: str | Sequence[str] | None = 'fb05685bcf51'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
