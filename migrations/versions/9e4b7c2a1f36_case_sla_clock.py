"""cases: when the SLA clock stopped (waiting for the applicant's answer), so the due time
moves by the paused working time when the answer comes; cases waiting now stopped at their
open question

Revision ID: 9e4b7c2a1f36
Revises: 5d2f8b1c4e67
Create Date: 2026-12-07 23:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '9e4b7c2a1f36'
down_revision: str | Sequence[str] | None = '5d2f8b1c4e67'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_paused_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
    op.execute(sa.text(
        "UPDATE cases SET sla_paused_at = (SELECT max(r.asked_at) FROM info_requests r "
        "WHERE r.case_id = cases.id AND r.answered_at IS NULL) "
        "WHERE status = 'info_requested'"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('sla_paused_at')
