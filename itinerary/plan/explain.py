"""Why each unscheduled host or event is unscheduled, in words an organiser can act on.

Pure checks, from the most basic cause to the least: declined (the host said no), closed, window
too short, outside the day's hours, too far, no room for lunch, clashing with an event, no day
with room for both lunch and the day's events; then, given the plan, the rules between hosts
(another host of its choice is in the plan; a host or event it comes after is not, or ends too
late for it); last, what the plan's days leave for it (`Room`): each day's route is tried with
the host in the place of none, one or several consecutive visits, by the rules (`model.rules`),
and the cheapest way in says what it would cost: the visits it would displace, whether they
outrank it, what the score and the travel would become. Nothing is solved again, and nothing is
claimed that those trials did not show.

A cause is a code with its values (`plan.Cause`): ids and ISO dates for programs to read, names
for people; `reasons.py` words it. A new cause is a new code here and its words there.

With sub-groups (`groups`) a host or event has a node per group: each is explained on that
group's tracks, its cause carrying the group's name (`group`). Two causes are the groups' own:
a group larger than the host's capacity has a node without a window (`capacity_cause`), and a
host that another group's visit fills at every time this group could come (`capacity_shared`:
the way in that the plan's days leave, tried without the capacity rule, breaks it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..input.closures import closures_in_trip
from ..input.groups import ALL, fits, group_info, is_split
from ..input.load import Loaded
from ..input.spec import Host, VisitSpec, format_time_of_day
from ..model.compile import Compiled, event_nodes_on, host_windows_on
from ..model.problem import Node, Problem, Route, Solution, Stop, up_to_grid
from ..model.rules import Rank, cross_track_violations, earliest_starts
from ..model.timeline import format_duration
from . import Cause


def explain(compiled: Compiled, loaded: Loaded, node_index: int, solution: Solution) -> Cause:
    """The cause as a code with its values; `plan.reasons` words it in en, de or fr. The
    `solution` is the plan the node is left out of: the rules between hosts and the room its
    days leave can be the cause too."""
    return explain_all(compiled, loaded, [node_index], solution)[0]


def explain_all(
    compiled: Compiled,
    loaded: Loaded,
    node_indices: Sequence[int],
    solution: Solution,
) -> list[Cause]:
    """`explain` for each node, with the lookups every reason needs made once: a plan of 1,000
    hosts leaves hundreds out, and finding each host and each day's events anew took seconds."""
    hosts = {h.id: h for h in loaded.spec.hosts}
    problem = compiled.problem
    events_on = [
        event_nodes_on(problem.nodes, compiled.nodes, t) for t in range(len(problem.tracks))
    ]
    by_id = {("host", h.id): h.name for h in loaded.spec.hosts}
    by_id.update({("event", e.id): e.name for e in loaded.spec.events})
    names = [by_id[(ref.kind, ref.id)] for ref in compiled.nodes]
    related = _Related.of(compiled, solution, names)
    room = Room(compiled, solution, names)
    causes = []
    for n in node_indices:
        ref = compiled.nodes[n]
        if ref.kind == "event":
            cause = _explain_event(compiled, n, events_on, names)
        else:
            cause = _explain_host(
                compiled, loaded, hosts[ref.id], n, events_on, names, related, room
            )
        causes.append(_of_group(cause, loaded.spec, _group_of(compiled, n)))
    return causes


def capacity_cause(spec: VisitSpec, host: Host, group: str) -> Cause:
    """Why `group` (a group id, or "all" for the whole delegation) never visits `host`: it is
    larger than the host's capacity, so its node has no window (`groups.fits`). Nothing asks
    the plan's days then."""
    info = group_info(spec, group)
    assert host.capacity is not None and info.size > host.capacity
    return Cause(code="over_capacity", args={"capacity": host.capacity, "size": info.size})


def _group_of(compiled: Compiled, n: int) -> str:
    """The group whose node `n` is ("all": the whole delegation)."""
    return compiled.nodes[n].group


def _of_group(cause: Cause, spec: VisitSpec, group: str) -> Cause:
    """The cause with the name of the group it is about, when the delegation has groups and
    the node is one group's (not the whole delegation's on a together date)."""
    if not is_split(spec) or group == ALL:
        return cause
    named = {"group": group, "group_name": group_info(spec, group).name}
    return cause.model_copy(update={"args": {**cause.args, **named}})


