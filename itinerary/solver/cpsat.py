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

*Travel.* The route model ranks travel too: every enumerated node set carries its order of least
travel (the enumeration keeps a Pareto front of (free time, travel) per partial route, so that
order is exact), and CP-SAT maximises objective * span - travel (span above any total travel),
i.e. the objective first, then the least travel. The result is
`travel_bound`: **no feasible schedule with the same events, required nodes and score travels
less**; a plan meeting it is optimal in score and travel. The circuit model proves no travel.

Both models state the Problem's rules exactly (the rules of `schedule.py`, the plan checker and
`verify.py`), the rules that span tracks (`after`, `one_of`) included, so the bounds are never
beaten by a feasible schedule; tests/test_cpsat.py checks this against exhaustive search.

*Capacity* (`Problem.capacity`, parallel groups at one host) needs start times, which the circuit
model has: one cumulative per rule over optional intervals, present when the node is served
(exact; a visit of no duration lasts one minute there, which on whole minutes is the rule's "under
way at its start"). The route model has no start variables: for capacity it is a relaxation, so
its bound holds, and when its schedule brings more visitors to a host than fit, the circuit
model runs (within `max_circuit_copies`) for a schedule that keeps it, the lower of the two
bounds holding, and the relaxation's travel bound where the circuit model meets the bound.
Where CP-SAT's schedule, timed by the earliest starts, breaks capacity (its own timing had a
group wait for another to leave), its own starts are kept, only if `verify.py` passes them.
tests/test_capacity.py holds both models to exhaustive search over timings that wait.

Two exact models; the first that fits its budget is used:

1. *Routes* (trip-sized problems). Per track, every set of nodes it can serve is enumerated by a
   label-setting search over partial routes (node set, last node, break taken or not) that keeps
   the labels no other is free earlier and travelled less than, which is exact because every
   constraint is a release time or a deadline (see `schedule.earliest_starts`). CP-SAT then
   picks one route per track, each node at most once: a set-packing model whose linear
   relaxation is tight, so trips of 15 hosts over 3 days are proven in well under a second. If
   the enumeration exceeds `max_labels` (or `after` rules meet a lane of several tracks), model 2.
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

Both maximise W * (required nodes served and `must` choices met) + score with W = total score
+ 1, subject to serving at least `required_floor` of them (the count of the plan being judged)
and every fixed-time event that plan attends (an event is never traded for a must-visit: the
day's lunch was decided around it). Without a plan to judge (the proof that runs before any
search), fixed-time events weigh E > W times all required nodes instead, which ranks schedules
as `Rank` does.

