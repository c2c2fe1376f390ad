"""The `tandem` command as an operator runs it: real processes, real database, one-line errors."""

import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.cli.workers import tcp_listener
from app.core.migrations import head_revision
from inbox.written_language import text_languages
from tests.conftest import demo_port

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
TANDEM = str(Path(sys.executable).parent / "tandem")


def run(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "TANDEM_DATABASE_URL": database_url, **env}
    environment.pop("TANDEM_SECRET_KEY", None)
    return subprocess.run(
        [TANDEM, *args], capture_output=True, text=True, env=environment, timeout=60, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_bootstrap_prints_a_working_token(database_url: str, client: TestClient) -> None:
    result = run(
        "admin",
        "bootstrap",
        "--workspace",
        "Acme",
        "--email",
        "admin@acme.test",
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert set(created) == {"workspace_id", "user_id", "api_token", "password"}
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['api_token']}"})
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["role"]) == ("admin@acme.test", "admin")


def test_create_user_and_token(database_url: str, client: TestClient) -> None:
    run(
        "admin",
        "bootstrap",
        "--workspace",
        "Acme",
        "--email",
        "admin@acme.test",
        database_url=database_url,
    )
    user = run(
        "admin",
        "create-user",
        "--email",
        "Kim@Acme.test",
        "--name",
        "Kim",
        database_url=database_url,
    )
    assert user.returncode == 0, user.stderr
    assert json.loads(user.stdout)["email"] == "kim@acme.test"
    token = run(
        "admin",
        "create-token",
        "--email",
        "kim@acme.test",
        "--name",
        "cli",
        database_url=database_url,
    )
    assert token.returncode == 0, token.stderr
    headers = {"Authorization": f"Bearer {json.loads(token.stdout)['api_token']}"}
    assert client.get("/api/v1/me", headers=headers).json()["name"] == "Kim"


def test_user_mistakes_are_one_line_errors(database_url: str) -> None:
    run(
        "admin",
        "bootstrap",
        "--workspace",
        "Acme",
        "--email",
        "admin@acme.test",
        database_url=database_url,
    )
    again = run(
        "admin",
        "bootstrap",
        "--workspace",
        "Other",
        "--email",
        "ADMIN@acme.test",
        database_url=database_url,
    )
    assert_one_line_error(again, "already exists")
    nobody = run("admin", "create-token", "--email", "ghost@acme.test", database_url=database_url)
    assert_one_line_error(nobody, "no user with email ghost@acme.test")
    bad_email = run("admin", "create-user", "--email", "kim at acme", database_url=database_url)
    assert_one_line_error(bad_email, "invalid email")


def test_bad_database_url_is_one_line_error() -> None:
    assert_one_line_error(run("migrate", database_url="nonsense"), "TANDEM_DATABASE_URL")
    unreachable = run("migrate", database_url="postgresql+psycopg://u@127.0.0.1:1/none")
    assert_one_line_error(unreachable, "cannot connect to database")


def test_serve_without_secret_key_names_the_setting(tmp_path: Path) -> None:
    result = run("serve", database_url=f"sqlite:///{tmp_path}/t.db")
    assert_one_line_error(result, "TANDEM_SECRET_KEY is not set")


def test_migrate_reports_the_revision(tmp_path: Path) -> None:
    result = run("migrate", database_url=f"sqlite:///{tmp_path}/new.db")
    assert result.returncode == 0, result.stderr
    assert f"revision {head_revision()}" in result.stdout


