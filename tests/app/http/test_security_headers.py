"""Every response keeps Tandem's pages to themselves: not framed by other sites, no Referer to
other sites, no sniffing, and a Content-Security-Policy on everything (the page's own where it
sets one)."""

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


def test_the_api_documentation_keeps_its_own_scripts(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers
    assert docs.headers["x-frame-options"] == "SAMEORIGIN"
