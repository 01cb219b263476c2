"""Team rollup over the team tree (docs/scoring.md §7)."""

from decimal import Decimal

from headway.domain.rollup import team_rollup

# company 1 -> departments 2, 3 -> teams 4, 5 (under 2) and 6 (under 3)
TREE: dict[int, int | None] = {1: None, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3}


class TestTeamRollup:
    def test_it_averages_objectives_over_a_three_level_tree(self) -> None:
        objectives = [
            (1, Decimal("0.9")),
            (2, Decimal("0.6")),
            (4, Decimal("0.2")),
            (4, Decimal("0.4")),
            (5, Decimal("1")),
            (6, Decimal("0.5")),
        ]
        rollup = team_rollup(TREE, objectives)
        assert rollup[4] == Decimal("0.3")
        assert rollup[5] == Decimal(1)
        assert rollup[6] == Decimal("0.5")
        assert rollup[3] == Decimal("0.5")
        # department 2: its own 0.6 and its teams' 0.2, 0.4, 1 - a mean of objectives, not of teams
        assert rollup[2] == Decimal("0.55")
        # company: all six objectives
        assert rollup[1] == Decimal("3.6") / 6

    def test_it_weights_every_objective_equally_not_every_team(self) -> None:
        rollup = team_rollup(
            {1: None, 2: 1, 3: 1}, [(2, Decimal(1)), (3, Decimal(0)), (3, Decimal(0))]
        )
        assert rollup[1] == Decimal(1) / 3

    def test_it_skips_objectives_without_progress(self) -> None:
        rollup = team_rollup(TREE, [(4, None), (4, Decimal("0.8")), (6, None)])
        assert rollup[4] == Decimal("0.8")
        assert rollup[2] == Decimal("0.8")
        assert rollup[1] == Decimal("0.8")
        assert rollup[6] is None
        assert rollup[3] is None

    def test_a_team_without_objectives_anywhere_below_is_none(self) -> None:
        rollup = team_rollup(TREE, [(4, Decimal("0.5"))])
        assert rollup[5] is None
        assert rollup[3] is None
        assert rollup[6] is None

    def test_it_reports_every_team(self) -> None:
        assert team_rollup(TREE, []) == dict.fromkeys(TREE)

    def test_a_parent_does_not_count_toward_its_child(self) -> None:
        rollup = team_rollup(TREE, [(1, Decimal(1)), (4, Decimal(0))])
        assert rollup[4] == 0
        assert rollup[2] == 0
        assert rollup[1] == Decimal("0.5")

    def test_it_ignores_objectives_of_unknown_teams(self) -> None:
        rollup = team_rollup(TREE, [(99, Decimal(1)), (4, Decimal("0.2"))])
        assert rollup[1] == Decimal("0.2")
        assert 99 not in rollup

    def test_it_stops_at_a_parent_outside_the_tree(self) -> None:
        rollup = team_rollup({2: 1}, [(2, Decimal("0.4"))])
        assert rollup == {2: Decimal("0.4")}

    def test_a_parent_loop_counts_each_objective_once_per_team(self) -> None:
        rollup = team_rollup({1: 2, 2: 1}, [(1, Decimal("0.4")), (2, Decimal("0.8"))])
        assert rollup == {1: Decimal("0.6"), 2: Decimal("0.6")}
