"""Helpers of the webhooks tests: an HTTP server on 127.0.0.1 in a thread that receives
deliveries, answers the statuses a test scripts and keeps every request; recording an event."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from headway.domain.events import Kind
from headway.events.actions import Happened, Subject, record


@dataclass
class Received:
    """The requests the server got, and the statuses it answers in turn (then the last)."""

    statuses: list[int] = field(default_factory=lambda: [204])
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(body) for _, _, body in self.requests]

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@contextmanager
def receiver(*statuses: int) -> Iterator[tuple[str, Received]]:
    received = Received(statuses=list(statuses) or [204])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            received.requests.append((self.path, headers, body))
            status = received.next_status()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def happen(world: Any, kind: Kind = Kind.KPI_STALE, key: str = "mrr", **data: Any) -> None:
    """Record one event of the world's workspace, as a write would."""
    subject = Subject(type="kpi", id=1, key=key, title="Monthly revenue")
    record(world.workspace.pk, [Happened(kind, subject, data)], actor_id=world.admin.user.pk)
