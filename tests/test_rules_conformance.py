"""Every fast copy of a rule agrees with the reference, `itinerary/model/rules.py`.

Random small problems (one to three tracks, on one day or several, some with a break; nodes
with one to three windows that may overlap, some restricted to tracks, durations from 0; travel
that may break the triangle inequality or be 0 between two places) and random sequences. For
each, the reference says whether the sequence can be done on a track and when; then:

- the numpy walk (`lns._Route`): the same verdict, the same start times (with the break on the
  leg the walk chose), and latest times that are exactly the latest the rules allow; every
  insertion it offers is feasible;
- the Python insertion (`insertion.insertion_sequences`): its pre-filter never refuses what the
  rules accept (the plan equals that of the same insertion without it), and its timed routes
  start where the rules say;
- the CP-SAT route enumeration (`cpsat._routes_on`): exactly the node sets the rules can serve
  on the track, each with an order the rules accept;
- the independent verifier (`verify.verify_solution`) finds nothing wrong with a route the rules
  timed, nor with what OR-Tools' model returns;
- the rank: `Rank.of` gives the walk's own five integers (changes to a previous plan
  included), orders as routing's former `_Rank` did, and `cpsat.better` is its strict order;
- re-planning: the timing that keeps previous starts (`rules.starts_keeping`) keeps as many as
  exhaustive search over which to keep finds, is feasible when the earliest timing is, and its
  routes pass the verifier.

A failure here is a real bug in the copy (or in the reference): fix the copy, never the test.
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import itinerary
from itinerary.model.problem import (
    After,
    Break,
    Node,
    OneOf,
    Previous,
    Problem,
    Route,
    Solution,
    Stop,
    Track,
    down_to_grid,
    up_to_grid,
)
from itinerary.model.rules import (
    Rank,
    changes,
    cross_track_violations,
    earliest_starts,
    first_start,
    starts_keeping,
    starts_with_break_at,
)
from itinerary.model.schedule import layout, timed_route
from itinerary.model.verify import verify_solution
from itinerary.solver import cpsat, insertion, lns, routing

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- random problems and sequences ------------------------------------------------------------


@st.composite
def problems(
    draw: st.DrawFn, max_nodes: int = 6, spanning: bool = False, previous: bool = False
) -> Problem:
    """A small random Problem; with `spanning`, `after` and `one_of` rules too; with
    `previous`, a previous plan to re-plan against (`Problem.previous`): some nodes each on a
    track at a start, mostly one of its windows allows, some anywhere."""
    n_places = draw(st.integers(2, 6))
    if draw(st.booleans()):  # points on a plane, plus a buffer: the triangle inequality holds
        pts = [(draw(st.integers(0, 40)), draw(st.integers(0, 40))) for _ in range(n_places)]
        buffer = draw(st.sampled_from([0, 5, 10]))
        travel = [
            [0 if i == j else math.ceil(math.dist(a, b)) + buffer for j, b in enumerate(pts)]
            for i, a in enumerate(pts)
        ]
    else:  # any minutes: asymmetric, shortcuts through a third place, zeros
        minutes = st.sampled_from([0, 5, 20, 45, 90, 200])
        travel = [
            [0 if i == j else draw(minutes) for j in range(n_places)] for i in range(n_places)
        ]
    place = st.integers(0, n_places - 1)

    n_tracks = draw(st.integers(1, 3))
    parallel = draw(st.booleans())  # groups on one day, else one track a day
    # The time grid: none, or marks of 5 to 15 minutes for visits and the break (per node, as
    # events keep their own times in a trip).
    grids = st.just(1) if draw(st.booleans()) else st.sampled_from([1, 5, 15])
    tracks = []
    for t in range(n_tracks):
        base = 0 if parallel else 1440 * t
        start_place = draw(place)
        end_place = draw(st.one_of(st.just(start_place), place))
        start = base + draw(st.integers(420, 600))
        # Every day has room for its own journey (compile makes sure), sometimes only just.
        journey = travel[start_place][end_place]
        end = start + journey + draw(st.sampled_from([0, 30, 240, 480, 600, 720]))
        track = Track(start_place, end_place, start, end)
        if draw(st.integers(0, 2)) > 0:
            minutes = draw(st.sampled_from([30, 45, 60]))
            grid = draw(grids)
            opens = up_to_grid(base + draw(st.integers(540, 800)), grid)
            slack = draw(st.sampled_from([0, 3, 15, 60, 120]))
            brk = Break(opens, opens + minutes + slack, minutes, grid)
            with_break = replace(track, breaks=(brk,))
            # A day without room for its break has none (as compile decides).
            lone = Problem.build(travel, [], [with_break])
            if earliest_starts(lone, 0, []) is not None:
                track = with_break
        tracks.append(track)

    nodes = []
    for _ in range(draw(st.integers(1, max_nodes))):
        windows = set()
        grid = draw(grids)
        for _ in range(draw(st.integers(1, 3))):  # mostly inside a day, some around its edges
            day = draw(st.sampled_from(tracks))
            a = day.earliest_start + draw(st.integers(-60, day.latest_end - day.earliest_start))
            b = a + draw(st.sampled_from([0, 3, 10, 30, 60, 120, 300, 600]))
            a, b = up_to_grid(a, grid), down_to_grid(b, grid)  # as compile puts them on it
            if a <= b:
                windows.add((a, b))
        allowed = None
        if n_tracks > 1 and draw(st.booleans()):
            allowed = tuple(sorted(draw(st.sets(st.integers(0, n_tracks - 1), min_size=1))))
        required = draw(st.integers(0, 4)) == 0
        nodes.append(
            Node(
                draw(place),
                draw(st.sampled_from([0, 0, 15, 30, 60, 90])),
                tuple(sorted(windows)),
                score=draw(st.integers(0, 50)),
                required=required,
                tracks=allowed,
                grid=grid,
            )
        )
    after: list[After] = []
    one_of: list[OneOf] = []
    if spanning and len(nodes) > 1:
        pair = st.lists(st.integers(0, len(nodes) - 1), min_size=2, max_size=2, unique=True)
        if not parallel:  # across parallel groups an order would couple their timings
            after = [After(*draw(pair)) for _ in range(draw(st.integers(0, 2)))]
        group = st.lists(st.integers(0, len(nodes) - 1), min_size=2, max_size=3, unique=True)
        one_of = [
            OneOf(tuple(draw(group)), must=draw(st.booleans()))
            for _ in range(draw(st.integers(0, 2)))
        ]
    before: list[Previous] = []
    if previous:
        for n in draw(st.sets(st.integers(0, len(nodes) - 1))):
            node = nodes[n]
            t = draw(st.integers(0, n_tracks - 1))
            if node.windows and draw(st.integers(0, 3)) > 0:
                a, b = draw(st.sampled_from(node.windows))
                start = up_to_grid(draw(st.integers(a, b)), node.grid)
                start = start if start <= b else a
            else:
                start = tracks[t].earliest_start + draw(st.integers(0, 600))
            before.append(Previous(n, t, start))
    return Problem.build(travel, nodes, tracks, after, one_of, before)


@st.composite
def cases(
    draw: st.DrawFn, max_nodes: int = 6, previous: bool = False
) -> tuple[Problem, int, list[int]]:
    """A problem, a track and a sequence of distinct nodes: any, or one the rules accept
    (built node by node), or one of those with another node put in somewhere (often just too
    much), so that both verdicts and their border come up."""
    problem = draw(problems(max_nodes, previous=previous))
    t = draw(st.integers(0, len(problem.tracks) - 1))
    nodes = list(draw(st.permutations(range(len(problem.nodes)))))
    kind = draw(st.sampled_from(["any", "feasible", "one more"]))
    if kind == "any":
        return problem, t, nodes[: draw(st.integers(0, min(5, len(nodes))))]
    sequence: list[int] = []
    for n in nodes:
        for at in range(len(sequence) + 1):
            trial = sequence[:at] + [n] + sequence[at:]
            if len(trial) <= 5 and earliest_starts(problem, t, trial) is not None:
                sequence = trial
                break
    rest = [n for n in nodes if n not in sequence]
    if kind == "one more" and rest:
        at = draw(st.integers(0, len(sequence)))
        sequence.insert(at, rest[0])
    return problem, t, sequence


def feasible_plan(problem: Problem, order: tuple[int, ...]) -> list[list[int]]:
    """Disjoint feasible sequences per track: each node in `order` appended to the first track
    where the rules accept it; a node that fits nowhere stays out."""
    sequences: list[list[int]] = [[] for _ in problem.tracks]
    for i, n in enumerate(order):
        for k in range(len(problem.tracks)):
            t = (i + k) % len(problem.tracks)
            if earliest_starts(problem, t, [*sequences[t], n]) is not None:
                sequences[t].append(n)
                break
    return sequences


def widest(problem: Problem, t: int, starts: list[int], sequence: list[int]) -> Route:
    """The route at these starts, leaving at the track's earliest start and back by its end."""
    track = problem.tracks[t]
    stops = tuple(Stop(n, s) for n, s in zip(sequence, starts, strict=True))
    return Route(t, track.earliest_start, track.latest_end, stops)


