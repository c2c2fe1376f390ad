"""A week of a support team's work with known answers, for the report tests.

The team works in Moscow (UTC+3, no DST), 09:00-18:00 Monday to Friday; Wednesday 25 November
2026 is a holiday. The report week is Monday 23 to Sunday 29 November. Status changes, promises
and their outcomes go through the product's own functions with their `now`; messages and the
client's reopening are stored as the sync stores them.

    B  Mon 23 10:00 in; Bob replies 11:00, sets pending 11:00; the client writes Tue 24 10:00
       (reopened out of pending: no repeat); Bob replies and closes Tue 12:00.
    D  Mon 23 09:00 in (client Yulia); Ann replies 09:30, closes 10:00; Yulia writes Wed 25
       12:00 (the holiday): reopened out of closed, a repeat; Ann promises Wed 12:30 a reply by
       Thu 12:00, replies Thu 26 09:15 (kept) and closes 09:30.
    A  Tue 24 17:00 in, tagged billing; Ann replies Thu 26 10:00 (over the holiday), closes 11:00.
    F  Fri 20 10:00 in (client Oleg, "Invoice not paid"), Bob replies 11:00 and closes 12:00:
       before the week.
    E  Tue 24 10:00 in (Oleg again, "Invoice still not paid", within 7 days of F: the sync
       links it to F, a repeat); acknowledged automatically
       10:00:05; Bob promises 10:30 a reply by 10:45, breaks it (10:50), replies 11:00. Open.
    C  Fri 27 17:00 in; Ann replies Mon 30 10:00 (over the weekend, after the week) and closes
       it then: open at the week's end.
    G  Sat 28 12:00 in, a second mailbox; never answered.
    H  Thu 26 in: a newsletter (automated), in no figure.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.models import (
    AuditEvent,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Mailbox,
    Message,
    MessageKind,
    MessageState,
    SlaPolicy,
    User,
    Workspace,
    id_of,
)
from gmail_sync.ingest import Ingested
from gmail_sync.sync import SyncReport
from inbox.changes import change_conversation
from inbox.promises import break_lapsed_promises, make_promise, replies_sent
from inbox.repeat_requests import link_repeat_requests
from inbox.sla_policy import SlaPolicyIn, save_policy
from tests.conftest import Member, Team

MSK = timezone(timedelta(hours=3))


def msk(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=MSK)


@dataclass
class History:
    ann: Member
    bob: Member
    second_mailbox: int
    conversations: dict[str, int]


class Builder:
    def __init__(self, engine: Engine, workspace_id: int) -> None:
        self.engine, self.workspace_id = engine, workspace_id
        self.mailboxes: list[int] = []
        self.conversations: dict[str, int] = {}
        self.contacts: dict[str, int] = {}
        self.counter = 0
        self.first_messages: dict[str, int] = {}

    def mailbox(self, email: str) -> int:
        with session_scope(self.engine) as session:
            box = Mailbox(workspace_id=self.workspace_id, email=email)
            session.add(box)
            session.flush()
            self.mailboxes.append(id_of(box))
            return id_of(box)

    def contact(self, email: str) -> int:
        with session_scope(self.engine) as session:
            contact = Contact(workspace_id=self.workspace_id, email=email)
            session.add(contact)
            session.flush()
            self.contacts[email] = id_of(contact)
            return id_of(contact)

    def begin(self, name: str, at: datetime, **fields: object) -> int:
        """A conversation whose first message, from its client, arrives at `at`."""
        contact = str(fields.pop("client", f"{name.lower()}@client.test"))
        contact_id = self.contacts.get(contact) or self.contact(contact)
        with session_scope(self.engine) as session:
            conversation = Conversation(
                workspace_id=self.workspace_id,
                mailbox_id=int(str(fields.pop("mailbox_id", self.mailboxes[0]))),
                gmail_thread_id=f"t-{name}",
                subject=str(fields.pop("subject", f"Conversation {name}")),
                contact_id=contact_id,
                first_message_at=at,
                created_at=at,
                **fields,
            )
            session.add(conversation)
            session.flush()
            self.conversations[name] = id_of(conversation)
        automated = "newsletter" if fields.get("automated") else None
        self.first_messages[name] = self.write_in(name, at, automated=automated)
        return self.conversations[name]

    def sync_links_repeats(self, name: str) -> None:
        """The sync's step that links a repeat request, run on the conversation's first message
        as if this sync run had just stored it."""
        mail = Ingested(self.first_messages[name], self.conversations[name], True, True)
        with session_scope(self.engine) as session:
            conversation = session.get(Conversation, self.conversations[name])
            assert conversation is not None
            report = SyncReport(conversation.mailbox_id, ingested=[mail])
            link_repeat_requests(session, report)

    def _message(self, session: Session, name: str, at: datetime, **fields: object) -> Message:
        conversation = session.get(Conversation, self.conversations[name])
        assert conversation is not None
        self.counter += 1
        message = Message(
            workspace_id=self.workspace_id,
            conversation_id=id_of(conversation),
            mailbox_id=conversation.mailbox_id,
            gmail_id=f"g{self.counter}",
            date=at,
            created_at=at,
            **fields,
        )
        session.add(message)
        session.flush()
        return message

    def write_in(self, name: str, at: datetime, automated: str | None = None) -> int:
        with session_scope(self.engine) as session:
            message = self._message(
                session, name, at, direction=Direction.INBOUND, automated=automated
            )
            return id_of(message)

    def reply(self, name: str, by: Member, at: datetime, kind: str = MessageKind.REPLY) -> None:
        """A reply the team sent through Tandem; the SLA clock and promises settle as sending
        settles them."""
        with session_scope(self.engine) as session:
            message = self._message(
                session,
                name,
                at,
                direction=Direction.OUTBOUND,
                kind=kind,
                state=MessageState.SENT,
                sent_by_user_id=by.user_id if kind == MessageKind.REPLY else None,
            )
            replies_sent(session, message_ids=[id_of(message)], now=at)

    def status(self, name: str, by: Member, status: str, at: datetime) -> None:
        with session_scope(self.engine) as session:
            conversation = session.get(Conversation, self.conversations[name])
            actor = session.get(User, by.user_id)
            assert conversation is not None and actor is not None
            change_conversation(
                session=session,
                conversation=conversation,
                actor=actor,
                changes={"status": status},
                now=at,
            )

    def client_reopens(self, name: str, at: datetime) -> None:
        """The client's mail, and the reopening the sync records with it."""
        self.write_in(name, at)
        with session_scope(self.engine) as session:
            conversation = session.get(Conversation, self.conversations[name])
            assert conversation is not None
            session.add(
                AuditEvent(
                    workspace_id=self.workspace_id,
                    conversation_id=conversation.id,
                    action="conversation.reopened",
                    before={"status": conversation.status},
                    after={"status": ConversationStatus.OPEN},
                    details={"reason": "the client wrote"},
                    created_at=at,
                )
            )
            conversation.status = ConversationStatus.OPEN
            conversation.closed_at = None
            session.add(conversation)

    def promise(self, name: str, by: Member, due: datetime, at: datetime) -> None:
        with session_scope(self.engine) as session:
            conversation = session.get(Conversation, self.conversations[name])
            user = session.get(User, by.user_id)
            assert conversation is not None and user is not None
            make_promise(session, conversation=conversation, user=user, due_at=due, now=at)


