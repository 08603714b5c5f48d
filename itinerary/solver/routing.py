"""The OR-Tools routing adapter: the only module that imports OR-Tools.

Model:
- one vehicle per track; its start/end depots sit at the track's start/end places;
- one routing node per (node, window) copy, all copies of a node in one disjunction of
  cardinality 1 — the robust way to give a visit several windows (instead of RemoveInterval);
  each copy may only be served by the tracks its window overlaps;
- a time dimension whose transit is duration(i) + travel(i, j), with waiting allowed (slack);
- breaks (lunch) as vehicle breaks, which may not overlap a visit and lengthen the move they
  interrupt, so a break is never taken while travelling or visiting.

A time dimension cannot state the time grid (`Node.grid`, `Break.grid`: starts on multiples of
a few minutes), so a problem with one is not polished (`Problem.gridded`, `polish`), as one
with rules that span tracks is not. (Stated with a margin, a move into a visit g - 1 minutes
longer, the walk's own plans no longer fitted the model, and a polish from them ran for
minutes inside OR-Tools without finding a solution.)

Objective. What we want is lexicographic: first serve every required node, then maximise the
score, then minimise travel, then waiting. The search, however, is steered by a *guiding* cost
in which a score point is worth only a fraction of a mean leg (`SolveParams.score_weight`), so
the local search may trade a visit for travel on its way and reach other regions; with
lexicographic weights it could only ever add visits and stalls on the first plateau. The
guiding cost only steers: every solution the search passes through is ranked by the true
lexicographic order and the best one is returned, so the low weight never costs score.
Required nodes keep a penalty above everything else, so the search never trades them.

Search, in three steps:
1. a cheapest insertion in Python gives a plan within a fraction of a second, reported at once;
2. ruin and recreate with simulated annealing (`lns.py`), in Python and numpy, takes most of the
   budget: thousands of iterations where one OR-Tools local search per iteration allowed a few
   dozen on a 250-node problem (TOPTW pr05, m = 2, 10 s: 991 -> 1,088; benchmarks/README.md);
3. OR-Tools' local search polishes the best plan (2-opt, relocation, exchange: moves that
   shorten a day, which ruin and recreate only finds by chance), iterated: part of the routes is
   ruined (a run of consecutive visits, or the visits nearest to a random one), a few nodes not
   served are inserted where they fit, and the local search rebuilds; back to the best after
   `restart_after` iterations without improvement.
The best plan by the true rank is returned, whichever step found it. Randomness comes from a
seeded generator and the default budget counts work, not seconds, so a plan is reproducible.

The rules that span tracks (`Problem.after`, `Problem.one_of`): the insertion (step 1) and the
walk (step 2) keep them in every move (`spanning.py`); step 3 is skipped for a problem that has
any, since this module's OR-Tools model does not state them (see `polish`).
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_parameters_pb2

from ..errors import InternalError
from ..model.problem import Problem, Route, Solution, Stop
from ..model.rules import Rank, earliest_starts
from . import Deadline, Observer, Progress, SolveParams
from .interrupts import Held, held_signals

_MAX_COST = 2**62
CHECKS_PER_SOLUTION = 1000  # limit checks that count as much work as one solution
# The most visits one ruin removes from a route (or around one visit): on long routes a larger
# ruin costs a longer local search per iteration without leading further.
MAX_RUIN = 10
# Above this many visit options (`Problem.visit_options`) there is no OR-Tools polish, whatever
# the budget: its model alone would take seconds and hundreds of MB (see `solve_search`). The
# default work budget stops polishing far below (`SolveParams.full_budget_options`); the TOPTW
# benchmark's instances, polished within a time limit, have at most 288.
POLISH_MAX_OPTIONS = 2000
# Under a deadline the polish is only started when its share of the time is at least this many
# seconds per pair of visit options (twice what building its model took here: 0.44 s for 2,000
# options, 1.15 s for 3,600), so that building the model cannot overrun the deadline.
MODEL_SECONDS_PER_PAIR = 2e-7


@dataclass(frozen=True)
class Weights:
    """Guiding objective weights: `required` dominates everything below it; a score point costs
    `score` travel minutes (scaled by `travel`), a trade the search may make on its way."""

    travel: int  # per travel minute
    score: int  # per score point left out
    required: int  # per required node left out
    fixed: int  # per fixed-time event left out: more than all other required nodes together

    @staticmethod
    def for_problem(problem: Problem, score_minutes: float) -> Weights:
        """`score_minutes`: the travel minutes one score point is worth while searching."""
        span = sum(t.latest_end - t.earliest_start for t in problem.tracks) + 1
        travel = 4  # resolution for fractional score_minutes
        score = max(1, round(score_minutes * travel))
        # A required node left out must outweigh every score point and all travel.
        required = score * (problem.max_score() + 1) + travel * (span + 1) * (
            len(problem.tracks) + len(problem.nodes) + 1
        )
        n_required = sum(1 for n in problem.nodes if n.required) + 1
        fixed = required * n_required
        if fixed * n_required >= _MAX_COST:
            raise InternalError("problem too large for the objective's integer range")
        return Weights(travel, score, required, fixed)


class _Model:
    """The routing model of one Problem, plus the maps between its indices and ours."""

    def __init__(self, problem: Problem, weights: Weights) -> None:
        self.problem = problem
        self.weights = weights
        copies: list[tuple[int, int, int]] = []  # (node, window start, window end)
        copy_tracks: list[list[int]] = []
        for n, node in enumerate(problem.nodes):
            for a, b in node.windows:
                allowed = [
                    t
                    for t in problem.allowed_tracks(n)
                    if a <= problem.tracks[t].latest_end and b >= problem.tracks[t].earliest_start
                ]
                if allowed:
                    copies.append((n, a, b))
                    copy_tracks.append(allowed)
        self.copies = copies
        self.copy_tracks = copy_tracks
        self.copies_of: dict[int, list[int]] = {}
        for c, (n, _, _) in enumerate(copies):
            self.copies_of.setdefault(n, []).append(c)

        n_tracks = len(problem.tracks)
        n_copies = len(copies)
        starts = [n_copies + 2 * t for t in range(n_tracks)]
        ends = [n_copies + 2 * t + 1 for t in range(n_tracks)]
        place = [problem.nodes[n].place for n, _, _ in copies]
        duration = [problem.nodes[n].duration for n, _, _ in copies]
        for track in problem.tracks:
            place += [track.start_place, track.end_place]
            duration += [0, 0]
        self.place = place

        manager = pywrapcp.RoutingIndexManager(n_copies + 2 * n_tracks, n_tracks, starts, ends)
        routing = pywrapcp.RoutingModel(manager)
        self.manager, self.routing = manager, routing
        time_matrix, cost_matrix = _transit_rows(problem.travel, place, duration, weights)
        time_cb = routing.RegisterTransitMatrix(time_matrix)
        cost_cb = routing.RegisterTransitMatrix(cost_matrix)
        routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)

        horizon = max([t.latest_end for t in problem.tracks] + [b for _, _, b in copies] + [0])
        routing.AddDimension(time_cb, horizon, horizon, False, "time")
        time = routing.GetDimensionOrDie("time")
        self.time = time

        for c, (_, a, b) in enumerate(copies):
            index = manager.NodeToIndex(c)
            time.CumulVar(index).SetRange(a, b)
            if len(copy_tracks[c]) < n_tracks:  # -1: the copy may stay unperformed
                routing.VehicleVar(index).SetValues([-1, *copy_tracks[c]])
        by_node: dict[int, list[int]] = {}
        for c, (n, _, _) in enumerate(copies):
            by_node.setdefault(n, []).append(manager.NodeToIndex(c))
        for n, indices in sorted(by_node.items()):
            node = problem.nodes[n]
            penalty = node.score * weights.score
            if node.required:
                penalty = weights.fixed if node.fixed else weights.required
            routing.AddDisjunction(indices, penalty, 1)

        visit_transits = [0] * routing.Size()
        for index in range(routing.Size()):
            if not routing.IsStart(index):
                visit_transits[index] = duration[manager.IndexToNode(index)]
        solver = routing.solver()
        for t, track in enumerate(problem.tracks):
            start, end = routing.Start(t), routing.End(t)
            time.CumulVar(start).SetRange(track.earliest_start, track.latest_end)
            time.CumulVar(end).SetRange(track.earliest_start, track.latest_end)
            # Waiting is minimised for the chosen sequence only: leave as late and come back as
            # early as the schedule allows. A span cost would rank sequences by waiting too, but
            # with breaks it makes OR-Tools solve a scheduling MIP per move (~25x slower).
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(end))
            routing.AddVariableMaximizedByFinalizer(time.CumulVar(start))
            if track.breaks:
                # The break on a leg (rules.ready_after_leg) in OR-Tools' terms: it may not
                # overlap a visit and lengthens the move it interrupts. OR-Tools would also let
                # it fall outside the day, so it is kept within the track's bounds (compile's
                # lunch always is). What the polish returns is checked by verify.py
                # (tests/test_rules_conformance.py) and the plan checker.
                intervals = [
                    solver.FixedDurationIntervalVar(
                        max(b.earliest_start, track.earliest_start),
                        min(b.latest_end, track.latest_end) - b.duration,
                        b.duration,
                        False,
                        f"break{t}.{k}",
                    )
                    for k, b in enumerate(track.breaks)
                ]
                time.SetBreakIntervalsOfVehicle(intervals, t, visit_transits)

    def new_snapshot(self) -> pywrapcp.Assignment:
        """An assignment of every next and time variable, to hold one solution. Create it
        outside a search: one created inside lives in the search's reversible memory and is
        overwritten when the search backtracks."""
        routing = self.routing
        snapshot = routing.solver().Assignment()
        for index in range(routing.Size()):
            snapshot.Add(routing.NextVar(index))
        for index in range(routing.Size() + len(self.problem.tracks)):
            if index < routing.Size() or routing.IsEnd(index):
                snapshot.Add(self.time.CumulVar(index))
        return snapshot

    def routes(self, assignment: pywrapcp.Assignment | None = None) -> list[list[int]]:
        """The routes (copy indices per track) of an assignment, or, without one, of the
        solution the search is at right now (inside a solution callback)."""
        routing, manager = self.routing, self.manager

        def value(var: pywrapcp.IntVar) -> int:
            return var.Value() if assignment is None else assignment.Value(var)

        routes = []
        for t in range(len(self.problem.tracks)):
            index = value(routing.NextVar(routing.Start(t)))
            route = []
            while not routing.IsEnd(index):
                route.append(manager.IndexToNode(index))
                index = value(routing.NextVar(index))
            routes.append(route)
        return routes

    def copy_routes(self, solution: Solution) -> list[list[int]]:
        """A solution's routes as routing-node copies: each stop on the copy of its node whose
        window holds its start on that track (one exists: the start is inside one of the node's
        windows and inside the track's bounds, which is how copies are made)."""
        copies = self.copies
        return [
            [
                next(
                    c
                    for c in self.copies_of[stop.node]
                    if copies[c][1] <= stop.start <= copies[c][2] and t in self.copy_tracks[c]
                )
                for stop in route.stops
            ]
            for t, route in enumerate(solution.routes)
        ]

    def rank(self, routes: list[list[int]]) -> Rank:
        problem, copies, place = self.problem, self.copies, self.place
        served = {copies[c][0] for route in routes for c in route}
        travel = 0
        for t, route in enumerate(routes):
            track = problem.tracks[t]
            stops = [track.start_place] + [place[c] for c in route] + [track.end_place]
            travel += sum(problem.travel[a][b] for a, b in itertools.pairwise(stops))
        return Rank.of_served(problem, served, travel)

    def solution(
        self, assignment: pywrapcp.Assignment, solutions: int, stopped_by: str
    ) -> Solution:
        routing, manager, time = self.routing, self.manager, self.time
        routes = []
        served: set[int] = set()
        for t in range(len(self.problem.tracks)):
            index = routing.Start(t)
            departure = assignment.Value(time.CumulVar(index))
            stops = []
            index = assignment.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                n = self.copies[manager.IndexToNode(index)][0]
                stops.append(Stop(n, assignment.Value(time.CumulVar(index))))
                served.add(n)
                index = assignment.Value(routing.NextVar(index))
            arrival = assignment.Value(time.CumulVar(index))
            routes.append(Route(t, departure, arrival, tuple(stops)))
        dropped = tuple(n for n in range(len(self.problem.nodes)) if n not in served)
        return Solution(
            routes=tuple(routes), dropped=dropped, solutions_found=solutions, stopped_by=stopped_by
        )


def progress_of(problem: Problem, solutions: int, rank: Rank) -> Progress:
    max_score = problem.max_score()
    return Progress(
        solutions=solutions,
        score=max_score - rank.lost_score,
        max_score=max_score,
        missing_required=rank.missing_fixed + rank.missing_required,
        travel_minutes=rank.travel,
    )


def _mean_travel(problem: Problem) -> float:
    values = [v for row in problem.travel for v in row if v > 0]
    return sum(values) / len(values) if values else 1.0


class _Search:
    """The search state shared by every OR-Tools solve of one `solve_search` call: counts the
    work, keeps the best solution by its true rank, and decides when the budget is spent."""

    def __init__(
        self,
        model: _Model,
        params: SolveParams,
        observer: Observer | None,
        reported: Rank | None = None,
        stop: Deadline | None = None,
        reason: str = "deadline",
    ) -> None:
        """`reported`: the best plan the observer has already been told about, if any;
        `stop`: when this search must end, and `reason` how to say so."""
        self.model, self.params, self.observer = model, params, observer
        self.deadline = None if stop is None else stop.at
        self.reason = reason
        self.solutions = 0  # every solution any solve passed through
        self.checks = 0  # limit checks: work done between solutions
        self.best: Rank | None = None
        self.best_routes: list[list[int]] | None = None
        self.best_solution = model.new_snapshot()  # holds the best solution once there is one
        self.best_at = 0
        self.best_check = 0
        self.reported = reported
        self.held = Held()  # signals held while OR-Tools runs; set by `polish`

    def on_solution(self) -> None:
        self.solutions += 1
        routes = self.model.routes()
        rank = self.model.rank(routes)
        if self.best is not None and rank >= self.best:
            return
        self.best, self.best_routes = rank, routes
        # The times are final here (the finalizer has run): store them as they are.
        self.best_solution.Store()
        self.best_at, self.best_check = self.solutions, self.checks
        self.report(rank)

    def report(self, rank: Rank) -> None:
        """Tell the observer about a plan better than every one reported so far (the insertion
        plan is reported before the search starts, and the search may pass below it)."""
        if self.reported is not None and rank >= self.reported:
            return
        self.reported = rank
        if self.observer is not None:
            self.observer(progress_of(self.model.problem, self.solutions, rank))

    def stale(self) -> bool:
        # Work is counted in solutions and in the search's own limit checks, never in
        # seconds, so the stop is the same on every machine. Checks also bound searches
        # that stop finding solutions at all (a metaheuristic such as guided local search,
        # if chosen for `SolveParams.metaheuristic`, never ends by itself).
        patience = self.params.budget.patience
        return patience is not None and (
            self.solutions - self.best_at >= patience
            or self.checks - self.best_check >= CHECKS_PER_SOLUTION * patience
        )

    def out_of_solutions(self) -> bool:
        limit = self.params.budget.solution_limit
        return limit is not None and self.solutions >= limit

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def spent(self) -> bool:
        return self.stale() or self.out_of_solutions() or self.out_of_time()

    def limit_check(self) -> bool:
        """The custom limit of every OR-Tools solve: True stops that solve (also when Ctrl-C or
        SIGTERM was held meanwhile, see `interrupts`)."""
        self.checks += 1
        return self.stale() or self.out_of_solutions() or self.held.requested

    def search_parameters(self) -> routing_parameters_pb2.RoutingSearchParameters:
        """One local search's parameters, within what is left of the time."""
        search = pywrapcp.DefaultRoutingSearchParameters()
        search.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, self.params.polish.metaheuristic
        )
        if self.deadline is not None:
            remaining = max(0.001, self.deadline - time.monotonic())
            search.time_limit.FromMilliseconds(max(1, int(remaining * 1000)))
        return search

    def stopped_by(self) -> str:
        if self.stale():
            return (
                f"no improvement within the search budget (patience {self.params.budget.patience})"
            )
        if self.out_of_solutions():
            return f"solution limit ({self.params.budget.solution_limit})"
        if self.deadline is not None:
            return self.reason
        return "search exhausted"


