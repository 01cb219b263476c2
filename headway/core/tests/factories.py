"""factory_boy factories for every model; tests build exactly the rows they need.

Rows that feed a stored figure (an objective, a key result, a check-in, a KPI value) refresh it
as the actions do (okrs.figures), so pages and answers read what the actions would have stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from django.utils import timezone

from headway.accounts.models import Membership, User, Workspace
from headway.kpis.models import KPI, KPIValue
from headway.okrs.figures import (
    KR_STORED,
    refresh_for_kpis,
    refresh_key_results,
    refresh_objectives,
)
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.teams.models import Team

PASSWORD = "correct horse battery staple"


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"ws{n}")
    name = factory.LazyAttribute(lambda o: f"Workspace {o.key}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.LazyAttribute(lambda o: o.username.capitalize())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = "member"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"team-{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())
    kind = "team"


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"c{n}")
    name = factory.LazyAttribute(lambda o: f"Cycle {o.key}")
    start = date(2026, 1, 1)
    end = date(2026, 3, 31)
    state = "active"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"O-{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")
    cycle = factory.SubFactory(CycleFactory, workspace=factory.SelfAttribute("..workspace"))
    kind = "aspirational"
    visibility = "workspace"

    @classmethod
    def _create(cls, model_class: type[Objective], *args: Any, **kwargs: Any) -> Objective:
        objective = super()._create(model_class, *args, **kwargs)
        refresh_objectives([objective.pk])
        objective.refresh_from_db(fields=["progress"])
        return objective


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    workspace = factory.SelfAttribute("objective.workspace")
    key = factory.Sequence(lambda n: f"KR-{n}")
    title = factory.Sequence(lambda n: f"Key result {n}")
    metric = "number"
    start = 0.0
    target = 100.0
    direction = "auto"

    @classmethod
    def _create(cls, model_class: type[KeyResult], *args: Any, **kwargs: Any) -> KeyResult:
        kr = super()._create(model_class, *args, **kwargs)
        refresh_key_results([kr.pk])
        kr.refresh_from_db(fields=list(KR_STORED))
        return kr


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    key_result = factory.SubFactory(KeyResultFactory)
    at = date(2026, 2, 1)
    value = 50.0
    confidence = 7

    @classmethod
    def _create(cls, model_class: type[CheckIn], *args: Any, **kwargs: Any) -> CheckIn:
        check_in = super()._create(model_class, *args, **kwargs)
        refresh_key_results([check_in.key_result_id])
        return check_in


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    objective = factory.SubFactory(ObjectiveFactory)
    workspace = factory.SelfAttribute("objective.workspace")
    key = factory.Sequence(lambda n: f"I-{n}")
    title = factory.Sequence(lambda n: f"Initiative {n}")


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    objective = factory.SubFactory(ObjectiveFactory)
    workspace = factory.SelfAttribute("objective.workspace")
    depends_on_objective = factory.SubFactory(
        ObjectiveFactory, workspace=factory.SelfAttribute("..workspace")
    )


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"kpi-{n}")
    name = factory.Sequence(lambda n: f"KPI {n}")
    direction = "higher_is_better"
    target = 100.0
    green = 90.0
    red = 70.0
    cadence = "weekly"


class KPIValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPIValue

    kpi = factory.SubFactory(KPIFactory)
    at = date(2026, 2, 1)
    value = 80.0
    recorded_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type[KPIValue], *args: Any, **kwargs: Any) -> KPIValue:
        value = super()._create(model_class, *args, **kwargs)
        refresh_for_kpis([value.kpi_id])
        return value
