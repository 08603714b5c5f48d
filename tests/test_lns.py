"""Ruin and recreate (`itinerary/solver/lns.py`): its O(1) feasibility checks agree with the
schedule's own rule, and its walk only ever hands on plans that pass the independent verifier."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest
from test_solver import random_problem

from itinerary.model.problem import Break, Node, Problem, Track
from itinerary.model.schedule import earliest_starts
from itinerary.model.verify import verify_solution
from itinerary.solver import Budget, SolveParams, lns, solve
from itinerary.solver.insertion import insertion_sequences, sequence_solution


def non_metric(problem: Problem, rng: random.Random) -> Problem:
    """The same problem with some legs made much longer than a detour would be."""
    travel = [list(row) for row in problem.travel]
    for _ in range(len(travel)):
        a, b = rng.randrange(len(travel)), rng.randrange(len(travel))
        if a != b:
            travel[a][b] += rng.randint(20, 200)
    return Problem.build(travel, problem.nodes, problem.tracks)


def random_case(seed: int, **shape: object) -> tuple[random.Random, Problem]:
    """A random problem for `seed` and the generator to go on with; odd seeds get travel that
    breaks the triangle inequality."""
    rng = random.Random(seed)
    problem = random_problem(rng, **shape)
    if seed % 2:
        problem = non_metric(problem, rng)
    return rng, problem


def feasible_in_lns(data: lns._Data, t: int, sequence: list[int]) -> bool:
    try:
        lns._Route(data, t, sequence)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("seed", range(40))
def test_route_feasibility_agrees_with_earliest_starts(seed: int) -> None:
    # Random sequences on days with and without lunch, several windows per node, and travel
    # that breaks the triangle inequality: the forward/backward times must say "feasible"
    # exactly when the schedule's own rule does.
    rng, problem = random_case(seed, n_nodes=7, n_tracks=2)
    data = lns._Data(problem)
    agreed = feasible = 0
    for _ in range(60):
        t = rng.randrange(len(problem.tracks))
        sequence = rng.sample(range(len(problem.nodes)), rng.randint(0, 4))
        expected = earliest_starts(problem, t, sequence) is not None
        assert feasible_in_lns(data, t, sequence) == expected, (t, sequence)
        agreed += 1
        feasible += expected
    assert agreed == 60 and feasible > 0


def route_state(route: lns._Route) -> tuple:
    """Everything a route knows about itself, to compare two routes by."""
    return (
        route.t,
        route.items,
        route.gap,
        route.free,
        route.latest,
        route.ready,
        route.legs,
        route.score,
        route.required,
        route.fixed,
    )


def edited(items: list[int], others: list[int], rng: random.Random) -> tuple[list[int], int, int]:
    """A random edit of the sequence, as the walk makes them (a visit in or out, a run moved or
    reversed, one visit swapped for another), with how many items at either end it keeps."""
    n = len(items)
    kind = rng.randrange(5) if n else 0
    if kind == 0 and others:  # one in
        at = rng.randint(0, n)
        return items[:at] + [rng.choice(others)] + items[at:], at, n - at
    if kind == 1 and n:  # some out, anywhere
        gone = set(rng.sample(items, rng.randint(1, min(3, n))))
        return [x for x in items if x not in gone], 0, 0
    a, b = sorted(rng.sample(range(n + 1), 2)) if n else (0, 0)
    if kind == 2:  # a run reversed
        return items[:a] + items[a:b][::-1] + items[b:], a, n - b
    if kind == 3 and b > a:  # a run moved elsewhere
        rest = items[:a] + items[b:]
        at = rng.randint(0, len(rest))
        return rest[:at] + items[a:b] + rest[at:], 0, 0
    if n and others:  # one swapped for a visit not in the route
        at = rng.randrange(n)
        return items[:at] + [rng.choice(others)] + items[at + 1 :], at, n - at - 1
    return list(items), n, 0


@pytest.mark.parametrize("seed", range(40))
def test_a_changed_route_has_the_times_of_the_same_route_built_afresh(seed: int) -> None:
    # change() redoes only the stretch an edit can affect (on days without lunch): after any
    # edit, its times, travel, score and counts must be those of the same sequence built from
    # nothing, and it must refuse exactly what the schedule's own rule refuses, keeping the
    # route as it was. Several windows per node and travel without the triangle inequality;
    # half the edits tell change() how much is unchanged at the ends, half leave it to find.
    rng, problem = random_case(seed, n_nodes=10, n_tracks=2, lunch=seed % 4 == 0)
    if seed % 3 == 0:  # a must-visit or two, which change() counts too
        problem = Problem.build(
            problem.travel,
            [replace(nd, required=i < 2) for i, nd in enumerate(problem.nodes)],
            problem.tracks,
        )
    data = lns._Data(problem)
    routes = [lns._Route(data, t, seq) for t, seq in enumerate(insertion_sequences(problem))]
    taken = refused = 0
    for _ in range(150):
        route = rng.choice(routes)
        others = [n for n in range(len(problem.nodes)) if n not in route.items]
        candidate, head, tail = edited(route.items, others, rng)
        if rng.random() < 0.5:
            head = tail = 0
        before = route_state(route)
        feasible = earliest_starts(problem, route.t, candidate) is not None
        assert route.change(candidate, head, tail) == feasible, (route.t, candidate)
        if feasible:
            assert route_state(route) == route_state(lns._Route(data, route.t, candidate))
            taken += 1
        else:
            assert route_state(route) == before
            refused += 1
    assert taken > 10 and refused > 10


def test_large_times_are_weighed_in_64_bits_and_give_the_same_walk() -> None:
    # Moves are weighed in 32-bit arrays while every time stays well inside them; a trip whose
    # minutes run past that (the same trip moved 2**28 minutes on) must be weighed in 64 bits,
    # and, all times being relative, walk exactly as the trip does.
    problem = random_problem(random.Random(3), n_nodes=12, n_tracks=3)
    late = 2**28
    moved = Problem.build(
        problem.travel,
        [
            replace(nd, windows=tuple((a + late, b + late) for a, b in nd.windows))
            for nd in problem.nodes
        ],
        [
            replace(
                tr,
                earliest_start=tr.earliest_start + late,
                latest_end=tr.latest_end + late,
                breaks=tuple(
                    replace(
                        b, earliest_start=b.earliest_start + late, latest_end=b.latest_end + late
                    )
                    for b in tr.breaks
                ),
            )
            for tr in problem.tracks
        ],
    )
    assert lns._Data(problem).times == np.int32
    assert lns._Data(moved).times == np.int64
    found, bests = _walk(problem, 4, 300)
    assert _walk(moved, 4, 300) == (found, bests)
    assert verify_solution(moved, sequence_solution(moved, found)) == []


def _insertion_rows(
    data: lns._Data, state: lns._State
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    open_copies = ~state.served[data.copy_node] & data.allowed.any(axis=0)
    size = (len(state.routes), len(data.copy_node))
    priorities, positions = np.empty(size), np.zeros(size, dtype=np.int64)
    round_ = lns._Round(spread=np.zeros(size[1]), bias=np.ones(size[0]), required_first=True)
    factors = round_.factors(data)
    for route in state.routes:
        lns._insertions(
            data, route, open_copies, round_, factors, priorities[route.t], positions[route.t]
        )
    return open_copies, priorities, positions


@pytest.mark.parametrize("seed", range(30))
def test_every_insertion_offered_is_feasible_and_none_is_missed_without_lunch(seed: int) -> None:
    rng, problem = random_case(seed, n_nodes=8, n_tracks=2, lunch=seed % 3 != 0)
    data = lns._Data(problem)
    state = lns._State(data, insertion_sequences(problem), np.random.default_rng(seed))
    # Take a few visits out so there is something to put back.
    served = [n for r in state.routes for n in r.items]
    state.remove(set(rng.sample(served, min(3, len(served)))))
    open_copies, priorities, positions = _insertion_rows(data, state)
    for route in state.routes:
        track = problem.tracks[route.t]
        for c in np.flatnonzero(open_copies):
            node = int(data.copy_node[c])
            if problem.nodes[node].score == 0 and not problem.nodes[node].required:
                continue
            if np.isfinite(priorities[route.t, c]):
                at = int(positions[route.t, c])
                trial = route.items[:at] + [node] + route.items[at:]
                starts = earliest_starts(problem, route.t, trial)
                assert starts is not None, (route.t, trial)
            elif not track.breaks and data.allowed[route.t, c]:
                a, b = int(data.copy_open[c]), int(data.copy_close[c])
                for at in range(len(route.items) + 1):
                    trial = route.items[:at] + [node] + route.items[at:]
                    starts = earliest_starts(problem, route.t, trial)
                    assert starts is None or not a <= starts[at] <= b, (route.t, trial, c)


@pytest.mark.parametrize("seed", range(30))
def test_tighten_keeps_the_visits_feasible_and_never_adds_travel(seed: int) -> None:
    # Random feasible orders on days with and without lunch, travel with and without the
    # triangle inequality (where the 2-opt estimate is wrong): the route may only get shorter,
    # keeps its visits, and the schedule's own rule still accepts it.
    rng, problem = random_case(seed, n_nodes=9, n_tracks=1, lunch=seed % 3 != 0)
    data = lns._Data(problem)
    visits = insertion_sequences(problem)[0]
    orders = [visits] + [rng.sample(visits, len(visits)) for _ in range(200)]
    orders = [o for o in orders if earliest_starts(problem, 0, o) is not None]
    for order in orders[-5:]:
        route = lns._Route(data, 0, list(order))
        before = route.legs
        changed = lns._tighten(route)
        assert sorted(route.items) == sorted(order)
        assert earliest_starts(problem, 0, route.items) is not None
        places = route.places()
        legs = sum(problem.travel[a][b] for a, b in zip(places, places[1:], strict=False))
        assert route.legs == legs
        assert (route.legs < before) if changed else (route.items == list(order))


def test_tighten_unwinds_a_crossed_route() -> None:
    # Six hosts on a line, open all day: visited out of order, the route crosses itself; the
    # or-opt and 2-opt moves must bring it down to the length of one sweep out and back.
    xs = [0, 10, 20, 30, 40, 50, 60]  # hotel at 0
    travel = [[abs(a - b) for b in xs] for a in xs]
    nodes = [Node(p, 10, ((0, 1000),), score=1) for p in range(1, 7)]
    problem = Problem.build(travel, nodes, [Track(0, 0, 0, 1000)])
    route = lns._Route(lns._Data(problem), 0, [2, 0, 4, 1, 5, 3])
    assert route.legs > 120
    assert lns._tighten(route)
    assert route.legs == 120  # the shortest: any order that sweeps out and comes back


def random_routes(problem: Problem, rng: random.Random) -> list[list[int]]:
    """Feasible routes built from the nodes in random order, each added at the end if it fits:
    poorer than the greedy's, so that there is something to swap."""
    routes: list[list[int]] = [[] for _ in problem.tracks]
    nodes = list(range(len(problem.nodes)))
    rng.shuffle(nodes)
    for n in nodes:
        for t in rng.sample(range(len(routes)), len(routes)):
            if t in problem.allowed_tracks(n) and earliest_starts(problem, t, routes[t] + [n]):
                routes[t].append(n)
                break
    return routes


