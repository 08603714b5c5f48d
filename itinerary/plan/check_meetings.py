"""The meetings checker: every rule of a matchmaking schedule, derived again from the visit file.

Like `check.py` it imports nothing of the scheduler (`itinerary.match`) or the solver: the slots,
who is present when, who needs an interpreter, which pairs were requested and what each is
worth are read anew from the event's `matchmaking` section and its requests, so a bug in the
scheduler cannot hide here. Used on every plan (`check.py`) and on every result of
`itinerary match`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from ..input.load import Loaded
from ..input.spec import Event, Person
from .meetings import Matchmaking, Meeting, Unmatched

_MUST = 100  # what a `must` request adds to a meeting's priority


def _slots(event: Event) -> list[tuple[int, int]]:
    """The event's slots in local minutes of its day: from the start and after each break,
    `minutes` long and `pause_minutes` apart, as many as fit before the next break or the end."""
    mm = event.matchmaking
    assert mm is not None
    day = dt.datetime.combine(event.start.date(), dt.time())
    start = int((event.start - day).total_seconds()) // 60
    end = int((event.end - day).total_seconds()) // 60
    edges = [start]
    stops = []
    for b in sorted(mm.breaks, key=lambda b: b.from_):
        stops.append(b.from_)
        edges.append(b.to)
    stops.append(end)
    out = []
    for begin, stop in zip(edges, stops, strict=True):
        at = begin
        while at + mm.minutes <= stop:
            out.append((at, at + mm.minutes))
            at += mm.minutes + mm.pause_minutes
    return out


def _languages(loaded: Loaded, person: Person, member: bool) -> set[str]:
    own = set(person.languages or ()) | ({person.language} if person.language else set())
    if not own and member:
        return set(loaded.spec.delegation.languages or ())
    return own


def check_meetings(
    loaded: Loaded,
    event: Event,
    meetings: Sequence[Meeting],
    unmatched: Sequence[Unmatched],
    info: Matchmaking,
) -> list[str]:
    """Every broken rule of the event's meetings, in words (empty: all kept)."""
    mm = event.matchmaking
    if mm is None:
        return ["meetings for an event without matchmaking"]
    out: list[str] = []
    tz = ZoneInfo(loaded.spec.trip.timezone)
    day = dt.datetime.combine(event.start.date(), dt.time())

    def minute(t: dt.datetime) -> int:
        local = t.astimezone(tz).replace(tzinfo=None)
        return int((local - day).total_seconds()) // 60

    members = list(loaded.spec.delegation.members)
    people: dict[str, Person] = {p.id: p for p in [*members, *mm.participants]}
    member_ids = {p.id for p in members}
    present: dict[str, tuple[int, int]] = {}
    slots = _slots(event)
    for pid, person in people.items():
        span = getattr(person, "available", None)
        present[pid] = (span.from_, span.to) if span is not None else (0, 24 * 60)
    tables = (
        [str(i) for i in range(1, mm.tables + 1)]
        if isinstance(mm.tables, int)
        else [t.id for t in mm.tables]
    )
    # What was requested: per unordered pair, the priority of the meeting and whether it is a must.
    worth: dict[frozenset[str], int] = {}
    must: dict[frozenset[str], bool] = {}
    for row in loaded.requests.get(event.id, ()):
        pair = frozenset((row.from_, row.to))
        worth[pair] = worth.get(pair, 0) + (_MUST if row.priority == "must" else int(row.priority))
        must[pair] = must.get(pair, False) or row.priority == "must"

    seen: dict[frozenset[str], int] = {}
    busy: dict[str, list[int]] = {}  # per participant, the indices of their meetings' slots
    at_slot: dict[tuple[str, int], int] = {}
    at_table: dict[tuple[str, int], int] = {}
    interpreted: dict[int, int] = {}
    count: dict[str, int] = {}
    for k, m in enumerate(meetings):
        where = f"meeting {k + 1} ({' – '.join(m.with_)})"
        start, end = minute(m.start), minute(m.end)
        on_day = m.start.astimezone(tz).date() == event.start.date()
        if not on_day or (start, end) not in slots:
            out.append(f"{where}: {m.start:%H:%M}–{m.end:%H:%M} is not a slot of the event")
        else:
            for p in m.with_:
                busy.setdefault(p, []).append(slots.index((start, end)))
        if len(m.with_) != 2 or len(set(m.with_)) != 2:
            out.append(f"{where}: a meeting is between two different participants")
            continue
        pair = frozenset(m.with_)
        unknown = [p for p in m.with_ if p not in people]
        if unknown:
            out.append(f"{where}: {unknown[0]} is not a participant")
            continue
        if pair not in worth:
            out.append(f"{where}: nobody asked for this meeting")
        else:
            if m.priority != worth[pair]:
                out.append(
                    f"{where}: priority {m.priority}, but the requests add up to {worth[pair]}"
                )
            if bool(m.must) != must[pair]:
                out.append(f"{where}: marked must {bool(m.must)}, the requests say {must[pair]}")
        seen[pair] = seen.get(pair, 0) + 1
        for p in m.with_:
            came, left = present[p]
            if start < came or end > left:
                out.append(f"{where}: {people[p].name} is not present then")
            if (p, start) in at_slot:
                out.append(f"{where}: {people[p].name} has two meetings at {m.start:%H:%M}")
            at_slot[(p, start)] = k
            count[p] = count.get(p, 0) + 1
        if m.table not in tables:
            out.append(f"{where}: there is no table {m.table}")
        if (m.table, start) in at_table:
            out.append(f"{where}: table {m.table} holds two meetings at {m.start:%H:%M}")
        at_table[(m.table, start)] = k
        a, b = (_languages(loaded, people[p], p in member_ids) for p in m.with_)
        needs = bool(a and b and not a & b)
        if bool(m.interpreter) != needs:
            out.append(f"{where}: interpreter marked {bool(m.interpreter)}, needed {needs}")
        interpreted[start] = interpreted.get(start, 0) + needs
    for pair, n in seen.items():
        if n > 1:
            out.append(f"{' – '.join(sorted(pair))} meet {n} times")
    if mm.interpreters is not None:
        for start, n in sorted(interpreted.items()):
            if n > mm.interpreters:
                out.append(
                    f"{n} meetings need an interpreter at minute {start}, "
                    f"{mm.interpreters} are there"
                )
    if mm.max_meetings is not None:
        for p, n in sorted(count.items()):
            if n > mm.max_meetings:
                out.append(f"{people[p].name} has {n} meetings, at most {mm.max_meetings}")
    left_out: dict[frozenset[str], int] = {}
    for u in unmatched:
        pair = frozenset(u.with_)
        left_out[pair] = left_out.get(pair, 0) + 1
        if pair in seen:
            out.append(f"{' – '.join(u.with_)} is listed as unmatched but meets")
        elif pair not in worth:
            out.append(f"{' – '.join(u.with_)} is listed as unmatched but was not requested")
        elif u.priority != worth[pair]:
            out.append(f"{' – '.join(u.with_)}: unmatched priority {u.priority}, not {worth[pair]}")
    for pair in worth:
        if pair not in seen and left_out.get(pair, 0) != 1:
            out.append(
                f"the request {' – '.join(sorted(pair))} is neither met nor listed once "
                "as unmatched"
            )
    total = sum(m.priority for m in meetings)
    if info.score != total:
        out.append(f"score is {info.score}, the meetings add up to {total}")
    if info.bound < info.score:
        out.append(f"bound {info.bound} is below the score {info.score}")
    if info.optimal and info.bound != info.score:
        out.append("marked optimal, but the score is below the bound")
    # An idle gap: a run of free slots between two of a participant's meetings (breaks are not
    # idle: slots are counted in their order).
    gaps = sum(
        1
        for taken in busy.values()
        for s, t in zip(sorted(taken), sorted(taken)[1:], strict=False)
        if t > s + 1
    )
    if info.idle_gaps != gaps:
        out.append(f"idle_gaps is {info.idle_gaps}, the meetings leave {gaps}")
    if [(minute(s.start), minute(s.end)) for s in info.slots] != slots:
        out.append("the slots listed are not the event's")
    if [t.id for t in info.tables] != tables:
        out.append("the tables listed are not the event's")
    if {p.id for p in info.participants} != set(people):
        out.append("the participants listed are not the event's")
    return out
