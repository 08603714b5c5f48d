"""The construction: a cheapest insertion in plain Python, the first plan of every search.

Nodes are taken in order of importance (events, must-visits, the nodes of `must` choices, then
by score per minute of detour) and each is put where it fits at the least added time; a plan
within a fraction of a second even on the largest trips, reported at once. The rules that span
tracks (`Problem.after`, `Problem.one_of`, `Problem.capacity`) are kept (`spanning.py`). Every
route is timed as every plan is (`schedule.timed_route`).
"""

from __future__ import annotations

from ..errors import InternalError
from ..model.problem import Problem, Route, Solution
from ..model.rules import cross_track_violations, earliest_starts
from ..model.schedule import timed_route
from .spanning import Capacities, Spanning


def _insertion_order(problem: Problem, rules: Spanning | None = None) -> list[int]:
    """Fixed-time events first (in time order), then the other must-visits (by window), then the
    rest by score per minute of duration plus an estimated detour (the distance to the nearest
    other place a node or track uses): the most valuable minutes go in first. At 400 hosts x 10
    days this plan scores 1,566; with twice that distance as the detour, 1,433.

    With `rules`, the nodes of `must` choices come right after the must-visits (an unmet one
    ranks like a must-visit left out), a node that another comes after goes in with that one's
    rank or before (a must-visit's `after` hosts are as good as must-visits), and no node comes
    before a node it comes after (`Spanning.topological`)."""
    places = {n.place for n in problem.nodes}
    places |= {p for t in problem.tracks for p in (t.start_place, t.end_place)}

    def detour(place: int) -> int:
        return min((problem.travel[place][q] for q in places if q != place), default=0)

    # 0: fixed-time events, 1: other must-visits, 2: nodes of `must` choices, 3: the rest.
    tier = [(0 if node.fixed else 1) if node.required else 3 for node in problem.nodes]
    if rules is not None:
        for choice in problem.one_of:
            if choice.must:
                for n in choice.nodes:
                    tier[n] = min(tier[n], 2)
        for level in (0, 1, 2):
            for n in rules.ahead_of([m for m, k in enumerate(tier) if k == level]):
                tier[n] = min(tier[n], level)

    def key(n: int) -> tuple[int, float, int]:
        node = problem.nodes[n]
        if tier[n] < 2:
            return (tier[n], node.windows[0][0] if node.windows else 0, n)
        per_minute = node.score / (node.duration + detour(node.place) + 1)
        return (tier[n], -per_minute, n)

    order = sorted(range(len(problem.nodes)), key=key)
    return order if rules is None else rules.topological(order)