def alone(problem: Problem, route: Route) -> Solution:
    served = {s.node for s in route.stops}
    return Solution((route,), tuple(n for n in range(len(problem.nodes)) if n not in served))


# --- the windows rule -------------------------------------------------------------------------


@EXAMPLES
@given(problems(), st.integers(-100, 4500))
def test_node_first_start_is_the_windows_rule(problem: Problem, ready: int) -> None:
    for node in problem.nodes:
        g = node.grid
        expected = first_start(node.windows, ready, g)
        assert node.first_start(ready) == expected
        assert expected is None or expected % g == 0  # on the grid
        window = node.windows[0] if len(node.windows) == 1 else None
        # The walk rounds `ready` up to the grid itself, then looks the windows up.
        assert lns._first_start(window, node.windows, up_to_grid(ready, g)) == expected
        # The walk's backward rule: the latest start at or before `ready` (as a bound), i.e.
        # the latest time at which the forward rule starts at once. It is one of these:
        candidates = {down_to_grid(ready, g), *(b for _, b in node.windows)}
        latest = max(
            (s for s in candidates if s <= ready and first_start(node.windows, s, g) == s),
            default=lns._NEG,
        )
        bound = down_to_grid(ready, g)  # the walk floors its bound to the grid itself
        assert lns._last_start(window, node.windows, bound, lns._NEG) == latest


