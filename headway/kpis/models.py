"""KPIs (ongoing health metrics with thresholds) and their values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from headway.core.models import RowId, WorkspaceScoped, choices
from headway.domain.types import Cadence, Category, Indicator, KPIDirection


class KPI(WorkspaceScoped):
    """A metric watched on a cadence, coloured red/amber/green by its thresholds."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="kpis"
    )
    unit = models.CharField(max_length=32, blank=True)
    direction = models.CharField(
        max_length=20, choices=choices(KPIDirection), default=KPIDirection.HIGHER_IS_BETTER.value
    )
    target = models.FloatField(null=True, blank=True)
    green = models.FloatField(null=True, blank=True)
    red = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(null=True, blank=True)
    cadence = models.CharField(
        max_length=16, choices=choices(Cadence), default=Cadence.WEEKLY.value
    )
    category = models.CharField(
        max_length=16, choices=choices(Category), default=Category.OTHER.value
    )
    indicator = models.CharField(
        max_length=16, choices=choices(Indicator), default=Indicator.LAGGING.value
    )
    benchmark = models.FloatField(null=True, blank=True)

    class Meta(WorkspaceScoped.Meta):
        ordering = ["name"]
        verbose_name = "KPI"
        indexes = [
            # The pickers' names starting with the typed text, in any case (pages.pickers).
            models.Index("workspace", Lower("name"), name="kpis_kpi_by_lower_name"),
        ]

    def __str__(self) -> str:
        return self.name


class KPIValue(models.Model):
    """One reading of a KPI. One per KPI and date: writing the same date again replaces it.

    Written in bulk (KPI ingestion), so the table carries only what serves: no index of its own
    on `kpi` (the unique (kpi, at) index starts with it) and no AUTOINCREMENT (RowId)."""

    id = RowId(primary_key=True)
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="values", db_index=False)
    at = models.DateField()
    value = models.FloatField()
    note = models.TextField(blank=True)
    source = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["kpi_id", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "at"],
                name="kpis_kpivalue_one_per_kpi_and_date",
                violation_error_message="There is already a value on this date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi.key} @ {self.at}: {self.value}"
