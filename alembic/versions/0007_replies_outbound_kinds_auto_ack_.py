"""replies: outbound kinds, auto-ack settings and log, SLA policy

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 05:36:33.039451
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "business_hours",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "holidays", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("next_response_minutes", sa.Integer(), nullable=False),
        sa.Column("max_response_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_sla_policy_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policy")),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_sla_policy_workspace_id")),
    )
    op.create_table(
        "auto_reply_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_auto_reply_log_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailbox.id"],
            name=op.f("fk_auto_reply_log_mailbox_id_mailbox"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_auto_reply_log_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_reply_log")),
    )
    with op.batch_alter_table("auto_reply_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_auto_reply_log_recent", ["mailbox_id", "email", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_auto_reply_log_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.LargeBinary(), nullable=True))

    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_ack_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("auto_ack_text", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "auto_ack_window_minutes", sa.Integer(), nullable=False, server_default="1440"
            )
        )
        batch_op.add_column(
            sa.Column("use_agent_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    # Plain ALTER TABLE, not batch mode: recreating `message` on SQLite would drop the search
    # triggers of 0003.
    op.add_column(
        "message",
        sa.Column(
            "mail_followup_to",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
            server_default="[]",
        ),
    )
    op.add_column("message", sa.Column("automated", sa.String(length=64), nullable=True))
    op.add_column("message", sa.Column("kind", sa.String(length=16), nullable=True))
    op.create_index("ix_message_outbox", "message", ["state", "send_after"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_message_outbox", table_name="message")
    op.drop_column("message", "kind")
    op.drop_column("message", "automated")
    op.drop_column("message", "mail_followup_to")

    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.drop_column("use_agent_name")
        batch_op.drop_column("auto_ack_window_minutes")
        batch_op.drop_column("auto_ack_text")
        batch_op.drop_column("auto_ack_enabled")

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("data")

    with op.batch_alter_table("auto_reply_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auto_reply_log_workspace_id"))
        batch_op.drop_index("ix_auto_reply_log_recent")

    op.drop_table("auto_reply_log")
    op.drop_table("sla_policy")
