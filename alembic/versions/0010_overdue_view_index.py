"""overdue view index: open conversations by due time, so the view and its count read a
range instead of every open conversation

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 06:56:53.348608
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_conversation_overdue", "conversation", ["workspace_id", "status", "sla_due_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_overdue", table_name="conversation")
