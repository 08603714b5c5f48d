"""An event's `matchmaking` section → the neutral `MeetingProblem` (minutes and indices), and
the index that maps the schedule back to participants and requests."""

from __future__ import annotations

from dataclasses import dataclass

from ..input.load import Loaded
from ..input.matchmaking import (
    RequestRow,
    event_slots,
    needs_interpreter,
    participants,
    presence,
)
from ..input.spec import Event, Matchmaking, Person
from .problem import MUST_PRIORITY, MeetingProblem, Request, Slot


@dataclass(frozen=True)
class CompiledEvent:
    event: Event
    section: Matchmaking
    problem: MeetingProblem
    people: tuple[Person, ...]  # by participant index: the members, then the participants
    members: int  # how many of `people` are the delegation's members
    # Per request of the problem: the ids in the order of the first request written, and the
    # rows it serves.
    pairs: tuple[tuple[str, str], ...]
    rows: tuple[tuple[RequestRow, ...], ...]


def compile_event(loaded: Loaded, event: Event) -> CompiledEvent:
    mm = event.matchmaking
    if mm is None:
        raise ValueError(f"event {event.id} has no matchmaking")
    spec = loaded.spec
    people = tuple(participants(spec, mm))
    index = {p.id: i for i, p in enumerate(people)}
    slots = event_slots(event, mm)
    available = []
    for person in people:
        came, left = presence(event, person)
        available.append(frozenset(s for s, (a, b) in enumerate(slots) if came <= a and b <= left))
    merged: dict[tuple[int, int], list[RequestRow]] = {}
    for row in loaded.requests.get(event.id, ()):
        a, b = index[row.from_], index[row.to]
        merged.setdefault((min(a, b), max(a, b)), []).append(row)
    requests = []
    pairs = []
    for (a, b), rows in merged.items():
        priority = sum(MUST_PRIORITY if r.must else int(r.priority) for r in rows)
        requests.append(
            Request(
                a,
                b,
                priority,
                must=any(r.must for r in rows),
                needs_interpreter=needs_interpreter(spec, people[a], people[b]),
            )
        )
        pairs.append((rows[0].from_, rows[0].to))
    problem = MeetingProblem(
        slots=tuple(Slot(a, b) for a, b in slots),
        available=tuple(available),
        requests=tuple(requests),
        tables=len(mm.table_list()),
        interpreters=mm.interpreters,
        max_meetings=mm.max_meetings,
    )
    return CompiledEvent(
        event=event,
        section=mm,
        problem=problem,
        people=people,
        members=len(spec.delegation.members),
        pairs=tuple(pairs),
        rows=tuple(tuple(rows) for rows in merged.values()),
    )
