"""Timing of a route, pure and neutral: feasibility of a sequence, and the minute-by-minute layout.

A break (lunch) may be taken at a place (right after leaving one item, or on arrival before the
next) or, when neither fits, on the way: the move is then split around the break. All three keep
the break clear of visits and of travel, which is the rule the plan checker enforces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InternalError
from .problem import Break, Problem, Route, Stop


@dataclass(frozen=True)
class Segment:
    kind: str  # "travel" | "visit" | "break"
    start: int
    end: int
    node: int | None = None  # visit
    from_place: int | None = None  # travel
    to_place: int | None = None  # travel
    place: int | None = None  # break; None = on the way


def _ready_after_leg(t: int, travel: int, brk: Break | None) -> int | None:
    """Earliest time the group is at the destination, free, if it takes `brk` on this leg."""
    if brk is None:
        return t + travel
    s = max(t, brk.earliest_start)
    if s + brk.duration > brk.latest_end:
        return None
    return max(t + travel, s) + brk.duration


def earliest_starts(
    problem: Problem, track_index: int, sequence: Sequence[int], *, with_breaks: bool = True
) -> list[int] | None:
    """Earliest feasible start times of `sequence` on a track, or None if it cannot be done.

    Taking every item as early as possible is optimal for feasibility here (every constraint is
    a release time or a deadline), so only the position of the break needs to be searched.
    """
    track = problem.tracks[track_index]
    brk = track.breaks[0] if track.breaks and with_breaks else None
    gaps: list[int | None] = [None] if brk is None else list(range(-1, len(sequence) + 2))
    for gap in gaps:
        starts = _forward(problem, track_index, sequence, gap)
        if starts is not None:
            return starts
    return None


def _forward(
    problem: Problem, track_index: int, sequence: Sequence[int], gap: int | None
) -> list[int] | None:
    track = problem.tracks[track_index]
    brk = track.breaks[0] if track.breaks else None
    t = track.earliest_start
    if gap == -1:
        assert brk is not None
        s = max(t, brk.earliest_start)
        if s + brk.duration > brk.latest_end:
            return None
        t = s + brk.duration
    place = track.start_place
    starts: list[int] = []
    for leg, node_index in enumerate(sequence):
        node = problem.nodes[node_index]
        if node.tracks is not None and track_index not in node.tracks:
            return None
        ready = _ready_after_leg(t, problem.travel[place][node.place], brk if gap == leg else None)
        if ready is None:
            return None
        start = node.first_start(ready)
        if start is None:
            return None
        starts.append(start)
        t, place = start + node.duration, node.place
    last = len(sequence)
    ready = _ready_after_leg(
        t, problem.travel[place][track.end_place], brk if gap == last else None
    )
    if ready is None or ready > track.latest_end:
        return None
    if gap == last + 1:
        assert brk is not None
        s = max(ready, brk.earliest_start)
        if s + brk.duration > min(brk.latest_end, track.latest_end):
            return None
    return starts


def layout(problem: Problem, route: Route) -> list[Segment]:
    """The route as travel, visit and break segments, in time order."""
    track = problem.tracks[route.track]
    places = [track.start_place] + [problem.nodes[s.node].place for s in route.stops]
    places.append(track.end_place)
    free_from = [route.departure] + [s.start + problem.nodes[s.node].duration for s in route.stops]
    due_by = [s.start for s in route.stops] + [route.arrival]
    plan = _place_break(problem, route, places, free_from, due_by) if track.breaks else None

    segments: list[Segment] = []
    if plan is not None and plan[0] == "start":
        segments.append(_break_seg(plan[2], track.breaks[0], track.start_place))
    for leg in range(len(places) - 1):
        a, b, t = places[leg], places[leg + 1], free_from[leg]
        travel = problem.travel[a][b]
        if plan is not None and plan[1] == leg and plan[0] != "start" and plan[0] != "end":
            mode, s = plan[0], plan[2]
            brk = track.breaks[0]
            if mode == "before":
                segments.append(_break_seg(s, brk, a))
                segments += _travel(a, b, s + brk.duration, travel)
            elif mode == "after":
                segments += _travel(a, b, t, travel)
                segments.append(_break_seg(s, brk, b))
            else:  # split: on the way
                segments += _travel(a, b, t, s - t)
                segments.append(_break_seg(s, brk, None))
                segments += _travel(a, b, s + brk.duration, travel - (s - t))
        else:
            segments += _travel(a, b, t, travel)
        if leg < len(route.stops):
            stop = route.stops[leg]
            end = stop.start + problem.nodes[stop.node].duration
            segments.append(Segment("visit", stop.start, end, node=stop.node))
    if plan is not None and plan[0] == "end":
        segments.append(_break_seg(plan[2], track.breaks[0], track.end_place))
    return segments


def _travel(a: int, b: int, start: int, minutes: int) -> list[Segment]:
    if minutes <= 0:
        return []
    return [Segment("travel", start, start + minutes, from_place=a, to_place=b)]


def _break_seg(start: int, brk: Break, place: int | None) -> Segment:
    return Segment("break", start, start + brk.duration, place=place)


def _place_break(
    problem: Problem,
    route: Route,
    places: list[int],
    free_from: list[int],
    due_by: list[int],
) -> tuple[str, int, int]:
    """(mode, leg, start) of the break: at a place if possible, else on the way."""
    track = problem.tracks[route.track]
    brk = track.breaks[0]
    f, L = brk.earliest_start, brk.duration

    def fits(s: int, latest_end: int) -> bool:
        return s + L <= min(brk.latest_end, latest_end)

    legs = range(len(places) - 1)
    travel = [problem.travel[places[i]][places[i + 1]] for i in legs]
    candidates: list[tuple[str, int, int, bool]] = []
    s = max(track.earliest_start, f)
    candidates.append(("start", -1, s, fits(s, route.departure)))
    for i in legs:
        s = max(free_from[i], f)
        candidates.append(("before", i, s, fits(s, due_by[i] - travel[i])))
        s = max(free_from[i] + travel[i], f)
        candidates.append(("after", i, s, fits(s, due_by[i])))
    last = len(places) - 2
    s = max(free_from[last] + travel[last], f)
    candidates.append(("end", last, s, fits(s, track.latest_end)))
    for mode, leg, s, ok in candidates:
        if ok:
            return mode, leg, s
    for i in legs:
        s = max(free_from[i], f)
        if fits(s, due_by[i]) and free_from[i] + travel[i] + L <= due_by[i]:
            return "split", i, s
    raise InternalError(f"no room for the break on track {route.track}: {route}")


def timed_route(problem: Problem, t: int, sequence: Sequence[int]) -> Route | None:
    """The route of `sequence` on track t as every plan shows it: each visit at its earliest
    start, leaving as late as the first visit allows and back as early as possible, or at the
    track's bounds where the break needs the room (checked by laying the route out, as the plan
    checker does); None if the sequence cannot be done."""
    track = problem.tracks[t]
    starts = earliest_starts(problem, t, sequence)
    if starts is None:
        return None
    stops = tuple(Stop(n, s) for n, s in zip(sequence, starts, strict=True))
    if sequence:
        first, last = problem.nodes[sequence[0]], problem.nodes[sequence[-1]]
        latest_departure = starts[0] - problem.travel[track.start_place][first.place]
        free = starts[-1] + last.duration
        home = free + problem.travel[last.place][track.end_place]
    else:
        latest_departure = home = free = track.earliest_start
    departures = [max(track.earliest_start, latest_departure), track.earliest_start]
    brk = track.breaks[0] if track.breaks else None
    arrivals = [home]
    if brk is not None:
        arrivals.append(max(home, max(free, brk.earliest_start)) + brk.duration)
    arrivals.append(track.latest_end)
    for departure in departures:
        for arrival in arrivals:
            if arrival > track.latest_end:
                continue
            route = Route(t, departure, arrival, stops)
            try:
                layout(problem, route)
            except InternalError:
                continue
            return route
    raise InternalError(f"no timing found for the feasible route {list(sequence)} on track {t}")
