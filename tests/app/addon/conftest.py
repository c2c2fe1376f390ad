"""Google's side of the add-on, played locally: a key pair whose certificate a local HTTP server
serves as Google's signing certificates, ID tokens signed with it, and event objects shaped as
Google documents them. Tandem's verifier fetches the certificates over HTTP, as in production.
"""

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from google.auth import crypt, jwt
from pydantic import AnyHttpUrl
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Contact, Conversation, Mailbox, Message, id_of
from app.core.settings import Settings
from app.main import create_app
from tests.conftest import Member, Team

PUBLIC_URL = "https://tandem.test"
SERVICE_ACCOUNT = "service-123456789@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
CARD_SCHEMA = json.loads((Path(__file__).parent / "card_schema.json").read_text())
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Certs(BaseHTTPRequestHandler):
    certs: bytes = b"{}"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.certs)

    def log_message(self, *args: Any) -> None:
        return


def _key_pair(name: str) -> tuple[crypt.RSASigner, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = crypt.RSASigner.from_string(private, key_id=name)
    return signer, cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class GoogleKeys:
    signer: crypt.RSASigner
    stranger: crypt.RSASigner
    certs_url: str


@pytest.fixture(scope="session")
def google_keys() -> Iterator[GoogleKeys]:
    """Google's key (its certificate served) and a stranger's (never served)."""
    signer, pem = _key_pair("google-k1")
    stranger, _ = _key_pair("google-k1")
    handler = type("Certs", (_Certs,), {"certs": json.dumps({"google-k1": pem}).encode()})
    server = HTTPServer(("127.0.0.1", _free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    yield GoogleKeys(signer, stranger, f"http://127.0.0.1:{port}/oauth2/v1/certs")
    server.shutdown()
    server.server_close()


@dataclass
class Google:
    """Posts event objects to Tandem as Google would, signed with Google's key."""

    client: TestClient
    keys: GoogleKeys
    user_email: str = "agent@acme.test"
    sent: list[dict[str, Any]] = field(default_factory=list)

    def token(self, signer: crypt.RSASigner | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": "https://accounts.google.com",
            "email_verified": True,
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(signer or self.keys.signer, payload).decode()

    def system_token(self, path: str, **claims: Any) -> str:
        return self.token(**{"aud": PUBLIC_URL + path, "email": SERVICE_ACCOUNT, **claims})

    def user_token(self, email: str | None = None, **claims: Any) -> str:
        return self.token(
            **{"aud": "tandem-addon-client", "email": email or self.user_email, **claims}
        )

    def event(
        self,
        *,
        thread_id: str | None = None,
        message_id: str | None = None,
        parameters: dict[str, str] | None = None,
        inputs: dict[str, Any] | None = None,
        user_token: str | None = None,
        draft: dict[str, list[str]] | None = None,
        locale: str = "en",
    ) -> dict[str, Any]:
        """An event object as documented: commonEventObject, authorizationEventObject, gmail."""
        common: dict[str, Any] = {
            "hostApp": "GMAIL",
            "platform": "WEB",
            "userLocale": locale,
            "timeZone": {"id": "Europe/Berlin", "offset": 3_600_000},
        }
        if parameters:
            common["parameters"] = parameters
        if inputs:
            common["formInputs"] = inputs
        event: dict[str, Any] = {
            "commonEventObject": common,
            "authorizationEventObject": {
                "userOAuthToken": "ya29.user-oauth-token",
                "userIdToken": user_token if user_token is not None else self.user_token(),
            },
        }
        if thread_id is not None:
            event["gmail"] = {
                "messageId": message_id or f"msg-{thread_id}",
                "threadId": thread_id,
                "accessToken": "ya29.gmail-access-token",
                **(draft or {}),
            }
        return event

    def post(self, path: str, event: Any, *, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.system_token(path)}"}
        return self.client.post(path, json=event, headers=headers)


@pytest.fixture
def addon_settings(settings: Settings, google_keys: GoogleKeys) -> Settings:
    return settings.model_copy(
        update={
            "public_url": AnyHttpUrl(PUBLIC_URL),
            "addon_service_account": SERVICE_ACCOUNT,
            "addon_oauth_client_id": "tandem-addon-client",
            "addon_certs_url": AnyHttpUrl(google_keys.certs_url),
        }
    )


@pytest.fixture
def google(addon_settings: Settings, google_keys: GoogleKeys) -> Iterator[Google]:
    with TestClient(create_app(addon_settings)) as client:
        yield Google(client, google_keys)


def assert_card_response(answer: httpx.Response) -> dict[str, Any]:
    """200 and a body that validates against the card schema; returns the body."""
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    errors = [error.message for error in jsonschema_rs.validator_for(CARD_SCHEMA).iter_errors(body)]
    assert not errors, errors
    return body


def shown_card(body: dict[str, Any]) -> dict[str, Any]:
    """The card a response pushes or puts in place."""
    action = body.get("action") or body["renderActions"]["action"]
    navigation = action["navigations"][0]
    card: dict[str, Any] = navigation.get("pushCard") or navigation["updateCard"]
    return card


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


@dataclass
class Desk:
    """A workspace with two agents, a connected mailbox and one conversation with a Cc."""

    agent: Member
    teammate: Member
    mailbox_id: int
    conversation_id: int
    thread_id: str = "thread-1"


def seed_conversation(
    engine: Engine, member: Member, *, thread_id: str, subject: str, mailbox_email: str
) -> tuple[int, int]:
    """A mailbox and a conversation whose client wrote with a colleague in Cc: (mailbox, conv)."""
    with session_scope(engine) as session:
        mailbox = Mailbox(
            workspace_id=member.workspace_id,
            email=mailbox_email,
            credentials_encrypted="sealed",
        )
        session.add(mailbox)
        session.flush()
        contact = Contact(workspace_id=member.workspace_id, email="olga@client.test", name="Olga")
        session.add(contact)
        session.flush()
        conversation = Conversation(
            workspace_id=member.workspace_id,
            mailbox_id=id_of(mailbox),
            gmail_thread_id=thread_id,
            subject=subject,
            contact_id=contact.id,
            priority="high",
            last_message_at=START,
            sla_due_at=START + timedelta(hours=2),
        )
        session.add(conversation)
        session.flush()
        session.add(
            Message(
                workspace_id=member.workspace_id,
                conversation_id=id_of(conversation),
                mailbox_id=id_of(mailbox),
                gmail_id=f"msg-{thread_id}",
                gmail_thread_id=thread_id,
                rfc_message_id=f"{thread_id}@client.test",
                from_address="olga@client.test",
                from_name="Olga Smirnova",
                to=[mailbox_email],
                cc=["Boris <boris@client.test>"],
                subject=subject,
                date=START,
                text_body="Could you resend the October invoice?",
                visible_text="Could you resend the October invoice?",
            )
        )
        return id_of(mailbox), id_of(conversation)


@pytest.fixture
def desk(team: Team, engine: Engine) -> Desk:
    workspace = team.workspace("Acme")
    agent = team.member(workspace, "agent@acme.test")
    teammate = team.member(workspace, "anna@acme.test")
    mailbox_id, conversation_id = seed_conversation(
        engine,
        agent,
        thread_id="thread-1",
        subject="Invoice for October",
        mailbox_email="support@acme.test",
    )
    return Desk(agent, teammate, mailbox_id, conversation_id)
