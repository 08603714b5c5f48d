"""The search keeps the rules that span tracks (`after`, `one_of`): the insertion
(`routing.insertion_sequences`).

The reference is `rules.cross_track_violations`; every plan also passes the independent
verifier. The random problems are those of the conformance test (`problems(spanning=True)`),
plus larger ones with chains of `after` and overlapping choices.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given
from test_rules_conformance import EXAMPLES, problems
from test_solver import random_problem

from itinerary.problem import After, Node, OneOf, Problem, Solution, Track
from itinerary.rules import cross_track_violations
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