@pytest.mark.parametrize("seed", range(30))
def test_replace_only_trades_up_and_keeps_the_plan_feasible(seed: int) -> None:
    # Random routes on days with and without lunch, travel with and without the triangle
    # inequality: every swap gains must-visits or score, keeps the must-visits in, and leaves
    # a plan the verifier passes.
    rng, problem = random_case(seed, n_nodes=12, n_tracks=2, lunch=seed % 3 != 0)
    if seed % 4 == 1:  # some must-visits, which must stay where they are
        nodes = [
            Node(nd.place, nd.duration, nd.windows, nd.score, required=i % 3 == 0)
            for i, nd in enumerate(problem.nodes)
        ]
        problem = Problem.build(problem.travel, nodes, problem.tracks)
    data = lns._Data(problem)
    routes = random_routes(problem, rng)
    state = lns._State(data, routes, np.random.default_rng(seed))
    swapped = 0
    for route, before in zip(state.routes, routes, strict=True):
        worth = (route.required, route.score)
        changed = state.replace(route)
        swapped += changed
        # A missing must-visit may come in for scored visits; otherwise the score must rise.
        assert ((route.required, route.score) > worth) if changed else (route.items == before)
        assert {n for n in before if problem.nodes[n].required} <= set(route.items)
        assert earliest_starts(problem, route.t, route.items) is not None
    served = sorted(n for r in state.routes for n in r.items)
    assert served == np.flatnonzero(state.served).tolist()
    assert len(served) == len(set(served))
    assert verify_solution(problem, sequence_solution(problem, state.sequences())) == []
    if seed == 0:
        assert swapped  # the test exercises swaps, not only the refusal