# --- the numpy walk ---------------------------------------------------------------------------


def walk_route(problem: Problem, t: int, sequence: list[int]) -> lns._Route | None:
    try:
        return lns._Route(lns._Data(problem), t, sequence)
    except ValueError:
        return None


def ready_suffices(
    problem: Problem, t: int, sequence: list[int], i: int, ready: int, leg: int | None
) -> bool:
    """By the rules: whether the group, ready at item i of `sequence` (the end place for
    i = len) at `ready`, can still do the rest, with the track's break on `leg` if that leg is
    still ahead (legs are numbered as in `starts_with_break_at`)."""
    track = problem.tracks[t]
    here = problem.nodes[sequence[i]].place if i < len(sequence) else track.end_place
    if ready > track.latest_end:
        return False
    ahead = leg is not None and leg > i
    rest = Track(here, track.end_place, ready, track.latest_end, track.breaks if ahead else ())
    nodes = [replace(nd, tracks=None) for nd in problem.nodes]
    suffix = Problem.build(problem.travel, nodes, [rest])
    # The suffix starts at item i's own place: its first leg is no move at all (travel 0).
    return starts_with_break_at(suffix, 0, sequence[i:], leg - i if ahead else None) is not None


@EXAMPLES
@given(cases())
def test_the_walks_route_times_are_the_rules(case: tuple[Problem, int, list[int]]) -> None:
    problem, t, sequence = case
    # The walk only ever puts a node on a track it allows (see the next test); its route check
    # does not ask again.
    sequence = [n for n in sequence if t in problem.allowed_tracks(n)]
    expected = earliest_starts(problem, t, sequence)
    route = walk_route(problem, t, sequence)
    assert (route is not None) == (expected is not None)
    if route is None:
        return
    track = problem.tracks[t]
    # The walk puts the break on the leg that leaves the most slack, not the first that works:
    # its times are the rules' with the break there.
    leg = route.gap if track.breaks else None
    assert leg is None or 0 <= leg <= len(sequence)
    starts = [route.free[i + 1] - problem.nodes[n].duration for i, n in enumerate(sequence)]
    assert starts == starts_with_break_at(problem, t, sequence, leg)
    # The latest time the group may be ready at each item (and at the end place).
    for i in range(len(sequence) + 1):
        latest = route.latest[i]
        if latest == route.data.never:
            assert not ready_suffices(problem, t, sequence, i, -(10**6), leg), i
        else:
            assert ready_suffices(problem, t, sequence, i, latest, leg), (i, latest)
            assert not ready_suffices(problem, t, sequence, i, latest + 1, leg), (i, latest)


