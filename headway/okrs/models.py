"""Cycles, objectives, key results, check-ins, initiatives and dependencies."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from headway.core.models import Timestamped, WorkspaceScoped, choices
from headway.domain.cycles import cycle_state
from headway.domain.tree import team_rank
from headway.domain.types import (
    CycleState,
    Direction,
    InitiativeStatus,
    Metric,
    ObjectiveKind,
    Visibility,
)
from headway.okrs.querysets import CycleQuerySet, InitiativeQuerySet, KeyResultQuerySet


class Cycle(WorkspaceScoped):
    """A period (usually a quarter) in which objectives are pursued and then graded."""

    name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(
        max_length=16, choices=choices(CycleState), default=CycleState.PLANNING.value
    )
    # Set when the cycle is closed: every figure of the cycle as of its end date, so that later
    # writes (a KPI value back-filled into a closed quarter) cannot change a grade once given.
    frozen_figures = models.JSONField(null=True, blank=True, editable=False)

    objects = CycleQuerySet.as_manager()

    class Meta(WorkspaceScoped.Meta):
        ordering = ["-start", "key"]
        constraints = [
            *WorkspaceScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="okrs_cycle_end_after_start",
                violation_error_message="end must be on or after start.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == CycleState.CLOSED.value

    def state_on(self, day: date) -> CycleState:
        """The state shown and reported: active from the start date on its own, unless closed."""
        return cycle_state(self.state, self.start, day)


class Objective(WorkspaceScoped):
    """A qualitative, time-bound goal, aligned to a parent objective."""

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    kind = models.CharField(
        max_length=16, choices=choices(ObjectiveKind), default=ObjectiveKind.ASPIRATIONAL.value
    )
    visibility = models.CharField(
        max_length=16, choices=choices(Visibility), default=Visibility.WORKSPACE.value
    )
    retrospective = models.TextField(blank=True, help_text="What we learned, written at review.")
    # Carry-over (docs/scoring.md, "Carrying over"): the objective this one continues, and on
    # the original, whether it was moved on (it keeps its figures in its own cycle).
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    carried_over = models.BooleanField(
        default=False, help_text="Moved to a later cycle; its figures stay in its own cycle."
    )
    # Stored figure (okrs.figures keeps it current): the weighted progress of its key results,
    # else the mean of its children's; None when neither exists. Status and score are derived
    # from it and the date when read (docs/scoring.md, "Stored figures").
    progress = models.FloatField(null=True, blank=True, editable=False)
    # Stored place of its team's kind in the OKR tree's order (domain.tree.team_rank: company 0,
    # department 1, team 2, no team 3), so that the tree's order is an index range rather than
    # a join and a sort. The actions keep it current: an objective's team changes through
    # okrs.actions, a team's kind through teams.actions, the plan import through
    # okrs.actions.place_objectives.
    team_rank = models.PositiveSmallIntegerField(default=team_rank(None), editable=False)

    class Meta(WorkspaceScoped.Meta):
        ordering = ["key"]
        indexes = [
            # The OKR tree's top-level objectives in its order, a page at a time, and how many
            # come before an opened one (okrs.views.tree): a range of this index, which carries
            # the columns of the visibility rule and the parent so that no row is read for them.
            models.Index(
                fields=[
                    "workspace",
                    "cycle",
                    "team_rank",
                    "title",
                    "visibility",
                    "owner",
                    "team",
                    "parent",
                ],
                name="okrs_objective_tree",
            ),
            # Team rollups and counts read only this index: a cycle's objectives by team, with
            # the columns of the visibility rule, the stored progress (okrs.rollups) and the
            # parent (the tree's count of its top-level objectives, okrs.views.tree).
            models.Index(
                fields=["workspace", "cycle", "team", "visibility", "owner", "progress", "parent"],
                name="okrs_objective_rollup",
            ),
            # A cycle's objectives by title, read in order and a page at a time (tree, pickers).
            models.Index(fields=["cycle", "title"], name="okrs_objective_by_title"),
            # The pickers' names starting with the typed text, in any case (pages.pickers).
            models.Index("workspace", Lower("title"), name="okrs_objective_by_lower_title"),
        ]

    def __str__(self) -> str:
        return self.title


class KeyResult(WorkspaceScoped):
    """A measurable result: a number moving from `start` to `target` (or a done/not-done flag)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=300)
    metric = models.CharField(max_length=16, choices=choices(Metric), default=Metric.NUMBER.value)
    unit = models.CharField(max_length=32, blank=True)
    start = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    direction = models.CharField(
        max_length=16, choices=choices(Direction), default=Direction.AUTO.value
    )
    weight = models.FloatField(default=1.0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
    )
    kpi = models.ForeignKey(
        "kpis.KPI",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
        db_index=False,  # okrs_keyresult_kpi below
    )
    position = models.PositiveIntegerField(default=0)
    # Stored figures (okrs.figures keeps them current) as the readings stand: the latest value
    # (check-in, or the KPI's value) up to the cycle's end, its progress and attainment, and
    # the latest check-in's confidence. Status is derived from them and the date when read.
    current = models.FloatField(null=True, blank=True, editable=False)
    progress = models.FloatField(default=0.0, editable=False)
    attainment = models.FloatField(null=True, blank=True, editable=False)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = KeyResultQuerySet.as_manager()

    class Meta(WorkspaceScoped.Meta):
        ordering = ["objective_id", "position", "key"]
        indexes = [
            # The pickers' names starting with the typed text, in any case (pages.pickers).
            models.Index("workspace", Lower("title"), name="okrs_keyresult_by_lower_title"),
            # The key results a KPI feeds (a KPI's page, a value's refresh). Only those with a
            # KPI: most have none, and with the NULLs in it SQLite judged the index no better
            # than the workspace's and read every key result of the workspace.
            models.Index(fields=["kpi"], condition=Q(kpi__isnull=False), name="okrs_keyresult_kpi"),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(Timestamped):
    """A weekly reading of a key result. One per key result and day: a second one replaces it."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateField()
    value = models.FloatField()
    confidence = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
    )

    class Meta:
        ordering = ["key_result_id", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "at"],
                name="okrs_checkin_one_per_key_result_and_day",
                violation_error_message="There is already a check-in on this day.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=10),
                name="okrs_checkin_confidence_1_to_10",
                violation_error_message="confidence must be between 1 and 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result.key} @ {self.at}: {self.value}"


class Initiative(WorkspaceScoped):
    """Work undertaken to move an objective (optionally one key result)."""

    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    status = models.CharField(
        max_length=16, choices=choices(InitiativeStatus), default=InitiativeStatus.TODO.value
    )
    due = models.DateField(null=True, blank=True)
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="initiatives")
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta(WorkspaceScoped.Meta):
        ordering = ["due", "key"]

    def __str__(self) -> str:
        return self.title


class Dependency(Timestamped):
    """An objective or key result that depends on another one, often in another team."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="dependencies"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="dependencies"
    )
    depends_on_objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="dependents"
    )
    depends_on_key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="dependents"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective__isnull=False, key_result__isnull=True)
                    | Q(objective__isnull=True, key_result__isnull=False)
                ),
                name="okrs_dependency_one_dependent",
                violation_error_message="Give exactly one of objective and key_result.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(depends_on_objective__isnull=False, depends_on_key_result__isnull=True)
                    | Q(depends_on_objective__isnull=True, depends_on_key_result__isnull=False)
                ),
                name="okrs_dependency_one_dependency",
                violation_error_message=(
                    "Give exactly one of depends_on_objective and depends_on_key_result."
                ),
            ),
            # The same dependency once only: one partial index per pair of columns in use (a
            # plain unique constraint would let the NULL columns differ on PostgreSQL).
            *(
                models.UniqueConstraint(
                    fields=[source, target],
                    condition=Q(**{f"{source}__isnull": False, f"{target}__isnull": False}),
                    name=f"okrs_dependency_unique_{source}_{target}",
                    violation_error_message="This dependency is already recorded.",
                )
                for source in ("objective", "key_result")
                for target in ("depends_on_objective", "depends_on_key_result")
            ),
        ]

    def __str__(self) -> str:
        source = self.objective or self.key_result
        target = self.depends_on_objective or self.depends_on_key_result
        return f"{source} depends on {target}"
