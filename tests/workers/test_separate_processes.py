"""Tandem scaled out as docs/deploy.md runs it: two `tandem serve --no-worker` and two `tandem
worker` processes on one PostgreSQL, 50 connected emulator mailboxes receiving mail while agents
reply and set reminders through both web processes. Every message is stored once, every reply
(the agents' and the automatic acknowledgements) reaches Gmail once, every reminder fires once,
and a SIGKILL of one worker in the middle loses none of it: the other worker takes over its
mailboxes when their leases lapse and the replies it was sending once its lock is gone. Each
worker's /metrics shows the counters moving.

PostgreSQL only (the Makefile leaves tests/workers out of the SQLite run): a team that scales
out runs PostgreSQL, and telling a dead sender from a slow one needs its advisory locks.
"""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import AnyHttpUrl, SecretStr
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.core.models import (
    Conversation,
    Mailbox,
    Message,
    MessageState,
    Notification,
    Reminder,
    ReminderState,
)
from app.core.settings import Settings
from gmail_sync.push import push_url
from tests.gmail_fixtures import free_port

TANDEM = str(Path(sys.executable).parent / "tandem")
SECRET = "a-long-enough-secret-for-the-scale-out-test"
TOPIC = "projects/tandem-test/topics/gmail"
MAILBOXES = [f"support{number}@acme{number}.test" for number in range(50)]
#: Mail per mailbox in each of the two waves.
PER_WAVE = 2
SAMPLE = re.compile(r"^(tandem_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$", re.MULTILINE)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)


def counter(text: str, name: str) -> float:
    """The sum of a counter's samples over all its labels."""
    return sum(float(value) for metric, _, value in SAMPLE.findall(text) if metric == name)


