"""A proven upper bound on the score, from exact CP-SAT models: the only module importing
`ortools.sat`.

What the bound means. The routing solver ranks plans lexicographically: first the number of
required nodes (must-visits, events) served, then the score, then travel. This module proves, for
a number R of required nodes, `score_bound(R)` = B: **no feasible schedule that serves at least R
required nodes scores more than B**. For a plan serving R required nodes with score S:

- S == B: the plan is *optimal*: no feasible plan serves more required nodes, and none that serves
  as many scores higher. For a complete plan (every must-visit and event placed, the usual case)
  this is simply "no complete plan has a higher score".
- S < B: "score S of at most B": a better plan may exist, or the search ran out of its budget
  before it could rule one out.

Optimality is about the score only; travel, the routing solver's third criterion, is not proven
minimal. Both models below state the Problem's rules exactly (the rules of `schedule.py`, the plan
checker and `verify.py`), so the bound is never below the score of a feasible schedule;
tests/test_cpsat.py checks this against exhaustive search.

Two exact models; the first that fits its budget is used:

1. *Routes* (trip-sized problems). Per track, every set of nodes it can serve is enumerated by a
   label-setting search over partial routes (node set, last node, break taken or not) that keeps
   the earliest finish per label, which is exact because every constraint is a release time or a
   deadline (see `schedule.earliest_starts`). CP-SAT then picks one route per track, each node at
   most once: a set-packing model whose linear relaxation is tight, so trips of 15 hosts over 3
   days are proven in well under a second. If the enumeration exceeds `max_labels`, model 2.
2. *Circuit* (larger problems, e.g. the TOPTW benchmark). A *copy* is (node, window, lane) where
   the window can be reached from the start and left in time to get back; at most one copy per
   node is served. Per lane one circuit over its depot, copies and break; an arc i -> j forces
   start_j >= start_i + duration_i + travel(i, j); the group leaves at the track's earliest start
   (leaving later never helps). The break is a mandatory circuit node with no travel in or out;
   its predecessor i and successor j are one move lengthened by the break: start_j >= end_i +
   travel(i, j) + duration (a two-literal condition per pair), with the break inside [end_i,
   start_j] and its own window, i.e. at either place or on the way. Identical tracks without a
   break form one *lane*, a multi-route circuit, so no symmetric copies exist (TOPTW c101 with
   m = 2: proven in 1.5 units of deterministic time, against 41 with two circuits ordered by
   value); identical tracks with a break are ordered by value instead. Arcs and copies that no
   window allows are left out. (A cut "visits plus the travel of the arcs used fit the span" was
   measured and left out: it made proofs slower, 68 vs 59 units over 12 test problems.)

Both maximise W * (required nodes served) + score with W = total score + 1, subject to serving at
least `required_floor` required nodes (the count of the plan being judged) and every fixed-time
event that plan attends (an event is never traded for a must-visit: the day's lunch was decided
around it).

The search is reproducible: one worker, a fixed seed, and a limit in CP-SAT's deterministic time
(a count of work, not seconds), so the same problem gives the same bound on every machine. The
routing solution, when given, is the hint CP-SAT starts from, and the best schedule CP-SAT finds
is returned, re-timed to leave as late and come back as early as it allows.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from ortools.sat.python import cp_model

from ..errors import InternalError
from ..problem import Problem, Route, Solution, Stop, Track
from ..schedule import earliest_starts, layout
from . import Deadline
from .interrupts import run_stoppable


@dataclass(frozen=True)
class BoundParams:
    """How much work to spend on the bound, and above which size not to try."""

    # CP-SAT's deterministic time: a machine-independent measure of work (on this kind of machine
    # one unit takes about 1-2 s). Trip-sized problems need a small fraction of one unit.
    deterministic_time: float = 5.0
    # No bound at all above this many (node, window, lane) combinations: big trips are not slowed.
    max_copies: int = 200
    # Partial routes the route enumeration may examine before the circuit model takes over
    # (about 30 µs each; trips of 25 hosts over 5 days need ~30 000).
    max_labels: int = 40_000
    # The circuit model is not tried above this many copies (the plan then has no bound). It
    # proves tight-window problems (TOPTW c101, r101: 100 copies), but on trips, whose windows are
    # business hours, beyond this size it spends its whole budget (a 35-host, 3-day trip with
    # 105 copies: 7 s) for a bound far above the score.
    max_circuit_copies: int = 60
    time_limit: float | None = None  # optional wall-clock cap in seconds (machine-dependent)
    workers: int = 1  # more than one makes the search depend on thread timing
    seed: int = 0


@dataclass(frozen=True)
class ScoreBound:
    """The proof: `score_bound(r)` bounds every feasible schedule serving >= r required nodes."""

    objective_bound: int  # upper bound on W * required served + score; < 0: nothing is feasible
    weight: int  # W: one required node outweighs the whole score
    required_floor: int  # the model only considered schedules serving at least this many
    best: Solution | None  # the best schedule CP-SAT found (serving >= required_floor), re-timed
    proven: bool  # the best schedule meets the bound: optimal in the sense of the module docstring
    status: str  # CP-SAT's status name
    method: str  # "routes" or "circuit"
    size: int  # routes enumerated, or copies in the circuit model
    wall_seconds: float
    deterministic_time: float

    def score_bound(self, required_served: int) -> int:
        """No feasible schedule serving at least `required_served` required nodes (and at least
        `required_floor`) scores more than this."""
        if required_served < self.required_floor:
            raise ValueError(
                f"the bound was proven for schedules serving >= {self.required_floor} required "
                f"nodes, not {required_served}"
            )
        return self.objective_bound - self.weight * required_served


def required_served(problem: Problem, solution: Solution) -> int:
    return sum(1 for r in solution.routes for s in r.stops if problem.nodes[s.node].required)


def _events_attended(problem: Problem, solution: Solution) -> frozenset[int]:
    """The fixed-time events the plan attends."""
    return frozenset(
        s.node for r in solution.routes for s in r.stops if problem.nodes[s.node].fixed
    )


def better(problem: Problem, a: Solution, b: Solution) -> bool:
    """Whether `a` ranks strictly above `b` by `rules.Rank`: fixed-time events, then required
    nodes and must choices, then score, then travel. So CP-SAT's schedule replaces the search's
    only when it is better on one of these: at an equal score, only with less travel."""
    from ..rules import Rank

    return Rank.of(problem, a) < Rank.of(problem, b)


def may_prove(problem: Problem, params: BoundParams | None = None) -> bool:
    """Whether `prove_bound` tries this problem at all (a cheap test of its size)."""
    params = params or BoundParams()
    return _window_copies(problem, _lanes(problem)) <= params.max_copies


def prove_bound(
    problem: Problem,
    params: BoundParams | None = None,
    hint: Solution | None = None,
    deadline: Deadline | None = None,
) -> ScoreBound | None:
    """Prove an upper bound on the score (see the module docstring); None when the problem is
    too large for both models, or `deadline` comes before CP-SAT could start. With `hint` (a
    feasible solution), the bound is for schedules serving at least as many required nodes as
    it does, and the search starts from it. CP-SAT stops by `deadline` too, with the bound
    proven until then."""
    params = params or BoundParams()
    began = time.perf_counter()
    lanes = _lanes(problem)
    if _window_copies(problem, lanes) > params.max_copies:
        return None
    least = _LeastTravel.of(problem)
    floor = required_served(problem, hint) if hint is not None else 0
    # Events the plan attends stay in every schedule considered: the day's lunch and journeys
    # were decided around them, so one is never traded for a must-visit.
    keep = _events_attended(problem, hint) if hint is not None else frozenset()
    families = _route_families(problem, least, lanes, params.max_labels, deadline)
    if deadline is not None and deadline.passed():
        return None
    built: _Built
    if families is not None:
        built = _RouteModel(problem, lanes, families, floor, keep)
        method, size = "routes", sum(len(f) for f in families)
    else:
        copies = _copies(problem, least, lanes)
        if len(copies) > params.max_circuit_copies:
            return None
        built = _CircuitModel(problem, lanes, copies, floor, keep)
        method, size = "circuit", len(copies)
    if hint is not None:
        built.add_hint(hint)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.max_deterministic_time = params.deterministic_time
    seconds = [params.time_limit] if params.time_limit is not None else []
    if deadline is not None:
        seconds.append(deadline.remaining())
    if seconds:
        if min(seconds) <= 0:
            return None
        solver.parameters.max_time_in_seconds = min(seconds)
    # Bounds as CP-SAT proves them: its final response reads 0 when it stopped before proving
    # any bound (so it cannot be trusted then), this callback never does.
    proven_bounds: list[float] = []
    solver.best_bound_callback = proven_bounds.append
    # CP-SAT would catch Ctrl-C itself and return as if done; `run_stoppable` stops it instead,
    # and the interrupt ends the command.
    solver.parameters.catch_sigint_signal = False
    status = run_stoppable(lambda: solver.solve(built.model), solver.stop_search)

    best: Solution | None = None
    if status == cp_model.MODEL_INVALID:
        raise InternalError(f"CP-SAT rejects the model: {built.model.validate()}")
    if status == cp_model.INFEASIBLE:
        if hint is not None:
            raise InternalError("CP-SAT finds no schedule although the routing solver did")
        objective_bound = -1  # no feasible schedule at all
    else:
        objective_bound = built.trivial_bound
        if status == cp_model.OPTIMAL:
            objective_bound = round(solver.objective_value)
        elif proven_bounds and math.isfinite(proven_bounds[-1]):
            objective_bound = min(objective_bound, math.floor(proven_bounds[-1] + 1e-6))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = built.extract(solver)
    proven = status == cp_model.INFEASIBLE
    if best is not None:
        value = built.weight * required_served(problem, best) + best.score(problem)
        if value > objective_bound:
            raise InternalError(f"CP-SAT's schedule ({value}) beats its bound ({objective_bound})")
        proven = value == objective_bound
    return ScoreBound(
        objective_bound=objective_bound,
        weight=built.weight,
        required_floor=floor,
        best=best,
        proven=proven,
        status=solver.status_name(status),
        method=method,
        size=size,
        wall_seconds=time.perf_counter() - began,
        deterministic_time=solver.deterministic_time,
    )


class _Built(Protocol):
    model: cp_model.CpModel
    weight: int
    trivial_bound: int

    def add_hint(self, solution: Solution) -> None: ...

    def extract(self, solver: cp_model.CpSolver) -> Solution: ...


def _window_copies(problem: Problem, lanes: list[tuple[int, ...]]) -> int:
    """The problem's size, cheaply: (node, window, lane) combinations that overlap in time."""
    count = 0
    for lane in lanes:
        track = problem.tracks[lane[0]]
        for n, node in enumerate(problem.nodes):
            if lane[0] in problem.allowed_tracks(n):
                count += sum(
                    1
                    for a, b in node.windows
                    if a <= track.latest_end and b >= track.earliest_start
                )
    return count


