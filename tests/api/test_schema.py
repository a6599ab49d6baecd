"""The OpenAPI schema served by the app is valid, and every operation in it is called here with a
successful answer: an endpoint added without a test fails this file."""

import pytest
import yaml
from openapi_spec_validator import validate

from congtam.accounts.models import Role
from congtam.monitoring import items
from tests.api.conftest import item

pytestmark = pytest.mark.django_db


def _schema(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi(client):
    schema = _schema(client)
    validate(schema)
    assert schema["components"]["securitySchemes"]["sourceSystemToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Token issued by HR for one system (shown once).",
    }


def _prepare(api, year):
    api.post("/api/v1/work-items/batch", {"items": [item("GV-1")]})
    review = year.review("an")
    items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=review.version)


# (path, method) -> (concrete path, body, expected status)
CALLS = {
    ("/api/v1/work-items/batch", "post"): (
        "/api/v1/work-items/batch",
        {"items": [item("GV-2", catalogue_code="GY")]},
        200,
    ),
    ("/api/v1/work-items", "get"): ("/api/v1/work-items?period=2026-11", None, 200),
    ("/api/v1/work-items/{source_id}", "get"): ("/api/v1/work-items/GV-1", None, 200),
    ("/api/v1/work-items/{source_id}", "put"): ("/api/v1/work-items/GV-3", item("GV-3", catalogue_code="TT"), 201),
    ("/api/v1/work-items/{source_id}/completion", "post"): (
        "/api/v1/work-items/GV-1/completion",
        {"completed_on": "2026-11-19"},
        200,
    ),
    ("/api/v1/work-items/{source_id}/documents", "post"): (
        "/api/v1/work-items/GV-1/documents",
        {"link": "https://vanban.quochoi.vn/1"},
        201,
    ),
    ("/api/v1/period-scores", "get"): ("/api/v1/period-scores?period=2026-11", None, 200),
}


def test_every_operation_of_the_schema_is_called_successfully(client, api, year):
    operations = {
        (path, method)
        for path, methods in _schema(client)["paths"].items()
        for method in methods
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert operations == set(CALLS), "an operation of the schema has no call in CALLS (or CALLS names a removed one)"
    _prepare(api, year)
    for (_template, method), (path, body, expected) in sorted(CALLS.items()):
        response = api.get(path) if method == "get" else api.send(method, path, body)
        assert response.status_code == expected, (method, path, response.content)
