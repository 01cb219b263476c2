from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.events import MILESTONES, Kind, milestones_crossed, worsened

progress = st.none() | st.decimals(min_value=0, max_value=2, places=4)


class TestMilestones:
    def test_it_names_those_reached_on_the_way_up(self) -> None:
        assert milestones_crossed(Decimal("0.1"), Decimal("0.6")) == [25, 50]
        assert milestones_crossed(None, Decimal("0.25")) == [25]
        assert milestones_crossed(Decimal("0.5"), Decimal("1.2")) == [75, 100]

    def test_going_down_or_staying_crosses_none(self) -> None:
        assert milestones_crossed(Decimal("0.6"), Decimal("0.1")) == []
        assert milestones_crossed(Decimal("0.5"), Decimal("0.5")) == []
        assert milestones_crossed(Decimal("0.5"), None) == []

    @given(progress, progress, progress)
    def test_two_steps_up_cross_what_one_step_does(self, a, b, c) -> None:
        low, mid, high = sorted((x if x is not None else Decimal(-1)) for x in (a, b, c))
        assert milestones_crossed(low, mid) + milestones_crossed(mid, high) == (
            milestones_crossed(low, high)
        )
        assert set(milestones_crossed(low, high)) <= set(MILESTONES)


class TestWorsened:
    def test_statuses_and_kpi_colours_have_an_order(self) -> None:
        assert worsened("on_track", "at_risk")
        assert worsened("done", "off_track")
        assert not worsened("off_track", "on_track")
        assert worsened("green", "red")
        assert not worsened("red", "amber")

    def test_no_data_and_unknown_values_are_never_worse(self) -> None:
        assert not worsened("green", "no_data")
        assert not worsened(None, "red")
        assert not worsened("green", "off_track")  # not one scale


def test_every_kind_is_named_subject_dot_what_with_a_label() -> None:
    for kind in Kind:
        subject, _, what = kind.value.partition(".")
        assert subject
        assert what
        assert kind.label.startswith(subject.replace("_", " ").capitalize())