def _lanes(problem: Problem) -> list[tuple[int, ...]]:
    """Tracks grouped into lanes: identical tracks without a break that every node may use
    alike are one lane (their routes are interchangeable); every other track is alone."""
    lanes: dict[tuple, list[int]] = {}
    for t, track in enumerate(problem.tracks):
        if track.breaks:
            key: tuple = (t,)
        else:
            allowed = tuple(t in problem.allowed_tracks(n) for n in range(len(problem.nodes)))
            key = (track, allowed)
        lanes.setdefault(key, []).append(t)
    return sorted(tuple(ts) for ts in lanes.values())


@dataclass(frozen=True)
class _LeastTravel:
    """Least travel from each track's start place and to each track's end place over any path:
    a lower bound on the time between them even when the matrix breaks the triangle inequality
    (a user's matrix may)."""

    from_place: dict[int, list[int]]
    to_place: dict[int, list[int]]

    @staticmethod
    def of(problem: Problem) -> _LeastTravel:
        travel = problem.travel
        starts = sorted({t.start_place for t in problem.tracks})
        ends = sorted({t.end_place for t in problem.tracks})
        return _LeastTravel(
            {s: _dijkstra(lambda u, v: travel[u][v], len(travel), s) for s in starts},
            {e: _dijkstra(lambda u, v: travel[v][u], len(travel), e) for e in ends},
        )


