"""The API documents itself: the OpenAPI schema and the interactive docs, served locally."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_documents_every_error_of_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Headway API"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404", "409", "422"} <= documented, (method, path)
            assert operation["security"], (method, path)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "field"}


def test_the_interactive_docs_use_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