@EXAMPLES
@given(problems())
def test_the_walk_offers_each_track_only_what_the_rules_allow_there(problem: Problem) -> None:
    data = lns._Data(problem)
    for t in range(len(problem.tracks)):
        for c, n in enumerate(data.copy_node.tolist()):
            window = (int(data.copy_open[c]), int(data.copy_close[c]))
            if data.allowed[t, c]:
                assert t in problem.allowed_tracks(n)
            elif t in problem.allowed_tracks(n):  # a window outside the day: never feasible
                only = replace(problem.nodes[n], windows=(window,))
                alone = Problem.build(problem.travel, [only], problem.tracks)
                assert earliest_starts(alone, t, [0]) is None


@EXAMPLES
@given(cases())
def test_every_insertion_the_walk_offers_is_feasible(case: tuple[Problem, int, list[int]]) -> None:
    problem, t, sequence = case
    if earliest_starts(problem, t, sequence) is None:
        return
    data = lns._Data(problem)
    route = lns._Route(data, t, sequence)
    served = np.zeros(len(problem.nodes), dtype=bool)
    served[sequence] = True
    open_copies = ~served[data.copy_node]
    round_ = lns._Round(
        spread=np.zeros(len(data.copy_node)), bias=np.ones(len(problem.tracks)), required_first=True
    )
    priorities = np.empty(len(data.copy_node))
    positions = np.zeros(len(data.copy_node), dtype=np.int64)
    lns._insertions(data, route, open_copies, round_, round_.factors(data), priorities, positions)
    for c in np.flatnonzero(np.isfinite(priorities)):
        at, node = int(positions[c]), int(data.copy_node[c])
        trial = sequence[:at] + [node] + sequence[at:]
        assert earliest_starts(problem, t, trial) is not None, (c, trial)
        assert route.change(trial, at, len(sequence) - at)
        route.change(sequence)


# --- the Python insertion ---------------------------------------------------------------------


def insertion_without_prefilter(problem: Problem) -> list[list[int]]:
    """`insertion.insertion_sequences` with every option judged by the rules alone."""
    travel, nodes = problem.travel, problem.nodes
    sequences: list[list[int]] = [[] for _ in problem.tracks]
    for n in insertion._insertion_order(problem):
        if not nodes[n].windows:
            continue
        options = []
        for t in problem.allowed_tracks(n):
            track = problem.tracks[t]
            seq = sequences[t]
            stops = [track.start_place] + [nodes[m].place for m in seq] + [track.end_place]
            for at in range(len(seq) + 1):
                a, b, p = stops[at], stops[at + 1], nodes[n].place
                options.append((travel[a][p] + travel[p][b] - travel[a][b], t, at))
        for _, t, at in sorted(options):
            trial = sequences[t][:at] + [n] + sequences[t][at:]
            if earliest_starts(problem, t, trial) is not None:
                sequences[t] = trial
                break
    return sequences


@EXAMPLES
@given(problems())
def test_the_insertion_refuses_nothing_the_rules_accept_and_times_by_them(
    problem: Problem,
) -> None:
    sequences = insertion.insertion_sequences(problem)
    assert sequences == insertion_without_prefilter(problem)
    solution = insertion.sequence_solution(problem, sequences)
    for route, sequence in zip(solution.routes, sequences, strict=True):
        assert [s.node for s in route.stops] == sequence
        assert [s.start for s in route.stops] == earliest_starts(problem, route.track, sequence)
    assert verify_solution(problem, solution) == []


