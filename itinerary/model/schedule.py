"""The minute-by-minute layout of a timed route, pure and neutral: travel, visits, the break.

Whether a sequence can be done, and when, is decided by the rules (`rules.py`, the reference);
this module only lays a timed route out. A break (lunch) is placed at a place (right after
leaving one item, or on arrival before the next) or, when neither fits, on the way: the move is
then split around the break. All three keep the break clear of visits and of travel, which is
the rule the plan checker enforces.

Where the break is taken, and whether the group waits on site or at its hotel, are layout
decisions (`layout` with `avoid`, `away_from`, `with_stays`): they never move a visit, so the
route and its feasibility stay the solver's.

`earliest_starts` is the rules' own function, re-exported for the modules that import it from
here (the CP-SAT proof); new code imports it from `rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import InternalError
from .problem import Break, Problem, Route, Stop, up_to_grid
from .rules import earliest_starts as earliest_starts
from .rules import starts_keeping


@dataclass(frozen=True)
class Segment:
    kind: str  # "travel" | "visit" | "break" | "rest" | "check_in"
    start: int
    end: int
    node: int | None = None  # visit
    from_place: int | None = None  # travel
    to_place: int | None = None  # travel
    place: int | None = None  # break (None = on the way), rest, check_in


def layout(problem: Problem, route: Route, avoid: frozenset[int] = frozenset()) -> list[Segment]:
    """The route as travel, visit and break segments, in time order. The break is taken at a
    place of `avoid` (an airport, a station) only when no other place and not the way fits."""
    track = problem.tracks[route.track]
    places = [track.start_place] + [problem.nodes[s.node].place for s in route.stops]
    places.append(track.end_place)
    free_from = [route.departure] + [s.start + problem.nodes[s.node].duration for s in route.stops]
    due_by = [s.start for s in route.stops] + [route.arrival]
    plan = _place_break(problem, route, places, free_from, due_by, avoid) if track.breaks else None

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
    avoid: frozenset[int] = frozenset(),
) -> tuple[str, int, int]:
    """(mode, leg, start) of the break: at a place if possible, else on the way, and at a
    place of `avoid` only when neither fits. The break rule (`rules.ready_after_leg`) on a
    route already timed; every route timed by the rules lays out
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

    def where(mode: str, leg: int) -> int:
        return places[leg + 1] if mode in ("after", "end") else places[max(leg, 0)]

    for mode, leg, s, ok in candidates:
        if ok and where(mode, leg) not in avoid:
            return mode, leg, s
    for i in legs:
        s = at(free_from[i])
        # On the way: the break begins while travelling (else it is at a place, above).
        on_the_way = 0 < s - free_from[i] < travel[i] or not avoid
        if on_the_way and fits(s, due_by[i]) and free_from[i] + travel[i] + L <= due_by[i]:
            return "split", i, s
    for mode, leg, s, ok in candidates:
        if ok:
            return mode, leg, s
    raise InternalError(f"no room for the break on track {route.track}: {route}")


def timed_route(problem: Problem, t: int, sequence: Sequence[int]) -> Route | None:
    """The route of `sequence` on track t as every plan shows it: each visit at its earliest
    start (or, re-planning, at its previous start where a timing that keeps more of them is
    feasible: `rules.starts_keeping`), leaving as late as the first visit allows and back as
    early as possible, or at the track's bounds where the break needs the room (checked by
    laying the route out, as the plan checker does); None if the sequence cannot be done."""
    starts = starts_keeping(problem, t, sequence)
    if starts is None:
        return None
    route = route_at(problem, t, sequence, starts)
    if route is None:
        raise InternalError(f"no timing found for the feasible route {list(sequence)} on track {t}")
    return route