def _dijkstra(cost: Callable[[int, int], int], n: int, source: int) -> list[int]:
    """Dense Dijkstra: least cost from `source` to every place, O(n^2)."""
    dist = [math.inf] * n
    dist[source] = 0
    todo = set(range(n))
    while todo:
        u = min(todo, key=dist.__getitem__)
        todo.remove(u)
        du = dist[u]
        for v in todo:
            if du + cost(u, v) < dist[v]:
                dist[v] = du + cost(u, v)
    return [int(d) for d in dist]


def _value(problem: Problem, weight: int, n: int) -> int:
    node = problem.nodes[n]
    return node.score + (weight if node.required else 0)


def _interchangeable(problem: Problem, t: int, u: int) -> bool:
    if problem.tracks[t] != problem.tracks[u]:
        return False
    return all(
        (t in problem.allowed_tracks(n)) == (u in problem.allowed_tracks(n))
        for n in range(len(problem.nodes))
    )


# --- Model 1: enumerated routes -------------------------------------------------------------


def _route_families(
    problem: Problem,
    least: _LeastTravel,
    lanes: list[tuple[int, ...]],
    max_labels: int,
    deadline: Deadline | None = None,
) -> list[dict[int, tuple[int, ...]]] | None:
    """Per lane, every node set one of its tracks can serve (as a bit mask) with one feasible
    order; None when that takes more than `max_labels` partial routes in all, or goes past
    `deadline`."""
    families = []
    budget = max_labels
    for lane in lanes:
        found = _routes_on(problem, least, lane[0], budget, deadline)
        if found is None:
            return None
        family, used = found
        families.append(family)
        budget -= used
    return families


