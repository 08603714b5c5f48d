"""Schedule the meetings of matchmaking events: compile → solve → dated meetings with ids,
reasons for every request left out. Used by `itinerary match` and by the planner (after the
trip is planned: the event's time is fixed)."""

from __future__ import annotations

import datetime as dt
from typing import get_args
from zoneinfo import ZoneInfo

from ..errors import InternalError
from ..input.load import Loaded
from ..input.matchmaking import event_span, presence, spoken
from ..input.spec import Event, Language, Person, VisitSpec
from ..plan.check_meetings import check_meetings
from ..plan.meetings import (
    Matchmaking,
    Meeting,
    MeetingCause,
    MeetingPerson,
    MeetingsEvent,
    MeetingsFile,
    MeetingSlot,
    MeetingTable,
    Unmatched,
)
from .compile import CompiledEvent, compile_event
from .explain import cause, word
from .problem import MatchParams, MeetingSchedule, violations

# The languages a schedule can be printed in: the trip's `language` choices.
PRINTED: tuple[Language, ...] = get_args(Language)


def matchmaking_events(spec: VisitSpec) -> list[Event]:
    return [e for e in spec.events if e.matchmaking is not None]


def match_events(
    loaded: Loaded, params: MatchParams | None = None, event_id: str | None = None
) -> MeetingsFile:
    """The meetings of every matchmaking event (or of `event_id`)."""
    events = [e for e in matchmaking_events(loaded.spec) if event_id in (None, e.id)]
    return MeetingsFile(events=[match_event(loaded, e, params) for e in events])


def match_event(loaded: Loaded, event: Event, params: MatchParams | None = None) -> MeetingsEvent:
    from .solve import schedule_meetings

    compiled = compile_event(loaded, event)
    schedule = schedule_meetings(compiled.problem, params)
    broken = violations(compiled.problem, list(schedule.meetings))
    if broken:
        raise InternalError(f"the meetings of {event.id} break their rules: {broken[0]}")
    result = assemble_event(loaded.spec, compiled, schedule)
    broken = check_meetings(loaded, event, result.meetings, result.unmatched, result.matchmaking)
    if broken:
        raise InternalError(f"the meetings of {event.id} break their rules: {broken[0]}")
    return result


def print_language(spec: VisitSpec, person: Person) -> Language:
    """The language a participant's schedule is printed in: theirs when the programme can be
    printed in it, else one they list, else the trip's."""
    for lang in [person.language, *(person.languages or ())]:
        if lang in PRINTED:
            return lang
    return spec.trip.language


def assemble_event(
    spec: VisitSpec, compiled: CompiledEvent, schedule: MeetingSchedule
) -> MeetingsEvent:
    event, problem = compiled.event, compiled.problem
    tz = ZoneInfo(spec.trip.timezone)
    midnight = dt.datetime.combine(event.start.date(), dt.time())

    def when(minute: int) -> dt.datetime:
        return (midnight + dt.timedelta(minutes=minute)).replace(tzinfo=tz)

    tables = compiled.section.table_list()
    names = [p.name for p in compiled.people]
    meetings = []
    for m in schedule.meetings:
        req = problem.requests[m.request]
        slot = problem.slots[m.slot]
        meetings.append(
            Meeting(
                start=when(slot.start),
                end=when(slot.end),
                table=tables[m.table].id,
                with_=list(compiled.pairs[m.request]),
                priority=req.priority,
                must=True if req.must else None,
                interpreter=True if req.needs_interpreter else None,
            )
        )
    met = {m.request for m in schedule.meetings}
    unmatched = []
    for r, req in enumerate(problem.requests):
        if r in met:
            continue
        code, args = cause(problem, schedule.meetings, r, names)
        unmatched.append(
            Unmatched(
                with_=list(compiled.pairs[r]),
                priority=req.priority,
                must=True if req.must else None,
                reason=word(code, args),
                cause=MeetingCause(code=code, args=args),
            )
        )
    unmatched.sort(key=lambda u: (not u.must, -u.priority, u.with_))
    people = []
    for i, person in enumerate(compiled.people):
        came, left = presence(event, person)
        whole = (came, left) == event_span(event)
        languages = sorted(spoken(spec, person))
        people.append(
            MeetingPerson(
                id=person.id,
                name=person.name,
                organisation=person.organisation,
                email=person.email,
                languages=languages or None,
                language=print_language(spec, person),
                member=True if i < compiled.members else None,
                available=None if whole else [when(came), when(left)],
            )
        )
    info = Matchmaking(
        score=schedule.score,
        bound=schedule.bound,
        optimal=schedule.optimal,
        idle_gaps=schedule.idle_gaps,
        gaps_optimal=schedule.gaps_optimal,
        tables=[MeetingTable(id=t.id, name=t.name) for t in tables],
        slots=[MeetingSlot(start=when(s.start), end=when(s.end)) for s in problem.slots],
        participants=people,
        interpreters=problem.interpreters,
        max_meetings=problem.max_meetings,
    )
    return MeetingsEvent.of(event.id, event.name, meetings, unmatched, info)
