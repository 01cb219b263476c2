"""Check-in discipline: a team's streak and missed check-ins (events.streaks), and the team
page's "Check-in rhythm" panel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from headway.core.tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    ObjectiveFactory,
)
from headway.core.tests.fixtures import signed_in
from headway.domain.events import Kind
from headway.domain.rhythm import Streak
from headway.events.actions import Happened, Subject, record
from headway.events.models import DomainEvent
from headway.events.streaks import LIST_SIZE, rhythm_of, worsened
from headway.okrs.models import KeyResult

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 18, 12, tzinfo=UTC)  # a Wednesday, in week 8


def mondays(first: date, count: int) -> list[date]:
    return [first + timedelta(days=7 * i) for i in range(count)]


@pytest.fixture
def web_team(world, time_machine):
    """Two key results of a web objective since 5 January: steady (checked in every week,
    this one included) and patchy (weeks 5 to 7 only), owned by Max and by nobody."""
    time_machine.move_to(datetime(2026, 1, 5, 9, tzinfo=UTC), tick=False)
    objective = ObjectiveFactory(
        workspace=world.workspace, cycle=world.cycle, team=world.web, owner=world.user("lead")
    )
    steady = KeyResultFactory(objective=objective, owner=world.user("member"), title="Steady")
    patchy = KeyResultFactory(objective=objective, owner=None, title="Patchy")
    for day in mondays(date(2026, 1, 5), 7):
        CheckInFactory(key_result=steady, at=day)
    for day in mondays(date(2026, 1, 26), 3):
        CheckInFactory(key_result=patchy, at=day)
    time_machine.move_to(NOW, tick=False)
    return objective, steady, patchy


def web_krs(world):
    return KeyResult.objects.filter(objective__team=world.web)


class TestRhythmOf:
    def test_the_streak_counts_the_weeks_every_key_result_was_checked_in(self, world, web_team):
        rhythm = rhythm_of(web_krs(world), tz="UTC", now=NOW)
        assert rhythm.streak == Streak(3, False)  # weeks 5-7; week 8 is still running
        assert rhythm.week.label == "2026-W08"
        assert rhythm.expected == 2

    def test_the_missed_ones_name_who_answers_for_them(self, world, web_team):
        _, _, patchy = web_team
        rhythm = rhythm_of(web_krs(world), tz="UTC", now=NOW)
        assert [(row["kr"].pk, row["owner"]) for row in rhythm.missed] == [
            (patchy.pk, world.user("lead"))
        ]
        assert rhythm.missed_total == 1

    def test_a_check_in_this_week_keeps_the_week(self, world, web_team):
        _, _, patchy = web_team
        CheckInFactory(key_result=patchy, at=date(2026, 2, 17))
        rhythm = rhythm_of(web_krs(world), tz="UTC", now=NOW)
        assert rhythm.streak == Streak(4, True)
        assert rhythm.missed == []

    def test_key_results_following_a_kpi_are_left_out(self, world, web_team):
        _, _, patchy = web_team
        patchy.kpi = KPIFactory(workspace=world.workspace)
        patchy.save()
        assert rhythm_of(web_krs(world), tz="UTC", now=NOW).streak == Streak(7, True)

    def test_the_list_is_bounded_and_says_how_many(self, world, web_team):
        objective, _, _ = web_team
        for _ in range(LIST_SIZE + 2):
            KeyResultFactory(objective=objective)
        rhythm = rhythm_of(web_krs(world), tz="UTC", now=NOW)
        assert len(rhythm.missed) == LIST_SIZE
        assert rhythm.missed_total == LIST_SIZE + 3

    def test_nothing_to_check_in_on(self, world):
        rhythm = rhythm_of(web_krs(world), tz="UTC", now=NOW)
        assert (rhythm.streak, rhythm.expected, rhythm.missed_total) == (Streak(0, False), 0, 0)


def status_changed(world, kr, before, after, at, team=None):
    subject = Subject(
        "key_result", kr.pk, kr.key, kr.title, objective_id=kr.objective_id,
        team_id=(team or world.web).pk, owner_id=kr.owner_id,
    )  # fmt: skip
    data = {"from": before, "to": after, "worsened": before == "on_track"}
    record(world.workspace.pk, [Happened(Kind.KEY_RESULT_STATUS_CHANGED, subject, data)], at=at)


class TestWorsened:
    def test_the_last_seven_days_worsenings_newest_first(self, world, web_team):
        _, steady, patchy = web_team
        status_changed(world, steady, "on_track", "at_risk", NOW - timedelta(days=2))
        status_changed(world, patchy, "on_track", "off_track", NOW - timedelta(days=1))
        status_changed(world, steady, "at_risk", "on_track", NOW - timedelta(hours=1))  # better
        status_changed(world, steady, "on_track", "at_risk", NOW - timedelta(days=8))  # older
        status_changed(world, steady, "on_track", "at_risk", NOW, team=world.product)
        events = DomainEvent.objects.filter(team=world.web)
        found = worsened(events, now=NOW)
        assert [(e.subject_id, e.data["to"]) for e in found["rows"]] == [
            (patchy.pk, "off_track"),
            (steady.pk, "at_risk"),
        ]
        assert found["total"] == 2


class TestTeamPage:
    def test_the_lead_sees_the_rhythm_panel(self, world, web_team):
        _, steady, _ = web_team
        status_changed(world, steady, "on_track", "at_risk", NOW - timedelta(days=2))
        text = signed_in(world, "lead").get("/teams/web/").content.decode()
        panel = text[text.index('id="rhythm-h"') :]
        assert "3 weeks in a row" in panel
        assert "not counting this week yet" in panel
        assert "2 key results to check in on, 1 not checked in yet" in panel
        missed = panel[panel.index('id="missed-h"') : panel.index('id="worsened-h"')]
        assert "Patchy" in missed
        assert "Steady" not in missed
        worse = panel[panel.index('id="worsened-h"') :]
        assert f'#kr-{steady.key}">Steady</a>' in worse

    def test_hidden_objectives_stay_hidden(self, world, web_team):
        objective, _, patchy = web_team
        objective.visibility = "private"
        objective.save()
        status_changed(world, patchy, "on_track", "at_risk", NOW - timedelta(days=2))
        text = signed_in(world, "viewer").get("/teams/web/").content.decode()
        panel = text[text.index('id="rhythm-h"') :]
        assert "Patchy" not in panel
        assert "0 weeks in a row" in panel
        assert "No key result worsened." in panel


class TestMyFocus:
    def test_each_person_sees_their_own_streak(self, world, web_team):
        text = signed_in(world, "member").get("/").content.decode()
        assert "Your check-in streak: 7 weeks in a row." in text
        text = signed_in(world, "lead").get("/").content.decode()  # answers for Patchy
        assert "Your check-in streak: 3 weeks in a row, this week still to come." in text

    def test_no_streak_no_line(self, world, web_team):
        assert 'id="streak"' not in signed_in(world, "admin").get("/").content.decode()