def _perturbed(
    model: _Model, routes: list[list[int]], rng: random.Random, strength: float
) -> list[list[int]]:
    """Ruin part of the routes, so that the local search which follows has room to rebuild them
    differently (it inserts what was left out, in its own order). Two kinds, taken at random:
    cut one run of consecutive visits out of most routes (reorders within a day), or remove the
    visits nearest to a random one, whichever route they are on (reassigns between days)."""
    served = [c for route in routes for c in route]
    if not served:
        return routes
    if rng.random() < 0.5:
        ruined = []
        for route in routes:
            if route and rng.random() < 0.7:
                length = rng.randint(1, max(1, min(MAX_RUIN, int(len(route) * strength))))
                at = rng.randrange(0, len(route) - length + 1)
                route = route[:at] + route[at + length :]
            ruined.append(route)
        return ruined
    travel, place = model.problem.travel, model.place
    seed = place[rng.choice(served)]
    count = rng.randint(1, max(1, min(MAX_RUIN, int(len(served) * strength / 2))))
    nearest = sorted(served, key=lambda c: (travel[seed][place[c]], c))[:count]
    removed = set(nearest)
    return [[c for c in route if c not in removed] for route in routes]


def _recreated(
    model: _Model, routes: list[list[int]], rng: random.Random, attempts: int
) -> list[list[int]]:
    """Recreate: insert up to `attempts` nodes that are not served, taken in random order, each
    where it adds the least travel and the route stays feasible. The local search alone would
    mostly put back what the ruin removed; starting it from other nodes leads elsewhere."""
    problem, copies, place = model.problem, model.copies, model.place
    served = {copies[c][0] for route in routes for c in route}
    candidates = [n for n in model.copies_of if n not in served]
    rng.shuffle(candidates)
    routes = [list(route) for route in routes]
    for n in candidates[:attempts]:
        best: tuple[int, int, int, int] | None = None  # (added travel, track, position, copy)
        for t, route in enumerate(routes):
            if not any(t in model.copy_tracks[c] for c in model.copies_of[n]):
                continue
            track = problem.tracks[t]
            stops = [track.start_place] + [place[c] for c in route] + [track.end_place]
            sequence = [copies[c][0] for c in route]
            for at in range(len(route) + 1):
                a, b = stops[at], stops[at + 1]
                node_place = problem.nodes[n].place
                added = problem.travel[a][node_place] + problem.travel[node_place][b]
                added -= problem.travel[a][b]
                if best is not None and added >= best[0]:
                    continue
                starts = earliest_starts(problem, t, sequence[:at] + [n] + sequence[at:])
                if starts is None:
                    continue
                copy = next(
                    (
                        c
                        for c in model.copies_of[n]
                        if copies[c][1] <= starts[at] <= copies[c][2] and t in model.copy_tracks[c]
                    ),
                    None,
                )
                if copy is not None:
                    best = (added, t, at, copy)
        if best is not None:
            _, t, at, copy = best
            routes[t].insert(at, copy)
    return routes


