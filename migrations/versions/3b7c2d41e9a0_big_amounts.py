"""big amounts: registered capital and share counts are BIGINT, as the wizard allows up to
10^13 baht and 10^12 shares and PostgreSQL's INTEGER ends at 2^31 - 1 (2.1 billion)

Revision ID: 3b7c2d41e9a0
Revises: a7c3e5d91b20
Create Date: 2026-12-07 13:10:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '3b7c2d41e9a0'
down_revision: str | Sequence[str] | None = 'a7c3e5d91b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("applications", "registered_capital"), ("applications", "share_count"),
           ("application_people", "shares"))


def _alter(to: sa.types.TypeEngine, from_: sa.types.TypeEngine) -> None:
    # SQLite's INTEGER already holds 64 bits; rebuilding its tables would gain nothing.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=to, existing_type=from_, existing_nullable=True)


def upgrade() -> None:
    """Upgrade schema."""
    _alter(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    """Downgrade schema."""
    _alter(sa.Integer(), sa.BigInteger())
