"""A cycle's derived state and the one rule for the current cycle (docs/scoring.md "Cycles")."""

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.cycles import current_cycle, cycle_state, refused_when_closed
from headway.domain.types import CycleState


@dataclass(frozen=True)
class C:
    key: str
    start: date
    end: date
    state: str = "planning"


Q1 = C("q1", date(2026, 1, 1), date(2026, 3, 31))
Q2 = C("q2", date(2026, 4, 1), date(2026, 6, 30))
Q3 = C("q3", date(2026, 7, 1), date(2026, 9, 30))
Q4 = C("q4", date(2026, 10, 1), date(2026, 12, 31))


class TestCycleState:
    def test_a_planned_cycle_becomes_active_on_its_start_date_on_its_own(self) -> None:
        assert cycle_state("planning", Q2.start, Q2.start - timedelta(days=1)) == "planning"
        assert cycle_state("planning", Q2.start, Q2.start) == CycleState.ACTIVE

    def test_an_admin_may_activate_a_cycle_before_it_starts(self) -> None:
        assert cycle_state("active", Q2.start, date(2026, 1, 5)) == CycleState.ACTIVE

    def test_a_closed_cycle_stays_closed(self) -> None:
        assert cycle_state("closed", Q1.start, date(2026, 2, 1)) == CycleState.CLOSED


class TestCurrentCycle:
    def test_after_closing_a_quarter_it_is_the_one_containing_today_not_the_furthest(
        self,
    ) -> None:
        cycles = [Q4, Q3, Q2, C("q1", Q1.start, Q1.end, "closed")]
        assert current_cycle(cycles, date(2026, 4, 2)) == Q2

    def test_a_closed_cycle_containing_today_is_still_current_when_nothing_else_is(
        self,
    ) -> None:
        closed = C("q1", Q1.start, Q1.end, "closed")
        assert current_cycle([Q4, Q2, closed], date(2026, 3, 20)) == closed

    def test_an_open_cycle_wins_over_a_closed_one_containing_today(self) -> None:
        year = C("y", date(2026, 1, 1), date(2026, 12, 31))
        closed = C("q1", Q1.start, Q1.end, "closed")
        assert current_cycle([year, closed], date(2026, 2, 1)) == year

    def test_between_cycles_it_is_the_latest_started(self) -> None:
        assert current_cycle([Q1, Q3], date(2026, 5, 1)) == Q1

    def test_before_any_cycle_it_is_the_next_to_come(self) -> None:
        assert current_cycle([Q4, Q3, Q2], date(2026, 1, 5)) == Q2

    def test_no_cycle(self) -> None:
        assert current_cycle([], date(2026, 1, 5)) is None

    @given(
        st.lists(
            st.tuples(
                st.dates(date(2020, 1, 1), date(2030, 1, 1)),
                st.integers(0, 400),
                st.sampled_from(["planning", "active", "closed"]),
            ),
            max_size=8,
        ),
        st.dates(date(2019, 1, 1), date(2031, 1, 1)),
    )
    def test_it_picks_one_of_them_whatever_the_order(self, rows, day) -> None:  # type: ignore[no-untyped-def]
        cycles = [
            C(f"c{i}", s, s + timedelta(days=n), state) for i, (s, n, state) in enumerate(rows)
        ]
        chosen = current_cycle(cycles, day)
        assert (chosen is None) == (not cycles)
        assert current_cycle(list(reversed(cycles)), day) == chosen
        if any(c.start <= day <= c.end for c in cycles):
            assert chosen is not None
            assert chosen.start <= day <= chosen.end


class TestRefusedWhenClosed:
    def test_a_closed_cycle_may_be_renamed_or_reopened_but_not_moved(self) -> None:
        assert refused_when_closed("cycle", ["name", "state"]) == []
        assert refused_when_closed("cycle", ["name", "start", "end"]) == ["end", "start"]

    def test_an_objective_may_still_be_reviewed(self) -> None:
        assert refused_when_closed("objective", ["retrospective", "carried_over"]) == []
        assert refused_when_closed("objective", ["title", "retrospective"]) == ["title"]

    def test_nothing_else_it_holds_may_change(self) -> None:
        assert refused_when_closed("key_result", ["title"]) == ["title"]
        assert refused_when_closed("check_in", ["value", "note"]) == ["note", "value"]
