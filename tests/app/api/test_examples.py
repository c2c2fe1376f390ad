"""Every answer of the REST API is shown with an example in /docs, new endpoints included."""

from typing import Any

from fastapi.testclient import TestClient


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    """An example on the response itself, on its schema, or on the items of a list."""
    if "example" in media or "examples" in media:
        return True
    schema = _resolve(document, media.get("schema", {}))
    if schema.get("type") == "array":
        schema = _resolve(document, schema.get("items", {}))
    return bool(schema.get("examples") or schema.get("example"))


def test_every_json_answer_of_the_api_has_an_example(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    missing = [
        f"{method.upper()} {path} -> {status}"
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
        for status, response in operation.get("responses", {}).items()
        if status.startswith("2")
        and "application/json" in response.get("content", {})
        and not _has_example(document, response["content"]["application/json"])
    ]
    assert not missing, "answers without an example in /docs:\n" + "\n".join(missing)
