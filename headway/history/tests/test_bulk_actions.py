"""Bulk writes of the audit trail: a Batch's upsert, restoring and forgetting events."""

from datetime import UTC, datetime

import pytest

from headway.history.actions import (
    Batch,
    EventIn,
    Refused,
    RowProblem,
    delete_events,
    restore_events,
)
from headway.history.models import Event
from headway.teams.models import Team


def event_in(**changes):
    values = {
        "at": datetime(2026, 1, 1, tzinfo=UTC), "verb": "created", "subject_type": "team",
        "subject_key": "web", "summary": "Web", "changes": {}, "via": "web", "actor": "ada",
        "objective": None, "team": "web",
    }  # fmt: skip
    return EventIn(**{**values, **changes})


class TestRestoreEvents:
    def test_it_adds_only_the_events_not_held_yet_and_keeps_unknowns_unknown(self, world):
        ids = {"ada": world.user("admin").pk}
        events = [event_in(), event_in(actor="gone", team="gone", verb="updated")]
        args = {"user_ids": ids, "objective_ids": {}, "team_ids": {"web": world.web.pk}}
        assert restore_events(world.workspace, events, **args) == 2
        assert restore_events(world.workspace, events, **args) == 0
        restored = Event.objects.order_by("id")
        assert [(e.actor_id, e.team_id) for e in restored] == [
            (ids["ada"], world.web.pk),
            (None, None),
        ]

    def test_delete_events_forgets_one_workspace_only(self, world):
        restore_events(world.workspace, [event_in()], user_ids={}, objective_ids={}, team_ids={})
        restore_events(world.other, [event_in()], user_ids={}, objective_ids={}, team_ids={})
        delete_events(world.workspace)
        assert list(Event.objects.values_list("workspace", flat=True)) == [world.other.pk]


class TestBatchUpsert:
    def test_a_lock_refusal_names_the_row_and_writes_nothing(self, world):
        batch = Batch(world.workspace, None, "import")

        def lock(index, row, changes):
            return RowProblem(index, "name", "no") if changes.get("name") == "Bad" else None

        items = [("ok", {"name": "Ok", "kind": "team"}), ("bad", {"name": "Bad", "kind": "team"})]
        with pytest.raises(Refused) as refused:
            batch.upsert(Team, "team", items, {}, lock=lock)
        assert refused.value.problems == [RowProblem(1, "name", "no")]
        assert not Team.objects.filter(key__in=["ok", "bad"]).exists()

    def test_one_query_per_model_whatever_the_number_of_rows(
        self, world, django_assert_max_num_queries
    ):
        batch = Batch(world.workspace, None, "import")
        items = [(f"t{n}", {"name": f"T{n}", "kind": "team"}) for n in range(50)]
        with django_assert_max_num_queries(1):
            batch.upsert(Team, "team", items, {})
        renamed = [(key, {**values, "name": "Same"}) for key, values in items]
        rows = {team.key: team for team in Team.objects.filter(key__startswith="t")}
        with django_assert_max_num_queries(1):
            batch.upsert(Team, "team", renamed, rows)
        assert set(Team.objects.filter(key__startswith="t").values_list("name", flat=True)) == {
            "Same"
        }
