"""The `tandem` command: serve, migrate, the Gmail emulator and administration.

A user's mistake (a bad setting, an unreachable database, a duplicate email) prints one
`error: …` line on stderr and exits 1; tracebacks are for bugs only.
"""

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlmodel import Session, select

from app.addon.manifest import DEFAULT_LOGO_URL, deployment
from app.addon.preview import default_output, preview_card, render_card
from app.cli.background import run_worker
from app.cli.demo import (
    DEMO_ADMIN,
    DEMO_AGENTS,
    DEMO_MAILBOX,
    DEMO_PASSWORD,
    connect_demo_mailbox,
    demo_settings,
    start_emulator,
)
from app.cli.demo_language import LANGUAGES as DEMO_LANGUAGES
from app.cli.workers import serve_workers
from app.core.accounts import (
    bootstrap,
    create_api_token,
    create_user,
    new_password,
    normalize_email,
)
from app.core.db import check_connection, get_engine, session_scope
from app.core.errors import Invalid, NotFound, TandemError
from app.core.migrations import head_revision, upgrade_to_head
from app.core.models import Role, User, Workspace
from app.core.release import VERSION
from app.core.settings import Settings, SettingsError, get_settings
from app.http.observability import configure_logging

cli = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Tandem: a shared inbox over Gmail for small support teams.",
)
admin = typer.Typer(no_args_is_help=True, help="Create workspaces, users and API tokens.")
cli.add_typer(admin, name="admin")
addon = typer.Typer(no_args_is_help=True, help="The Gmail add-on: its deployment and a preview.")
cli.add_typer(addon, name="addon")


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"tandem {VERSION}")
        raise typer.Exit


@cli.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options before any command."""


def _migrated_settings(settings: Settings | None = None) -> Settings:
    """Settings whose database is reachable and at the newest migration."""
    settings = settings or get_settings()
    check_connection(get_engine(settings.database_url))
    upgrade_to_head(settings.database_url)
    return settings


def _print_json(data: Mapping[str, object]) -> None:
    typer.echo(json.dumps(data, indent=2))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed a demo workspace you can sign in to.")] = False,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Web processes answering on the port (HTTP only)."),
    ] = 1,
    lang: Annotated[
        str | None,
        typer.Option(help="With --demo: the language the demo team works in (en, ru)."),
    ] = None,
    worker: Annotated[
        bool,
        typer.Option(
            help="Also run the background work (sync, timers, outbox, webhooks); "
            "--no-worker leaves it to `tandem worker` processes."
        ),
    ] = True,
) -> None:
    """Serve the web UI and the REST API (migrating the database first)."""
    from app.main import background_work, create_app

    if demo and workers > 1:
        raise Invalid("--demo serves from one worker: its Gmail emulator runs in that process")
    if lang is not None and (not demo or lang not in DEMO_LANGUAGES):
        raise Invalid(f"--lang is for --demo, one of {', '.join(DEMO_LANGUAGES)}; got {lang!r}")
    settings = get_settings()
    if demo:
        emulator = start_emulator(
            database_url=settings.database_url, port=port + 25, language=lang or "en"
        )
        settings = demo_settings(settings, host=host, port=port, emulator_url=emulator.url)
    settings.require_secret_key()
    configure_logging(settings.log_level)
    _migrated_settings(settings)
    if demo:
        connect_demo_mailbox(settings=settings, language=lang or "en")
        typer.echo(
            f"Demo ready: open http://{host}:{port}/login and sign in as "
            f"{DEMO_ADMIN} / {DEMO_PASSWORD}\n"
            f"Agents: {', '.join(email for email, _ in DEMO_AGENTS)} (password {DEMO_PASSWORD})\n"
            f"Gmail emulator for the demo mailbox {DEMO_MAILBOX}: {emulator.url} (deliver mail: "
            f"POST {emulator.url}/_emulator/mailboxes/{DEMO_MAILBOX}/messages, message/rfc822)"
        )
    if workers > 1:
        background = background_work(settings) if worker else None
        serve_workers(
            settings=settings, host=host, port=port, workers=workers, background=background
        )
        return
    settings = settings.model_copy(update={"run_scheduler": worker and settings.run_scheduler})
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)


@cli.command()
def worker(
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=65535,
            help="Serve this process's /metrics on this port (default TANDEM_METRICS_PORT).",
        ),
    ] = None,
) -> None:
    """Run only the background work (sync and polling, watch renewal, timers, the reply outbox,
    webhook delivery), migrating the database first; stops on SIGTERM."""
    settings = get_settings()
    settings.require_secret_key()
    configure_logging(settings.log_level)
    _migrated_settings(settings)
    run_worker(settings, metrics_port=metrics_port or settings.metrics_port)


@cli.command()
def emulator(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8025,
    seed: Annotated[
        str | None,
        typer.Option(help="`demo`, `demo-ru` (all in Russian), or a folder of .eml/.mbox files."),
    ] = None,
    state: Annotated[
        str | None, typer.Option(help="SQLite file that keeps mailboxes across restarts.")
    ] = None,
) -> None:
    """Run the Gmail API emulator alone (for trying Tandem without Google, tests, benchmarks)."""
    from gmail_emulator import serve as serve_emulator

    if seed not in (None, "demo", "demo-ru") and not Path(seed).is_dir():
        raise Invalid(
            f"--seed takes `demo`, `demo-ru` or a folder of .eml/.mbox files; {seed!r} is none"
        )
    typer.echo(f"Gmail emulator on http://{host}:{port} (seed: {seed or 'none'})")
    serve_emulator(host, port, seed, state)


@cli.command()
def migrate() -> None:
    """Bring the database schema to the newest migration."""
    settings = _migrated_settings()
    typer.echo(f"database at revision {head_revision()} ({settings.database_url.split('://')[0]})")


@admin.command("bootstrap")
def admin_bootstrap(
    workspace: Annotated[str, typer.Option(help="Name of the new workspace.")],
    email: Annotated[str, typer.Option(help="Email of its first admin.")],
) -> None:
    """Create a workspace and its first admin; prints the admin's password and API token once."""
    settings = _migrated_settings()
    with session_scope(get_engine(settings.database_url)) as session:
        result = bootstrap(session=session, workspace_name=workspace, email=email)
    _print_json(result)


