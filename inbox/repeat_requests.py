# ruff: noqa: RUF001 - Russian words are half the list
"""Repeat requests: a client who opens a new conversation within 7 days of one of theirs being
closed, about the same thing, had an answer that did not settle it.

After a sync, each conversation that a person's new live mail opened is compared with the
client's conversations closed in the 7 days before it: the most recently closed one whose
subject says the same thing (the same word stems, once "Re:", "Fwd:" and words that say
nothing of the matter such as "question" or «вопрос» are set aside) becomes its `repeat_of`,
with an audit event `conversation.repeat`. It goes to that conversation's agent when they are
available, before round-robin assignment, since they know the case.
"""

import re
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Message,
    User,
    id_of,
    utcnow,
)
from app.core.stemming import stem
from gmail_sync.sync import SyncReport
from inbox.assignment import assign_automatically
from inbox.changes import announce_change
from inbox.new_mail import new_client_mail, opens_conversation

WINDOW = timedelta(days=7)
ACTION = "conversation.repeat"
#: Share of the two subjects' stems they must have in common (Jaccard).
SIMILAR = 0.5
#: Closed conversations of the client looked at, newest first.
CANDIDATES = 20
_WORD = re.compile(r"[^\W\d_]+")
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|ответ|отв|пересл)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
#: Subject words that name no matter of their own.
_EMPTY = frozenset(
    stem(word)
    for word in (
        *("question", "questions", "help", "problem", "issue", "request", "support", "hello"),
        *("hi", "urgent", "please", "again", "still", "the", "a", "an", "and", "or", "with"),
        *("my", "our", "your", "for", "of", "to", "in", "on", "is", "not", "about"),
        *("вопрос", "помощь", "проблема", "просьба", "обращение", "здравствуйте", "привет"),
        *("срочно", "снова", "опять", "ещё", "еще", "не", "и", "или", "с", "по", "в", "на"),
        *("о", "об", "у", "мой", "наш", "ваш"),
    )
)


def subject_stems(subject: str) -> frozenset[str]:
    words = _WORD.findall(_PREFIX.sub("", subject))
    return frozenset(stem(word) for word in words) - _EMPTY


def same_matter(one: str, other: str) -> bool:
    first, second = subject_stems(one), subject_stems(other)
    if not first or not second:
        return False
    return len(first & second) / len(first | second) >= SIMILAR


def link_repeat_requests(session: Session, report: SyncReport) -> None:
    rows = new_client_mail(
        session,
        report,
        col(Message.automated).is_(None),
        col(Conversation.contact_id).is_not(None),
        col(Conversation.repeat_of_id).is_(None),
    )
    for message, conversation in rows:
        if message.date is None or not opens_conversation(message, conversation):
            continue
        earlier = _earlier_matter(session, conversation, message.date)
        if earlier is not None:
            _link(session, conversation, earlier)


def _earlier_matter(
    session: Session, conversation: Conversation, opened_at: datetime
) -> Conversation | None:
    closed = session.exec(
        select(Conversation)
        .where(
            Conversation.contact_id == conversation.contact_id,
            Conversation.workspace_id == conversation.workspace_id,
            col(Conversation.id) != conversation.id,
            Conversation.status == ConversationStatus.CLOSED,
            col(Conversation.closed_at) >= opened_at - WINDOW,
            col(Conversation.closed_at) <= opened_at,
        )
        .order_by(col(Conversation.closed_at).desc())
        .limit(CANDIDATES)
    )
    return next((c for c in closed if same_matter(conversation.subject, c.subject)), None)


def _link(session: Session, conversation: Conversation, earlier: Conversation) -> None:
    now = utcnow()
    conversation.repeat_of_id = id_of(earlier)
    session.add(conversation)
    session.add(
        AuditEvent(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            actor_id=None,
            action=ACTION,
            before={"repeat_of_id": None},
            after={"repeat_of_id": earlier.id},
            created_at=now,
        )
    )
    session.flush()
    announce_change(session, conversation, {"repeat_of_id": [None, earlier.id]}, now)
    agent = session.get(User, earlier.assignee_id) if earlier.assignee_id is not None else None
    free = agent is not None and agent.is_active and agent.is_available
    if conversation.assignee_id is None and agent is not None and free:
        reason = f"repeat of #{earlier.id}: the agent who had it"
        assign_automatically(session, conversation, id_of(agent), now, reason=reason)
