"""Capacity across parallel groups (`Problem.capacity`): every stage of the solver keeps it.

Random problems with two or three groups travelling in parallel on each day (one track per
group and day), each host with a node per group and a capacity that not every pair of groups
fits together; on several days, `after` rules within a group's own days too. Every plan any
stage makes (the insertion, every move of the walk, the search, CP-SAT, the whole pipeline)
passes the reference (`rules.cross_track_violations`) and the independent check (`verify.py`).

CP-SAT's bound is held against exhaustive search on tiny problems whose times are all
multiples of 30 minutes, where a timing that waits (a group lets another leave a host first)
need only be looked for on those marks: every start of a schedule shifted as early as it goes
is a sum of such times.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import replace

import pytest
from test_search_rules import checked_walk

from itinerary.model.problem import (
    After,
    Break,
    Capacity,
    Node,
    OneOf,
    Previous,
    Problem,
    Route,
    Solution,
    Stop,
    Track,
)
from itinerary.model.rules import capacity_violations, cross_track_violations, earliest_starts
from itinerary.model.verify import verify_solution
from itinerary.solver import Budget, ProofParams, SolveParams, pipeline, routing, solve
from itinerary.solver.cpsat import prove_bound
from itinerary.solver.insertion import insertion_sequences, sequence_solution
from itinerary.solver.search import solve_search
from itinerary.solver.spanning import Capacities

DAY = 1440


def assert_feasible(problem: Problem, solution: Solution) -> None:
    assert cross_track_violations(problem, solution) == []
    assert verify_solution(problem, solution) == []


def groups_problem(
    rng: random.Random,
    days: int,
    groups: int,
    hosts: int,
    *,
    breaks: bool = True,
    rules: bool = True,
    step: int = 1,
) -> Problem:
    """`days` x `groups` tracks (groups in parallel on each day), `hosts` hosts each with one
    node per group that may visit it (on that group's tracks), a capacity rule where the
    groups' sizes do not all fit, and with `rules` `after` within a group and `one_of` over a
    host's nodes. All times are multiples of `step`."""
    places = hosts + 1
    pts = [(rng.uniform(0, 40), rng.uniform(0, 40)) for _ in range(places)]
    travel = [
        [
            0 if i == j else step * max(1, round((abs(a[0] - b[0]) + abs(a[1] - b[1])) / step))
            for j, b in enumerate(pts)
        ]
        for i, a in enumerate(pts)
    ]
    sizes = [rng.randint(4, 14) for _ in range(groups)]
    tracks: list[Track] = []
    track_of: dict[tuple[int, int], int] = {}
    for d in range(days):
        base = d * DAY
        lunch = (
            (Break(base + 720, base + 840, rng.choice([30, 60]), step),)
            if breaks and rng.random() < 0.6
            else ()
        )
        for g in range(groups):
            track_of[(d, g)] = len(tracks)
            tracks.append(Track(0, 0, base + 480, base + rng.choice([900, 1020]), lunch))
    nodes: list[Node] = []
    capacity: list[Capacity] = []
    node_of: dict[tuple[int, int], int] = {}
    for h in range(hosts):
        duration = rng.choice([30, 60, 90])
        priority = rng.randint(1, 30)
        windows = []
        for d in range(days):
            if rng.random() < 0.8:
                a = d * DAY + step * rng.randrange(480 // step, 900 // step)
                width = rng.choice([0, 60, 120, 240])
                windows.append((a, a + width - width % step))
        visitors = [g for g in range(groups) if rng.random() < 0.85] or [0]
        limit = rng.randint(max(sizes[g] for g in visitors), sum(sizes[g] for g in visitors))
        mine = []
        for g in visitors:
            node_of[(h, g)] = len(nodes)
            mine.append(len(nodes))
            nodes.append(
                Node(
                    h + 1,
                    duration,
                    tuple(sorted(windows)),
                    score=priority,
                    tracks=tuple(track_of[(d, g)] for d in range(days)),
                    grid=step,
                )
            )
        if len(mine) > 1 and limit < sum(sizes[g] for g in visitors):
            capacity.append(Capacity(tuple(mine), tuple(sizes[g] for g in visitors), limit))
    after: list[After] = []
    one_of: list[OneOf] = []
    if rules and days > 1:
        for _ in range(rng.randint(0, 2)):
            g = rng.randrange(groups)
            theirs = [n for (h, gg), n in node_of.items() if gg == g]
            if len(theirs) >= 2:
                a, b = sorted(rng.sample(theirs, 2))
                after.append(After(a, b))
    if rules and rng.random() < 0.4:
        h = rng.randrange(hosts)
        mine = [n for (hh, _), n in node_of.items() if hh == h]
        if len(mine) >= 2:
            one_of.append(OneOf(tuple(mine), must=False))
    return Problem.build(travel, nodes, tracks, sorted(set(after), key=str), one_of, (), capacity)


def tiny(seed: int) -> Problem:
    """One day, two or three groups, two or three hosts, every time a multiple of 30."""
    rng = random.Random(seed)
    groups = rng.choice([2, 2, 3])
    return groups_problem(
        rng, 1, groups, 2 if groups == 3 else rng.choice([2, 3]), rules=False, step=30
    )


def larger(seed: int) -> Problem:
    rng = random.Random(5000 + seed)
    return groups_problem(rng, rng.randint(2, 3), rng.randint(2, 3), rng.randint(6, 12))


# --- the rule and the independent check -----------------------------------------------------


def two_groups_at_one_host(first: int, second: int, limit: int = 12) -> tuple[Problem, Solution]:
    """Host at place 1 (60-minute visits), groups of 8 and 6 on parallel tracks, visiting it at
    `first` and `second`."""
    travel = [[0, 10], [10, 0]]
    nodes = [Node(1, 60, ((480, 900),), score=5, tracks=(t,)) for t in (0, 1)]
    tracks = [Track(0, 0, 480, 1020), Track(0, 0, 480, 1020)]
    problem = Problem.build(travel, nodes, tracks, capacity=[Capacity((0, 1), (8, 6), limit)])
    routes = tuple(
        Route(t, start - 10, start + 70, (Stop(t, start),))
        for t, start in enumerate((first, second))
    )
    return problem, Solution(routes, ())


@pytest.mark.parametrize(
    ("first", "second", "broken"),
    [(600, 600, True), (600, 630, True), (630, 600, True), (600, 660, False), (660, 600, False)],
)
def test_the_checker_counts_the_visitors_under_way_at_each_moment(
    first: int, second: int, broken: bool
) -> None:
    problem, solution = two_groups_at_one_host(first, second)
    found = verify_solution(problem, solution)
    assert bool(found) == broken
    assert bool(capacity_violations(problem, {0: first, 1: second})) == broken
    if broken:
        assert found == [
            f"nodes [0, 1] are under way at {max(first, second)} with 14 visitors; at most 12 fit"
        ]
    # A host that holds both groups is never broken.
    assert verify_solution(two_groups_at_one_host(first, second, limit=14)[0], solution) == []


def test_a_visit_of_no_duration_counts_at_its_start() -> None:
    travel = [[0, 10], [10, 0]]
    nodes = [Node(1, d, ((480, 900),), tracks=(t,)) for t, d in ((0, 0), (1, 30), (2, 0))]
    tracks = [Track(0, 0, 480, 1020)] * 3
    problem = Problem.build(travel, nodes, tracks, capacity=[Capacity((0, 1, 2), (5, 5, 5), 9)])
    for starts, broken in (
        ((600, 600, 700), True),  # the first at the second's start
        ((630, 600, 700), False),  # the second has ended at 630
        ((615, 600, 700), True),
        ((700, 600, 700), True),  # two of no duration at one moment
    ):
        routes = tuple(
            Route(t, s - 10, s + nodes[t].duration + 10, (Stop(t, s),))
            for t, s in enumerate(starts)
        )
        found = verify_solution(problem, Solution(routes, ()))
        reference = capacity_violations(problem, dict(enumerate(starts)))
        assert bool(found) == bool(reference) == broken, starts


@pytest.mark.parametrize("seed", range(60))
def test_the_checker_and_the_reference_agree_on_random_starts(seed: int) -> None:
    rng = random.Random(seed)
    problem = groups_problem(rng, 1, rng.randint(2, 4), 3, rules=False)
    for cap in problem.capacity:
        start_of = {n: rng.randrange(480, 700, 15) for n in cap.nodes if rng.random() < 0.8}
        alone = replace(problem, capacity=(cap,))
        assert bool(capacity_violations(alone, start_of)) == bool(
            verify_solution(alone, _placed(alone, start_of))
            and any("visitors" in v for v in verify_solution(alone, _placed(alone, start_of)))
        )


def _placed(problem: Problem, start_of: dict[int, int]) -> Solution:
    """Each node of `start_of` alone on a track of its own (routes that may break other rules:
    only the capacity messages are compared)."""
    routes = []
    for n, s in start_of.items():
        t = problem.allowed_tracks(n)[0]
        routes.append(Route(t, s, s + problem.nodes[n].duration, (Stop(n, s),)))
    served = set(start_of)
    return Solution(tuple(routes), tuple(n for n in range(len(problem.nodes)) if n not in served))


# --- the search ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_the_insertion_keeps_capacity(seed: int) -> None:
    problem = larger(seed)
    assert_feasible(problem, sequence_solution(problem, insertion_sequences(problem)))


@pytest.mark.parametrize("seed", range(12))
def test_every_move_of_the_walk_keeps_capacity(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # checked_walk checks every move against cross_track_violations and verify.py
    checked_walk(larger(seed), monkeypatch, iterations=60, seed=seed)


def test_the_walk_sends_two_groups_to_one_host_one_after_the_other() -> None:
    # Groups of 8 and 12 on one day; the technical centre (place 1) holds 12, so they cannot be
    # there together. Each group has a host of its own besides (places 2 and 3), and the centre
    # is open all day: the plan serves all four visits only if one group goes to the centre
    # first and the other afterwards.
    travel = [
        [0, 20, 20, 20],
        [20, 0, 20, 20],
        [20, 20, 0, 30],
        [20, 20, 30, 0],
    ]
    nodes = [
        Node(1, 120, ((540, 840),), score=30, tracks=(0,)),  # the centre, group A
        Node(1, 120, ((540, 840),), score=30, tracks=(1,)),  # the centre, group B
        Node(2, 120, ((540, 840),), score=10, tracks=(0,)),
        Node(3, 120, ((540, 840),), score=10, tracks=(1,)),
    ]
    tracks = [Track(0, 0, 480, 1020), Track(0, 0, 480, 1020)]
    problem = Problem.build(travel, nodes, tracks, capacity=[Capacity((0, 1), (8, 12), 12)])
    solution = solve_search(
        problem, SolveParams(budget=Budget(iterations=300, solution_limit=0)), None
    )
    assert_feasible(problem, solution)
    assert solution.dropped == ()
    start = {s.node: s.start for r in solution.routes for s in r.stops}
    first, second = sorted((start[0], start[1]))
    assert second >= first + 120  # one after the other
    # Without the rule both go to the centre at the same time.
    free = replace(problem, capacity=())
    together = solve_search(
        free, SolveParams(budget=Budget(iterations=300, solution_limit=0)), None
    )
    assert capacity_violations(problem, {s.node: s.start for r in together.routes for s in r.stops})


@pytest.mark.parametrize("seed", range(8))
def test_the_search_keeps_capacity_and_skips_the_polish(seed: int) -> None:
    problem = larger(seed)
    assert routing.unpolishable(problem) == "rules that span tracks"
    solution = solve_search(
        problem, SolveParams(budget=Budget(iterations=150, solution_limit=50)), None
    )
    assert_feasible(problem, solution)
    assert "no polish (rules that span tracks)" in solution.stopped_by or "limit" in (
        solution.stopped_by
    )


def test_capacity_alone_keeps_the_polish_away() -> None:
    problem, _ = two_groups_at_one_host(600, 600)
    assert problem.spans_tracks and not problem.after and not problem.one_of
    assert routing.unpolishable(problem) == "rules that span tracks"


def test_capacities_know_which_tracks_run_in_parallel() -> None:
    problem = groups_problem(random.Random(3), 2, 3, 4)
    capacities = Capacities.of(problem)
    assert capacities is not None
    assert capacities.parallel == ((1, 2), (0, 2), (0, 1), (4, 5), (3, 5), (3, 4))
    assert Capacities.of(replace(problem, capacity=())) is None


@pytest.mark.parametrize("seed", range(10))
def test_the_pipeline_keeps_capacity(seed: int) -> None:
    problem = larger(seed)
    for proof in (None, ProofParams(deterministic_time=2.0)):
        params = SolveParams(budget=Budget(iterations=100, solution_limit=0), proof=proof)
        assert_feasible(problem, solve(problem, params))


def test_the_pipeline_never_returns_a_plan_that_breaks_capacity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem, broken = two_groups_at_one_host(600, 600)
    broken = replace(broken, stopped_by="a stage gone wrong")
    monkeypatch.setattr(pipeline, "solve_search", lambda *_args, **_kw: broken)
    solution = solve(problem, SolveParams(budget=Budget(iterations=0), proof=None))
    assert_feasible(problem, solution)
    assert "broke a rule" in solution.stopped_by


@pytest.mark.parametrize(("first", "second"), [(600, 600), (600, 630), (600, 660)])
def test_re_planning_keeps_capacity_whether_or_not_the_previous_plan_did(
    first: int, second: int
) -> None:
    # The insertion starts from the previous plan's visits only when they keep the rules that
    # span tracks (`insertion._previous_sequences`); the walk goes on from there.
    problem, _ = two_groups_at_one_host(first, second)
    replanned = problem.with_previous([Previous(0, 0, first), Previous(1, 1, second)])
    kept = second - first >= 60
    as_before = sequence_solution(replanned, [[0], [1]])
    assert bool(capacity_violations(replanned, _starts(as_before))) != kept
    assert_feasible(replanned, sequence_solution(replanned, insertion_sequences(replanned)))
    params = SolveParams(budget=Budget(iterations=100, solution_limit=0))
    found = solve_search(replanned, params, None)
    assert_feasible(replanned, found)
    if kept:  # both visits stay where they were
        assert _starts(found) == {0: first, 1: second}


def _starts(solution: Solution) -> dict[int, int]:
    return {s.node: s.start for r in solution.routes for s in r.stops}


# --- after across days while groups run in parallel -----------------------------------------


def test_after_is_allowed_across_days_of_one_group_while_groups_run_in_parallel() -> None:
    problem = groups_problem(random.Random(1), 2, 2, 4)
    after = [After(0, 2)]  # group 0's nodes keep to its own days
    assert set(problem.allowed_tracks(0)) | set(problem.allowed_tracks(2)) <= {0, 2}
    Problem.build(problem.travel, problem.nodes, problem.tracks, after)
    with pytest.raises(ValueError, match="overlap"):
        Problem.build(problem.travel, problem.nodes, problem.tracks, [After(0, 1)])


@pytest.mark.parametrize("seed", range(16))
def test_after_across_days_of_parallel_groups_is_kept_by_every_stage(seed: int) -> None:
    rng = random.Random(7000 + seed)
    problem = groups_problem(rng, 2, 2, rng.randint(4, 7), rules=False)
    # Node pairs of one group: the later one on a day after the earlier one, or either way.
    group_nodes: dict[tuple[int, ...], list[int]] = {}
    for n in range(len(problem.nodes)):
        group_nodes.setdefault(problem.allowed_tracks(n), []).append(n)
    after = []
    for nodes in group_nodes.values():
        if len(nodes) >= 2:
            a, b = rng.sample(nodes, 2)
            after.append(After(a, b))
    problem = replace(problem, after=tuple(after))
    problem._check_references()
    assert_feasible(problem, sequence_solution(problem, insertion_sequences(problem)))
    params = SolveParams(budget=Budget(iterations=120, solution_limit=0))
    assert_feasible(problem, solve_search(problem, params, None))
    proof = prove_bound(problem, ProofParams(deterministic_time=2.0))
    assert proof is not None
    if proof.best is not None:
        assert_feasible(problem, proof.best)


# --- CP-SAT against exhaustive search ---------------------------------------------------------


def best_score(problem: Problem, step: int = 30) -> int:
    """The best score of any feasible schedule (no node is required here), by exhaustive
    search: node sets per track, then timings on the `step` marks, each track's checked by
    the independent check, capacity across tracks by it too."""
    n_tracks = len(problem.tracks)
    nodes = problem.nodes

    @functools.cache
    def timings(t: int, members: frozenset[int]) -> list[tuple[tuple[int, int], ...]]:
        """Every timing (node, start) of the set on track t on the marks, as a feasible route."""
        found = []
        track = problem.tracks[t]
        for order in itertools.permutations(sorted(members)):
            if earliest_starts(problem, t, order) is None:
                continue
            options = [
                [s for a, b in nodes[n].windows for s in range(a, b + 1, step)] for n in order
            ]
            for starts in itertools.product(*options):
                if any(x >= y for x, y in itertools.pairwise(starts)):
                    continue
                route = Route(
                    t,
                    track.earliest_start,
                    track.latest_end,
                    tuple(Stop(n, s) for n, s in zip(order, starts, strict=True)),
                )
                alone = Solution((route,), ())
                if not [v for v in verify_solution(problem, alone) if "route" in v]:
                    found.append(tuple(zip(order, starts, strict=True)))
        return found

    allowed = [set(problem.allowed_tracks(n)) for n in range(len(nodes))]
    best = 0
    choices = [[-1] + sorted(allowed[n]) for n in range(len(nodes))]
    for assignment in itertools.product(*choices):
        served = [n for n, t in enumerate(assignment) if t >= 0]
        score = sum(nodes[n].score for n in served)
        if score <= best:
            continue
        if any(len(set(served) & set(c.nodes)) > 1 for c in problem.one_of):
            continue
        sets = [frozenset(n for n in served if assignment[n] == t) for t in range(n_tracks)]
        per_track = [timings(t, s) if s else [()] for t, s in enumerate(sets)]
        if any(not p for p in per_track):
            continue
        for combo in itertools.product(*per_track):
            start_of = {n: s for timed in combo for n, s in timed}
            if not capacity_violations(problem, start_of):
                best = score
                break
    return best


@pytest.mark.parametrize("model", ["routes", "circuit"])
@pytest.mark.parametrize("seed", range(24))
def test_cp_sats_bound_and_optimum_hold_against_exhaustive_search(model: str, seed: int) -> None:
    problem = tiny(seed)
    params = ProofParams() if model == "routes" else ProofParams(max_labels=0)
    proof = prove_bound(problem, params)
    assert proof is not None
    best = best_score(problem)
    assert proof.score_bound(0) >= best
    if proof.best is not None:
        assert_feasible(problem, proof.best)
        assert proof.best.score(problem) <= best
    if proof.proven:
        assert proof.best is not None and proof.best.score(problem) == best
    # The search's plans are feasible and never beat the optimum either.
    found = solve(problem, SolveParams(budget=Budget(iterations=80, solution_limit=0), proof=None))
    assert_feasible(problem, found)
    assert found.score(problem) <= best


def test_cp_sat_lets_a_group_wait_for_another_to_leave() -> None:
    # One host, both groups only there, its window from 9:00 to 10:00 for the start, the day
    # long: by the earliest starts both would be there at 9:00; CP-SAT has one wait.
    travel = [[0, 30], [30, 0]]
    nodes = [Node(1, 60, ((540, 600),), score=10, tracks=(t,)) for t in (0, 1)]
    tracks = [Track(0, 0, 480, 1020), Track(0, 0, 480, 1020)]
    problem = Problem.build(travel, nodes, tracks, capacity=[Capacity((0, 1), (8, 8), 12)])
    for params in (ProofParams(), ProofParams(max_labels=0)):
        proof = prove_bound(problem, params)
        assert proof is not None and proof.proven and proof.best is not None
        assert proof.best.score(problem) == 20
        assert_feasible(problem, proof.best)
        starts = sorted(s.start for r in proof.best.routes for s in r.stops)
        assert starts == [540, 600]
    # The search alone cannot (a group never waits); the pipeline's proof can, and its plan
    # keeps CP-SAT's own starts.
    params = SolveParams(budget=Budget(iterations=50, solution_limit=0), proof=None)
    assert solve(problem, params).score(problem) == 10
    solution = solve(problem, replace(params, proof=ProofParams()))
    assert_feasible(problem, solution)
    assert solution.score(problem) == 20 == solution.score_bound
