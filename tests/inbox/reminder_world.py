"""A small world for the timer tests: a team, a mailbox, a client's conversation with one
inbound message (so a closing message has something to answer), and bulk reminders."""

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, insert
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.models import (
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Mailbox,
    Message,
    MessageState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    id_of,
)
from tests.conftest import TEST_SECRET, Member, Team

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SUPPORT = "support@acme.test"
CLIENT = "anna@client.test"


@dataclass
class World:
    admin: Member
    agent: Member
    conversation_id: int

    @property
    def workspace_id(self) -> int:
        return self.admin.workspace_id


def build_world(engine: Engine, team: Team, *, status: str = ConversationStatus.PENDING) -> World:
    admin = team.admin_of_new_workspace("Acme", "admin@acme.test")
    agent = team.member(admin.workspace_id, "olga@acme.test", Role.AGENT)
    with session_scope(engine) as session:
        conversation_id = seed_conversation(session, admin.workspace_id, status=status)
    return World(admin, agent, conversation_id)


def seed_conversation(session: Session, workspace_id: int, *, status: str) -> int:
    mailbox = Mailbox(workspace_id=workspace_id, email=SUPPORT, display_name="Acme Support")
    contact = Contact(workspace_id=workspace_id, email=CLIENT, name="Anna Petrova")
    session.add_all([mailbox, contact])
    session.flush()
    conversation = Conversation(
        workspace_id=workspace_id,
        mailbox_id=id_of(mailbox),
        contact_id=contact.id,
        gmail_thread_id="thread-1",
        subject="Invoice 1042",
        status=status,
        last_inbound_at=T0 - timedelta(days=1),
    )
    session.add(conversation)
    session.flush()
    session.add(
        Message(
            workspace_id=workspace_id,
            conversation_id=id_of(conversation),
            mailbox_id=id_of(mailbox),
            gmail_id="m-1",
            gmail_thread_id="thread-1",
            rfc_message_id="<q1@client.test>",
            from_address=CLIENT,
            from_name="Anna Petrova",
            to=[SUPPORT],
            subject="Invoice 1042",
            date=T0 - timedelta(days=1),
            text_body="Where is my invoice?",
            visible_text="Where is my invoice?",
            direction=Direction.INBOUND,
            state=MessageState.RECEIVED,
        )
    )
    return id_of(conversation)


def add_reminders(
    engine: Engine,
    world: World,
    due_times: list[datetime],
    *,
    user_id: int | None = -1,
    kind: ReminderKind = ReminderKind.CUSTOM,
    created_at: datetime = T0 - timedelta(hours=1),
) -> None:
    """One pending reminder per due time, in one statement; user_id -1 means the agent."""
    rows = [
        {
            "workspace_id": world.workspace_id,
            "conversation_id": world.conversation_id,
            "user_id": world.agent.user_id if user_id == -1 else user_id,
            "created_by_id": world.agent.user_id,
            "kind": kind,
            "state": ReminderState.PENDING,
            "due_at": due,
            "text": f"call back #{index}",
            "created_at": created_at,
        }
        for index, due in enumerate(due_times)
    ]
    with session_scope(engine) as session:
        session.execute(insert(Reminder), rows)


def notifications_per_reminder(engine: Engine) -> Counter[int]:
    with Session(engine) as session:
        rows = session.exec(
            select(Notification.reminder_id, func.count())
            .where(col(Notification.reminder_id).is_not(None))
            .group_by(col(Notification.reminder_id))
        )
        return Counter({reminder_id: count for reminder_id, count in rows if reminder_id})


def reminder_states(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.exec(select(Reminder.state)).all())


SCHEDULER_SCRIPT = """
import sys, time
from app.core.db import get_engine
from app.core.settings import load_settings
from scheduler.runner import TandemScheduler

settings = load_settings(database_url=sys.argv[1], secret_key=sys.argv[2])
TandemScheduler(get_engine(settings.database_url), settings).start()
print("started", flush=True)
time.sleep(3600)
"""


def start_scheduler_process(database_url: str) -> subprocess.Popen[bytes]:
    """The real scheduler (every fixed job) in a process of its own, as `tandem serve` runs it;
    its log goes to the test's captured stderr."""
    return subprocess.Popen(
        [sys.executable, "-c", SCHEDULER_SCRIPT, database_url, TEST_SECRET],
        stdout=subprocess.DEVNULL,
    )
