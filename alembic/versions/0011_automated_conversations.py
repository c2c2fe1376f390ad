"""automated conversations: a flag for conversations only machines wrote into (bounces,
auto-replies, newsletters), kept out of the open-work views by the inbox indexes; and the
reason a person's message may get no automatic reply

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Conversations whose inbound mail was all automated when this ran. Mail filed as a mailing
# list before 0011 is left out: that reading also took a client's post through a Google Group
# (which 0011's reading keeps a person's) for a newsletter, and would hide a team's inbox.
_BACKFILL = """
UPDATE conversation SET automated = :yes
WHERE EXISTS (
    SELECT 1 FROM message WHERE message.conversation_id = conversation.id
    AND message.direction = 'inbound' AND message.duplicate_of_id IS NULL
)
AND NOT EXISTS (
    SELECT 1 FROM message WHERE message.conversation_id = conversation.id
    AND message.direction = 'inbound' AND message.duplicate_of_id IS NULL
    AND (message.automated IS NULL OR message.automated = 'mailing list')
)
"""

_INBOX = ["workspace_id", "status", "last_message_at", "id"]
_MINE = ["workspace_id", "assignee_id", "last_message_at", "id", "status"]
_OVERDUE = ["workspace_id", "status", "sla_due_at"]


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: recreating these tables on SQLite would drop the
    # search triggers of 0003.
    op.add_column(
        "conversation",
        sa.Column("automated", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("message", sa.Column("no_auto_reply", sa.String(length=64), nullable=True))
    op.execute(sa.text(_BACKFILL).bindparams(yes=True))
    _recreate_inbox_indexes(extra=["automated"])
    op.create_index(
        "ix_conversation_automated",
        "conversation",
        ["workspace_id", "automated", "last_message_at", "id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_automated", table_name="conversation")
    _recreate_inbox_indexes(extra=[])
    op.drop_column("message", "no_auto_reply")
    op.drop_column("conversation", "automated")


def _recreate_inbox_indexes(*, extra: list[str]) -> None:
    for name, columns in (
        ("ix_conversation_inbox", _INBOX),
        ("ix_conversation_mine", _MINE),
        ("ix_conversation_overdue", _OVERDUE),
    ):
        op.drop_index(name, table_name="conversation")
        op.create_index(name, "conversation", columns + extra)
