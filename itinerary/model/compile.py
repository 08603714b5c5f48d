"""spec -> Problem: all unit conversion happens here; the result is integers only.

Tracks are (day, group) pairs: one per group of `input.groups.groups_on` (one, "all", on a
together date and in a trip without `groups`). A host has a node per group it is for
(`host_groups`; no window for a group larger than its capacity) and, when the whole delegation
may visit it on a together date, one for "all"; an event a node per attending group, each fixed
at its time, so the groups meet there. The rules between them (at most once per group, `must`
for every group, `after` and `choices` per group, the host's capacity across parallel groups)
are `Problem.one_of`, `after` and `capacity`. Ordering is deterministic (days in date order,
groups in file order, hosts and events in file order, a host's nodes by group in file order,
"all" first), so the same file gives the same problem; a trip without `groups` gives exactly
the problem it always did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..input import groups as grouping
from ..input.closures import opening_windows
from ..input.load import Loaded
from ..input.spec import Event, Host, VisitSpec, format_time_of_day
from .frames import Place, day_bounds, day_frames
from .problem import (
    After,
    Break,
    Capacity,
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

GROUP_ALL = grouping.ALL


@dataclass(frozen=True)
class TrackRef:
    date: dt.date
    group: str  # a group id, or "all": the whole delegation
    starts_at_arrival: bool
    lunch_note: str | None = None  # why a day that could have lunch has none


@dataclass(frozen=True)
class NodeRef:
    kind: Literal["host", "event"]
    id: str
    group: str = GROUP_ALL  # the group that visits (attends): a group id, or "all"


@dataclass(frozen=True)
class PreviousVisit:
    """A visit of the plan being replaced (`itinerary plan --previous`): the host's id, its
    start, with its UTC offset, and the group that made it."""

    id: str
    start: dt.datetime
    group: str = GROUP_ALL


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
        for info in grouping.groups_on(spec, frame.date):
            tracks.append(Track(s, e, earliest, latest))
            track_refs.append(TrackRef(frame.date, info.id, frame.arrival is not None))

    nodes: list[Node] = []
    node_refs: list[NodeRef] = []
    for host in spec.hosts:
        groups = _host_node_groups(spec, host)
        shared = _must_shared(host, groups)
        for group in groups:
            node = _host_node(host, spec, clock, tracks, track_refs, index[host.id], group, shared)
            nodes.append(node)
            node_refs.append(NodeRef("host", host.id, group))
    for event in spec.events:
        for group in grouping.event_groups(spec, event):
            nodes.append(_event_node(event, clock, track_refs, index[event.id], group))
            node_refs.append(NodeRef("event", event.id, group))

    after, one_of, alone = _relations(spec, node_refs)
    for n in alone:
        nodes[n] = replace(nodes[n], required=True)
    host_nodes: dict[str, dict[str, int]] = {}  # per host, its node for each group
    for n, node_ref in enumerate(node_refs):
        if node_ref.kind == "host":
            host_nodes.setdefault(node_ref.id, {})[node_ref.group] = n
    one_of = _once_per_group(spec, host_nodes) + one_of
    capacity = _capacities(spec, host_nodes)
    # Built once: the lunch trials below only swap tracks; re-building the travel matrix for
    # each of them was about a quarter of compile's time on a 400-host, 10-day trip.
    base = Problem.build(travel, nodes, tracks, after, one_of, capacity=capacity)
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
    node_of = {(ref.id, ref.group): n for n, ref in enumerate(node_refs) if ref.kind == "host"}
    track_of = {(ref.date, ref.group): t for t, ref in enumerate(track_refs)}
    out: list[Previous | str] = []
    seen: set[int] = set()
    for visit in previous:
        date = visit.start.astimezone(clock.tz).date()
        # The group's track that date, else the whole delegation's (the date is now together).
        t = track_of.get((date, visit.group), track_of.get((date, GROUP_ALL)))
        n = None if t is None else node_of.get((visit.id, track_refs[t].group))
        if n is None or t is None or n in seen:
            out.append(visit.id)
            continue
        seen.add(n)
        out.append(Previous(n, t, clock.minutes_of(visit.start)))
    return out


def _relations(
    spec: VisitSpec, node_refs: list[NodeRef]
) -> tuple[list[After], list[OneOf], set[int]]:
    """`after` and `choices` by node index (hosts, then events, as `node_refs` has them), in
    file order; ids were checked when the file was read. With groups each rule holds per group:
    a host's visit by a group comes after that group's visit of the earlier host or event (the
    whole delegation's, when that one has no node for the group), the whole delegation's after
    the whole delegation's; of a choice's hosts each group visits at most one, a visit of the
    whole delegation counting for every group; a group with one host of a `must` choice to
    choose from (the others are not for it) must visit that one: its node is returned in the
    third place, to be made required. A group with none has no choice to make."""
    nodes_of: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for n, ref in enumerate(node_refs):
        nodes_of.setdefault((ref.kind, ref.id), []).append((ref.group, n))

    def copies(ident: str) -> list[tuple[str, int]]:
        return nodes_of.get(("host", ident)) or nodes_of[("event", ident)]

    after: list[After] = []
    for host in spec.hosts:
        for earlier in host.after or ():
            before = dict(copies(earlier))
            for group, n in nodes_of[("host", host.id)]:
                e = before.get(group, before.get(GROUP_ALL))
                if e is not None:
                    after.append(After(earlier=e, later=n))
    one_of: list[OneOf] = []
    alone: set[int] = set()
    groups = [g.id for g in spec.groups] or [GROUP_ALL]
    for choice in spec.choices:
        for group in groups:
            chosen = tuple(
                n for i in choice.one_of for g, n in copies(i) if g in (group, GROUP_ALL)
            )
            if len(set(chosen)) >= 2:
                one_of.append(OneOf(chosen, choice.must))
            elif chosen and choice.must:
                alone.add(chosen[0])  # the group's one way to meet it: required
    return after, one_of, alone


def _host_node_groups(spec: VisitSpec, host: Host) -> list[str]:
    """The groups a host has a node for: "all" when the whole delegation may visit it on a
    together date, then each group it is for (`host_groups`; without groups that is "all"
    alone). A confirmed host has one node: its confirmed date's group (`load` made sure there
    is one)."""
    if not grouping.is_split(spec):
        return grouping.host_groups(spec, host)  # ["all"]
    if host.confirmed is not None:
        if grouping.together_on(spec, host.confirmed.date()):
            return [GROUP_ALL]
        return grouping.host_groups(spec, host)[:1]
    whole = [GROUP_ALL] if grouping.visited_together(spec, host) else []
    return whole + grouping.host_groups(spec, host)


def _once_per_group(spec: VisitSpec, host_nodes: dict[str, dict[str, int]]) -> list[OneOf]:
    """A host visited by the whole delegation on a together date is visited by every group:
    no group visits it again. For a must-visit, every group visits it, alone or with the
    others (the nodes are then not `required` on their own; see `_host_node`). `host_nodes`:
    per host id, its node for each group."""
    if not grouping.is_split(spec):
        return []
    out: list[OneOf] = []
    for host in spec.hosts:
        nodes = host_nodes.get(host.id, {})
        whole = nodes.get(GROUP_ALL)
        if whole is None:
            continue
        must = _must_shared(host, nodes)
        out += [OneOf((whole, n), must) for g, n in nodes.items() if g != GROUP_ALL]
    return out


def _must_shared(host: Host, groups: Collection[str]) -> bool:
    """Whether a must-visit's nodes (`groups`: the groups it has a node for) are required
    through `_once_per_group`'s choices (it has a node for the whole delegation and one per
    group) rather than each on its own."""
    return host.must and not host.declined and GROUP_ALL in groups and len(groups) > 1


def _capacities(spec: VisitSpec, host_nodes: dict[str, dict[str, int]]) -> list[Capacity]:
    """A host's capacity across the groups that may be there at one time (its group nodes; the
    whole delegation's node is on other dates), when they do not all fit together.
    `host_nodes`: per host id, its node for each group."""
    if not grouping.is_split(spec):
        return []
    out: list[Capacity] = []
    for host in spec.hosts:
        if host.capacity is None or host.declined:
            continue
        members = [
            (n, grouping.group_info(spec, g).size)
            for g, n in host_nodes.get(host.id, {}).items()
            if g != GROUP_ALL and grouping.fits(spec, host, g)
        ]
        if len(members) >= 2 and sum(size for _, size in members) > host.capacity:
            out.append(
                Capacity(tuple(n for n, _ in members), tuple(s for _, s in members), host.capacity)
            )
    return out


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
    group: str = GROUP_ALL,
    shared: bool = False,
) -> Node:
    """The host's node for `group`: its windows on that group's tracks. Scored by its priority
    once per group it stands for (the whole delegation's: every group). `shared`: a must-visit
    with a node for the whole delegation (`_must_shared`), required through the choices of
    `_once_per_group`; on its own otherwise."""
    split = grouping.is_split(spec)
    weight = len(spec.groups) if split and group == GROUP_ALL else 1
    required = host.must and not shared
    if host.declined or not grouping.fits(spec, host, group):
        # Never planned: no window, no track. A declined must-visit, or one too small for the
        # group, is still one the plan lacks: the plan is partial, and says why.
        return Node(
            place=place,
            duration=host.duration,
            windows=(),
            score=0 if host.must or host.declined else int(host.priority) * weight,
            required=required,
            tracks=(),
        )
    if host.confirmed is not None:
        # Pinned where the host accepted it, even off the time grid: one start, on its date's
        # track, required (`load.confirmed_issues` made sure it fits the day).
        start = clock.minutes(host.confirmed)
        day = host.confirmed.date()
        return Node(
            place=place,
            duration=host.duration,
            windows=((start, start),),
            score=0 if host.must else int(host.priority) * weight,
            required=True,
            tracks=tuple(t for t, ref in enumerate(refs) if ref.date == day and ref.group == group),
        )
    windows: list[tuple[int, int]] = []
    allowed: list[int] = []
    grid = spec.trip.round_minutes
    for t, (track, ref) in enumerate(zip(tracks, refs, strict=True)):
        if ref.group != group:
            continue
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
        score=0 if host.must else int(host.priority) * weight,
        required=required,
        tracks=tuple(allowed),
        grid=grid,
    )


def _event_node(
    event: Event, clock: Clock, refs: list[TrackRef], place: int, group: str = GROUP_ALL
) -> Node:
    """The event's node for `group`: fixed at its time, on that group's track of its date."""
    start, end = clock.minutes(event.start), clock.minutes(event.end)
    allowed = tuple(
        t for t, ref in enumerate(refs) if ref.date == event.start.date() and ref.group == group
    )
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
    events_by_id = {e.id: e for e in spec.events}
    day_events = [
        events_by_id[r.id]
        for n, r in enumerate(node_refs)
        if r.kind == "event" and t in (base.nodes[n].tracks or ())
    ]
    if any(e.lunch for e in day_events):  # the events this track attends
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