def test_a_day_without_visits_between_two_places_arrives_after_its_journey() -> None:
    # Found by the test above: the insertion's timing brought such a day back at its start
    # (arrival = departure), before the group could be at the end place; the plan hid it, as
    # it lays the day out from its travel.
    problem = Problem.build([[0, 30], [30, 0]], [], [Track(0, 1, 1920, 2000)])
    solution = insertion.sequence_solution(problem, [[]])
    assert solution.routes[0].arrival == 1950
    assert verify_solution(problem, solution) == []


# --- the CP-SAT route enumeration -------------------------------------------------------------


@FEWER
@given(problems(max_nodes=5), st.data())
def test_the_route_enumeration_finds_exactly_the_node_sets_the_rules_allow(
    problem: Problem, data: st.DataObject
) -> None:
    t = data.draw(st.integers(0, len(problem.tracks) - 1))
    found = cpsat._routes_on(problem, cpsat._LeastTravel.of(problem), t, 10**7)
    assert found is not None
    family, _ = found

    def in_order(order: Sequence[int]) -> bool:  # `after` within one route
        return all(
            order.index(r.earlier) < order.index(r.later)
            for r in problem.after
            if r.earlier in order and r.later in order
        )

    def moved(order: Sequence[int]) -> int:
        track = problem.tracks[t]
        places = [track.start_place, *(problem.nodes[n].place for n in order), track.end_place]
        return sum(problem.travel[a][b] for a, b in itertools.pairwise(places))

    for mask, (order, minutes) in family.items():
        assert mask == sum(1 << n for n in order)
        assert earliest_starts(problem, t, order) is not None, order
        assert in_order(order) and minutes == moved(order)
    least: dict[int, int] = {}
    for size in range(len(problem.nodes) + 1):
        for members in itertools.combinations(range(len(problem.nodes)), size):
            for order in itertools.permutations(members):
                if earliest_starts(problem, t, order) is not None and in_order(order):
                    mask = sum(1 << n for n in members)
                    least[mask] = min(least.get(mask, moved(order)), moved(order))
    # Exactly the node sets the rules allow, each with its least travel.
    assert {mask: minutes for mask, (_, minutes) in family.items()} == least


# --- the independent verifier ------------------------------------------------------------------


@EXAMPLES
@given(st.booleans().flatmap(lambda previous: cases(previous=previous)))
def test_routes_timed_by_the_rules_pass_the_verifier(case: tuple[Problem, int, list[int]]) -> None:
    problem, t, sequence = case
    if earliest_starts(problem, t, sequence) is None:
        return
    # Every leg that can hold the break, not only the first: each timing is one the rules allow.
    for leg in [None] if not problem.tracks[t].breaks else range(-1, len(sequence) + 2):
        starts = starts_with_break_at(problem, t, sequence, leg)
        if starts is None:
            continue
        route = widest(problem, t, starts, sequence)
        assert verify_solution(problem, alone(problem, route)) == [], (leg, route)
        layout(problem, route)  # the minute-by-minute layout finds room for the break too
    # Timed as every plan is (schedule.timed_route), directly and through the search.
    retimed = timed_route(problem, t, sequence)
    assert retimed is not None
    assert verify_solution(problem, alone(problem, retimed)) == []
    timed = insertion.sequence_solution(
        problem, [sequence if k == t else [] for k in range(len(problem.tracks))]
    )
    assert verify_solution(problem, timed) == []


@FEWER
@given(problems())
def test_what_the_or_tools_model_returns_passes_the_rules(problem: Problem) -> None:
    from ortools.constraint_solver import pywrapcp

    if problem.gridded:
        return  # not stated by the model: never polished (tests/test_time_grid.py)
    model = routing._Model(problem, routing.Weights.for_problem(problem, 1.0))
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.solution_limit = 3
    assignment = model.routing.SolveWithParameters(parameters)
    if assignment is None:  # no first solution (a track whose day is too short for its journey)
        return
    solution = model.solution(assignment, 1, "test")
    assert verify_solution(problem, solution) == []
    for route in solution.routes:
        sequence = [s.node for s in route.stops]
        assert earliest_starts(problem, route.track, sequence) is not None


