"""Solution -> Plan: dated items with UTC offsets, unscheduled hosts with reasons."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from ..errors import InternalError
from ..input import groups as grouping
from ..input.closures import holiday_names
from ..input.load import Loaded
from ..input.spec import (
    ARRIVAL_KEY,
    DEPARTURE_KEY,
    Event,
    Host,
    Language,
    Organiser,
    VisitSpec,
    stay_key,
)
from ..model.compile import Compiled
from ..model.problem import Problem, Solution
from ..model.rules import Rank, changes
from ..model.schedule import StayDay, away_from, layout, with_stays
from ..solver import SolveParams
from . import (
    CheckInItem,
    EndItem,
    EventItem,
    LunchItem,
    Plan,
    PlanDelegation,
    PlanGroup,
    PlanMember,
    PlanTrack,
    PlanTrip,
    RestItem,
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
    *,
    replanning: bool = False,
) -> Plan:
    """The plan of `solution`; its proven bounds (`Solution.score_bound`, `travel_bound`, see
    `solver/cpsat.py`), when it has them, make the plan say what is proven: `optimal` only when
    both the score and the travel are. `replanning` (`plan --previous`): the plan says how many
    visits of the previous plan it changes, and whether that is proven the fewest."""
    spec = loaded.spec
    problem = compiled.problem
    local = compiled.clock.local
    hosts = {h.id: h for h in spec.hosts}
    events = {e.id: e for e in spec.events}
    stays = {stay_key(s): s for s in spec.stays}
    # Lunch is not taken at the airport or the station when it can be taken elsewhere.
    transit = frozenset(
        i for i, p in enumerate(compiled.places) if p.key in (ARRIVAL_KEY, DEPARTURE_KEY)
    )

    tracks: list[PlanTrack] = []
    travel_total = 0
    for route in solution.routes:
        ref = compiled.tracks[route.track]
        track = problem.tracks[route.track]
        start_place = compiled.places[track.start_place]
        end_place = compiled.places[track.end_place]
        route = away_from(problem, route, transit)
        # The night's hotel first, then the previous night's; a new hotel is checked in to.
        hotels = tuple(
            dict.fromkeys(
                p for p in (track.end_place, track.start_place) if compiled.places[p].key in stays
            )
        )
        changes = end_place.key in stays and track.end_place != track.start_place
        new = track.end_place if changes else None
        day = StayDay(
            places=hotels,
            new=new,
            check_in=stays[end_place.key].check_in_minutes if new is not None else 0,
            rest_after=spec.trip.rest_at_stay_after,
        )
        # From the airport the group may leave for the hotel as soon as the coach may; from a
        # hotel it rests there until the route leaves.
        ready = track.earliest_start if ref.starts_at_arrival else route.departure
        segments = with_stays(
            problem,
            layout(problem, route, transit),
            day,
            route.departure,
            ready,
            track.earliest_start,
        )
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
            elif seg.kind in ("rest", "check_in"):
                assert seg.place is not None  # a rest or check-in is always at a hotel
                hotel = compiled.places[seg.place]
                at_stay = RestItem if seg.kind == "rest" else CheckInItem
                items.append(
                    at_stay(
                        start=local(seg.start),
                        end=local(seg.end),
                        at=hotel.key,
                        place=hotel.name,
                        location=hotel.location,
                        address=hotel.address,
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
                    items.append(visit_item(host, spec, local(seg.start), local(seg.end)))
                else:
                    event = events[node_ref.id]
                    items.append(event_item(event, local(seg.start), local(seg.end)))
        first = min([route.departure] + [s.start for s in segments])
        arrival = spec.arrival if ref.starts_at_arrival else None
        if arrival is not None:
            # The day begins with the landing; the coach leaves `arrival.minutes` later.
            first = min(first, track.earliest_start) - arrival.minutes
        last = max([route.departure] + [s.end for s in segments])
        departure = spec.departure if end_place.key == DEPARTURE_KEY else None
        start_item = StartItem(
            place=start_place.name,
            key=start_place.key,
            location=start_place.location,
            address=start_place.address,
            time=local(first),
            note=arrival.note if arrival is not None else None,
        )
        end_item = EndItem(
            place=end_place.name,
            key=end_place.key,
            location=end_place.location,
            address=end_place.address,
            time=local(last),
            note=departure.note if departure is not None else None,
            departs=local(compiled.clock.minutes(departure.time)) if departure else None,
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

    unscheduled = _unscheduled(compiled, loaded, solution)

    unmet = _unmet_choices(compiled, spec, solution)

    params = params or SolveParams()
    return Plan(
        **plan_header(spec),
        status="complete" if solution.is_complete(problem) else "partial",
        score=solution.score(problem),
        bound=solution.score_bound,
        optimal=_optimal(solution, problem),
        travel_minutes=travel_total,
        travel_bound=solution.travel_bound,
        # The proof is about the route; a trip to the hotel to rest is a choice of layout.
        travel_optimal=None
        if solution.travel_bound is None
        else solution.travel_minutes(problem) == solution.travel_bound,
        hotel_travel_minutes=(travel_total - solution.travel_minutes(problem)) or None,
        tracks=tracks,
        unscheduled=unscheduled,
        solver=SolverInfo(
            solutions=solution.solutions_found,
            stopped_by=solution.stopped_by,
            solution_limit=params.budget.solution_limit,
            time_limit=params.budget.time_limit,
        ),
        unmet_choices=unmet or None,
        **(_changes(compiled, solution) if replanning else _NO_CHANGES),
    )


def _unmet_choices(compiled: Compiled, spec: VisitSpec, solution: Solution) -> list[UnmetChoice]:
    """The file's `must` choices some group goes without (`groups.unmet_by`), each once."""
    served = {(compiled.nodes[n].id, compiled.nodes[n].group) for n in solution.served()}
    hosts = {h.id: h for h in spec.hosts}
    return [
        UnmetChoice(one_of=list(c.one_of), names=[hosts[h].name for h in c.one_of])
        for c in spec.choices
        if grouping.unmet_by(spec, c, served)
    ]