def build_history(engine: Engine, team: Team, admin: Member) -> History:
    workspace_id = admin.workspace_id
    with session_scope(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        workspace.timezone = "Europe/Moscow"
        session.add(workspace)
        session.add(
            SlaPolicy(
                workspace_id=workspace_id,
                timezone="Europe/Moscow",
                business_hours={
                    day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
                },
                holidays=["2026-11-25"],
            )
        )
    ann = team.member(workspace_id, "ann@acme.test")
    bob = team.member(workspace_id, "bob@acme.test")
    for member, name in ((ann, "Анна Петрова"), (bob, "Bob Stone")):
        with session_scope(engine) as session:
            user = session.get(User, member.user_id)
            assert user is not None
            user.name = name
            session.add(user)
    world = Builder(engine, workspace_id)
    world.mailbox("support@acme.test")
    second = world.mailbox("sales@acme.test")

    oleg = {"client": "oleg@client.test", "assignee_id": bob.user_id}
    world.begin("F", msk(20, 10), subject="Invoice not paid", **oleg)
    world.reply("F", bob, msk(20, 11))
    world.status("F", bob, "closed", msk(20, 12))

    world.begin("D", msk(23, 9), client="yulia@client.test")
    world.reply("D", ann, msk(23, 9, 30))
    world.status("D", ann, "closed", msk(23, 10))

    world.begin("B", msk(23, 10), assignee_id=bob.user_id)
    world.reply("B", bob, msk(23, 11))
    world.status("B", bob, "pending", msk(23, 11))

    world.begin("E", msk(24, 10), subject="Invoice still not paid", **oleg)
    world.sync_links_repeats("E")
    world.reply("E", bob, msk(24, 10, 0, 5), kind=MessageKind.AUTO_ACK)
    world.client_reopens("B", msk(24, 10))
    world.promise("E", bob, msk(24, 10, 45), msk(24, 10, 30))
    break_lapsed_promises(engine, msk(24, 10, 50))
    world.reply("E", bob, msk(24, 11))
    world.reply("B", bob, msk(24, 12))
    world.status("B", bob, "closed", msk(24, 12))

    world.begin("A", msk(24, 17), tags=["billing"])
    world.client_reopens("D", msk(25, 12))
    world.promise("D", ann, msk(26, 12), msk(25, 12, 30))
    world.reply("D", ann, msk(26, 9, 15))
    world.status("D", ann, "closed", msk(26, 9, 30))
    world.reply("A", ann, msk(26, 10))
    world.status("A", ann, "closed", msk(26, 11))
    world.begin("H", msk(26, 8), automated=True)

    world.begin("C", msk(27, 17))
    world.begin("G", msk(28, 12), mailbox_id=second)
    world.reply("C", ann, msk(30, 10))
    world.status("C", ann, "closed", msk(30, 10, 5))
    return History(ann=ann, bob=bob, second_mailbox=second, conversations=world.conversations)


def without_the_holiday(engine: Engine, admin: Member, now: datetime) -> None:
    """The history's calendar with Wednesday the 25th a working day again, as an admin saves
    it."""
    with session_scope(engine) as session:
        save_policy(
            session=session,
            workspace_id=admin.workspace_id,
            actor_id=admin.user_id,
            body=SlaPolicyIn(
                timezone="Europe/Moscow",
                business_hours={
                    day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
                },
                first_response_minutes=120,
                next_response_minutes=240,
                max_response_minutes=1440,
            ),
            now=now,
        )
