from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from headway.domain.carry import carried_start, is_unfinished
from headway.domain.types import Metric


def test_an_objective_below_100_percent_is_unfinished():
    assert is_unfinished(Decimal("0.99"))
    assert is_unfinished(0.0)
    assert not is_unfinished(Decimal(1))
    assert not is_unfinished(1.0)


def test_an_objective_without_key_results_is_unfinished():
    assert is_unfinished(None)


def test_a_carried_key_result_starts_from_its_last_value():
    assert carried_start(Metric.NUMBER, 0.0, 42.0) == 42.0


def test_a_never_checked_key_result_keeps_its_start():
    assert carried_start(Metric.PERCENT, 10.0, None) == 10.0


def test_a_done_not_done_key_result_starts_again_as_not_done():
    assert carried_start(Metric.BOOLEAN, None, 0.0) is None


@given(st.floats(allow_nan=False), st.floats(allow_nan=False))
def test_a_numeric_start_is_the_last_value_whenever_there_is_one(start, current):
    assert carried_start(Metric.NUMBER, start, current) == current
