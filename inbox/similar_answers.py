# ruff: noqa: S608 - SQL is built from constants only; the words go in bind parameters
"""Answers that worked before: the workspace's closed conversations most like this one (their
subject and messages against this one's subject and first message), each with the reply that
closed it, for an agent to start from.

The reply offered is the last reply the team sent before the conversation was closed (one
written in Tandem or in Gmail), not the resolution message: that is the same template for
every conversation ("we believe it is solved"), while the reply before it holds the answer.
Automatic acknowledgements and internal notes are never offered.

Similarity is a search of the full-text index (migrations 0003 and 0021; `inbox.search` owns
the index) for the conversation's most telling words (`inbox.question_words`): up to a dozen
of its subject's and first message's stems, the rare before the common (whole stems: a prefix,
as search's last word is, would merge the entries of every longer stem). Each word is looked
up on its own among the newest matching documents only, so a word in every other message
costs what a rare one does; a conversation scores the words it shares, a rare word more than
a common one and a word of its subject more than one of its messages. The best ones in the
conversation's language come first. It reads, never writes.
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from app.core.models import (
    Conversation,
    ConversationStatus,
    Direction,
    Mailbox,
    Message,
    MessageKind,
    MessageState,
    id_of,
)
from app.core.stemming import stem
from inbox.question_words import TEXT_CHARS, question_words
from inbox.search_estimate import expected_word_matches
from inbox.search_terms import Word, postgres_words
from inbox.templates import client_language
from inbox.written_language import text_languages

OFFERED = 5
#: Words searched for, and the words read to choose them from.
MAX_TERMS, CANDIDATE_WORDS = 12, 40
#: A word is looked up in its newest this many matching documents of each table.
WALK = 1000
#: On PostgreSQL a common word is looked for in the newest this many rows of each table.
SCAN = 4 * WALK
#: A word in more documents than this is common: searched for only when too few rarer ones
#: remain, and worth little (a word's weight falls with the documents that hold it).
COMMON = 2000
#: The best-scored conversations read in full for their language and closing reply.
READ = 20
_SUBJECT, _BODY = 1.0, 0.5
_CONVERSATION_DOCUMENT = 0  # rowid % 4 of a conversation's subject in conversation_search


@dataclass(frozen=True)
class SimilarAnswer:
    conversation_id: int
    subject: str
    closed_at: datetime | None
    language: str | None
    score: float
    answer_text: str


@dataclass(frozen=True)
class _Term:
    """One searched word: its match in each searched table and its weight."""

    match: str
    body: str
    documents: float
    position: int

    @property
    def weight(self) -> float:
        return math.log(1 + COMMON / max(self.documents, 1.0))


def similar_answers(
    session: Session, *, conversation: Conversation, limit: int = OFFERED
) -> list[SimilarAnswer]:
    """Up to `limit` closed conversations of the workspace, in the conversation's language
    first, each with its closing reply; none without one."""
    first = _first_text(session, id_of(conversation))
    words = question_words(conversation.subject, first)[:CANDIDATE_WORDS]
    if not words:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        terms = _postgres_terms(session, words)
    else:
        terms = _sqlite_terms(session, words, _own_documents(session, id_of(conversation)))
    terms = _most_telling(terms)
    if not terms:
        return []
    scores = _scores(session, conversation, terms, postgres)
    language = _language(conversation.subject, first) or _mailbox_language(session, conversation)
    return _offered(session, conversation.workspace_id, scores, language, limit)


def _first_text(session: Session, conversation_id: int) -> str:
    """The client's first message (the first message at all, in a thread the team began)."""
    rows = session.exec(
        select(Message.visible_text, Message.text_body, Message.direction)
        .where(Message.conversation_id == conversation_id, col(Message.duplicate_of_id).is_(None))
        .order_by(col(Message.date), col(Message.id))
        .limit(10)
    ).all()
    inbound = [row for row in rows if row[2] == Direction.INBOUND] or rows
    return (inbound[0][0] or inbound[0][1])[:TEXT_CHARS] if inbound else ""


def _most_telling(terms: list[_Term]) -> list[_Term]:
    """The rare words in the order they were written (the subject's first), then the common
    ones, rarest first, while fewer than MAX_TERMS are chosen."""
    rare = [term for term in terms if term.documents <= COMMON]
    common = sorted((term for term in terms if term.documents > COMMON), key=lambda t: t.documents)
    return (rare + common)[:MAX_TERMS]


