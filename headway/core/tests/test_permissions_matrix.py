"""Who may do what, as a table: every role x every API operation x own team / other team /
other workspace (docs/api.md, "Permissions").

"own" objects belong to team web, of which the member is a member; "other" objects belong to
team ops, of which nobody in the table is a member, and bodies name someone else as owner;
"foreign" objects live in workspace globex and must not exist for anyone in acme.
"""

from __future__ import annotations

from datetime import date

import pytest

from headway.api import api
from headway.core.tests.factories import (
    CycleFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    ObjectiveFactory,
    TeamFactory,
    UserFactory,
)

ALL_OK = {"admin": (200,) * 3, "member": (200,) * 3, "viewer": (200,) * 3}
READ = {"admin": (200, 200, 404), "member": (200, 200, 404), "viewer": (200, 200, 404)}
MANAGE = {"admin": (200, 200, 404), "member": (403, 403, 404), "viewer": (403, 403, 404)}
MANAGE_NEW = {"admin": (201,) * 3, "member": (403,) * 3, "viewer": (403,) * 3}
EDIT = {"admin": (200, 200, 404), "member": (200, 403, 404), "viewer": (403, 403, 404)}
REMOVE = {"admin": (204, 204, 404), "member": (204, 403, 404), "viewer": (403, 403, 404)}
CREATE_UNDER = {"admin": (201, 201, 404), "member": (201, 403, 404), "viewer": (403, 403, 404)}
# Creating with references in the body: a foreign key is unknown input (400), not a 404.
CREATE_WITH = {"admin": (201, 201, 400), "member": (201, 403, 400), "viewer": (403, 403, 400)}

OWNED = '"owner": "ada"'
# (method, path, body, expected statuses per role for own / other / foreign)
TABLE: list[tuple[str, str, str | None, dict[str, tuple[int, ...]]]] = [
    ("get", "/me", None, ALL_OK),
    ("get", "/teams", None, ALL_OK),
    ("post", "/teams", '{"key": "new", "name": "New"}', MANAGE_NEW),
    ("get", "/teams/{team}", None, READ),
    ("patch", "/teams/{team}", '{"name": "Renamed"}', MANAGE),
    (
        "delete",
        "/teams/{empty_team}",
        None,
        {"admin": (204, 204, 404), "member": (403, 403, 404), "viewer": (403, 403, 404)},
    ),
    ("get", "/cycles", None, ALL_OK),
    (
        "post",
        "/cycles",
        '{"key": "new", "name": "New", "start": "2026-04-01", "end": "2026-06-30"}',
        MANAGE_NEW,
    ),
    ("get", "/cycles/{cycle}", None, READ),
    ("patch", "/cycles/{cycle}", '{"name": "Renamed"}', MANAGE),
    ("post", "/cycles/{cycle}/close", None, MANAGE),
    (
        "post",
        "/cycles/{cycle}/carry-over",
        '{"objectives": ["{obj}"], "to_cycle": "2026-q2", "mode": "copy"}',
        CREATE_UNDER,
    ),
    ("get", "/objectives", None, ALL_OK),
    (
        "post",
        "/objectives",
        '{"key": "NEW", "title": "New", "cycle": "2026-q1", "team": "{team}", ' + OWNED + "}",
        CREATE_WITH,
    ),
    ("get", "/objectives/{obj}", None, READ),
    ("patch", "/objectives/{obj}", '{"title": "Renamed"}', EDIT),
    ("delete", "/objectives/{obj}", None, REMOVE),
    ("get", "/objectives/{obj}/key-results", None, READ),
    (
        "post",
        "/objectives/{obj}/key-results",
        '{"key": "NEW", "title": "New", "start": 0, "target": 10, ' + OWNED + "}",
        CREATE_UNDER,
    ),
    ("get", "/key-results/{kr}", None, READ),
    ("patch", "/key-results/{kr}", '{"title": "Renamed"}', EDIT),
    ("delete", "/key-results/{kr}", None, REMOVE),
    ("get", "/key-results/{kr}/check-ins", None, READ),
    (
        "post",
        "/key-results/{kr}/check-ins",
        '{"at": "2026-02-02", "value": 5, "confidence": 7}',
        CREATE_UNDER,
    ),
    ("get", "/initiatives", None, ALL_OK),
    (
        "post",
        "/initiatives",
        '{"key": "NEW", "title": "New", "objective": "{obj}", ' + OWNED + "}",
        CREATE_WITH,
    ),
    ("get", "/initiatives/{ini}", None, READ),
    ("patch", "/initiatives/{ini}", '{"status": "doing"}', EDIT),
    ("delete", "/initiatives/{ini}", None, REMOVE),
    ("get", "/kpis", None, ALL_OK),
    (
        "post",
        "/kpis",
        '{"key": "new", "name": "New", "target": 1, "team": "{team}", ' + OWNED + "}",
        CREATE_WITH,
    ),
    ("get", "/kpis/{kpi}", None, READ),
    ("patch", "/kpis/{kpi}", '{"name": "Renamed"}', EDIT),
    ("delete", "/kpis/{kpi}", None, REMOVE),
    ("get", "/kpis/{kpi}/values", None, READ),
    (
        "post",
        "/kpis/{kpi}/values",
        '[{"at": "2026-02-02", "value": 5}]',
        {"admin": (200, 200, 404), "member": (200, 403, 404), "viewer": (403, 403, 404)},
    ),
    ("get", "/dependencies", None, ALL_OK),
    (
        "post",
        "/dependencies",
        '{"objective": "{obj}", "depends_on_objective": "O-SHARED"}',
        CREATE_WITH,
    ),
    ("delete", "/dependencies/{dep}", None, REMOVE),
]

