"""Why each unscheduled host or event is unscheduled, in words an organiser can act on.

Pure checks, from the most basic cause to the least: closed, window too short, outside the
day's hours, too far, no room for lunch, clashing with an event; then, given the plan, the rules
between hosts (another host of its choice is in the plan; a host or event it comes after is not,
or ends too late for it); last, crowded out by the others.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..input.closures import closures_in_trip
from ..input.load import Loaded
from ..input.spec import Host, format_time_of_day
from ..model.compile import Compiled, event_nodes_on, host_windows_on
from ..model.problem import Problem, Solution
from ..model.schedule import earliest_starts
from ..model.timeline import format_duration
from . import Cause


def explain(
    compiled: Compiled, loaded: Loaded, node_index: int, solution: Solution | None = None
) -> Cause:
    """The cause as a code with its values; `render.i18n` words it in en, de or fr. With the
    `solution` the node is left out of, the rules between hosts can be the cause too."""
    return explain_all(compiled, loaded, [node_index], solution)[0]


def explain_all(
    compiled: Compiled,
    loaded: Loaded,
    node_indices: Sequence[int],
    solution: Solution | None = None,
) -> list[Cause]:
    """`explain` for each node, with the lookups every reason needs made once: a plan of 1,000
    hosts leaves hundreds out, and finding each host and each day's events anew took seconds."""
    hosts = {h.id: h for h in loaded.spec.hosts}
    problem = compiled.problem
    events_on = [
        event_nodes_on(problem.nodes, compiled.nodes, t) for t in range(len(problem.tracks))
    ]
    related = _Related.of(compiled, loaded, solution) if solution is not None else None
    causes = []
    for n in node_indices:
        ref = compiled.nodes[n]
        if ref.kind == "event":
            causes.append(_explain_event(compiled, n))
        else:
            causes.append(_explain_host(compiled, loaded, hosts[ref.id], n, events_on, related))
    return causes


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
    def of(compiled: Compiled, loaded: Loaded, solution: Solution) -> _Related:
        problem = compiled.problem
        served = {
            s.node: (s.start, s.start + problem.nodes[s.node].duration)
            for r in solution.routes
            for s in r.stops
        }
        by_id = {("host", h.id): h.name for h in loaded.spec.hosts}
        by_id.update({("event", e.id): e.name for e in loaded.spec.events})
        names = [by_id[(ref.kind, ref.id)] for ref in compiled.nodes]
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


def _explain_event(compiled: Compiled, n: int) -> Cause:
    problem = compiled.problem
    for t in problem.allowed_tracks(n):
        if earliest_starts(problem, t, [n], with_breaks=False) is not None:
            return Cause(code="event_crowded")
    return Cause(code="event_unreachable")


def _explain_host(
    compiled: Compiled,
    loaded: Loaded,
    host: Host,
    n: int,
    events_on: list[list[int]],
    related: _Related | None = None,
) -> Cause:
    problem = compiled.problem
    node = problem.nodes[n]
    dates = [ref.date for ref in compiled.tracks]
    raw = [(d, w) for d in dates for w in host_windows_on(loaded.spec, host, d)]
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
    if not any(-(-a // grid) * grid + host.duration <= b for _, (a, b) in raw):
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
        clashes: list[list[str]] = []
        for t in alone:
            for e in events_on[t]:
                clash = [compiled.nodes[e].id, compiled.tracks[t].date.isoformat()]
                if clash not in clashes:
                    clashes.append(clash)
        if clashes:
            return Cause(code="event_conflict", args={"events": clashes})
        return Cause(code="around_events")
    if related is not None and (cause := related.cause(problem, n)) is not None:
        return cause
    if node.required:
        return Cause(code="must_crowded")
    return Cause(code="crowded_out", args={"priority": node.score})


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
    if there + node.duration + back > track.latest_end - track.earliest_start:
        return Cause(
            code="too_far_for_day",
            args={"place": start_name, "travel": format_duration(there + back)},
        )
    return Cause(
        code="too_far_for_window", args={"place": start_name, "travel": format_duration(there)}
    )


def _fits_between_events(problem: Problem, t: int, n: int, events: list[int]) -> bool:
    return any(
        earliest_starts(problem, t, events[:k] + [n] + events[k:], with_breaks=False) is not None
        for k in range(len(events) + 1)
    )