The search is reproducible: one worker, a fixed seed, and a limit in CP-SAT's deterministic time
(a count of work, not seconds), so the same problem gives the same bound on every machine. The
routing solution, when given, is the hint CP-SAT starts from, and the best schedule CP-SAT finds
is returned, timed as every plan is (`schedule.timed_route`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from ortools.sat.python import cp_model

from ..errors import InternalError
from ..model.problem import Problem, Solution, down_to_grid, up_to_grid
from ..model.rules import capacity_violations, changes
from ..model.schedule import earliest_starts, layout, route_at, timed_route
from ..model.verify import verify_solution
from . import Deadline
from .interrupts import run_stoppable
from .params import ProofParams


@dataclass(frozen=True)
class ScoreBound:
    """The proof: `score_bound(r)` bounds every feasible schedule serving >= r required nodes;
    `travel_bound` the travel of every feasible schedule that ranks as high as `best`."""

    objective_bound: int  # upper bound on the weighted objective; < 0: nothing is feasible
    weight: int  # W: one required node outweighs the whole score
    required_floor: int  # the model only considered schedules serving at least this many
    best: Solution | None  # the best schedule CP-SAT found (serving >= required_floor)
    proven: bool  # the best schedule meets the bound: optimal in the sense of the module docstring
    status: str  # CP-SAT's status name
    method: str  # "routes" or "circuit"
    size: int  # routes enumerated, or copies in the circuit model
    wall_seconds: float
    deterministic_time: float
    event_weight: int = 0  # E: with `events_first`, one fixed-time event outweighs the rest
    # A proven lower bound on the travel minutes of any feasible schedule that serves the same
    # events, required nodes and score as `best` (its score proven optimal); None when the
    # score is not proven or the travel was not tried (the circuit model, no work left).
    travel_bound: int | None = None
    travel_proven: bool = False  # `best`'s travel meets `travel_bound`

    def score_bound(self, required_served: int, events_served: int = 0) -> int:
        """No feasible schedule serving at least `required_served` required nodes (and at least
        `required_floor`), and at least `events_served` fixed-time events, scores more than
        this."""
        if required_served < self.required_floor:
            raise ValueError(
                f"the bound was proven for schedules serving >= {self.required_floor} required "
                f"nodes, not {required_served}"
            )
        return (
            self.objective_bound - self.weight * required_served - self.event_weight * events_served
        )


def required_served(problem: Problem, solution: Solution) -> int:
    """Required nodes served and `must` choices met: what ranks above the score."""
    served = sum(1 for r in solution.routes for s in r.stops if problem.nodes[s.node].required)
    musts = sum(1 for c in problem.one_of if c.must)
    return served + musts - len(solution.unmet_choices(problem))


def events_served(problem: Problem, solution: Solution) -> int:
    return len(_events_attended(problem, solution))


def _events_attended(problem: Problem, solution: Solution) -> frozenset[int]:
    """The fixed-time events the plan attends."""
    return frozenset(
        s.node for r in solution.routes for s in r.stops if problem.nodes[s.node].fixed
    )


def better(problem: Problem, a: Solution, b: Solution) -> bool:
    """Whether `a` ranks strictly above `b` by `rules.Rank`: fixed-time events, then required
    nodes and must choices, then score, then travel. So CP-SAT's schedule replaces the search's
    only when it is better on one of these: at an equal score, only with less travel."""
    from ..model.rules import Rank

    return Rank.of(problem, a) < Rank.of(problem, b)


def may_prove(problem: Problem, params: ProofParams | None = None) -> bool:
    """Whether `prove_bound` tries this problem at all (a cheap test of its size)."""
    params = params or ProofParams()
    return _window_copies(problem, _lanes(problem)) <= params.max_copies


def prove_bound(
    problem: Problem,
    params: ProofParams | None = None,
    hint: Solution | None = None,
    deadline: Deadline | None = None,
    *,
    events_first: bool = False,
    travel: bool = True,
    start: Solution | None = None,
) -> ScoreBound | None:
    """Prove an upper bound on the score (see the module docstring); None when the problem is
    too large for both models, or `deadline` comes before CP-SAT could start. With `hint` (a
    feasible solution), the bound is for schedules serving at least as many required nodes as
    it does, and the search starts from it. CP-SAT stops by `deadline` too, with the bound
    proven until then.

    `events_first` (used without a hint, when the proof runs before any search): the objective
    ranks fixed-time events above the other required nodes, as `Rank` does. `travel`: the route
    model minimises travel after the objective and, where the objective is proven, proves a
    lower bound on the travel at it (`travel_bound`). `start`: a feasible solution CP-SAT starts
    from without restricting the search to schedules like it (as `hint` does); the insertion
    plan makes the proof that runs first 4-30 times less work on generated 25-host trips."""
    params = params or ProofParams()
    began = time.perf_counter()
    lanes = _lanes(problem)
    if _window_copies(problem, lanes) > params.max_copies:
        return None
    least = _LeastTravel.of(problem)
    floor = required_served(problem, hint) if hint is not None else 0
    # Events the plan attends stay in every schedule considered: the day's lunch and journeys
    # were decided around them, so one is never traded for a must-visit.
    keep = _events_attended(problem, hint) if hint is not None else frozenset()
    weights = _Weights.of(problem, events_first)
    families = None
    if _route_model_fits(problem, lanes):
        families = _route_families(problem, least, lanes, params.max_labels, deadline)
    if deadline is not None and deadline.passed():
        return None
    built: _Built
    if families is not None:
        built = _RouteModel(problem, lanes, families, floor, keep, weights)
        method, size = "routes", sum(len(f) for f in families)
    else:
        copies = _copies(problem, least, lanes)
        if len(copies) > params.max_circuit_copies:
            return None
        built = _CircuitModel(problem, lanes, copies, floor, keep, weights)
        method, size = "circuit", len(copies)
    first_solution = hint if hint is not None else start
    if first_solution is not None:
        built.add_hint(first_solution)

    # Travel (route model only): one solve maximises objective * span - travel, with span above
    # any total travel, which ranks exactly as the objective first and less travel second. It
    # costs no more work than the objective alone did on generated trips of 15-25 hosts, where
    # a second solve at the fixed optimum took 2-7 times the first.
    span = built.travel_span() if travel and isinstance(built, _RouteModel) else 0
    if span:
        assert isinstance(built, _RouteModel)
        built.model.maximize(built.objective * span - built.travel)
    solved = _solve(problem, built, span, params, deadline, hint)
    if solved is None:
        return None
    objective_bound, combined, best, status_name, work = solved
    relaxed: int | None = None
    if isinstance(built, _RouteModel) and best is not None and _over_capacity(problem, best):
        # The route model does not state `Problem.capacity` (a route's timing is not a variable
        # there): it is a relaxation, so its bound holds, but its schedule brings more visitors
        # to a host than fit. The circuit model states capacity exactly; its schedule is taken,
        # and the lower of the two bounds holds. So does the relaxation's bound on travel: every
        # schedule of objective value v travels at least v * span - `relaxed` (below).
        relaxed, best, combined = combined, None, None
        copies = _copies(problem, least, lanes)
        if len(copies) <= params.max_circuit_copies:
            circuit = _CircuitModel(problem, lanes, copies, floor, keep, weights)
            if first_solution is not None:
                circuit.add_hint(first_solution)
            exact = _solve(problem, circuit, 0, params, deadline, hint)
            if exact is not None:
                objective_bound = min(objective_bound, exact[0])
                best = exact[2]
                work += exact[4]
                method, size = "routes, then circuit (capacity)", len(copies)
    proven = objective_bound < 0
    travel_bound: int | None = None
    if best is not None:
        value = _objective_value(problem, weights, best)
        if value > objective_bound:
            raise InternalError(f"CP-SAT's schedule ({value}) beats its bound ({objective_bound})")
        proven = value == objective_bound
        if proven and span and combined is None and relaxed is not None:
            combined = relaxed  # the circuit model's schedule, at the route model's bound
        if proven and span and combined is not None:
            # Every schedule of this objective value travels at least value * span - combined.
            travel_bound = max(0, value * span - combined)
            if best.travel_minutes(problem) < travel_bound:
                raise InternalError("CP-SAT's schedule travels less than its proven bound")
    return ScoreBound(
        objective_bound=objective_bound,
        weight=weights.required,
        required_floor=floor,
        best=best,
        proven=proven,
        status=status_name,
        method=method,
        size=size,
        wall_seconds=time.perf_counter() - began,
        deterministic_time=work,
        event_weight=weights.event,
        travel_bound=travel_bound,
        travel_proven=travel_bound is not None
        and best is not None
        and best.travel_minutes(problem) == travel_bound,
    )


def _solve(
    problem: Problem,
    built: _Built,
    span: int,
    params: ProofParams,
    deadline: Deadline | None,
    hint: Solution | None,
) -> tuple[int, int | None, Solution | None, str, float] | None:
    """Solve `built`: (a proven upper bound on its objective, -1 when nothing is feasible; the
    proven bound on objective * span - travel when `span`; its best schedule, if any; CP-SAT's
    status; the deterministic time spent). None when no time or work is left."""
    solver = _solver(params, params.deterministic_time, deadline)
    if solver is None:
        return None
    if isinstance(built, _RouteModel):
        # A set packing of thousands of routes: presolve and probing find nothing to simplify
        # and spent most of the work (generated 25 hosts x 5 days, seeds 0, 3, 5, 7, 9: 1.3-4.6
        # units of deterministic time with them, 0.01-1.0 without; the same optima).
        solver.parameters.cp_model_presolve = False
        solver.parameters.cp_model_probing_level = 0
    # Bounds as CP-SAT proves them: its final response reads 0 when it stopped before proving
    # any bound (so it cannot be trusted then), this callback never does.
    proven_bounds: list[float] = []
    solver.best_bound_callback = proven_bounds.append
    status = run_stoppable(lambda: solver.solve(built.model), solver.stop_search)

    best: Solution | None = None
    combined: int | None = None  # a proven upper bound on objective * span - travel
    if status == cp_model.MODEL_INVALID:
        raise InternalError(f"CP-SAT rejects the model: {built.model.validate()}")
    if status == cp_model.INFEASIBLE:
        if hint is not None:
            raise InternalError("CP-SAT finds no schedule although the routing solver did")
        objective_bound = -1  # no feasible schedule at all
    else:
        objective_bound = built.trivial_bound
        if status == cp_model.OPTIMAL:
            combined = round(solver.objective_value)
        elif proven_bounds and math.isfinite(proven_bounds[-1]):
            combined = math.floor(proven_bounds[-1] + 1e-6)
        if combined is not None:
            # With travel >= 0 and < span: objective <= (combined + travel) / span.
            lifted = -(-combined // span) if span else combined
            objective_bound = min(objective_bound, lifted)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = built.extract(solver)
    return objective_bound, combined, best, solver.status_name(status), solver.deterministic_time


def _over_capacity(problem: Problem, solution: Solution) -> bool:
    """Whether the solution brings more visitors to a host at once than fit (`Problem.capacity`)."""
    if not problem.capacity:
        return False
    start_of = {s.node: s.start for r in solution.routes for s in r.stops}
    return bool(capacity_violations(problem, start_of))


@dataclass(frozen=True)
class ChangesBound:
    """What `prove_changes` showed: no feasible schedule that ranks as high as the solution it
    was given on events, required nodes and score changes fewer than `bound` visits of the
    previous plan; `best`: the schedule CP-SAT found that keeps the most (timed as every plan
    is, so it may keep more than the model counted), if any."""

    bound: int
    best: Solution | None
    proven: bool  # CP-SAT closed the search: its best keeps as many as any such schedule


def prove_changes(
    problem: Problem,
    solution: Solution,
    params: ProofParams | None = None,
    deadline: Deadline | None = None,
) -> ChangesBound | None:
    """A proven lower bound on the changes to the previous plan (`rules.changes`) of every
    feasible schedule that ranks as high as `solution` on events, required nodes and score
    (`rules.Rank`'s first three fields), from the circuit model: its objective held at least
    at `solution`'s, CP-SAT maximises the previous visits kept (`kept_v` ⇔ the node served on
    its previous track, its start variable at the previous start). None when the problem has no
    previous plan, is too large, a previous track shares its lane with another (the circuit
    does not say which route is which track), `solution` leaves out a fixed-time node (the
    bound then needs the events it could attend instead), or no bound was proven."""
    params = params or ProofParams()
    if not problem.previous:
        return None
    lanes = _lanes(problem)
    lane_of = {t: k for k, ts in enumerate(lanes) for t in ts}
    if any(len(lanes[lane_of[v.track]]) > 1 for v in problem.previous):
        return None
    if _window_copies(problem, lanes) > params.max_copies:
        return None
    attended = _events_attended(problem, solution)
    if len(attended) < sum(1 for node in problem.nodes if node.fixed):
        return None
    copies = _copies(problem, _LeastTravel.of(problem), lanes)
    if len(copies) > params.max_change_copies:
        return None
    weights = _Weights.of(problem)
    built = _CircuitModel(
        problem, lanes, copies, required_served(problem, solution), attended, weights
    )
    m = built.model
    m.add(built.objective >= _objective_value(problem, weights, solution))
    kept: list[cp_model.IntVar] = []
    for v in problem.previous:
        node = problem.nodes[v.node]
        mine = [
            c
            for c, copy in enumerate(copies)
            if copy.node == v.node
            and copy.lane == lane_of[v.track]
            and copy.earliest <= v.start <= copy.latest
        ]
        if not mine or v.start % node.grid:
            continue  # never kept: its start is no start the model allows there
        lit = m.new_bool_var(f"kept{v.node}")
        m.add(built.start[v.node] == v.start).only_enforce_if(lit)
        m.add(sum(built.visit[c] for c in mine) >= 1).only_enforce_if(lit)
        kept.append(lit)
    if not kept:
        return ChangesBound(len(problem.previous), None, True)
    m.maximize(sum(kept))
    built.add_hint(solution)
    solver = _solver(params, params.deterministic_time, deadline)
    if solver is None:
        return None
    proven_bounds: list[float] = []
    solver.best_bound_callback = proven_bounds.append
    status = run_stoppable(lambda: solver.solve(m), solver.stop_search)
    if status == cp_model.MODEL_INVALID:
        raise InternalError(f"CP-SAT rejects the model: {m.validate()}")
    if status == cp_model.OPTIMAL:
        most = round(solver.objective_value)
    elif status == cp_model.FEASIBLE and proven_bounds and math.isfinite(proven_bounds[-1]):
        most = math.floor(proven_bounds[-1] + 1e-6)
    else:
        return None
    best = built.extract(solver)
    bound = len(problem.previous) - min(most, len(kept))
    if best is not None and changes(problem, best) < bound:
        raise InternalError("CP-SAT's schedule makes fewer changes than its proven bound")
    return ChangesBound(bound, best, status == cp_model.OPTIMAL)


def _solver(
    params: ProofParams, work: float, deadline: Deadline | None
) -> cp_model.CpSolver | None:
    """A reproducible CP-SAT solver for `work` units of deterministic time (and by `deadline`);
    None when no time or work is left."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    if work <= 0:
        return None
    solver.parameters.max_deterministic_time = work
    seconds = [params.time_limit] if params.time_limit is not None else []
    if deadline is not None:
        seconds.append(deadline.remaining())
    if seconds:
        if min(seconds) <= 0:
            return None
        solver.parameters.max_time_in_seconds = min(seconds)
    # CP-SAT would catch Ctrl-C itself and return as if done; `run_stoppable` stops it instead,
    # and the interrupt ends the command.
    solver.parameters.catch_sigint_signal = False
    return solver


def _objective_value(problem: Problem, weights: _Weights, solution: Solution) -> int:
    served = [s.node for r in solution.routes for s in r.stops]
    met = sum(1 for c in problem.one_of if c.must) - len(solution.unmet_choices(problem))
    return sum(weights.value(problem, n) for n in served) + weights.required * met


class _Built(Protocol):
    model: cp_model.CpModel
    weight: int
    trivial_bound: int
    objective: cp_model.LinearExpr

    def add_hint(self, solution: Solution) -> None: ...

    def extract(self, solver: cp_model.CpSolver) -> Solution | None: ...


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


@dataclass(frozen=True)
class _Weights:
    """The objective's weights, so that one integer ranks schedules as `Rank` does: a required
    node served (or a `must` choice met) is worth more than the whole score; with `event` set,
    a fixed-time event served is worth more than all required nodes and the score together."""

    required: int
    event: int = 0

    @staticmethod
    def of(problem: Problem, events_first: bool = False) -> _Weights:
        required = problem.max_score() + 1
        if not events_first:
            return _Weights(required)
        musts = sum(n.required for n in problem.nodes) + sum(c.must for c in problem.one_of)
        return _Weights(required, required * (musts + 1))

    def value(self, problem: Problem, n: int) -> int:
        node = problem.nodes[n]
        return (
            node.score + (self.required if node.required else 0) + (self.event if node.fixed else 0)
        )


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
) -> list[dict[int, tuple[tuple[int, ...], int]]] | None:
    """Per lane, every node set one of its tracks can serve (as a bit mask) with its order of
    least travel and that travel; None when that takes more than `max_labels` partial routes in
    all, or goes past `deadline`."""
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
) -> tuple[dict[int, tuple[tuple[int, ...], int]], int] | None:
    """Label-setting enumeration of the node sets track t can serve: (family, labels used), the
    family mapping each node set (a bit mask) to its order of least travel and that travel
    (from the track's start place to its end place).

    A label is a partial route (node set, last node, break taken) with the time the group is
    free after it, its travel so far and the order that achieves both. Moves follow
    `rules.starts_with_break_at` exactly: the next visit starts at the earliest window start it can
    reach, and the break, if not taken yet, may be taken on the move (at the place left, on the
    way, or on arrival). Taking it before the first move or after the last is never better than
    taking it on that move, so those are not separate cases. A label is dropped when another of
    the same node set and last node, with the break taken if it has, is free no later and has
    travelled no more (every later move is then open to that one too, at no more travel): the
    labels kept form a Pareto front, so the least travel of each node set is exact, and so is
    the set of node sets. Labels that could no longer get back in time are dropped, measured by
    the least travel over any path, so none that could complete is lost. With `problem.after`,
    a node is not added after one that must follow it.
    """
    track = problem.tracks[t]
    brk = track.breaks[0] if track.breaks else None
    travel = problem.travel
    nodes = problem.nodes
    end_place, latest_end = track.end_place, track.latest_end
    to_end = least.to_place[end_place]
    # `later` in a mask forbids adding `earlier` after it (the order would break the rule).
    followers: dict[int, int] = {}
    for rule in problem.after:
        followers[rule.earlier] = followers.get(rule.earlier, 0) | 1 << rule.later
    # What the inner loop needs of each node the track may serve, computed once (the loop runs
    # hundreds of thousands of times on a 25-host trip). Only windows that overlap the track
    # matter: the group is never ready before the track begins (so an earlier window is never
    # the first still open), and a visit beginning after the track ends cannot get back in
    # time, nor can one in a later window (windows are sorted). `latest` is the latest end of
    # the visit from which some way home may still be in time (a necessary condition, by the
    # least travel over any path).
    Candidate = tuple[int, int, int, int, tuple[tuple[int, int], ...], int, int, int]
    candidates: list[Candidate] = []
    for n, node in enumerate(nodes):
        if t not in problem.allowed_tracks(n):
            continue
        windows = tuple(
            (a, b) for a, b in node.windows if b >= track.earliest_start and a <= latest_end
        )
        if windows:
            latest = latest_end - to_end[node.place]
            candidates.append(
                (
                    n,
                    1 << n,
                    node.place,
                    node.duration,
                    windows,
                    latest,
                    followers.get(n, 0),
                    node.grid,
                )
            )
    if brk is not None:
        break_opens, break_minutes, step = brk.earliest_start, brk.duration, brk.grid
        # the latest start of the break, on its grid (so is `break_opens`)
        break_starts_by = (brk.latest_end - brk.duration) // step * step

    # fast copy of rules.ready_after_leg, held to it by tests/test_rules_conformance.py
    def with_break(free: int, move: int) -> int | None:
        """When the group is ready at the destination if it takes the break on this move."""
        s = -(-free // step) * step
        if s < break_opens:
            s = break_opens
        if s > break_starts_by:
            return None
        return (free + move if free + move > s else s) + break_minutes

    def home(place: int, free: int, done: bool) -> bool:
        """Whether going straight home now is in time (exact)."""
        move = travel[place][end_place]
        ready = free + move if done else with_break(free, move)
        return ready is not None and ready <= latest_end

    Label = tuple[int, int, tuple[int, ...]]  # (free from, travel so far, order)
    family: dict[int, tuple[tuple[int, ...], int]] = {}
    start_done = brk is None
    # (node mask, last node or -1) -> {break taken: Pareto front of labels, by free time}
    level: dict[tuple[int, int], dict[bool, list[Label]]] = {
        (0, -1): {start_done: [(track.earliest_start, 0, ())]}
    }
    used = 1
    if used > budget:
        return None
    while level:
        following: dict[tuple[int, int], dict[bool, list[Label]]] = {}
        for (mask, last), fronts in level.items():
            place = track.start_place if last < 0 else nodes[last].place
            row = travel[place]
            back = row[end_place]
            for done, front in fronts.items():
                for free, moved, order in front:
                    if home(place, free, done):
                        known = family.get(mask)
                        if known is None or moved + back < known[1]:
                            family[mask] = (order, moved + back)
                    for n, bit, to, duration, windows, latest, follows, grid in candidates:
                        if mask & bit or mask & follows:
                            continue
                        move = row[to]
                        ready = free + move
                        if done:
                            options: tuple[tuple[bool, int], ...] = ((True, ready),)
                        else:
                            broken = with_break(free, move)
                            options = (
                                ((False, ready),)
                                if broken is None
                                else ((False, ready), (True, broken))
                            )
                        for now_done, ready in options:
                            if grid > 1:  # the next mark of the node's grid
                                ready = -(-ready // grid) * grid
                            # Node.first_start on the windows that matter (see above).
                            for a, b in windows:
                                if b >= ready:
                                    end = (a if a > ready else ready) + duration
                                    break
                            else:
                                continue
                            # Some way home may still be in time: straight, or with the break
                            # still to take (when it can still begin: `break_starts_by` is on
                            # the break's grid, so the next mark after `end` is too late
                            # exactly when `end` is).
                            if now_done:
                                if end > latest:
                                    continue
                            elif (
                                end + break_minutes > latest
                                or (end if end > break_opens else break_opens) > break_starts_by
                            ):
                                continue
                            label = (end, moved + move, (*order, n))
                            kept = following.setdefault((mask | bit, n), {})
                            if _dominated(kept, now_done, label):
                                continue
                            _add(kept, now_done, label)
                            used += 1
                            if used > budget:
                                return None
                            if deadline is not None and used % 1024 == 0 and deadline.passed():
                                return None
        level = following
    return family, used


def _dominated(
    fronts: dict[bool, list[tuple[int, int, tuple[int, ...]]]],
    done: bool,
    label: tuple[int, int, tuple[int, ...]],
) -> bool:
    """Whether a kept label is free no later and has travelled no more (one that has taken the
    break counts for one that has not)."""
    free, moved, _ = label
    for taken in (True,) if done else (False, True):
        for other_free, other_moved, _ in fronts.get(taken, ()):
            if other_free <= free and other_moved <= moved:
                return True
    return False


def _add(
    fronts: dict[bool, list[tuple[int, int, tuple[int, ...]]]],
    done: bool,
    label: tuple[int, int, tuple[int, ...]],
) -> None:
    """Keep `label` (not dominated) and drop the labels it dominates."""
    free, moved, _ = label
    for taken in (False, True) if done else (False,):
        front = fronts.get(taken)
        if front:
            front[:] = [x for x in front if not (free <= x[0] and moved <= x[1])]
    fronts.setdefault(done, []).append(label)


class _RouteModel:
    """Set packing over the enumerated routes: one route per track, each node at most once."""

    def __init__(
        self,
        problem: Problem,
        lanes: list[tuple[int, ...]],
        families: list[dict[int, tuple[tuple[int, ...], int]]],
        required_floor: int,
        keep: frozenset[int] = frozenset(),
        weights: _Weights | None = None,
    ) -> None:
        self.problem = problem
        self.lanes = lanes
        self.families = families
        self.model = m = cp_model.CpModel()
        self.weights = weights = weights or _Weights.of(problem)
        self.weight = weights.required
        servable = {n for family in families for order, _ in family.values() for n in order}
        self.trivial_bound = sum(
            weights.value(problem, n) for n in servable
        ) + weights.required * sum(1 for c in problem.one_of if c.must)

        # Per lane: a literal per non-empty route; the empty route needs none.
        self.choice: list[dict[int, cp_model.IntVar]] = []
        by_node: dict[int, list[cp_model.IntVar]] = {}
        on_track_of: dict[int, list[tuple[int, cp_model.IntVar]]] = {}  # node -> (lane, literal)
        lane_values = []
        objective: list[cp_model.LinearExprT] = []
        required: list[cp_model.LinearExprT] = []
        travel: list[cp_model.LinearExprT] = []
        # Weighted sums over lists, not Python sums of terms: thousands of routes per lane,
        # and CP-SAT's Python layer builds a sum term by term (half the model's build time).
        node_value = [weights.value(problem, n) for n in range(len(problem.nodes))]
        for k, family in enumerate(families):
            chosen = {}
            lits: list[cp_model.IntVar] = []
            values: list[int] = []
            counts: list[int] = []
            minutes_of: list[int] = []
            for mask, (order, minutes) in family.items():
                if not mask:
                    continue
                lit = m.new_bool_var(f"r{k}_{mask:x}")
                chosen[mask] = lit
                lits.append(lit)
                values.append(sum(node_value[n] for n in order))
                counts.append(sum(problem.nodes[n].required for n in order))
                minutes_of.append(minutes)
                for n in order:
                    by_node.setdefault(n, []).append(lit)
                    on_track_of.setdefault(n, []).append((k, lit))
            self.choice.append(chosen)
            routes = cp_model.LinearExpr.sum(lits)
            travel.append(cp_model.LinearExpr.weighted_sum(lits, minutes_of))
            required.append(cp_model.LinearExpr.weighted_sum(lits, counts))
            if 0 in family:
                m.add(routes <= len(lanes[k]))
                empty_minutes = family[0][1]
                travel.append(empty_minutes * (len(lanes[k]) - routes))
            else:  # the track cannot stay empty
                m.add(routes == len(lanes[k]))
            lane_value = cp_model.LinearExpr.weighted_sum(lits, values)
            lane_values.append(lane_value)
            objective.append(lane_value)
        served = {n: cp_model.LinearExpr.sum(lits) for n, lits in by_node.items()}
        for n, lits in by_node.items():
            if n in keep:
                m.add_exactly_one(lits)
            else:
                m.add_at_most_one(lits)
        _state_choices(m, problem, served, weights, objective, required)

        # `after` (the enumeration keeps the order within a route): a lane serving the later
        # node needs the earlier one served on the same lane (then by the same route: one
        # route per lane, `_route_model_fits`) or on a lane that ends before it begins. Stated
        # on per-lane sums, not per pair of routes (thousands of routes each: millions of terms).
        def on_lane(n: int) -> dict[int, cp_model.LinearExpr]:
            lits: dict[int, list[cp_model.IntVar]] = {}
            for k, lit in on_track_of.get(n, []):
                lits.setdefault(k, []).append(lit)
            return {k: cp_model.LinearExpr.sum(ls) for k, ls in lits.items()}

        for rule in problem.after:
            earlier = on_lane(rule.earlier)
            for k, later in on_lane(rule.later).items():
                begins = problem.tracks[lanes[k][0]].earliest_start
                before = [
                    served
                    for j, served in earlier.items()
                    if j == k or problem.tracks[lanes[j][0]].latest_end <= begins
                ]
                m.add(cp_model.LinearExpr.sum(before) >= later)
        if required_floor:
            m.add(sum(required) >= required_floor)
        for k in range(len(lanes) - 1):
            if len(lanes[k]) == len(lanes[k + 1]) == 1:
                if _interchangeable(problem, lanes[k][0], lanes[k + 1][0]):
                    m.add(lane_values[k] >= lane_values[k + 1])
        self.objective = cp_model.LinearExpr.sum(objective)
        self.travel = cp_model.LinearExpr.sum(travel)
        m.maximize(self.objective)

    def travel_span(self) -> int:
        """More than any total travel a choice of routes can have."""
        return 1 + sum(
            len(lane) * max(minutes for _, minutes in family.values())
            for lane, family in zip(self.lanes, self.families, strict=True)
            if family
        )

    def add_hint(self, solution: Solution) -> None:
        lane_of = {t: k for k, ts in enumerate(self.lanes) for t in ts}
        used: set[tuple[int, int]] = set()
        for route in solution.routes:
            mask = sum(1 << s.node for s in route.stops)
            k = lane_of[route.track]
            if mask not in self.families[k]:
                order = [s.node for s in route.stops]
                if earliest_starts(self.problem, route.track, order) is not None and not any(
                    mask >> rule.later & 1
                    and mask >> rule.earlier & 1
                    and order.index(rule.later) < order.index(rule.earlier)
                    for rule in self.problem.after
                ):
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
            picked = [
                self.families[k][mask][0] for mask, lit in chosen.items() if solver.value(lit)
            ]
            for t, order in zip(self.lanes[k], picked, strict=False):
                sequences[t] = list(order)
        return _solution(problem, sequences, "CP-SAT (routes)")


def _state_choices(
    m: cp_model.CpModel,
    problem: Problem,
    served: Mapping[int, cp_model.LinearExprT],
    weights: _Weights,
    objective: list[cp_model.LinearExprT],
    required: list[cp_model.LinearExprT],
) -> None:
    """`problem.one_of` in either model, on `served` (node -> 0/1 expression, absent when the
    node cannot be served): at most one of each choice; a met `must` choice counts and weighs
    like a required node served."""
    for choice in problem.one_of:
        taken = sum(served.get(n, 0) for n in choice.nodes)
        m.add(taken <= 1)
        if choice.must:
            objective.append(weights.required * taken)
            required.append(taken)


def _route_model_fits(problem: Problem, lanes: list[tuple[int, ...]]) -> bool:
    """Whether the route model states `problem.after` exactly: it knows the order within a
    route, and across tracks whether one ends before the other begins, which is all there is
    when tracks do not overlap in time (`Problem` requires that of `after`); a lane of several
    tracks would hide which of them serves the earlier node."""
    return not problem.after or all(len(lane) == 1 for lane in lanes)


def _solution(problem: Problem, sequences: dict[int, list[int]], by: str) -> Solution:
    routes = []
    for t in range(len(problem.tracks)):
        route = timed_route(problem, t, sequences[t])
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
            g = node.grid
            for a, b in node.windows:
                lo, hi = up_to_grid(max(a, reach), g), down_to_grid(min(b, home), g)
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
        weights: _Weights | None = None,
    ) -> None:
        self.problem = problem
        self.lanes = lanes
        self.copies = copies
        self.model = cp_model.CpModel()
        m = self.model
        nodes = problem.nodes
        self.weights = weights = weights or _Weights.of(problem)
        self.weight = weights.required

        self.visit = [m.new_bool_var(f"v{c}") for c in range(len(copies))]
        by_node: dict[int, list[int]] = {}
        for c, copy in enumerate(copies):
            by_node.setdefault(copy.node, []).append(c)
        self.start: dict[int, cp_model.LinearExprT] = {}
        # On a grid a start is `grid` times an integer: the marks, as a variable of their own
        # (the copies' bounds are on the grid).
        self.marks: dict[int, cp_model.IntVar] = {}
        for n, cs in by_node.items():
            g = nodes[n].grid
            windows = [[copies[c].earliest // g, copies[c].latest // g] for c in cs]
            domain = cp_model.Domain.from_intervals(windows)
            self.marks[n] = m.new_int_var_from_domain(domain, f"s{n}")
            self.start[n] = g * self.marks[n] if g > 1 else self.marks[n]
            if n in keep:
                m.add_exactly_one(self.visit[c] for c in cs)
            else:
                m.add_at_most_one(self.visit[c] for c in cs)
            for c in cs:
                m.add(self.start[n] >= copies[c].earliest).only_enforce_if(self.visit[c])
                m.add(self.start[n] <= copies[c].latest).only_enforce_if(self.visit[c])
        musts = [c for c in problem.one_of if c.must]
        self.trivial_bound = sum(self._value(n) for n in by_node) + weights.required * len(musts)

        served = {n: sum(self.visit[c] for c in cs) for n, cs in by_node.items()}
        objective: list[cp_model.LinearExprT] = [
            self._value(copy.node) * self.visit[c] for c, copy in enumerate(copies)
        ]
        required: list[cp_model.LinearExprT] = [
            self.visit[c] for c, copy in enumerate(copies) if nodes[copy.node].required
        ]
        _state_choices(m, problem, served, weights, objective, required)
        for rule in problem.after:
            if rule.later not in by_node:
                continue
            if rule.earlier not in by_node:
                m.add(served[rule.later] == 0)
                continue
            later = m.new_bool_var(f"served{rule.later}")
            m.add(served[rule.later] == later)
            m.add(served[rule.earlier] >= later)
            ended = self.start[rule.earlier] + nodes[rule.earlier].duration
            m.add(self.start[rule.later] >= ended).only_enforce_if(later)
        # `Problem.capacity`, exactly: per rule a cumulative over its nodes' visits, each an
        # optional interval present when the node is served. On whole minutes a visit of no
        # duration is under way at its start only, as an interval of one minute is.
        for k, cap in enumerate(problem.capacity):
            intervals, sizes = [], []
            for n, size in zip(cap.nodes, cap.sizes, strict=True):
                if n not in by_node:
                    continue
                present = m.new_bool_var(f"at{k}_{n}")
                m.add(served[n] == present)
                length = max(nodes[n].duration, 1)
                intervals.append(
                    m.new_optional_fixed_size_interval_var(
                        self.start[n], length, present, f"cap{k}_{n}"
                    )
                )
                sizes.append(size)
            if len(intervals) > 1:
                m.add_cumulative(intervals, sizes, cap.limit)
        if required_floor:
            m.add(sum(required) >= required_floor)
        self.objective = cp_model.LinearExpr.sum(objective)
        m.maximize(self.objective)

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
        return self.weights.value(self.problem, n)

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

        def start(i: int) -> cp_model.LinearExprT:
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

        lo = up_to_grid(max(brk.earliest_start, track.earliest_start), brk.grid)
        hi = down_to_grid(min(brk.latest_end, track.latest_end) - brk.duration, brk.grid)
        if lo > hi:
            m.add_bool_or([])  # the break cannot be taken at all: no schedule exists
            self.break_start.append(None)
            return
        b_mark = m.new_int_var(lo // brk.grid, hi // brk.grid, f"b{k}")
        self.break_start.append(b_mark)
        b_start = brk.grid * b_mark if brk.grid > 1 else b_mark
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
                m.add_hint(self.marks[stop.node], stop.start // problem.nodes[stop.node].grid)
        for k, at in breaks:
            brk_var = self.break_start[k]
            assert brk_var is not None
            brk = problem.tracks[self.lanes[k][0]].breaks[0]
            m.add_hint(brk_var, at // brk.grid)
        for k, arcs in enumerate(self.arcs):
            for key, lit in arcs.items():
                m.add_hint(lit, key in used[k])

    def extract(self, solver: cp_model.CpSolver) -> Solution | None:
        """The solver's schedule as a Solution, each route timed by `schedule.timed_route`.
        Where that timing brings more visitors to a host than fit (`Problem.capacity`: the
        model may let a group wait for another to leave), the solver's own starts instead,
        taken only when the independent check (`verify.py`) passes them; else None."""
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
        timed = _solution(problem, sequences, "CP-SAT (circuit)")
        if not _over_capacity(problem, timed):
            return timed
        own = {n: solver.value(start) for n, start in self.start.items()}
        routes = []
        for t in range(len(problem.tracks)):
            route = route_at(problem, t, sequences[t], [own[n] for n in sequences[t]])
            if route is None:
                return None
            routes.append(route)
        waiting = replace(timed, routes=tuple(routes))
        return waiting if not verify_solution(problem, waiting) else None