def _routes_on(
    problem: Problem, least: _LeastTravel, t: int, budget: int, deadline: Deadline | None = None
) -> tuple[dict[int, tuple[int, ...]], int] | None:
    """Label-setting enumeration of the node sets track t can serve: (family, labels used).

    A label is a partial route (node set, last node, break taken): the earliest time the group is
    free after it, and the order that achieves it. Moves follow `rules.starts_with_break_at`: the
    next visit starts at the earliest window start it can reach, and the break, if not taken yet,
    may be taken on the move (at the place left, on the way, or on arrival). Taking it before the
    first move or after the last is never better than taking it on that move, so those are not
    separate cases. Labels that could no longer get back in time are dropped, measured by the
    least travel over any path, so none that could complete is lost.
    """
    track = problem.tracks[t]
    brk = track.breaks[0] if track.breaks else None
    travel = problem.travel
    nodes = problem.nodes
    candidates = [n for n in range(len(nodes)) if t in problem.allowed_tracks(n)]

    # fast copy of rules.ready_after_leg, held to it by tests/test_rules_conformance.py
    def with_break(free: int, move: int) -> int | None:
        """When the group is ready at the destination if it takes the break on this move."""
        assert brk is not None
        s = max(free, brk.earliest_start)
        if s + brk.duration > brk.latest_end:
            return None
        return max(free + move, s) + brk.duration

    def can_finish(place: int, free: int, done: bool) -> bool:
        """Whether some way home may still be in time (a necessary condition)."""
        ready = free + least.to_place[track.end_place][place]
        if done:
            return ready <= track.latest_end
        assert brk is not None
        s = max(free, brk.earliest_start)
        return s + brk.duration <= brk.latest_end and ready + brk.duration <= track.latest_end

    def home(place: int, free: int, done: bool) -> bool:
        """Whether going straight home now is in time (exact)."""
        move = travel[place][track.end_place]
        ready = free + move if done else with_break(free, move)
        return ready is not None and ready <= track.latest_end

    family: dict[int, tuple[int, ...]] = {}
    start_done = brk is None
    # (node mask, last node or -1) -> {break taken: (free from, order)}
    level: dict[tuple[int, int], dict[bool, tuple[int, tuple[int, ...]]]] = {
        (0, -1): {start_done: (track.earliest_start, ())}
    }
    used = 1
    if used > budget:
        return None
    while level:
        following: dict[tuple[int, int], dict[bool, tuple[int, tuple[int, ...]]]] = {}
        for (mask, last), labels in level.items():
            place = track.start_place if last < 0 else nodes[last].place
            for done, (free, order) in labels.items():
                if mask not in family and home(place, free, done):
                    family[mask] = order
                for n in candidates:
                    if mask >> n & 1:
                        continue
                    node = nodes[n]
                    move = travel[place][node.place]
                    options = [(done, free + move)]
                    if not done:
                        ready = with_break(free, move)
                        if ready is not None:
                            options.append((True, ready))
                    for now_done, ready in options:
                        begin = node.first_start(ready)
                        if begin is None:
                            continue
                        end = begin + node.duration
                        if not can_finish(node.place, end, now_done):
                            continue
                        key = (mask | 1 << n, n)
                        best = following.setdefault(key, {})
                        if now_done not in best or end < best[now_done][0]:
                            best[now_done] = (end, (*order, n))
                            used += 1
                            if used > budget:
                                return None
                            if deadline is not None and used % 1024 == 0 and deadline.passed():
                                return None
        for labels in following.values():
            # Having taken the break and being free no later beats not having taken it.
            if True in labels and False in labels and labels[True][0] <= labels[False][0]:
                del labels[False]
        level = following
    return family, used