class _Related:
    """What the rules between hosts need to know of a solution: each served node's start and
    end, each node's choices and the nodes it comes after, and the names to give."""

    def __init__(
        self,
        problem: Problem,
        served: dict[int, tuple[int, int]],
        names: list[str],
    ) -> None:
        self.served = served
        self.names = names
        self.choices: dict[int, list[tuple[int, ...]]] = {}
        for choice in problem.one_of:
            for n in choice.nodes:
                self.choices.setdefault(n, []).append(choice.nodes)
        self.needs: dict[int, list[int]] = {}
        for rule in problem.after:
            self.needs.setdefault(rule.later, []).append(rule.earlier)

    @staticmethod
    def of(compiled: Compiled, solution: Solution, names: list[str]) -> _Related:
        problem = compiled.problem
        served = {
            s.node: (s.start, s.start + problem.nodes[s.node].duration)
            for r in solution.routes
            for s in r.stops
        }
        return _Related(problem, served, names)

    def cause(self, problem: Problem, n: int) -> Cause | None:
        """Another host of one of its choices is in the plan; a host or event it comes after
        is not, or ends after its last possible start. None when no such rule is the cause."""
        for nodes in self.choices.get(n, ()):
            other = next((m for m in nodes if m != n and m in self.served), None)
            if other is not None:
                return Cause(code="other_choice", args={"name": self.names[other]})
        needs = self.needs.get(n, [])
        missing = next((m for m in needs if m not in self.served), None)
        if missing is not None:
            return Cause(code="after_missing", args={"name": self.names[missing]})
        if needs:
            last = max(needs, key=lambda m: self.served[m][1])
            if problem.nodes[n].first_start(self.served[last][1]) is None:
                return Cause(code="after_too_late", args={"name": self.names[last]})
        return None


def _explain_event(
    compiled: Compiled, n: int, events_on: list[list[int]], names: list[str]
) -> Cause:
    """Unreachable on its day; else the events of that day it cannot be attended with, in
    either order; else crowded out by the day's must-visits and events together."""
    problem = compiled.problem
    for t in problem.allowed_tracks(n):
        if earliest_starts(problem, t, [n], with_breaks=False) is None:
            continue
        clashing = [
            e
            for e in events_on[t]
            if e != n
            and earliest_starts(problem, t, [n, e], with_breaks=False) is None
            and earliest_starts(problem, t, [e, n], with_breaks=False) is None
        ]
        if clashing:
            date = compiled.tracks[t].date.isoformat()
            events = [[compiled.nodes[e].id, date] for e in clashing]
            named = [[names[e], date] for e in clashing]
            return Cause(code="event_conflict", args={"events": events, "names": named})
        return Cause(code="event_crowded")
    return Cause(code="event_unreachable")


