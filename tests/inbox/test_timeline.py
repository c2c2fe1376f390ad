"""The one reading of a conversation that the API, the page and the add-on share: which
messages it holds, their files, its notes in order, and the client's other conversations."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.models import (
    Attachment,
    Contact,
    Conversation,
    Direction,
    Mailbox,
    Message,
    MessageState,
    Note,
    NoteKind,
    id_of,
)
from inbox.timeline import TimelineMessage, contact_history, read_timeline
from tests.conftest import Member, Team

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _conversations(engine: Engine, member: Member, count: int, contact: str = "olga") -> list[int]:
    """`count` conversations of one client (or of nobody: ""), the first one the newest."""
    with session_scope(engine) as session:
        mailbox = Mailbox(
            workspace_id=member.workspace_id, email=f"{contact}-support@{member.workspace_id}.test"
        )
        client = Contact(workspace_id=member.workspace_id, email=f"{contact}@client.test")
        session.add_all([mailbox, client])
        session.flush()
        ids = []
        for index in range(count):
            conversation = Conversation(
                workspace_id=member.workspace_id,
                mailbox_id=id_of(mailbox),
                contact_id=id_of(client) if contact else None,
                gmail_thread_id=f"t{index}",
                subject=f"Question {index}",
                last_message_at=START - timedelta(hours=index),
            )
            session.add(conversation)
            session.flush()
            ids.append(id_of(conversation))
        return ids


def _message(
    session: Session,
    conversation: Conversation,
    name: str,
    minutes: int | None,
    **fields: object,
) -> Message:
    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=id_of(conversation),
        mailbox_id=conversation.mailbox_id,
        gmail_id=name,
        from_address="olga@client.test",
        visible_text=name,
        date=None if minutes is None else START + timedelta(minutes=minutes),
        created_at=START + timedelta(minutes=30),
        **fields,
    )
    session.add(message)
    session.flush()
    return message


def test_messages_once_without_cancelled_replies_with_their_files(
    engine: Engine, admin: Member
) -> None:
    [conversation_id] = _conversations(engine, admin, 1)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        second = _message(session, conversation, "second", 2)
        first = _message(session, conversation, "first", 1)
        _message(session, conversation, "copy", 1, duplicate_of_id=id_of(first))
        outbound = {"direction": Direction.OUTBOUND, "kind": "reply"}
        _message(session, conversation, "undone", None, state=MessageState.CANCELLED, **outbound)
        _message(session, conversation, "waiting", None, state=MessageState.QUEUED, **outbound)
        for name in ("b.pdf", "a.pdf"):
            session.add(
                Attachment(workspace_id=admin.workspace_id, message_id=id_of(second), filename=name)
            )

        timeline = read_timeline(session=session, conversation=conversation)

        texts = [entry.message.visible_text for entry in timeline.messages]
        assert sorted(texts) == ["first", "second", "waiting"], "no copy, no cancelled reply"
        assert texts.index("first") < texts.index("second")
        files = {entry.message.visible_text: entry.attachments for entry in timeline.messages}
        assert [f.filename for f in files["second"]] == ["b.pdf", "a.pdf"]
        assert files["first"] == files["waiting"] == []
        waiting = next(e for e in timeline.messages if e.message.visible_text == "waiting")
        assert waiting.at == waiting.message.created_at, "not sent yet: when it was written"


def test_notes_pinned_first_and_interleaved_in_the_order_things_happened(
    engine: Engine, admin: Member
) -> None:
    [conversation_id] = _conversations(engine, admin, 1)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        _message(session, conversation, "question", 0)
        _message(session, conversation, "follow-up", 20)

        def note(body: str, minutes: int, **fields: object) -> None:
            session.add(
                Note(
                    workspace_id=admin.workspace_id,
                    conversation_id=conversation_id,
                    author_id=admin.user_id,
                    body=body,
                    created_at=START + timedelta(minutes=minutes),
                    **fields,
                )
            )

        note("checking", 10)
        note("handoff", 15, kind=NoteKind.HANDOFF, is_pinned=True)
        note("gone", 12, deleted_at=START + timedelta(minutes=13))
        session.flush()

        timeline = read_timeline(session=session, conversation=conversation)

        assert [n.body for n in timeline.notes] == ["handoff", "checking"]
        assert [
            e.message.visible_text if isinstance(e, TimelineMessage) else e.body
            for e in timeline.in_order()
        ] == ["question", "checking", "handoff", "follow-up"]


def test_history_is_the_clients_other_conversations_latest_first(
    engine: Engine, admin: Member, team: Team
) -> None:
    ids = _conversations(engine, admin, 4)
    other_workspace = team.admin_of_new_workspace("Other", "boss@other.test")
    _conversations(engine, other_workspace, 2)
    nobodys = _conversations(engine, admin, 2, contact="")
    with Session(engine) as session:
        newest = session.get(Conversation, ids[0])
        alone = session.get(Conversation, nobodys[0])
        assert newest is not None and alone is not None

        history = contact_history(session=session, conversation=newest)

        assert [id_of(c) for c in history] == ids[1:]
        assert contact_history(session=session, conversation=alone) == []