def _find_workspace(session: Session, ref: str | None) -> Workspace:
    """By id or exact name; may be left out while the installation has a single workspace."""
    if ref is None:
        workspaces = session.exec(select(Workspace).limit(2)).all()
        if len(workspaces) != 1:
            raise Invalid("several workspaces exist (or none): name one with --workspace")
        return workspaces[0]
    query = select(Workspace).where(
        Workspace.id == int(ref) if ref.isdigit() else Workspace.name == ref
    )
    found = session.exec(query).first()
    if found is None:
        raise NotFound(f"no workspace {ref!r}")
    return found


@admin.command("create-user")
def admin_create_user(
    email: Annotated[str, typer.Option(help="The user's email (their login).")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    role: Annotated[Role, typer.Option(help="admin or agent.")] = Role.AGENT,
    workspace: Annotated[str | None, typer.Option(help="Workspace id or name.")] = None,
    password: Annotated[
        str | None, typer.Option(help="Initial password (random if left out).")
    ] = None,
) -> None:
    """Add a user to a workspace; prints the initial password once."""
    settings = _migrated_settings()
    password = password or new_password()
    with session_scope(get_engine(settings.database_url)) as session:
        target = _find_workspace(session, workspace)
        user = create_user(
            session=session, workspace=target, email=email, name=name, role=role, password=password
        )
        result = {
            "user_id": user.id,
            "workspace_id": target.id,
            "email": user.email,
            "role": user.role,
            "password": password,
        }
    _print_json(result)


@admin.command("create-token")
def admin_create_token(
    email: Annotated[str, typer.Option(help="Whose token: the user's email.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Create an API token for a user; prints the token once."""
    settings = _migrated_settings()
    with session_scope(get_engine(settings.database_url)) as session:
        user = session.exec(select(User).where(User.email == normalize_email(email))).first()
        if user is None:
            raise NotFound(f"no user with email {email}")
        row, token = create_api_token(session=session, user=user, name=name)
        result = {"token_id": row.id, "user_id": user.id, "api_token": token}
    _print_json(result)


@addon.command("manifest")
def addon_manifest(
    logo_url: Annotated[str, typer.Option(help="HTTPS URL of the add-on's icon.")] = (
        DEFAULT_LOGO_URL
    ),
) -> None:
    """Print the add-on's deployment JSON (for `gcloud workspace-add-ons deployments create`)."""
    _print_json(deployment(get_settings(), logo_url=logo_url))


@addon.command("preview")
def addon_preview(
    thread_id: Annotated[str, typer.Argument(help="The Gmail thread id of a conversation.")],
    as_email: Annotated[
        str | None, typer.Option("--as", help="See it as this user (default: its assignee).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Where to write the HTML.")] = None,
) -> None:
    """Write an HTML rendering of the add-on's card for a conversation, for a quick look."""
    settings = _migrated_settings()
    with session_scope(get_engine(settings.database_url)) as session:
        card = preview_card(session, settings=settings, thread_id=thread_id, viewer_email=as_email)
    target = out or default_output(thread_id)
    target.write_text(render_card(card), encoding="utf-8")
    typer.echo(f"wrote {target}")


def main() -> None:
    try:
        cli()
    except (SettingsError, TandemError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
