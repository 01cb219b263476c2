"""How many key results an objective has (docs/scoring.md, "How many key results").

One rule for pages, the API and plan files: at most five. Fewer than two is allowed while
an objective is being drafted, and flagged until it has two.
"""

from __future__ import annotations

from headway.domain.types import RuleViolation

MIN_KEY_RESULTS = 2
MAX_KEY_RESULTS = 5
NEEDS_KEY_RESULTS = f"needs {MIN_KEY_RESULTS} to {MAX_KEY_RESULTS} key results"


def check_key_result_count(count: int) -> None:
    """Raise RuleViolation (field `key_results`) if an objective may not have `count` of them."""
    if count > MAX_KEY_RESULTS:
        raise RuleViolation(
            "key_results", f"an objective has at most {MAX_KEY_RESULTS} key results"
        )
    if count < 0:
        raise RuleViolation("key_results", "cannot be negative")


def key_result_warnings(count: int) -> list[str]:
    """What to tell about an objective with `count` key results: a draft needs 2 to 5."""
    return [NEEDS_KEY_RESULTS] if count < MIN_KEY_RESULTS else []