class _RouteModel:
    """Set packing over the enumerated routes: one route per track, each node at most once."""

    def __init__(
        self,
        problem: Problem,
        lanes: list[tuple[int, ...]],
        families: list[dict[int, tuple[int, ...]]],
        required_floor: int,
        keep: frozenset[int] = frozenset(),
    ) -> None:
        self.problem = problem
        self.lanes = lanes
        self.families = families
        self.model = m = cp_model.CpModel()
        self.weight = problem.max_score() + 1
        servable = {n for family in families for order in family.values() for n in order}
        self.trivial_bound = sum(_value(problem, self.weight, n) for n in servable)

        # Per lane: a literal per non-empty route; the empty route needs none.
        self.choice: list[dict[int, cp_model.IntVar]] = []
        by_node: dict[int, list[cp_model.IntVar]] = {}
        lane_values = []
        objective = []
        required = []
        for k, family in enumerate(families):
            chosen = {}
            values = []
            for mask, order in family.items():
                if not mask:
                    continue
                lit = m.new_bool_var(f"r{k}_{mask:x}")
                chosen[mask] = lit
                value = sum(_value(problem, self.weight, n) for n in order)
                values.append(value * lit)
                required.append(sum(problem.nodes[n].required for n in order) * lit)
                for n in order:
                    by_node.setdefault(n, []).append(lit)
            self.choice.append(chosen)
            routes = sum(chosen.values())
            if 0 in family:
                m.add(routes <= len(lanes[k]))
            else:  # the track cannot stay empty
                m.add(routes == len(lanes[k]))
            lane_values.append(sum(values))
            objective += values
        for n, lits in by_node.items():
            if n in keep:
                m.add_exactly_one(lits)
            else:
                m.add_at_most_one(lits)
        if required_floor:
            m.add(sum(required) >= required_floor)
        for k in range(len(lanes) - 1):
            if len(lanes[k]) == len(lanes[k + 1]) == 1:
                if _interchangeable(problem, lanes[k][0], lanes[k + 1][0]):
                    m.add(lane_values[k] >= lane_values[k + 1])
        m.maximize(sum(objective))

    def add_hint(self, solution: Solution) -> None:
        lane_of = {t: k for k, ts in enumerate(self.lanes) for t in ts}
        used: set[tuple[int, int]] = set()
        for route in solution.routes:
            mask = sum(1 << s.node for s in route.stops)
            k = lane_of[route.track]
            if mask not in self.families[k]:
                order = [s.node for s in route.stops]
                if earliest_starts(self.problem, route.track, order) is not None:
                    raise InternalError(
                        f"the route enumeration missed the feasible route {order} on track "
                        f"{route.track}"
                    )
                return  # not a feasible hint (the plan checker will say why): search unhinted
            used.add((k, mask))
        for k, chosen in enumerate(self.choice):
            for mask, lit in chosen.items():
                self.model.add_hint(lit, (k, mask) in used)

    def extract(self, solver: cp_model.CpSolver) -> Solution:
        problem = self.problem
        sequences: dict[int, list[int]] = {t: [] for t in range(len(problem.tracks))}
        for k, chosen in enumerate(self.choice):
            picked = [self.families[k][mask] for mask, lit in chosen.items() if solver.value(lit)]
            for t, order in zip(self.lanes[k], picked, strict=False):
                sequences[t] = list(order)
        return _solution(problem, sequences, "CP-SAT (routes)")