def _one_day(nodes: list[Node]) -> lns._State:
    # The hotel and three hosts, 10 minutes apart; the day is 0-100, full with one 80-minute visit.
    travel = [[0 if a == b else 10 for b in range(4)] for a in range(4)]
    problem = Problem.build(travel, nodes, [Track(0, 0, 0, 100)])
    return lns._State(lns._Data(problem), [[0]], np.random.default_rng(0))


def test_replace_swaps_a_visit_for_a_better_one_that_cannot_be_added() -> None:
    state = _one_day([Node(1, 80, ((10, 10),), score=1), Node(2, 80, ((10, 10),), score=10)])
    assert state.replace(state.routes[0])
    assert state.routes[0].items == [1]
    assert state.served.tolist() == [False, True]


def test_replace_swaps_two_visits_for_one_worth_more_than_both() -> None:
    state = _one_day(
        [
            Node(1, 35, ((10, 10),), score=3),
            Node(2, 35, ((55, 55),), score=4),
            Node(3, 80, ((10, 10),), score=8),
        ]
    )
    state.routes[0].change([0, 1])
    state.served[:] = [True, True, False]
    assert state.replace(state.routes[0])
    assert state.routes[0].items == [2]


def test_replace_keeps_a_must_visit_and_takes_a_missing_one_for_a_scored_visit() -> None:
    kept = _one_day(
        [Node(1, 80, ((10, 10),), score=1, required=True), Node(2, 80, ((10, 10),), score=10)]
    )
    assert not kept.replace(kept.routes[0])
    assert kept.routes[0].items == [0]
    taken = _one_day(
        [Node(1, 80, ((10, 10),), score=10), Node(2, 80, ((10, 10),), score=0, required=True)]
    )
    assert taken.replace(taken.routes[0])
    assert taken.routes[0].items == [1]


