"""Reads of cycles that every app shares: the current cycle, the open ones."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models

from headway.domain.cycles import current_cycle
from headway.domain.types import CycleState

if TYPE_CHECKING:
    from headway.okrs.models import Cycle


class CycleQuerySet(models.QuerySet["Cycle"]):
    def open(self) -> CycleQuerySet:
        """Cycles that are not closed (planning or active)."""
        return self.exclude(state=CycleState.CLOSED.value)

    def current(self, as_of: date) -> Cycle | None:
        """The cycle pages show when none is asked for (one query); see
        `headway.domain.cycles.current_cycle` and docs/scoring.md "Cycles"."""
        return current_cycle(list(self), as_of)
