"""Every response keeps Tandem's pages to themselves: not framed by other sites, no Referer to
other sites, no sniffing, and a Content-Security-Policy on everything (the page's own where it
sets one)."""

from base64 import b64encode
from hashlib import sha256

from fastapi.testclient import TestClient

from tests.conftest import Member


def test_pages_json_and_redirects_all_carry_the_headers(client: TestClient, admin: Member) -> None:
    page = client.get("/login")
    api = client.get("/api/v1/me", headers=admin.headers)
    redirect = client.get("/", follow_redirects=False)
    for response in (page, api, redirect):
        assert response.headers["x-frame-options"] == "SAMEORIGIN"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_the_api_reference_runs_its_viewer_and_nothing_else(client: TestClient) -> None:
    """/docs may run Swagger UI's scripts from Tandem and the one inline script that starts it
    (by its hash, not any inline script); /redoc ReDoc's; neither reaches another site."""
    for path, viewer in (("/docs", "swagger_ui"), ("/redoc", "redoc")):
        page = client.get(path)
        assert page.status_code == 200
        assert f'src="/static/vendor/{viewer}/' in page.text
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in page.headers["content-security-policy"].split(";")
        )
        scripts = policy["script-src"].split()
        assert scripts[0] == "'self'" and "'unsafe-inline'" not in scripts
        assert all(source.startswith("'sha256-") for source in scripts[1:])
        assert "http" not in page.headers["content-security-policy"]
        assert policy["frame-ancestors"] == "'none'"
        assert page.headers["x-frame-options"] == "SAMEORIGIN"
    inline = client.get("/docs").text.split("<script>")[1].split("</script>")[0]
    digest = b64encode(sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in client.get("/docs").headers["content-security-policy"]
    assert "'sha256-" not in client.get("/redoc").headers["content-security-policy"]
    assert client.get("/static/vendor/swagger_ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/vendor/redoc/redoc.standalone.js").status_code == 200
