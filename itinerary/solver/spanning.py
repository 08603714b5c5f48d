"""The rules that span tracks (`Problem.after`, `Problem.one_of`) as the search stages ask them.

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

These are sufficient conditions, not the reference's exact ones: with visits of no duration,
`later` could start at the very minute `earlier` starts and ends, ahead of it in the sequence,
which the search never tries. A plan the search makes therefore keeps every rule; a rule it
cannot keep leaves the node out, which ranks lower, never an infeasible plan.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model.problem import Problem


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
