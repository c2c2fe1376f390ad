"""promises and reminders: promise state, follow-up actions, snooze and reminder indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 06:16:51.070670
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: recreating `conversation` on SQLite would drop the
    # search triggers of 0003.
    op.add_column("conversation", sa.Column("promise_state", sa.String(length=16), nullable=True))
    op.add_column(
        "conversation", sa.Column("promise_made_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_conversation_snoozed", "conversation", ["status", "snoozed_until"])
    op.create_index("ix_conversation_promise", "conversation", ["promise_state", "promised_at"])

    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("template_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_reminder_conversation", ["conversation_id", "state"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reminder_template_id_template"),
            "template",
            ["template_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reminder_template_id_template"), type_="foreignkey")
        batch_op.drop_index("ix_reminder_conversation")
        batch_op.drop_column("template_id")
        batch_op.drop_column("action")

    op.drop_index("ix_conversation_promise", table_name="conversation")
    op.drop_index("ix_conversation_snoozed", table_name="conversation")
    op.drop_column("conversation", "promise_made_at")
    op.drop_column("conversation", "promise_state")
