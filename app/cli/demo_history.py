# ruff: noqa: RUF001 - half the demo's clients write in Russian; Cyrillic letters are intended
"""Sixty days of the demo team's past work, so the Reports page is alive at first sight:
conversations that came in, were answered by the demo agents, waited on the client (pending),
were promised, kept or broken, closed, and now and then reopened by the client.

The history is what a team that had worked in Tandem would have left behind, written as the
product writes it: client mail and the agents' sent replies as messages, every status change
and promise as an audit event at the time it happened (the rows the reports read). It is
written in bulk (a few statements, not one per row) so the demo still starts in a few
seconds, and only in Tandem's database: the emulator's mailbox holds the current mail. Every
historical conversation ends closed, so the inbox's open work stays the staged demo's.

Deterministic: the same seed gives the same history, counted back from the day it is seeded.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.core.models import (
    AuditEvent,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageKind,
    MessageState,
    PromiseState,
    Role,
    User,
    Workspace,
    id_of,
)
from app.core.zones import zone_or_utc

DAYS = 60
HISTORY_THREAD = "demo-history-"
#: Clients are named from these, about a hundred of them, so that only some write twice in a
#: week (a repeat request), as in a real support mailbox.
FIRST_NAMES = {
    False: ("Emma", "Lucas", "Sofia", "Noah", "Priya", "Tom", "Hana", "Omar", "Grace", "Jonas"),
    True: ("Ирина", "Дмитрий", "Мария", "Алексей", "Елена", "Сергей"),
}
LAST_NAMES = {
    False: ("Wilson", "Meyer", "Rossi", "Brown", "Shah", "Hughes", "Novak", "Lindqvist"),
    True: ("Волкова", "Орлов", "Кузнецова", "Смирнов", "Соловьёва", "Морозов"),
}
LATIN = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщыэюяь", "abvgdeezziiklmnoprstufhccssyeuy_")
#: (subject, the client's question, the agent's answer, tags); Russian for Russian clients.
TOPICS = {
    False: (
        (
            "Cannot reset my password",
            "The reset link says it has expired.",
            "We sent a fresh link; it works for an hour.",
            ["account"],
        ),
        (
            "Invoice shows the wrong company name",
            "Our new name is missing on the invoice.",
            "The corrected invoice is attached to your account now.",
            ["billing"],
        ),
        (
            "How do I add a second user?",
            "We hired someone and need another seat.",
            "Settings → Team → Add member; the seat is billed pro rata.",
            ["how-to"],
        ),
        (
            "Export stops halfway",
            "The CSV export ends after a few thousand rows.",
            "Large exports now run in the background; you get a link by mail.",
            ["bug"],
        ),
        (
            "Refund for a double charge",
            "We were charged twice this month.",
            "The second charge is refunded; it shows in 3–5 days.",
            ["billing"],
        ),
        (
            "API returns 429",
            "Our sync job gets rate limited every night.",
            "We raised your limit; spreading the job over an hour helps too.",
            ["api"],
        ),
    ),
    True: (
        (
            "Не приходит письмо для входа",
            "Письмо со ссылкой не приходит уже час.",
            "Отправили ссылку повторно, проверьте папку «Спам».",
            ["account"],
        ),
        (
            "Нужен акт сверки за квартал",
            "Пришлите, пожалуйста, акт сверки.",
            "Акт сверки во вложении личного кабинета.",
            ["billing"],
        ),
        (
            "Как изменить реквизиты?",
            "У нас сменился расчётный счёт.",
            "Реквизиты обновлены, новые счета придут с ними.",
            ["how-to"],
        ),
        (
            "Ошибка при загрузке файла",
            "Файл больше 10 МБ не загружается.",
            "Лимит подняли до 50 МБ, попробуйте ещё раз.",
            ["bug"],
        ),
    ),
}

#: What clients and agents say after the first answer, by whether the client writes in Russian.
SAID = {
    False: {
        "as_promised": "As promised: here is the full answer.",
        "more": "Thanks, that answers it. One more detail attached.",
        "all_set": "Got it, all set on our side.",
        "back": "Sorry, the problem is back since this morning.",
        "fixed": "Fixed again.",
    },
    True: {
        "as_promised": "Как и обещали, вот полный ответ.",
        "more": "Спасибо, это отвечает на вопрос. Прикладываю ещё одну деталь.",
        "all_set": "Получили, с нашей стороны всё готово.",
        "back": "Извините, с утра проблема снова появилась.",
        "fixed": "Снова исправили.",
    },
}


@dataclass
class _Written:
    """The rows of the history, gathered before the bulk inserts."""

    conversations: list[Conversation] = field(default_factory=list)
    messages: list[list[dict[str, Any]]] = field(default_factory=list)
    events: list[list[dict[str, Any]]] = field(default_factory=list)


def seed_history(
    session: Session, *, workspace_id: int, mailbox_id: int, now: datetime, language: str = "en"
) -> None:
    """Once per workspace: a second start finds the history and leaves it alone. `language`
    "ru": every client wrote in Russian (the Russian demo); else half of them did."""
    already = session.exec(
        select(Conversation.id).where(
            Conversation.mailbox_id == mailbox_id,
            col(Conversation.gmail_thread_id).startswith(HISTORY_THREAD),
        )
    ).first()
    if already is not None:
        return
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None, "the demo workspace exists"
    agents = [
        user
        for user in session.exec(select(User).where(User.workspace_id == workspace_id))
        if user.role == Role.AGENT
    ]
    contacts = _contacts(session, workspace_id)
    story = _Story(random.Random(20), agents, contacts, mailbox_id, workspace_id, now)  # noqa: S311 (a demo)
    if language == "ru":
        story.clients = [client for client in story.clients if client[2]]
    zone = zone_or_utc(workspace.timezone)
    today = now.astimezone(zone).date()
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        count = story.rng.randint(1, 2) if day.weekday() >= 5 else story.rng.randint(4, 8)
        for _ in range(count):
            opening = datetime.combine(day, time(8), zone) + timedelta(
                minutes=story.rng.randint(0, 10 * 60)
            )
            story.conversation(opening)
    _write(session, story.written)


def _contacts(session: Session, workspace_id: int) -> dict[str, int]:
    known = {
        contact.email: id_of(contact)
        for contact in session.exec(select(Contact).where(Contact.workspace_id == workspace_id))
    }
    for name, email, _ in clients():
        if email not in known:
            contact = Contact(workspace_id=workspace_id, email=email, name=name)
            session.add(contact)
            session.flush()
            known[email] = id_of(contact)
    return known


def clients() -> list[tuple[str, str, bool]]:
    """(name, address, writes in Russian); Russian names are paired by grammatical gender."""
    found: list[tuple[str, str, bool]] = []
    for russian in (False, True):
        for first in FIRST_NAMES[russian]:
            for last in LAST_NAMES[russian]:
                if russian and first[-1] == "а" and last[-1] != "а":
                    continue
                if russian and first[-1] != "а" and last[-1] == "а":
                    continue
                local = f"{first}.{last}".lower().translate(LATIN).replace("_", "")
                found.append((f"{first} {last}", f"{local}@client{len(found) % 7}.test", russian))
    return found


def _write(session: Session, written: _Written) -> None:
    session.add_all(written.conversations)
    session.flush()
    messages, events = [], []
    for conversation, its_messages, its_events in zip(
        written.conversations, written.messages, written.events, strict=True
    ):
        messages += [
            _full(Message, {**row, "conversation_id": conversation.id}) for row in its_messages
        ]
        events += [
            _full(AuditEvent, {**row, "conversation_id": conversation.id}) for row in its_events
        ]
    session.execute(insert(Message), messages)
    session.execute(insert(AuditEvent), events)


def _full(model: type[Message] | type[AuditEvent], row: dict[str, Any]) -> dict[str, Any]:
    """The row with every column the model defaults (a bulk insert fills in none)."""
    return model.model_validate(row).model_dump(exclude={"id"})


class _Story:
    """One conversation after another, each told as its messages and its audit events."""

    def __init__(
        self,
        rng: random.Random,
        agents: list[User],
        contacts: dict[str, int],
        mailbox_id: int,
        workspace_id: int,
        now: datetime,
    ) -> None:
        self.rng, self.agents, self.contacts = rng, agents, contacts
        self.mailbox_id, self.workspace_id, self.now = mailbox_id, workspace_id, now
        self.written = _Written()
        self.clients = clients()

    def wait(self) -> timedelta:
        """Most clients hear back within hours; a few wait past a day."""
        roll = self.rng.random()
        low, high = next(
            span
            for limit, span in (
                (0.45, (5, 55)),
                (0.75, (60, 240)),
                (0.87, (240, 480)),
                (0.95, (480, 1440)),
                (1.0, (1440, 2400)),
            )
            if roll < limit
        )
        return timedelta(minutes=self.rng.randint(low, high))

    def conversation(self, opening: datetime) -> None:
        name, email, russian = self.rng.choice(self.clients)
        subject, question, answer, tags = self.rng.choice(TOPICS[russian])
        agent = self.rng.choice(self.agents)
        thread = f"{HISTORY_THREAD}{len(self.written.conversations) + 1}"
        tale = _Tale(self, thread, subject, (name, email), agent, SAID[russian])
        tale.client(opening, question)
        at = tale.reply(opening + self.wait(), answer)
        if self.rng.random() < 0.15:
            at = tale.promise(at)
        if self.rng.random() < 0.3:
            at = tale.pending(at)
        closed = tale.close(at + timedelta(minutes=self.rng.randint(10, 90)))
        if self.rng.random() < 0.1:
            tale.reopened(closed + timedelta(hours=self.rng.randint(20, 72)))
        self.written.conversations.append(tale.row(tags, self.contacts[email]))
        self.written.messages.append(tale.messages)
        self.written.events.append(tale.events)


class _Tale:
    """One conversation's history; each step returns when it ended."""

    def __init__(
        self,
        story: _Story,
        thread: str,
        subject: str,
        client: tuple[str, str],
        agent: User,
        said: dict[str, str],
    ) -> None:
        self.story, self.thread, self.subject, self.said = story, thread, subject, said
        self.client_name, self.client_email = client
        self.agent = agent
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.status = ConversationStatus.OPEN.value
        self.promised: tuple[datetime, datetime, str] | None = None

    def _message(self, at: datetime, text: str, inbound: bool) -> None:
        number = len(self.messages) + 1
        mailbox = "support@acme.test"
        sender = (self.client_name, self.client_email) if inbound else (self.agent.name, mailbox)
        self.messages.append(
            {
                "workspace_id": self.story.workspace_id,
                "mailbox_id": self.story.mailbox_id,
                "gmail_id": f"{self.thread}-{number}",
                "gmail_thread_id": self.thread,
                "rfc_message_id": f"<{self.thread}-{number}@history.acme.test>",
                "from_name": sender[0],
                "from_address": sender[1],
                "authors": [sender[1]],
                "to": [mailbox if inbound else self.client_email],
                "subject": self.subject if number == 1 else f"Re: {self.subject}",
                "date": at,
                "text_body": text,
                "visible_text": text,
                "snippet": text[:120],
                "direction": (Direction.INBOUND if inbound else Direction.OUTBOUND).value,
                "state": (MessageState.RECEIVED if inbound else MessageState.SENT).value,
                "kind": None if inbound else MessageKind.REPLY.value,
                "sent_by_user_id": None if inbound else self.agent.id,
                "label_ids": ["INBOX"] if inbound else ["SENT"],
                "created_at": at,
            }
        )

    def _event(
        self,
        at: datetime,
        action: str,
        change: tuple[dict[str, Any], dict[str, Any]],
        actor: int | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.events.append(
            {
                "workspace_id": self.story.workspace_id,
                "actor_id": actor,
                "action": action,
                "before": change[0],
                "after": change[1],
                "details": details or {},
                "created_at": at,
            }
        )

    def _status(self, at: datetime, status: str, *, client: bool = False) -> None:
        """The agent's change, or the reopening the sync records when the client writes."""
        change = ({"status": self.status}, {"status": status})
        if client:
            reason = {"reason": "the client wrote"}
            self._event(at, "conversation.reopened", change, None, reason)
        else:
            self._event(at, "conversation.updated", change, self.agent.id)
        self.status = status

    def _capped(self, at: datetime) -> datetime:
        """Nothing of the past happens after the demo starts."""
        return min(at, self.story.now - timedelta(minutes=5))

    def client(self, at: datetime, text: str) -> None:
        self._message(self._capped(at), text, inbound=True)

    def reply(self, at: datetime, text: str) -> datetime:
        at = self._capped(at)
        self._message(at, text, inbound=False)
        return at

    def promise(self, at: datetime) -> datetime:
        """A promise made with the reply, then kept by the next reply or broken at its time."""
        due = at + timedelta(hours=self.story.rng.randint(2, 6))
        kept = self.story.rng.random() < 0.8
        state = PromiseState.KEPT if kept else PromiseState.BROKEN
        self.promised = (at, due, state.value)
        promised = {"promised_at": due.isoformat()}
        made = (
            {"promised_at": None},
            {**promised, "promise_state": PromiseState.PENDING.value},
        )
        self._event(at, "promise.made", made, self.agent.id)
        answer = at + (due - at) * 0.6 if kept else due + timedelta(hours=1)
        settled = (promised, {**promised, "promise_state": state.value})
        self._event(self._capped(answer if kept else due), f"promise.{state.value}", settled, None)
        return self.reply(answer, self.said["as_promised"])

    def pending(self, at: datetime) -> datetime:
        """Waiting on the client, who answers within a day or so."""
        self._status(at, ConversationStatus.PENDING.value)
        back = self._capped(at + timedelta(hours=self.story.rng.randint(2, 30)))
        self.client(back, self.said["more"])
        self._status(back, ConversationStatus.OPEN.value, client=True)
        return self.reply(back + self.story.wait() / 3, self.said["all_set"])

    def close(self, at: datetime) -> datetime:
        at = self._capped(at)
        self._status(at, ConversationStatus.CLOSED.value)
        return at

    def reopened(self, at: datetime) -> None:
        """The same problem again: the client writes after the close, the team closes again."""
        if at >= self.story.now - timedelta(hours=6):
            return
        self.client(at, self.said["back"])
        self._status(at, ConversationStatus.OPEN.value, client=True)
        later = at + timedelta(minutes=self.story.rng.randint(20, 240))
        answer = self.reply(later, self.said["fixed"])
        self.close(answer + timedelta(minutes=30))

    def row(self, tags: list[str], contact_id: int) -> Conversation:
        dates = [m["date"] for m in self.messages]
        inbound = [m["date"] for m in self.messages if m["direction"] == Direction.INBOUND]
        first_reply = next(m["date"] for m in self.messages if m["direction"] == Direction.OUTBOUND)
        closed_at = max(
            e["created_at"] for e in self.events if e["after"].get("status") == "closed"
        )
        return Conversation(
            workspace_id=self.story.workspace_id,
            mailbox_id=self.story.mailbox_id,
            gmail_thread_id=self.thread,
            subject=self.subject,
            status=ConversationStatus.CLOSED,
            tags=tags,
            assignee_id=self.agent.id,
            contact_id=contact_id,
            message_count=len(self.messages),
            is_unread=False,
            first_message_at=dates[0],
            last_message_at=max(dates),
            last_inbound_at=max(inbound),
            first_response_at=first_reply,
            first_response_seconds=int((first_reply - dates[0]).total_seconds()),
            promised_at=self.promised[1] if self.promised else None,
            promise_state=self.promised[2] if self.promised else None,
            promise_made_at=self.promised[0] if self.promised else None,
            closed_at=closed_at,
            created_at=dates[0],
            updated_at=closed_at,
        )
