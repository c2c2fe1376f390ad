"""report indexes: what GET /reports/summary reads over a period, covered by indexes so a
report never reads conversations' and messages' wide rows (subjects, bodies)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 08:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_conversation_report": (
        "conversation",
        [
            "workspace_id",
            "automated",
            "first_message_at",
            "created_at",
            "status",
            "contact_id",
            "mailbox_id",
            "assignee_id",
        ],
    ),
    "ix_message_report": (
        "message",
        [
            "conversation_id",
            "direction",
            "date",
            "kind",
            "state",
            "automated",
            "duplicate_of_id",
            "sent_by_user_id",
        ],
    ),
    "ix_message_sent_report": (
        "message",
        [
            "workspace_id",
            "direction",
            "date",
            "sent_by_user_id",
            "kind",
            "state",
            "automated",
            "duplicate_of_id",
            "conversation_id",
        ],
    ),
    "ix_audit_event_report": (
        "audit_event",
        ["workspace_id", "action", "created_at", "conversation_id", "actor_id"],
    ),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
