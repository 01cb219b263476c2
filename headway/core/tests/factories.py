"""factory_boy factories for every model; tests build exactly the rows they need."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from headway.accounts.models import Membership, User, Workspace
from headway.domain.tree import team_rank
from headway.kpis.models import KPI, KPIValue
from headway.okrs import figures
from headway.okrs.models import CheckIn, Cycle, Dependency, Initiative, KeyResult, Objective
from headway.teams.models import Team

PASSWORD = "correct horse battery staple"


class Refreshing(factory.django.DjangoModelFactory):
    """A factory whose rows get the stored figures the actions would give them (okrs.figures):
    a test reads the figures a user would see, whether it built its rows with actions or not."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row = super()._create(model_class, *args, **kwargs)
        cls.refresh(row)
        return row

    @classmethod
    def refresh(cls, row):
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


class ObjectiveFactory(Refreshing):
    class Meta:
        model = Objective

    @classmethod
    def refresh(cls, row):
        figures.refresh_objectives([row.pk])
        row.refresh_from_db(fields=["progress"])

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"O-{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")
    cycle = factory.SubFactory(CycleFactory, workspace=factory.SelfAttribute("..workspace"))
    kind = "aspirational"
    visibility = "workspace"
    # As okrs.actions.place sets it: the place of the team's kind in the OKR tree's order.
    team_rank = factory.LazyAttribute(
        lambda o: team_rank(o.team.kind if getattr(o, "team", None) else None)
    )


class KeyResultFactory(Refreshing):
    class Meta:
        model = KeyResult

    @classmethod
    def refresh(cls, row):
        figures.refresh_key_results([row.pk])
        row.refresh_from_db(fields=figures.KR_STORED)

    objective = factory.SubFactory(ObjectiveFactory)
    workspace = factory.SelfAttribute("objective.workspace")
    key = factory.Sequence(lambda n: f"KR-{n}")
    title = factory.Sequence(lambda n: f"Key result {n}")
    metric = "number"
    start = 0.0
    target = 100.0
    direction = "auto"


class CheckInFactory(Refreshing):
    class Meta:
        model = CheckIn

    @classmethod
    def refresh(cls, row):
        figures.refresh_key_results([row.key_result_id])

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


class KPIValueFactory(Refreshing):
    class Meta:
        model = KPIValue

    @classmethod
    def refresh(cls, row):
        figures.refresh_for_kpis([row.kpi_id])

    kpi = factory.SubFactory(KPIFactory)
    at = date(2026, 2, 1)
    value = 80.0
    recorded_at = factory.LazyFunction(timezone.now)
