"""urgent first: a partial index of the urgent conversations by workspace and activity, so
that the urgent part every list shows first is a short index range rather than a walk of the
whole view (keyed on priority too: with two equalities, SQLite's planner prefers it to a
view's index even without statistics)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_URGENT_ONLY = "priority = 'urgent'"


def upgrade() -> None:
    op.create_index(
        "ix_conversation_urgent",
        "conversation",
        ["workspace_id", "priority", "last_message_at", "id"],
        sqlite_where=sa.text(_URGENT_ONLY),
        postgresql_where=sa.text(_URGENT_ONLY),
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_urgent", table_name="conversation")
