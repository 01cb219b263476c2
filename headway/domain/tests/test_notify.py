from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.events import Kind
from headway.domain.notify import (
    DIGESTS,
    KINDS,
    Audience,
    Channel,
    Reason,
    default,
    is_quiet,
    label,
    recipients,
    retry_after,
    send_at,
    wanted,
    worth_email,
)
from headway.domain.types import Role, Visibility

OWNER, LEAD, ABOVE, MATE, FAN, OTHER, ACTOR = 1, 2, 3, 4, 5, 6, 7
MEMBERS = dict.fromkeys((OWNER, LEAD, ABOVE, MATE, FAN, OTHER, ACTOR), Role.MEMBER)


def audience(**changes: object) -> Audience:
    fields: dict[str, object] = {
        "members": MEMBERS,
        "owner": OWNER,
        "objective_owner": OWNER,
        "team_lead": LEAD,
        "leads_above": frozenset({ABOVE}),
        "team_members": frozenset({MATE}),
        "followers": frozenset({FAN}),
        "visibility": Visibility.WORKSPACE,
    }
    fields.update(changes)
    return Audience(**fields)  # type: ignore[arg-type]


class TestDefaults:
    def test_every_event_is_in_the_app_and_no_digest_is(self) -> None:
        for kind in Kind:
            assert default(kind.value, Channel.IN_APP)
        for kind in DIGESTS:
            assert not default(kind, Channel.IN_APP)
            assert default(kind, Channel.EMAIL)

    def test_email_by_default_for_status_changes_help_and_digests_only(self) -> None:
        by_email = {k for k in KINDS if default(k, Channel.EMAIL)}
        assert by_email == {
            "objective.status_changed",
            "key_result.status_changed",
            "kpi.status_changed",
            "check_in.help_requested",
            "digest.weekly",
            "digest.kpi_review",
            "digest.retrospective",
        }

    def test_a_choice_overrides_the_default_but_no_digest_reaches_the_app(self) -> None:
        off = {("key_result.milestone", "in_app"): False, ("digest.weekly", "in_app"): True}
        assert not wanted("key_result.milestone", Channel.IN_APP, off)
        assert not wanted("digest.weekly", Channel.IN_APP, off)
        assert wanted("kpi.stale", Channel.IN_APP, off)
        assert wanted("kpi.stale", Channel.EMAIL, {("kpi.stale", "email"): True})

    def test_status_changes_are_emailed_when_they_worsened(self) -> None:
        kind = "key_result.status_changed"
        assert worth_email(kind, {"from": "on_track", "to": "at_risk", "worsened": True})
        assert not worth_email(kind, {"from": "at_risk", "to": "on_track", "worsened": False})
        assert worth_email("kpi.status_changed", {"from": "amber", "to": "red"})
        assert not worth_email("kpi.status_changed", {"from": "green", "to": "amber"})
        assert worth_email("check_in.help_requested", {})

    def test_every_kind_has_a_label(self) -> None:
        assert label("digest.weekly") == "Digest: weekly personal digest"
        assert label("kpi.stale") == "Kpi: stale"
        assert len({label(k) for k in KINDS}) == len(KINDS)


class TestRecipients:
    def test_owner_lead_and_followers_hear_a_milestone(self) -> None:
        heard = recipients("key_result.milestone", {}, audience(), actor=None)
        assert heard == {OWNER: Reason.OWNER, LEAD: Reason.TEAM_LEAD, FAN: Reason.FOLLOWER}

    def test_leads_above_hear_a_worsened_status_only(self) -> None:
        worse = {"from": "on_track", "to": "off_track", "worsened": True}
        better = {"from": "off_track", "to": "on_track", "worsened": False}
        assert ABOVE in recipients("objective.status_changed", worse, audience(), actor=None)
        assert ABOVE not in recipients("objective.status_changed", better, audience(), actor=None)

    def test_the_team_hears_a_help_request(self) -> None:
        heard = recipients("check_in.help_requested", {}, audience(), actor=None)
        assert heard[MATE] is Reason.TEAM_MEMBER

    def test_the_actor_does_not_hear_of_their_own_action(self) -> None:
        heard = recipients("key_result.milestone", {}, audience(), actor=OWNER)
        assert OWNER not in heard

    def test_everyone_hears_of_a_cycle(self) -> None:
        heard = recipients("cycle.started", {}, audience(owner=None, team_lead=None), actor=ACTOR)
        assert set(heard) == set(MEMBERS) - {ACTOR}

    def test_nobody_outside_the_workspace_hears_anything(self) -> None:
        members = {p: r for p, r in MEMBERS.items() if p != FAN}
        assert FAN not in recipients("kpi.stale", {}, audience(members=members), actor=None)

    def test_what_a_person_may_not_see_they_do_not_hear_of(self) -> None:
        worse = {"worsened": True}
        private = audience(visibility=Visibility.PRIVATE)
        heard = recipients("objective.status_changed", worse, private, actor=None)
        assert ABOVE not in heard
        assert FAN not in heard
        assert OWNER in heard
        assert LEAD in heard
        admins = {**MEMBERS, FAN: Role.ADMIN}
        heard = recipients(
            "objective.status_changed",
            worse,
            audience(members=admins, visibility=Visibility.PRIVATE),
            actor=None,
        )
        assert FAN in heard

    @given(st.sampled_from(KINDS), st.booleans(), st.sampled_from([None, *MEMBERS]))
    def test_recipients_are_members_never_the_actor(self, kind, worse, actor) -> None:
        heard = recipients(kind, {"worsened": worse}, audience(), actor=actor)
        assert actor not in heard
        assert set(heard) <= set(MEMBERS)


class TestQuietHours:
    def test_hours_wrap_over_midnight(self) -> None:
        assert is_quiet(23, 22, 7)
        assert is_quiet(3, 22, 7)
        assert not is_quiet(7, 22, 7)
        assert not is_quiet(12, 22, 7)
        assert is_quiet(12, 12, 14)
        assert not is_quiet(14, 12, 14)
        assert not is_quiet(5, 5, 5)

    def test_an_email_in_quiet_hours_waits_until_they_end(self) -> None:
        night = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 00:30 in Paris
        assert send_at(night, "Europe/Paris", 22, 7) == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
        evening = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 in Paris
        assert send_at(evening, "Europe/Paris", 22, 7) == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
        day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
        assert send_at(day, "Europe/Paris", 22, 7) == day
        assert send_at(night, "Europe/Paris", None, None) == night

    @given(
        st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
        ),
        st.integers(0, 23),
        st.integers(0, 23),
        st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"]),
    )
    def test_it_sends_outside_quiet_hours_within_a_day(self, now, start, end, tz) -> None:
        from zoneinfo import ZoneInfo

        when = send_at(now, tz, start, end)
        assert now <= when <= now + timedelta(hours=25)
        if when != now:
            assert not is_quiet(when.astimezone(ZoneInfo(tz)).hour, start, end)


class TestRetries:
    def test_it_backs_off_then_gives_up(self) -> None:
        delays = [retry_after(n) for n in range(1, 5)]
        assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
        assert delays[3] is None