def _solution(problem: Problem, sequences: dict[int, list[int]], by: str) -> Solution:
    routes = []
    for t in range(len(problem.tracks)):
        route = retime(problem, t, sequences[t])
        if route is None:
            raise InternalError(f"CP-SAT's sequence {sequences[t]} on track {t} is infeasible")
        routes.append(route)
    served = {n for seq in sequences.values() for n in seq}
    dropped = tuple(n for n in range(len(problem.nodes)) if n not in served)
    return Solution(tuple(routes), dropped, stopped_by=by)


# --- Model 2: circuits ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Copy:
    node: int
    lane: int
    earliest: int  # earliest start, reachable from the lane's start place
    latest: int  # latest start that still gets back to the end place in time


def _copies(problem: Problem, least: _LeastTravel, lanes: list[tuple[int, ...]]) -> list[_Copy]:
    lane_of = {t: k for k, ts in enumerate(lanes) for t in ts}
    copies = []
    for n, node in enumerate(problem.nodes):
        for k in sorted({lane_of[t] for t in problem.allowed_tracks(n)}):
            track = problem.tracks[lanes[k][0]]
            reach = track.earliest_start + least.from_place[track.start_place][node.place]
            home = track.latest_end - node.duration - least.to_place[track.end_place][node.place]
            for a, b in node.windows:
                lo, hi = max(a, reach), min(b, home)
                if lo <= hi:
                    copies.append(_Copy(n, k, lo, hi))
    return copies


