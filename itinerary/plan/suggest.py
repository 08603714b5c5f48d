"""What to ask a host that is not in the plan: the starts at which its visit would fit if the
host agreed, best first, each with what it would cost the plan.

The search (`candidates`, in the Problem's terms: minutes and indices) tries the host pinned at
each mark of the time grid (`Node.grid`, the trip's `round_minutes`) of each day it may be asked
for, from the earliest the group can be there to the latest it can still get back, not only
inside its opening windows: a host agreeing to another time is what is asked. For each start it
asks `explain.Room` (the one home of "the plan with this host in, and these visits out") for
the plan with the host pinned there, in each position of that day's route, with no visit taken
out, then one, then two (and whatever comes after them by an `after` rule, and a host the
pinned one shares a choice with); each trial is timed by `rules.earliest_starts`, held to
`rules.cross_track_violations` and ranked by `rules.Rank`. The best trial of a start is the one
that changes the rank least, then moves or drops the fewest visits, then adds the least travel;
its routes keep every visit at its planned time where the rules allow (`_keeping_times`), and
pass `model.verify` (an internal error otherwise). Adjacent starts of a day with the same cost
become one slot ("Thursday 14:00–15:30").

Days on which the host is closed, by its `closed` dates or a public holiday, are not searched
(`suggest`): a closure is a fact, not a preference; its opening windows are a preference, and
each slot says whether it lies inside them.

`solution_of` reads a saved plan back into the Problem's terms, checked by `model.verify`, so
that suggestions can be made against a plan as it was sent.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..errors import InputError, InternalError, Issue
from ..input.closures import Closure, closure_on, opening_windows
from ..input.groups import group_info
from ..input.load import Loaded
from ..input.spec import Host
from ..model.compile import GROUP_ALL, Compiled, compile_spec
from ..model.problem import Node, Problem, Route, Solution, Stop, up_to_grid
from ..model.rules import Rank, cross_track_violations, earliest_starts
from ..model.schedule import timed_route
from ..model.verify import verify_solution
from . import EventItem, Plan, Unscheduled, VisitItem
from .explain import Room, Way

# Visits taken out of the host's day to make room, at most.
MAX_TAKEN_OUT = 2


@dataclass(frozen=True)
class Change:
    """A visit of the plan that a candidate moves (`new_track`, `new_start`) or drops (both
    None), at `track`, `start` in the plan."""

    node: int
    track: int
    start: int
    new_track: int | None = None
    new_start: int | None = None


@dataclass(frozen=True)
class Candidate:
    """The host pinned at `start` on `track`, and the plan that makes room for it. `within`:
    the start is inside one of the host's own windows. The changes to the plan's rank
    (`rules.Rank`): required nodes left out (`required`, negative: fewer), score left out
    (`lost`, negative: more score), travel minutes (`travel`)."""

    track: int
    start: int
    within: bool
    required: int
    lost: int
    travel: int
    moved: tuple[Change, ...]
    dropped: tuple[Change, ...]
    solution: Solution = field(compare=False, repr=False)

    def key(self) -> tuple[int, int, int, int]:
        """Best first: required nodes lost, score lost, visits moved or dropped, travel."""
        return (self.required, self.lost, len(self.moved) + len(self.dropped), self.travel)

    def same_cost(self, other: Candidate) -> bool:
        """The same rank change, and the same visits moved and dropped (at whatever times)."""
        return (
            self.key() == other.key()
            and self.within == other.within
            and {c.node for c in self.moved} == {c.node for c in other.moved}
            and {c.node for c in self.dropped} == {c.node for c in other.dropped}
        )


@dataclass(frozen=True)
class Slot:
    """Adjacent starts of one day (`first` to `last`, on the grid) with the same cost; `best`
    is the candidate at `first`, whose changes the slot shows."""

    first: int
    last: int
    best: Candidate

    @property
    def track(self) -> int:
        return self.best.track


def pinned(node: Node, track: int, start: int) -> Node:
    """The node served at `start` on `track` only, whatever its windows say."""
    return replace(node, windows=((start, start),), tracks=(track,))


def _held(node: Node, start: int) -> Node:
    """A visit of the plan held at its planned start (on its own tracks): grid 1, as that start
    was on the node's grid already (the plan passed `verify`)."""
    return replace(node, windows=((start, start),), grid=1)


