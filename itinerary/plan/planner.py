"""The whole way from a loaded trip to a checked Plan: compile, solve, assemble, check.

The CLI and the tests call this one function, so the plan a user sees is made exactly as the
tests make theirs. A plan the checker rejects is never returned. How the solution is found and
proven (CP-SAT first on trip-sized problems, else the search and the proof afterwards) is the
solver's business: `solver/pipeline.py`.

With a `Deadline` (`itinerary plan --time-limit`), the solver ends early enough to leave the
assembly, checking and printing of the plan their reserve.
"""

from __future__ import annotations

from ..errors import InternalError
from ..input.load import Loaded, place_refs
from ..model.compile import PreviousVisit, compile_spec
from ..model.problem import Problem
from ..solver import Deadline, Observer, ProofParams, SolveParams, solve
from . import EventItem, Item, Plan, TravelItem, VisitItem
from .assemble import assemble
from .check import check_plan
from .diff import carry_sequences


def with_meetings(plan: Plan, loaded: Loaded, seconds: float | None = None) -> Plan:
    """The plan with the meetings of every matchmaking event it attends scheduled inside the
    event (its time is fixed by then; an event left out of the plan has no meetings);
    `seconds`: each event's time limit under a deadline (else `MatchParams`' own)."""
    wanted = {e.id: e for e in loaded.spec.events if e.matchmaking is not None}
    if not wanted:
        return plan
    from ..match.assemble import match_event
    from ..match.problem import MatchParams

    params = MatchParams() if seconds is None else MatchParams(time_limit=min(8.0, seconds))

    tracks = []
    for track in plan.tracks:
        items = []
        for item in track.items:
            if isinstance(item, EventItem) and item.id in wanted:
                found = match_event(loaded, wanted[item.id], params)
                item = item.model_copy(
                    update={
                        "meetings": found.meetings,
                        "unmatched": found.unmatched,
                        "matchmaking": found.matchmaking,
                    }
                )
            items.append(item)
        tracks.append(track.model_copy(update={"items": items}))
    return Plan.model_validate({**dict(plan), "tracks": tracks, "format": None})


# What `itinerary plan` does unless told otherwise: the default budget, and a proof on
# trip-sized problems (larger ones are not tried).
PLAN_PARAMS = SolveParams(proof=ProofParams())
# Under a deadline: seconds kept after the solver for assembling the plan (a reason for every
# host left out), checking it, printing it and ending the process (the CLI prints the plan after
# `make_plan` returns; with OR-Tools loaded the interpreter takes about 0.3 s to exit): a fixed
# part and a part per node, which may be left out and then takes a row of the printed table with
# its reason. 1,000 hosts, all but 30 left out: 0.25 s to assemble and check, 1.8 s to print
# (rich tables); 300: 0.05 and 0.35 s. Since reasons try each host left out in each day of the
# plan (explain.Room), 500 hosts over 5 or 10 days, all but 20 left out, take 0.36–0.47 s to
# assemble (generated trips, the insertion's plan): still within the part per node.
FINISH_SECONDS = 0.7
FINISH_SECONDS_PER_NODE = 0.002


# Under a deadline, what each matchmaking event's meetings get of it (kept from the route's
# solver): their stages shrink to fit (`MatchParams.time_limit`).
MATCH_SECONDS = 1.5


def finish_reserve(problem: Problem) -> float:
    """Seconds a deadline keeps for assembling, checking and printing a plan of `problem`."""
    return FINISH_SECONDS + FINISH_SECONDS_PER_NODE * len(problem.nodes)


def make_plan(
    loaded: Loaded,
    params: SolveParams = PLAN_PARAMS,
    observer: Observer | None = None,
    deadline: Deadline | None = None,
    previous: Plan | None = None,
) -> Plan:
    """`params.proof=None` skips the proof (the plan then has no `bound` and no `optimal`).
    `deadline`: when the whole command must be done (see the module docstring). `previous`:
    the plan this one replaces (`plan --previous`): the new plan moves as few of its visits
    as it can after the score (`rules.Rank`), says how many it moves (`Plan.changes`), and
    carries the hosts' revision counts on from it (`diff.carry_sequences`)."""
    visits = None
    if previous is not None:
        visits = [
            PreviousVisit(item.id, item.start, track.group)
            for track in previous.tracks
            for item in track.items
            if isinstance(item, VisitItem)
        ]
    compiled = compile_spec(loaded, visits)
    problem = compiled.problem
    params = params.for_problem(problem)  # the plan records this budget
    events = sum(1 for e in loaded.spec.events if e.matchmaking is not None)
    reserve = finish_reserve(problem)
    solve_deadline = None if deadline is None else deadline.before(reserve + MATCH_SECONDS * events)
    solution = solve(problem, params, observer, solve_deadline)
    match_seconds = None
    if deadline is not None and events:
        match_seconds = max(0.2, (deadline.remaining() - reserve) / events)
    plan = assemble(compiled, loaded, solution, params, replanning=previous is not None)
    if loaded.roads is not None:
        plan = with_routes(plan, loaded)
    plan = with_meetings(plan, loaded, match_seconds)
    if previous is not None:
        # The hosts' revision counts go on from the plan they were written from, so the next
        # change letters update their calendar entries (README, "Who must be told").
        plan = carry_sequences(previous, plan)
    violations = check_plan(plan, loaded)
    if violations:
        shown = "; ".join(map(str, violations[:5]))
        raise InternalError(f"the plan breaks its own rules: {shown}")
    return plan


def with_routes(plan: Plan, loaded: Loaded) -> Plan:
    """The plan with the road geometry of each travel item (`route`, format 1.3), from the
    road-time cache or OSRM (`roads.times.leg_routes`); a leg without one keeps none. Only the
    geometry is added: times and minutes are the plan's, made from the same road table."""
    from ..roads.times import leg_routes

    assert loaded.roads is not None
    at = {key: location for key, location, _, _ in place_refs(loaded.spec)}

    def leg(item: Item) -> tuple[tuple[float, float], tuple[float, float]] | None:
        if isinstance(item, TravelItem) and item.from_ in at and item.to in at:
            return at[item.from_], at[item.to]
        return None

    items = [item for track in plan.tracks for item in track.items]
    routes = leg_routes(loaded.roads, [found for item in items if (found := leg(item))])
    if not routes:
        return plan

    def routed(item: Item) -> Item:
        found = leg(item)
        points = None if found is None else routes.get(found)
        return item if points is None else item.model_copy(update={"route": list(points)})

    tracks = [
        track.model_copy(update={"items": [routed(item) for item in track.items]})
        for track in plan.tracks
    ]
    return Plan.model_validate({**dict(plan), "tracks": tracks, "format": None})