def exchanges_by_search(problem: Problem, state: lns._State, route: lns._Route) -> set:
    """(visit out, copy in) of every move `_exchanges` should find on the route, by trying every
    visit out, every open copy worth more in and every position but the visit's own
    (`replace`'s), each checked by the schedule's own rule."""
    data = state.data
    found = set()
    for out, x in enumerate(route.items):
        if problem.nodes[x].required:
            continue
        rest = route.items[:out] + route.items[out + 1 :]
        for c in range(len(data.copy_node)):
            node = int(data.copy_node[c])
            if state.served[node] or not data.allowed[route.t, c]:
                continue
            if data.copy_swap_worth[c] <= problem.nodes[x].score:
                continue
            if any(
                earliest_starts(problem, route.t, rest[:at] + [node] + rest[at:]) is not None
                for at in range(len(rest) + 1)
                if at != out
            ):
                found.add((out, c))
    return found


def crowded_day(rng: random.Random, must_visits: bool) -> Problem:
    """One day of 600 minutes and 24 short visits with one window each, for routes of 8-15
    visits; travel with the triangle inequality."""
    points = [(rng.uniform(0, 40), rng.uniform(0, 40)) for _ in range(25)]
    travel = [[0 if a == b else int(math.dist(a, b)) + 2 for b in points] for a in points]
    nodes = []
    for i in range(24):
        opens = rng.randrange(0, 500)
        width = rng.choice([0, 30, 120, 400])
        nodes.append(
            Node(
                i + 1,
                rng.randint(10, 40),
                ((opens, opens + width),),
                score=rng.randint(1, 30),
                required=must_visits and i % 6 == 0,
            )
        )
    return Problem.build(travel, nodes, [Track(0, 0, 0, 600)])


