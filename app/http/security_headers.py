"""Headers every response carries so a browser keeps Tandem's pages to themselves: no page is
framed by another site, no address leaks to other sites in the Referer, no response is sniffed
into another type, and whatever sets no Content-Security-Policy of its own (JSON, plain text,
redirects) gets one that allows nothing. Pages set their own policy (scripts only from Tandem;
email HTML only in its sandboxed frame; the API reference's viewers what they need and no more);
those are left as they are.

A pure ASGI middleware that only adds headers a response did not set.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULTS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULTS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
