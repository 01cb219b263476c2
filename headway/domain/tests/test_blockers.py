"""Open blockers and help requests."""

from headway.domain.blockers import is_help_request, is_open, with_help_request


class TestBlockers:
    def test_the_help_request_is_kept_in_front_of_the_blockers(self) -> None:
        assert with_help_request(" waiting for legal ", True) == "Help needed. waiting for legal"
        assert with_help_request("", True) == "Help needed."
        assert with_help_request(" waiting ", False) == "waiting"

    def test_a_help_request_is_recognised_however_it_is_spelled(self) -> None:
        assert is_help_request("Help needed. waiting for legal")
        assert is_help_request("help needed: anyone?")
        assert not is_help_request("waiting for legal")

    def test_a_blocker_is_open_while_the_latest_check_in_names_one(self) -> None:
        assert is_open("waiting for legal")
        assert not is_open("  ")