@pytest.mark.parametrize("seed", range(30))
def test_exchanges_find_the_best_move_a_full_search_finds(seed: int) -> None:
    # One window per visit, no lunch, travel with the triangle inequality: there the prefix-sum
    # test of `_exchanges` is exact, so it must find the very moves that trying every visit
    # out, copy in and position finds, each feasible where it puts it, the most gain first. On
    # travel without the triangle inequality (odd seeds) a move it names may be refused.
    rng = random.Random(seed)
    problem = crowded_day(rng, must_visits=seed % 3 == 0)
    if seed % 2:
        problem = non_metric(problem, rng)
    data = lns._Data(problem)
    state = lns._State(data, [[]], np.random.default_rng(seed))
    state.recreate(1.0, 1.0)  # a full day, filled by noisy priorities
    route = state.routes[0]
    moves = lns._exchanges(data, route, ~state.served[data.copy_node], limit=1000)
    gains = []
    for out, c, at in moves:
        x, node = route.items[out], int(data.copy_node[c])
        assert not problem.nodes[x].required and not state.served[node]
        rest = route.items[:out] + route.items[out + 1 :]
        feasible = earliest_starts(problem, 0, rest[:at] + [node] + rest[at:]) is not None
        assert feasible or seed % 2, (out, c, at)
        gains.append(data.copy_swap_worth[c] - problem.nodes[x].score)
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    if seed % 2 == 0:
        assert {(out, c) for out, c, _ in moves} == exchanges_by_search(problem, state, route)
    if seed == 0:
        assert len(route.items) >= 10 and moves  # long routes, something to exchange


@pytest.mark.parametrize("seed", range(30))
def test_exchange_only_trades_up_and_keeps_the_plan_feasible(seed: int) -> None:
    # Days with and without lunch, several windows per visit, travel with and without the
    # triangle inequality, some must-visits: every exchange gains, the must-visits stay, and
    # the plan passes the verifier.
    rng, problem = random_case(seed, n_nodes=12, n_tracks=2, lunch=seed % 3 != 0)
    if seed % 4 == 1:
        problem = Problem.build(
            problem.travel,
            [replace(nd, required=i % 3 == 0) for i, nd in enumerate(problem.nodes)],
            problem.tracks,
        )
    data = lns._Data(problem)
    routes = random_routes(problem, rng)
    state = lns._State(data, routes, np.random.default_rng(seed))
    for route, before in zip(state.routes, routes, strict=True):
        worth = (route.required, route.score)
        changed = state.exchange(route)
        assert ((route.required, route.score) > worth) if changed else (route.items == before)
        assert {n for n in before if problem.nodes[n].required} <= set(route.items)
    served = sorted(n for r in state.routes for n in r.items)
    assert served == np.flatnonzero(state.served).tolist()
    assert len(served) == len(set(served))
    assert verify_solution(problem, sequence_solution(problem, state.sequences())) == []


def test_exchange_takes_a_better_visit_in_where_a_poorer_one_held_the_day_late() -> None:
    # The must-visit X (10-100) is followed by A (score 1, 120-150). B (score 10) only fits at
    # 10, before X, and then the day is too short for A: B must go in and A out. Swapping A
    # for B in place (`replace`) cannot do it, since B cannot follow X.
    travel = [[0 if a == b else 10 for b in range(4)] for a in range(4)]
    nodes = [
        Node(1, 50, ((10, 100),), required=True),
        Node(2, 50, ((120, 150),), score=1),
        Node(3, 70, ((10, 10),), score=10),
    ]
    problem = Problem.build(travel, nodes, [Track(0, 0, 0, 200)])
    state = lns._State(lns._Data(problem), [[0, 1]], np.random.default_rng(0))
    assert earliest_starts(problem, 0, [2, 0, 1]) is None  # B does not fit alongside A
    assert not state.replace(state.routes[0])
    assert state.exchange(state.routes[0])
    assert state.routes[0].items == [2, 0]
    assert state.served.tolist() == [True, False, True]


