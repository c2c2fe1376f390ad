"""Frequent questions: the period's new conversations grouped by what they ask, so a team sees
which questions keep coming (and which deserve a template or a help page).

A conversation's question is the stems of its subject and first message
(`inbox.question_words`), cut to its most telling ones: those fewer of the period's
conversations hold. Conversations are grouped greedily, newest first: each joins the group
whose first conversation shares the most of its stems, if they share at least two and a fifth
of them (Jaccard), else it starts a group. The cost is bounded: only the period's newest
MAX_CONVERSATIONS are read, their first message's start only. It reads, never writes.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from app.core.models import Conversation, Direction, Message
from inbox.question_words import TEXT_CHARS, question_stems

MAX_CONVERSATIONS = 2000
#: A conversation's question: at most this many of its stems.
SIGNATURE = 12
#: A stem in more than this share of the period's conversations (and in more than ten) says
#: nothing of one of them, such as the product's name; a frequent question's words stay in.
TOO_COMMON = 0.5
SIMILAR, SHARED = 0.2, 2
SHOWN_IDS = 5


@dataclass
class QuestionGroup:
    """`subject` is its first (newest) conversation's; `conversation_ids` the newest few."""

    subject: str
    signature: frozenset[str]
    count: int = 0
    conversation_ids: list[int] = field(default_factory=list)


def frequent_questions(
    session: Session, *, workspace_id: int, since: datetime, until: datetime, limit: int = 10
) -> list[QuestionGroup]:
    """The groups of two or more conversations that began in [since, until), largest first."""
    asked = _first_messages(session, workspace_id, since, until)
    stems = {
        conversation_id: question_stems(subject, text) for conversation_id, subject, text in asked
    }
    common = _too_common(stems.values(), len(asked))
    groups: list[QuestionGroup] = []
    holding: dict[str, list[int]] = {}
    for conversation_id, subject, _text in asked:
        signature = frozenset(
            [stem for stem in stems[conversation_id] if stem not in common][:SIGNATURE]
        )
        if not signature:
            continue
        group = _closest(groups, holding, signature)
        if group is None:
            group = QuestionGroup(subject, signature)
            for stem in signature:
                holding.setdefault(stem, []).append(len(groups))
            groups.append(group)
        group.count += 1
        if len(group.conversation_ids) < SHOWN_IDS:
            group.conversation_ids.append(conversation_id)
    frequent = [group for group in groups if group.count > 1]
    frequent.sort(key=lambda group: -group.count)
    return frequent[:limit]


def _first_messages(
    session: Session, workspace_id: int, since: datetime, until: datetime
) -> list[tuple[int, str, str]]:
    """(id, subject, start of the first message from the client), newest first; the report's
    index covers the conversations, the timeline index their first message."""
    first = and_(
        col(Message.conversation_id) == col(Conversation.id),
        col(Message.date) == col(Conversation.first_message_at),
        col(Message.direction) == Direction.INBOUND,
        col(Message.duplicate_of_id).is_(None),
    )
    rows = session.exec(
        select(
            Conversation.id, Conversation.subject, func.substr(Message.visible_text, 1, TEXT_CHARS)
        )
        .outerjoin(Message, first)
        .where(
            Conversation.workspace_id == workspace_id,
            col(Conversation.automated).is_(False),
            col(Conversation.first_message_at) >= since,
            col(Conversation.first_message_at) < until,
        )
        .order_by(col(Conversation.first_message_at).desc(), col(Conversation.id).desc())
        .limit(MAX_CONVERSATIONS)
    )
    seen: dict[int, tuple[int, str, str]] = {}
    for conversation_id, subject, text in rows:
        seen.setdefault(int(conversation_id or 0), (int(conversation_id or 0), subject, text or ""))
    return list(seen.values())


def _too_common(signatures: Iterable[list[str]], total: int) -> set[str]:
    counted: Counter[str] = Counter()
    for stems in signatures:
        counted.update(stems)
    return {stem for stem, count in counted.items() if count > max(10, total * TOO_COMMON)}


def _closest(
    groups: list[QuestionGroup], holding: dict[str, list[int]], signature: frozenset[str]
) -> QuestionGroup | None:
    """The group sharing most of the signature, found through the stems' groups, not by
    comparing with each group."""
    shared: Counter[int] = Counter()
    for stem in signature:
        shared.update(holding.get(stem, []))
    best, best_score = None, SIMILAR
    for index, count in shared.items():
        union = len(signature | groups[index].signature)
        score = count / union
        if count >= SHARED and score >= best_score:
            best, best_score = groups[index], score
    return best
