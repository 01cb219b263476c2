"""Reads that pages, the API and the export share: the current cycle, the open ones, the key
results and initiatives a person answers for."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from headway.domain.cycles import current_cycle
from headway.domain.types import CycleState, InitiativeStatus

if TYPE_CHECKING:
    from headway.accounts.models import User
    from headway.okrs.models import Cycle, Initiative, KeyResult  # noqa: F401 (the QuerySet bases name them)


class CycleQuerySet(models.QuerySet["Cycle"]):
    def open(self) -> CycleQuerySet:
        """Cycles that are not closed (planning or active)."""
        return self.exclude(state=CycleState.CLOSED.value)

    def current(self, as_of: date) -> Cycle | None:
        """The cycle pages show when none is asked for (one query); see
        `headway.domain.cycles.current_cycle` and docs/scoring.md "Cycles"."""
        return current_cycle(list(self), as_of)


def answered_by_q(user: User) -> Q:
    """A key result or initiative a person answers for: theirs, or an unowned one of their
    objectives."""
    return Q(owner=user) | Q(owner__isnull=True, objective__owner=user)


class KeyResultQuerySet(models.QuerySet["KeyResult"]):
    def checked_in_by(self, user: User) -> KeyResultQuerySet:
        """Key results `user` checks in on: theirs, or unowned ones of their objectives."""
        return self.filter(answered_by_q(user))


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def due_for(self, user: User, until: date) -> InitiativeQuerySet:
        """Initiatives `user` answers for, still to do or under way, due on or before `until`."""
        return self.filter(answered_by_q(user)).filter(
            due__lte=until,
            status__in=[InitiativeStatus.TODO.value, InitiativeStatus.DOING.value],
        )
