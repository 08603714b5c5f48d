"""Solution -> Plan: dated items with UTC offsets, unscheduled hosts with reasons."""

from __future__ import annotations

from typing import TypedDict

from ..input.closures import holiday_names
from ..input.load import Loaded
from ..input.spec import Host, Language
from ..model.compile import Compiled
from ..model.problem import Problem, Solution
from ..model.schedule import layout
from ..solver import SolveParams
from . import (
    EndItem,
    EventItem,
    LunchItem,
    Plan,
    PlanDelegation,
    PlanTrack,
    PlanTrip,
    SolverInfo,
    StartItem,
    TravelItem,
    UnmetChoice,
    Unscheduled,
    VisitItem,
)
from .explain import explain_all
from .reasons import word_cause


def assemble(
    compiled: Compiled,
    loaded: Loaded,
    solution: Solution,
    params: SolveParams | None = None,
) -> Plan:
    """The plan of `solution`; its proven bounds (`Solution.score_bound`, `travel_bound`, see
    `solver/cpsat.py`), when it has them, make the plan say what is proven: `optimal` only when
    both the score and the travel are."""
    spec = loaded.spec
    problem = compiled.problem
    local = compiled.clock.local
    hosts = {h.id: h for h in spec.hosts}
    events = {e.id: e for e in spec.events}
    trip_language = spec.trip.language

    tracks: list[PlanTrack] = []
    travel_total = 0
    for route in solution.routes:
        ref = compiled.tracks[route.track]
        track = problem.tracks[route.track]
        start_place = compiled.places[track.start_place]
        end_place = compiled.places[track.end_place]
        segments = layout(problem, route)
        items: list = []
        for seg in segments:
            if seg.kind == "travel":
                assert seg.from_place is not None and seg.to_place is not None  # set on travel
                a, b = compiled.places[seg.from_place], compiled.places[seg.to_place]
                travel_total += seg.end - seg.start
                items.append(
                    TravelItem(
                        start=local(seg.start),
                        end=local(seg.end),
                        from_=a.key,
                        to=b.key,
                        from_name=a.name,
                        to_name=b.name,
                        minutes=seg.end - seg.start,
                    )
                )
            elif seg.kind == "break":
                at = compiled.places[seg.place] if seg.place is not None else None
                items.append(
                    LunchItem(
                        start=local(seg.start),
                        end=local(seg.end),
                        at=at.key if at else None,
                        place=at.name if at else None,
                        location=at.location if at else None,
                    )
                )
            else:
                assert seg.node is not None  # the remaining kind, "visit", always has its node
                node_ref = compiled.nodes[seg.node]
                if node_ref.kind == "host":
                    host = hosts[node_ref.id]
                    items.append(
                        VisitItem(
                            id=host.id,
                            name=host.name,
                            address=host.address,
                            location=host.location,
                            start=local(seg.start),
                            end=local(seg.end),
                            priority=host.priority,
                            contact=host.contact,
                            language=host.language or trip_language,
                            topics=list(host.topics),
                            message=host.message,
                            notes=host.notes,
                            **visit_language(host, trip_language, spec.delegation.languages),
                        )
                    )
                else:
                    event = events[node_ref.id]
                    items.append(
                        EventItem(
                            id=event.id,
                            name=event.name,
                            venue=event.venue,
                            address=event.address,
                            location=event.location,
                            start=local(seg.start),
                            end=local(seg.end),
                            lunch=event.lunch,
                            contact=event.contact,
                        )
                    )
        first = min([route.departure] + [s.start for s in segments])
        if ref.starts_at_arrival:
            first = min(first, track.earliest_start)
        last = max([route.departure] + [s.end for s in segments])
        start_item = StartItem(
            place=start_place.name,
            key=start_place.key,
            location=start_place.location,
            address=start_place.address,
            time=local(first),
        )
        end_item = EndItem(
            place=end_place.name,
            key=end_place.key,
            location=end_place.location,
            address=end_place.address,
            time=local(last),
        )
        notes = [ref.lunch_note] if ref.lunch_note else []
        tracks.append(
            PlanTrack(
                date=ref.date,
                group=ref.group,
                items=[start_item, *items, end_item],
                notes=notes,
                holiday=holiday_names(spec.trip.holidays, ref.date),
            )
        )

    unscheduled = []
    dropped = sorted(solution.dropped, key=lambda i: (compiled.nodes[i].kind != "host", i))
    for n, cause in zip(dropped, explain_all(compiled, loaded, dropped, solution), strict=True):
        node_ref = compiled.nodes[n]
        if node_ref.kind == "host":
            host = hosts[node_ref.id]
            name, priority = host.name, host.priority
        else:
            name, priority = events[node_ref.id].name, None
        unscheduled.append(
            Unscheduled(
                id=node_ref.id,
                name=name,
                kind=node_ref.kind,
                priority=priority,
                reason=word_cause(cause),
                cause=cause,
            )
        )

    unmet = []
    for c in solution.unmet_choices(problem):
        ids = [compiled.nodes[n].id for n in problem.one_of[c].nodes]
        unmet.append(UnmetChoice(one_of=ids, names=[hosts[i].name for i in ids]))

    params = params or SolveParams()
    return Plan(
        trip=PlanTrip(
            name=spec.trip.name,
            timezone=spec.trip.timezone,
            start=spec.trip.start,
            end=spec.trip.end,
            language=spec.trip.language,
        ),
        delegation=PlanDelegation(
            name=spec.delegation.name,
            size=spec.delegation.size,
            organisation=spec.delegation.organisation,
            contact=spec.delegation.contact,
            languages=spec.delegation.languages,
        ),
        organiser=spec.organiser,
        status="complete" if solution.is_complete(problem) else "partial",
        score=solution.score(problem),
        max_score=problem.max_score(),
        bound=solution.score_bound,
        optimal=_optimal(solution, problem),
        travel_minutes=travel_total,
        travel_bound=solution.travel_bound,
        travel_optimal=None
        if solution.travel_bound is None
        else travel_total == solution.travel_bound,
        tracks=tracks,
        unscheduled=unscheduled,
        solver=SolverInfo(
            solutions=solution.solutions_found,
            stopped_by=solution.stopped_by,
            solution_limit=params.budget.solution_limit,
            time_limit=params.budget.time_limit,
        ),
        unmet_choices=unmet or None,
    )


def _optimal(solution: Solution, problem: Problem) -> bool | None:
    """True when the score and the travel are both proven best; None when no bound was tried."""
    if solution.score_bound is None:
        return None
    return (
        solution.score(problem) == solution.score_bound
        and solution.travel_bound is not None
        and solution.travel_minutes(problem) == solution.travel_bound
    )


class _HeldIn(TypedDict, total=False):
    visit_language: str
    interpreter: bool


def visit_language(host: Host, trip_language: Language, spoken: list[str] | None) -> _HeldIn:
    """The plan's `visit_language` and `interpreter` of a visit to `host`, when they say
    something: held in the first of the delegation's languages (`spoken`, in its order of
    preference) that the host speaks, its own language first among equals; in the host's
    language with an interpreter when they share none. Nothing when the delegation's languages
    are not known."""
    own = host.language or trip_language
    if spoken is None:
        return {}
    offered = [own, *(host.languages or ())]
    if own in spoken:
        return {}
    shared = [code for code in spoken if code in offered]
    if shared:
        return {"visit_language": shared[0]}
    return {"interpreter": True}
