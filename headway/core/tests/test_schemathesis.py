"""Fuzz every API operation from its OpenAPI schema, in process (NOTES.md, "Fuzzing...").

schemathesis sends schema-valid and schema-invalid requests and checks: no 500, every status
documented, every answer matching its schema, invalid input rejected, valid input accepted.
"Accepted" includes 400: a request can match the schema yet break a rule the schema cannot
express (an unknown team key, an end before the start); such requests get 400 with the field
named, while 422 is kept for requests that do not match the schema at all.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from headway.core.tests.api_fixtures import token_for
from headway.core.tests.factories import (
    CheckInFactory,
    DependencyFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
)


def config_for(token: str) -> SchemathesisConfig:
    """Checks as described above; the admin's token given as the schema's own bearer auth, so
    schemathesis knows every request carries it and never counts a mutated Authorization header
    that the token replaced as "invalid data accepted"."""
    return SchemathesisConfig.from_dict(
        {
            "auth": {"openapi": {"TokenAuth": {"bearer": token}}},
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                }
            },
        }
    )


@pytest.fixture
def api_schema(world):
    objective = ObjectiveFactory(workspace=world.workspace, cycle=world.cycle, key="O-1")
    kr = KeyResultFactory(objective=objective, key="KR-1")
    CheckInFactory(key_result=kr, at=date(2026, 2, 1))
    InitiativeFactory(objective=objective, key="I-1", key_result=kr)
    DependencyFactory(
        objective=objective,
        depends_on_objective=ObjectiveFactory(
            workspace=world.workspace, cycle=world.cycle, key="O-2"
        ),
    )
    kpi = KPIFactory(workspace=world.workspace, key="mrr", team=world.web)
    KPIValueFactory(kpi=kpi, at=date(2026, 1, 5))
    # Django closes the connection around each WSGI request when it is not in autocommit, as
    # inside the test's transaction; its own test client avoids that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json",
            get_wsgi_application(),
            config=config_for(token_for(world.admin)),
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# about two minutes: run by `make unit` and CI, not by a plain `pytest`
pytestmark = pytest.mark.slow

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_schema(case):
    case.call_and_validate()
