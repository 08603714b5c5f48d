"""The OR-Tools routing adapter: the only module that imports OR-Tools.

Model:
- one vehicle per track; its start/end depots sit at the track's start/end places;
- one routing node per (node, window) copy, all copies of a node in one disjunction of
  cardinality 1 — the robust way to give a visit several windows (instead of RemoveInterval);
  each copy may only be served by the tracks its window overlaps;
- a time dimension whose transit is duration(i) + travel(i, j), with waiting allowed (slack);
- breaks (lunch) as vehicle breaks, which may not overlap a visit and lengthen the move they
  interrupt, so a break is never taken while travelling or visiting;
- a lexicographic objective packed into one integer: first serve every required node, then
  maximise the score, then minimise travel, then minimise the time spent on the road (waiting).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..errors import InternalError
from ..problem import Problem, Route, Solution, Stop
from . import Observer, Progress, SolveParams

_MAX_COST = 2**62
CHECKS_PER_SOLUTION = 1000  # limit checks that count as much work as one solution


@dataclass(frozen=True)
class Weights:
    """Objective weights; each level dominates everything below it."""

    travel: int  # per travel minute
    score: int  # per score point left out
    required: int  # per required node left out

    @staticmethod
    def for_problem(problem: Problem) -> Weights:
        span = sum(t.latest_end - t.earliest_start for t in problem.tracks) + 1
        n_required = sum(1 for n in problem.nodes if n.required) + 1
        travel = span + 1  # total waiting < span, so one travel minute outweighs all waiting
        score = travel * span + span + 1  # > any travel+waiting cost
        required = score * (problem.max_score() + 1)
        if required * n_required >= _MAX_COST:
            # Too large to keep waiting as a tie-break: drop that level.
            travel = 1
            score = 2 * span + 1
            required = score * (problem.max_score() + 1)
        if required * n_required >= _MAX_COST:
            raise InternalError("problem too large for the objective's integer range")
        return Weights(travel, score, required)


def solve_routing(problem: Problem, params: SolveParams, observer: Observer | None) -> Solution:
    weights = Weights.for_problem(problem)
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
    served_somewhere = {n for n, _, _ in copies}

    n_tracks = len(problem.tracks)
    n_copies = len(copies)
    starts = [n_copies + 2 * t for t in range(n_tracks)]
    ends = [n_copies + 2 * t + 1 for t in range(n_tracks)]
    place = [problem.nodes[n].place for n, _, _ in copies]
    duration = [problem.nodes[n].duration for n, _, _ in copies]
    for track in problem.tracks:
        place += [track.start_place, track.end_place]
        duration += [0, 0]

    manager = pywrapcp.RoutingIndexManager(n_copies + 2 * n_tracks, n_tracks, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    travel = problem.travel
    n_all = len(place)
    time_matrix = [
        [duration[i] + travel[place[i]][place[j]] for j in range(n_all)] for i in range(n_all)
    ]
    cost_matrix = [
        [weights.travel * travel[place[i]][place[j]] for j in range(n_all)] for i in range(n_all)
    ]
    time_cb = routing.RegisterTransitMatrix(time_matrix)
    cost_cb = routing.RegisterTransitMatrix(cost_matrix)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)

    horizon = max([t.latest_end for t in problem.tracks] + [b for _, _, b in copies] + [0])
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time = routing.GetDimensionOrDie("time")

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
        penalty = weights.required if node.required else node.score * weights.score
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
            intervals = [
                solver.FixedDurationIntervalVar(
                    b.earliest_start, b.latest_end - b.duration, b.duration, False, f"break{t}.{k}"
                )
                for k, b in enumerate(track.breaks)
            ]
            time.SetBreakIntervalsOfVehicle(intervals, t, visit_transits)

    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, params.first_solution
    )
    search.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, params.metaheuristic
    )
    if params.solution_limit is not None:
        search.solution_limit = params.solution_limit
    if params.time_limit is not None:
        search.time_limit.FromMilliseconds(int(params.time_limit * 1000))

    max_score = problem.max_score()
    state = {"solutions": 0, "best": None, "best_at": 0, "checks": 0, "best_check": 0}

    def on_solution() -> None:
        state["solutions"] += 1
        cost = routing.CostVar().Value()
        if state["best"] is not None and cost >= state["best"]:
            return
        state["best"] = cost
        state["best_at"] = state["solutions"]
        state["best_check"] = state["checks"]
        if observer is not None:
            missing, rest = divmod(cost, weights.required)
            lost, rest = divmod(rest, weights.score)
            observer(
                Progress(
                    solutions=state["solutions"],
                    score=max_score - lost - _unreachable_score(problem, served_somewhere),
                    max_score=max_score,
                    missing_required=missing + _unreachable_required(problem, served_somewhere),
                    travel_minutes=rest // weights.travel,
                )
            )

    routing.AddAtSolutionCallback(on_solution)

    def stale() -> bool:
        # Work is counted in solutions and in the search's own limit checks, never in
        # seconds, so the stop is the same on every machine. Checks also bound searches
        # that stop finding solutions at all (guided local search never ends by itself).
        return params.patience is not None and (
            state["solutions"] - state["best_at"] >= params.patience
            or state["checks"] - state["best_check"] >= CHECKS_PER_SOLUTION * params.patience
        )

    def out_of_budget() -> bool:
        state["checks"] += 1
        return stale()

    routing.AddSearchMonitor(routing.solver().CustomLimit(out_of_budget))
    assignment = routing.SolveWithParameters(search)
    if assignment is None:
        raise InternalError(f"the routing solver found no solution (status {routing.status()})")

    routes = []
    served: set[int] = set()
    for t in range(n_tracks):
        index = routing.Start(t)
        departure = assignment.Value(time.CumulVar(index))
        stops = []
        index = assignment.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            n = copies[manager.IndexToNode(index)][0]
            stops.append(Stop(n, assignment.Value(time.CumulVar(index))))
            served.add(n)
            index = assignment.Value(routing.NextVar(index))
        arrival = assignment.Value(time.CumulVar(index))
        routes.append(Route(t, departure, arrival, tuple(stops)))
    dropped = tuple(n for n in range(len(problem.nodes)) if n not in served)
    if stale():
        stopped_by = f"no improvement within the search budget (patience {params.patience})"
    elif params.solution_limit is not None and state["solutions"] >= params.solution_limit:
        stopped_by = f"solution limit ({params.solution_limit})"
    elif params.time_limit is not None:
        stopped_by = f"time limit ({params.time_limit:g} s) or search exhausted"
    else:
        stopped_by = "search exhausted"
    return Solution(
        routes=tuple(routes),
        dropped=dropped,
        solutions_found=state["solutions"],
        stopped_by=stopped_by,
    )


def _unreachable_score(problem: Problem, served_somewhere: set[int]) -> int:
    return sum(n.score for i, n in enumerate(problem.nodes) if i not in served_somewhere)


def _unreachable_required(problem: Problem, served_somewhere: set[int]) -> int:
    return sum(1 for i, n in enumerate(problem.nodes) if n.required and i not in served_somewhere)