def candidates(
    compiled: Compiled, solution: Solution, n: int, tracks: Sequence[int]
) -> list[Candidate]:
    """Every start of node n on `tracks` (on its grid, within each track's bounds) at which
    the plan `solution` can take it, each with its cheapest way in (see the module). n must not
    be served by `solution`."""
    problem = compiled.problem
    if n in solution.served():
        raise ValueError(f"node {n} is already served")
    room = Room(compiled, solution, [])
    partners = _choice_partners(problem, solution, n)
    elsewhere: dict[tuple[int, int], tuple[int, list[int]] | None] = {}
    found: list[Candidate] = []
    for t in tracks:
        found += _on_track(problem, solution, room, n, t, partners, elsewhere)
    return found


def _choice_partners(problem: Problem, solution: Solution, n: int) -> tuple[int, ...]:
    """The served nodes that share a choice (`one_of`) with n: they go out when n comes in."""
    served = solution.served()
    return tuple(
        sorted(
            {m for choice in problem.one_of if n in choice.nodes for m in choice.nodes}
            & served - {n}
        )
    )


def _on_track(
    problem: Problem,
    solution: Solution,
    room: Room,
    n: int,
    t: int,
    partners: tuple[int, ...],
    elsewhere: dict[tuple[int, int], tuple[int, list[int]] | None],
) -> list[Candidate]:
    """The candidates of node n on track t; `elsewhere` caches `_cheapest_insertion` into
    the plan's own routes."""
    node, track = problem.nodes[n], problem.tracks[t]
    rank = Rank.of(problem, solution)
    seq = room.sequence(t)
    trials = _trials(problem, room, n, seq, partners)
    first = up_to_grid(
        track.earliest_start + problem.travel[track.start_place][node.place], node.grid
    )
    last = track.latest_end - node.duration - problem.travel[node.place][track.end_place]
    found = []
    for start in range(first, last + 1, node.grid):
        held = pinned(node, t, start)
        within = any(a <= start <= b for a, b in node.windows)
        tried_problem = problem.with_nodes({n: held})
        ways: list[Way] = []
        cutoff: tuple[int, int] | None = None
        for estimate, p, removed, i, j in trials:
            if cutoff is not None and estimate > cutoff:
                break
            if not room.may_fit(n, t, i, j, held):
                continue
            way = room.trial(n, t, p, removed, tried_problem)
            if way is not None:
                ways.append(way)
                cutoff = estimate
        best = min(
            (
                _candidate(tried_problem, solution, rank, n, start, way, elsewhere, within)
                for way in ways
            ),
            key=Candidate.key,
            default=None,
        )
        if best is not None:
            found.append(best)
    return found


def _trials(
    problem: Problem,
    room: Room,
    n: int,
    seq: tuple[int, ...],
    partners: tuple[int, ...],
) -> list[tuple[tuple[int, int], int, tuple[int, ...], int | None, int | None]]:
    """The ways to try on a day, whatever the start: (the rank change they will have, as
    estimated, in required nodes and score; the position of n in the route; what goes out;
    the bound's i and j for `Room.may_fit`), in order of the estimate."""
    nodes = problem.nodes
    takeable = [k for k, m in enumerate(seq) if not nodes[m].fixed]
    trials = []
    for size in range(MAX_TAKEN_OUT + 1):
        for out in itertools.combinations(takeable, size):
            removed = tuple(dict.fromkeys(room.with_laters([seq[k] for k in out]) + partners))
            estimate = room.estimate(n, removed)
            gone = {k for k, m in enumerate(seq) if m in removed}
            seen: set[int] = set()
            for p in range(len(seq) + 1):
                before = sum(1 for k in range(p) if k not in gone)
                if before in seen:
                    continue  # the same route as an earlier position
                seen.add(before)
                i = p if all(k >= p for k in gone) else None
                after = sorted(k for k in gone if k >= p)
                j: int | None
                if after == list(range(p, p + len(after))):
                    j = p + len(after)  # the route's visits from j on follow n
                else:
                    j = None
                trials.append((estimate, p, removed, i, j))
    trials.sort(key=lambda trial: trial[0])
    return trials


