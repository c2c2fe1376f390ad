"""Every page needs a signed-in member except the public ones: an anonymous visitor asking for
any other page is sent to sign in, and any unsafe request without the session's CSRF token is
refused, before a route runs."""

import re
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.web import routes


def _api_routes(router: APIRouter) -> Iterator[APIRoute]:
    """The router's routes, those of the routers it includes as well."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            yield route
        elif isinstance(included := getattr(route, "original_router", None), APIRouter):
            yield from _api_routes(included)


def _routes(modules: tuple[Any, ...]) -> list[tuple[str, str]]:
    found = [
        (method, route.path)
        for module in modules
        for route in _api_routes(module.router)
        for method in route.methods
    ]
    return [(method, re.sub(r"\{[^}]+\}", "1", path)) for method, path in found]


def test_an_anonymous_visitor_reaches_only_the_public_pages(client: TestClient) -> None:
    pages = _routes(routes.SIGNED_IN)
    assert len(pages) > 40
    for method, path in pages:
        response = client.request(method, path, follow_redirects=False)
        if method == "GET":
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login?next="), (method, path)
        else:
            assert response.status_code == 403, (method, path, response.text)
    for path in ("/login", "/password/forgot"):
        assert client.get(path).status_code == 200