def _walk(
    problem: Problem, seed: int, iterations: int, params: lns.WalkParams | None = None
) -> tuple[list[list[int]], list]:
    bests: list[tuple[int, int, int, int, int]] = []
    done = [0]

    def progress() -> float:
        done[0] += 1
        return done[0] / iterations

    found = lns.improve(
        problem,
        insertion_sequences(problem),
        random.Random(seed),
        progress,
        lambda _sequences, rank: bests.append(rank),
        params or lns.WalkParams(),
    )
    return found, bests


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    "params",
    [
        lns.WalkParams(),
        lns.WalkParams(restart_after=3),
        lns.WalkParams(tighten=False, replace=False, exchange=False),
        lns.WalkParams(starts=1),
        lns.WalkParams(starts=3, race_share=0.5, restart_after=20),
    ],
    ids=["default", "restart_after=3", "plain ruin and recreate", "one start", "three starts"],
)
def test_the_walk_returns_verified_plans_that_only_get_better(
    seed: int, params: lns.WalkParams
) -> None:
    # With restart_after=3 the walk starts afresh every few iterations: the best found before
    # must survive every new start. Without or-opt/2-opt and swaps (the switches the benchmark's
    # lever tables use) it must still hand on only verified plans.
    rng, problem = random_case(seed, n_nodes=10, n_tracks=3)
    found, bests = _walk(problem, seed, 300, params)
    solution = sequence_solution(problem, found)
    assert verify_solution(problem, solution) == []
    assert bests == sorted(bests, reverse=True)  # each new best ranks before the last
    last = bests[-1]
    missing = solution.missing_required(problem)
    fixed = sum(1 for n in missing if problem.nodes[n].fixed)
    assert last == (
        fixed,
        len(missing) - fixed,
        problem.max_score() - solution.score(problem),
        0,  # changes to a previous plan: none without one
        solution.travel_minutes(problem),
    )
    inserted = sequence_solution(problem, insertion_sequences(problem))
    assert solution.score(problem) >= inserted.score(problem)


def test_the_walk_is_reproducible_for_a_seed() -> None:
    problem = random_problem(random.Random(5), n_nodes=12, n_tracks=3)
    assert _walk(problem, 7, 200) == _walk(problem, 7, 200)
    three = lns.WalkParams(starts=3)
    assert _walk(problem, 7, 200, three) == _walk(problem, 7, 200, three)


@pytest.mark.parametrize(
    "fields",
    [{"starts": 0}, {"race_share": -0.1}, {"race_share": 1.5}, {"restart_after": 0}],
)
def test_walk_parameters_out_of_range_are_refused(fields: dict) -> None:
    with pytest.raises(ValueError, match="invalid walk parameters"):
        lns.WalkParams(**fields)


def test_the_race_hands_on_the_best_start_even_if_the_first_walk_is_better_later() -> None:
    # Each start of the race reports its plans to `on_best` as they come; the kept best never
    # gets worse across the end of the race, whichever walk goes on.
    for seed in range(6):
        _, problem = random_case(seed, n_nodes=14, n_tracks=2)
        _, bests = _walk(problem, seed, 120, lns.WalkParams(starts=4, race_share=0.6))
        assert bests == sorted(bests, reverse=True)


def test_a_must_visit_moves_to_another_day_to_make_room() -> None:
    # Day 1 has room for either the must-visit (any day) or the two visits that only open on
    # day 1; day 2 is free. The insertion puts the must-visit on day 1 first (its earliest
    # window); the walk must move it to day 2 to serve both scored visits.
    travel = [[0, 10, 10, 10], [10, 0, 10, 10], [10, 10, 0, 10], [10, 10, 10, 0]]
    day1, day2 = Track(0, 0, 480, 720), Track(0, 0, 1920, 2160)
    nodes = [
        Node(1, 100, ((490, 600), (1930, 2040)), required=True),
        Node(2, 100, ((490, 600),), score=40),
        Node(3, 100, ((490, 600),), score=30),
    ]
    problem = Problem.build(travel, nodes, [day1, day2])
    solution = solve(problem, SolveParams(budget=Budget(solution_limit=0, iterations=300)))
    assert verify_solution(problem, solution) == []
    assert solution.is_complete(problem)
    assert solution.score(problem) == 70
    assert [s.node for s in solution.routes[1].stops] == [0]


def test_lunch_moves_to_the_leg_that_leaves_room() -> None:
    # Two fixed visits, 11:00-12:00 and 13:00-14:00 at the same place: lunch (12:00-13:00
    # window, 60 min) only fits between them, not at the start or the end of the day.
    travel = [[0, 15], [15, 0]]
    brk = Break(720, 780, 60)
    nodes = [Node(1, 60, ((660, 660),), required=True), Node(1, 60, ((780, 780),), required=True)]
    problem = Problem.build(travel, nodes, [Track(0, 0, 480, 1080, (brk,))])
    data = lns._Data(problem)
    route = lns._Route(data, 0, [0, 1])
    assert route.gap == 1
    assert lns._Route(data, 0, [0]).gap in (0, 1)
    with pytest.raises(ValueError):
        lns._Route(data, 0, [1, 0])
    assert verify_solution(problem, sequence_solution(problem, [[0, 1]])) == []