def _candidate(
    problem: Problem,
    base: Solution,
    rank: Rank,
    n: int,
    start: int,
    way: Way,
    elsewhere: dict[tuple[int, int], tuple[int, list[int]] | None],
    within: bool,
) -> Candidate:
    """The candidate of `way` (n pinned at `start` in `problem`; `within` its own windows,
    which `problem` no longer has): the visits it takes out
    moved to another day where they fit (`_moved_elsewhere`), every visit kept at its time
    where it can be (`_keeping_times`), verified, and its change to `rank` (the base's)."""
    tried = _moved_elsewhere(problem, base, way, elsewhere)
    solution = _keeping_times(problem, base, tried, n)
    violations = verify_solution(problem, solution)
    if violations:
        raise InternalError(f"a suggested plan breaks a rule: {violations[0]}")
    before = {s.node: (r.track, s.start) for r in base.routes for s in r.stops}
    after = {s.node: (r.track, s.start) for r in solution.routes for s in r.stops}
    moved = tuple(
        Change(m, *before[m], *after[m])
        for m in sorted(before)
        if m in after and after[m] != before[m]
    )
    dropped = tuple(Change(m, *before[m]) for m in sorted(before) if m not in after)
    changed = Rank.of(problem, solution)
    return Candidate(
        track=way.track,
        start=start,
        within=within,
        required=changed.missing_required - rank.missing_required,
        lost=changed.lost_score - rank.lost_score,
        travel=changed.travel - rank.travel,
        moved=moved,
        dropped=dropped,
        solution=solution,
    )


def _moved_elsewhere(
    problem: Problem,
    base: Solution,
    way: Way,
    cache: dict[tuple[int, int], tuple[int, list[int]] | None],
) -> Solution:
    """`way`'s plan with each visit it takes out put on another day of the plan where it
    fits (`_cheapest_insertion`: the least travel added), most valuable first; as it was if
    none fits or the rules between tracks object. `cache`: insertions into the base's own
    routes, which do not depend on the start tried."""
    base_routes = {r.track: r for r in base.routes}
    routes = {r.track: r for r in way.solution.routes}
    nodes = problem.nodes
    out = sorted(way.removed, key=lambda m: (not nodes[m].required, -nodes[m].score, m))
    moved = False
    for m in out:
        best: tuple[int, int, list[int]] | None = None
        for t in problem.allowed_tracks(m):
            if t == way.track:
                continue
            route = routes.get(t)
            seq = [s.node for s in route.stops] if route is not None else []
            unchanged = route is not None and route is base_routes.get(t)
            if unchanged and (m, t) in cache:
                found = cache[(m, t)]
            else:
                found = _cheapest_insertion(problem, t, seq, m)
                if unchanged:
                    cache[(m, t)] = found
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], t, found[1])
        if best is not None:
            _, t, seq = best
            starts = earliest_starts(problem, t, seq)
            assert starts is not None
            routes[t] = Route(t, 0, 0, tuple(Stop(a, b) for a, b in zip(seq, starts, strict=True)))
            moved = True
    if not moved:
        return way.solution
    tried = Solution(tuple(routes[t] for t in sorted(routes)), ())
    return way.solution if cross_track_violations(problem, tried) else tried


