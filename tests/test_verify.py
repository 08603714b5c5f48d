"""The independent solution checker: it accepts feasible solutions and names each broken rule."""

from __future__ import annotations

import random

import pytest

from itinerary.model.problem import Break, Node, Problem, Route, Solution, Stop, Track
from itinerary.model.verify import verify_solution
from itinerary.solver import Budget, SolveParams, solve

# places: 0 hotel, 1 A, 2 B
TRAVEL = [[0, 30, 40], [30, 0, 20], [40, 20, 0]]
DAY = Track(0, 0, 480, 1080)
NODES = (
    Node(1, 60, ((540, 600),), score=10),
    Node(2, 30, ((600, 700), (900, 950)), score=5),
)


def problem(tracks: tuple[Track, ...] = (DAY,), nodes: tuple[Node, ...] = NODES) -> Problem:
    return Problem.build(TRAVEL, nodes, tracks)


def one_route(
    stops: tuple[Stop, ...], departure: int = 480, arrival: int = 1080, track: int = 0
) -> Solution:
    served = {s.node for s in stops}
    return Solution(
        (Route(track, departure, arrival, stops),), tuple(n for n in (0, 1) if n not in served)
    )


def test_a_feasible_solution_has_no_violations() -> None:
    # A at 9:00-10:00, 20 min to B, B from 10:20 (window 10:00-11:40), 40 min home.
    solution = one_route((Stop(0, 540), Stop(1, 620)), departure=500, arrival=690)
    assert verify_solution(problem(), solution) == []


def test_second_window_is_accepted() -> None:
    solution = one_route((Stop(1, 920),), departure=500, arrival=990)
    assert verify_solution(problem(), solution) == []


@pytest.mark.parametrize(
    ("solution", "fragment"),
    [
        (one_route((Stop(0, 530),)), "outside"),  # before A opens
        (one_route((Stop(1, 800),)), "outside"),  # between B's two windows
        (one_route((Stop(0, 540), Stop(1, 610))), "needs 20 minutes"),  # A ends 600, B at 610
        (one_route((Stop(0, 540),), departure=520), "needs 30 minutes"),  # 520 + 30 > 540
        (one_route((Stop(0, 540),), arrival=620), "get back"),  # A ends 600, 30 min home
        (one_route((Stop(0, 540),), departure=470), "before 480"),
        (one_route((Stop(0, 540),), arrival=1090), "after 1080"),
        (Solution((Route(3, 480, 1080),), (0, 1)), "unknown track"),
    ],
)
def test_each_broken_rule_is_named(solution: Solution, fragment: str) -> None:
    violations = verify_solution(problem(), solution)
    assert any(fragment in v for v in violations), violations


def test_a_node_served_twice_is_caught() -> None:
    tracks = (DAY, Track(0, 0, 1920, 2520))
    wide = (Node(1, 60, ((540, 2400),), score=10),)
    routes = (Route(0, 480, 1080, (Stop(0, 540),)), Route(1, 1920, 2520, (Stop(0, 2000),)))
    violations = verify_solution(problem(tracks, wide), Solution(routes, ()))
    assert any("served 2 times" in v for v in violations), violations


def test_two_routes_on_one_track_are_caught() -> None:
    routes = (Route(0, 480, 1080), Route(0, 480, 1080))
    violations = verify_solution(problem(), Solution(routes, (0, 1)))
    assert any("more than one route" in v for v in violations), violations


def test_dropped_must_list_exactly_the_unserved_nodes() -> None:
    served_but_dropped = Solution((Route(0, 480, 1080, (Stop(0, 540),)),), (0, 1))
    assert any("but are served" in v for v in verify_solution(problem(), served_but_dropped))
    forgotten = Solution((Route(0, 480, 1080, (Stop(0, 540),)),), ())
    assert any("neither served nor" in v for v in verify_solution(problem(), forgotten))


