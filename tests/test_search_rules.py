"""The search keeps the rules that span tracks (`after`, `one_of`): the insertion
(`routing.insertion_sequences`) and every move of the walk (`lns.improve`: remove, recreate,
tighten, replace, exchange, restarts).

The reference is `rules.cross_track_violations`; every plan also passes the independent
verifier. The random problems are those of the conformance test (`problems(spanning=True)`),
plus larger ones with chains of `after` and overlapping choices.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from test_rules_conformance import EXAMPLES, FEWER, problems
from test_solver import random_problem

from itinerary.problem import After, Node, OneOf, Problem, Solution, Track
from itinerary.rules import Rank, cross_track_violations
from itinerary.solver import lns
from itinerary.solver.routing import insertion_sequences, sequence_solution
from itinerary.verify import verify_solution


def assert_keeps_the_rules(problem: Problem, solution: Solution) -> None:
    assert cross_track_violations(problem, solution) == []
    assert verify_solution(problem, solution) == []


def keeps(problem: Problem, sequences: list[list[int]]) -> None:
    assert_keeps_the_rules(problem, sequence_solution(problem, sequences))


def with_rules(problem: Problem, rng: random.Random, n_after: int, n_choices: int) -> Problem:
    """`problem` with chains of `after` (always from a lower node index to a higher one, so
    without cycles) and choices that may share nodes, some of them `must`."""
    n = len(problem.nodes)
    after = set()
    for _ in range(n_after):
        a, b = sorted(rng.sample(range(n), 2))
        after.add(After(a, b))
    one_of = [
        OneOf(tuple(rng.sample(range(n), rng.randint(2, 3))), must=rng.random() < 0.5)
        for _ in range(n_choices)
    ]
    return Problem.build(
        problem.travel, problem.nodes, problem.tracks, sorted(after, key=str), one_of
    )


def larger(seed: int) -> Problem:
    """A problem of 14-24 nodes over 2-4 days with several rules of each kind."""
    rng = random.Random(seed)
    problem = random_problem(rng, n_nodes=rng.randint(14, 24), n_tracks=rng.randint(2, 4))
    nodes = list(problem.nodes)
    for i in rng.sample(range(len(nodes)), 2):  # two must-visits, which may need others first
        nodes[i] = replace(nodes[i], required=True)
    problem = Problem.build(problem.travel, nodes, problem.tracks)
    return with_rules(problem, rng, n_after=rng.randint(2, 8), n_choices=rng.randint(1, 4))


# --- the insertion ------------------------------------------------------------------------------


@EXAMPLES
@given(problems(spanning=True))
def test_the_insertion_keeps_the_rules_that_span_tracks(problem: Problem) -> None:
    keeps(problem, insertion_sequences(problem))


@pytest.mark.parametrize("seed", range(40))
def test_the_insertion_keeps_chains_and_overlapping_choices(seed: int) -> None:
    keeps(larger(seed), insertion_sequences(larger(seed)))


def test_the_insertion_puts_a_later_node_behind_its_earlier_one_on_the_same_day() -> None:
    # One day from place 1 to place 2; node 0 stands at the start, node 1 at the end, so the
    # short way is 0 then 1. With node 0 after node 1 it is the long way round.
    travel = [[0, 10, 10], [10, 0, 60], [10, 60, 0]]
    nodes = [
        Node(1, 30, ((480, 900),), score=10),  # near the start
        Node(2, 30, ((480, 900),), score=10),  # near the end
    ]
    free = Problem.build(travel, nodes, [Track(1, 2, 480, 1000)])
    assert insertion_sequences(free) == [[0, 1]]
    ordered = Problem.build(travel, nodes, [Track(1, 2, 480, 1000)], after=[After(1, 0)])
    sequences = insertion_sequences(ordered)
    assert sequences == [[1, 0]]
    keeps(ordered, sequences)


def test_the_insertion_meets_a_must_choice_before_scored_visits_fill_the_day() -> None:
    # Room for one visit of an hour; the choice's nodes are worth little, the other much.
    travel = [[0, 10], [10, 0]]
    nodes = [
        Node(1, 60, ((480, 600),), score=50),
        Node(1, 60, ((480, 600),), score=1),
        Node(1, 60, ((480, 600),), score=2),
    ]
    track = [Track(0, 0, 480, 560 + 20)]
    free = Problem.build(travel, nodes, track)
    assert insertion_sequences(free) == [[0]]
    choice = Problem.build(travel, nodes, track, one_of=[OneOf((1, 2), must=True)])
    sequences = insertion_sequences(choice)
    assert sequences in ([[1]], [[2]])
    assert sequence_solution(choice, sequences).unmet_choices(choice) == []


# --- the walk -------------------------------------------------------------------------------


def checked_walk(
    problem: Problem,
    monkeypatch: pytest.MonkeyPatch,
    iterations: int,
    seed: int = 1,
    start: list[list[int]] | None = None,
    **params: Any,
) -> tuple[list[list[int]], list[tuple[int, int, int, int]]]:
    """`lns.improve` from `start` (the insertion plan unless given) with every move of the walk
    checked against the rules as it is made: each `_State` method that changes routes, and each
    `_tighten`, leaves no violation behind."""
    checked = [0]

    def check_state(state: lns._State) -> None:
        sequences = state.sequences()
        keeps(problem, sequences)
        served = np.zeros(len(problem.nodes), dtype=bool)
        for seq in sequences:
            served[seq] = True
        assert (served == state.served).all()  # the walk's own record agrees
        checked[0] += 1

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def checking(self: lns._State, *args: Any, **kwargs: Any) -> Any:
            result = method(self, *args, **kwargs)
            check_state(self)
            return result

        return checking

    for name in ("remove", "recreate", "replace", "exchange"):
        monkeypatch.setattr(lns._State, name, wrap(getattr(lns._State, name)))
    tighten = lns._tighten

    def checking_tighten(route: lns._Route, *args: Any) -> bool:
        result = tighten(route, *args)
        position = {n: i for i, n in enumerate(route.items)}
        for rule in problem.after:
            if rule.earlier in position and rule.later in position:
                assert position[rule.earlier] < position[rule.later]
        return result

    monkeypatch.setattr(lns, "_tighten", checking_tighten)
    done = [0]
    bests: list[tuple[int, int, int, int]] = []

    def progress() -> float:
        done[0] += 1
        return done[0] / iterations

    def on_best(sequences: list[list[int]], rank: tuple[int, int, int, int]) -> None:
        keeps(problem, sequences)
        assert Rank.of(problem, sequence_solution(problem, sequences)).key() == rank
        bests.append(rank)

    found = lns.improve(
        problem,
        insertion_sequences(problem) if start is None else start,
        random.Random(seed),
        progress,
        on_best,
        lns.LnsParams(**params),
    )
    keeps(problem, found)
    assert checked[0] > 0
    return found, bests


@FEWER
@given(problems(spanning=True))
def test_every_move_of_the_walk_keeps_the_rules(problem: Problem) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        checked_walk(problem, monkeypatch, 40, restart_after=10)


@pytest.mark.parametrize("seed", range(24))
def test_every_move_of_the_walk_keeps_chains_and_overlapping_choices(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = larger(seed)
    _, bests = checked_walk(problem, monkeypatch, 120, seed=seed, restart_after=30)
    assert bests == sorted(bests, reverse=True)


def test_the_walk_keeps_a_fixed_events_earlier_node_and_what_comes_after_goes_with_it() -> None:
    # Node 2 is a fixed event that comes after node 0; node 1 comes after node 0 too. A ruin
    # that takes node 0 must leave it (the event needs it), and one that takes nothing else but
    # would strand node 1 takes node 1 as well.
    travel = [[0, 10, 10, 10]] + [[10, 0, 10, 10], [10, 10, 0, 10], [10, 10, 10, 0]]
    nodes = [
        Node(1, 30, ((480, 700),), score=5),
        Node(2, 30, ((480, 900),), score=5),
        Node(3, 60, ((800, 800),), required=True),
    ]
    problem = Problem.build(
        travel, nodes, [Track(0, 0, 480, 1000)], after=[After(0, 2), After(0, 1)]
    )
    data = lns._Data(problem)
    assert data.anchored.tolist() == [True, False, False]
    state = lns._State(data, [[0, 1, 2]], np.random.default_rng(0))
    state.remove({0})
    assert state.sequences() == [[0, 1, 2]]
    free = Problem.build(travel, nodes[:2], [Track(0, 0, 480, 1000)], after=[After(0, 1)])
    state = lns._State(lns._Data(free), [[0, 1]], np.random.default_rng(0))
    state.remove({0})
    assert state.sequences() == [[]]


def test_the_walk_meets_a_must_choice_and_moves_a_visit_to_make_room() -> None:
    # Two days; the choice's nodes fit only on the first, where the walk starts with the scored
    # visit (which fits either day). It must move that visit to the second day.
    travel = [[0, 10], [10, 0]]
    day = [Track(0, 0, 480, 600), Track(0, 0, 1920, 2040)]
    nodes = [
        Node(1, 60, ((480, 540), (1920, 1980)), score=40),
        Node(1, 60, ((490, 530),), score=1),
        Node(1, 60, ((490, 530),), score=1),
    ]
    problem = Problem.build(travel, nodes, day, one_of=[OneOf((1, 2), must=True)])
    with pytest.MonkeyPatch.context() as monkeypatch:
        found, bests = checked_walk(problem, monkeypatch, 50, start=[[0], []])
    assert bests[0][1] == 1  # the start leaves the choice unmet
    solution = sequence_solution(problem, found)
    assert solution.unmet_choices(problem) == []
    assert solution.score(problem) == 41  # and the scored visit on the second day
