"""automated conversations: a flag for conversations only machines wrote into (bounces,
auto-replies, newsletters), kept out of the open-work views by the inbox indexes; and the
reason a person's message may get no automatic reply

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
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

# `automated` ends the open-work indexes, so those views filter it and count without it
# inside the index; the unassigned view also filters `assignee_id` inside the status range.
_BEFORE = {
    "ix_conversation_inbox": ["workspace_id", "status", "last_message_at", "id"],
    "ix_conversation_mine": ["workspace_id", "assignee_id", "last_message_at", "id", "status"],
    "ix_conversation_overdue": ["workspace_id", "status", "sla_due_at"],
}
_AFTER = {
    "ix_conversation_inbox": [*_BEFORE["ix_conversation_inbox"], "automated", "assignee_id"],
    "ix_conversation_mine": [*_BEFORE["ix_conversation_mine"], "automated"],
    "ix_conversation_overdue": [*_BEFORE["ix_conversation_overdue"], "automated"],
    "ix_conversation_automated": ["workspace_id", "automated", "last_message_at", "id", "status"],
}


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: recreating these tables on SQLite would drop the
    # search triggers of 0003.
    op.add_column(
        "conversation",
        sa.Column("automated", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("message", sa.Column("no_auto_reply", sa.String(length=64), nullable=True))
    op.execute(sa.text(_BACKFILL).bindparams(yes=True))
    _replace_indexes(_BEFORE, _AFTER)


def downgrade() -> None:
    _replace_indexes(_AFTER, _BEFORE)
    op.drop_column("message", "no_auto_reply")
    op.drop_column("conversation", "automated")


def _replace_indexes(old: dict[str, list[str]], new: dict[str, list[str]]) -> None:
    for name in old:
        op.drop_index(name, table_name="conversation")
    for name, columns in new.items():
        op.create_index(name, "conversation", columns)