def test_version_is_the_distributions() -> None:
    """What an operator checks before and after an upgrade: the version the package was
    built as, from its metadata."""
    result = run("--version", database_url="sqlite://")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"tandem {version('tandem')}\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("demo", "lang"),
    [(False, None), (True, None), (True, "ru")],
    ids=["serve", "serve-demo", "serve-demo-ru"],
)
def test_serve_migrates_and_answers_health_checks(
    tmp_path: Path, demo: bool, lang: str | None
) -> None:
    port = demo_port()
    env = {**os.environ, "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path}/served.db"}
    env.pop("TANDEM_SECRET_KEY", None)
    if not demo:
        env["TANDEM_SECRET_KEY"] = "a-long-enough-secret-for-tests"
    args = [TANDEM, "serve", "--port", str(port), *(["--demo"] if demo else [])]
    args += ["--lang", lang] if lang else []
    with subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            ready = _wait_ready(f"http://127.0.0.1:{port}")
            assert ready.json()["status"] == "ok"
            if demo:
                assert server.stdout is not None
                banner = server.stdout.readline()
                assert "demo@tandem.test" in banner
                email, password = banner.rsplit("as ", 1)[1].strip().split(" / ")
                _assert_can_sign_in(f"http://127.0.0.1:{port}", email, password)
                agents = server.stdout.readline().split(": ", 1)[1].split(" (")[0].split(", ")
                assert agents == ["anna@tandem.test", "ben@tandem.test", "olga@tandem.test"]
                _assert_can_sign_in(f"http://127.0.0.1:{port}", agents[0], password)
                _assert_demo_mail_is_synced(tmp_path / "served.db")
                _assert_the_team_is_at_work(tmp_path / "served.db")
                _assert_the_team_has_a_past(tmp_path / "served.db")
                base = f"http://127.0.0.1:{port}"
                _assert_the_team_speaks(tmp_path / "served.db", base, agents[0], password, lang)
                _assert_the_clients_write_in(tmp_path / "served.db", lang)
        finally:
            server.terminate()


def _assert_demo_mail_is_synced(database: Path) -> None:
    """The demo mailbox is connected through the in-process emulator and its mail imported."""
    deadline = time.monotonic() + 60
    while True:
        with closing(sqlite3.connect(database)) as connection:
            row = connection.execute("SELECT status, messages_synced FROM mailbox").fetchone()
        if row is not None and row[0] == "connected" and row[1] >= 30:
            return
        assert time.monotonic() < deadline, f"demo mailbox not synced: {row}"
        time.sleep(0.2)


def _assert_the_team_is_at_work(database: Path) -> None:
    """A newcomer sees owners, waiting and snoozed work, notes with mentions and promises."""
    with closing(sqlite3.connect(database)) as connection:
        owners = connection.execute(
            "SELECT DISTINCT u.email FROM conversation c JOIN user u ON u.id = c.assignee_id"
        ).fetchall()
        statuses = {row[0] for row in connection.execute("SELECT status FROM conversation")}
        promised = connection.execute(
            "SELECT count(*) FROM conversation WHERE promise_state = 'pending'"
            " AND promised_at > datetime('now')"
        ).fetchone()[0]
        mentioned = connection.execute(
            "SELECT count(*) FROM notification WHERE kind = 'mention'"
        ).fetchone()[0]
        name = connection.execute("SELECT display_name FROM mailbox").fetchone()[0]
    assert {email for (email,) in owners} == {
        "anna@tandem.test",
        "ben@tandem.test",
        "olga@tandem.test",
    }
    assert {"open", "pending", "snoozed", "closed"} <= statuses
    assert promised >= 2 and mentioned >= 2 and name == "Acme Support"


def _assert_the_team_has_a_past(database: Path) -> None:
    """Sixty days of answered, closed, reopened and promised work for the reports to read."""
    with closing(sqlite3.connect(database)) as connection:
        oldest = connection.execute(
            "SELECT julianday('now') - julianday(min(first_message_at)) FROM conversation"
        ).fetchone()[0]
        actions = dict(
            connection.execute("SELECT action, count(*) FROM audit_event GROUP BY action")
        )
        replies = connection.execute(
            "SELECT count(DISTINCT sent_by_user_id) FROM message WHERE kind = 'reply'"
        ).fetchone()[0]
    assert 59 <= oldest <= 61
    assert actions["conversation.updated"] > 200 and actions["conversation.reopened"] > 20
    assert actions["promise.kept"] > 10 and actions["promise.broken"] > 0
    assert replies == 3


