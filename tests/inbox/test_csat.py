# ruff: noqa: RUF001 - the resolution message in Russian
"""Clients rating resolutions: the links a resolution message carries (signed, bound to it,
30 days), one rating per resolution that a second answer changes, "not solved" reopening the
conversation for its assignee, the csat.received webhook, and the report's averages."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.errors import Invalid
from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    CsatRating,
    Mailbox,
    Message,
    Notification,
    Role,
    User,
    WebhookSubscription,
    id_of,
)
from inbox.csat import rate
from inbox.rating_links import ExpiredLink, RatingLink, RatingLinks, RefusedLink
from inbox.report_metrics import ReportRequest, summarize
from inbox.resolution import queue_resolution
from tests.conftest import TEST_SECRET, Team
from tests.inbox.reminder_world import T0, World, build_world
from tests.webhooks.receiver import Receiver, running_receiver
from webhooks.delivery import deliver_due

LINKS = RatingLinks(TEST_SECRET, "https://tandem.acme.test")
RATED = T0 + timedelta(hours=2)


def resolve(engine: Engine, world: World, *, by: int, conversation_id: int | None = None) -> int:
    """Closes the conversation (assigned to the world's agent) with the default resolution
    message, written by user `by`; returns the message's id."""
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id or world.conversation_id)
        author = session.get(User, by)
        assert conversation is not None and author is not None
        conversation.assignee_id = world.agent.user_id
        conversation.status = ConversationStatus.CLOSED
        message = queue_resolution(
            session,
            conversation=conversation,
            template=None,
            author=author,
            links=LINKS,
            confirmed=False,
            now=T0,
            delay=timedelta(seconds=10),
        )
        return id_of(message)