TARGETS = ("own", "other", "foreign")


@pytest.fixture
def places(world):
    """Objects of team web (own), team ops (other) and workspace globex (foreign)."""
    ops = TeamFactory(workspace=world.workspace, key="ops", name="Ops", parent=world.company)
    TeamFactory(workspace=world.workspace, key="empty-own", parent=world.web)
    TeamFactory(workspace=world.workspace, key="empty-other", parent=ops)
    shared = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="O-SHARED")
    CycleFactory(
        workspace=world.workspace, key="2026-q2", start=date(2026, 4, 1), end=date(2026, 6, 30)
    )
    glx_cycle = CycleFactory(workspace=world.other, key="glx-q1")
    glx_team = TeamFactory(workspace=world.other, key="glx")
    TeamFactory(workspace=world.other, key="glx-empty")
    UserFactory(username="ada")  # exists, but not in globex
    targets = {}
    for name, workspace, team, cycle, suffix in (
        ("own", world.workspace, world.web, world.cycle, "WEB"),
        ("other", world.workspace, ops, world.cycle, "OPS"),
        ("foreign", world.other, glx_team, glx_cycle, "GLX"),
    ):
        owner = world.user("admin") if name != "foreign" else world.user("stranger")
        objective = ObjectiveFactory(
            workspace=workspace, cycle=cycle, team=team, owner=owner, key=f"O-{suffix}"
        )
        KeyResultFactory(objective=objective, key=f"KR-{suffix}", owner=owner)
        InitiativeFactory(objective=objective, key=f"I-{suffix}", owner=owner)
        KPIFactory(workspace=workspace, team=team, owner=owner, key=f"kpi-{suffix.lower()}")
        target = (
            shared
            if name != "foreign"
            else ObjectiveFactory(workspace=workspace, cycle=cycle, key="O-GLX-2")
        )
        dependency = DependencyFactory(objective=objective, depends_on_objective=target)
        targets[name] = {
            "team": team.key,
            "empty_team": {"own": "empty-own", "other": "empty-other"}.get(name, "glx-empty"),
            "cycle": cycle.key,
            "obj": objective.key,
            "kr": f"KR-{suffix}",
            "ini": f"I-{suffix}",
            "kpi": f"kpi-{suffix.lower()}",
            "dep": str(dependency.pk),
        }
    return targets


def fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


CASES = [
    pytest.param(
        method,
        path,
        body,
        persona,
        index,
        expected[persona][index],
        id=f"{persona}-{method}-{path}-{TARGETS[index]}",
    )
    for method, path, body, expected in TABLE
    for persona in ("admin", "member", "viewer")
    for index in range(3)
]


@pytest.mark.parametrize(("method", "path", "body", "persona", "target", "status"), CASES)
def test_role_may_or_may_not(api_as, places, method, path, body, persona, target, status):
    values = places[TARGETS[target]]
    client = api_as(persona)
    url = fill(path, values)
    if body is None:
        response = client.call(method, url)
    else:
        response = client.call(method, url, fill(body, values))
    assert response.status == status, response


def test_the_table_covers_every_operation():
    schema = api.get_openapi_schema()
    documented = {
        (method, path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    covered = {(method, path) for method, path, _, _ in TABLE}

    def shape(path: str) -> str:
        parts = path.split("/")
        return "/".join("{}" if part.startswith("{") else part for part in parts)

    assert {(m, shape(p)) for m, p in documented} == {(m, shape(p)) for m, p in covered}


def test_a_check_in_on_the_day_is_stored_once_for_the_permitted(api_as, places):
    """Sanity: the allowed calls of the table really change data."""
    response = api_as("member").post(
        "/key-results/KR-WEB/check-ins", {"at": "2026-02-02", "value": 5, "confidence": 7}
    )
    assert response.status == 201
    assert response.json["at"] == date(2026, 2, 2).isoformat()


# Account pages (docs/members.md): API tokens are one's own (an admin: any of the workspace);
# invitations are an admin's. Targets: own = the caller's token, other = a token of someone else
# in acme (for invitations: an acme invitation), foreign = one of globex. A refusal changes nothing.
PAGE_TABLE: list[tuple[str, dict[str, str], dict[str, tuple[int, int, int]]]] = [
    (
        "/settings/tokens/{token}/revoke/",
        {},
        {"admin": (302, 302, 404), "member": (302, 404, 404), "viewer": (302, 404, 404)},
    ),
    (
        "/settings/invitations/{invitation}/revoke/",
        {},
        {"admin": (302, 302, 404), "member": (403, 403, 404), "viewer": (403, 403, 404)},
    ),
]


@pytest.mark.parametrize("persona", ["admin", "member", "viewer"])
def test_account_pages_follow_the_table(world, persona):
    from django.test import Client

    from headway.accounts import tokens
    from headway.accounts.models import ApiToken, Invitation

    client = Client()
    client.force_login(world.user(persona))
    for path, data, expected in PAGE_TABLE:
        for index, target in enumerate(TARGETS):
            ApiToken.objects.all().delete()
            Invitation.objects.all().delete()
            holder = {"own": getattr(world, persona), "other": world.lead}.get(
                target, world.stranger
            )
            token, _ = tokens.create_token(holder, actor=holder)
            invitation = Invitation.objects.create(workspace=holder.workspace, login="someone")
            url = path.format(token=token.pk, invitation=invitation.pk)
            status = client.post(url, data).status_code
            assert status == expected[persona][index], (url, target)
            if status != 302:
                token.refresh_from_db()
                assert token.revoked_at is None
                assert Invitation.objects.get().state == "pending"


@pytest.mark.parametrize("persona", ["admin", "member", "viewer"])
def test_everyone_creates_a_token_of_their_own_on_the_page(world, persona):
    from django.test import Client

    from headway.accounts.models import ApiToken

    client = Client()
    client.force_login(world.user(persona))
    assert client.post("/settings/tokens/", {"name": "mine"}).status_code == 200
    assert ApiToken.objects.get(name="mine").user == world.user(persona)
