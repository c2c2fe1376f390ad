"""report measures: the rollup keeps each first response's wait and SLA due time, and each
status change's time open so far, measured on the workspace's SLA calendar (recorded in
report_calendar); rows from before stay empty until the first report measures them, as it
does whenever the calendar in force is not the one recorded; and a period's closes and
reopenings get indexes of their own that hold all a report reads of them

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONVERSATION_PERIOD = [
    "workspace_id",
    "started",
    "automated",
    "conversation_id",
    "mailbox_id",
    "assignee_id",
    "contact_id",
    "first_in",
    "first_reply",
    "first_reply_by",
]
STATUS_CHANGE_PERIOD = [
    "workspace_id",
    "at",
    "automated",
    "mailbox_id",
    "assignee_id",
    "conversation_id",
    "action",
    "status_before",
    "status_after",
    "actor_id",
    "replies",
    "contact_id",
    "started",
]
CLOSES = [
    "workspace_id",
    "status_after",
    "action",
    "at",
    "automated",
    "mailbox_id",
    "assignee_id",
    "conversation_id",
    "audit_event_id",
    "actor_id",
    "replies",
    "open_business",
    "open_calendar",
]
REOPENINGS = [
    "workspace_id",
    "status_before",
    "at",
    "automated",
    "mailbox_id",
    "assignee_id",
    "conversation_id",
    "action",
    "status_after",
]
CONVERSATION_MEASURES = ["first_wait", "first_due"]
STATUS_CHANGE_MEASURES = ["open_business", "open_calendar"]


def upgrade() -> None:
    op.create_table(
        "report_calendar",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_calendar_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_report_calendar")),
    )
    for table, names in (
        ("report_conversation", CONVERSATION_MEASURES),
        ("report_status_change", STATUS_CHANGE_MEASURES),
    ):
        for name in names:
            op.add_column(table, sa.Column(name, sa.BigInteger(), nullable=True))
    _index_periods(CONVERSATION_MEASURES, STATUS_CHANGE_MEASURES)
    # A period's closes and reopenings, each read from an index of its own.
    op.create_index("ix_report_status_change_closes", "report_status_change", CLOSES)
    op.create_index("ix_report_status_change_reopenings", "report_status_change", REOPENINGS)


def downgrade() -> None:
    for index in ("ix_report_status_change_closes", "ix_report_status_change_reopenings"):
        op.drop_index(index, table_name="report_status_change")
    _index_periods([], [])
    for table, names in (
        ("report_conversation", CONVERSATION_MEASURES),
        ("report_status_change", STATUS_CHANGE_MEASURES),
    ):
        for name in names:
            op.drop_column(table, name)
    op.drop_table("report_calendar")


def _index_periods(conversation: list[str], status_change: list[str]) -> None:
    """The period indexes carry what a report reads of a row, so it reads the index only."""
    for table, index, columns in (
        ("report_conversation", "ix_report_conversation_period", CONVERSATION_PERIOD),
        ("report_status_change", "ix_report_status_change_period", STATUS_CHANGE_PERIOD),
    ):
        op.drop_index(index, table_name=table)
        extra = conversation if table == "report_conversation" else status_change
        op.create_index(index, table, [*columns, *extra], unique=False)
