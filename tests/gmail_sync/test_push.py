"""Push and polling: new mail reaches Tandem through a Pub/Sub push (or the poll, without one),
and only pushes that prove they come from Google change anything."""

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from google.auth import crypt, jwt
from pydantic import AnyHttpUrl
from sqlalchemy import Engine

from app.core.settings import Settings
from app.main import create_app
from gmail_sync.push import push_url
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import deliver, path_of, stored_mailbox, stored_messages

SUPPORT = "support@acme.test"
TOPIC = "projects/tandem-test/topics/gmail"


def push_body(email: str, history_id: int) -> dict[str, Any]:
    data = base64.b64encode(json.dumps({"emailAddress": email, "historyId": history_id}).encode())
    return {"message": {"data": data.decode(), "messageId": "1"}, "subscription": "s"}


@pytest.fixture
def served() -> Iterator[Callable[[Settings], Any]]:
    """Serves Tandem for real (uvicorn, scheduler on) so the emulator can push to it."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []
    clients: list[httpx.Client] = []

    def serve(settings: Settings) -> Any:
        port = int(str(settings.public_url.port))
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "Tandem did not start"
            time.sleep(0.02)
        servers.append((server, thread))
        clients.append(httpx.Client(base_url=str(settings.public_url).rstrip("/")))
        return clients[-1]

    yield serve
    for client in clients:
        client.close()
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_settings(settings: Settings, emulator_url: str, free_port: Callable[[], int]) -> Settings:
    return settings.model_copy(
        update={
            "gmail_emulator_url": AnyHttpUrl(emulator_url),
            "public_url": AnyHttpUrl(f"http://127.0.0.1:{free_port()}"),
            "run_scheduler": True,
            "gmail_retry_base_seconds": 0.001,
        }
    )


def connect_live(tandem: httpx.Client, admin: Member, control: httpx.Client) -> int:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    created = tandem.post("/api/v1/mailboxes", json={"email": SUPPORT}, headers=admin.headers)
    consent = httpx.get(created.json()["authorize_url"], follow_redirects=False)
    assert tandem.get(path_of(consent.headers["location"])).status_code == 200
    return int(created.json()["id"])


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_pushed_mail_is_synced_at_once(
    admin: Member,
    engine: Engine,
    live_settings: Settings,
    served: Any,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    settings = live_settings.model_copy(update={"push_topic": TOPIC, "poll_interval_seconds": 3600})
    control.post("/_emulator/push_subscriptions", json={"topic": TOPIC, "url": push_url(settings)})
    tandem = served(settings)
    mailbox_id = connect_live(tandem, admin, control)
    wait_for(lambda: stored_mailbox(engine, mailbox_id).last_synced_at is not None)
    assert stored_mailbox(engine, mailbox_id).watch_expires_at is not None
    raw = make_mail("Urgent", "Site is down", sender="c@client.test", date=datetime.now(UTC))
    delivered = deliver(control, SUPPORT, raw)
    wait_for(lambda: delivered["id"] in {m.gmail_id for m in stored_messages(engine, mailbox_id)})
    status = tandem.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert status["sync"]["messages_synced"] == 1
    inbox = tandem.get("/api/v1/conversations", headers=admin.headers).json()["items"]
    assert [item["subject"] for item in inbox] == ["Urgent"]
    timeline = tandem.get(f"/api/v1/conversations/{inbox[0]['id']}", headers=admin.headers).json()
    assert timeline["messages"][0]["text"] == "Site is down"
    assert timeline["messages"][0]["from"] == "c@client.test"


def test_polling_alone_finds_new_mail(
    admin: Member,
    engine: Engine,
    live_settings: Settings,
    served: Any,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    tandem = served(live_settings.model_copy(update={"poll_interval_seconds": 1}))
    mailbox_id = connect_live(tandem, admin, control)
    wait_for(lambda: stored_mailbox(engine, mailbox_id).last_synced_at is not None)
    raw = make_mail("Polled", "No push here", sender="c@client.test", date=datetime.now(UTC))
    deliver(control, SUPPORT, raw)

    def visible_in_inbox() -> bool:
        inbox = tandem.get("/api/v1/conversations", headers=admin.headers).json()["items"]
        return [item["subject"] for item in inbox] == ["Polled"]

    wait_for(visible_in_inbox)


@pytest.fixture
def push_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def test_pushes_without_the_right_token_are_401_and_change_nothing(
    push_client: TestClient, settings: Settings
) -> None:
    body = push_body(SUPPORT, 10)
    assert push_client.post("/gmail/push", json=body).status_code == 401
    assert push_client.post("/gmail/push?token=guess", json=body).status_code == 401
    token = push_url(settings).split("token=")[1]
    assert push_client.post(f"/gmail/push?token={token}", json=body).status_code == 204
    garbage = push_client.post(f"/gmail/push?token={token}", content=b"{}")
    assert garbage.status_code == 422


class _Certs(BaseHTTPRequestHandler):
    """Serves Google-style signing certificates {kid: PEM} for the verifier to fetch."""

    certs: bytes = b"{}"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.certs)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def google_signer(free_port: Callable[[], int]) -> Iterator[tuple[crypt.RSASigner, str]]:
    """A local key pair standing in for Google's, with its certificate served over HTTP."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push-test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    handler = type("Certs", (_Certs,), {"certs": json.dumps({"k1": pem}).encode()})
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    yield crypt.RSASigner.from_string(private, key_id="k1"), f"http://127.0.0.1:{port}/certs"
    server.shutdown()
    server.server_close()


def test_signed_pushes_are_checked_for_audience_and_sender(
    settings: Settings, google_signer: tuple[crypt.RSASigner, str]
) -> None:
    signer, certs_url = google_signer
    audience, sender = "https://tandem.test/gmail/push", "push@tandem-test.iam.gserviceaccount.com"
    oidc = settings.model_copy(
        update={
            "push_oidc_audience": audience,
            "push_oidc_email": sender,
            "push_oidc_certs_url": AnyHttpUrl(certs_url),
        }
    )

    def token(**claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": "https://accounts.google.com",
            "aud": audience,
            "email": sender,
            "email_verified": True,
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(signer, payload).decode()

    body = push_body(SUPPORT, 10)
    with TestClient(create_app(oidc)) as client:

        def push(bearer: str) -> int:
            return client.post(
                "/gmail/push", json=body, headers={"Authorization": f"Bearer {bearer}"}
            ).status_code

        assert push(token()) == 204
        assert push(token(aud="https://elsewhere.test")) == 401
        assert push(token(email="someone@evil.test")) == 401
        assert push(token(iss="https://evil.test")) == 401
        assert client.post("/gmail/push", json=body).status_code == 401
