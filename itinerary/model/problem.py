"""The solver's neutral input and output: integers only, no dates, names or YAML.

Time is in minutes on one absolute axis. A *track* is one (day, group) pair: it leaves its start
place no earlier than `earliest_start` and is back at its end place by `latest_end`. A *node* is
something to do at a place for `duration` minutes; it may start inside any of its `windows`
(earliest start, latest start), on its `grid`: a start is a multiple of `grid` minutes (1: any
minute; the trip's time grid, so that visits start at 09:35, not 09:34). Breaks (lunch) are
taken inside a track where no node is served, likewise starting on their grid.
Rules that span tracks relate nodes wherever they are served: `After` (a node only after another
has ended), `OneOf` (at most one of a set; with `must`, exactly one) and `Capacity` (visits of
parallel groups at one place: at no moment more visitors than it holds).
Benchmarks build this type directly, so the CLI and the benchmarks run the very same solver.
"""

from __future__ import annotations

import bisect
import copy
import functools
import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass


def up_to_grid(minute: int, grid: int) -> int:
    """The first multiple of `grid` at or after `minute` (the group waits for the next mark)."""
    return -(-minute // grid) * grid


def down_to_grid(minute: int, grid: int) -> int:
    """The last multiple of `grid` at or before `minute`."""
    return minute // grid * grid


@dataclass(frozen=True)
class Break:
    """`duration` minutes wholly inside [earliest_start, latest_end], not during a visit,
    starting on a multiple of `grid` minutes (`earliest_start` is one)."""

    earliest_start: int
    latest_end: int
    duration: int
    grid: int = 1

    def __post_init__(self) -> None:
        if self.grid < 1 or self.earliest_start % self.grid:
            raise ValueError(f"break {self} does not open on its grid")
        if self.duration <= 0 or self.latest_end - self.earliest_start < self.duration:
            raise ValueError(f"break {self} does not fit its window")


@dataclass(frozen=True)
class Track:
    start_place: int
    end_place: int
    earliest_start: int
    latest_end: int
    breaks: tuple[Break, ...] = ()

    def __post_init__(self) -> None:
        if self.latest_end < self.earliest_start:
            raise ValueError(f"track {self} ends before it starts")
        if len(self.breaks) > 1:
            raise ValueError("at most one break per track is supported")


@dataclass(frozen=True)
class Node:
    place: int
    duration: int
    windows: tuple[tuple[int, int], ...]  # (earliest start, latest start), sorted; may overlap
    score: int = 0
    required: bool = False
    tracks: tuple[int, ...] | None = None  # tracks that may serve it; None: any
    grid: int = 1  # a start is a multiple of it; every window starts and ends on it

    @property
    def fixed(self) -> bool:
        """A required node at one fixed time (an event): never traded for must-visits, as the
        day's lunch and journeys were decided around it."""
        return self.required and len(self.windows) == 1 and self.windows[0][0] == self.windows[0][1]

    def first_start(self, ready: int) -> int | None:
        """The earliest start on the grid at or after `ready`, in the first window (in order)
        still open then: with `ready` rounded up to the grid, `next((max(ready, a) for a, b in
        windows if b >= ready), None)` (the windows are on the grid), found by bisection (a node
        of a 31-day trip has dozens of windows, and the schedule asks this for every visit of
        every sequence it tries). The first window with b >= ready is the first whose running
        maximum of ends reaches `ready`. A fast copy of `rules.first_start`, held to it by
        tests/test_rules_conformance.py."""
        if self.grid > 1:
            ready = -(-ready // self.grid) * self.grid
        ends = self._running_ends
        i = bisect.bisect_left(ends, ready)
        return None if i == len(ends) else max(ready, self.windows[i][0])

    @functools.cached_property
    def _running_ends(self) -> list[int]:
        return list(itertools.accumulate((b for _, b in self.windows), max))

    def __post_init__(self) -> None:
        if self.duration < 0 or self.score < 0:
            raise ValueError(f"node {self} has a negative duration or score")
        if any(a > b for a, b in self.windows):
            raise ValueError(f"node {self} has an empty window")
        if self.grid < 1 or any(a % self.grid or b % self.grid for a, b in self.windows):
            raise ValueError(f"node {self} has a window off its grid")
        if list(self.windows) != sorted(self.windows):
            raise ValueError(f"node {self} has unsorted windows")


@dataclass(frozen=True)
class After:
    """Node `later` is served only if node `earlier` is served too and has ended by the time
    `later` starts (on an earlier track, or earlier on the same or a parallel one)."""

    earlier: int
    later: int


@dataclass(frozen=True)
class OneOf:
    """At most one of `nodes` is served; with `must`, exactly one. A `must` choice left unmet
    ranks like a required node left out."""

    nodes: tuple[int, ...]
    must: bool = False


@dataclass(frozen=True)
class Capacity:
    """The visits of `nodes` (one host's, by the groups that may visit it, each on its own
    tracks) that are under way at any one moment hold at most `limit` visitors together:
    node `nodes[i]` brings `sizes[i]`. A visit is under way from its start to its start plus
    its duration (one that ends as another begins does not meet it). Each size is at most
    `limit` (a group larger than the host's capacity has no node)."""

    nodes: tuple[int, ...]
    sizes: tuple[int, ...]
    limit: int


@dataclass(frozen=True)
class Previous:
    """A visit of the plan this one replaces (`itinerary plan --previous`): `node` served on
    `track` at `start`. Serving it there and then again costs nothing; a different track or
    start, or leaving it out, is a change (`rules.Rank`)."""

    node: int
    track: int
    start: int


@dataclass(frozen=True)
class Problem:
    travel: tuple[tuple[int, ...], ...]  # minutes, place x place
    nodes: tuple[Node, ...]
    tracks: tuple[Track, ...]
    after: tuple[After, ...] = ()
    one_of: tuple[OneOf, ...] = ()
    # The visits of the plan being replaced, at most one per node; empty: no re-planning.
    previous: tuple[Previous, ...] = ()
    capacity: tuple[Capacity, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.travel)
        if any(len(row) != n for row in self.travel):
            raise ValueError("the travel matrix is not square")
        if n and min(map(min, self.travel)) < 0:  # min() in C: a million entries at 1,000 places
            raise ValueError("negative travel time")
        self._check_references()

    def _check_references(self) -> None:
        n = len(self.travel)
        places = [nd.place for nd in self.nodes]
        places += [p for t in self.tracks for p in (t.start_place, t.end_place)]
        if any(not 0 <= p < n for p in places):
            raise ValueError("a node or track refers to an unknown place")
        for node in self.nodes:
            if node.tracks is not None and any(not 0 <= t < len(self.tracks) for t in node.tracks):
                raise ValueError(f"node {node} refers to an unknown track")
        n_nodes = len(self.nodes)
        for rule in self.after:
            if not (0 <= rule.earlier < n_nodes and 0 <= rule.later < n_nodes):
                raise ValueError(f"{rule} refers to an unknown node")
            if rule.earlier == rule.later:
                raise ValueError(f"{rule} puts a node after itself")
        related = {n for rule in self.after for n in (rule.earlier, rule.later)}
        if self.after and self.tracks_overlap({t for n in related for t in self.allowed_tracks(n)}):
            # Every track is timed on its own (earliest starts); across tracks that run at the
            # same time an `after` rule would couple their timings, which nothing models yet.
            # Parallel groups are fine as long as each rule's nodes keep to tracks that do not
            # overlap (compile relates each group's own visits).
            raise ValueError("`after` rules need tracks that do not overlap in time")
        for choice in self.one_of:
            if len(set(choice.nodes)) < 2 or any(not 0 <= n < n_nodes for n in choice.nodes):
                raise ValueError(f"{choice} needs two or more known nodes")
        for visit in self.previous:
            if not (0 <= visit.node < n_nodes and 0 <= visit.track < len(self.tracks)):
                raise ValueError(f"{visit} refers to an unknown node or track")
        if len({v.node for v in self.previous}) != len(self.previous):
            raise ValueError("a node is in the previous plan more than once")
        for cap in self.capacity:
            if len(cap.nodes) != len(cap.sizes) or len(set(cap.nodes)) != len(cap.nodes):
                raise ValueError(f"{cap} needs one size per node, each node once")
            if any(not 0 <= n < n_nodes for n in cap.nodes):
                raise ValueError(f"{cap} refers to an unknown node")
            if any(not 1 <= size <= cap.limit for size in cap.sizes):
                raise ValueError(f"{cap} has a size outside 1..{cap.limit}")

    def tracks_overlap(self, among: Collection[int] | None = None) -> bool:
        """Whether two tracks (of `among`, default all) share any time (parallel groups,
        identical TOPTW vehicles)."""
        chosen = self.tracks if among is None else [self.tracks[t] for t in sorted(among)]
        spans = sorted((t.earliest_start, t.latest_end) for t in chosen)
        return any(b[0] < a[1] for a, b in itertools.pairwise(spans))

    @property
    def gridded(self) -> bool:
        """Whether any start is on a time grid coarser than a minute (`Node.grid`, `Break.grid`)."""
        return any(n.grid > 1 for n in self.nodes) or any(
            b.grid > 1 for t in self.tracks for b in t.breaks
        )

    @property
    def spans_tracks(self) -> bool:
        """Whether any rule relates nodes across tracks (`after`, `one_of`, `capacity`)."""
        return bool(self.after or self.one_of or self.capacity)

    @staticmethod
    def build(
        travel: Sequence[Sequence[int]],
        nodes: Sequence[Node],
        tracks: Sequence[Track],
        after: Sequence[After] = (),
        one_of: Sequence[OneOf] = (),
        previous: Sequence[Previous] = (),
        capacity: Sequence[Capacity] = (),
    ) -> Problem:
        return Problem(
            tuple(tuple(map(int, row)) for row in travel),
            tuple(nodes),
            tuple(tracks),
            tuple(after),
            tuple(one_of),
            tuple(previous),
            tuple(capacity),
        )

    def with_previous(self, previous: Sequence[Previous]) -> Problem:
        """This problem re-planning against `previous` (see `Previous`)."""
        return self._with(previous=tuple(previous))

    def with_tracks(self, tracks: Sequence[Track]) -> Problem:
        """This problem with other tracks. The travel matrix, checked when this problem was
        made, is not checked again: compile's lunch trials make one problem per day, and the
        proof's re-timing one per step of a bisection, each of the whole matrix."""
        return self._with(tracks=tuple(tracks))

    def with_nodes(self, changed: dict[int, Node]) -> Problem:
        """This problem with the nodes of `changed` (by index) replaced, e.g. pinned to one
        start (`plan/suggest.py` tries a host at each start of a day). As in `with_tracks`,
        the travel matrix is not checked again; the references are."""
        nodes = list(self.nodes)
        for index, node in changed.items():
            nodes[index] = node
        return self._with(nodes=tuple(nodes))

    def _with(self, **fields: object) -> Problem:
        """This problem with `fields` replaced: the references checked again, the travel
        matrix (checked when this problem was made, and the costly part) not."""
        changed = copy.copy(self)  # a frozen dataclass: copied without __init__
        for name, value in fields.items():
            object.__setattr__(changed, name, value)
        changed._check_references()
        return changed

    def allowed_tracks(self, node_index: int) -> tuple[int, ...]:
        node = self.nodes[node_index]
        return tuple(range(len(self.tracks))) if node.tracks is None else node.tracks

    def max_score(self) -> int:
        return sum(n.score for n in self.nodes)

    def visit_options(self) -> int:
        """The problem's size as the search sees it: every window of every node (compile makes
        one per opening window and day), i.e. the candidates the search weighs."""
        return sum(len(n.windows) for n in self.nodes)


@dataclass(frozen=True)
class Stop:
    node: int
    start: int


@dataclass(frozen=True)
class Route:
    """What one track does: leave at `departure`, serve `stops`, arrive back at `arrival`."""

    track: int
    departure: int
    arrival: int
    stops: tuple[Stop, ...] = ()


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]
    dropped: tuple[int, ...]
    solutions_found: int = 0
    stopped_by: str = ""
    # What the proof (CP-SAT) showed, when it ran: no feasible solution that ranks as high on
    # required nodes scores more than `score_bound`; none with this solution's required nodes
    # and score travels less than `travel_bound` minutes.
    score_bound: int | None = None
    travel_bound: int | None = None
    # With `Problem.previous`: no feasible solution that attends every fixed-time node makes
    # fewer changes than this (`rules.changes`); None when not computed.
    changes_bound: int | None = None

    def score(self, problem: Problem) -> int:
        return sum(problem.nodes[s.node].score for r in self.routes for s in r.stops)

    def travel_minutes(self, problem: Problem) -> int:
        total = 0
        for route in self.routes:
            track = problem.tracks[route.track]
            places = [track.start_place] + [problem.nodes[s.node].place for s in route.stops]
            places.append(track.end_place)
            total += sum(problem.travel[a][b] for a, b in itertools.pairwise(places))
        return total

    def missing_required(self, problem: Problem) -> list[int]:
        return [n for n in self.dropped if problem.nodes[n].required]

    def served(self) -> set[int]:
        return {s.node for r in self.routes for s in r.stops}

    def unmet_choices(self, problem: Problem) -> list[int]:
        """Indices of the `must` choices (`problem.one_of`) none of whose nodes is served."""
        served = self.served()
        return [
            i
            for i, choice in enumerate(problem.one_of)
            if choice.must and not served.intersection(choice.nodes)
        ]

    def is_complete(self, problem: Problem) -> bool:
        return not self.missing_required(problem) and not self.unmet_choices(problem)
