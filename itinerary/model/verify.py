"""An independent check of a neutral Solution against its Problem.

It shares no code with the solver, with `rules.py` (the reference the solver's copies of these
rules are held to) or with `schedule.py`, on purpose: a mistake there cannot hide here, so a
benchmark (or a test) can trust a score only after this check returns no violations. Do not make
it import them (tests/test_rules_conformance.py says so too). The rules, in the Problem's own
terms:

- each route serves a known track, at most one route per track;
- the route leaves no earlier than the track's earliest start and is back by its latest end;
- each stop is a node that track may serve, starting inside one of the node's windows and on
  its grid (a multiple of `Node.grid` minutes), no earlier than the previous stop's end (or the
  departure) plus the travel time between them;
- the arrival leaves room for the last leg home;
- every node is served at most once, and `dropped` lists exactly the nodes not served;
- each break of a used track fits: `duration` minutes inside the break's window, clear of every
  visit and of every minute of travel (a leg may be split around the break), starting on its
  grid, and within the track's bounds (before the departure or after the arrival counts, at
  the start or end place);
- for each `After(earlier, later)` with `later` served: `earlier` is served too and ends
  (start + duration) no later than `later` starts, whichever tracks they are on;
- each `OneOf` has at most one node served. A `must` choice with none served is no violation:
  like a required node left out, it makes the solution incomplete (`Solution.unmet_choices`);
- for each `Capacity`, at no moment do the visits of its nodes under way then (from the start
  to the start plus the duration; a visit of no duration is under way at its start) bring
  more visitors than its limit, whichever tracks they are on.
"""

from __future__ import annotations

from .problem import Break, Problem, Route, Solution


def verify_solution(problem: Problem, solution: Solution) -> list[str]:
    """Every rule the solution breaks, as readable messages; empty if it is feasible."""
    violations: list[str] = []
    seen_tracks: set[int] = set()
    served: dict[int, int] = {}  # node -> number of times served
    starts: dict[int, int] = {}  # node -> its (first) start
    for r, route in enumerate(solution.routes):
        if not 0 <= route.track < len(problem.tracks):
            violations.append(f"route {r}: unknown track {route.track}")
            continue
        if route.track in seen_tracks:
            violations.append(f"route {r}: track {route.track} has more than one route")
        seen_tracks.add(route.track)
        for stop in route.stops:
            if 0 <= stop.node < len(problem.nodes):
                served[stop.node] = served.get(stop.node, 0) + 1
                starts.setdefault(stop.node, stop.start)
        violations += [
            f"route {r} (track {route.track}): {v}" for v in _route_violations(problem, route)
        ]

    for rule in problem.after:
        if rule.later not in starts:
            continue
        if rule.earlier not in starts:
            violations.append(
                f"node {rule.later} is served without node {rule.earlier}, which it comes after"
            )
            continue
        end = starts[rule.earlier] + problem.nodes[rule.earlier].duration
        if end > starts[rule.later]:
            violations.append(
                f"node {rule.later} starts at {starts[rule.later]}, before node {rule.earlier}"
                f" ends at {end}, which it comes after"
            )
    for choice in problem.one_of:
        chosen = [n for n in choice.nodes if n in served]
        if len(chosen) > 1:
            violations.append(
                f"nodes {chosen} are all served, but one_of {choice.nodes} allows one"
            )

    violations += _capacity_violations(problem, starts)

    for node, times in sorted(served.items()):
        if times > 1:
            violations.append(f"node {node} is served {times} times")
    unserved = {n for n in range(len(problem.nodes)) if n not in served}
    dropped = list(solution.dropped)
    if len(set(dropped)) != len(dropped):
        violations.append("a node is listed twice as dropped")
    if set(dropped) != unserved:
        wrongly = sorted(set(dropped) - unserved)
        missing = sorted(unserved - set(dropped))
        if wrongly:
            violations.append(f"nodes {wrongly} are listed as dropped but are served")
        if missing:
            violations.append(f"nodes {missing} are neither served nor listed as dropped")
    return violations