def _transit_rows(
    travel: tuple[tuple[int, ...], ...], place: list[int], duration: list[int], weights: Weights
) -> tuple[list[list[int]], list[list[int]]]:
    """Rows of the time (duration + travel) and cost matrices, one per routing node.

    A row depends only on the node's place (and duration), and a host has one routing node per
    window and day, so each distinct row is built once (400 hosts x 10 days: 3,600 nodes, 410
    places; model build 1.8 s -> 0.6 s). OR-Tools still gets its own list per node: handing it
    one shared list for several nodes made its first solution about ten times slower.
    """
    travel_from = {p: [travel[p][q] for q in place] for p in set(place)}
    time_rows: dict[tuple[int, int], list[int]] = {}
    cost_rows: dict[int, list[int]] = {}
    time_matrix, cost_matrix = [], []
    for p, d in zip(place, duration, strict=True):
        if (p, d) not in time_rows:
            time_rows[p, d] = [d + minutes for minutes in travel_from[p]]
        if p not in cost_rows:
            cost_rows[p] = [weights.travel * minutes for minutes in travel_from[p]]
        time_matrix.append(time_rows[p, d][:])
        cost_matrix.append(cost_rows[p][:])
    return time_matrix, cost_matrix


def polish(
    problem: Problem,
    params: SolveParams,
    observer: Observer | None,
    start: Solution,
    start_rank: Rank,
    iterations: int,
    stop: Deadline | None,
    stop_reason: str,
) -> Solution:
    """OR-Tools' local search from `start`, then iterated: ruin part of the routes, insert a few
    nodes not served, let the local search rebuild; back to the best after a run without gain.

    Never for a problem with rules that span tracks (`Problem.spans_tracks`): the model does not
    state `after` and `one_of` (OR-Tools would allow a node in a second disjunction for a
    choice, but `after` needs conditional constraints between start times that its local search
    filters do not see, and this step's own ruin and insertion know neither), and on the trips
    that have them the proof (CP-SAT, which states both) runs first or after. Nor for a problem
    on a time grid (`Problem.gridded`), which a time dimension cannot state (module docstring)."""
    why = unpolishable(problem)
    if why is not None:
        raise InternalError(f"the OR-Tools polish cannot take this problem ({why})")
    weights = Weights.for_problem(problem, params.polish.score_weight * _mean_travel(problem))
    model = _Model(problem, weights)
    routing = model.routing
    search = _Search(model, params, observer, reported=start_rank, stop=stop, reason=stop_reason)
    routing.AddAtSolutionCallback(search.on_solution)
    routing.AddSearchMonitor(routing.solver().CustomLimit(search.limit_check))
    routing.CloseModelWithParameters(search.search_parameters())
    # Made once, outside any search (see `new_snapshot`); each iteration overwrites it.
    partial = routing.solver().Assignment()
    current = model.copy_routes(start)
    rng = random.Random(params.seed)
    since_best = 0
    ruined = current
    # Ctrl-C inside OR-Tools' callbacks would break the search: held, it stops the search and
    # is raised when the loop is left.
    with held_signals() as search.held:
        while not search.spent() and not search.held.requested:
            before = search.best
            if not routing.RoutesToAssignment(ruined, True, True, partial):
                raise InternalError("a feasible plan could not be handed to OR-Tools")
            rebuilt = routing.SolveFromAssignmentWithParameters(partial, search.search_parameters())
            if rebuilt is not None:
                current = model.routes(rebuilt)
            since_best = 0 if search.best is not before else since_best + 1
            if since_best and since_best % params.polish.restart_after == 0 and search.best_routes:
                current = search.best_routes
            ruined = _perturbed(model, current, rng, params.polish.ruin_strength)
            ruined = _recreated(model, ruined, rng, params.polish.recreate_attempts)

    solutions = iterations + search.solutions
    if search.best is None or start_rank <= search.best:
        return finished(start, solutions, search.stopped_by())
    return model.solution(search.best_solution, solutions, search.stopped_by())


def unpolishable(problem: Problem) -> str | None:
    """Why `polish` cannot take `problem`, or None: its model states neither the rules that
    span tracks nor the time grid (see `polish` and the module docstring), and its objective
    does not rank changes to a previous plan (re-planning: it would trade them for travel)."""
    if problem.spans_tracks:
        return "rules that span tracks"
    if problem.gridded:
        return "time grid"
    if problem.previous:
        return "re-planning"
    return None


def finished(solution: Solution, solutions: int, stopped_by: str) -> Solution:
    return Solution(solution.routes, solution.dropped, solutions, stopped_by)
