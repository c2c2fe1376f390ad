"""--state: a restarted emulator keeps mailboxes, messages, history and issued tokens."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from gmail_sync.client import build_gmail_service


def test_restart_with_the_same_state_file_keeps_everything(
    tmp_path: Path,
    free_port: Callable[[], int],
    start_emulator: Callable[..., Any],
    authorize_mailbox: Callable[..., Any],
    make_mail: Callable[..., bytes],
) -> None:
    state = str(tmp_path / "emulator.sqlite")
    port = free_port()
    raw = make_mail("Persist me", message_id="<p1@client.test>")
    with start_emulator(state_path=state, port=port) as url:
        with httpx.Client(base_url=url) as control:
            control.post("/_emulator/mailboxes", json={"email": "support@acme.test"})
            delivered = control.post("/_emulator/mailboxes/support@acme.test/messages", content=raw)
        credentials = authorize_mailbox(url, "support@acme.test")
        service = build_gmail_service(credentials, url)
        service.users().messages().modify(
            userId="me", id=delivered.json()["id"], body={"removeLabelIds": ["UNREAD"]}
        ).execute()
        before = service.users().getProfile(userId="me").execute()
        service.close()
    with start_emulator(state_path=state, port=port) as url:
        credentials.token = None
        service = build_gmail_service(credentials, url)
        users = service.users()
        assert users.getProfile(userId="me").execute() == before
        message_id = delivered.json()["id"]
        got = users.messages().get(userId="me", id=message_id, format="raw").execute()
        assert base64.urlsafe_b64decode(got["raw"]) == raw
        assert got["labelIds"] == ["INBOX"]
        history = users.history().list(userId="me", startHistoryId="1000").execute()
        assert len(history["history"]) == 2
        reply = make_mail("Re: Persist me", in_reply_to="<p1@client.test>")
        with httpx.Client(base_url=url) as control:
            joined = control.post("/_emulator/mailboxes/support@acme.test/messages", content=reply)
        assert joined.json()["threadId"] == message_id
        assert int(joined.json()["historyId"]) == int(before["historyId"]) + 1
        service.close()
