"""API test helpers: a JSON client with a persona's token (registered in conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from headway.accounts.actions import create_token
from headway.accounts.models import Membership

API = "/api/v1"


class ApiClient:
    """`api.get("/objectives", limit=5)`, `api.post("/teams", {...})`: status and JSON body."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> ApiResponse:
        url = API + path
        send = getattr(self.client, method)
        if method in {"get", "delete"}:
            response = send(url, params or None, headers=self.headers)
        else:
            data = body if isinstance(body, str | bytes) else json.dumps(body)
            response = send(url, data, content_type="application/json", headers=self.headers)
        return ApiResponse(response.status_code, response.content)

    def get(self, path: str, **params: Any) -> ApiResponse:
        return self.call("get", path, **params)

    def post(self, path: str, body: Any = None) -> ApiResponse:
        return self.call("post", path, body)

    def put(self, path: str, body: Any = None) -> ApiResponse:
        return self.call("put", path, body)

    def patch(self, path: str, body: Any = None) -> ApiResponse:
        return self.call("patch", path, body)

    def delete(self, path: str) -> ApiResponse:
        return self.call("delete", path)


class ApiResponse:
    def __init__(self, status: int, content: bytes) -> None:
        self.status = status
        self.json: Any = json.loads(content) if content else None

    def __repr__(self) -> str:
        return f"<{self.status} {self.json!r}>"


def token_for(membership: Membership) -> str:
    return create_token(membership, actor=None, name="test")[1]


@pytest.fixture
def api_as(world: Any) -> Callable[[str], ApiClient]:
    """`api_as("member")`: an API client with a token of that persona of the `world`."""

    def make(persona: str) -> ApiClient:
        return ApiClient(token_for(getattr(world, persona)))

    return make
