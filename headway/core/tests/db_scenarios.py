"""Run in a separate process by test_database_unavailable.py: a real SQLite file, a real lock.

The test suite's own SQLite database lives in memory, and another connection can neither lock
nor open it read-only; so each scenario gets a file database in its own process:

    python -m headway.core.tests.db_scenarios seed DB       -> {"token": ..., "session": ...}
    python -m headway.core.tests.db_scenarios busy DB       -> statuses while another connection
                                                               holds the write lock
    python -m headway.core.tests.db_scenarios readonly URI  -> statuses on a read-only database

The environment gives DATABASE_URL (the file), HEADWAY_DATA_DIR and a short busy timeout.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")


def setup(name: str | None = None) -> None:
    import django

    if name is not None:
        import headway.settings

        headway.settings.DATABASES["default"]["NAME"] = name
    django.setup()


def seed() -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from headway.accounts.actions import create_token
    from headway.accounts.models import Membership, User, Workspace
    from headway.okrs.models import Cycle, KeyResult, Objective

    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    ws = Workspace.objects.create(key="live", name="Live")
    user = User.objects.create(username="writer")
    membership = Membership.objects.create(user=user, workspace=ws, role="admin")
    cycle = Cycle.objects.create(
        workspace=ws,
        key="c",
        name="C",
        start=today - timedelta(days=30),
        end=today + timedelta(days=60),
        state="active",
    )
    objective = Objective.objects.create(workspace=ws, key="O", title="O", cycle=cycle, owner=user)
    KeyResult.objects.create(
        workspace=ws, objective=objective, key="KR", title="k", start=0, target=100, owner=user
    )
    token = create_token(membership, actor=None)[1]
    client = Client()
    client.force_login(user)
    return {"token": token, "session": client.cookies["sessionid"].value}


def requests(credentials: dict[str, Any]) -> dict[str, Any]:
    """One of each: API and page, read and write, and a write that happens only in the session."""
    from django.test import Client

    api = Client(
        raise_request_exception=False, headers={"Authorization": "Bearer " + credentials["token"]}
    )
    page = Client(raise_request_exception=False)
    page.cookies["sessionid"] = credentials["session"]
    answers = {
        "api GET": api.get("/api/v1/me"),
        "api GET list": api.get("/api/v1/objectives"),
        "api POST": api.post(
            "/api/v1/key-results/KR/check-ins",
            {"value": 5, "confidence": 7},
            content_type="application/json",
        ),
        "page GET": page.get("/okrs/"),
        "page GET check-in": page.get("/okrs/check-in/"),
        "page POST": page.post("/okrs/check-in/", {"KR-value": "6", "KR-confidence": "7"}),
        "session POST": page.post("/workspace/", {"workspace": "live"}),
        "sign-in POST": Client(raise_request_exception=False).post(
            "/login/", {"username": "writer", "password": "wrong password 123"}
        ),
    }
    return {
        name: {
            "status": response.status_code,
            "retry_after": response.get("Retry-After"),
            "type": response.get("Content-Type", ""),
            "body": response.content.decode(errors="replace")[:2000],
        }
        for name, response in answers.items()
    }


def busy(path: str, credentials: dict[str, Any]) -> dict[str, Any]:
    from headway.accounts.models import ApiToken
    from headway.okrs.models import CheckIn

    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # what a long import does: holds the one write lock
    try:
        result = requests(credentials)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    result["check-ins stored while locked"] = CheckIn.objects.count()
    from django.test import Client

    api = Client(headers={"Authorization": "Bearer " + credentials["token"]})
    after = api.post(
        "/api/v1/key-results/KR/check-ins",
        {"value": 7, "confidence": 7},
        content_type="application/json",
    )
    result["api POST after the lock"] = after.status_code
    result["last used recorded after the lock"] = ApiToken.objects.get().last_used_at is not None
    return result


def main() -> None:
    command, target = sys.argv[1], sys.argv[2]
    if command == "seed":
        setup()
        print(json.dumps(seed()))
        return
    credentials = json.loads(sys.stdin.read())
    if command == "busy":
        setup()
        print(json.dumps(busy(target, credentials)))
    elif command == "readonly":
        setup(target)
        print(json.dumps(requests(credentials)))
    else:
        raise SystemExit(f"unknown scenario {command!r}")


if __name__ == "__main__":
    main()
