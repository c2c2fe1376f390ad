"""live events and presence: the log the team's open tabs follow (GET /events), and who is
viewing or typing in which conversation, as rows that expire so every process sees every tab

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_event")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_live_event_stream", "live_event", ["workspace_id", "id"], unique=False)
    op.create_table(
        "presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tab", sa.String(length=32), nullable=False),
        sa.Column("typing", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_presence_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_presence_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_presence_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence")),
        sa.UniqueConstraint(
            "conversation_id",
            "user_id",
            "tab",
            name=op.f("uq_presence_conversation_id_user_id_tab"),
        ),
    )
    op.create_index("ix_presence_expiry", "presence", ["expires_at"], unique=False)
    op.create_index(op.f("ix_presence_user_id"), "presence", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_presence_user_id"), table_name="presence")
    op.drop_index("ix_presence_expiry", table_name="presence")
    op.drop_table("presence")
    op.drop_index("ix_live_event_stream", table_name="live_event")
    op.drop_table("live_event")
