"""spec -> Problem: all unit conversion happens here; the result is integers only.

Tracks are (day, group) pairs; this version has one group, "all". Ordering is deterministic
(days in date order, hosts and events in file order), so the same file gives the same problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..input.closures import opening_windows
from ..input.load import Loaded
from ..input.spec import Event, Host, VisitSpec, format_time_of_day
from .frames import Place, day_bounds, day_frames
from .problem import (
    After,
    Break,
    Node,
    OneOf,
    Previous,
    Problem,
    Track,
    down_to_grid,
    up_to_grid,
)
from .schedule import earliest_starts
from .timeline import Clock

GROUP_ALL = "all"


@dataclass(frozen=True)
class TrackRef:
    date: dt.date
    group: str
    starts_at_arrival: bool
    lunch_note: str | None = None  # why a day that could have lunch has none


@dataclass(frozen=True)
class NodeRef:
    kind: Literal["host", "event"]
    id: str


@dataclass(frozen=True)
class PreviousVisit:
    """A visit of the plan being replaced (`itinerary plan --previous`): the host's id and its
    start, with its UTC offset."""

    id: str
    start: dt.datetime


@dataclass(frozen=True)
class Compiled:
    """The problem and the index that maps its integers back to the trip."""

    problem: Problem
    places: tuple[Place, ...]
    nodes: tuple[NodeRef, ...]
    tracks: tuple[TrackRef, ...]
    clock: Clock
    # Re-planning: the previous visits that map to no node and day (the host is no longer in
    # the file, or the date is no day of the trip): changes whatever the plan, so they are not
    # in `Problem.previous` but counted with its changes.
    unplaced: tuple[str, ...] = ()


def compile_spec(loaded: Loaded, previous: Sequence[PreviousVisit] | None = None) -> Compiled:
    """The Problem of a trip; with `previous` (the visits of the plan being replaced), its
    `Problem.previous`: each visit by its host's node, its date's track and its start."""
    spec = loaded.spec
    clock = Clock(spec.trip.timezone, spec.trip.start)
    frames = day_frames(spec)

    places: dict[str, Place] = {}
    for frame in frames:
        places.setdefault(frame.start.key, frame.start)
        places.setdefault(frame.end.key, frame.end)
    for host in spec.hosts:
        places[host.id] = Place(host.id, host.name, host.location, host.address)
    for event in spec.events:
        places[event.id] = Place(event.id, event.place, event.location, event.address)
    place_list = tuple(places.values())
    index = {p.key: i for i, p in enumerate(place_list)}
    travel = loaded.travel.matrix_of([(p.key, p.location) for p in place_list])

    tracks: list[Track] = []
    track_refs: list[TrackRef] = []
    for frame in frames:
        s, e = index[frame.start.key], index[frame.end.key]
        earliest, latest = day_bounds(spec, frame, clock, travel[s][e])
        tracks.append(Track(s, e, earliest, latest))
        track_refs.append(TrackRef(frame.date, GROUP_ALL, frame.arrival is not None))

    nodes: list[Node] = []
    node_refs: list[NodeRef] = []
    for host in spec.hosts:
        nodes.append(_host_node(host, spec, clock, tracks, track_refs, index[host.id]))
        node_refs.append(NodeRef("host", host.id))
    for event in spec.events:
        nodes.append(_event_node(event, clock, track_refs, index[event.id]))
        node_refs.append(NodeRef("event", event.id))

    after, one_of = _relations(spec, node_refs)
    # Built once: the lunch trials below only swap tracks; re-building the travel matrix for
    # each of them was about a quarter of compile's time on a 400-host, 10-day trip.
    base = Problem.build(travel, nodes, tracks, after, one_of)
    for t, ref in enumerate(track_refs):
        tracks[t], track_refs[t] = _with_lunch(spec, clock, base, node_refs, tracks, t, ref)
    problem = base.with_tracks(tracks)
    unplaced: list[str] = []
    if previous:
        mapped = _previous(previous, clock, node_refs, track_refs)
        problem = problem.with_previous([v for v in mapped if isinstance(v, Previous)])
        unplaced = [v for v in mapped if isinstance(v, str)]
    return Compiled(
        problem, place_list, tuple(node_refs), tuple(track_refs), clock, tuple(unplaced)
    )


def _previous(
    previous: Sequence[PreviousVisit],
    clock: Clock,
    node_refs: Sequence[NodeRef],
    track_refs: Sequence[TrackRef],
) -> list[Previous | str]:
    """Each previous visit as a `Previous` (node, track, minute), or its host id when it maps
    to no host of the file or no day of the trip (or repeats a host: only its first visit)."""
    node_of = {ref.id: n for n, ref in enumerate(node_refs) if ref.kind == "host"}
    track_of = {ref.date: t for t, ref in enumerate(track_refs) if ref.group == GROUP_ALL}
    out: list[Previous | str] = []
    seen: set[int] = set()
    for visit in previous:
        n = node_of.get(visit.id)
        t = track_of.get(visit.start.astimezone(clock.tz).date())
        if n is None or t is None or n in seen:
            out.append(visit.id)
            continue
        seen.add(n)
        out.append(Previous(n, t, clock.minutes_of(visit.start)))
    return out


def _relations(spec: VisitSpec, node_refs: list[NodeRef]) -> tuple[list[After], list[OneOf]]:
    """`after` and `choices` by node index (hosts, then events, as `node_refs` has them), in
    file order; ids were checked when the file was read."""
    node_of = {(ref.kind, ref.id): n for n, ref in enumerate(node_refs)}

    def node(ident: str) -> int:
        found = node_of.get(("host", ident))
        return found if found is not None else node_of[("event", ident)]

    after = [
        After(earlier=node(earlier), later=node_of[("host", host.id)])
        for host in spec.hosts
        for earlier in host.after or ()
    ]
    one_of = [OneOf(tuple(node(i) for i in c.one_of), c.must) for c in spec.choices]
    return after, one_of


def host_windows_on(spec: VisitSpec, host: Host, date: dt.date) -> list[tuple[int, int]]:
    """The host's open windows on a date as local minutes of the day, sorted: none on its
    closed dates and public holidays (`input.closures`, the one reference), so the solver
    simply sees no window there."""
    return opening_windows(spec, host, date)


def _host_node(
    host: Host,
    spec: VisitSpec,
    clock: Clock,
    tracks: list[Track],
    refs: list[TrackRef],
    place: int,
) -> Node:
    if host.declined:  # never planned: no window, no track, nothing to score
        # A declined must-visit is still one the plan lacks: the plan is partial, and says why.
        return Node(place=place, duration=host.duration, windows=(), required=host.must, tracks=())
    if host.confirmed is not None:
        # Pinned where the host accepted it, even off the time grid: one start, on its date's
        # track, required (`load.confirmed_issues` made sure it fits the day).
        start = clock.minutes(host.confirmed)
        day = host.confirmed.date()
        return Node(
            place=place,
            duration=host.duration,
            windows=((start, start),),
            score=0 if host.must else int(host.priority),
            required=True,
            tracks=tuple(t for t, ref in enumerate(refs) if ref.date == day),
        )
    windows: list[tuple[int, int]] = []
    allowed: list[int] = []
    grid = spec.trip.round_minutes
    for t, (track, ref) in enumerate(zip(tracks, refs, strict=True)):
        found = False
        for a, b in host_windows_on(spec, host, ref.date):
            # Start times on the grid: the first mark at or after opening (or the day's start),
            # the last that still ends by closing (or the day's end).
            start = up_to_grid(max(clock.at(ref.date, a), track.earliest_start), grid)
            latest = down_to_grid(
                min(clock.at(ref.date, b), track.latest_end) - host.duration, grid
            )
            if start <= latest:
                windows.append((start, latest))
                found = True
        if found:
            allowed.append(t)
    windows.sort()
    return Node(
        place=place,
        duration=host.duration,
        windows=tuple(windows),
        score=0 if host.must else int(host.priority),
        required=host.must,
        tracks=tuple(allowed),
        grid=grid,
    )


def _event_node(event: Event, clock: Clock, refs: list[TrackRef], place: int) -> Node:
    start, end = clock.minutes(event.start), clock.minutes(event.end)
    allowed = tuple(t for t, ref in enumerate(refs) if ref.date == event.start.date())
    return Node(
        place=place, duration=end - start, windows=((start, start),), required=True, tracks=allowed
    )


def event_nodes_on(
    nodes: Sequence[Node], node_refs: Sequence[NodeRef], t: int, pinned: Collection[str] = ()
) -> list[int]:
    """The event nodes a track must attend, in time order; with `pinned` (ids of confirmed
    hosts), their visits too."""
    events = [
        i
        for i, ref in enumerate(node_refs)
        if (ref.kind == "event" or ref.id in pinned) and t in (nodes[i].tracks or ())
    ]
    return sorted(events, key=lambda i: nodes[i].windows[0][0])


def _with_lunch(
    spec: VisitSpec,
    clock: Clock,
    base: Problem,
    node_refs: list[NodeRef],
    tracks: list[Track],
    t: int,
    ref: TrackRef,
) -> tuple[Track, TrackRef]:
    """Give a day its lunch break when its bounds leave room and its events leave a gap.

    `base` has the trip's travel and nodes; `tracks` are the tracks decided so far."""
    lunch = spec.trip.lunch
    track = tracks[t]
    if lunch is None:
        return track, ref
    day_events = [e for e in spec.events if e.start.date() == ref.date]
    if any(e.lunch for e in day_events):
        return track, ref
    # Lunch starts on the grid too: from the first mark of its window (or of the day).
    grid = spec.trip.round_minutes
    f = up_to_grid(max(clock.at(ref.date, lunch.from_), track.earliest_start), grid)
    to = min(clock.at(ref.date, lunch.to), track.latest_end)
    if to - f < lunch.minutes:
        day_start, day_end = spec.day_bounds(ref.date)
        if min(lunch.to, day_end) - max(lunch.from_, day_start) >= lunch.minutes:
            return track, ref  # the arrival or the departure leaves no room: nothing to say
        note = (
            f"no lunch on {ref.date}: the day's hours {format_time_of_day(day_start)}–"
            f"{format_time_of_day(day_end)} leave no {lunch.minutes}-minute lunch between "
            f"{format_time_of_day(lunch.from_)} and {format_time_of_day(lunch.to)}"
        )
        return track, replace(ref, lunch_note=note)
    with_lunch = replace(track, breaks=(Break(f, to, lunch.minutes, grid),))
    trial = base.with_tracks((*tracks[:t], with_lunch, *tracks[t + 1 :]))
    if earliest_starts(trial, t, []) is None:
        return track, ref  # the day's own journey leaves no room for lunch
    confirmed = {h.id for h in spec.hosts if h.confirmed is not None}
    events = event_nodes_on(base.nodes, node_refs, t, confirmed)
    if earliest_starts(trial, t, events) is not None:
        return with_lunch, ref
    if earliest_starts(trial, t, events, with_breaks=False) is None:
        return with_lunch, ref  # the events clash among themselves; lunch is not the cause
    note = (
        f"no lunch on {ref.date}: the events ({', '.join(node_refs[i].id for i in events)}) "
        "leave no "
        f"{lunch.minutes}-minute gap between {format_time_of_day(lunch.from_)} and "
        f"{format_time_of_day(lunch.to)}; mark an event `lunch: true` if it includes lunch"
    )
    return track, replace(ref, lunch_note=note)
