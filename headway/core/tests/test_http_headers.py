"""Headers and error bodies that keep private answers private and the API consistent."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class TestNoStore:
    def test_the_page_that_shows_a_new_token_once_is_not_stored(self, world):
        client = Client()
        client.force_login(world.user("admin"))
        response = client.post("/settings/tokens/", {"name": "ci"}, follow=True)
        assert response.redirect_chain == [("/settings/tokens/", 302)]
        assert "hw_" in response.content.decode()
        assert "no-store" in response["Cache-Control"]

    @pytest.mark.parametrize("path", ["/", "/login/", "/api/v1/me"])
    def test_pages_and_api_answers_are_not_stored(self, world, path):
        client = Client()
        client.force_login(world.user("member"))
        assert "no-store" in client.get(path)["Cache-Control"]


class TestApiErrorsAreJson:
    @pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/teams/x/y/z", "/api/v2/"])
    def test_an_unknown_address_answers_a_json_404(self, world, path):
        client = Client()
        client.force_login(world.user("member"))
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"].startswith("Not found")
        assert response.json()["field"] is None
        assert "no-store" in response["Cache-Control"]

    def test_an_unknown_method_answers_a_json_405_with_allow(self, world):
        client = Client()
        client.force_login(world.user("member"))
        response = client.put("/api/v1/me")
        assert response.status_code == 405
        assert response["Content-Type"] == "application/json"
        assert "GET" in response["Allow"]
        assert "GET" in response.json()["detail"]

    def test_pages_keep_their_html_404(self, world):
        client = Client()
        client.force_login(world.user("member"))
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


def test_gunicorn_sends_no_version_in_its_server_header():
    from types import SimpleNamespace

    from gunicorn import __version__
    from gunicorn.http.wsgi import Response

    request = SimpleNamespace(version=(1, 1), method="GET", should_close=lambda: False)
    response = Response(request, None, SimpleNamespace(is_ssl=False))
    response.start_response("200 OK", [("Content-Length", "0")])
    server = next(h for h in response.default_headers() if h.startswith("Server:"))
    assert __version__ not in server
    assert server.strip() == "Server: gunicorn"
