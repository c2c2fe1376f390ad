# ruff: noqa: S608 - SQL from fixed names only
"""report rollup: each conversation's report facts and audited status changes as narrow rows of
epoch seconds, marked stale by triggers whenever what a report reads changes, and filled from
the history already stored

GET /reports/summary found each conversation's first client message and first reply among all
messages, and read statuses out of the audit trail's JSON, for every report: about two seconds
at a hundred thousand conversations. `inbox.report_rollup` explains the rollup; this migration
creates its tables, the triggers that mark a conversation in `report_stale` on any write to its
messages, its status audit events or its own reported fields (whoever writes: the sync's bulk
inserts, the outbox, every job), and fills the rollup from the existing history with the same
statements the product runs for a stale conversation, as they are at this revision.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_ACTIONS = "('conversation.updated', 'conversation.reopened', 'conversation.woken')"
#: The message columns a report reads: a change to any of them marks the conversation.
MESSAGE_COLUMNS = (
    "conversation_id, direction, date, kind, state, automated, duplicate_of_id, sent_by_user_id"
)
CONVERSATION_COLUMNS = (
    "workspace_id, mailbox_id, assignee_id, tags, automated, contact_id, first_message_at, "
    "created_at"
)
TEAM_REPLY = (
    "m.direction = 'outbound' AND (m.kind = 'reply' OR m.kind IS NULL) "
    "AND m.state IN ('sent', 'received') AND m.duplicate_of_id IS NULL AND m.automated IS NULL"
)
CLIENT_MESSAGE = "m.direction = 'inbound' AND m.duplicate_of_id IS NULL AND m.automated IS NULL"


def upgrade() -> None:
    op.create_table(
        "report_conversation",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("started", sa.BigInteger(), nullable=False),
        sa.Column("first_in", sa.BigInteger(), nullable=True),
        sa.Column("first_reply", sa.BigInteger(), nullable=True),
        sa.Column("first_reply_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user.id"],
            name=op.f("fk_report_conversation_assignee_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_report_conversation_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_report_conversation_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["first_reply_by"],
            ["user.id"],
            name=op.f("fk_report_conversation_first_reply_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_conversation_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_report_conversation")),
    )
    with op.batch_alter_table("report_conversation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_conversation_period",
            [
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
            ],
            unique=False,
        )

    op.create_table(
        "report_stale",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("marks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_report_stale_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_stale_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_report_stale")),
    )
    with op.batch_alter_table("report_stale", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_stale_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "report_tag",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_report_tag_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_tag_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "tag", name=op.f("pk_report_tag")),
    )
    with op.batch_alter_table("report_tag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_tag_lookup", ["workspace_id", "tag", "conversation_id"], unique=False
        )

    op.create_table(
        "report_reply",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user.id"],
            name=op.f("fk_report_reply_assignee_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_report_reply_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_report_reply_message_id_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["user.id"], name=op.f("fk_report_reply_sent_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_reply_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_report_reply")),
    )
    with op.batch_alter_table("report_reply", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_reply_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            "ix_report_reply_period",
            [
                "workspace_id",
                "at",
                "automated",
                "mailbox_id",
                "assignee_id",
                "conversation_id",
                "sent_by",
            ],
            unique=False,
        )

    op.create_table(
        "report_status_change",
        sa.Column("audit_event_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("started", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("status_before", sa.String(length=16), nullable=True),
        sa.Column("status_after", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("open_since", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_report_status_change_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user.id"],
            name=op.f("fk_report_status_change_assignee_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["audit_event_id"],
            ["audit_event.id"],
            name=op.f("fk_report_status_change_audit_event_id_audit_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_report_status_change_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_report_status_change_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_status_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("audit_event_id", name=op.f("pk_report_status_change")),
    )
    with op.batch_alter_table("report_status_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_status_change_history", ["conversation_id", "at", "open_since"], unique=False
        )
        batch_op.create_index(
            "ix_report_status_change_period",
            [
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
            ],
            unique=False,
        )

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()
    _backfill(op.get_bind().dialect.name)
    if op.get_bind().dialect.name == "postgresql":
        # Planner statistics now, not at autovacuum's next pass: without them a report
        # narrowed to a tag was planned as a nested loop over every close of the period.
        op.execute("ANALYZE report_conversation, report_status_change, report_reply, report_tag")


def _mark(conversation: str, workspace: str) -> str:
    """The upsert that marks a conversation stale; touching an existing mark (not only adding
    one) makes a writer hold it until it commits, which the refresh relies on."""
    return (
        "INSERT INTO report_stale (conversation_id, workspace_id, marks) "
        f"SELECT {conversation}, {workspace}, 1 "
        f"WHERE EXISTS (SELECT 1 FROM conversation WHERE id = {conversation}) "
        "ON CONFLICT (conversation_id) DO UPDATE SET marks = report_stale.marks + 1"
    )


def _sqlite_triggers() -> None:
    message_mark_new = _mark("NEW.conversation_id", "NEW.workspace_id")
    message_mark_old = _mark("OLD.conversation_id", "OLD.workspace_id")
    for statement in (
        "CREATE TRIGGER report_stale_message_insert AFTER INSERT ON message "
        f"BEGIN {message_mark_new}; END",
        f"CREATE TRIGGER report_stale_message_update AFTER UPDATE OF {MESSAGE_COLUMNS} ON message "
        f"BEGIN {message_mark_old}; {message_mark_new}; END",
        f"CREATE TRIGGER report_stale_message_delete AFTER DELETE ON message "
        f"BEGIN {message_mark_old}; END",
        "CREATE TRIGGER report_stale_audit_event_insert AFTER INSERT ON audit_event "
        f"WHEN NEW.conversation_id IS NOT NULL AND NEW.action IN {STATUS_ACTIONS} "
        f"BEGIN {message_mark_new}; END",
        "CREATE TRIGGER report_stale_conversation_insert AFTER INSERT ON conversation "
        f"BEGIN {_mark('NEW.id', 'NEW.workspace_id')}; END",
        "CREATE TRIGGER report_stale_conversation_update AFTER UPDATE OF "
        f"{CONVERSATION_COLUMNS} ON conversation "
        f"BEGIN {_mark('NEW.id', 'NEW.workspace_id')}; END",
    ):
        op.execute(statement)


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION report_stale_mark(bigint, bigint) RETURNS void LANGUAGE sql AS $$ "
        f"{_mark('$1', '$2')} $$"
    )
    op.execute(
        "CREATE FUNCTION report_stale_by_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_TABLE_NAME = 'conversation' THEN "
        "PERFORM report_stale_mark(NEW.id, NEW.workspace_id); "
        "RETURN NULL; END IF; "
        "IF TG_OP <> 'INSERT' THEN "
        "PERFORM report_stale_mark(OLD.conversation_id, OLD.workspace_id); END IF; "
        "IF TG_OP <> 'DELETE' THEN "
        "PERFORM report_stale_mark(NEW.conversation_id, NEW.workspace_id); END IF; "
        "RETURN NULL; END $$"
    )
    for statement in (
        "CREATE TRIGGER report_stale_message AFTER INSERT OR DELETE "
        f"OR UPDATE OF {MESSAGE_COLUMNS} ON message",
        "CREATE TRIGGER report_stale_audit_event AFTER INSERT ON audit_event FOR EACH ROW "
        f"WHEN (NEW.conversation_id IS NOT NULL AND NEW.action IN {STATUS_ACTIONS})",
        "CREATE TRIGGER report_stale_conversation AFTER INSERT "
        f"OR UPDATE OF {CONVERSATION_COLUMNS} ON conversation",
    ):
        each_row = "" if "FOR EACH ROW" in statement else " FOR EACH ROW"
        op.execute(f"{statement}{each_row} EXECUTE FUNCTION report_stale_by_row()")


def _epoch(dialect: str, moment: str) -> str:
    if dialect == "sqlite":
        return f"CAST(strftime('%s', {moment}) AS INTEGER)"
    return f"CAST(floor(extract(epoch FROM {moment})) AS BIGINT)"


def _backfill(dialect: str) -> None:
    """Every conversation's rows, as `inbox.report_rollup.rebuild` computes them: its facts
    first, which its status changes and replies repeat, then its tags."""
    after, before = (
        ("json_extract(a.after, '$.status')", "json_extract(a.before, '$.status')")
        if dialect == "sqlite"
        else ("a.after ->> 'status'", "a.before ->> 'status'")
    )
    reply = f"m.conversation_id = b.id AND {TEAM_REPLY} AND m.date >= b.first_in"
    reply_at = f"(SELECT min(m.date) FROM message m WHERE {reply})"
    op.execute(
        "INSERT INTO report_conversation (conversation_id, workspace_id, mailbox_id, "
        "assignee_id, automated, contact_id, started, first_in, first_reply, first_reply_by) "
        "SELECT b.id, b.workspace_id, b.mailbox_id, b.assignee_id, b.automated, b.contact_id, "
        f"{_epoch(dialect, 'b.started')}, {_epoch(dialect, 'b.first_in')}, "
        f"{_epoch(dialect, reply_at)}, "
        f"(SELECT m.sent_by_user_id FROM message m WHERE {reply} AND m.date = {reply_at} "
        "ORDER BY m.id LIMIT 1) "
        "FROM (SELECT c.id, c.workspace_id, c.mailbox_id, c.assignee_id, c.automated, "
        "c.contact_id, "
        "coalesce(c.first_message_at, c.created_at) AS started, "
        f"(SELECT min(m.date) FROM message m WHERE m.conversation_id = c.id AND {CLIENT_MESSAGE}) "
        "AS first_in FROM conversation c) b"
    )
    changes = (
        "SELECT a.id AS audit_event_id, a.conversation_id, a.workspace_id, r.mailbox_id, "
        "r.assignee_id, r.automated, r.contact_id, r.started, "
        f"{_epoch(dialect, 'a.created_at')} AS at, "
        f"a.action, {before} AS status_before, {after} AS status_after, a.actor_id, "
        "(SELECT count(*) FROM message m WHERE m.conversation_id = a.conversation_id "
        f"AND {TEAM_REPLY} AND m.date <= a.created_at) AS replies "
        "FROM audit_event a JOIN report_conversation r ON r.conversation_id = a.conversation_id "
        f"WHERE a.action IN {STATUS_ACTIONS} AND {after} IS NOT NULL"
    )
    op.execute(
        "INSERT INTO report_status_change (audit_event_id, conversation_id, workspace_id, "
        "mailbox_id, assignee_id, automated, contact_id, started, at, action, status_before, "
        "status_after, actor_id, replies, open_since) "
        "SELECT c.*, CASE WHEN coalesce(lag(c.status_after) OVER w, 'open') = 'open' "
        "THEN CASE WHEN lag(c.at) OVER w > c.started THEN lag(c.at) OVER w ELSE c.started END "
        f"END FROM ({changes}) c "
        "WINDOW w AS (PARTITION BY c.conversation_id ORDER BY c.at, c.audit_event_id)"
    )
    op.execute(
        "INSERT INTO report_reply (message_id, conversation_id, workspace_id, mailbox_id, "
        "assignee_id, automated, at, sent_by) "
        "SELECT m.id, m.conversation_id, m.workspace_id, r.mailbox_id, r.assignee_id, "
        "r.automated, "
        f"{_epoch(dialect, 'm.date')}, m.sent_by_user_id "
        "FROM message m JOIN report_conversation r ON r.conversation_id = m.conversation_id "
        f"WHERE {TEAM_REPLY} AND m.date IS NOT NULL"
    )
    tags = "json_each(c.tags) t" if dialect == "sqlite" else "jsonb_array_elements_text(c.tags) t"
    op.execute(
        "INSERT INTO report_tag (conversation_id, tag, workspace_id) "
        f"SELECT DISTINCT c.id, t.value, c.workspace_id FROM conversation c, {tags}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, operations in (
            ("message", ("insert", "update", "delete")),
            ("audit_event", ("insert",)),
            ("conversation", ("insert", "update")),
        ):
            for operation in operations:
                op.execute(f"DROP TRIGGER report_stale_{table}_{operation}")
    else:
        for table in ("message", "audit_event", "conversation"):
            op.execute(f"DROP TRIGGER report_stale_{table} ON {table}")
        op.execute("DROP FUNCTION report_stale_by_row()")
        op.execute("DROP FUNCTION report_stale_mark(bigint, bigint)")
    for table in (
        "report_stale",
        "report_tag",
        "report_reply",
        "report_status_change",
        "report_conversation",
    ):
        op.drop_table(table)
