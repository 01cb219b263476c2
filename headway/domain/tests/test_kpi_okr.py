"""The key result proposed by 'Start an OKR from this KPI'."""

from headway.domain.kpi_okr import direction_from_kpi
from headway.domain.types import Direction, KPIDirection

HIGHER, LOWER = KPIDirection.HIGHER_IS_BETTER, KPIDirection.LOWER_IS_BETTER


class TestDirectionFromKpi:
    def test_a_red_kpi_gives_a_key_result_that_moves_from_the_current_value(self) -> None:
        assert direction_from_kpi(HIGHER, 40, 100) is Direction.AUTO
        assert direction_from_kpi(LOWER, 9, 3) is Direction.AUTO
        assert direction_from_kpi(KPIDirection.WITHIN_RANGE, 9, 3) is Direction.AUTO

    def test_without_a_reading_it_is_the_threshold(self) -> None:
        assert direction_from_kpi(HIGHER, None, 100) is Direction.AT_LEAST
        assert direction_from_kpi(LOWER, None, 3) is Direction.AT_MOST

    def test_a_kpi_at_or_past_its_target_is_kept_there(self) -> None:
        assert direction_from_kpi(HIGHER, 120, 100) is Direction.AT_LEAST
        assert direction_from_kpi(LOWER, 3, 3) is Direction.AT_MOST
        assert direction_from_kpi(LOWER, 1, 3) is Direction.AT_MOST
