"""tickets: the complainant's access code (hashed) and the officer-approved public summary
that Open311 publishes

Revision ID: 3c1e5a7d9b20
Revises: 3b7c2d41e9a0
Create Date: 2026-12-07 13:10:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '3c1e5a7d9b20'
down_revision: str | Sequence[str] | None = '3b7c2d41e9a0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_code_hash',
                                      sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('public_summary',
                                      sqlmodel.sql.sqltypes.AutoString(length=1000),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('public_summary_approved_at',
                                      sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('public_summary_approved_by_id', sa.Integer(),
                                      nullable=True))
        batch_op.create_foreign_key('fk_tickets_public_summary_approved_by_id_users',
                                    'users', ['public_summary_approved_by_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint('fk_tickets_public_summary_approved_by_id_users',
                                 type_='foreignkey')
        batch_op.drop_column('public_summary_approved_by_id')
        batch_op.drop_column('public_summary_approved_at')
        batch_op.drop_column('public_summary')
        batch_op.drop_column('access_code_hash')