def _own_documents(session: Session, conversation_id: int) -> list[int]:
    """The rowids of its subject and messages in conversation_search (migration 0003)."""
    messages = session.exec(select(Message.id).where(Message.conversation_id == conversation_id))
    return [conversation_id * 4, *(int(message or 0) * 4 + 1 for message in messages)]


def _sqlite_terms(session: Session, words: Sequence[str], own: list[int]) -> list[_Term]:
    """Each stem with the documents of other conversations holding it, counted up to COMMON
    (a bounded walk of its index entries, which leaves the conversation's own out by rowid,
    without reading them); stems only this conversation holds are dropped."""
    stems = list(dict.fromkeys(stem(word) for word in words))
    matches = ['{subject_stems body_stems} : "' + word_stem + '"' for word_stem in stems]
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM conversation_search WHERE conversation_search"
        f" MATCH :m{index} AND rowid NOT IN :own LIMIT :common + 1))"
        for index in range(len(matches))
    )
    params = {f"m{index}": match for index, match in enumerate(matches)}
    statement = text("SELECT " + counts).bindparams(bindparam("own", expanding=True))
    found = session.execute(statement, {**params, "own": own, "common": COMMON})
    return [
        _Term(match, match, float(documents), position)
        for position, (match, documents) in enumerate(zip(matches, found.one(), strict=True))
        if documents
    ]


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(word: Word, weights: str) -> str:
    marks = ":" + weights if weights else ""
    return " | ".join(_quoted(lexeme) + marks for lexeme in word.lexemes)


def _postgres_terms(session: Session, words: Sequence[str]) -> list[_Term]:
    """Each word's stem as the index holds it (the shorter of the two configurations' lexemes:
    the other is the Cyrillic word whole; stop words have none), its count from the table
    statistics search keeps (`inbox.search_estimate`)."""
    chosen: dict[str, Word] = {}
    for (word,) in postgres_words(session, [(word,) for word in words]):
        if word.lexemes:
            lexeme = min(word.lexemes, key=len)
            chosen.setdefault(lexeme, Word((lexeme,)))
    found = list(chosen.values())
    expected = expected_word_matches(session, ["conversation", "message"], found)
    return [
        _Term(
            _tsquery(word, ""),
            _tsquery(word, "D"),
            expected["conversation"][index] + expected["message"][index],
            index,
        )
        for index, word in enumerate(found)
    ]


def _scores(
    session: Session, conversation: Conversation, terms: list[_Term], postgres: bool
) -> dict[int, tuple[float, int]]:
    """Each closed conversation sharing a searched word: its share of the words' weight (a
    subject's word counts whole, a message's half) and how many words it shares."""
    params: dict[str, object] = {
        "workspace": conversation.workspace_id,
        "own": id_of(conversation),
        "walk": WALK,
        "scan": SCAN,
    }
    parts = []
    for index, term in enumerate(terms):
        params[f"m{index}"], params[f"b{index}"] = term.match, term.body
        parts.append(_postgres_hits(index, term) if postgres else _sqlite_hits(index))
    hits = " UNION ALL ".join(parts)
    rows = session.execute(
        text(
            f"SELECT hits.term, hits.conversation_id, max(hits.subject) FROM ({hits}) AS hits"
            + _CLOSED
        ),
        params,
    )
    total = sum(term.weight for term in terms)
    scores: dict[int, tuple[float, int]] = {}
    for index, conversation_id, subject in rows:
        score, shared = scores.get(int(conversation_id), (0.0, 0))
        share = terms[int(index)].weight * (_SUBJECT if subject else _BODY) / total
        scores[int(conversation_id)] = (score + share, shared + 1)
    enough = min(2, len(terms))
    return {key: value for key, value in scores.items() if value[1] >= enough}


#: The closed conversations of the workspace among every word's hits, joined once.
_CLOSED = (
    " JOIN conversation AS c ON c.id = hits.conversation_id WHERE c.workspace_id = :workspace"
    " AND c.status = 'closed' AND c.id != :own GROUP BY hits.term, hits.conversation_id"
)


def _sqlite_hits(index: int) -> str:
    return (
        f"SELECT * FROM (SELECT {index} AS term, conversation_id,"
        f" rowid % 4 = {_CONVERSATION_DOCUMENT} AS subject FROM conversation_search"
        f" WHERE conversation_search MATCH :m{index} ORDER BY rowid DESC LIMIT :walk)"
    )


