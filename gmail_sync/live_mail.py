"""What the team's open tabs learn of mail: what a sync stored, and each step of a reply
(queued, cancelled, sent, failed), published in the transaction that makes the change.

A sync's news is one event per conversation and batch, `conversation.created` when the batch
began the conversation and `message.stored` otherwise, carrying the new messages' ids and
whether any is live mail (`live: false` for history imported when a mailbox is connected, which
fills the list as it imports); a copy of a message another mailbox already has is not news.
Never commits.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session, col

from app.core.live import Live, publish
from app.core.models import Conversation, Message, id_of
from gmail_sync.ingest import Ingested


def announce_stored(session: Session, ingested: Sequence[Ingested]) -> None:
    live = {item.message_id: item.live for item in ingested if item.created}
    if not live:
        return
    rows = session.execute(
        select(
            col(Message.id),
            col(Message.conversation_id),
            col(Conversation.workspace_id),
            col(Conversation.message_count),
        )
        .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
        .where(col(Message.id).in_(live), col(Message.duplicate_of_id).is_(None))
        .order_by(col(Message.id))
    ).all()
    news: dict[int, tuple[int, int, list[int]]] = {}
    for message_id, conversation_id, workspace_id, count in rows:
        news.setdefault(conversation_id, (workspace_id, count, []))[2].append(message_id)
    for conversation_id, (workspace_id, count, message_ids) in news.items():
        publish(
            session,
            workspace_id=workspace_id,
            kind=Live.CONVERSATION_CREATED if count == len(message_ids) else Live.MESSAGE_STORED,
            conversation_id=conversation_id,
            data={"message_ids": message_ids, "live": any(live[i] for i in message_ids)},
        )


def announce_reply(session: Session, message: Message, kind: Live) -> None:
    """A reply's step, with who wrote it and when it goes out (for "Ben is sending a reply")."""
    publish(
        session,
        workspace_id=message.workspace_id,
        kind=kind,
        conversation_id=message.conversation_id,
        data={
            "message_id": id_of(message),
            "author_id": message.sent_by_user_id,
            "state": message.state,
            "send_after": message.send_after,
        },
    )
