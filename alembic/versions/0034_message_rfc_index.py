"""message lookup by Message-ID within a workspace: one index on both columns

Sync looks up each batch's Message-IDs within the workspace (copies in another mailbox,
replies Tandem queued). With the Message-ID indexed alone, SQLite, which keeps no statistics,
chose the workspace index and read every message of the workspace for each batch: 5 ms at
10,000 messages, growing with the mailbox, on every push and every batch of a full sync.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 01:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_message_rfc", "message", ["workspace_id", "rfc_message_id"])
    op.drop_index("ix_message_rfc_message_id", table_name="message")


def downgrade() -> None:
    op.create_index("ix_message_rfc_message_id", "message", ["rfc_message_id"])
    op.drop_index("ix_message_rfc", table_name="message")
