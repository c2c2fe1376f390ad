"""`tandem serve --demo`: a team a new user can sign in to at once, with a real-looking support
mailbox served by the Gmail emulator in-process, connected over OAuth and synced like a real one.

Idempotent: starting the demo again reuses the workspace, the emulator's state file and the
connection (the emulator keeps the tokens it issued), and only resets the demo password.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import AnyHttpUrl, SecretStr
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app.cli.demo_history import seed_history
from app.cli.demo_inbox import stage_demo_inbox
from app.cli.demo_language import speak
from app.core.accounts import create_user, create_workspace, hash_password
from app.core.db import get_engine, session_scope
from app.core.models import Mailbox, Role, User, Workspace, id_of, utcnow
from app.core.settings import DEMO_SECRET_KEY, Settings
from gmail_emulator import BackgroundEmulator
from gmail_sync.connect import claim_connection, finish_connection, start_connection
from gmail_sync.push import push_url
from gmail_sync.sync import sync_mailbox

DEMO_WORKSPACE = "Acme Support (demo)"
DEMO_ADMIN = "demo@tandem.test"
DEMO_ADMIN_NAME = "Demo Admin"
DEMO_AGENTS = (
    ("anna@tandem.test", "Anna Petrova"),
    ("ben@tandem.test", "Ben Carter"),
    ("olga@tandem.test", "Ольга Соколова"),
)
DEMO_PASSWORD = "tandem-demo"  # noqa: S105 (printed on start; the demo guards nothing)
DEMO_MAILBOX = "support@acme.test"
DEMO_MAILBOX_NAME = "Acme Support"
DEMO_TOPIC = "projects/tandem-demo/topics/gmail"


def demo_settings(settings: Settings, *, host: str, port: int, emulator_url: str) -> Settings:
    """The demo talks to its own emulator and receives the emulator's pushes."""
    public_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 (a comparison)
    return settings.model_copy(
        update={
            "secret_key": settings.secret_key or SecretStr(DEMO_SECRET_KEY),
            "gmail_emulator_url": AnyHttpUrl(emulator_url),
            "public_url": AnyHttpUrl(f"http://{public_host}:{port}"),
            "push_topic": DEMO_TOPIC,
        }
    )


def emulator_state_path(database_url: str) -> str:
    """Next to the SQLite database (or in the working folder for PostgreSQL)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return str(database.with_name(database.stem + "-gmail-emulator.db"))
    return "tandem-gmail-emulator.db"


def start_emulator(*, database_url: str, port: int, language: str = "en") -> BackgroundEmulator:
    """The demo mailbox's mail: bilingual, or all in Russian for the Russian demo. Seeded on
    the first start only: a restart keeps the mail the emulator's state file holds."""
    seed = "demo-ru" if language == "ru" else "demo"
    return BackgroundEmulator(
        "127.0.0.1", port, seed=seed, state_path=emulator_state_path(database_url)
    ).start()


def ensure_demo_workspace(*, session: Session) -> User:
    """The demo admin, after creating the workspace and its agents if they are missing."""
    admin = session.exec(select(User).where(User.email == DEMO_ADMIN)).first()
    if admin is None:
        workspace = create_workspace(session=session, name=DEMO_WORKSPACE)
        admin = create_user(
            session=session,
            workspace=workspace,
            email=DEMO_ADMIN,
            name=DEMO_ADMIN_NAME,
            role=Role.ADMIN,
        )
    team = session.get(Workspace, admin.workspace_id)
    assert team is not None, "a user's workspace exists"
    members = set(session.exec(select(User.email).where(User.workspace_id == team.id)))
    for email, name in DEMO_AGENTS:
        if email not in members:
            create_user(
                session=session, workspace=team, email=email, name=name, password=DEMO_PASSWORD
            )
    admin.password_hash = hash_password(DEMO_PASSWORD)
    session.add(admin)
    session.flush()
    return admin


def add_google_accounts(emulator: str) -> None:
    """Lets the demo team use "Sign in with Google" too: the emulator keeps sign-in accounts in
    memory only, so they are added at every start."""
    for email, name in ((DEMO_ADMIN, DEMO_ADMIN_NAME), *DEMO_AGENTS):
        httpx.post(
            f"{emulator}/_emulator/accounts", json={"email": email, "name": name}, timeout=10
        ).raise_for_status()


def connect_demo_mailbox(*, settings: Settings, language: str = "en") -> None:
    """Connects support@acme.test through the emulator's OAuth, as an admin's browser would,
    unless it is connected already, syncs it once, puts the demo team to work on it, in
    `language`, and gives it sixty days of past work for the reports; the scheduler keeps it in
    sync from then on."""
    engine = get_engine(settings.database_url)
    emulator = str(settings.gmail_emulator_url).rstrip("/")
    httpx.post(
        f"{emulator}/_emulator/push_subscriptions",
        json={"topic": DEMO_TOPIC, "url": push_url(settings), "subscription": "tandem-demo"},
        timeout=10,
    ).raise_for_status()
    add_google_accounts(emulator)
    with session_scope(engine) as session:
        admin = ensure_demo_workspace(session=session)
        speak(session, admin=admin, language=language)
        mailbox = session.exec(select(Mailbox).where(Mailbox.email == DEMO_MAILBOX)).first()
        if mailbox is not None and mailbox.credentials_encrypted:
            return
        _, url = start_connection(
            session=session,
            settings=settings,
            workspace_id=admin.workspace_id,
            user_id=id_of(admin),
            email=DEMO_MAILBOX,
            now=utcnow(),
        )
    workspace_id, mailbox_id = consent_over_emulator(
        settings=settings, authorize_url=url, display_name=DEMO_MAILBOX_NAME
    )
    sync_mailbox(engine=engine, settings=settings, mailbox_id=mailbox_id)
    with session_scope(engine) as session:
        stage_demo_inbox(session, workspace_id=workspace_id, now=utcnow())
        seed_history(
            session,
            workspace_id=workspace_id,
            mailbox_id=mailbox_id,
            now=utcnow(),
            language=language,
        )


def consent_over_emulator(
    *, settings: Settings, authorize_url: str, display_name: str = ""
) -> tuple[int, int]:
    """The rest of a connection `start_connection` began: the emulator consents at once for
    the mailbox named in `authorize_url`, as an admin's browser would on Google's page, and the
    mailbox is connected with the code it hands back. Returns (workspace id, mailbox id)."""
    consent = httpx.get(authorize_url, follow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(consent.headers["location"]).query)
    with session_scope(get_engine(settings.database_url)) as session:
        claimed = claim_connection(session=session, state=query["state"][0], now=utcnow())
        mailbox = finish_connection(
            session=session, settings=settings, claimed=claimed, code=query["code"][0], now=utcnow()
        )
        if display_name:
            mailbox.display_name = display_name
        return mailbox.workspace_id, id_of(mailbox)