@dataclass
class Cluster:
    """The processes of one deployment, their logs, and what the test asks of them."""

    folder: Path
    env: dict[str, str]
    emulator: str
    processes: dict[str, "subprocess.Popen[bytes]"] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> None:
        with (self.folder / f"{name}.log").open("wb") as log:
            self.processes[name] = subprocess.Popen(
                [TANDEM, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def web(self, name: str, port: int) -> None:
        self.start(name, "serve", "--no-worker", "--port", str(port))
        self.urls[name] = f"http://127.0.0.1:{port}"
        self.wait_answering(name, f"{self.urls[name]}/healthz")

    def worker(self, name: str, metrics_port: int) -> None:
        self.start(name, "worker", "--metrics-port", str(metrics_port))
        self.urls[name] = f"http://127.0.0.1:{metrics_port}"
        self.wait_answering(name, self.metrics_url(name))

    def metrics_url(self, name: str) -> str:
        return f"{self.urls[name]}/metrics"

    def wait_answering(self, name: str, url: str) -> None:
        def answers() -> bool:
            assert self.processes[name].poll() is None, self.log(name)
            try:
                return httpx.get(url, timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(answers, f"{name} to answer", timeout=60)

    def metrics(self, name: str) -> str:
        return httpx.get(self.metrics_url(name), timeout=10).text

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def cluster(database_url: str, emulator_url: str, tmp_path: Path) -> Iterator[Cluster]:
    web_port = free_port()
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_SECRET_KEY": SECRET,
        "TANDEM_GMAIL_EMULATOR_URL": emulator_url,
        "TANDEM_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        "TANDEM_PUSH_TOPIC": TOPIC,
        "TANDEM_POLL_INTERVAL_SECONDS": "30",
        "TANDEM_SYNC_LEASE_SECONDS": "5",
        "TANDEM_UNDO_SEND_SECONDS": "1",
        "TANDEM_LOG_LEVEL": "WARNING",
        "OAUTHLIB_INSECURE_TRANSPORT": "1",
    }
    deployment = Cluster(tmp_path, env, emulator_url)
    settings = Settings(
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        public_url=AnyHttpUrl(env["TANDEM_PUBLIC_URL"]),
        push_topic=TOPIC,
    )
    httpx.post(
        f"{emulator_url}/_emulator/push_subscriptions",
        json={"topic": TOPIC, "url": push_url(settings)},
    ).raise_for_status()
    try:
        deployment.web("web1", web_port)
        deployment.web("web2", free_port())
        yield deployment
    finally:
        deployment.stop()


def bootstrap(cluster: Cluster) -> dict[str, str]:
    done = subprocess.run(
        [TANDEM, "admin", "bootstrap", "--workspace", "Acme", "--email", "lead@acme.test"],
        env=cluster.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {"Authorization": f"Bearer {json.loads(done.stdout)['api_token']}"}


def connect(cluster: Cluster, web: str, headers: dict[str, str], email: str) -> None:
    """What an admin does on the mailbox settings page, on one of the web processes."""
    httpx.post(f"{cluster.emulator}/_emulator/mailboxes", json={"email": email}).raise_for_status()
    created = httpx.post(
        f"{cluster.urls[web]}/api/v1/mailboxes", json={"email": email}, headers=headers
    )
    assert created.status_code == 201, created.text
    consent = httpx.get(created.json()["authorize_url"], follow_redirects=False)
    landed = urlsplit(consent.headers["location"])
    httpx.get(f"{cluster.urls[web]}{landed.path}?{landed.query}").raise_for_status()


def deliver(cluster: Cluster, mailbox: str, number: int) -> str:
    """New mail from a client of the mailbox's (each its own thread); its Gmail id."""
    message = EmailMessage()
    message["From"] = f"Client {number} <client{number}@example.test>"
    message["To"] = mailbox
    message["Subject"] = f"Order {number} has not arrived"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<order{number}@example.test>"
    message.set_content(f"Hello, my order number {number} has not arrived yet.")
    answer = httpx.post(
        f"{cluster.emulator}/_emulator/mailboxes/{mailbox}/messages",
        content=message.as_bytes(),
        headers={"Content-Type": "message/rfc822"},
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def stored(engine: Engine) -> Counter[str]:
    """How many rows each inbound Gmail message became."""
    with Session(engine) as session:
        ids = session.exec(
            select(Message.gmail_id).where(col(Message.from_address).like("client%"))
        ).all()
    return Counter(str(gmail_id) for gmail_id in ids)


def outgoing_states(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        states = session.exec(
            select(Message.state).where(col(Message.state) != MessageState.RECEIVED)
        ).all()
    return Counter(str(state) for state in states)


def sent_message_ids(cluster: Cluster) -> Counter[str]:
    """The Message-ID (without its brackets, as Tandem stores it) of every mail the 50
    mailboxes sent, as Gmail holds them."""
    found: Counter[str] = Counter()
    for mailbox in MAILBOXES:
        sent = httpx.get(f"{cluster.emulator}/_emulator/mailboxes/{mailbox}/sent").json()
        for item in sent["messages"]:
            raw = base64.urlsafe_b64decode(item["raw"] + "=" * (-len(item["raw"]) % 4))
            found[str(BytesHeaderParser().parsebytes(raw)["Message-ID"]).strip("<>")] += 1
    return found


def in_seconds(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def conversation_ids(engine: Engine, count: int) -> list[int]:
    with Session(engine) as session:
        ids = session.exec(select(Conversation.id).order_by(col(Conversation.id)).limit(count))
        return [int(conversation_id) for conversation_id in ids if conversation_id is not None]


def test_two_web_processes_and_two_workers_do_everything_once_and_survive_a_kill(
    cluster: Cluster, engine: Engine
) -> None:
    headers = bootstrap(cluster)
    for number, mailbox in enumerate(MAILBOXES):
        connect(cluster, "web1" if number % 2 else "web2", headers, mailbox)
    cluster.worker("worker1", free_port())
    cluster.worker("worker2", free_port())

    def all_synced() -> bool:
        with Session(engine) as session:
            waiting = session.exec(
                select(func.count()).where(col(Mailbox.last_synced_at).is_(None))
            ).one()
        return waiting == 0

    wait_until(all_synced, "the first sync of every mailbox")

    delivered = [
        deliver(cluster, mailbox, number * len(MAILBOXES) + index)
        for number in range(PER_WAVE)
        for index, mailbox in enumerate(MAILBOXES)
    ]
    wait_until(lambda: set(stored(engine)) >= set(delivered), "the first wave in the inbox")

    conversations = conversation_ids(engine, 30)
    replies, reminders = [], []
    for number, conversation_id in enumerate(conversations):
        web = cluster.urls["web1" if number % 2 else "web2"]
        answer = httpx.post(
            f"{web}/api/v1/conversations/{conversation_id}/reply",
            json={"body_text": f"We are on it (#{number})."},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        replies.append(answer.json()["id"])
        reminder = httpx.post(
            f"{web}/api/v1/conversations/{conversation_id}/reminders",
            json={"due_at": in_seconds(8), "text": f"Check order #{number}"},
            headers=headers,
        )
        assert reminder.status_code == 201, reminder.text
        reminders.append(reminder.json()["id"])

    before = cluster.metrics("worker2")
    for number in range(PER_WAVE):
        if number == PER_WAVE // 2:  # in the middle of the wave, with replies going out
            cluster.processes["worker1"].send_signal(signal.SIGKILL)
        delivered += [
            deliver(cluster, mailbox, (PER_WAVE + number) * len(MAILBOXES) + index)
            for index, mailbox in enumerate(MAILBOXES)
        ]
    assert cluster.processes["worker1"].wait(timeout=10) == -signal.SIGKILL

    wait_until(lambda: set(stored(engine)) >= set(delivered), "every message in the inbox")

    def outbox_settled() -> bool:
        states = outgoing_states(engine)
        return bool(states) and set(states) == {MessageState.SENT}

    wait_until(outbox_settled, "every reply sent")

    def reminders_fired() -> bool:
        with Session(engine) as session:
            states = session.exec(
                select(Reminder.state).where(col(Reminder.id).in_(reminders))
            ).all()
        return set(states) == {ReminderState.FIRED}

    wait_until(reminders_fired, "every reminder fired")
    time.sleep(2)  # a late duplicate would show up here

    copies = stored(engine)
    assert set(copies) == set(delivered) and set(copies.values()) == {1}
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Conversation)).one() == len(delivered)
        rfc_ids = session.exec(
            select(Message.rfc_message_id).where(col(Message.state) == MessageState.SENT)
        ).all()
        notified = session.exec(
            select(Notification.reminder_id, func.count())
            .where(col(Notification.reminder_id).in_(reminders))
            .group_by(col(Notification.reminder_id))
        ).all()
    sent = sent_message_ids(cluster)
    assert set(sent.values()) == {1}
    assert set(sent) == {str(rfc_id) for rfc_id in rfc_ids}
    assert len(rfc_ids) >= len(replies)
    assert sorted(notified) == sorted((reminder_id, 1) for reminder_id in reminders)

    after = cluster.metrics("worker2")
    assert counter(after, "tandem_messages_synced_total") > counter(
        before, "tandem_messages_synced_total"
    )
    assert counter(after, "tandem_sync_runs_total") > counter(before, "tandem_sync_runs_total")
    assert counter(after, "tandem_gmail_quota_units_total") > counter(
        before, "tandem_gmail_quota_units_total"
    )
    assert 'tandem_queue_depth{queue="replies"} 0.0' in after
    web_metrics = httpx.get(f"{cluster.urls['web1']}/metrics").text
    assert counter(web_metrics, "tandem_http_requests_total") > 0
    for name in ("web1", "web2", "worker2"):
        assert cluster.processes[name].poll() is None, cluster.log(name)
