"""The minute-by-minute layout of a timed route, pure and neutral: travel, visits, the break.

Whether a sequence can be done, and when, is decided by the rules (`rules.py`, the reference);
this module only lays a timed route out. A break (lunch) is placed at a place (right after
leaving one item, or on arrival before the next) or, when neither fits, on the way: the move is
then split around the break. All three keep the break clear of visits and of travel, which is
the rule the plan checker enforces.

`earliest_starts` is the rules' own function, re-exported for the modules that import it from
here (the CP-SAT proof); new code imports it from `rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InternalError
from .problem import Break, Problem, Route, Stop, up_to_grid
from .rules import earliest_starts as earliest_starts


@dataclass(frozen=True)
class Segment:
    kind: str  # "travel" | "visit" | "break"
    start: int
    end: int
    node: int | None = None  # visit
    from_place: int | None = None  # travel
    to_place: int | None = None  # travel
    place: int | None = None  # break; None = on the way


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
    """(mode, leg, start) of the break: at a place if possible, else on the way. The break rule
    (`rules.ready_after_leg`) on a route already timed; every route timed by the rules lays out
    (tests/test_rules_conformance.py)."""
    track = problem.tracks[route.track]
    brk = track.breaks[0]
    L = brk.duration

    def at(free: int) -> int:
        """The break's start when the group is free for it at `free` (`rules.break_start`)."""
        return up_to_grid(max(free, brk.earliest_start), brk.grid)

    def fits(s: int, latest_end: int) -> bool:
        return s + L <= min(brk.latest_end, latest_end)

    legs = range(len(places) - 1)
    travel = [problem.travel[places[i]][places[i + 1]] for i in legs]
    candidates: list[tuple[str, int, int, bool]] = []
    s = at(track.earliest_start)
    candidates.append(("start", -1, s, fits(s, route.departure)))
    for i in legs:
        s = at(free_from[i])
        candidates.append(("before", i, s, fits(s, due_by[i] - travel[i])))
        s = at(free_from[i] + travel[i])
        candidates.append(("after", i, s, fits(s, due_by[i])))
    last = len(places) - 2
    s = at(free_from[last] + travel[last])
    candidates.append(("end", last, s, fits(s, track.latest_end)))
    for mode, leg, s, ok in candidates:
        if ok:
            return mode, leg, s
    for i in legs:
        s = at(free_from[i])
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
    else:  # no visit: straight from the start place to the end place
        latest_departure = free = track.earliest_start
        home = free + problem.travel[track.start_place][track.end_place]
    departures = [max(track.earliest_start, latest_departure), track.earliest_start]
    brk = track.breaks[0] if track.breaks else None
    arrivals = [home]
    if brk is not None:
        lunch = up_to_grid(max(free, brk.earliest_start), brk.grid)
        arrivals.append(max(home, lunch) + brk.duration)
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
