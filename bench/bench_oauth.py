"""OAuth credentials for a benchmark mailbox on the emulator, as google-auth-oauthlib gets them."""

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from google_auth_oauthlib.flow import Flow


def bench_credentials(url: str, mailbox: str) -> Any:
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    config = {
        "web": {
            "client_id": "bench",
            "client_secret": "bench",
            "auth_uri": f"{url}/o/oauth2/auth",
            "token_uri": f"{url}/token",
        }
    }
    flow = Flow.from_client_config(
        config,
        scopes=["https://www.googleapis.com/auth/gmail.modify"],
        redirect_uri="http://127.0.0.1/cb",
    )
    auth_url, _ = flow.authorization_url(login_hint=mailbox)
    location = httpx.get(auth_url, follow_redirects=False).headers["location"]
    flow.fetch_token(code=parse_qs(urlsplit(location).query)["code"][0])
    flow.oauth2session.close()
    return flow.credentials
