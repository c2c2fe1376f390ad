"""Migration 0013 files the conversations that already hold only automated inbound mail, and
leaves alone what it cannot be sure of (mail the old reading called a mailing list, which
included a client's post through a Google Group)."""

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.migrations import alembic_config, upgrade_to_head
from app.core.models import Conversation, Mailbox, Message, id_of
from tests.conftest import Member

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# subject: the (direction, automated, duplicate) of each of its messages, and what 0013 decides
CASES: dict[str, tuple[list[tuple[str, str | None, bool]], bool]] = {
    "only a bounce": ([("inbound", "auto-submitted", False)], True),
    "bulk, then the team": ([("inbound", "bulk", False), ("outbound", None, False)], True),
    "an auto-reply, then a person": (
        [("inbound", "auto-submitted", False), ("inbound", None, False)],
        False,
    ),
    "a list post": ([("inbound", "mailing list", False)], False),
    "the team wrote first": ([("outbound", None, False)], False),
    "an auto-reply and a second mailbox's copy": (
        [("inbound", "auto-submitted", False), ("inbound", None, True)],
        True,
    ),
    "a person": ([("inbound", None, False)], False),
}


def seed(engine: Engine, member: Member) -> None:
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=member.workspace_id, email="support@acme.test")
        session.add(mailbox)
        session.flush()
        for number, (subject, (messages, _)) in enumerate(CASES.items()):
            conversation = Conversation(
                workspace_id=member.workspace_id,
                mailbox_id=id_of(mailbox),
                gmail_thread_id=f"t{number}",
                subject=subject,
                last_message_at=START,
            )
            session.add(conversation)
            session.flush()
            first: Message | None = None
            for turn, (direction, automated, duplicate) in enumerate(messages):
                message = Message(
                    workspace_id=member.workspace_id,
                    conversation_id=id_of(conversation),
                    mailbox_id=id_of(mailbox),
                    gmail_id=f"g{number}.{turn}",
                    from_address="someone@client.test",
                    direction=direction,
                    automated=automated,
                    duplicate_of_id=first.id if duplicate and first else None,
                    date=START + timedelta(minutes=turn),
                )
                session.add(message)
                session.flush()
                first = first or message


def revision_before_automated(database_url: str) -> str:
    """The migration this one follows, whatever its number once branches are merged."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    found = next(
        script
        for script in scripts.walk_revisions()
        if (script.doc or "").startswith("automated conversations")
    )
    return str(found.down_revision)


def test_the_upgrade_files_conversations_only_machines_wrote_into(
    database_url: str, engine: Engine, admin: Member
) -> None:
    seed(engine, admin)
    command.downgrade(alembic_config(database_url), revision_before_automated(database_url))

    upgrade_to_head(database_url)

    with Session(engine) as session:
        filed = {c.subject: c.automated for c in session.exec(select(Conversation))}
    assert filed == {subject: expected for subject, (_, expected) in CASES.items()}
