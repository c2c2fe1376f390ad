"""One Gmail API call after routing and authentication: its mailbox, parameters and body.

Resource handlers read their inputs only through `Call`, so the same handler serves a single
HTTP request and a part of a batch. Bad parameters become Google's 400 errors here.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from gmail_emulator import errors, multipart
from gmail_emulator.messages import b64url_decode
from gmail_emulator.model import Mailbox
from gmail_emulator.store import Store


@dataclass
class Call:
    store: Store
    mailbox: Mailbox
    path: dict[str, str]
    query: dict[str, list[str]]
    body: bytes = b""
    content_type: str = ""
    upload: bool = False
    history_window: int | None = None
    _json: dict[str, Any] | None = field(default=None, repr=False)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def params(self, name: str) -> list[str]:
        return [v for value in self.query.get(name, []) for v in value.split(",") if v]

    def int_param(self, name: str, default: int, maximum: int) -> int:
        value = self.param(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError as exc:
            raise errors.invalid_argument(f"Invalid value for {name}: {value}") from exc
        if number < 0:
            raise errors.invalid_argument(f"Invalid value for {name}: {value}")
        return min(number, maximum) if number else default

    def bool_param(self, name: str, default: bool) -> bool:
        value = self.param(name)
        return default if value is None else value.lower() == "true"

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.param(name, default) or default
        if value not in allowed:
            raise errors.invalid_argument(f"Invalid value at '{name}': {value}")
        return value

    def json(self) -> dict[str, Any]:
        if self._json is None:
            self._json = _json_object(self.body)
        return self._json

    def message_input(self) -> tuple[bytes, dict[str, Any]]:
        """The RFC 822 bytes and message metadata of send/insert/import, JSON or upload."""
        if not self.upload:
            metadata = self.json()
            raw = metadata.get("raw")
            if not isinstance(raw, str) or not raw:
                raise errors.invalid_argument(
                    "'raw' RFC822 payload message string or uploading message via /upload/* "
                    "URL required"
                )
            try:
                return b64url_decode(raw), metadata
            except (binascii.Error, ValueError) as exc:
                raise errors.invalid_argument("Invalid value for ByteString: raw") from exc
        upload_type = self.param("uploadType", "media")
        if upload_type == "media":
            return self.body, {}
        if upload_type == "multipart":
            return _multipart_upload(self.body, self.content_type)
        raise errors.invalid_argument(f"Upload type {upload_type} is not supported")


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.invalid_argument(f"Invalid JSON payload received. {exc}") from exc
    if not isinstance(parsed, dict):
        raise errors.invalid_argument("Invalid JSON payload received. Expected an object.")
    return parsed


def _multipart_upload(body: bytes, content_type: str) -> tuple[bytes, dict[str, Any]]:
    parts = multipart.split(body, content_type)
    if len(parts) != 2:
        raise errors.invalid_argument("A multipart upload needs a metadata part and a media part")
    media = parts[1]
    content = media.content
    if media.headers.get("content-transfer-encoding", "").lower() == "base64":
        content = base64.b64decode(content)
    return content, _json_object(parts[0].content)