def _cheapest_insertion(
    problem: Problem, t: int, seq: list[int], m: int
) -> tuple[int, list[int]] | None:
    """Node m put into track t's sequence where it adds the least travel, by the rules
    (`rules.earliest_starts`): (the travel added, the new sequence), or None."""
    track, node = problem.tracks[t], problem.nodes[m]
    places = [track.start_place] + [problem.nodes[k].place for k in seq] + [track.end_place]
    best: tuple[int, list[int]] | None = None
    for p in range(len(seq) + 1):
        a, b = places[p], places[p + 1]
        added = problem.travel[a][node.place] + problem.travel[node.place][b] - problem.travel[a][b]
        if best is not None and added >= best[0]:
            continue
        tried = seq[:p] + [m] + seq[p:]
        if earliest_starts(problem, t, tried, with_breaks=False) is None:
            continue
        if earliest_starts(problem, t, tried) is not None:
            best = (added, tried)
    return best


def _keeping_times(problem: Problem, base: Solution, tried: Solution, n: int) -> Solution:
    """`tried` (each changed route timed by earliest starts) with every visit of a changed
    route held at its time in `base` where the route can still be done so, in the route's
    order, the rest at their earliest starts; each route timed as plans are
    (`schedule.timed_route`), `dropped` listing every node not served. If holding times
    broke a rule between tracks, the earliest starts are kept."""
    before = {s.node: (r.track, s.start) for r in base.routes for s in r.stops}
    unchanged = {id(r) for r in base.routes}
    routes: list[Route] = []
    plain: list[Route] = []
    for route in tried.routes:
        if id(route) in unchanged:
            routes.append(route)
            plain.append(route)
            continue
        t, seq = route.track, [s.node for s in route.stops]
        held: dict[int, Node] = {}
        for m in seq:
            old = before.get(m)
            if m == n or old is None or old[0] != t:
                continue
            trial = {**held, m: _held(problem.nodes[m], old[1])}
            if earliest_starts(problem.with_nodes(trial), t, seq) is not None:
                held = trial
        timed = timed_route(problem.with_nodes(held), t, seq)
        first = timed_route(problem, t, seq)
        if timed is None or first is None:
            raise InternalError(f"a feasible route {seq} on track {t} could not be timed")
        routes.append(timed)
        plain.append(first)
    result = _solution(problem, routes)
    if cross_track_violations(problem, result):
        result = _solution(problem, plain)
    return result


def _solution(problem: Problem, routes: list[Route]) -> Solution:
    served = {s.node for r in routes for s in r.stops}
    dropped = tuple(m for m in range(len(problem.nodes)) if m not in served)
    return Solution(tuple(sorted(routes, key=lambda r: r.track)), dropped)


def slots(found: Sequence[Candidate], grid: int) -> list[Slot]:
    """Adjacent starts (`grid` minutes apart) of one day with the same cost as one slot, best
    first: by the candidates' key, a slot inside the host's hours before one outside, then
    the longer (more starts to offer), then by time."""
    grouped: list[Slot] = []
    for cand in sorted(found, key=lambda c: (c.track, c.start)):
        if grouped:
            slot = grouped[-1]
            if (
                slot.track == cand.track
                and cand.start - slot.last == grid
                and slot.best.same_cost(cand)
            ):
                grouped[-1] = Slot(slot.first, cand.start, slot.best)
                continue
        grouped.append(Slot(cand.start, cand.start, cand))
    return sorted(
        grouped,
        key=lambda s: (s.best.key(), not s.best.within, s.first - s.last, s.track, s.first),
    )


# --- in the trip's terms -----------------------------------------------------------------


@dataclass(frozen=True)
class Timed:
    """A visit or event of the plan, or of a suggestion, with its local times."""

    id: str
    name: str
    kind: str  # "host" or "event"
    start: dt.datetime
    end: dt.datetime
    priority: int | str | None = None  # a host's: "must" or 1..100


@dataclass(frozen=True)
class Move:
    old: Timed
    new: Timed


