"""cases: the registration payload as submitted (frozen), so the bridge never reads
registration's tables; backfilled from each case's first Biz Portal outbox message and the
files sent with answers

Revision ID: 5d2f8b1c4e67
Revises: 3c1e5a7d9b20
Create Date: 2026-12-07 16:30:00.000000

"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '5d2f8b1c4e67'
down_revision: str | Sequence[str] | None = '3c1e5a7d9b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission', sa.JSON(), nullable=True))
    connection = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('submission', sa.JSON))
    rows = connection.execute(sa.text(
        "SELECT o.aggregate_id, o.payload FROM outbox o JOIN cases c ON c.id = o.aggregate_id "
        "WHERE o.topic = 'bizportal.registration' AND c.application_id IS NOT NULL "
        "ORDER BY o.created_at DESC")).all()
    submissions = {case_id: _json(payload) for case_id, payload in rows}  # the first one wins
    answered = connection.execute(sa.text(
        "SELECT case_id, answer_document_ids FROM info_requests "
        "WHERE answered_at IS NOT NULL ORDER BY answered_at")).all()
    for case_id, ids in answered:
        submission, ids = submissions.get(case_id), _json(ids) or []
        if submission is None or not ids:
            continue
        listed = submission.setdefault("documents", [])
        for sha256, kind, filename in connection.execute(sa.text(
                "SELECT sha256, kind, filename FROM documents WHERE id IN :ids ORDER BY id")
                .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).all():
            if not any(d["sha256"] == sha256 and d["kind"] == kind for d in listed):
                listed.append({"sha256": sha256, "kind": kind, "filename": filename})
    for case_id, submission in submissions.items():
        connection.execute(cases.update().where(cases.c.id == case_id)
                           .values(submission=submission))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('submission')
