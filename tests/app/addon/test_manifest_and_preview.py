"""`tandem addon manifest` and `tandem addon preview` as an operator runs them; the preview is
looked at in a real browser (Debian's chromium), which must load nothing from anywhere."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Conversation, Note
from tests.app.addon.conftest import Desk

TANDEM = str(Path(sys.executable).parent / "tandem")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _run(
    *args: str, database_url: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_PUBLIC_URL": "https://tandem.acme.example",
    }
    return subprocess.run(
        [TANDEM, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
        cwd=cwd,
    )


def test_manifest_points_every_trigger_at_the_public_url(database_url: str) -> None:
    result = _run("addon", "manifest", database_url=database_url)
    assert result.returncode == 0, result.stderr
    deployment = json.loads(result.stdout)
    add_ons = deployment["addOns"]
    base = "https://tandem.acme.example"
    assert add_ons["common"]["homepageTrigger"]["runFunction"] == f"{base}/addon/homepage"
    assert add_ons["gmail"]["contextualTriggers"] == [
        {"unconditional": {}, "onTriggerFunction": f"{base}/addon/message"}
    ]
    compose = add_ons["gmail"]["composeTrigger"]
    assert compose["selectActions"] == [{"text": "Tandem", "runFunction": f"{base}/addon/compose"}]
    assert compose["draftAccess"] == "METADATA"
    assert add_ons["httpOptions"] == {"authorizationHeader": "SYSTEM_ID_TOKEN"}
    assert add_ons["common"]["openLinkUrlPrefixes"] == [f"{base}/"]
    assert add_ons["common"]["logoUrl"].startswith("https://")
    scopes = deployment["oauthScopes"]
    assert "https://www.googleapis.com/auth/gmail.addons.execute" in scopes
    assert not any(
        scope.endswith(("gmail.modify", "gmail.readonly", "mail.google.com/")) for scope in scopes
    )
    assert not any(".current.message.readonly" in scope for scope in scopes), "ids suffice"


def test_preview_writes_a_self_contained_card_and_a_screenshot(
    database_url: str, desk: Desk, engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        session.add(
            Note(
                workspace_id=desk.agent.workspace_id,
                conversation_id=desk.conversation_id,
                author_id=desk.teammate.user_id,
                body='VIP client <script>alert(1)</script><img src="https://evil.test/x.png">',
            )
        )
    out = tmp_path / "preview.html"
    result = _run(
        "addon",
        "preview",
        "thread-1",
        "--as",
        "agent@acme.test",
        "--out",
        str(out),
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    page_html = out.read_text()
    assert "Invoice for October" in page_html
    assert "<script" not in page_html and "<img" not in page_html
    assert "&lt;script&gt;" in page_html
    if not CHROMIUM.exists():
        pytest.fail("the preview screenshot needs /usr/bin/chromium: run `make chromium`")
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 420, "height": 900})
        page.on("request", lambda request: requested.append(request.url))
        page.goto(out.as_uri())
        assert page.locator("h1").inner_text() == "Invoice for October"
        assert page.get_by_text("VIP client <script>alert(1)</script>", exact=False).count() == 1
        assert page.locator("select").first.input_value()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "addon-preview.png"), full_page=True)
        browser.close()
    assert requested == [out.as_uri()], "the preview loads nothing but itself"
    assert (ARTIFACTS / "addon-preview.png").stat().st_size > 10_000


def test_preview_of_an_unknown_thread_is_a_one_line_error(
    database_url: str, desk: Desk, tmp_path: Path
) -> None:
    result = _run("addon", "preview", "no-such-thread", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: no conversation with Gmail thread 'no-such-thread'\n"
    default = _run("addon", "preview", "thread-1", database_url=database_url, cwd=tmp_path)
    assert default.returncode == 1, "no assignee and no admin in the workspace to preview as"
    assert "use --as" in default.stderr


def test_preview_as_the_assignee_by_default_into_the_current_folder(
    database_url: str, desk: Desk, engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, desk.conversation_id)
        assert conversation is not None
        conversation.assignee_id = desk.agent.user_id
        session.add(conversation)
    result = _run("addon", "preview", "thread-1", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "addon-preview-thread-1.html"
    assert "Assign to me" not in written.read_text(), "seen as its assignee"