@pytest.mark.parametrize("checker", ["model/verify.py", "plan/check.py", "plan/check_meetings.py"])
def test_the_independent_checkers_import_neither_the_rules_nor_the_solver(checker: str) -> None:
    path = Path(itinerary.__file__).parent / checker
    package = "itinerary." + checker.split("/")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            relative = ".".join([*base, node.module] if node.module else base)
            imported.add(relative if node.level else node.module or "")
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    solver_side = {
        "itinerary.model.rules",
        "itinerary.model.schedule",
        "itinerary.model.compile",
        "itinerary.solver",
        "itinerary.plan.planner",
        "itinerary.match",
    }
    assert imported, "the checker imports something"
    assert not {name for name in imported if any(name.startswith(side) for side in solver_side)}


# --- the rules that span tracks ---------------------------------------------------------------


def test_cross_track_violations_name_each_rule_broken() -> None:
    travel = [[0, 10], [10, 0]]
    nodes = [Node(1, 30, ((500, 900), (1940, 2340))) for _ in range(4)]
    problem = Problem.build(
        travel,
        nodes,
        [Track(0, 0, 480, 1000), Track(0, 0, 1920, 2440)],  # two days
        after=[After(0, 1)],
        one_of=[OneOf((2, 3)), OneOf((0, 3), must=True)],
    )

    def plan(*routes: tuple[Stop, ...]) -> Solution:
        served = {s.node for r in routes for s in r}
        bounds = [(t.earliest_start, t.latest_end) for t in problem.tracks]
        return Solution(
            tuple(Route(t, *bounds[t], stops) for t, stops in enumerate(routes)),
            tuple(n for n in range(4) if n not in served),
        )

    # 0 ends at 530, 1 starts then, later that day or on the next: kept.
    assert cross_track_violations(problem, plan((Stop(0, 500), Stop(1, 530)), ())) == []
    assert cross_track_violations(problem, plan((Stop(0, 500),), (Stop(1, 1940),))) == []
    assert cross_track_violations(problem, plan((Stop(1, 500), Stop(0, 540)), ())) == [
        "node 1 starts at 500, before node 0, which it comes after, ends at 570"
    ]
    assert cross_track_violations(problem, plan((Stop(1, 600),), (Stop(0, 1940),))) == [
        "node 1 starts at 600, before node 0, which it comes after, ends at 1970"
    ]
    assert cross_track_violations(problem, plan((Stop(1, 600),), ())) == [
        "node 1 is served, but node 0, which it comes after, is not"
    ]
    assert cross_track_violations(problem, plan((Stop(2, 600),), (Stop(3, 600),))) == [
        "nodes [2, 3] are all served, but at most one of [2, 3] may be"
    ]
    assert cross_track_violations(problem, plan((Stop(2, 600),), (Stop(2, 700),))) == [
        "node 2 is served 2 times"
    ]
    # An unmet `must` choice breaks no rule; it ranks like a required node left out.
    nothing = plan((), ())
    assert cross_track_violations(problem, nothing) == []
    assert nothing.unmet_choices(problem) == [1]
    assert Rank.of(problem, nothing) == Rank(0, 1, 0, 0, 0)


# --- the rank ---------------------------------------------------------------------------------


def former_routing_rank(problem: Problem, solution: Solution) -> tuple[int, int, int, int, int]:
    """routing._Rank.of as it was before `Rank` (it knew no `one_of`), with the changes to a
    previous plan (`Problem.previous`) counted as their rule says: a previous visit not served
    on its track at its start."""
    served = solution.served()
    missing = [n for i, n in enumerate(problem.nodes) if n.required and i not in served]
    fixed = sum(1 for n in missing if n.fixed)
    lost = problem.max_score() - sum(problem.nodes[n].score for n in served)
    kept = sum(
        1
        for v in problem.previous
        for r in solution.routes
        if r.track == v.track and Stop(v.node, v.start) in r.stops
    )
    changed = len(problem.previous) - kept
    return (fixed, len(missing) - fixed, lost, changed, solution.travel_minutes(problem))


