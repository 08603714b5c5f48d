"""The rules of a feasible plan in the Problem's terms, and how two plans rank: the reference.

- **Windows.** A visit starts inside one of its node's windows (earliest start, latest start),
  as early as the group is ready for it, on the node's grid (the trip's time grid: the group
  waits where it is for the next mark): `first_start`. `Node.first_start` finds the same by
  bisection (a node of a 31-day trip has dozens of windows) and is what the sequence rule asks.
- **Travel gap.** The group reaches the next place `problem.travel[a][b]` minutes after it is
  free at the last one (the buffer between two places is in the matrix, from compile).
- **The break on a leg.** A break (lunch) is taken on one leg of the route, as early as that leg
  allows: at the place left, on the way, or on arrival, starting on its grid (`break_start`);
  the group is then ready at the next place at `ready_after_leg`. It may also be taken at the
  start place before leaving, or at the end place after coming back.
- **Track bounds.** A track leaves its start place no earlier than `earliest_start` and is back at
  its end place by `latest_end`; a node is served only on the tracks it allows.
- **A sequence on a track.** All of the above at once: `earliest_starts` says whether a sequence
  can be done on a track and gives its earliest start times; `starts_with_break_at` does the same
  with the break on a given leg.
- **Rules that span tracks.** Each node is served at most once; `After`: a node only if another
  is served too and has ended by its start; `OneOf`: at most one of a set is served;
  `Capacity`: the visits of a set under way at one moment bring at most its limit of visitors
  (parallel groups at one host: `capacity_violations`, per rule `capacity_overload`)
  (`cross_track_violations`). A `must` choice left unmet, like a required node left out,
  breaks no rule: the plan is incomplete and ranks lower.
- **Keeping a previous start.** When re-planning against a previous plan (`Problem.previous`),
  a node served on its previous track at its previous start is *kept*; anything else is a
  change (`changes`). A sequence is timed as early as it can be (`earliest_starts`) unless a
  timing that keeps more previous starts is feasible: then by that one (`starts_keeping`).
- **Rank.** How two solutions compare: fixed-time events left out, then other required nodes
  left out plus `must` choices left unmet, then score, then changes to the previous plan, then
  travel (`Rank`).

Where else they are written, on purpose, and how each is held to this module:

- *fast copies*, where speed demands one: the numpy walk (`solver/lns.py`: a route's forward
  and backward times, the break's leg, the insertion rows, its rank tuple), the CP-SAT route
  enumeration (`solver/cpsat.py`, `_routes_on`), the Python insertion's pre-filter
  (`solver/routing.py`) and `Node.first_start`. Each calls this module where that costs nothing
  and is marked "fast copy of rules.X" elsewhere; tests/test_rules_conformance.py holds every
  one to it on random problems and sequences (the same verdict, the same times, the same rank);
- *models* of the rules for a solver library: OR-Tools' routing model (`solver/routing.py`) and
  CP-SAT's circuit model (`solver/cpsat.py`); their sequences are re-timed here or their times
  checked by `verify.py`;
- *independent checkers*: `verify.py` (a Solution against its Problem) and `check.py` (a Plan
  against the trip) re-derive every rule and import nothing from here, so that a mistake here
  cannot hide there.

docs/architecture.md has the table: every rule, every file that implements or checks it.

Why a module of its own rather than `schedule.py`: that one lays a route that is already timed
out minute by minute (travel, visits, the break) for the plan, which is presentation; these
rules are what every stage of the solver asks before anything is timed, and the rank is not
about timing at all. This module imports only the Problem, so every layer can use it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from .problem import Break, Capacity, Problem, Solution, up_to_grid


def first_start(windows: Sequence[tuple[int, int]], ready: int, grid: int = 1) -> int | None:
    """The earliest start on the grid (a multiple of `grid`) at or after `ready` inside one of
    `windows` (sorted): in the first window that still has such a start (a later one opens no
    earlier); None if none has."""
    for a, b in windows:
        start = up_to_grid(max(a, ready), grid)
        if start <= b:
            return start
    return None


def break_start(free: int, brk: Break) -> int | None:
    """When the break begins if the group is free for it at `free`: the first mark of its grid
    at or after both; None if it could not end in its window then."""
    s = up_to_grid(max(free, brk.earliest_start), brk.grid)
    return None if s + brk.duration > brk.latest_end else s


def ready_after_leg(free: int, travel: int, brk: Break | None) -> int | None:
    """When the group, free at `free`, is ready at the next place after a leg of `travel`
    minutes on which it takes `brk` (none: `free + travel`, the travel gap); None if the break
    cannot be taken on this leg. The break starts as early as it may, at the place left, on the
    way or on arrival: where exactly does not change when the group is ready."""
    if brk is None:
        return free + travel
    s = break_start(free, brk)
    if s is None:
        return None
    return max(free + travel, s) + brk.duration


def earliest_starts(
    problem: Problem, track_index: int, sequence: Sequence[int], *, with_breaks: bool = True
) -> list[int] | None:
    """Earliest feasible start times of `sequence` on a track, or None if it cannot be done.

    Taking every item as early as possible is optimal for feasibility here (every constraint is
    a release time or a deadline), so only the position of the break needs to be searched: the
    first leg that can hold it, from before leaving to after coming back.
    """
    track = problem.tracks[track_index]
    brk = track.breaks[0] if track.breaks and with_breaks else None
    legs: list[int | None] = [None] if brk is None else list(range(-1, len(sequence) + 2))
    for leg in legs:
        starts = starts_with_break_at(problem, track_index, sequence, leg)
        if starts is not None:
            return starts
    return None


def starts_with_break_at(
    problem: Problem, track_index: int, sequence: Sequence[int], leg: int | None
) -> list[int] | None:
    """Earliest start times of `sequence` on a track with its break on `leg`, or None if the
    sequence cannot be done so. `leg`: -1 at the start place before leaving; k in 0..len(sequence)
    on the move into item k (len(sequence): into the end place), see `ready_after_leg`;
    len(sequence) + 1 at the end place after coming back; None: no break (a track without one)."""
    track = problem.tracks[track_index]
    brk = track.breaks[0] if track.breaks else None
    t = track.earliest_start
    if leg == -1:
        assert brk is not None
        s = break_start(t, brk)
        if s is None:
            return None
        t = s + brk.duration
    place = track.start_place
    starts: list[int] = []
    for k, node_index in enumerate(sequence):
        node = problem.nodes[node_index]
        if node.tracks is not None and track_index not in node.tracks:
            return None
        ready = ready_after_leg(t, problem.travel[place][node.place], brk if leg == k else None)
        if ready is None:
            return None
        start = node.first_start(ready)
        if start is None:
            return None
        starts.append(start)
        t, place = start + node.duration, node.place
    last = len(sequence)
    ready = ready_after_leg(t, problem.travel[place][track.end_place], brk if leg == last else None)
    if ready is None or ready > track.latest_end:
        return None
    if leg == last + 1:
        assert brk is not None
        s = break_start(ready, brk)
        if s is None or s + brk.duration > track.latest_end:
            return None
    return starts


def starts_keeping(problem: Problem, track_index: int, sequence: Sequence[int]) -> list[int] | None:
    """The start times of `sequence` on a track as every plan has them, or None if it cannot
    be done: `earliest_starts`, unless another feasible timing keeps more of the sequence's
    nodes at their previous starts on this track (`Problem.previous`); then the timing that
    keeps the most (a kept node starts later than it could, when its window and the rest of
    the route allow it). Without a previous plan on this track: `earliest_starts` itself."""
    starts = earliest_starts(problem, track_index, sequence)
    if starts is None or not problem.previous:
        return starts
    old = {v.node: v.start for v in problem.previous if v.track == track_index}
    if not any(n in old for n in sequence):
        return starts
    kept = sum(1 for n, s in zip(sequence, starts, strict=True) if old.get(n) == s)
    most = _most_kept(problem, track_index, sequence, old)
    if most is None or most[0] <= kept:
        return starts
    return most[1]


def _most_kept(
    problem: Problem, track_index: int, sequence: Sequence[int], old: dict[int, int]
) -> tuple[int, list[int]] | None:
    """The most previous starts (`old`: node -> start on this track) a feasible timing of
    `sequence` keeps, and that timing; None if the sequence cannot be done. A dynamic program
    over the sequence: per (starts kept so far, break taken) the earliest time the group is
    free, which is all the rest depends on (every constraint is a release time or a deadline,
    and keeping a start only needs the group ready by then), so it is exact."""
    track = problem.tracks[track_index]
    brk = track.breaks[0] if track.breaks else None
    # (kept, break taken) -> (free from, starts so far)
    states: dict[tuple[int, bool], tuple[int, list[int]]] = {(0, False): (track.earliest_start, [])}
    if brk is not None:
        s = break_start(track.earliest_start, brk)
        if s is not None:
            states[(0, True)] = (s + brk.duration, [])
    place = track.start_place
    for n in sequence:
        node = problem.nodes[n]
        if node.tracks is not None and track_index not in node.tracks:
            return None
        move = problem.travel[place][node.place]
        following: dict[tuple[int, bool], tuple[int, list[int]]] = {}
        for (kept, taken), (free, starts) in states.items():
            legs = [(taken, free + move)]
            if brk is not None and not taken:
                ready = ready_after_leg(free, move, brk)
                if ready is not None:
                    legs.append((True, ready))
            for now_taken, ready in legs:
                earliest = node.first_start(ready)
                if earliest is None:
                    continue
                options = [(kept, earliest)]
                previous = old.get(n)
                if previous == earliest:
                    options = [(kept + 1, earliest)]
                elif (
                    previous is not None
                    and previous >= ready
                    and first_start(node.windows, previous, node.grid) == previous
                ):
                    options.append((kept + 1, previous))
                for count, start in options:
                    key = (count, now_taken)
                    done = start + node.duration
                    if key not in following or done < following[key][0]:
                        following[key] = (done, [*starts, start])
        states = following
        place = node.place
    move = problem.travel[place][track.end_place]
    best: tuple[int, list[int]] | None = None
    for (kept, taken), (free, starts) in states.items():
        if brk is None or taken:
            fits = free + move <= track.latest_end
        else:
            ready = ready_after_leg(free, move, brk)  # on the way back
            fits = ready is not None and ready <= track.latest_end
            if not fits and free + move <= track.latest_end:  # after coming back
                s = break_start(free + move, brk)
                fits = s is not None and s + brk.duration <= track.latest_end
        if fits and (best is None or kept > best[0]):
            best = (kept, starts)
    return best


def changes(problem: Problem, solution: Solution) -> int:
    """How many visits of the previous plan (`Problem.previous`) the solution does not keep:
    each one served on another track, at another start, or not at all."""
    if not problem.previous:
        return 0
    at = {(r.track, s.node, s.start) for r in solution.routes for s in r.stops}
    return sum(1 for v in problem.previous if (v.track, v.node, v.start) not in at)


def cross_track_violations(problem: Problem, solution: Solution) -> list[str]:
    """The rules that relate nodes wherever they are served, as messages for each one the
    solution breaks: a node served more than once; `Problem.after` (`later` served without
    `earlier`, or before `earlier` has ended); `Problem.one_of` (more than one served);
    `Problem.capacity` (`capacity_violations`). Unmet `must` choices are not among them (see
    `Rank` and `Solution.unmet_choices`)."""
    violations: list[str] = []
    served: dict[int, list[int]] = {}  # node -> its start times
    for route in solution.routes:
        for stop in route.stops:
            served.setdefault(stop.node, []).append(stop.start)
    for node, starts in sorted(served.items()):
        if len(starts) > 1:
            violations.append(f"node {node} is served {len(starts)} times")
    for rule in problem.after:
        if rule.later not in served:
            continue
        if rule.earlier not in served:
            violations.append(
                f"node {rule.later} is served, but node {rule.earlier}, which it comes after, "
                "is not"
            )
            continue
        ends = served[rule.earlier][0] + problem.nodes[rule.earlier].duration
        begins = served[rule.later][0]
        if ends > begins:
            violations.append(
                f"node {rule.later} starts at {begins}, before node {rule.earlier}, which it "
                f"comes after, ends at {ends}"
            )
    for choice in problem.one_of:
        chosen = [n for n in choice.nodes if n in served]
        if len(chosen) > 1:
            violations.append(
                f"nodes {chosen} are all served, but at most one of {list(choice.nodes)} may be"
            )
    violations += capacity_violations(problem, {n: s[0] for n, s in served.items()})
    return violations


def capacity_violations(problem: Problem, start_of: dict[int, int]) -> list[str]:
    """`Problem.capacity`: the served nodes (`start_of`: node → start) of each rule whose visits
    are under way at one moment bring more visitors than its limit. The most at once is reached
    at some visit's start, so only those moments are counted."""
    violations: list[str] = []
    for cap in problem.capacity:
        over = capacity_overload(problem, cap, start_of)
        if over is not None:
            moment, present, total = over
            violations.append(
                f"nodes {present} are under way at {moment} with "
                f"{total} visitors; at most {cap.limit} fit"
            )
    return violations