def _explain_host(
    compiled: Compiled,
    loaded: Loaded,
    host: Host,
    n: int,
    events_on: list[list[int]],
    names: list[str],
    related: _Related,
    room: Room,
) -> Cause:
    if host.declined:
        return Cause(code="declined")
    group = compiled.nodes[n].group
    if not fits(loaded.spec, host, group):
        return capacity_cause(loaded.spec, host, group)
    problem = compiled.problem
    node = problem.nodes[n]
    # The dates of this node's group (with groups: the dates it tours on its own, or the
    # together dates for the whole delegation's node; without: every date).
    dates = list(dict.fromkeys(ref.date for ref in compiled.tracks if ref.group == group))
    raw = [(d, w) for d in dates for w in host_windows_on(loaded.spec, host, d)]
    others = [ref.date for ref in compiled.tracks if ref.date not in dates]
    if not raw and any(host_windows_on(loaded.spec, host, d) for d in others):
        # Open on the trip, but only on the dates the groups do the other thing.
        return Cause(code="closed_when_together" if group != ALL else "closed_when_split")
    if not raw:
        shut = closures_in_trip(loaded.spec, host)
        if shut:  # open by its hours, but on public holidays or its closed dates only
            days = [
                [c.date.isoformat(), *(c.holiday[lang] for lang in ("en", "de", "fr"))]
                if c.holiday
                else [c.date.isoformat()]
                for c in shut
            ]
            return Cause(code="closed_on", args={"days": days})
        return Cause(code="closed")
    longest = max(raw, key=lambda dw: dw[1][1] - dw[1][0])[1]
    if longest[1] - longest[0] < host.duration:
        window = f"{format_time_of_day(longest[0])}–{format_time_of_day(longest[1])}"
        return Cause(code="window_too_short", args={"window": window, "minutes": host.duration})
    grid = loaded.spec.trip.round_minutes
    if not any(up_to_grid(a, grid) + host.duration <= b for _, (a, b) in raw):
        # Long enough, but no mark of the time grid leaves room (open 09:02-10:03 for an hour).
        window = f"{format_time_of_day(longest[0])}–{format_time_of_day(longest[1])}"
        return Cause(
            code="window_off_grid",
            args={"window": window, "minutes": host.duration, "grid": grid},
        )
    if not node.windows:
        return Cause(code="outside_day", args={"minutes": host.duration})
    tracks = node.tracks if node.tracks is not None else tuple(range(len(problem.tracks)))
    alone = [t for t in tracks if earliest_starts(problem, t, [n], with_breaks=False) is not None]
    if not alone:
        return _too_far(compiled, n, tracks)
    if not any(earliest_starts(problem, t, [n]) is not None for t in alone):
        return Cause(code="no_lunch_room")
    with_events = [t for t in alone if _fits_between_events(problem, t, n, events_on[t])]
    if not with_events:
        # `events` ([id, date]) for programs, as plans have always had it; `names` ([name,
        # date]) for people. Both keep pairs, which is what readers of older versions expect.
        clashes: list[list[str]] = []
        named: list[list[str]] = []
        for t in alone:
            for e in events_on[t]:
                clash = [compiled.nodes[e].id, compiled.tracks[t].date.isoformat()]
                if clash not in clashes:
                    clashes.append(clash)
                    named.append([names[e], clash[1]])
        if clashes:
            return Cause(code="event_conflict", args={"events": clashes, "names": named})
        return Cause(code="around_events")
    # Each of lunch and the events leaves room on some day, but no day has room for both.
    with_all = [t for t in with_events if _fits_between_events(problem, t, n, events_on[t], True)]
    if not with_all:
        return Cause(code="lunch_and_events")
    if (cause := related.cause(problem, n)) is not None:
        return cause
    return _capacity_shared(compiled, loaded.spec, n, with_all, room) or room.cause(n, with_all)


def _capacity_shared(
    compiled: Compiled, spec: VisitSpec, n: int, tracks: Sequence[int], room: Room
) -> Cause | None:
    """The host is full with another group whenever this group could come: a way in that the
    plan's days leave without the capacity rule (a better one than with it) breaks it. The
    groups there then, the visitors together and the capacity; None when capacity is not what
    keeps the node out."""
    problem = compiled.problem
    rules = [c for c in problem.capacity if n in c.nodes]
    if not rules:
        return None
    free = room.unlimited().cheapest(n, tracks)
    if free is None:
        return None
    limited = room.cheapest(n, tracks)
    if limited is not None and limited.change() <= free.change():
        return None
    starts = {s.node: s.start for r in free.solution.routes for s in r.stops}
    start = starts[n]
    end = start + problem.nodes[n].duration
    for rule in rules:
        sizes = dict(zip(rule.nodes, rule.sizes, strict=True))
        there = [
            m
            for m in rule.nodes
            if m != n
            and m in starts
            and starts[m] < end
            and start < starts[m] + problem.nodes[m].duration
        ]
        total = sizes[n] + sum(sizes[m] for m in there)
        if there and total > rule.limit:
            groups = [
                [g, group_info(spec, g).name] for g in (_group_of(compiled, m) for m in there)
            ]
            return Cause(
                code="capacity_shared",
                args={"groups": groups, "total": total, "capacity": rule.limit},
            )
    return None


def _too_far(compiled: Compiled, n: int, tracks: tuple[int, ...]) -> Cause:
    problem = compiled.problem
    node = problem.nodes[n]
    best = min(
        tracks,
        key=lambda t: (
            problem.travel[problem.tracks[t].start_place][node.place]
            + problem.travel[node.place][problem.tracks[t].end_place]
        ),
    )
    track = problem.tracks[best]
    there = problem.travel[track.start_place][node.place]
    back = problem.travel[node.place][track.end_place]
    start_name = compiled.places[track.start_place].name
    # `travel` as plans have always had it; `travel_minutes` to word it in each language.
    if there + node.duration + back > track.latest_end - track.earliest_start:
        return Cause(
            code="too_far_for_day",
            args={
                "place": start_name,
                "travel": format_duration(there + back),
                "travel_minutes": there + back,
            },
        )
    return Cause(
        code="too_far_for_window",
        args={"place": start_name, "travel": format_duration(there), "travel_minutes": there},
    )