@EXAMPLES
@given(problems(spanning=True, previous=True), st.data())
def test_rank_is_the_walks_rank_and_the_former_routing_rank(
    problem: Problem, data: st.DataObject
) -> None:
    order = st.permutations(range(len(problem.nodes)))
    plans = [
        feasible_plan(problem, tuple(data.draw(order)[: data.draw(st.integers(0, 6))]))
        for _ in range(2)
    ]
    solutions = [insertion.sequence_solution(problem, sequences) for sequences in plans]
    ranks = [Rank.of(problem, s) for s in solutions]
    walk = lns._Data(problem)
    for sequences, solution, rank in zip(plans, solutions, ranks, strict=True):
        assert lns._State(walk, sequences, np.random.default_rng(0)).rank() == rank.key()
        assert rank.missing_required >= len(solution.unmet_choices(problem))
        if not problem.one_of:
            assert rank.key() == former_routing_rank(problem, solution)
    a, b = solutions
    assert (ranks[0] < ranks[1]) == (ranks[0].key() < ranks[1].key())
    assert cpsat.better(problem, a, b) == (ranks[0] < ranks[1])
    assert not cpsat.better(problem, a, a)  # fmt: skip


def test_better_takes_a_schedule_of_the_same_score_only_with_less_travel() -> None:
    # Two visits, either order fits; going 1 -> 2 takes 10 minutes, 2 -> 1 takes 100.
    travel = [[0, 10, 10], [10, 0, 10], [10, 100, 0]]
    nodes = [Node(1, 30, ((480, 900),), score=5), Node(2, 30, ((480, 900),), score=5)]
    problem = Problem.build(travel, nodes, [Track(0, 0, 480, 1000)])
    short = insertion.sequence_solution(problem, [[0, 1]])
    long = insertion.sequence_solution(problem, [[1, 0]])
    assert short.score(problem) == long.score(problem)
    assert cpsat.better(problem, short, long)
    assert not cpsat.better(problem, long, short)
    assert not cpsat.better(problem, short, short)
    fewer = insertion.sequence_solution(problem, [[0]])
    assert cpsat.better(problem, long, fewer)  # score before travel


# --- re-planning: keeping previous starts -----------------------------------------------------


def most_kept_exhaustively(problem: Problem, t: int, sequence: list[int]) -> int:
    """The most previous starts on track t a feasible timing of `sequence` keeps, by trying
    every set of them to keep: each kept node pinned to its previous start (a window of that
    one start, on no grid), the sequence then done by the rules' earliest starts. A previous
    start off the node's windows or grid can never be kept."""
    old = {v.node: v.start for v in problem.previous if v.track == t}
    keepable = [
        n
        for n in sequence
        if n in old
        and first_start(problem.nodes[n].windows, old[n], problem.nodes[n].grid) == old[n]
    ]
    for size in range(len(keepable), 0, -1):
        for chosen in itertools.combinations(keepable, size):
            nodes = list(problem.nodes)
            for n in chosen:
                nodes[n] = replace(nodes[n], windows=((old[n], old[n]),), grid=1)
            pinned = Problem.build(problem.travel, nodes, problem.tracks)
            if earliest_starts(pinned, t, sequence) is not None:
                return size
    return 0


@EXAMPLES
@given(cases(previous=True))
def test_the_timing_keeps_as_many_previous_starts_as_exhaustive_search(
    case: tuple[Problem, int, list[int]],
) -> None:
    problem, t, sequence = case
    earliest = earliest_starts(problem, t, sequence)
    starts = starts_keeping(problem, t, sequence)
    assert (starts is None) == (earliest is None)
    if starts is None or earliest is None:
        return
    old = {(v.node, v.start) for v in problem.previous if v.track == t}

    def kept(times: list[int]) -> int:
        return sum(1 for n, s in zip(sequence, times, strict=True) if (n, s) in old)

    assert kept(starts) == most_kept_exhaustively(problem, t, sequence)
    assert kept(starts) >= kept(earliest)
    if kept(starts) == kept(earliest):
        assert starts == earliest  # the earliest timing unless keeping needs another
    route = timed_route(problem, t, sequence)
    assert route is not None and [s.start for s in route.stops] == starts
    solution = alone(problem, route)
    assert verify_solution(problem, solution) == []
    assert changes(problem, solution) == len(problem.previous) - kept(starts)