def _unscheduled(compiled: Compiled, loaded: Loaded, solution: Solution) -> list[Unscheduled]:
    """The hosts and events left out, with why: one entry per node left out, but with groups
    one per group that goes without (a host's node for a group is not missed when the whole
    delegation visits it on a together date, nor its node for the whole delegation when each
    group it is for goes on its own: the together visit is one way of several)."""
    spec = loaded.spec
    hosts = {h.id: h for h in spec.hosts}
    events = {e.id: e for e in spec.events}
    refs = compiled.nodes
    split = grouping.is_split(spec)
    # The hosts the whole delegation visits on a together date.
    together = {
        refs[n].id
        for n in solution.served()
        if refs[n].kind == "host" and refs[n].group == grouping.ALL
    }

    def missed(n: int) -> bool:
        ref = refs[n]
        if ref.kind == "event" or not split:
            return True
        # The whole delegation's node is missed only when no group visits the host on its own
        # (then each group's entry says why).
        return ref.group != grouping.ALL and ref.id not in together

    dropped = sorted(
        (n for n in solution.dropped if missed(n)), key=lambda i: (refs[i].kind != "host", i)
    )
    causes = explain_all(compiled, loaded, dropped, solution)
    out = []
    for n, cause in zip(dropped, causes, strict=True):
        ref = refs[n]
        if ref.kind == "host":
            name, priority = hosts[ref.id].name, hosts[ref.id].priority
        else:
            name, priority = events[ref.id].name, None
        out.append(
            Unscheduled(
                id=ref.id,
                name=name,
                kind=ref.kind,
                priority=priority,
                reason=word_cause(cause),
                cause=cause,
                group=ref.group if split else None,
            )
        )
    return out


class _Changes(TypedDict):
    changes: int | None
    changes_bound: int | None
    changes_optimal: bool | None


_NO_CHANGES: _Changes = {"changes": None, "changes_bound": None, "changes_optimal": None}


