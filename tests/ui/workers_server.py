"""`tandem serve --workers 2` staged as an operator would (`--demo` serves from one process):
the Gmail emulator alone (`tandem emulator`), a temporary SQLite file migrated and given a
workspace and two agents through the CLI, and the support mailbox connected over the
emulator's OAuth. Replies wait 30 s in their undo window, so a teammate's reply can be caught
queued. Each response names its process (`X-Served-By`)."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import AnyHttpUrl, SecretStr

from app.cli.demo import consent_over_emulator
from app.core.db import get_engine, session_scope
from app.core.models import utcnow
from app.core.settings import Settings
from gmail_sync.connect import start_connection
from gmail_sync.push import push_url
from gmail_sync.sync import sync_mailbox
from tests.conftest import demo_port
from tests.ui.conftest import MAILBOX, Server

TANDEM = str(Path(sys.executable).parent / "tandem")
PASSWORD = "tandem-demo"  # as the demo's agents, so `signed_in` signs them in alike
AGENTS = (("anna@tandem.test", "Anna Petrova"), ("ben@tandem.test", "Ben Carter"))
TOPIC = "projects/tandem-test/topics/gmail"


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stopped:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"did not answer:\n{log.read_text()[-3000:]}")


def _both_workers(url: str, log: Path) -> None:
    """Until two processes have answered (a worker slow to start on a busy machine is killed
    and started again by uvicorn's supervisor), each request on a connection of its own."""
    seen: set[str] = set()
    deadline = time.monotonic() + 90
    while len(seen) < 2:
        if time.monotonic() > deadline:
            raise RuntimeError(f"one worker only ({seen}):\n{log.read_text()[-3000:]}")
        with httpx.Client(timeout=5) as fresh:
            seen.add(fresh.get(url).headers["x-served-by"])
        time.sleep(0.05)


def _cli(env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run([TANDEM, *args], env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout)) if done.stdout.lstrip().startswith("{") else {}


def _connect(settings: Settings, workspace_id: int, admin_id: int) -> None:
    """What an admin does on the mailbox settings page, over the emulator's OAuth."""
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        _, url = start_connection(
            session=session,
            settings=settings,
            workspace_id=workspace_id,
            user_id=admin_id,
            email=MAILBOX,
            now=utcnow(),
        )
    _, mailbox_id = consent_over_emulator(settings=settings, authorize_url=url)
    sync_mailbox(engine=engine, settings=settings, mailbox_id=mailbox_id)


@pytest.fixture(scope="session")
def workers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("workers")
    port = demo_port()
    emulator_url, url = f"http://127.0.0.1:{port + 25}", f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": f"sqlite:///{folder / 'tandem.db'}",
        "TANDEM_SECRET_KEY": "a-long-enough-secret-for-the-two-workers-test",
        "TANDEM_GMAIL_EMULATOR_URL": emulator_url,
        "TANDEM_PUBLIC_URL": url,
        "TANDEM_UNDO_SEND_SECONDS": "30",
        "TANDEM_POLL_INTERVAL_SECONDS": "2",
        "TANDEM_PUSH_TOPIC": TOPIC,
    }
    env.pop("TANDEM_TEST_POSTGRES_URL", None)
    log = folder / "serve.log"
    with log.open("wb") as out:
        emulator = subprocess.Popen(
            [TANDEM, "emulator", "--port", str(port + 25)], env=env, stdout=out, stderr=out
        )
        try:
            _wait(f"{emulator_url}/_emulator/accounts", emulator, log)
            created = _cli(
                env, "admin", "bootstrap", "--workspace", "Acme", "--email", "lead@tandem.test"
            )
            for email, name in AGENTS:
                _cli(
                    env,
                    "admin",
                    "create-user",
                    "--email",
                    email,
                    "--name",
                    name,
                    "--password",
                    PASSWORD,
                )
            server = Server(url, emulator_url)
            httpx.post(
                f"{emulator_url}/_emulator/mailboxes",
                json={"email": MAILBOX, "name": "Acme Support"},
                timeout=10,
            ).raise_for_status()
            settings = Settings(
                database_url=env["TANDEM_DATABASE_URL"],
                secret_key=SecretStr(env["TANDEM_SECRET_KEY"]),
                gmail_emulator_url=AnyHttpUrl(emulator_url),
                public_url=AnyHttpUrl(url),
                push_topic=TOPIC,
                poll_interval_seconds=2,
            )
            subscription = {"topic": TOPIC, "url": push_url(settings), "subscription": "tandem"}
            httpx.post(
                f"{emulator_url}/_emulator/push_subscriptions", json=subscription, timeout=10
            ).raise_for_status()
            _connect(settings, int(str(created["workspace_id"])), int(str(created["user_id"])))
            serving = subprocess.Popen(
                [TANDEM, "serve", "--port", str(port), "--workers", "2"],
                env=env,
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait(f"{url}/healthz", serving, log)
                _both_workers(f"{url}/healthz", log)
                yield server
            finally:
                serving.terminate()
                serving.wait(timeout=15)
        finally:
            emulator.terminate()
            emulator.wait(timeout=15)
