"""At most five key results; fewer than two is a draft, flagged (docs/scoring.md)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.kr_count import (
    MAX_KEY_RESULTS,
    NEEDS_KEY_RESULTS,
    check_key_result_count,
    key_result_warnings,
)
from headway.domain.types import RuleViolation


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5])
def test_up_to_five_is_allowed(count):
    check_key_result_count(count)


@pytest.mark.parametrize("count", [6, 7, 100])
def test_more_than_five_is_refused_naming_the_field(count):
    with pytest.raises(RuleViolation) as caught:
        check_key_result_count(count)
    assert caught.value.field == "key_results"
    assert "at most 5" in caught.value.reason


@pytest.mark.parametrize(("count", "warnings"), [(0, [NEEDS_KEY_RESULTS]), (1, [NEEDS_KEY_RESULTS]),
                                                 (2, []), (5, [])])  # fmt: skip
def test_a_draft_is_flagged_until_it_has_two(count, warnings):
    assert key_result_warnings(count) == warnings
    assert NEEDS_KEY_RESULTS == "needs 2 to 5 key results"


@given(st.integers(min_value=0, max_value=1000))
def test_every_allowed_count_is_at_most_five(count):
    try:
        check_key_result_count(count)
    except RuleViolation:
        assert count > MAX_KEY_RESULTS
    else:
        assert count <= MAX_KEY_RESULTS