def _changes(compiled: Compiled, solution: Solution) -> _Changes:
    """`changes`, `changes_bound` and `changes_optimal` of a re-planned plan: the visits of
    the previous plan it moves or drops (those whose host or date is gone included), and the
    fewest any plan attending every event and confirmed visit could (`Solution.changes_bound`,
    which holds only for such plans)."""
    problem = compiled.problem
    changed = changes(problem, solution) + len(compiled.unplaced)
    bound = solution.changes_bound
    if bound is not None and Rank.of(problem, solution).missing_fixed:
        bound = None
    if bound is not None:
        bound += len(compiled.unplaced)
        if changed < bound:
            raise InternalError(f"the plan makes {changed} changes, fewer than its bound {bound}")
    return {
        "changes": changed,
        "changes_bound": bound,
        "changes_optimal": None if bound is None else changed == bound,
    }


def _optimal(solution: Solution, problem: Problem) -> bool | None:
    """True when the score and the travel are both proven best; None when no bound was tried."""
    if solution.score_bound is None:
        return None
    return (
        solution.score(problem) == solution.score_bound
        and solution.travel_bound is not None
        and solution.travel_minutes(problem) == solution.travel_bound
    )


class _Header(TypedDict):
    trip: PlanTrip
    delegation: PlanDelegation
    organiser: Organiser | None
    max_score: int


def plan_header(spec: VisitSpec) -> _Header:
    """The fields of a Plan that the visit file alone gives: the trip, the delegation, the
    organiser, and the best score a plan could have — every host's priority, a must-visit's
    and a declined host's counting nothing (as compile scores them, `Problem.max_score`)."""
    return {
        "trip": PlanTrip(
            name=spec.trip.name,
            timezone=spec.trip.timezone,
            start=spec.trip.start,
            end=spec.trip.end,
            language=spec.trip.language,
        ),
        "delegation": PlanDelegation(
            name=spec.delegation.name,
            size=spec.delegation.size,
            organisation=spec.delegation.organisation,
            contact=spec.delegation.contact,
            languages=spec.delegation.languages,
            **_groups_and_members(spec),
        ),
        "organiser": spec.organiser,
        "max_score": sum(grouping.host_max_score(spec, h) for h in spec.hosts),
    }


class _GroupsAndMembers(TypedDict, total=False):
    groups: list[PlanGroup]
    members: list[PlanMember]


def _groups_and_members(spec: VisitSpec) -> _GroupsAndMembers:
    """The delegation's groups and its members by group (format 1.4), only with `groups`: a
    plan without them stays as it was. A member in no group is not listed (`load` refuses the
    file then)."""
    if not grouping.is_split(spec):
        return {}
    placed = grouping.place_members(spec).group_of
    return {
        "groups": [
            PlanGroup(id=g.id, name=g.name, size=g.size, interests=list(g.interests))
            for g in spec.groups
        ],
        "members": [
            PlanMember(
                id=m.id,
                name=m.name,
                group=placed[m.id],
                organisation=m.organisation,
                email=m.email,
                language=m.language,
            )
            for m in spec.delegation.members
            if m.id in placed
        ],
    }


def visit_item(host: Host, spec: VisitSpec, start: dt.datetime, end: dt.datetime) -> VisitItem:
    """A plan's visit to `host` at these local times, with what the visit file says of it."""
    return VisitItem(
        id=host.id,
        name=host.name,
        address=host.address,
        location=host.location,
        start=start,
        end=end,
        priority=host.priority,
        contact=host.contact,
        language=host.language or spec.trip.language,
        topics=list(host.topics),
        message=host.message,
        notes=host.notes,
        confirmed=host.confirmed is not None,
        **visit_language(host, spec.trip.language, spec.delegation.languages),
    )


def event_item(event: Event, start: dt.datetime, end: dt.datetime) -> EventItem:
    """A plan's attendance of `event` at these local times."""
    return EventItem(
        id=event.id,
        name=event.name,
        venue=event.venue,
        address=event.address,
        location=event.location,
        start=start,
        end=end,
        lunch=event.lunch,
        contact=event.contact,
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
