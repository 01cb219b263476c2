"""factory_boy factories for every model; tests build exactly the rows they need."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from django.utils import timezone

from headway.accounts.models import Membership, User, Workspace
from headway.kpis.models import KPI, KPIValue
from headway.okrs.figures import refresh_for_kpis, refresh_key_results, refresh_objectives
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.teams.models import Team

PASSWORD = "correct horse battery staple"


class FeedsFigures(factory.django.DjangoModelFactory):
    """A factory of rows that stored figures rest on: once created, the figures are refreshed
    as the actions refresh them (okrs.figures), so that reads of today's figures see them."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        super()._after_postgeneration(instance, create, results)
        if create:
            cls.refresh(instance)

    @classmethod
    def refresh(cls, instance: Any) -> None:
        raise NotImplementedError


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


class ObjectiveFactory(FeedsFigures):
    class Meta:
        model = Objective

    @classmethod
    def refresh(cls, instance: Objective) -> None:
        refresh_objectives([instance.pk])

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"O-{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")
    cycle = factory.SubFactory(CycleFactory, workspace=factory.SelfAttribute("..workspace"))
    kind = "aspirational"
    visibility = "workspace"


class KeyResultFactory(FeedsFigures):
    class Meta:
        model = KeyResult

    @classmethod
    def refresh(cls, instance: KeyResult) -> None:
        refresh_key_results([instance.pk])

    objective = factory.SubFactory(ObjectiveFactory)
    workspace = factory.SelfAttribute("objective.workspace")
    key = factory.Sequence(lambda n: f"KR-{n}")
    title = factory.Sequence(lambda n: f"Key result {n}")
    metric = "number"
    start = 0.0
    target = 100.0
    direction = "auto"


class CheckInFactory(FeedsFigures):
    class Meta:
        model = CheckIn

    @classmethod
    def refresh(cls, instance: CheckIn) -> None:
        refresh_key_results([instance.key_result_id])

    key_result = factory.SubFactory(KeyResultFactory)
    at = date(2026, 2, 1)
    value = 50.0
    confidence = 7


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


class KPIValueFactory(FeedsFigures):
    class Meta:
        model = KPIValue

    @classmethod
    def refresh(cls, instance: KPIValue) -> None:
        refresh_for_kpis([instance.kpi_id])

    kpi = factory.SubFactory(KPIFactory)
    at = date(2026, 2, 1)
    value = 80.0
    recorded_at = factory.LazyFunction(timezone.now)