def route_at(
    problem: Problem, t: int, sequence: Sequence[int], starts: Sequence[int]
) -> Route | None:
    """The route of `sequence` on track t with its visits at `starts`, leaving as late as the
    first visit allows and back as early as possible, or at the track's bounds where the break
    needs the room; None if no such departure and arrival lay it out. `timed_route` gives it
    the plan's timing; CP-SAT its own where a group waits at a host for another group to leave
    (`cpsat.py`: its routes then go through `verify.py`, since nothing here checks the
    starts)."""
    track = problem.tracks[t]
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
    return None


def away_from(problem: Problem, route: Route, avoid: frozenset[int]) -> Route:
    """`route`, leaving its start place earlier or reaching its end place later (within the
    track's bounds; every visit keeps its start), when that lets the break be taken at a place
    other than those of `avoid` (lunch on arrival at the first visit's place rather than at the
    airport before leaving), else on the way; `route` itself when neither can be had."""
    track = problem.tracks[route.track]
    if not track.breaks or not avoid:
        return route
    # Leaving as the route does, in time to reach the first stop as lunch begins, or as early
    # as the day allows; coming back as the route does, or as late as the day allows.
    first = problem.nodes[route.stops[0].node].place if route.stops else track.end_place
    for_lunch = track.breaks[0].earliest_start - problem.travel[track.start_place][first]
    departures = (route.departure, max(track.earliest_start, min(for_lunch, route.departure)))
    options = [
        replace(route, departure=departure, arrival=arrival)
        for departure in dict.fromkeys((*departures, track.earliest_start))
        for arrival in dict.fromkeys((route.arrival, track.latest_end))
    ]

    def where(candidate: Route) -> int | str | None:
        """The break's place, "way" when on the way, None when the timing does not lay out."""
        try:
            segments = layout(problem, candidate, avoid)
        except InternalError:
            return None
        place = next(s.place for s in segments if s.kind == "break")
        return "way" if place is None else place

    found = [where(candidate) for candidate in options]
    for candidate, place in zip(options, found, strict=True):
        if isinstance(place, int) and place not in avoid:
            return candidate
    for candidate, place in zip(options, found, strict=True):
        if place == "way":
            return candidate
    return route


@dataclass(frozen=True)
class StayDay:
    """The hotels of one day, by place: where the group may rest (the night's stay first, then
    the previous night's), the new hotel it checks in to (None: no change of hotel) and the
    check-in's minutes, and the wait (minutes) from which a rest at a hotel is worth the trip
    (0: never)."""

    places: tuple[int, ...]
    new: int | None = None
    check_in: int = 0
    rest_after: int = 60


def with_stays(
    problem: Problem,
    segments: list[Segment],
    day: StayDay,
    departure: int,
    ready: int,
    day_start: int | None = None,
) -> list[Segment]:
    """The laid-out day with its time at the hotels: a wait of at least `rest_after` minutes
    before a visit, an event or a lunch at a place becomes a rest at a hotel when going there
    and back fits and buys at least as long at the hotel as the trip there and back takes (and
    at least half of `rest_after`); on
    a day that changes hotel, the group goes to the new hotel before the day's last event when
    that fits (check in, rest, then the event). The first arrival at the new hotel is a
    check-in of `day.check_in` minutes; when the day only reaches it at its end, the check-in
    follows the arrival. `departure`: when the route leaves its start place; `ready`: the
    earliest it may (the coach after the baggage on an arrival day); `day_start`: when the day
    begins, from which a group that leaves one hotel for the evening may move into the new one
    first (by default `ready`). Visits, events and the break keep their times: the rest fills
    waiting time."""
    visits = [i for i, s in enumerate(segments) if s.kind == "visit"]
    last_visit = visits[-1] if visits else None
    reached = day.new is None
    out: list[Segment] = []
    for i, seg in enumerate(segments):
        place, evening = None, False
        if seg.kind == "visit":
            assert seg.node is not None  # a visit segment always has its node
            node = problem.nodes[seg.node]
            place, evening = node.place, i == last_visit and node.fixed and not reached
        elif seg.kind == "break" and seg.place is not None:
            place = seg.place  # lunch at a place: waiting for it is waiting too
        if place is not None and day.places and day.rest_after > 0 and out:
            # The first leg of the day may leave as early as the day allows.
            earliest = ready if len(out) == 1 else None
            if earliest is not None and evening:
                earliest = min(earliest, ready if day_start is None else day_start)
            detour = _detour(problem, out, place, seg.start, day, reached, evening, earliest)
            if detour is not None:
                out, stay = detour
                reached = reached or stay == day.new
        out.append(seg)
    if not reached and day.check_in > 0 and day.new is not None:
        out = _check_in_on_arrival(out, day.new, day.check_in, departure)
    return out


