"""sync scheduling, thread links, duplicate copies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:18:51.093338
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("gmail_thread_id", sa.String(length=64), nullable=False),
        sa.Column("history_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_thread_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailbox.id"],
            name=op.f("fk_conversation_thread_mailbox_id_mailbox"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conversation_thread_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_thread")),
        sa.UniqueConstraint(
            "mailbox_id",
            "gmail_thread_id",
            name=op.f("uq_conversation_thread_mailbox_id_gmail_thread_id"),
        ),
    )
    with op.batch_alter_table("conversation_thread", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_thread_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_thread_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("connected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_sync_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("sync_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "full_sync_requested", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_index(batch_op.f("ix_mailbox_next_sync_at"), ["next_sync_at"], unique=False)

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_message_duplicate_of_id_message"),
            "message",
            ["duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_message_duplicate_of_id_message"), type_="foreignkey"
        )
        batch_op.drop_column("duplicate_of_id")

    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailbox_next_sync_at"))
        batch_op.drop_column("full_sync_requested")
        batch_op.drop_column("sync_requested_at")
        batch_op.drop_column("next_sync_at")
        batch_op.drop_column("connected_at")

    with op.batch_alter_table("conversation_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_thread_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_thread_conversation_id"))

    op.drop_table("conversation_thread")
