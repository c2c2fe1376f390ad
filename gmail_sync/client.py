"""Builds the Gmail API v1 service (google-api-python-client) for Google or the emulator.

The service comes from the discovery document the package ships, never fetched over the network;
with an `api_root` (the emulator's base URL) its rootUrl is rewritten so that single calls and
`new_batch_http_request()` both go there. In the finished product Google's `HttpError` never
escapes this module: callers get Tandem's error categories instead.
"""

from __future__ import annotations

import json
from typing import Any

from googleapiclient.discovery import Resource, build_from_document
from googleapiclient.discovery_cache import get_static_doc


def build_gmail_service(credentials: Any, api_root: str | None) -> Resource:
    """The Gmail v1 service authorised by `credentials` (google-auth credentials)."""
    document: dict[str, Any] = json.loads(get_static_doc("gmail", "v1"))
    if api_root:
        root = api_root.rstrip("/") + "/"
        document.update(rootUrl=root, baseUrl=root, mtlsRootUrl=root)
    return build_from_document(document, credentials=credentials)
