"""A plan edited by hand, made whole again: `retime(plan, loaded)`.

An organiser moves visits, lunch or a rest (in the plan JSON or in the spreadsheet export, see
`render/xlsx_import.py`); the drives between them and the plan's figures are then stale. This
lays each day out again around what it holds at fixed times — every visit, event, lunch, rest
and check-in keeps the time it was given, in the order of those times — with the drives of the
visit file's travel model between them: each leaves as soon as the group is free, as the
planner lays a route out (`model/schedule.layout`), a lunch "on the way" splits the drive it
falls in. The day ends when the group reaches its end place. Then the figures are recounted:
score, travel, the detour to hotels, status, the must choices unmet; a host that is no longer in
the programme is listed as left out (by hand), one that is back in it no longer is.

Nothing is checked here: the result goes to the checker (`plan/check.py`), which says what no
longer holds ("the group cannot be at Claas by 13:30 …") — a drive that does not fit its gap is
laid out whole, so that the checker sees it overlap what follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ..input.groups import ALL, event_groups, host_groups, is_split, unmet_by
from ..input.load import Loaded
from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, VisitSpec, stay_key
from . import (
    CheckInItem,
    EndItem,
    EventItem,
    Item,
    Location,
    LunchItem,
    Plan,
    PlanTrack,
    RestItem,
    StartItem,
    TravelItem,
    UnmetChoice,
    Unscheduled,
    VisitItem,
)
from .check import hotel_travel

# The reason given for a host or event an organiser took out of the programme by hand.
REMOVED = "not in the programme as edited by hand"

Place = tuple[str, Location, str | None]  # name, location, address


def places_of(spec: VisitSpec) -> dict[str, Place]:
    """Every place of the trip by its key, with its name as drives name it: hotels, hosts,
    events (their venue), the arrival and departure."""
    table: dict[str, Place] = {stay_key(s): (s.name, s.location, s.address) for s in spec.stays}
    table.update({h.id: (h.name, h.location, h.address) for h in spec.hosts})
    table.update({e.id: (e.place, e.location, e.address) for e in spec.events})
    if spec.arrival:
        arrival = spec.arrival
        table[ARRIVAL_KEY] = (arrival.place, arrival.location, arrival.address)
    if spec.departure:
        departure = spec.departure
        table[DEPARTURE_KEY] = (departure.place, departure.location, departure.address)
    return table


def _place_key(item: Item) -> str | None:
    if isinstance(item, VisitItem | EventItem):
        return item.id
    if isinstance(item, RestItem | CheckInItem | LunchItem):
        return item.at
    if isinstance(item, StartItem | EndItem):
        return item.key
    return None


def retime(plan: Plan, loaded: Loaded) -> Plan:
    """`plan` with its drives laid out again and its figures recounted (see the module)."""
    spec = loaded.spec
    places = places_of(spec)

    def minutes(a: str, b: str) -> int:
        if a == b or a not in places or b not in places:
            return 0  # an unknown place: the checker names it
        return loaded.travel.minutes(a, places[a][1], b, places[b][1])

    tracks = [_retimed(track, spec, places, minutes) for track in _by_date(plan.tracks)]
    return recount(plan.model_copy(update={"tracks": tracks}), loaded, minutes)


def _by_date(tracks: list[PlanTrack]) -> list[PlanTrack]:
    """The days with each visit and event moved to the day of its date, when an organiser
    changed the date of its times but not its day (a rest or check-in may run past midnight
    and stays where it is)."""
    zone = next(
        (t.items[0].time.tzinfo for t in tracks if t.items and isinstance(t.items[0], StartItem)),
        None,
    )
    days = {(t.date, t.group) for t in tracks}
    moved: dict[tuple[dt.date, str], list[Item]] = {}
    kept: list[list[Item]] = []
    for track in tracks:
        stay: list[Item] = []
        for item in track.items:
            if isinstance(item, VisitItem | EventItem) and zone is not None:
                day = item.start.astimezone(zone).date()
                if day != track.date and (day, track.group) in days:
                    moved.setdefault((day, track.group), []).append(item)
                    continue
            stay.append(item)
        kept.append(stay)
    if not moved:
        return tracks
    out = []
    for track, items in zip(tracks, kept, strict=True):
        extra = moved.get((track.date, track.group), [])
        out.append(track.model_copy(update={"items": [*items[:-1], *extra, *items[-1:]]}))
    return out


def _retimed(
    track: PlanTrack,
    spec: VisitSpec,
    places: dict[str, Place],
    minutes: Callable[[str, str], int],
) -> PlanTrack:
    items = track.items
    if len(items) < 2 or not isinstance(items[0], StartItem) or not isinstance(items[-1], EndItem):
        return track  # not a day the checker can follow: it says so
    start, end = items[0], items[-1]
    anchors = sorted(
        (i for i in items[1:-1] if not isinstance(i, TravelItem | StartItem | EndItem)),
        key=lambda i: i.start,
    )
    zone = start.time.tzinfo
    # When the plan's drives leave: kept where they still fit (the planner may leave early and
    # wait on site, or just in time), so that an untouched plan comes back as it was.
    hints: dict[tuple[str, str], list[dt.datetime]] = {}
    for item in items:
        if isinstance(item, TravelItem):
            hints.setdefault((item.from_, item.to), []).append(item.start)
    out: list[Item] = [start]
    here = start.key
    free = start.time
    arriving = start.key == ARRIVAL_KEY and spec.arrival is not None
    if arriving and spec.arrival is not None:
        free += dt.timedelta(minutes=spec.arrival.minutes)

    def drive(to: str, leave: dt.datetime, length: int | None = None) -> dt.datetime:
        """A drive from `here` towards `to` leaving at `leave` (all of it, or `length`)."""
        whole = minutes(here, to)
        span = whole if length is None else length
        if span <= 0:
            return leave
        arrive = leave + dt.timedelta(minutes=span)
        out.append(
            TravelItem(
                start=leave,
                end=arrive,
                from_=here,
                to=to,
                from_name=places[here][0],
                to_name=places[to][0],
                minutes=span,
            )
        )
        return arrive

    for n, item in enumerate(anchors):
        key = _place_key(item)
        if isinstance(item, LunchItem) and key not in (here, _next(anchors, n)):
            # On the way, or at a place the group no longer passes (the planner has lunch at
            # the place left or the place reached): where the drive has the group by then.
            after = _next(anchors, n) or end.key
            need = minutes(here, after)
            before = int((item.start - free).total_seconds() // 60)
            if need <= 0 or before <= 0:
                out.append(_lunch_at(item, here, places))  # before leaving
            elif before >= need:
                free = drive(after, free)
                here = after
                out.append(_lunch_at(item, here, places))  # on arrival
            else:  # on the way: the drive stops for lunch and goes on after it
                drive(after, free, before)
                out.append(item.model_copy(update={"at": None, "place": None, "location": None}))
                arrive = item.end + dt.timedelta(minutes=need - before)
                out.append(
                    TravelItem(
                        start=item.end,
                        end=arrive,
                        from_=here,
                        to=after,
                        from_name=places[here][0],
                        to_name=places[after][0],
                        minutes=need - before,
                    )
                )
                here, free = after, arrive
                continue
            free = max(free, item.end)
            continue
        if key is not None and key != here:
            if key in places and here in places:
                length = dt.timedelta(minutes=minutes(here, key))
                leave = free
                given = [t for t in hints.get((here, key), ()) if free <= t <= item.start - length]
                if given:  # the drive as the plan has it, where it still fits
                    leave = given[0]
                elif len(out) == 1:  # the day's first drive: just in time, as the planner's
                    leave = max(free, item.start - length) if arriving else item.start - length
                if len(out) == 1 and not arriving:  # the day begins when the coach leaves
                    out[0] = start = start.model_copy(update={"time": leave})
                free = drive(key, leave)
            here = key
        out.append(item)
        free = max(free, item.end)
    if end.key != here and end.key in places and here in places:
        free = drive(end.key, free)
    last = max([free, *(i.end for i in anchors)])
    out.append(end.model_copy(update={"time": last.astimezone(zone)}))
    return track.model_copy(update={"items": out})


def _next(anchors: Sequence[Item], n: int) -> str | None:
    """The next place the group is due at after anchor `n` (None: only lunches on the way)."""
    for item in anchors[n + 1 :]:
        key = _place_key(item)
        if key is not None:
            return key
    return None


def _lunch_at(item: LunchItem, key: str, places: dict[str, Place]) -> LunchItem:
    if key not in places:
        return item
    name, location, _ = places[key]
    return item.model_copy(update={"at": key, "place": name, "location": location})


def recount(plan: Plan, loaded: Loaded, minutes: Callable[[str, str], int]) -> Plan:
    """The plan's figures from what it holds: score, travel (and what the hotel stops add),
    who is left out, status, unmet must choices; a proof kept only as far as it still holds
    (the score's bound is the trip's; the travel's is about plans of the score it was made
    for)."""
    spec = loaded.spec
    hosts = {h.id: h for h in spec.hosts}
    # With groups, by group: a host visited, an event attended by each group it stands for (a
    # together date's track: every group); without, by "all".
    split = is_split(spec)
    everyone = [g.id for g in spec.groups] or [ALL]

    def covers(group: str | None, other: str) -> bool:
        return group is None or ALL in (group, other) or group == other

    done = {
        (i.id, g)
        for t in plan.tracks
        for i in t.items
        if isinstance(i, VisitItem | EventItem)
        for g in everyone
        if covers(t.group, g)
    }
    score = sum(int(hosts[h].priority) for h, _ in done if h in hosts and not hosts[h].must)
    travel = sum(i.minutes for t in plan.tracks for i in t.items if isinstance(i, TravelItem))
    places = places_of(spec)
    hotel = sum(hotel_travel(t.items, places, minutes) for t in plan.tracks)

    def left_out(ident: str, group: str | None) -> bool:
        """Nothing of the plan does what an entry of `unscheduled` says is left out."""
        if group is None or not split:
            return not any(i == ident for i, _ in done)
        return not any(covers(group, g) and (ident, g) in done for g in everyone)

    events = {e.id: e for e in spec.events}

    def groups_of(u: Unscheduled) -> list[str]:
        """The groups that may do what an entry without a group (a spreadsheet's list of what
        was left out names none) says is left out."""
        if u.id in hosts:
            return host_groups(spec, hosts[u.id])
        return event_groups(spec, events[u.id]) if u.id in events else []

    entries = [
        u.model_copy(update={"group": g})
        for u in plan.unscheduled
        for g in (groups_of(u) if split and u.group is None else [u.group])
    ]
    unscheduled = [u for u in entries if left_out(u.id, u.group)]
    listed = {(u.id, u.group) for u in unscheduled}
    for host in spec.hosts:
        for g in host_groups(spec, host) if split else [None]:
            if left_out(host.id, g) and (host.id, g) not in listed:
                unscheduled.append(
                    Unscheduled(
                        id=host.id, name=host.name, priority=host.priority, reason=REMOVED, group=g
                    )
                )
    for event in spec.events:
        for g in event_groups(spec, event) if split else [None]:
            if left_out(event.id, g) and (event.id, g) not in listed:
                unscheduled.append(
                    Unscheduled(id=event.id, name=event.name, kind="event", reason=REMOVED, group=g)
                )
    order = {i: n for n, i in enumerate([h.id for h in spec.hosts] + [e.id for e in spec.events])}
    groups = {g: n for n, g in enumerate(everyone)}
    unscheduled.sort(
        key=lambda u: (
            u.kind != "host",
            order.get(u.id, len(order)),
            groups.get(u.group or ALL, len(groups)),
        )
    )
    unmet = [
        UnmetChoice(one_of=list(c.one_of), names=[hosts[h].name for h in c.one_of])
        for c in spec.choices
        if unmet_by(spec, c, done)
    ]
    required = [u for u in unscheduled if u.required]
    status = "partial" if required or unmet else "complete"
    travel_bound = plan.travel_bound if score == plan.score else None
    route = travel - hotel
    return plan.model_copy(
        update={
            "score": score,
            "travel_minutes": travel,
            "hotel_travel_minutes": hotel or None,
            "unscheduled": unscheduled,
            "unmet_choices": unmet or None,
            "status": status,
            "travel_bound": travel_bound,
            "travel_optimal": None if travel_bound is None else route == travel_bound,
            "optimal": None
            if plan.bound is None
            else score == plan.bound and travel_bound is not None and route == travel_bound,
        }
    )