def _fits_between_events(
    problem: Problem, t: int, n: int, events: list[int], with_breaks: bool = False
) -> bool:
    return any(
        earliest_starts(problem, t, events[:k] + [n] + events[k:], with_breaks=with_breaks)
        is not None
        for k in range(len(events) + 1)
    )


@dataclass(frozen=True)
class Way:
    """One way of putting a left-out host into the plan: on `track`, in the place of `removed`
    (a run of consecutive visits of that day, none for a free gap, plus the visits that come
    after them by an `after` rule, wherever they are), and the change it makes to the plan's
    `Rank`: required nodes left out, score lost, travel minutes (negative: better)."""

    track: int
    removed: tuple[int, ...]
    required: int
    lost: int
    travel: int
    # The plan tried: the routes with `removed` out and the host in, each changed route timed
    # by `rules.earliest_starts` (departure and arrival as the plan had them), `dropped` empty.
    solution: Solution = field(compare=False, repr=False)

    def change(self) -> tuple[int, int, int]:
        return (self.required, self.lost, self.travel)


class Room:
    """What the plan's days leave for one more host, found by trying it in each day's route
    in the place of none, one or several consecutive visits (never an event), or anywhere in
    the day with one visit out, or among the day's events alone, each trial timed
    by the rules (`rules.earliest_starts`) and the whole plan held to the rules between hosts
    (`rules.cross_track_violations`) and ranked by them (`rules.Rank`): trials of the plan as
    it is, not a new solve. A bound computed once per day (when the group is free after each
    visit, and how late each visit may start for the rest of the day to stay possible, both
    without lunch) turns most trials down before they are timed.

    `plan/suggest.py` asks the same trials of a host pinned to one start (`trial` and
    `may_fit` take the pinned node or the problem that has it)."""

    def __init__(
        self,
        compiled: Compiled,
        solution: Solution,
        names: list[str],
        problem: Problem | None = None,
    ) -> None:
        # `problem`: the compiled one with a rule relaxed (`_capacity_shared`), else its own
        problem = compiled.problem if problem is None else problem
        self.compiled = compiled
        self.problem = problem
        self.solution = solution
        self.names = names
        self.routes = {r.track: r for r in solution.routes}
        self.served = solution.served()
        self.rank = Rank.of(problem, solution)
        self.laters: dict[int, list[int]] = {}
        for rule in problem.after:
            if rule.later in self.served:
                self.laters.setdefault(rule.earlier, []).append(rule.later)
        self.must_choices: dict[int, list[int]] = {}  # node -> its `must` choices
        for c, choice in enumerate(problem.one_of):
            if choice.must:
                for m in choice.nodes:
                    self.must_choices.setdefault(m, []).append(c)
        self.chosen = {
            c: [m for m in choice.nodes if m in self.served]
            for c, choice in enumerate(problem.one_of)
        }
        self._bounds: dict[int, tuple[list[int], list[int], list[int]] | None] = {}
        self._unlimited: Room | None = None

    def unlimited(self) -> Room:
        """The same trials without the hosts' capacities (`Problem.capacity`), made once."""
        if self._unlimited is None:
            relaxed = dataclasses.replace(self.problem, capacity=())
            self._unlimited = Room(self.compiled, self.solution, self.names, relaxed)
        return self._unlimited

    def sequence(self, t: int) -> tuple[int, ...]:
        route = self.routes.get(t)
        return tuple(s.node for s in route.stops) if route is not None else ()

    def cause(self, n: int, tracks: Sequence[int]) -> Cause:
        """The cheapest way in, worded by what it would do to the plan; with none, that no day
        has room. `tracks`: the days the host fits on alone, around their events."""
        way = self.cheapest(n, tracks)
        node = self.problem.nodes[n]
        if way is None:
            return Cause(code="must_crowded" if node.required else "no_room")
        date = self.compiled.tracks[way.track].date.isoformat()
        args: dict[str, str | int | list[list[str]]] = {
            "date": date,
            "visits": [self._visit(m) for m in way.removed],
        }
        change = way.change()
        if not way.removed and change >= (0, 0, 0):
            # Only a host that adds no score (none in a visit file) can be left out of a gap.
            return Cause(code="adds_travel", args={**args, "travel_minutes": way.travel})
        if change < (0, 0, 0):
            # A better plan than the one shown: the search stopped before it found it.
            args.update(points=-way.lost, travel_minutes=way.travel)
            return Cause(code="better_swap" if way.removed else "room_left", args=args)
        if change == (0, 0, 0):
            return Cause(code="equal_swap", args=args)
        if not node.required:
            args["priority"] = node.score
        if all(self._outranks(m, n) for m in way.removed):
            return Cause(code="outranked", args=args)
        if way.required > 0:
            return Cause(code="leaves_must_out", args=args)
        if way.lost > 0:
            return Cause(code="lower_score", args={**args, "points": way.lost})
        return Cause(code="more_travel", args={**args, "travel_minutes": way.travel})

    def _visit(self, m: int) -> list[str]:
        """[id, name, priority ("must" or the number), ISO date] of a visit in the plan."""
        node = self.problem.nodes[m]
        t = next(r.track for r in self.solution.routes if any(s.node == m for s in r.stops))
        return [
            self.compiled.nodes[m].id,
            self.names[m],
            "must" if node.required else str(node.score),
            self.compiled.tracks[t].date.isoformat(),
        ]

    def _outranks(self, m: int, n: int) -> bool:
        a, b = self.problem.nodes[m], self.problem.nodes[n]
        return (a.required and not b.required) or (
            not a.required and not b.required and a.score > b.score
        )

    def cheapest(self, n: int, tracks: Sequence[int]) -> Way | None:
        """The way in that changes the plan's rank least, among the trials (see the class)."""
        # (required, lost) as estimated, the day, where n goes (before the p-th visit of the
        # day's route) and what goes out.
        trials: list[tuple[int, int, int, int, tuple[int, ...]]] = []
        for t in tracks:
            seq = self.sequence(t)
            is_event = [self.compiled.nodes[m].kind == "event" for m in seq]
            for i in range(len(seq) + 1):
                for j in range(i, len(seq) + 1):
                    if j > i and is_event[j - 1]:
                        break  # an event stays where it is
                    removed = self.with_laters(seq[i:j])
                    if len(removed) == j - i or set(removed).isdisjoint(seq[:i] + seq[j:]):
                        # The rest of the day's route is as it was: the bound applies.
                        if not self.may_fit(n, t, i, j):
                            continue
                    trials.append((*self.estimate(n, removed), t, i, removed))
            for r, m in enumerate(seq):
                if is_event[r]:
                    continue
                # One visit out and n elsewhere in the day: the others move up to make room.
                removed = self.with_laters([m])
                estimate = self.estimate(n, removed)
                for p in range(len(seq) + 1):
                    if p not in (r, r + 1):  # those are the run of m, above
                        trials.append((*estimate, t, p, removed))
            if any(is_event) and not all(is_event):
                # Every visit of the day out, around its events: what the runs between two
                # events cannot try, so that "no room" holds for the whole day.
                removed = self.with_laters([m for m, e in zip(seq, is_event, strict=True) if not e])
                estimate = self.estimate(n, removed)
                for p in [0] + [k + 1 for k, e in enumerate(is_event) if e]:
                    trials.append((*estimate, t, p, removed))
        trials.sort(key=lambda trial: trial[:2])
        best: Way | None = None
        for required, lost, t, p, removed in trials:
            if best is not None and (required, lost) > (best.required, best.lost):
                break
            way = self.trial(n, t, p, removed)
            if way is not None and (best is None or way.change() < best.change()):
                best = way
        return best

    def with_laters(self, run: Sequence[int]) -> tuple[int, ...]:
        """The run and every served visit that comes after one of them (`after`), which would
        have to go too."""
        if not self.laters:
            return tuple(run)
        removed = list(run)
        for m in removed:  # grows as it goes
            removed += [x for x in self.laters.get(m, ()) if x not in removed]
        return tuple(removed)

    def estimate(self, n: int, removed: Sequence[int]) -> tuple[int, int]:
        """The change to the rank's required and score fields, as `trial` will find it."""
        nodes = self.problem.nodes
        required = sum(1 for m in removed if nodes[m].required) - nodes[n].required
        for c in {c for m in removed for c in self.must_choices.get(m, ())}:
            if set(self.chosen[c]) <= set(removed) and c not in self.must_choices.get(n, ()):
                required += 1
        for c in self.must_choices.get(n, ()):
            if not self.chosen[c]:  # unmet until n meets it (met by another: `other_choice`)
                required -= 1
        lost = sum(nodes[m].score for m in removed) - nodes[n].score
        return required, lost

    def may_fit(
        self, n: int, t: int, i: int | None, j: int | None, node: Node | None = None
    ) -> bool:
        """A bound: whether n can go between visits i - 1 and j of day t's route with the
        visits in between taken out, ignoring lunch (which only ever takes time). `i` None:
        the visits before n are not the route's first i (only the rest of the day is
        bounded); `j` None: those after it are not the route's from j on. `node`: n as it
        would be served (pinned to a start), by default as the problem has it."""
        bounds = self.bounds_of(t)
        if bounds is None:
            return True
        free, places, latest = bounds
        problem = self.problem
        node = problem.nodes[n] if node is None else node
        if i is None:
            start = node.first_start(problem.tracks[t].earliest_start)
        else:
            start = node.first_start(free[i] + problem.travel[places[i]][node.place])
        if start is None:
            return False
        if j is None:
            return True
        ready = start + node.duration + problem.travel[node.place][places[j + 1]]
        return ready <= latest[j]

    def bounds_of(self, t: int) -> tuple[list[int], list[int], list[int]] | None:
        """Day t's route without lunch: when the group is free after each of its first i
        visits (free[i]) and where (places[i]; places[len + 1] is the end place), and the
        latest start of visit j (latest[j]; latest[len]: the latest return) for the rest of the
        day to stay possible."""
        if t in self._bounds:
            return self._bounds[t]
        problem, track = self.problem, self.problem.tracks[t]
        seq = self.sequence(t)
        starts = earliest_starts(problem, t, seq, with_breaks=False)
        found: tuple[list[int], list[int], list[int]] | None = None
        if starts is not None:
            nodes = [problem.nodes[m] for m in seq]
            free = [track.earliest_start] + [
                s + nd.duration for s, nd in zip(starts, nodes, strict=True)
            ]
            places = [track.start_place] + [nd.place for nd in nodes] + [track.end_place]
            latest = [0] * len(seq) + [track.latest_end]
            for k in range(len(seq) - 1, -1, -1):
                bound = latest[k + 1] - problem.travel[places[k + 1]][places[k + 2]]
                bound -= nodes[k].duration
                latest[k] = _latest_start(nodes[k].windows, bound)
            found = (free, places, latest)
        self._bounds[t] = found
        return found

    def trial(
        self, n: int, t: int, p: int, removed: tuple[int, ...], problem: Problem | None = None
    ) -> Way | None:
        """The plan with `removed` taken out and n on day t right before what is left of the
        p-th visit of its route on, timed by the rules; None if it breaks one. `problem`: this
        one with node n changed (pinned to a start; the same score and requirement), by
        default this one."""
        problem = self.problem if problem is None else problem
        gone = set(removed)
        routes = []
        for route in self.solution.routes:
            seq = [s.node for s in route.stops]
            if route.track == t:
                seq = [m for m in seq[:p] if m not in gone] + [n]
                seq += [m for m in self.sequence(t)[p:] if m not in gone]
            elif gone.isdisjoint(seq):
                routes.append(route)
                continue
            else:
                seq = [m for m in seq if m not in gone]
            if earliest_starts(problem, route.track, seq, with_breaks=False) is None:
                return None  # a quick no: without lunch, one pass instead of one per leg
            starts = earliest_starts(problem, route.track, seq)
            if starts is None:
                return None
            stops = tuple(Stop(m, s) for m, s in zip(seq, starts, strict=True))
            routes.append(Route(route.track, route.departure, route.arrival, stops))
        if t not in self.routes:
            starts = earliest_starts(problem, t, [n])
            if starts is None:
                return None
            routes.append(Route(t, 0, 0, (Stop(n, starts[0]),)))
        tried = Solution(tuple(routes), ())
        if cross_track_violations(problem, tried):
            return None
        rank = Rank.of(problem, tried)
        if rank.missing_fixed != self.rank.missing_fixed:
            return None  # an event left out: never a way in
        required = rank.missing_required - self.rank.missing_required
        lost = rank.lost_score - self.rank.lost_score
        travel = rank.travel - self.rank.travel
        return Way(t, removed, required, lost, travel, tried)


def _latest_start(windows: Sequence[tuple[int, int]], bound: int) -> int:
    """The latest start no later than `bound` inside one of `windows`; a number below every
    window when there is none (no ready time can meet it then)."""
    starts = [min(b, bound) for a, b in windows if a <= bound]
    return max(starts) if starts else -(10**9)