def _postgres_hits(index: int, term: _Term) -> str:
    walk = term.documents > COMMON
    subjects = _newest("conversation", "id", f":m{index}", walk=walk)
    bodies = _newest("message", "conversation_id", f":b{index}", walk=walk)
    return (
        f"SELECT {index} AS term, conversation_id, 1 AS subject FROM ({subjects}) AS s{index}"
        f" UNION ALL SELECT {index}, conversation_id, 0 FROM ({bodies}) AS b{index}"
    )


def _newest(table: str, owner: str, match: str, *, walk: bool) -> str:
    """A common word is looked for in the table's newest SCAN rows, walking its primary key
    (the limit inside keeps the planner from sorting the whole table instead); a rarer one
    through its GIN index (OFFSET 0 keeps the planner from swapping one way for the other)."""
    found = f"search_vector @@ CAST({match} AS tsquery)"
    columns = f"id AS doc, {owner} AS conversation_id"
    if walk:
        rows = f"(SELECT {columns}, search_vector FROM {table} ORDER BY id DESC LIMIT :scan)"
        source = f"{rows} AS walk WHERE {found}"
    else:
        source = f"(SELECT {columns} FROM {table} WHERE {found} OFFSET 0) AS found"
    return f"SELECT conversation_id FROM {source} ORDER BY doc DESC LIMIT :walk"


def _language(subject: str, first: str) -> str | None:
    """The language most of its paragraphs are in (`inbox.reply_language`)."""
    found = Counter(text_languages(subject + "\n" + first)).most_common(1)
    return found[0][0] if found else None


def _mailbox_language(session: Session, conversation: Conversation) -> str:
    mailbox = session.get(Mailbox, conversation.mailbox_id)
    return client_language(session, mailbox) if mailbox is not None else "en"


_ANSWERS = (MessageKind.REPLY, None)


def _offered(
    session: Session,
    workspace_id: int,
    scores: dict[int, tuple[float, int]],
    language: str,
    limit: int,
) -> list[SimilarAnswer]:
    best = sorted(scores, key=lambda key: (-scores[key][0], -key))[:READ]
    if not best:
        return []
    conversations = session.exec(
        select(Conversation).where(
            col(Conversation.id).in_(best), Conversation.workspace_id == workspace_id
        )
    ).all()
    messages = session.exec(
        select(Message)
        .where(col(Message.conversation_id).in_(best), col(Message.duplicate_of_id).is_(None))
        .order_by(col(Message.date), col(Message.id))
    ).all()
    found = []
    for conversation in conversations:
        own = [message for message in messages if message.conversation_id == conversation.id]
        answer = _closing_reply(own, conversation.closed_at)
        if answer is None:
            continue
        inbound = [message for message in own if message.direction == Direction.INBOUND] or own
        first = (inbound[0].visible_text or inbound[0].text_body)[:TEXT_CHARS] if inbound else ""
        score = round(scores[id_of(conversation)][0], 3)
        spoken = _language(conversation.subject, first)
        found.append(
            SimilarAnswer(
                id_of(conversation),
                conversation.subject,
                conversation.closed_at,
                spoken,
                score,
                answer,
            )
        )
    found.sort(key=lambda item: (item.language != language, -item.score, -item.conversation_id))
    return found[:limit]


def closing_answer(session: Session, conversation: Conversation) -> str | None:
    """The reply a closed conversation offers (None while it is open, or without one)."""
    if conversation.status != ConversationStatus.CLOSED:
        return None
    messages = session.exec(
        select(Message)
        .where(Message.conversation_id == conversation.id, col(Message.duplicate_of_id).is_(None))
        .order_by(col(Message.date), col(Message.id))
    ).all()
    return _closing_reply(messages, conversation.closed_at)


def _before(message: Message, closed_at: datetime) -> bool:
    """Written before the close: a reply sent with "Send and close" goes out just after it."""
    written = [message.created_at, *([message.date] if message.date else [])]
    return min(written) <= closed_at


def _closing_reply(messages: Sequence[Message], closed_at: datetime | None) -> str | None:
    """The text of the last reply the team wrote before the close."""
    replies = [
        message
        for message in messages
        if message.direction == Direction.OUTBOUND
        and message.state == MessageState.SENT
        and message.kind in _ANSWERS
        and message.automated is None
        and (closed_at is None or _before(message, closed_at))
    ]
    for message in reversed(replies):
        answer = (message.visible_text or message.text_body).strip()
        if answer:
            return answer
    return None