@dataclass(frozen=True)
class SuggestedSlot:
    """Starts from `start` to `latest_start` on `date`: the host would be asked to be open from
    `start` to `end` (the latest start plus the visit's duration). `hours`: its stated opening
    windows that day (local minutes of the day; none: closed that weekday). The changes to
    the plan: `score_change` (positive: more score), `required_change` (must-visits and
    events left out, negative: fewer), `travel_change` (minutes); `moves` and `drops` as of the
    slot's first start."""

    date: dt.date
    start: dt.datetime
    latest_start: dt.datetime
    end: dt.datetime
    within_hours: bool
    hours: tuple[tuple[int, int], ...]
    required_change: int
    score_change: int
    travel_change: int
    moves: tuple[Move, ...]
    drops: tuple[Timed, ...]


@dataclass(frozen=True)
class Suggestion:
    """What `itinerary suggest` reports for one host: where it is if the plan has it
    (`planned`, then no slots), else why not (`unscheduled`, from the plan) and the slots, best
    first; `closed`: the trip's days not searched, the host being closed."""

    host_id: str
    host_name: str
    duration: int
    planned: Timed | None
    unscheduled: Unscheduled | None
    closed: tuple[Closure, ...]
    slots: tuple[SuggestedSlot, ...]


def find_host(loaded: Loaded, host_id: str) -> Host:
    """The host of that id; else an input error located at the file's `hosts:` line, with the
    closest ids (an event's id is named as an event)."""
    spec = loaded.spec
    for host in spec.hosts:
        if host.id == host_id:
            return host
    if any(e.id == host_id for e in spec.events):
        message = f"{host_id!r} is an event, not a host; suggest works for hosts"
    else:
        close = difflib.get_close_matches(host_id, [h.id for h in spec.hosts], n=3)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        message = f"no host {host_id!r} in this trip{hint}"
    raise InputError(Issue(loaded.source, _hosts_line(loaded), message))


def _hosts_line(loaded: Loaded) -> int:
    """The line of the top-level `hosts:` key of the visit file, else 1."""
    for path in loaded.files[:1]:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            break
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(r"hosts\s*:", line):
                return number
    return 1