class _CircuitModel:
    """One circuit per lane over its copies and break (see the module docstring)."""

    def __init__(
        self,
        problem: Problem,
        lanes: list[tuple[int, ...]],
        copies: list[_Copy],
        required_floor: int,
        keep: frozenset[int] = frozenset(),
    ) -> None:
        self.problem = problem
        self.lanes = lanes
        self.copies = copies
        self.model = cp_model.CpModel()
        m = self.model
        nodes = problem.nodes
        self.weight = problem.max_score() + 1

        self.visit = [m.new_bool_var(f"v{c}") for c in range(len(copies))]
        by_node: dict[int, list[int]] = {}
        for c, copy in enumerate(copies):
            by_node.setdefault(copy.node, []).append(c)
        self.start: dict[int, cp_model.IntVar] = {}
        for n, cs in by_node.items():
            windows = [[copies[c].earliest, copies[c].latest] for c in cs]
            self.start[n] = m.new_int_var_from_domain(cp_model.Domain.from_intervals(windows), f"s{n}")
            if n in keep:
                m.add_exactly_one(self.visit[c] for c in cs)
            else:
                m.add_at_most_one(self.visit[c] for c in cs)
            for c in cs:
                m.add(self.start[n] >= copies[c].earliest).only_enforce_if(self.visit[c])
                m.add(self.start[n] <= copies[c].latest).only_enforce_if(self.visit[c])
        self.trivial_bound = sum(self._value(n) for n in by_node)

        required_copies = [c for c, copy in enumerate(copies) if nodes[copy.node].required]
        if required_floor:
            m.add(sum(self.visit[c] for c in required_copies) >= required_floor)
        m.maximize(sum(self._value(copy.node) * self.visit[c] for c, copy in enumerate(copies)))

        self.lane_copies: list[list[int]] = [[] for _ in lanes]
        for c, copy in enumerate(copies):
            self.lane_copies[copy.lane].append(c)
        # Per lane: circuit arcs keyed by (from, to) circuit index: 0 is the depot, 1..len(copies
        # of the lane) the copies, the next one the break.
        self.arcs: list[dict[tuple[int, int], cp_model.IntVar]] = []
        self.break_start: list[cp_model.IntVar | None] = []
        for k in range(len(lanes)):
            self._lane(k)

        # Identical single-track lanes (tracks with a break) are interchangeable: order them by
        # value to cut symmetric copies of every schedule.
        for k in range(len(lanes) - 1):
            if len(lanes[k]) == len(lanes[k + 1]) == 1:
                if _interchangeable(problem, lanes[k][0], lanes[k + 1][0]):
                    m.add(self._lane_value(k) >= self._lane_value(k + 1))

    def _value(self, n: int) -> int:
        return _value(self.problem, self.weight, n)

    def _lane_value(self, k: int) -> cp_model.LinearExprT:
        return sum(self._value(self.copies[c].node) * self.visit[c] for c in self.lane_copies[k])

    def _lane(self, k: int) -> None:
        m = self.model
        problem = self.problem
        nodes = problem.nodes
        travel = problem.travel
        copies = self.copies
        mine = self.lane_copies[k]
        routes = len(self.lanes[k])
        track = problem.tracks[self.lanes[k][0]]
        brk = track.breaks[0] if track.breaks else None
        depot, break_index = 0, len(mine) + 1
        arcs: dict[tuple[int, int], cp_model.IntVar] = {}
        self.arcs.append(arcs)
        direct_fits = (
            track.earliest_start + travel[track.start_place][track.end_place] <= track.latest_end
        )

        def copy_of(i: int) -> _Copy:
            return copies[mine[i - 1]]

        def place(i: int) -> int:
            return nodes[copy_of(i).node].place

        def start(i: int) -> cp_model.IntVar:
            return self.start[copy_of(i).node]

        def duration(i: int) -> int:
            return nodes[copy_of(i).node].duration

        circuit: list[tuple[int, int, cp_model.LiteralT]] = []
        for i in range(1, len(mine) + 1):
            circuit.append((i, i, self.visit[mine[i - 1]].Not()))

        def arc(i: int, j: int) -> cp_model.IntVar:
            lit = m.new_bool_var(f"a{k}_{i}_{j}")
            arcs[(i, j)] = lit
            circuit.append((i, j, lit))
            return lit

        for i in range(1, len(mine) + 1):
            # The copy's window allows for the least travel from the start and back; the direct
            # move of these arcs may be longer (a matrix may break the triangle inequality).
            first = track.earliest_start + travel[track.start_place][place(i)]
            if first > copy_of(i).earliest:
                m.add(start(i) >= first).only_enforce_if(arc(depot, i))
            else:
                arc(depot, i)
            last = track.latest_end - duration(i) - travel[place(i)][track.end_place]
            if last < copy_of(i).latest:
                m.add(start(i) <= last).only_enforce_if(arc(i, depot))
            else:
                arc(i, depot)
        for i in range(1, len(mine) + 1):
            for j in range(1, len(mine) + 1):
                if copy_of(i).node == copy_of(j).node:
                    continue
                leg = duration(i) + travel[place(i)][place(j)]
                if copy_of(i).earliest + leg > copy_of(j).latest:
                    continue  # no window allows j after i
                m.add(start(j) >= start(i) + leg).only_enforce_if(arc(i, j))

        if brk is None:
            if routes == 1:
                empty = m.new_bool_var(f"empty{k}")
                circuit.append((depot, depot, empty))
                for c in mine:
                    m.add_implication(self.visit[c], empty.Not())
                if not direct_fits:
                    m.add(empty == 0)
                m.add_circuit(circuit)
            else:
                used = sum(lit for (i, _), lit in arcs.items() if i == depot)
                m.add(used <= routes) if direct_fits else m.add(used == routes)
                m.add_multiple_circuit(circuit)
            self.break_start.append(None)
            return

        lo = max(brk.earliest_start, track.earliest_start)
        hi = min(brk.latest_end, track.latest_end) - brk.duration
        if lo > hi:
            m.add_bool_or([])  # the break cannot be taken at all: no schedule exists
            self.break_start.append(None)
            return
        b_start = m.new_int_var(lo, hi, f"b{k}")
        self.break_start.append(b_start)
        into = {depot: arc(depot, break_index)}
        out = {depot: arc(break_index, depot)}
        for i in range(1, len(mine) + 1):
            if copy_of(i).earliest + duration(i) <= hi:
                into[i] = arc(i, break_index)
                m.add(b_start >= start(i) + duration(i)).only_enforce_if(into[i])
            if lo + brk.duration <= copy_of(i).latest:
                out[i] = arc(break_index, i)
                m.add(start(i) >= b_start + brk.duration).only_enforce_if(out[i])

        # The move from the break's predecessor to its successor, lengthened by the break.
        for i, lit_in in into.items():
            for j, lit_out in out.items():
                if i != depot and j != depot and copy_of(i).node == copy_of(j).node:
                    continue
                src = track.start_place if i == depot else place(i)
                dst = track.end_place if j == depot else place(j)
                gap = travel[src][dst] + brk.duration
                free = track.earliest_start if i == depot else start(i) + duration(i)
                if j == depot:
                    m.add(free + gap <= track.latest_end).only_enforce_if([lit_in, lit_out])
                else:
                    m.add(start(j) >= free + gap).only_enforce_if([lit_in, lit_out])
        m.add_circuit(circuit)

    def add_hint(self, solution: Solution) -> None:
        """Start the search from a feasible solution: visits, arcs, start times, breaks."""
        problem = self.problem
        m = self.model
        lane_of = {t: k for k, ts in enumerate(self.lanes) for t in ts}
        chosen: set[int] = set()
        used: list[set[tuple[int, int]]] = [set() for _ in self.lanes]
        breaks: list[tuple[int, int]] = []  # (lane, break start)
        for route in solution.routes:
            k = lane_of[route.track]
            mine = self.lane_copies[k]
            path = [0]
            for stop in route.stops:
                i = next(
                    (
                        i
                        for i, c in enumerate(mine, start=1)
                        if self.copies[c].node == stop.node
                        and self.copies[c].earliest <= stop.start <= self.copies[c].latest
                    ),
                    None,
                )
                if i is None:
                    return  # outside the model's windows: leave the search unhinted
                chosen.add(mine[i - 1])
                path.append(i)
            if self.break_start[k] is not None:
                at = next(s.start for s in layout(problem, route) if s.kind == "break")
                before = sum(1 for s in route.stops if s.start < at)
                path.insert(before + 1, len(mine) + 1)
                breaks.append((k, at))
            if len(path) > 1:
                used[k].update(zip(path, [*path[1:], 0], strict=True))
        for c, lit in enumerate(self.visit):
            m.add_hint(lit, c in chosen)
        for route in solution.routes:
            for stop in route.stops:
                m.add_hint(self.start[stop.node], stop.start)
        for k, at in breaks:
            brk_var = self.break_start[k]
            assert brk_var is not None
            m.add_hint(brk_var, at)
        for k, arcs in enumerate(self.arcs):
            for key, lit in arcs.items():
                m.add_hint(lit, key in used[k])

    def extract(self, solver: cp_model.CpSolver) -> Solution:
        """The solver's schedule as a Solution, each route re-timed by `retime`."""
        problem = self.problem
        sequences: dict[int, list[int]] = {}
        for k, tracks in enumerate(self.lanes):
            mine = self.lane_copies[k]
            chosen = [key for key, lit in self.arcs[k].items() if solver.boolean_value(lit)]
            successor = {i: j for i, j in chosen if i != 0}
            firsts = sorted(j for i, j in chosen if i == 0)
            for t in tracks:
                sequences[t] = []
            for t, first in zip(tracks, firsts, strict=False):
                i = first
                while i != 0:
                    if i <= len(mine):
                        sequences[t].append(self.copies[mine[i - 1]].node)
                    i = successor[i]
        return _solution(problem, sequences, "CP-SAT (circuit)")