def _detour(
    problem: Problem,
    out: list[Segment],
    place: int,
    due: int,
    day: StayDay,
    reached: bool,
    evening: bool,
    earliest: int | None,
) -> tuple[list[Segment], int] | None:
    """`out` (the day so far) ending with a stay at a hotel instead of waiting at `place` for
    what starts there at `due`, and the hotel; None when waiting on site it is. `earliest`:
    when the group could leave, if it is still at the day's start place."""
    travel = problem.travel
    prev = out[-1]
    whole_leg = (
        prev.kind == "travel"
        and prev.to_place == place
        and prev.from_place is not None
        and prev.end - prev.start == travel[prev.from_place][place]
    )
    # A whole leg into `place` goes to the hotel instead; else the group leaves from `place`.
    if whole_leg:
        assert prev.from_place is not None
        origin, kept = prev.from_place, out[:-1]
        begin = min(prev.start, earliest) if earliest is not None else prev.start
        moving = day.new is not None and origin != day.new and origin in day.places
        if evening and earliest is not None and moving:
            # Straight from the old hotel to the evening: move into the new one first, with
            # `rest_after` minutes there, leaving the old one no earlier than needed for that.
            new = day.new
            assert new is not None  # `moving`
            needed = travel[origin][new] + day.check_in + day.rest_after + travel[new][place]
            begin = min(prev.start, max(earliest, due - needed))
        wait = due - begin - travel[origin][place]
    else:
        origin, begin, kept = place, prev.end, out
        wait = due - begin
    if wait <= 0:
        return None
    for stay in day.places:
        if stay in (place, origin):
            continue  # waiting at the hotel is resting there
        go, back = travel[origin][stay], travel[stay][place]
        check_in = day.check_in if stay == day.new and not reached else 0
        rest = due - begin - go - check_in - back
        if rest < 0:
            continue
        # Worth the coach ride: at least as long at the hotel as the ride there and back,
        # and at least half of `rest_after`.
        worth = wait >= day.rest_after and rest >= max(go + back, (day.rest_after + 1) // 2, 1)
        moving_in = evening and stay == day.new and check_in + rest > 0
        if not (worth or moving_in):
            continue
        segments = list(kept) + _travel(origin, stay, begin, go)
        t = begin + go
        if check_in:
            segments.append(Segment("check_in", t, t + check_in, place=stay))
            t += check_in
        if rest:
            segments.append(Segment("rest", t, t + rest, place=stay))
            t += rest
        segments += _travel(stay, place, t, back)
        return segments, stay
    return None


def _check_in_on_arrival(
    out: list[Segment], stay: int, minutes: int, departure: int
) -> list[Segment]:
    """The check-in at the new hotel the day ends at: on arrival when what follows there (a
    lunch after coming back) leaves the room, else after it."""
    arrival = max(
        (i for i, s in enumerate(out) if s.kind == "travel" and s.to_place == stay), default=None
    )
    if arrival is not None:
        t = out[arrival].end
        following = out[arrival + 1 :]
        if all(s.start >= t + minutes for s in following):
            check_in = Segment("check_in", t, t + minutes, place=stay)
            return [*out[: arrival + 1], check_in, *following]
    t = max((s.end for s in out), default=departure)
    return [*out, Segment("check_in", t, t + minutes, place=stay)]