def test_an_event_is_never_traded_for_a_must_visit() -> None:
    # Found by the property test: the event 100-300 leaves room for must-visit B (before it)
    # but not for A (115 min); dropping the event would serve A and B instead, the same number
    # of required nodes. The day's lunch and journeys were decided around the event, so the
    # event must stay and A is the one left out.
    travel = [[0, 0], [0, 0]]
    nodes = [
        Node(1, 115, ((0, 245),), required=True),
        Node(1, 30, ((0, 130),), required=True),
        Node(1, 200, ((100, 100),), required=True),
    ]
    problem = Problem.build(travel, nodes, [Track(0, 0, 0, 360)])
    assert [n.fixed for n in problem.nodes] == [False, False, True]
    for params in (
        SolveParams(),
        SolveParams(budget=Budget(iterations=0)),
        SolveParams(budget=Budget(solution_limit=0)),
    ):
        solution = solve(problem, params)
        assert verify_solution(problem, solution) == []
        assert solution.dropped == (0,)


def test_must_visits_are_repacked_when_one_is_left_out() -> None:
    # Two days with room for one long visit each. X may go on either day, Y only on day 1.
    # The insertion takes X first (its window opens first) onto day 1 and has no room left
    # for Y; ruin and recreate must clear the days and put the must-visit with fewer options
    # (Y) in first (found at 400 hosts x 5 days, where one must-visit fits only if two
    # others swap days).
    travel = [[0, 10], [10, 0]]
    days = [Track(0, 0, 480, 720), Track(0, 0, 1920, 2160)]
    nodes = [
        Node(1, 200, ((490, 500), (1930, 1940)), required=True),  # X
        Node(1, 200, ((495, 500),), required=True),  # Y
        Node(1, 30, ((490, 2100),), score=10),
    ]
    problem = Problem.build(travel, nodes, days)
    inserted = solve(problem, SolveParams(budget=Budget(iterations=0, solution_limit=0)))
    assert inserted.missing_required(problem) == [1]  # the case this test is about
    walked = solve(problem, SolveParams(budget=Budget(solution_limit=0, iterations=200)))
    assert verify_solution(problem, walked) == []
    assert walked.is_complete(problem)
    assert [[s.node for s in r.stops if problem.nodes[s.node].required] for r in walked.routes] == [
        [1],
        [0],
    ]


def test_only_fixed_events_stay_out_of_the_ruin() -> None:
    # A scored visit at one fixed time may be removed and put back elsewhere like any other;
    # only a required node at a fixed time (an event) is never ruined.
    nodes = [
        Node(1, 30, ((500, 500),), score=10),
        Node(1, 30, ((600, 600),), required=True),
        Node(1, 30, ((500, 700),), required=True),
        Node(1, 30, ((500, 510), (900, 910)), score=5),
    ]
    problem = Problem.build([[0, 10], [10, 0]], nodes, [Track(0, 0, 480, 1080)])
    assert lns._Data(problem).movable == [True, False, True, True]


def test_the_walk_stops_once_it_finds_nothing_better_for_walk_patience_iterations() -> None:
    # Counted in iterations, so the same trip still gives the same plan on any machine; a time
    # limit ignores it.
    _, problem = random_case(4, n_nodes=8, n_tracks=2)
    patient = solve(
        problem, SolveParams(budget=Budget(solution_limit=0, iterations=5000, walk_patience=40))
    )
    assert patient.stopped_by == "no better plan in 40 iterations"
    assert patient.solutions_found < 5000
    assert verify_solution(problem, patient) == []
    again = solve(
        problem, SolveParams(budget=Budget(solution_limit=0, iterations=5000, walk_patience=40))
    )
    assert again == patient
    whole = solve(
        problem, SolveParams(budget=Budget(solution_limit=0, iterations=300, walk_patience=None))
    )
    assert whole.solutions_found == 300 and "no better plan" not in whole.stopped_by
    assert verify_solution(problem, whole) == []
    assert SolveParams().for_seconds(1).budget.walk_patience is None
    with pytest.raises(ValueError):
        SolveParams(budget=Budget(walk_patience=0))