def retime(problem: Problem, t: int, sequence: list[int]) -> Route | None:
    """The sequence on track t, leaving as late and back as early as it allows (as the routing
    solver's finalizer does); None if it cannot be done at all."""
    track = problem.tracks[t]
    if earliest_starts(problem, t, sequence) is None:
        return None

    def with_track(new: Track) -> Problem:
        return problem.with_tracks((*problem.tracks[:t], new, *problem.tracks[t + 1 :]))

    def feasible_leaving(d: int) -> bool:
        return (
            earliest_starts(with_track(replace(track, earliest_start=d)), t, sequence) is not None
        )

    lo, hi = track.earliest_start, track.latest_end  # feasible_leaving(lo) holds
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if feasible_leaving(mid) else (lo, mid - 1)
    departure = lo
    leaving = replace(track, earliest_start=departure)

    def feasible_back_by(a: int) -> bool:
        back = replace(leaving, latest_end=a)
        return earliest_starts(with_track(back), t, sequence) is not None

    lo, hi = departure, track.latest_end  # feasible_back_by(hi) holds
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if feasible_back_by(mid) else (mid + 1, hi)
    arrival = lo
    # Time the stops within exactly these bounds, so the break found for them fits too.
    starts = earliest_starts(with_track(replace(leaving, latest_end=arrival)), t, sequence)
    assert starts is not None
    stops = tuple(Stop(n, s) for n, s in zip(sequence, starts, strict=True))
    return Route(t, departure, arrival, stops)
