"""inbox indexes in activity order

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 05:07:51.535292
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_assignee"))
        batch_op.drop_index(batch_op.f("ix_conversation_contact_id"))
        batch_op.create_index(
            "ix_conversation_activity", ["workspace_id", "last_message_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_conversation_contact", ["contact_id", "last_message_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_conversation_mine",
            ["workspace_id", "assignee_id", "last_message_at", "id", "status"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_mine")
        batch_op.drop_index("ix_conversation_contact")
        batch_op.drop_index("ix_conversation_activity")
        batch_op.create_index(
            batch_op.f("ix_conversation_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_assignee"),
            ["workspace_id", "assignee_id", "status", "last_message_at"],
            unique=False,
        )
