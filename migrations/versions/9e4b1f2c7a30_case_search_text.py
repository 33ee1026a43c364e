"""cases: search_text, what the desk's search box matches (reference, names, juristic number,
the submission's people), backfilled for the cases already there

Revision ID: 9e4b1f2c7a30
Revises: 9e4b7c2a1f36
Create Date: 2026-12-07 23:00:00.000000

"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '9e4b1f2c7a30'
down_revision: str | Sequence[str] | None = '9e4b7c2a1f36'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(row) -> str:
    """As eec_bridge.search.search_text writes it (copied: a migration keeps its own rules)."""
    parts = [row.reference, row.name_th, row.name_en, row.juristic_number or "",
             row.licence_id or "", row.bizportal_id or "", row.oss_case_number or ""]
    submission = row.submission
    if isinstance(submission, str):
        submission = json.loads(submission)
    for role_people in ((submission or {}).get("people") or {}).values():
        parts += [str(p.get("full_name", "")) for p in role_people or []]
    return "\n".join(p.strip().lower() for p in parts if p and p.strip())


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False,
                                      server_default=''))
    connection = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('search_text', sa.Text))
    rows = connection.execute(sa.text(
        "SELECT id, reference, name_th, name_en, juristic_number, licence_id, bizportal_id, "
        "oss_case_number, submission FROM cases")).all()
    for row in rows:
        connection.execute(cases.update().where(cases.c.id == row.id)
                           .values(search_text=_text(row)))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('search_text')