def links_in(engine: Engine, message_id: int) -> dict[str, str]:
    """The message's rating links by answer, read from its text as the client gets it."""
    with Session(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        urls = [word for word in message.text_body.split() if word.startswith("https://tandem")]
    return {parse_qs(urlsplit(url).query)["choice"][0]: url for url in urls}


def token_of(url: str) -> str:
    return urlsplit(url).path.removeprefix("/rate/")


def give(engine: Engine, link: RatingLink, choice: str, comment: str = "", *, at: int = 0) -> None:
    with session_scope(engine) as session:
        rate(session, link=link, choice=choice, comment=comment, now=RATED + timedelta(minutes=at))


@pytest.fixture
def world(engine: Engine, team: Team) -> World:
    return build_world(engine, team)


def test_the_resolution_asks_in_the_mailbox_language_with_one_signed_link_per_answer(
    engine: Engine, world: World
) -> None:
    with session_scope(engine) as session:
        mailbox = session.exec(select(Mailbox)).one()
        mailbox.language = "ru"
    message_id = resolve(engine, world, by=world.admin.user_id)

    with Session(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        text = message.text_body
    assert (
        f"Здравствуйте, Anna!\n\nМы считаем, что ваш вопрос (обращение #{world.conversation_id})"
        in text
    )
    assert "Ваш вопрос решён? Оцените, пожалуйста, наш ответ" in text
    links = links_in(engine, message_id)
    assert list(links) == ["5", "4", "3", "2", "1", "unsolved"]
    assert len({token_of(url) for url in links.values()}) == 1
    link = LINKS.read(token_of(links["5"]), now=T0)
    assert (link.conversation_id, link.message_id) == (world.conversation_id, message_id)
    assert link.agent_id == world.agent.user_id, "the assignee is credited, not the sender"
    assert link.expires_at == T0 + timedelta(days=30)


@pytest.mark.parametrize(
    ("mailbox_language", "client_wrote", "says", "asks"),
    [
        (
            "en",
            "Здравствуйте! Где мой счёт за ноябрь? Я его так и не получил.",
            "Мы считаем, что ваш вопрос",
            "Ваш вопрос решён?",
        ),
        (
            "ru",
            "Hello, where is my invoice for November? It never arrived.",
            "we believe your request",
            "Is your problem solved?",
        ),
    ],
    ids=["russian-client-english-mailbox", "english-client-russian-mailbox"],
)
def test_the_default_resolution_answers_in_the_language_the_client_wrote_in(
    mailbox_language: str, client_wrote: str, says: str, asks: str, engine: Engine, world: World
) -> None:
    with session_scope(engine) as session:
        session.exec(select(Mailbox)).one().language = mailbox_language
        for message in session.exec(select(Message)):
            message.text_body = message.visible_text = client_wrote
    message_id = resolve(engine, world, by=world.admin.user_id)
    with Session(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
    assert says in message.text_body and asks in message.text_body, message.text_body


def test_a_forged_altered_or_expired_link_is_refused(engine: Engine, world: World) -> None:
    token = token_of(links_in(engine, resolve(engine, world, by=world.agent.user_id))["5"])
    payload, signature = token.rsplit(".", 1)
    other = "A" if signature[0] != "A" else "B"
    forged = RatingLinks("another-secret-key-entirely", LINKS.public_url).token(
        conversation_id=world.conversation_id, message_id=1, agent_id=None, now=T0
    )

    with pytest.raises(RefusedLink):
        LINKS.read(f"{payload}.{other}{signature[1:]}", now=T0)
    with pytest.raises(RefusedLink):
        LINKS.read(f"{payload[:-2]}.{signature}", now=T0)
    with pytest.raises(RefusedLink):
        LINKS.read(forged, now=T0)
    with pytest.raises(ExpiredLink):
        LINKS.read(token, now=T0 + timedelta(days=30))
    assert LINKS.read(token, now=T0 + timedelta(days=29, hours=23)).conversation_id == (
        world.conversation_id
    )


def test_a_second_answer_changes_the_one_rating(engine: Engine, world: World) -> None:
    token = token_of(links_in(engine, resolve(engine, world, by=world.agent.user_id))["3"])
    link = LINKS.read(token, now=RATED)

    give(engine, link, "3")
    give(engine, link, "5", "  Quick and clear, thank you.  ", at=10)

    with Session(engine) as session:
        rating = session.exec(select(CsatRating)).one()
        rated = session.exec(
            select(AuditEvent.after)
            .where(AuditEvent.action == "csat.rated")
            .order_by(col(AuditEvent.id))
        ).all()
        conversation = session.get(Conversation, world.conversation_id)
    assert (rating.score, rating.solved, rating.comment) == (5, True, "Quick and clear, thank you.")
    assert (rating.created_at, rating.updated_at) == (RATED, RATED + timedelta(minutes=10))
    assert rating.agent_id == world.agent.user_id
    assert rated == [{"score": 3, "solved": True}, {"score": 5, "solved": True}]
    assert conversation is not None and conversation.status == ConversationStatus.CLOSED


def test_not_solved_reopens_the_conversation_and_tells_its_assignee(
    engine: Engine, world: World
) -> None:
    token = token_of(links_in(engine, resolve(engine, world, by=world.admin.user_id))["unsolved"])
    link = LINKS.read(token, now=RATED)

    give(engine, link, "unsolved", "The invoice is still wrong.")
    give(engine, link, "unsolved", "Still wrong, and the total too.", at=5)

    with Session(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        rating = session.exec(select(CsatRating)).one()
        reopened = session.exec(
            select(AuditEvent).where(AuditEvent.action == "conversation.updated")
        ).one()
        notices = session.exec(select(Notification)).all()
    assert conversation is not None and conversation.status == ConversationStatus.OPEN
    assert (rating.score, rating.solved) == (None, False)
    assert rating.comment == "Still wrong, and the total too."
    assert (reopened.actor_id, reopened.before, reopened.after) == (
        None,
        {"status": "closed"},
        {"status": "open"},
    )
    [notice] = notices
    assert notice.user_id == world.agent.user_id and notice.kind == "csat_unsolved"
    assert notice.text == "Anna Petrova says “Invoice 1042” is not solved; it is open again."


def test_an_answer_outside_the_choices_changes_nothing(engine: Engine, world: World) -> None:
    token = token_of(links_in(engine, resolve(engine, world, by=world.agent.user_id))["5"])
    with pytest.raises(Invalid, match="choice"), session_scope(engine) as session:
        link = LINKS.read(token, now=RATED)
        rate(session, link=link, choice="6", comment="", now=RATED)
    with Session(engine) as session:
        assert session.exec(select(CsatRating)).all() == []


def test_the_rating_reaches_a_subscribed_webhook(engine: Engine, world: World) -> None:
    token = token_of(links_in(engine, resolve(engine, world, by=world.agent.user_id))["4"])
    link = LINKS.read(token, now=RATED)
    with running_receiver() as receiver:
        with session_scope(engine) as session:
            subscribe(session, world, receiver)
        give(engine, link, "4", "Good enough.")
        delivered = deliver_due(engine=engine, now=RATED + timedelta(minutes=1), allow_private=True)
        [request] = receiver.requests

    assert delivered == 1
    assert request.headers["x-tandem-event"] == "csat.received"
    rating = request.json["data"]["rating"]
    assert request.json["data"]["conversation_id"] == world.conversation_id
    assert {name: rating[name] for name in rating if name not in ("id", "mailbox_id")} == {
        "message_id": link.message_id,
        "agent_id": world.agent.user_id,
        "score": 4,
        "solved": True,
        "comment": "Good enough.",
        "rated_at": RATED.isoformat(),
    }


def subscribe(session: Session, world: World, receiver: Receiver) -> None:
    session.add(
        WebhookSubscription(
            workspace_id=world.workspace_id,
            url=receiver.url,
            secret="a-secret-of-at-least-sixteen",
            events=["csat.received"],
        )
    )


def another_conversation(session: Session, world: World, subject: str) -> int:
    """A second client conversation in the world's mailbox, with a message to answer."""
    first = session.get(Conversation, world.conversation_id)
    question = session.exec(select(Message)).first()
    assert first is not None and question is not None
    conversation = Conversation(
        workspace_id=world.workspace_id,
        mailbox_id=first.mailbox_id,
        contact_id=first.contact_id,
        gmail_thread_id=f"thread-{subject}",
        subject=subject,
        status=ConversationStatus.OPEN,
    )
    session.add(conversation)
    session.flush()
    copy = question.model_dump(exclude={"id", "conversation_id", "gmail_id", "gmail_thread_id"})
    session.add(
        Message(
            **copy,
            conversation_id=id_of(conversation),
            gmail_id=f"m-{subject}",
            gmail_thread_id=f"thread-{subject}",
        )
    )
    return id_of(conversation)


def test_the_report_averages_the_scores_per_agent(engine: Engine, world: World, team: Team) -> None:
    boris = team.member(world.workspace_id, "boris@acme.test", Role.AGENT)
    with session_scope(engine) as session:
        second = another_conversation(session, world, "Refund")
        third = another_conversation(session, world, "Login")
    answers = [(world.conversation_id, "5"), (second, "2"), (third, "unsolved")]
    for number, (conversation_id, choice) in enumerate(answers):
        message_id = resolve(engine, world, by=boris.user_id, conversation_id=conversation_id)
        link = LINKS.read(token_of(links_in(engine, message_id)[choice]), now=RATED)
        give(engine, link, choice, at=number)
    with session_scope(engine) as session:
        session.exec(
            select(CsatRating).where(CsatRating.conversation_id == second)
        ).one().agent_id = boris.user_id

    with Session(engine) as session:
        week = summarize(
            session,
            workspace_id=world.workspace_id,
            request=ReportRequest("2026-11-23", "2026-11-29"),
            now=RATED,
        )
        later = summarize(
            session,
            workspace_id=world.workspace_id,
            request=ReportRequest("2026-11-30", "2026-12-06"),
            now=RATED,
        )
    by_agent = {row.email: row.csat for row in week.by_agent}
    assert week.csat == 3.5, "(5 + 2) / 2: not solved has no score"
    assert by_agent == {"admin@acme.test": None, "boris@acme.test": 2.0, "olga@acme.test": 5.0}
    assert later.csat is None