def insertion_sequences(problem: Problem) -> list[list[int]]:
    """Cheapest insertion in Python, node by node in `_insertion_order`, each where it adds the
    least travel while `rules.earliest_starts` says the track stays feasible. At 400 hosts x
    10 days it takes about half a second where OR-Tools' first solution takes several, so the
    observer gets a complete plan early and the local search a start (benchmarks/README.md).
    It runs to the end under any deadline: a plan is never worse than this one (1.5 s at the
    supported maximum, 1,000 hosts over 10 days).

    The rules that span tracks (`spanning.py`) are kept as the plan grows: a node goes in only
    while no other node of its choices is served, and only once every node it comes after is
    served, on a track that has ended by then or earlier in the same sequence; the order puts
    those nodes first, so nothing that is served ever gets one of them inserted behind it. A
    track's sequence changes only while its capacity nodes, timed as the plan times them, keep
    every capacity rule with the tracks that share time with it (`Capacities.fits`)."""
    travel, nodes = problem.travel, problem.nodes
    rules = Spanning.of(problem)
    sequences = _previous_sequences(problem, rules)
    capacities = Capacities.of(problem)
    # Per track, its capacity nodes' starts (`Capacities.starts_on`), with capacity rules only.
    held: list[dict[int, int]] = []
    if capacities is not None:
        held = [capacities.starts_on(t, seq) for t, seq in enumerate(sequences)]

    def free_after(t: int, seq: list[int]) -> list[int]:
        """When the group is free after each prefix of track t's (feasible) `seq` if it took
        no break: a lower bound on the real times, so an insertion that is late even then is
        skipped without the full check."""
        if not seq:
            return [problem.tracks[t].earliest_start]
        unbroken = earliest_starts(problem, t, seq, with_breaks=False)
        assert unbroken is not None  # a break only ever delays
        ends = [s + nodes[m].duration for s, m in zip(unbroken, seq, strict=True)]
        return [problem.tracks[t].earliest_start, *ends]

    free_from = [free_after(t, seq) for t, seq in enumerate(sequences)]  # per track
    # The latest start of each node: its windows are sorted by their opening and may overlap, so
    # the last to open need not be the last to close.
    last_start = [max((b for _, b in node.windows), default=0) for node in nodes]
    track_of = {n: t for t, seq in enumerate(sequences) for n in seq}  # each served node's track
    for n in _insertion_order(problem, rules):
        node = nodes[n]
        if not node.windows or n in track_of:
            continue
        first = dict.fromkeys(problem.allowed_tracks(n), 0)  # track -> first position allowed
        if rules is not None:
            if any(m in track_of for m in rules.others[n]):
                continue  # another node of one of its choices is served
            where = {
                e: (track_of[e], sequences[track_of[e]].index(e))
                for e in rules.earlier[n]
                if e in track_of
            }
            for t in list(first):
                at = rules.first_position(n, t, where)
                if at is None:
                    del first[t]
                else:
                    first[t] = at
        options: list[tuple[int, int, int]] = []  # (added travel, track, position)
        for t, first_at in first.items():
            track = problem.tracks[t]
            seq = sequences[t]
            stops = [track.start_place] + [nodes[m].place for m in seq] + [track.end_place]
            for at in range(first_at, len(seq) + 1):
                # fast copy of rules.earliest_starts (a lower bound on its times), held to it
                # by tests/test_rules_conformance.py
                a, b = stops[at], stops[at + 1]
                ready = free_from[t][at] + travel[a][node.place]
                start = node.first_start(ready)
                due = track.latest_end if at == len(seq) else last_start[seq[at]]
                if start is None or start + node.duration + travel[node.place][b] > due:
                    continue
                added = travel[a][node.place] + travel[node.place][b] - travel[a][b]
                options.append((added, t, at))
        # The cheapest feasible option: test in order of added travel, stop at the first that fits.
        for _, t, at in sorted(options):
            trial = sequences[t][:at] + [n] + sequences[t][at:]
            if earliest_starts(problem, t, trial) is not None:
                if capacities is not None:
                    starts = capacities.fits(t, trial, held.__getitem__)
                    if starts is None:
                        continue  # a host would hold more visitors than it may
                    held[t] = starts
                sequences[t] = trial
                track_of[n] = t
                free_from[t] = free_after(t, trial)
                break
    return sequences


def _previous_sequences(problem: Problem, rules: Spanning | None) -> list[list[int]]:
    """Where the insertion starts: nothing, or when re-planning (`Problem.previous`) the
    previous plan's visits on their tracks in their order, each kept while the track stays
    feasible with it, so that what can stay where it was starts there. With rules that span
    tracks, only when the previous visits keep them (`rules.cross_track_violations`), else
    nothing."""
    sequences: list[list[int]] = [[] for _ in problem.tracks]
    for visit in sorted(problem.previous, key=lambda v: (v.track, v.start)):
        trial = [*sequences[visit.track], visit.node]
        if (
            problem.nodes[visit.node].windows
            and earliest_starts(problem, visit.track, trial) is not None
        ):
            sequences[visit.track] = trial
    if rules is not None and any(sequences):
        seeded = sequence_solution(problem, sequences)
        if cross_track_violations(problem, seeded):
            return [[] for _ in problem.tracks]
    return sequences


def _timed_route(problem: Problem, t: int, sequence: list[int]) -> Route:
    """The route of a feasible sequence, timed as every plan is (`schedule.timed_route`)."""
    route = timed_route(problem, t, sequence)
    if route is None:
        raise InternalError(f"insertion produced an infeasible sequence on track {t}")
    return route


def sequence_solution(problem: Problem, sequences: list[list[int]]) -> Solution:
    """Feasible node sequences per track as a timed Solution."""
    served = {n for sequence in sequences for n in sequence}
    return Solution(
        routes=tuple(_timed_route(problem, t, seq) for t, seq in enumerate(sequences)),
        dropped=tuple(n for n in range(len(problem.nodes)) if n not in served),
    )