def _capacity_violations(problem: Problem, starts: dict[int, int]) -> list[str]:
    """Each `Capacity` rule whose served visits bring more visitors at one moment than its
    limit. Counted per minute boundary where a visit begins: the visitors there are those of
    the visits that have begun and not yet ended, and those beginning there."""
    violations: list[str] = []
    for rule in problem.capacity:
        sizes = dict(zip(rule.nodes, rule.sizes, strict=True))
        spans = sorted(
            (starts[n], starts[n] + problem.nodes[n].duration, n) for n in sizes if n in starts
        )
        worst: tuple[int, int, list[int]] | None = None
        for moment in sorted({begin for begin, _, _ in spans}):
            present = [n for begin, end, n in spans if begin == moment or begin <= moment < end]
            total = sum(sizes[n] for n in present)
            if total > rule.limit and (worst is None or total > worst[1]):
                worst = (moment, total, sorted(present))
        if worst is not None:
            moment, total, present = worst
            violations.append(
                f"nodes {present} are under way at {moment} with {total} visitors;"
                f" at most {rule.limit} fit"
            )
    return violations


def _route_violations(problem: Problem, route: Route) -> list[str]:
    track = problem.tracks[route.track]
    violations: list[str] = []
    if route.departure < track.earliest_start:
        violations.append(f"departs at {route.departure}, before {track.earliest_start}")
    if route.arrival > track.latest_end:
        violations.append(f"arrives at {route.arrival}, after {track.latest_end}")

    # The route as alternating free gaps: leave `place` free from `free_from`, due at the next
    # place by `due_by`; the first gap starts at the departure, the last ends at the arrival.
    place, free_from = track.start_place, route.departure
    gaps: list[tuple[int, int, int]] = []  # (free from, due by, travel minutes)
    for stop in route.stops:
        if not 0 <= stop.node < len(problem.nodes):
            violations.append(f"unknown node {stop.node}")
            return violations
        node = problem.nodes[stop.node]
        if node.tracks is not None and route.track not in node.tracks:
            violations.append(f"node {stop.node} may not be served on this track")
        if not any(a <= stop.start <= b for a, b in node.windows):
            violations.append(f"node {stop.node} starts at {stop.start}, outside {node.windows}")
        if stop.start % node.grid:
            violations.append(
                f"node {stop.node} starts at {stop.start}, off its grid of {node.grid} minutes"
            )
        travel = problem.travel[place][node.place]
        if stop.start < free_from + travel:
            violations.append(
                f"node {stop.node} starts at {stop.start}, but the group is free at {free_from}"
                f" and needs {travel} minutes to get there"
            )
        gaps.append((free_from, stop.start, travel))
        place, free_from = node.place, stop.start + node.duration
    travel = problem.travel[place][track.end_place]
    if route.arrival < free_from + travel:
        violations.append(
            f"arrives at {route.arrival}, but the group is free at {free_from}"
            f" and needs {travel} minutes to get back"
        )
    gaps.append((free_from, route.arrival, travel))
    # Idle time at the start place before leaving, and at the end place after coming back.
    gaps.append((track.earliest_start, route.departure, 0))
    gaps.append((route.arrival, track.latest_end, 0))

    for brk in track.breaks:
        if not any(_break_fits(brk, gap) for gap in gaps):
            violations.append(
                f"no room for a {brk.duration}-minute break within "
                f"[{brk.earliest_start}, {brk.latest_end}] clear of visits and travel"
            )
    return violations


def _break_fits(brk: Break, gap: tuple[int, int, int]) -> bool:
    """Whether the break fits in a gap with `travel` minutes to cover in it.

    Travel may be split around the break, so the break fits when it lies inside both its own
    window and the gap, starting on its grid, and the rest of the gap still holds the whole
    travel time.
    """
    free_from, due_by, travel = gap
    lo = max(free_from, brk.earliest_start)
    lo += -lo % brk.grid  # the first start on the grid
    hi = min(due_by, brk.latest_end)
    return hi - lo >= brk.duration and due_by - free_from - travel >= brk.duration
