"""The API's interactive reference: /docs (Swagger UI) and /redoc (ReDoc), public like the
OpenAPI document they read. Their scripts and styles are Tandem's own static files
(static/vendor/swagger_ui and static/vendor/redoc, copied from npm's swagger-ui-dist and redoc
with their licences), so the pages work where the browser reaches nothing but Tandem.

Each page carries a policy of its own, as narrow as the viewer allows: scripts from Tandem plus,
on /docs, the one inline script that starts Swagger UI, allowed by its hash; inline styles,
since both viewers style their elements from script; images as data: URLs; ReDoc's search
index in a worker it starts from a blob. Every other page keeps the app's stricter policy.
"""

import re
from base64 import b64encode
from hashlib import sha256

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter()

VENDOR = "/static/vendor"
#: A favicon that costs no request (as on every page of Tandem).
NO_ICON = "data:,"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _policy(scripts: str) -> str:
    return (
        f"default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """The page with a policy allowing exactly its inline scripts, whatever FastAPI writes."""
    inline = _INLINE_SCRIPT.findall(bytes(page.body).decode())
    hashes = "".join(f" 'sha256-{b64encode(sha256(s.encode()).digest()).decode()}'" for s in inline)
    page.headers["Content-Security-Policy"] = _policy(hashes)
    return page


def _openapi_url(request: Request) -> str:
    return str(request.app.openapi_url)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return _with_policy(
        get_swagger_ui_html(
            openapi_url=_openapi_url(request),
            title=f"{request.app.title} API",
            swagger_js_url=f"{VENDOR}/swagger_ui/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR}/swagger_ui/swagger-ui.css",
            swagger_favicon_url=NO_ICON,
            oauth2_redirect_url=None,
            # No badge from validator.swagger.io: the page asks nothing of other sites.
            swagger_ui_parameters={"validatorUrl": None},
        )
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _with_policy(
        get_redoc_html(
            openapi_url=_openapi_url(request),
            title=f"{request.app.title} API",
            redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
            redoc_favicon_url=NO_ICON,
            with_google_fonts=False,
        )
    )