def capacity_overload(
    problem: Problem, cap: Capacity, start_of: Mapping[int, int]
) -> tuple[int, list[int], int] | None:
    """Where one `Capacity` rule is broken, if it is: the first visit's start (in the order of
    `cap.nodes`) at which the visits under way bring more than `cap.limit` visitors, with those
    nodes (sorted) and their visitors; None if it holds. A visit is under way from its start to
    its start plus its duration; one of no duration at its start. The search asks this of the
    rules it touches (`spanning.Capacities`)."""
    visits = [
        (start_of[n], start_of[n] + problem.nodes[n].duration, size, n)
        for n, size in zip(cap.nodes, cap.sizes, strict=True)
        if n in start_of
    ]
    if len(visits) < 2:
        return None
    for moment, _, _, _ in visits:
        present = [(m, size) for a, b, size, m in visits if a <= moment < b or a == moment]
        total = sum(size for _, size in present)
        if total > cap.limit:
            return moment, sorted(m for m, _ in present), total
    return None


@dataclass(frozen=True, order=True)
class Rank:
    """How good a solution is; of two, the smaller ranks higher, field by field:

    1. fixed-time events left out: an event is never traded for must-visits, as the day's lunch
       and journeys were decided around it;
    2. other required nodes left out, plus `must` choices (`Problem.one_of`) left unmet;
    3. score left out (`Problem.max_score()` less the score served): more score is better;
    4. changes to the previous plan (`changes`; always 0 without one);
    5. travel minutes.

    Waiting is not ranked: for the chosen sequences the timing leaves as late and comes back as
    early as they allow. The numpy walk keeps the same five integers as a tuple
    (`lns._State.rank`, a fast copy of `key()`)."""

    missing_fixed: int
    missing_required: int  # other required nodes left out, plus unmet `must` choices
    lost_score: int
    changes: int
    travel: int

    def key(self) -> tuple[int, int, int, int, int]:
        return (
            self.missing_fixed,
            self.missing_required,
            self.lost_score,
            self.changes,
            self.travel,
        )

    @staticmethod
    def of(problem: Problem, solution: Solution) -> Rank:
        return Rank.of_served(
            problem,
            solution.served(),
            solution.travel_minutes(problem),
            changes(problem, solution),
        )

    @staticmethod
    def of_served(problem: Problem, served: Collection[int], travel: int, changed: int = 0) -> Rank:
        """The rank of a solution that serves the nodes `served` with `travel` minutes of
        travel and `changed` changes to the previous plan, as the search knows it before it
        times the routes."""
        missing = [nd for n, nd in enumerate(problem.nodes) if nd.required and n not in served]
        fixed = sum(1 for nd in missing if nd.fixed)
        unmet = sum(
            1
            for choice in problem.one_of
            if choice.must and not any(n in served for n in choice.nodes)
        )
        lost = problem.max_score() - sum(problem.nodes[n].score for n in served)
        return Rank(fixed, len(missing) - fixed + unmet, lost, changed, travel)