def test_node_on_a_track_it_may_not_use_is_caught() -> None:
    restricted = (Node(1, 60, ((540, 600),), score=10, tracks=(1,)),)
    tracks = (DAY, Track(0, 0, 480, 1080))
    routes = (Route(0, 480, 1080, (Stop(0, 540),)), Route(1, 480, 1080))
    violations = verify_solution(problem(tracks, restricted), Solution(routes, ()))
    assert any("may not be served on this track" in v for v in violations), violations


LUNCH = Break(720, 840, 60)  # 60 minutes between 12:00 and 14:00


def lunch_problem(node: Node) -> Problem:
    return problem((Track(0, 0, 480, 1080, (LUNCH,)),), (node,))


def test_break_fits_at_a_place_between_visits() -> None:
    # Visit A 10:00-12:00; lunch 12:00-13:00 at A; back at the hotel whenever.
    p = lunch_problem(Node(1, 120, ((600, 600),), score=1))
    assert verify_solution(p, Solution((Route(0, 570, 1080, (Stop(0, 600),)),), ())) == []


def test_break_overlapping_a_visit_is_caught() -> None:
    # Out 11:00-14:00 for a visit 11:30-13:30: no 60 free minutes inside 12:00-14:00.
    p = lunch_problem(Node(1, 120, ((690, 690),), score=1))
    violations = verify_solution(p, Solution((Route(0, 660, 840, (Stop(0, 690),)),), ()))
    assert any("break" in v for v in violations), violations
    # Lunch at the hotel 12:00-13:00, then the visit at 13:30 (its window allows it): fine.
    later = lunch_problem(Node(1, 120, ((690, 810),), score=1))
    fine = Solution((Route(0, 780, 960, (Stop(0, 810),)),), ())
    assert verify_solution(later, fine) == []


def test_break_may_split_a_leg_but_not_shorten_it() -> None:
    # Free at A at 12:00, due at B (20 min away) at 13:20: lunch 12:00-13:00 on the way fits
    # (20 minutes of travel remain); due at 13:10 it does not.
    nodes = (Node(1, 60, ((660, 660),), score=1), Node(2, 30, ((760, 800),), score=1))
    p = problem((Track(0, 0, 480, 1080, (Break(720, 780, 60),)),), nodes)
    fits = Solution((Route(0, 630, 1080, (Stop(0, 660), Stop(1, 800))),), ())
    assert verify_solution(p, fits) == []
    tight = Solution((Route(0, 630, 1080, (Stop(0, 660), Stop(1, 790))),), ())
    assert any("break" in v for v in verify_solution(p, tight))


def test_break_before_departure_counts() -> None:
    p = lunch_problem(Node(1, 60, ((900, 900),), score=1))
    assert verify_solution(p, Solution((Route(0, 870, 1080, (Stop(0, 900),)),), ())) == []


@pytest.mark.parametrize("seed", range(8))
def test_the_solver_passes_the_checker(seed: int) -> None:
    rng = random.Random(seed)
    n_places = 7
    pts = [(rng.uniform(0, 40), rng.uniform(0, 40)) for _ in range(n_places)]
    travel = [[round(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5) for b in pts] for a in pts]
    tracks = tuple(
        Track(0, 0, 1440 * t + 480, 1440 * t + 1080, (Break(1440 * t + 720, 1440 * t + 840, 45),))
        for t in range(2)
    )
    nodes = tuple(
        Node(
            p,
            rng.choice([30, 60, 120]),
            tuple(
                sorted(
                    (1440 * t + a, 1440 * t + a + 60)
                    for t in range(2)
                    for a in [rng.randrange(480, 900, 30)]
                )
            ),
            score=rng.randint(1, 20),
        )
        for p in range(1, n_places)
    )
    prob = Problem.build(travel, nodes, tracks)
    solution = solve(prob, SolveParams(budget=Budget(solution_limit=500, patience=100)))
    assert verify_solution(prob, solution) == []