def solution_of(compiled: Compiled, plan: Plan) -> Solution:
    """A saved plan in the Problem's terms: its days as tracks, its visits and events as
    nodes at their start minutes, each day timed as plans are around those starts. ValueError,
    in words, when the plan does not fit the trip (another trip's plan, an edited file or
    plan): a day or id the trip lacks, or a rule the plan's times break (`model.verify`)."""
    problem = compiled.problem
    track_of = {(ref.date, ref.group): t for t, ref in enumerate(compiled.tracks)}
    node_of = {(ref.kind, ref.id, ref.group): i for i, ref in enumerate(compiled.nodes)}
    epoch = compiled.clock.local(0).astimezone(dt.UTC)  # aware times of one zone subtract
    # as wall-clock times; in UTC they count real minutes, as the Problem does
    routes = []
    for day in plan.tracks:
        t = track_of.get((day.date, day.group))
        if t is None:
            raise ValueError(f"the plan has a day {day.date} that the trip does not have")
        stops: list[tuple[int, int]] = []
        for item in day.items:
            if isinstance(item, VisitItem | EventItem):
                kind: Literal["host", "event"] = "host" if isinstance(item, VisitItem) else "event"
                m = node_of.get((kind, item.id, day.group))
                if m is None:
                    raise ValueError(f"the plan has {kind} {item.id!r}, which the trip does not")
                stops.append(
                    (m, int((item.start.astimezone(dt.UTC) - epoch).total_seconds() // 60))
                )
        seq = [m for m, _ in stops]
        held = {m: _held(problem.nodes[m], s) for m, s in stops}
        try:
            route = timed_route(problem.with_nodes(held), t, seq)
        except (InternalError, ValueError):
            route = None
        if route is None:
            raise ValueError(
                f"the plan's {day.date} cannot be done as the trip is now (check it against "
                "the visit file)"
            )
        routes.append(route)
    solution = _solution(problem, routes)
    violations = verify_solution(problem, solution)
    if violations:
        raise ValueError(f"the plan breaks a rule of the trip as it is now: {violations[0]}")
    return solution


def suggest(
    loaded: Loaded, plan: Plan, host_id: str, compiled: Compiled | None = None
) -> Suggestion:
    """Where the host `host_id` could be visited if it agreed, against `plan` (see the module);
    `find_host`'s error for an unknown id, ValueError when the plan does not fit the trip."""
    host = find_host(loaded, host_id)
    if host.declined:
        # The question is where it would fit if it agreed: its windows, grid and priority as
        # if it had not declined (compile leaves a declined host no window and no score).
        agreed = [
            h.model_copy(update={"declined": False}) if h is host else h for h in loaded.spec.hosts
        ]
        loaded = replace(loaded, spec=loaded.spec.model_copy(update={"hosts": agreed}))
        host = find_host(loaded, host_id)
        compiled = None
    spec = loaded.spec
    compiled = compile_spec(loaded) if compiled is None else compiled
    problem, clock = compiled.problem, compiled.clock
    solution = solution_of(compiled, plan)
    where = {s.node: s.start for r in solution.routes for s in r.stops}
    n = _node_to_search(compiled, host.id, where)
    if n is None:
        raise ValueError(f"host {host.id!r} is not among what the trip plans")
    group = compiled.nodes[n].group
    hosts = {h.id: h for h in spec.hosts}
    events = {e.id: e.name for e in spec.events}

    def timed(m: int, start: int) -> Timed:
        ref = compiled.nodes[m]
        end = start + problem.nodes[m].duration
        if ref.kind == "event":
            return Timed(ref.id, events[ref.id], "event", clock.local(start), clock.local(end))
        other = hosts[ref.id]
        priority = "must" if other.must else int(other.priority)
        return Timed(ref.id, other.name, "host", clock.local(start), clock.local(end), priority)

    unscheduled = next(
        (
            u
            for u in plan.unscheduled
            if u.kind == "host" and u.id == host.id and u.group in (None, group)
        ),
        None,
    )
    name = host.name
    if spec.groups:  # the search is for one group: the first that goes without the host
        name = f"{host.name} ({group_info(spec, group).name})"
    if n in where:
        planned = timed(n, where[n])
        return Suggestion(host.id, name, host.duration, planned, None, (), ())
    searched, closed = [], []
    for t, ref in enumerate(compiled.tracks):
        if ref.group != group:
            continue  # another group's day
        closure = closure_on(spec, host, ref.date)
        if closure is None:
            searched.append(t)
        else:
            closed.append(closure)
    found = candidates(compiled, solution, n, searched)
    shown = []
    for slot in slots(found, problem.nodes[n].grid):
        best, date = slot.best, compiled.tracks[slot.track].date
        shown.append(
            SuggestedSlot(
                date=date,
                start=clock.local(slot.first),
                latest_start=clock.local(slot.last),
                end=clock.local(slot.last + host.duration),
                within_hours=best.within,
                hours=tuple(opening_windows(spec, host, date)),
                required_change=best.required,
                score_change=-best.lost,
                travel_change=best.travel,
                moves=tuple(
                    Move(timed(c.node, c.start), timed(c.node, c.new_start))
                    for c in best.moved
                    if c.new_start is not None
                ),
                drops=tuple(timed(c.node, c.start) for c in best.dropped),
            )
        )
    return Suggestion(host.id, name, host.duration, None, unscheduled, tuple(closed), tuple(shown))


def _node_to_search(compiled: Compiled, host_id: str, where: dict[int, int]) -> int | None:
    """The host's node to suggest slots for: with groups, the first group (in file order) that
    goes without it; when every group visits it, the first node (the plan has it)."""
    nodes = [i for i, r in enumerate(compiled.nodes) if r.kind == "host" and r.id == host_id]
    if not nodes:
        return None
    whole = [i for i in nodes if compiled.nodes[i].group == GROUP_ALL]
    if len(nodes) > 1 and not any(i in where for i in whole):
        for i in nodes:
            if i not in where and i not in whole:
                return i
    served = [i for i in nodes if i in where]
    return (served or whole or nodes)[0]