def _assert_the_team_speaks(
    database: Path, base: str, email: str, password: str, lang: str | None
) -> None:
    """`--lang ru`: the agents' pages, the team's zone and its canned replies are Russian; the
    default demo leaves the interface to the (English) browser."""
    with httpx.Client(base_url=base, headers={"Accept-Language": "en-US,en"}) as browser:
        page = browser.get("/login").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        browser.post("/login", data={"email": email, "password": password, "csrf_token": csrf})
        account = browser.get("/account").text
    assert f'<html lang="{lang or "en"}">' in account
    with closing(sqlite3.connect(database)) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM template")}
        zone, language = connection.execute("SELECT timezone, language FROM workspace").fetchone()
    if lang == "ru":
        assert "Взяли в работу" in names and (zone, language) == ("Europe/Moscow", "ru")
    else:
        assert "Got it — we are on it" in names and language == "en"


def _assert_the_clients_write_in(database: Path, lang: str | None) -> None:
    """The Russian demo's clients, current and past, are Russian-named and write in Russian;
    the default demo's mail is bilingual."""
    with closing(sqlite3.connect(database)) as connection:
        mail = connection.execute(
            "SELECT c.subject, m.from_name, m.visible_text FROM message m"
            " JOIN conversation c ON c.id = m.conversation_id WHERE m.direction = 'inbound'"
        ).fetchall()
    written = {
        language for subject, _, text in mail for language in text_languages(f"{subject}\n\n{text}")
    }
    cyrillic = {bool(CYRILLIC.search(subject + name)) for subject, name, _ in mail}
    if lang == "ru":
        assert (written, cyrillic) == ({"ru"}, {True}), "every client writes in Russian"
    else:
        assert (written, cyrillic) == ({"en", "ru"}, {False, True})


def _wait_ready(base: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return httpx.get(f"{base}/readyz")
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def _assert_can_sign_in(base: str, email: str, password: str) -> None:
    with httpx.Client(base_url=base) as browser:
        page = browser.get("/login").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        signed_in = browser.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf}
        )
        assert signed_in.status_code == 303
        assert email in browser.get("/", follow_redirects=True).text


def test_emulator_command_serves_the_demo_mailbox() -> None:
    port = _free_port()
    args = [TANDEM, "emulator", "--port", str(port), "--seed", "demo"]
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as emulator:
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    listed = httpx.get(f"http://127.0.0.1:{port}/_emulator/mailboxes")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the emulator did not start"
                    time.sleep(0.1)
            mailboxes = listed.json()["mailboxes"]
            assert [m["email"] for m in mailboxes] == ["support@acme.test"]
            assert mailboxes[0]["messagesTotal"] >= 30
        finally:
            emulator.terminate()


def test_emulator_refuses_a_seed_that_is_neither_demo_nor_a_folder(tmp_path: Path) -> None:
    result = run("emulator", "--seed", str(tmp_path / "missing"), database_url="sqlite://")
    assert_one_line_error(result, "--seed takes `demo`")


def test_serve_with_workers_answers_from_several_processes(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path}/served.db",
        "TANDEM_SECRET_KEY": "a-long-enough-secret-for-tests",
        "TANDEM_RUN_SCHEDULER": "false",
    }
    args = [TANDEM, "serve", "--port", str(port), "--workers", "2"]
    with subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL) as server:
        try:
            assert _wait_ready(f"http://127.0.0.1:{port}").json()["status"] == "ok"
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                assert all(client.get("/healthz").status_code == 200 for _ in range(20))
        finally:
            server.terminate()
            server.wait(timeout=15)
    refused = subprocess.run(
        [TANDEM, "serve", "--demo", "--workers", "2"], env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "--demo serves from one worker" in refused.stderr
    without_demo = subprocess.run(
        [TANDEM, "serve", "--lang", "ru"], env=env, capture_output=True, text=True
    )
    assert without_demo.returncode != 0 and "--lang is for --demo" in without_demo.stderr


def test_the_workers_listener_turns_nagle_off_for_each_connection() -> None:
    """Otherwise each kept-alive request waits ~40 ms for the client's delayed ACK."""

    async def accepted_nodelay() -> int:
        loop = asyncio.get_running_loop()
        accepted: asyncio.Future[int] = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = tcp_listener("127.0.0.1", 0)
        server = await loop.create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        value = await accepted
        writer.close()
        server.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0
