"""The rules that span tracks (`Problem.after`, `Problem.one_of`, `Problem.capacity`) as the
search stages ask them.

The reference is `rules.cross_track_violations`; the search (the insertion in `routing.py`, the
walk in `lns.py`) never makes a move that would break it, and asks these questions to know:

- **One of.** A node may go in only while no other node of a choice it is in is served
  (`others`).
- **After.** A node may go in only when every node it comes after (`earlier`) is served, and
  only where each of those has ended by the time it starts. `Problem` refuses `after` rules
  when tracks overlap in time, so for two distinct tracks one has always ended by the time the
  other begins (`before`); on the same track, "ended before" is "earlier in the sequence"
  (`first_position`). A node some other served node comes after (`later`) may not be taken out
  while that one stays, nor moved behind it.

- **Capacity.** Parallel groups at one host bring at most its limit of visitors at a time
  (`Capacities`). Every track is timed on its own, as every plan is (`rules.starts_keeping`:
  the earliest starts, `schedule.timed_route`), so a sequence fixes its visits' times: a
  track's sequence may change only while the visits of its capacity nodes, at the times its
  new sequence gives them, keep each rule (`rules.capacity_overload`, the reference itself)
  with the visits the tracks that share time with it make at their present times. Only that
  track's times change, so the whole plan keeps every rule after each accepted change.

These are sufficient conditions, not the reference's exact ones: with visits of no duration,
`later` could start at the very minute `earlier` starts and ends, ahead of it in the sequence,
which the search never tries; and a group never waits at a host for another group to leave
(its visit starts as early as its sequence allows), so two groups visit one host one after the
other only where their sequences bring them there at such times: CP-SAT's circuit model, which
times visits freely, may find the others (`cpsat.py`). A plan the search makes therefore keeps
every rule; a rule it cannot keep leaves the node out, which ranks lower, never an infeasible
plan.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..model.problem import Problem
from ..model.rules import capacity_overload, starts_keeping


@dataclass(frozen=True)
class Spanning:
    """Per node, the rules that touch it; per pair of tracks, which ends before the other."""

    earlier: tuple[tuple[int, ...], ...]  # per node: the nodes it comes after
    later: tuple[tuple[int, ...], ...]  # per node: the nodes that come after it
    others: tuple[tuple[int, ...], ...]  # per node: the other nodes of every choice it is in
    # before[a][b]: whatever track a serves has ended by the time track b begins (a != b)
    before: tuple[tuple[bool, ...], ...]

    @staticmethod
    def of(problem: Problem) -> Spanning | None:
        """The rules of `problem` in this shape; None when it has none (the search then asks
        nothing, at no cost)."""
        if not problem.spans_tracks:
            return None
        n = len(problem.nodes)
        earlier: list[set[int]] = [set() for _ in range(n)]
        later: list[set[int]] = [set() for _ in range(n)]
        for rule in problem.after:
            earlier[rule.later].add(rule.earlier)
            later[rule.earlier].add(rule.later)
        others: list[set[int]] = [set() for _ in range(n)]
        for choice in problem.one_of:
            for a in choice.nodes:
                others[a].update(b for b in choice.nodes if b != a)
        tracks = problem.tracks
        before = tuple(
            tuple(a != b and ta.latest_end <= tb.earliest_start for b, tb in enumerate(tracks))
            for a, ta in enumerate(tracks)
        )
        return Spanning(
            tuple(tuple(sorted(s)) for s in earlier),
            tuple(tuple(sorted(s)) for s in later),
            tuple(tuple(sorted(s)) for s in others),
            before,
        )

    def first_position(self, n: int, t: int, where: Mapping[int, tuple[int, int]]) -> int | None:
        """The first position in track t's sequence where node n may go as far as `after` is
        concerned, given `where` each served node that others come after is (track, index);
        None if nowhere on t: a node it comes after is not served, or is on a track that has
        not ended by the time t begins."""
        first = 0
        for e in self.earlier[n]:
            at = where.get(e)
            if at is None:
                return None
            track, index = at
            if track == t:
                first = max(first, index + 1)
            elif not self.before[track][t]:
                return None
        return first

    def in_order(self, sequence: Sequence[int]) -> bool:
        """Whether no node of `sequence` comes before a node of it that it comes after."""
        seen: set[int] = set()
        for n in sequence:
            if any(m in seen for m in self.later[n]):
                return False
            seen.add(n)
        return True

    def topological(self, order: Sequence[int]) -> list[int]:
        """`order` with every node moved behind the nodes it comes after (and only as far as
        that needs): each next node is the first of `order` whose earlier nodes have all been
        listed. A node on a cycle of `after` is left out: it can never be served."""
        position = {n: i for i, n in enumerate(order)}
        waiting = {n: len(self.earlier[n]) for n in order}
        ready = [position[n] for n in order if not waiting[n]]
        heapq.heapify(ready)
        out = []
        while ready:
            n = order[heapq.heappop(ready)]
            out.append(n)
            for m in self.later[n]:
                if m in waiting:
                    waiting[m] -= 1
                    if not waiting[m]:
                        heapq.heappush(ready, position[m])
        return out

    def ahead_of(self, targets: Sequence[int]) -> set[int]:
        """The nodes some node of `targets` comes after, directly or along a chain."""
        found: set[int] = set()
        stack = list(targets)
        while stack:
            for e in self.earlier[stack.pop()]:
                if e not in found:
                    found.add(e)
                    stack.append(e)
        return found


@dataclass(frozen=True)
class Capacities:
    """`Problem.capacity` as the search asks it (see the module docstring): per node the rules
    it is in, per track the other tracks that share time with it."""

    problem: Problem
    rules_of: tuple[tuple[int, ...], ...]  # per node: the indices of its `Capacity` rules
    parallel: tuple[tuple[int, ...], ...]  # per track: the other tracks that overlap it in time

    @staticmethod
    def of(problem: Problem) -> Capacities | None:
        """None without capacity rules (the search then asks nothing, at no cost)."""
        if not problem.capacity:
            return None
        rules_of: list[list[int]] = [[] for _ in problem.nodes]
        for k, cap in enumerate(problem.capacity):
            for n in cap.nodes:
                rules_of[n].append(k)
        tracks = problem.tracks
        parallel = tuple(
            tuple(
                u
                for u, tu in enumerate(tracks)
                if u != t
                and tu.earliest_start < tt.latest_end
                and tt.earliest_start < tu.latest_end
            )
            for t, tt in enumerate(tracks)
        )
        return Capacities(problem, tuple(tuple(r) for r in rules_of), parallel)

    def starts_on(self, t: int, sequence: Sequence[int]) -> dict[int, int]:
        """The start of each capacity node of `sequence` (a feasible sequence of track t) as
        every plan times it (`rules.starts_keeping`); empty, and nothing timed, without one."""
        rules_of = self.rules_of
        if not any(rules_of[n] for n in sequence):
            return {}
        starts = starts_keeping(self.problem, t, sequence)
        assert starts is not None  # the caller checked the sequence
        return {n: s for n, s in zip(sequence, starts, strict=True) if rules_of[n]}

    def fits(
        self, t: int, sequence: Sequence[int], others: Callable[[int], Mapping[int, int]]
    ) -> dict[int, int] | None:
        """`starts_on(t, sequence)` if, at those times, every capacity rule of its nodes holds
        with the visits the tracks parallel to t make (`others(u)`: track u's capacity nodes and
        their starts, as `starts_on` gives them); None if one is broken."""
        mine = self.starts_on(t, sequence)
        if not mine:
            return mine
        touched = sorted({k for n in mine for k in self.rules_of[n]})
        start_of = dict(mine)
        for u in self.parallel[t]:
            start_of.update(others(u))
        for k in touched:
            if capacity_overload(self.problem, self.problem.capacity[k], start_of) is not None:
                return None
        return mine
