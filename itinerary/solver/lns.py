"""Ruin and recreate in numpy: the fast half of the search.

One OR-Tools local search per iteration costs 0.05-0.3 s on a 250-node problem, so 10 s allow only
a few dozen iterations there. This module does the cheap part of the walk itself, thousands of
times per second's worth of OR-Tools work: ruin a few visits (strings of consecutive visits near a
random one, as in SISR, or visits at random), then refill the routes by greedy insertion, shorten
the changed routes' travel (or-opt and 2-opt), swap their visits for open ones worth more in
place, then one visit for one open visit worth more anywhere in the route, refilling what each of
these frees, and accept the result by simulated annealing. A
walk that has not bettered its own best for a while starts afresh, with the best so far kept
apart: on TOPTW single walks settle in different basins within a second, and more starts beat a
longer stay. For the same reason the first part of the budget is a race of two walks taking
turns, the better of which goes on: the hot start decides the basin, and one start in five or
six on some instances lands in a poor one that the later, cooler restarts never leave.
OR-Tools' local search then polishes what it finds (`routing.py`).

Feasibility is checked in O(1) per insertion with the classic forward/backward pair per route:
`free[i]`, the earliest time the group is free after the first i items, and `latest[i]`, the
latest time it may be ready at item i (the end place for i = len) and still finish the route.
Every constraint is a release time or a deadline, so inserting j between items i-1 and i is
feasible exactly when j's window admits its earliest start and the group is then ready at item i
no later than `latest[i]`. A node may have several windows: its earliest start is the first
window point at or after it is ready, its latest the last one at or before its deadline. After
an edit, a route without a break recomputes only the stretch the edit can affect (`_splice`).

The moves are weighed in blocks (gaps x candidate visits, runs x gaps, ...), where numpy's cost
per call outweighs its cost per cell on routes of 10-50 visits: so each step is one block per
route, gathered row first, in 32-bit integers when the times allow.

The break (lunch) sits on one leg of each route ("gap"), where it is taken as early as the leg
allows, on the way if need be (the rule of `rules.earliest_starts`). After each change the
break moves to the leg that leaves the most slack. An insertion into the break's own leg is tried
with the break before and after the new visit.

The rules that span tracks are kept by every move (`spanning.py`). Capacity (`Problem.capacity`:
parallel groups at one host) is checked where a route is re-timed (`_Route.change`): a new
sequence is refused when its capacity nodes, timed as the plan times them, would meet visits of
the parallel routes with more visitors than the host holds. That is a sufficient condition (a
group never waits for another to leave), asked only when the problem has capacity rules: TOPTW
and one-group trips run exactly as before.

The search never sees a date or a name; it returns node sequences per track, which
`routing.py` times and hands on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..model.problem import Problem
from ..model.rules import first_start, ready_after_leg, starts_keeping
from .params import WalkParams
from .spanning import Capacities, Spanning

_NEG = -(2**40)  # "infeasible" for a latest time
_INF = 2**40
# Times whose sizes stay below this are evaluated in 32-bit arrays: with the sums the moves form
# (at most four times and legs), they stay inside 2**30, and the arrays take half the memory
# traffic, which is most of the time a move evaluation takes (a fifth less on TOPTW).
_SMALL_TIMES = 2**27
_FAR = 2**50  # beyond any time or sum of times, in the 64-bit prefix sums of `_exchanges`
# What a change to the previous plan (re-planning) costs in the annealing's acceptance, in score
# points: less than the least priority (1), so the walk still takes score first, and far more
# than a mean leg of travel (`WalkParams.travel_weight`), as the rank has it.
CHANGE_COST = 0.5


class _Data:
    """The problem as arrays: one column per (node, window) copy, as candidates to insert."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        tracks = problem.tracks
        n_places = len(problem.travel)
        travel = np.array(problem.travel, dtype=np.int64).reshape(n_places, n_places)
        sizes = [abs(v) for nd in problem.nodes for w in nd.windows for v in (*w, nd.duration)]
        sizes += [abs(v) for tr in tracks for v in (tr.earliest_start, tr.latest_end)]
        sizes += [int(np.abs(travel).max())] if travel.size else []
        small = max(sizes, default=0) < _SMALL_TIMES
        self.times = np.int32 if small else np.int64
        self.infinite = 2**30 if small else _INF  # a shift no insertion reaches
        self.never = -(2**30) if small else _NEG  # a latest time no arrival meets
        self.travel: npt.NDArray[np.signedinteger] = travel.astype(self.times)
        # travel[a][:, b] gathers a block about three times faster than travel[a[:, None], b];
        # the transposed copy does the same for the legs into given places.
        self.travel_into = np.ascontiguousarray(self.travel.T)
        node_of, opens, closes = [], [], []
        for n, node in enumerate(problem.nodes):
            for a, b in node.windows:
                node_of.append(n)
                opens.append(a)
                closes.append(b)
        self.copy_node = np.array(node_of, dtype=np.int64)
        nodes = problem.nodes
        self.copy_place = np.array([nodes[n].place for n in node_of], dtype=np.int64)
        self.copy_duration = np.array([nodes[n].duration for n in node_of], dtype=self.times)
        self.copy_open = np.array(opens, dtype=self.times)
        # The time grid (`Node.grid`; windows are on it): a start is the next mark at or after
        # the moment the group is ready. Without one (grid 1 everywhere) nothing is rounded.
        self.grid = [nd.grid for nd in problem.nodes]
        self.gridded = any(g > 1 for g in self.grid) or any(
            b.grid > 1 for tr in tracks for b in tr.breaks
        )
        self.copy_grid = np.array([problem.nodes[n].grid for n in node_of], dtype=self.times)
        self.copy_close = np.array(closes, dtype=self.times)
        self.copy_score = np.array([nodes[n].score for n in node_of], dtype=np.float64)
        self.copy_required = np.array([nodes[n].required for n in node_of], dtype=bool)
        self.copy_fixed = np.array([nodes[n].fixed for n in node_of], dtype=bool)
        # For the insertion priority: a visit worth 0 only costs time, unless it must be made.
        self.copy_insertable = self.copy_required | (self.copy_score > 0)
        self.copy_worth = self.copy_score + 1e-3
        self.copy_event_bonus = self.copy_fixed * 2e12
        # allowed[t, c]: track t may serve copy c (the node allows it and the window meets the day)
        allowed = np.zeros((len(tracks), len(node_of)), dtype=bool)
        for c, n in enumerate(node_of):
            for t in problem.allowed_tracks(n):
                track = tracks[t]
                if opens[c] <= track.latest_end and closes[c] >= track.earliest_start:
                    allowed[t, c] = True
        self.allowed = allowed
        self.insertable = self.allowed & self.copy_insertable  # per track and copy
        # What a copy's insertion is weighed with, gathered at once: place, duration, window.
        self.copy_times = np.stack(
            (self.copy_place, self.copy_duration, self.copy_open, self.copy_close)
        ).astype(self.times)
        # Fixed-time events stay where they are; a must-visit may move to another time or day.
        self.movable = [not nd.fixed for nd in nodes]
        self.breaks = [track.breaks[0] if track.breaks else None for track in tracks]
        self.travel_rows = problem.travel
        self.place = [nd.place for nd in nodes]
        self.duration = [nd.duration for nd in nodes]
        self.windows = [nd.windows for nd in nodes]
        self.single_window = [nd.windows[0] if len(nd.windows) == 1 else None for nd in nodes]
        self.score = [nd.score for nd in nodes]
        self.required = [nd.required for nd in nodes]
        self.fixed = [nd.fixed for nd in nodes]
        self.n_required = sum(self.required)
        self.required_nodes = [n for n, nd in enumerate(nodes) if nd.required and self.movable[n]]
        self.n_fixed = sum(self.fixed)
        # The `must` choices (`Problem.one_of`): one left unmet ranks like a must-visit left out.
        self.must_choices = [np.array(c.nodes, dtype=np.int64) for c in problem.one_of if c.must]
        self.max_score = problem.max_score()
        # Re-planning (`Problem.previous`): how many visits of the previous plan there are, and
        # whether any track has one, so a route counts what it keeps (`_Route.kept_count`).
        self.n_previous = len(problem.previous)
        self.previous_tracks = {v.track for v in problem.previous}
        self.copies_of: list[list[int]] = [[] for _ in nodes]
        for c, n in enumerate(node_of):
            self.copies_of[n].append(c)
        places = sorted({nd.place for nd in nodes})
        # The nodes nearest to each node, for string removal around a seed: by travel, then by
        # index (a stable sort), the 64 first.
        node_places = np.array([nd.place for nd in nodes], dtype=np.int64)
        between = self.travel[node_places[:, None], node_places[None, :]]
        self.neighbours: list[list[int]] = np.argsort(between, axis=1, kind="stable")[
            :, :64
        ].tolist()
        legs = self.travel[np.ix_(places, places)]
        self.mean_leg = float(legs[legs > 0].mean()) if (legs > 0).any() else 1.0
        scores = [nd.score for nd in nodes if nd.score > 0]
        self.mean_score = sum(scores) / len(scores) if scores else 1.0
        self.move_layouts: dict[int, _MoveLayout] = {}
        self.swap_layouts: dict[int, _SwapLayout] = {}
        # What a swap gains by taking a copy in: a must-visit is worth more than any score.
        self.copy_swap_worth = self.copy_score + np.where(self.copy_required, 1e9, 0.0)
        self.copy_swap_worth[~self.copy_insertable] = -np.inf
        # Per node, for `_exchanges`: the hull of its windows (one window for most nodes), in
        # 64 bits, as its sums with the sentinel `_FAR` need.
        hulls = [
            (nd.windows[0][0], max(b for _, b in nd.windows)) if nd.windows else (0, 0)
            for nd in nodes
        ]
        self.hull_open = np.array([a for a, _ in hulls], dtype=np.int64)
        self.hull_close = np.array([b for _, b in hulls], dtype=np.int64)
        self.node_duration = np.array(self.duration, dtype=np.int64)
        self.node_score = np.array(self.score, dtype=np.float64)
        self.node_required = np.array(self.required, dtype=bool)
        # The rules that span tracks (`spanning.py`): None without any, and then the walk asks
        # nothing about them. With them, every move keeps them (see `_State.barred`, `pinned`,
        # `gate`, `remove` and `_tighten`).
        self.rules = Spanning.of(problem)
        n_nodes = len(nodes)
        self.has_later = [False] * n_nodes  # some node comes after it
        self.gated = np.zeros(0, dtype=np.int64)  # nodes that come after another
        self.anchored = np.zeros(n_nodes, dtype=bool)  # a fixed event comes after it (a chain)
        self.after_earlier = np.array([r.earlier for r in problem.after], dtype=np.int64)
        self.after_later = np.array([r.later for r in problem.after], dtype=np.int64)
        self.choice_nodes = np.array([n for c in problem.one_of for n in c.nodes], dtype=np.int64)
        self.choice_of = np.array(
            [i for i, c in enumerate(problem.one_of) for _ in c.nodes], dtype=np.int64
        )
        if self.rules is not None:
            self.has_later = [bool(later) for later in self.rules.later]
            self.gated = np.array(
                [n for n in range(n_nodes) if self.rules.earlier[n]], dtype=np.int64
            )
            fixed_nodes = [n for n in range(n_nodes) if not self.movable[n]]
            self.anchored[sorted(self.rules.ahead_of(fixed_nodes))] = True
        # `Problem.capacity` (parallel groups at one host): None without it, and then no route
        # asks anything about it (`_Route.board` stays None).
        self.capacities = Capacities.of(problem)

    def swap_layout(self, n: int) -> _SwapLayout:
        layout = self.swap_layouts.get(n)
        if layout is None:
            layout = self.swap_layouts[n] = _SwapLayout.of(n)
        return layout

    def move_layout(self, n: int) -> _MoveLayout:
        layout = self.move_layouts.get(n)
        if layout is None:
            layout = self.move_layouts[n] = _MoveLayout.of(n)
        return layout


@dataclass(frozen=True)
class _MoveLayout:
    """Which moves `_tighten` weighs on a route of n items, the same for every such route."""

    start: np.ndarray  # per relocation row: the first item of the run moved
    length: np.ndarray  # and the run's length, 1-3
    inside: np.ndarray  # rows x gaps: the gap is within or beside the run (no move)
    apart: np.ndarray  # gaps x gaps: a reversal from the first to the second is a move

    @staticmethod
    def of(n: int) -> _MoveLayout:
        start = np.concatenate([np.arange(n - k + 1) for k in (1, 2, 3) if k <= n])
        length = np.concatenate([np.full(n - k + 1, k) for k in (1, 2, 3) if k <= n])
        gaps = np.arange(n + 1)
        inside = (gaps[None, :] >= start[:, None]) & (gaps[None, :] <= (start + length)[:, None])
        apart = gaps[None, :] > gaps[:, None] + 1
        return _MoveLayout(start, length, inside, apart)


@dataclass(frozen=True)
class _SwapLayout:
    """Which swaps `_State.replace` weighs on a route of n items: one or two consecutive items
    out, one copy in."""

    start: np.ndarray  # per row: the first item that goes
    length: np.ndarray  # 1 (the first n rows) or 2
    second: np.ndarray  # the second item that goes; n (no item) for one

    @staticmethod
    def of(n: int) -> _SwapLayout:
        start = np.concatenate((np.arange(n), np.arange(n - 1)))
        length = np.concatenate((np.ones(n, dtype=np.int64), np.full(n - 1, 2)))
        second = np.where(length == 2, start + 1, n)
        return _SwapLayout(start, length, second)


class _Route:
    """One track's sequence of nodes with its forward and backward times."""

    # After `data`, `t` and `board`, everything is the route's state, which `snapshot` saves
    # whole.
    __slots__ = (
        "data",
        "t",
        "board",
        "items",
        "gap",
        "free",
        "latest",
        "ready",
        "legs",
        "score",
        "required",
        "fixed",
        "cached_arrays",
        "kept",
        "held",
    )

    def __init__(self, data: _Data, t: int, items: list[int]) -> None:
        self.data, self.t = data, t
        # With capacity rules: every route of the state, by track, once the state has them all
        # (`_State.__init__`); a change is then checked against the routes parallel to this one.
        self.board: list[_Route] | None = None
        self._empty()
        if not self.change(items):
            raise ValueError(f"infeasible sequence {items} on track {t}")

    def _empty(self) -> None:
        """The times of the route without a visit (and without its break): what `_splice`
        builds a whole route from."""
        track = self.data.problem.tracks[self.t]
        home = self.data.travel_rows[track.start_place][track.end_place]
        self.items: list[int] = []
        self.gap = -1  # the leg (into item gap; len = into the end) that holds the break
        self.free = [track.earliest_start]
        self.latest = [track.latest_end]
        self.ready = [track.earliest_start + home]  # when the group is ready at each item / end
        # travel minutes, score, required nodes and fixed events served
        self.legs, self.score, self.required, self.fixed = home, 0, 0, 0
        self.cached_arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.kept: int | None = None  # previous starts kept; None: not counted since a change
        # The starts of its capacity nodes as the plan times them; None: not timed since a change
        self.held: dict[int, int] | None = None

    def kept_count(self) -> int:
        """How many visits of the previous plan this route keeps at their previous starts, as
        the plan's timing has them (`rules.starts_keeping`, the reference itself: asked only
        when re-planning, once per route after a change)."""
        if self.kept is None:
            self.kept = 0
            if self.t in self.data.previous_tracks:
                problem = self.data.problem
                starts = starts_keeping(problem, self.t, self.items)
                assert starts is not None  # the route is feasible
                old = {(v.node, v.start) for v in problem.previous if v.track == self.t}
                self.kept = sum(1 for n, s in zip(self.items, starts, strict=True) if (n, s) in old)
        return self.kept

    def places(self) -> list[int]:
        track = self.data.problem.tracks[self.t]
        place = self.data.place
        return [track.start_place] + [place[n] for n in self.items] + [track.end_place]

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`places()`, `free` and `latest` as numpy arrays, for the moves evaluated at once.
        Kept until the route changes (a recreate asks every route each round, most of them
        unchanged); callers only read them."""
        if self.cached_arrays is None:
            times = self.data.times
            self.cached_arrays = (
                np.array(self.places(), dtype=np.int64),
                np.array(self.free, dtype=times),
                np.array(self.latest, dtype=times),
            )
        return self.cached_arrays

    def snapshot(self) -> tuple:
        # change() makes new lists (and arrays), so keeping the old ones is enough to undo.
        return tuple(getattr(self, name) for name in _Route.__slots__[3:])

    def restore(self, snapshot: tuple) -> None:
        for name, value in zip(_Route.__slots__[3:], snapshot, strict=True):
            setattr(self, name, value)

    def held_starts(self) -> dict[int, int]:
        """Its capacity nodes' starts as the plan times them (`Capacities.starts_on`), timed
        once per change, when a parallel route first asks."""
        if self.held is None:
            capacities = self.data.capacities
            assert capacities is not None
            self.held = capacities.starts_on(self.t, self.items)
        return self.held

    def change(self, items: list[int], same_head: int = 0, same_tail: int = 0) -> bool:
        """Take `items` as the sequence if it can be done; else keep the route as it was.

        `same_head` and `same_tail` may say how many of the first and last items the caller
        knows are unchanged (found here otherwise). With capacity rules (`board`), the
        sequence must also keep them with the other routes as they are (`Capacities.fits`):
        only this route's times change, so every rule still holds after any accepted change,
        and restoring routes from snapshots taken together restores a plan that kept them."""
        board = self.board
        if board is None:
            return self._change(items, same_head, same_tail)
        capacities = self.data.capacities
        assert capacities is not None
        saved = self.snapshot()
        if not self._change(items, same_head, same_tail):
            return False
        held = capacities.fits(self.t, self.items, lambda u: board[u].held_starts())
        if held is None:
            self.restore(saved)
            return False
        self.held = held
        return True

    def _change(self, items: list[int], same_head: int = 0, same_tail: int = 0) -> bool:
        """`change` without the capacity rules."""
        # fast copy of rules.earliest_starts, held to it by tests/test_rules_conformance.py
        if self.data.breaks[self.t] is None:
            return self._splice(items, same_head, same_tail)
        # With a break the times depend on where it goes: the route's times without it, from
        # nothing, then the break on the leg that leaves the most slack.
        saved = self.snapshot()
        self._empty()
        if self._splice(items, 0, 0) and self._place_break():
            return True
        self.restore(saved)
        return False

    def _splice(self, items: list[int], head: int, tail: int) -> bool:
        """Take `items` if they can be done, with the times as if the route had no break, redoing
        only what the change can affect; False (and the route as it was) if they cannot.

        A forward time depends only on the items before it, a backward one only on the items
        after it. So the forward pass starts at the first changed item and stops, once past
        the last, at the first time equal to the old one (the rest is then the old route's);
        the backward pass likewise the other way. Ruin and recreate changes a few items of a
        long route at a time, and most of its checks are made here (26 per iteration)."""
        old = self.items
        count, old_count = len(items), len(old)
        shortest = min(count, old_count)
        while head < shortest and old[head] == items[head]:
            head += 1
        tail = min(tail, shortest - head)
        while tail < shortest - head and old[old_count - 1 - tail] == items[count - 1 - tail]:
            tail += 1
        data = self.data
        track = data.problem.tracks[self.t]
        travel, place, duration = data.travel_rows, data.place, data.duration
        windows, single, never = data.windows, data.single_window, data.never
        grid = data.grid if data.gridded else None  # the time grid, if any node has one
        shift = old_count - count  # old index of a new index in the unchanged tail
        first_tail = count - tail  # the new index of the first item of the unchanged tail
        old_free, old_ready, old_latest = self.free, self.ready, self.latest

        # Forward from the first changed item.
        free = old_free[: head + 1]
        ready = old_ready[:head]
        f = free[head]
        before = place[items[head - 1]] if head else track.start_place
        for i in range(head, count):
            n = items[i]
            here = place[n]
            r = f + travel[before][here]
            if grid is not None:  # the next mark of the node's grid
                start = _first_start(single[n], windows[n], -(-r // grid[n]) * grid[n])
            else:
                start = _first_start(single[n], windows[n], r)
            if start is None:
                return False
            ready.append(r)
            f = start + duration[n]
            free.append(f)
            before = here
            if i >= first_tail and f == old_free[i + 1 + shift]:
                free += old_free[i + 2 + shift :]
                ready += old_ready[i + 1 + shift :]
                break
        else:
            r = f + travel[before][track.end_place]
            if r > track.latest_end:
                return False
            ready.append(r)

        # Backward from the last changed item.
        latest = [0] * first_tail + old_latest[old_count - tail :]
        x = latest[first_tail]
        after = place[items[first_tail]] if tail else track.end_place
        for i in range(first_tail - 1, -1, -1):
            n = items[i]
            here = place[n]
            bound = x - travel[here][after] - duration[n]
            if grid is not None:  # the last mark of the node's grid
                bound = bound // grid[n] * grid[n]
            x = latest[i] = _last_start(single[n], windows[n], bound, never)
            after = here
            if i < head and x == old_latest[i]:
                latest[:i] = old_latest[:i]
                break

        # Travel, score and counts: the old route's, less the changed stretch's, plus the new.
        def stretch_legs(seq: list[int], last: int) -> int:
            legs = 0
            a = place[seq[head - 1]] if head else track.start_place
            for k in range(head, last + 1):
                b = place[seq[k]] if k < len(seq) else track.end_place
                legs += travel[a][b]
                a = b
            return legs

        gone, added = old[head : old_count - tail], items[head:first_tail]
        self.legs += stretch_legs(items, first_tail) - stretch_legs(old, old_count - tail)
        self.score += sum(data.score[n] for n in added) - sum(data.score[n] for n in gone)
        required, fixed = data.required, data.fixed
        self.required += sum(required[n] for n in added) - sum(required[n] for n in gone)
        self.fixed += sum(fixed[n] for n in added) - sum(fixed[n] for n in gone)
        self.items, self.free, self.latest, self.ready = items, free, latest, ready
        self.cached_arrays = None
        self.kept = None
        self.held = None
        return True

    def _place_break(self) -> bool:
        """Put the break on the leg where, taken as early as it may be, it leaves the most
        slack, and time the route with it; False if no leg can hold it. The times before are
        the route's without the break (`_splice`)."""
        data = self.data
        brk = data.breaks[self.t]
        assert brk is not None  # `change` calls this only on a track with a break
        travel, windows, duration, grid = data.travel_rows, data.windows, data.duration, data.grid
        places, items = self.places(), self.items
        free, latest, ready = self.free, self.latest, self.ready
        count = len(items)
        gap = -1
        best_slack = None
        step = brk.grid
        for g in range(count + 1):
            # fast copy of rules.ready_after_leg, held to it by tests/test_rules_conformance.py
            x = free[g]
            s = max(-(-x // step) * step, brk.earliest_start)
            if s + brk.duration > brk.latest_end:
                break  # later legs only start later
            r = max(x + travel[places[g]][places[g + 1]], s) + brk.duration
            slack = latest[g] - r
            if slack >= 0 and (best_slack is None or slack > best_slack):
                best_slack, gap = slack, g
        if gap < 0:
            return False
        # Times with the break on its leg: forward from the gap, backward up to it.
        on_leg = ready_after_leg(free[gap], travel[places[gap]][places[gap + 1]], brk)
        assert on_leg is not None  # the leg was chosen because the break fits on it
        ready[gap] = on_leg
        for i in range(gap, count):
            start = first_start(windows[items[i]], ready[i], grid[items[i]])
            assert start is not None
            free[i + 1] = start + duration[items[i]]
            ready[i + 1] = free[i + 1] + travel[places[i + 1]][places[i + 2]]
        # The latest the group may be free before the break's leg: the leg and the break still
        # fit before the next item's latest start, and the break (on its grid, see
        # rules.break_start) can still start in time.
        latest_break = (min(latest[gap], brk.latest_end) - brk.duration) // step * step
        bound_at_gap = min(
            latest[gap] - travel[places[gap]][places[gap + 1]] - brk.duration, latest_break
        )
        if brk.earliest_start > latest_break:
            bound_at_gap = data.never
        for i in range(gap - 1, -1, -1):
            n = items[i]
            bound = (
                bound_at_gap
                if i == gap - 1
                else latest[i + 1] - travel[places[i + 1]][places[i + 2]]
            )
            latest[i] = _latest(windows[n], (bound - duration[n]) // grid[n] * grid[n], data.never)
        self.gap = gap
        return True


def _first_start(
    window: tuple[int, int] | None, windows: tuple[tuple[int, int], ...], ready: int
) -> int | None:
    """The earliest start of a visit the group is ready for at `ready`; None if too late.
    `window` is the node's only window, if it has one: most have, and it is checked inline."""
    # fast copy of rules.first_start, held to it by tests/test_rules_conformance.py
    if window is not None:
        if ready > window[1]:
            return None
        return window[0] if window[0] > ready else ready
    return first_start(windows, ready)


def _last_start(
    window: tuple[int, int] | None, windows: tuple[tuple[int, int], ...], bound: int, never: int
) -> int:
    """The latest start at or before `bound`; `never` if there is none: the windows rule
    (`rules.first_start`) backwards, for the backward pass."""
    # fast copy of rules.first_start, held to it by tests/test_rules_conformance.py
    if window is not None:
        x = window[1] if window[1] < bound else bound
        return never if x < window[0] else x
    return _latest(windows, bound, never)


def _latest(windows: tuple[tuple[int, int], ...], bound: int, never: int) -> int:
    best = never
    for a, b in windows:
        if a <= bound:
            best = max(best, min(b, bound))
    return best


@dataclass(frozen=True)
class _Round:
    """The random choices of one recreate: a spread per copy, a bias per route, and whether the
    must-visits go in first (or after the scored visits, into the room these leave)."""

    spread: np.ndarray
    bias: np.ndarray
    required_first: bool
    must: np.ndarray | None = None  # per copy: of a node of a `must` choice none of is served

    def factors(self, data: _Data) -> np.ndarray:
        """Per copy (column), what its insertion priority is made of: the rows are its worth, the
        factor of this round's spread, the must-visits' head start in this round (the nodes of
        unmet `must` choices' too), and the events' head start. One table per recreate, so that
        each route gathers it at once."""
        urgent = data.copy_required if self.must is None else data.copy_required | self.must
        first = urgent * 1e12 if self.required_first else np.zeros(self.spread.size)
        return np.stack((data.copy_worth, 1.0 + self.spread, first, data.copy_event_bonus))


def _insertions(
    data: _Data,
    route: _Route,
    candidates: np.ndarray,
    round_: _Round,
    factors: np.ndarray,
    priority_row: np.ndarray,
    position_row: np.ndarray,
    gate: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Fill `priority_row` (per copy: how much it should go in next, -inf where it cannot go
    into this route or is not a candidate) and `position_row` (the gap where it would go).
    `gate`: copies that may go no earlier than a given gap (`_State.gate`)."""
    track = data.problem.tracks[route.t]
    brk = track.breaks[0] if track.breaks and route.gap >= 0 else None
    priority_row.fill(-np.inf)
    cols = np.flatnonzero(candidates & data.insertable[route.t])
    if cols.size == 0:
        return
    # One row per gap (before item i; the last before the end place), and for the break's gap
    # a second one: the first has the break on the way in, the second on the way out.
    places, prev_free, latest_next = route.arrays()
    prev_place, next_place = places[:-1], places[1:]
    if brk is not None:
        row_gap = np.arange(len(prev_free) + 1)
        row_gap[-1] = route.gap
        prev_place, next_place = prev_place[row_gap], next_place[row_gap]
        prev_free, latest_next = prev_free[row_gap], latest_next[row_gap]
    travel = data.travel
    cplace, duration, opens, closes = data.copy_times[:, cols]
    t_in = travel[prev_place][:, cplace]
    t_out = data.travel_into[next_place][:, cplace]
    ready = prev_free[:, None] + t_in
    if brk is not None:
        # fast copy of rules.ready_after_leg, held to it by tests/test_rules_conformance.py
        g = route.gap
        lunch = max(-(-int(prev_free[g]) // brk.grid) * brk.grid, brk.earliest_start)
        ready[g] = np.maximum(ready[g], lunch) + brk.duration
    if data.gridded:
        # fast copy of rules.first_start: the next mark of the copy's grid
        step = data.copy_grid[cols]
        start = np.maximum(-(-ready // step) * step, opens)
    else:
        start = np.maximum(ready, opens)
    late = start > closes
    free = start + duration
    arrive = free + t_out
    # The time the visit takes from the day: the detour, the wait for its window and the visit
    # itself (Vansteenwegen's "shift"). How much later the group reaches the next item would
    # be blind to slack that later visits could have used: a visit before lunch would look free.
    shift = arrive - ready
    shift += t_in
    shift -= travel[prev_place, next_place][:, None]
    if brk is not None:
        last = len(row_gap) - 1
        s = np.maximum(-(-free[last] // brk.grid) * brk.grid, brk.earliest_start)
        late[last] |= s + brk.duration > brk.latest_end
        arrive[last] = np.maximum(arrive[last], s) + brk.duration
    late |= arrive > latest_next[:, None]
    shift[late] = data.infinite
    if gate is not None:
        # `after`: a copy goes in behind the nodes of this route it comes after, or nowhere.
        at, first = _gated_columns(cols, gate)
        if at.size:
            gaps = row_gap if brk is not None else np.arange(shift.shape[0])
            early = gaps[:, None] < first[None, :]
            shift[:, at] = np.where(early, data.infinite, shift[:, at])
    best_row = np.argmin(shift, axis=0)
    best_shift = shift.min(axis=0)
    worth, spread, first, event = factors[:, cols]
    priority = worth / (np.maximum(best_shift, 0) * round_.bias[route.t] + 1.0)
    priority *= spread
    priority += first
    priority += event  # events first, always
    priority_row[cols] = np.where(best_shift < data.infinite, priority, -np.inf)
    position_row[cols] = best_row if brk is None else row_gap[best_row]


def _gated_columns(
    cols: np.ndarray, gate: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Of the gated copies (`_State.gate`), those among `cols` (sorted): their indices in
    `cols` and the first gap each may take."""
    copies, first = gate
    at = np.searchsorted(cols, copies)
    inside = at < cols.size
    inside[inside] = cols[at[inside]] == copies[inside]
    return at[inside], first[inside]


def _exchanges(
    data: _Data,
    route: _Route,
    open_copies: np.ndarray,
    limit: int = 4,
    keep: np.ndarray | None = None,
    worth: np.ndarray | None = None,
) -> list[tuple[int, int, int]]:
    """The best moves (up to `limit`, the most gain first) that take one visit out of the route
    and put one open copy worth more in, anywhere: (index of the visit out, copy in, index in the
    sequence without that visit where the copy goes).

    Weighed without the route's break and with each visit's windows as one (their hull), so a
    move may still be refused by `change()`; with one window per visit and no break, on travel
    that obeys the triangle inequality, the test here is exact. Without visit q, the times after
    it move earlier by what q cost (its legs and visit less the direct leg, `saved`), and from the
    prefix sums `position` of visit and travel times along the route each time is a prefix
    maximum (earliest start) or suffix minimum (latest start), so all removals are weighed at
    once: the latest time at a place before q is its old bound with the part after q eased by
    `saved`, the earliest free time after q is its old one brought forward the same way.

    `keep`: per node, visits that may not go (besides must-visits); `worth`: per copy, what it
    is worth taken in (`_Data.copy_swap_worth` unless given)."""
    items = route.items
    n = len(items)
    if n < 2:  # one visit out leaves one gap, its own, which `replace` weighs
        return []
    nodes = np.array(items, dtype=np.int64)
    removable = ~data.node_required[nodes]
    if keep is not None:
        removable &= ~keep[nodes]
    if not removable.any():
        return []
    item_score = data.node_score[nodes]
    if worth is None:
        worth = data.copy_swap_worth
    cols = np.flatnonzero(
        open_copies & data.allowed[route.t] & (worth > item_score[removable].min())
    )
    if cols.size == 0:
        return []
    # Places 0..n+1: the start, the visits, the end. Gap a runs from place a to place a + 1.
    track = data.problem.tracks[route.t]
    places = route.arrays()[0]
    opens = np.concatenate(([track.earliest_start], data.hull_open[nodes], [-_FAR]))
    closes = np.concatenate(([_FAR], data.hull_close[nodes], [track.latest_end]))
    duration = np.concatenate(([0], data.node_duration[nodes], [0]))
    legs = data.travel[places[:-1], places[1:]].astype(np.int64)
    position = np.zeros(n + 2, dtype=np.int64)
    np.cumsum(duration[:-1] + legs, out=position[1:])
    opens -= position  # from here on, relative to the position
    closes -= position
    earliest = np.maximum.accumulate(opens)  # start at place p: position[p] + earliest[p]
    latest = np.minimum.accumulate(closes[::-1])[::-1]  # latest start: position + latest
    out = np.arange(1, n + 1)  # the place of each visit that may go (rows)
    gap = np.arange(n + 1)  # columns
    saved = legs[out - 1] + duration[out] + legs[out]
    saved -= data.travel[places[out - 1], places[out + 1]]
    place = np.arange(n + 2)
    # between[a, j]: the least relative close over places a + 1..j; after[q, j]: the greatest
    # relative open over places q + 1..j (row q - 1).
    between = np.where(place[None, :] > gap[:, None], closes[None, :], _FAR)
    np.minimum.accumulate(between, axis=1, out=between)
    after = np.where(place[None, :] > out[:, None], opens[None, :], -_FAR)
    np.maximum.accumulate(after, axis=1, out=after)
    before_out = gap[None, :] <= out[:, None] - 2  # the gap ends before the visit that goes
    after_out = gap[None, :] >= out[:, None] + 1
    free = np.where(
        before_out,
        (position + earliest + duration)[gap][None, :],
        (position + duration)[gap][None, :]
        + np.maximum((earliest[out - 1] - saved)[:, None], after[:, gap]),
    )
    ready_by = np.where(
        before_out,
        position[gap + 1][None, :]
        + np.minimum(between[gap[None, :], out[:, None] - 1], (latest[out + 1] + saved)[:, None]),
        (position + latest)[gap + 1][None, :],
    )
    valid = (before_out | after_out) & removable[:, None]
    # Per gap and copy: what the copy needs of the free time before and the bound after.
    cplace = data.copy_place[cols]
    t_in = data.travel[places[:-1]][:, cplace].astype(np.int64)
    t_out = data.travel_into[places[1:]][:, cplace].astype(np.int64)
    visit_out = t_out + data.copy_duration[cols]
    free_by = data.copy_close[cols].astype(np.int64) - t_in  # to start within the window
    through = t_in + visit_out  # ready for the next place at free + through, if no wait
    waited = data.copy_open[cols].astype(np.int64) + visit_out  # ... at this, if waiting
    # A copy that fits no gap even at the best free time and bound over all removals is out.
    least_free = np.where(valid, free, _FAR).min(axis=0)
    most_room = np.where(valid, ready_by - free, -_FAR).max(axis=0)
    last_bound = np.where(valid, ready_by, -_FAR).max(axis=0)
    fits = (
        (least_free[:, None] <= free_by)
        & (most_room[:, None] >= through)
        & (last_bound[:, None] >= waited)
    ).any(axis=0)
    if not fits.any():
        return []
    cols, t_in, t_out = cols[fits], t_in[:, fits], t_out[:, fits]
    free_by, through, waited = free_by[:, fits], through[:, fits], waited[:, fits]
    ok = (
        (free[:, :, None] <= free_by[None])
        & ((ready_by - free)[:, :, None] >= through[None])
        & (ready_by[:, :, None] >= waited[None])
        & valid[:, :, None]
    )
    gain = worth[cols][None, :] - item_score[:, None]
    rows, copies = np.nonzero(ok.any(axis=1) & (gain > 0))
    if rows.size == 0:
        return []
    # Per move, the gap where the copy takes the least time from the day.
    start = np.maximum(free[rows] + t_in[:, copies].T, data.copy_open[cols[copies]][:, None])
    arrive = start + (data.copy_duration[cols[copies]][:, None] + t_out[:, copies].T)
    shift = np.where(ok[rows, :, copies], arrive - free[rows], _FAR)
    best_gap = shift.argmin(axis=1)
    order = np.lexsort((shift[np.arange(rows.size), best_gap], -gain[rows, copies]))[:limit]
    return [
        (int(r), int(cols[c]), int(g if g < r else g - 1))
        for r, c, g in zip(rows[order], copies[order], best_gap[order], strict=True)
    ]


class _State:
    """Routes plus which nodes they serve."""

    def __init__(self, data: _Data, sequences: list[list[int]], noise: np.random.Generator) -> None:
        self.data, self.noise = data, noise
        self.routes = [_Route(data, t, list(seq)) for t, seq in enumerate(sequences)]
        if data.capacities is not None:
            # `sequences` keep the capacity rules (the insertion's or the walk's own); from
            # here on every change is checked against the other routes.
            for route in self.routes:
                route.board = self.routes
        self.served = np.zeros(len(data.problem.nodes), dtype=bool)
        for seq in sequences:
            self.served[seq] = True

    def sequences(self) -> list[list[int]]:
        return [list(r.items) for r in self.routes]

    def changed(self, before: list[list[int]]) -> list[_Route]:
        """The routes whose items are no longer the lists in `before` (change() never edits
        a list in place, so identity tells)."""
        return [r for r, items in zip(self.routes, before, strict=True) if r.items is not items]

    def rank(self) -> tuple[int, int, int, int, int]:
        """`rules.Rank.key()` of these routes, from the counts the routes keep as they change:
        (fixed events missing, other must-visits missing plus must choices unmet, score left
        out, changes to the previous plan, travel minutes); smaller is better. A fast copy of
        `rules.Rank.of`, held to it by tests/test_rules_conformance.py."""
        data = self.data
        routes = self.routes
        fixed = data.n_fixed - sum(r.fixed for r in routes)
        unmet = 0
        if data.must_choices:
            unmet = sum(1 for nodes in data.must_choices if not self.served[nodes].any())
        return (
            fixed,
            data.n_required - sum(r.required for r in routes) - fixed + unmet,
            data.max_score - sum(r.score for r in routes),
            data.n_previous - sum(r.kept_count() for r in routes) if data.n_previous else 0,
            sum(r.legs for r in routes),
        )

    def snapshot(self) -> tuple:
        return [r.snapshot() for r in self.routes], self.served.copy()

    def restore(self, snapshot: tuple) -> None:
        routes, served = snapshot
        for route, saved in zip(self.routes, routes, strict=True):
            route.restore(saved)
        self.served = served

    # The rules that span tracks (`_Data.rules`), as things stand; asked only when there are any.

    def barred(self) -> np.ndarray:
        """Per node, whether it may not go in now: another node of one of its choices is
        served, or a node it comes after is not."""
        data, served = self.data, self.served
        barred = np.zeros(served.size, dtype=bool)
        if data.after_later.size:
            barred[data.after_later[~served[data.after_earlier]]] = True
        if data.choice_nodes.size:
            taken = np.bincount(data.choice_of, weights=served[data.choice_nodes]) > 0
            barred[data.choice_nodes[taken[data.choice_of]]] = True
        return barred

    def pinned(self) -> np.ndarray:
        """Per node, whether a swap (`replace`, `exchange`) may not take it out: a served node
        comes after it, or it is what meets a `must` choice."""
        data, served = self.data, self.served
        pinned = np.zeros(served.size, dtype=bool)
        if data.after_later.size:
            pinned[data.after_earlier[served[data.after_later]]] = True
        for nodes in data.must_choices:
            pinned[nodes] |= served[nodes]
        return pinned

    def unmet(self) -> np.ndarray:
        """Per node, whether it is in a `must` choice none of whose nodes is served: the walk
        values these like must-visits (an unmet choice ranks like one left out)."""
        unmet = np.zeros(self.served.size, dtype=bool)
        for nodes in self.data.must_choices:
            if not self.served[nodes].any():
                unmet[nodes] = True
        return unmet

    def swap_worth(self) -> np.ndarray:
        """Per copy, what a swap gains by taking it in: `_Data.copy_swap_worth`, and with
        `must` choices unmet, as much as a must-visit for their nodes' copies."""
        data = self.data
        if not data.must_choices:
            return data.copy_swap_worth
        return data.copy_swap_worth + np.where(self.unmet()[data.copy_node], 1e9, 0.0)

    def where(self) -> dict[int, tuple[int, int]]:
        """(track, index) of each served node that another comes after."""
        has_later = self.data.has_later
        return {n: (r.t, i) for r in self.routes for i, n in enumerate(r.items) if has_later[n]}

    def gate(
        self, route: _Route, where: dict[int, tuple[int, int]], barred: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The copies of the open nodes that come after another, each with the first gap of
        `route` it may go into (past the route's end where it may go nowhere on it):
        `Spanning.first_position`. None when there is no such copy."""
        data = self.data
        rules = data.rules
        assert rules is not None
        nowhere = len(route.items) + 1
        copies: list[int] = []
        firsts: list[int] = []
        gated = data.gated
        for n in gated[~(self.served[gated] | barred[gated])].tolist():
            first = rules.first_position(n, route.t, where)
            if first is None:
                first = nowhere
            if first:
                copies += data.copies_of[n]
                firsts += [first] * len(data.copies_of[n])
        if not copies:
            return None
        return np.array(copies, dtype=np.int64), np.array(firsts, dtype=np.int64)

    def remove(self, to_remove: set[int]) -> None:
        data = self.data
        saved = None
        if data.rules is not None and to_remove:
            # `after`: a node that a fixed event comes after stays (as the event does), and with
            # a node go the served nodes that come after it.
            to_remove = {n for n in to_remove if not data.anchored[n]}
            later = data.rules.later
            stack = list(to_remove)
            while stack:
                for m in later[stack.pop()]:
                    if m not in to_remove and self.served[m]:
                        to_remove.add(m)
                        stack.append(m)
            saved = self.snapshot()
        refused = False
        for route in self.routes:
            if any(n in to_remove for n in route.items):
                # Travel times need not obey the triangle inequality: without a visit, the
                # direct leg may be longer. The route then stays as it was.
                removed = [n for n in route.items if n in to_remove]
                if route.change([n for n in route.items if n not in to_remove]):
                    self.served[removed] = False
                else:
                    refused = True
        if refused and saved is not None:
            served = self.served
            if (served[data.after_later] & ~served[data.after_earlier]).any():
                self.restore(saved)  # a node stayed that another one gone came before

    def replace(self, route: _Route, max_moves: int = 10) -> bool:
        """Swap one or two consecutive visits of the route for one open visit worth more, at the
        same place in the sequence, best gain first; True if the route changed.

        Recreate alone rarely finds these: once a visit is out, the cheapest visits to fit
        (score per minute) fill its room, and a dearer visit worth more never gets it. A
        must-visit counts for more than any score, and must-visits and events stay in."""
        data = self.data
        rules = data.rules
        changed = False
        for _ in range(max_moves):
            items = route.items
            n = len(items)
            if n == 0:
                break
            # Row r: items i..i+k-1 go (i, k = layout.start[r], layout.length[r]), and the copy
            # comes in between places[i] and places[i + k + 1]; the one-item rows come first.
            layout = data.swap_layout(n)
            item_score = np.array([data.score[x] for x in items] + [0], dtype=np.float64)
            stays = np.array([data.required[x] for x in items] + [False])  # events are required
            open_nodes = ~self.served
            worth = data.copy_swap_worth
            gate = None
            if rules is not None:
                stays[:n] |= self.pinned()[items]
                barred = self.barred()
                open_nodes &= ~barred
                worth = self.swap_worth()
                gate = self.gate(route, self.where(), barred)
            lost = item_score[layout.start] + item_score[layout.second]
            blocked = stays[layout.start] | stays[layout.second]
            if route.gap >= 0:  # the test below holds only with the break's leg untouched
                blocked |= (layout.start <= route.gap) & (route.gap <= layout.start + layout.length)
            if blocked.all():
                break
            # A copy worth no more than the cheapest visit that may go cannot gain.
            cheapest = lost[:n][~blocked[:n]].min()
            cols = np.flatnonzero(
                open_nodes[data.copy_node] & data.allowed[route.t] & (worth > cheapest)
            )
            if cols.size == 0:
                break
            places, free, latest = route.arrays()
            cplace = data.copy_place[cols]
            start = free[layout.start][:, None] + data.travel[places[layout.start]][:, cplace]
            np.maximum(start, data.copy_open[cols], out=start)
            arrive = start + data.copy_duration[cols]
            arrive += data.travel_into[places[layout.start + layout.length + 1]][:, cplace]
            ok = (start <= data.copy_close[cols]) & (
                arrive <= latest[layout.start + layout.length][:, None]
            )
            ok &= ~blocked[:, None]
            if gate is not None:
                # `after`: the copy goes in behind the nodes of this route it comes after.
                gated, first = _gated_columns(cols, gate)
                ok[:, gated] &= layout.start[:, None] >= first[None, :]
            gain = np.where(ok, worth[cols][None, :] - lost[:, None], 0.0)
            row, col = divmod(int(np.argmax(gain)), cols.size)
            best_gain = float(gain[row, col])
            best = (int(layout.start[row]), int(layout.length[row]), int(cols[col]))
            if best_gain <= 0:
                break
            at, k, c = best
            node = int(data.copy_node[c])
            removed = items[at : at + k]
            if not route.change(items[:at] + [node] + items[at + k :], at, n - at - k):
                break
            self.served[removed] = False
            self.served[node] = True
            changed = True
        return changed

    def exchange(self, route: _Route, max_moves: int = 5) -> bool:
        """Take one visit out of the route and one open visit worth more in, anywhere in it, best
        gain first (`_exchanges`); True if the route changed.

        `replace` only swaps in place. On the large TOPTW instances the plans that score most
        differ from ours in which visits they make, and a better visit often fits only elsewhere
        in the route once a poorer one is gone (pr15 and pr05 at m = 4: +0.6 % of the BKS at 10 s,
        benchmarks/README.md)."""
        data = self.data
        rules = data.rules
        changed = False
        for _ in range(max_moves):
            items = route.items
            if rules is None:
                moves = _exchanges(data, route, ~self.served[data.copy_node])
            else:
                barred = self.barred()
                open_copies = ~(self.served | barred)[data.copy_node]
                moves = _exchanges(
                    data, route, open_copies, keep=self.pinned(), worth=self.swap_worth()
                )
                where = self.where()
            for out, c, at in moves:
                node = int(data.copy_node[c])
                rest = items[:out] + items[out + 1 :]
                if rules is not None:
                    # `after`: behind the nodes it comes after (none of them the one that goes).
                    here = dict(where)
                    here.pop(items[out], None)
                    here.update((m, (route.t, i)) for i, m in enumerate(rest) if m in where)
                    first = rules.first_position(node, route.t, here)
                    if first is None or first > at:
                        continue
                if route.change(rest[:at] + [node] + rest[at:], min(out, at)):
                    self.served[items[out]] = False
                    self.served[node] = True
                    changed = True
                    break
            else:  # none, or each refused (the break, several windows, or a longer leg)
                break
        return changed

    def recreate(self, noise: float, route_noise: float) -> None:
        data = self.data
        rules = data.rules
        open_copies = ~self.served[data.copy_node] & data.allowed.any(axis=0)
        barred = self.served  # (unused without rules)
        where: dict[int, tuple[int, int]] = {}
        if rules is not None:
            barred = self.barred()
            open_copies &= ~barred[data.copy_node]
            where = self.where()

        def gate(route: _Route) -> tuple[np.ndarray, np.ndarray] | None:
            return None if rules is None else self.gate(route, where, barred)

        # Per route, how dear its time is this round: without it, a visit always goes where it
        # costs least, and a must-visit that blocks a day's best visits never moves elsewhere.
        round_ = _Round(
            spread=self.noise.uniform(-noise, noise, len(data.copy_node)),
            bias=self.noise.uniform(1.0, 1.0 + route_noise, len(self.routes)),
            required_first=not noise or self.noise.random() < 0.5,
            must=self.unmet()[data.copy_node] if data.must_choices else None,
        )
        priorities = np.empty((len(self.routes), len(data.copy_node)))
        positions = np.zeros((len(self.routes), len(data.copy_node)), dtype=np.int64)
        factors = round_.factors(data)
        for r in self.routes:
            _insertions(
                data, r, open_copies, round_, factors, priorities[r.t], positions[r.t], gate(r)
            )
        while priorities.size:
            flat = int(np.argmax(priorities))
            t, c = divmod(flat, priorities.shape[1])
            if not np.isfinite(priorities[t, c]):
                return
            if priorities[t, c] >= 1e12 and not data.copy_fixed[c]:
                # Must-visits first: of those, the one with the fewest days it still fits on,
                # so that a flexible one does not take the only room another has.
                urgent = (priorities >= 1e12) & ~data.copy_fixed
                per_node = np.bincount(
                    data.copy_node, weights=urgent.sum(axis=0), minlength=len(data.movable)
                )
                per_node[per_node == 0] = np.inf
                node = int(np.argmin(per_node))
                copies = data.copies_of[node]
                best = np.where(urgent[:, copies], priorities[:, copies], -np.inf)
                t, k = divmod(int(np.argmax(best)), len(copies))
                c = copies[k]
            route = self.routes[t]
            node = int(data.copy_node[c])
            at = int(positions[t, c])
            items = route.items
            if not route.change(items[:at] + [node] + items[at:], at, len(items) - at):
                # The break had to stay put for the check; this insertion would need it moved.
                priorities[t, c] = -np.inf
                continue
            self.served[node] = True
            copies = data.copies_of[node]
            open_copies[copies] = False
            priorities[:, copies] = -np.inf
            opened: list[int] = []
            if rules is not None:
                opened = self._took(node, route, open_copies, priorities, barred, where)
            # A visit only takes time from a route, so a copy that did not fit before it does not
            # fit after: only the copies that fitted are looked at again. (The break may move to
            # a leg with more slack and make room; the next round finds that.)
            fitted = open_copies & np.isfinite(priorities[t])
            _insertions(
                data, route, fitted, round_, factors, priorities[t], positions[t], gate(route)
            )
            if opened:
                # Nodes that came after this one may go in now, on any route.
                now = np.zeros(len(data.copy_node), dtype=bool)
                for m in opened:
                    now[data.copies_of[m]] = True
                now &= data.allowed.any(axis=0)
                open_copies |= now
                cols = np.flatnonzero(now)
                row = np.empty(len(data.copy_node))
                at_row = np.zeros(len(data.copy_node), dtype=np.int64)
                for r in self.routes:
                    _insertions(data, r, now, round_, factors, row, at_row, gate(r))
                    priorities[r.t, cols] = row[cols]
                    positions[r.t, cols] = at_row[cols]

    def _took(
        self,
        node: int,
        route: _Route,
        open_copies: np.ndarray,
        priorities: np.ndarray,
        barred: np.ndarray,
        where: dict[int, tuple[int, int]],
    ) -> list[int]:
        """`recreate` has put `node` into `route`: bar the other nodes of its choices, update
        `where` (the route's items moved along), and return the nodes that come after it and
        may go in now."""
        data = self.data
        rules = data.rules
        assert rules is not None
        has_later = data.has_later
        for i, m in enumerate(route.items):
            if has_later[m]:
                where[m] = (route.t, i)
        for m in rules.others[node]:
            barred[m] = True
            copies = data.copies_of[m]
            open_copies[copies] = False
            priorities[:, copies] = -np.inf
        served = self.served
        opened = []
        for m in rules.later[node]:
            if served[m] or not barred[m]:
                continue
            if all(served[e] for e in rules.earlier[m]) and not any(
                served[o] for o in rules.others[m]
            ):
                barred[m] = False
                opened.append(m)
        return opened


def _tighten(route: _Route, max_moves: int = 50) -> bool:
    """Shorten the route's travel by moving runs of 1-3 visits (or-opt) and reversing runs
    (2-opt), first improvement among the best few moves by travel; True if it changed."""
    data = route.data
    travel, travel_into = data.travel, data.travel_into
    # `after` within this route: a move may not put a node before one it comes after. The
    # moves only reorder the route, so whether it holds such a pair is asked once.
    rules = data.rules
    ordered = rules is not None and any(
        m in rules.later[n] for n in route.items if data.has_later[n] for m in route.items
    )
    changed = False
    for _ in range(max_moves):
        items = route.items
        n = len(items)
        if n < 2:
            break
        layout = data.move_layout(n)
        places = route.arrays()[0]
        here, after = places[:-1], places[1:]
        edge = travel[here, after]  # edge g: from places[g] to places[g + 1]
        # Row r moves items i..i+length-1 (i, length = layout.start[r], layout.length[r]) into
        # gap g (column), between places[g] and places[g + 1].
        saved = edge[layout.start] + edge[layout.start + layout.length]
        saved -= travel[places[layout.start], places[layout.start + layout.length + 1]]
        added = travel_into[places[layout.start + 1]][:, here]
        added += travel[places[layout.start + layout.length]][:, after]
        relocate = added - edge[None, :] - saved[:, None]
        relocate[layout.inside] = 0
        # Reverse items a..k-1 (2-opt): legs a and k become here[a] -> here[k] and after[a] ->
        # after[k]. Exact for symmetric travel; change() has the final word either way.
        reverse = travel[here][:, here] + travel[after][:, after] - edge[:, None] - edge[None, :]
        reverse[~layout.apart] = 0
        rows, gaps = np.nonzero(relocate < 0)
        firsts, lasts = np.nonzero(reverse < 0)
        if rows.size + firsts.size == 0:
            break
        # The best 8 by (travel saved, kind, a, b), kind 0 a reversal, 1-3 a run's length.
        delta = np.concatenate((relocate[rows, gaps], reverse[firsts, lasts]))
        kind = np.concatenate((layout.length[rows], np.zeros(firsts.size, dtype=np.int64)))
        a = np.concatenate((layout.start[rows], firsts))
        b = np.concatenate((gaps, lasts))
        order = np.lexsort((b, a, kind, delta))[:8]
        moves = np.stack((kind[order], a[order], b[order]), axis=1).tolist()
        saved_route, legs = route.snapshot(), route.legs
        for kind_, first, last in moves:
            if kind_ == 0:
                candidate = items[:first] + items[first:last][::-1] + items[last:]
            else:
                segment = items[first : first + kind_]
                rest = items[:first] + items[first + kind_ :]
                at = last if last < first else last - kind_
                candidate = rest[:at] + segment + rest[at:]
            if ordered and rules is not None and not rules.in_order(candidate):
                continue
            if route.change(candidate):
                if route.legs < legs:
                    changed = True
                    break
                route.restore(saved_route)
        else:
            break
    return changed


def _ruin(state: _State, rng: random.Random, params: WalkParams) -> set[int]:
    data = state.data
    served = [n for n in np.flatnonzero(state.served).tolist() if data.movable[n]]
    if not served:
        return set()
    missing = [n for n in data.required_nodes if not state.served[n]]
    if data.must_choices:  # an unmet `must` choice is as good as a must-visit left out
        missing += [n for n in np.flatnonzero(state.unmet()).tolist() if data.movable[n]]
    if missing and rng.random() < 0.5:
        # A must-visit is left out: clear two of the days it could go on of everything that
        # may move, so that recreate can pack the must-visits afresh (400 hosts x 5 days: one
        # must-visit fits only if two others swap days at the same time).
        node = rng.choice(missing)
        days = sorted({t for c in data.copies_of[node] for t in np.flatnonzero(data.allowed[:, c])})
        cleared = rng.sample(days, min(2, len(days)))
        return {n for t in cleared for n in state.routes[t].items if data.movable[n]}
    count = min(len(served), rng.randint(params.ruin_min, params.ruin_max))
    if rng.random() < 0.2:
        return set(rng.sample(served, count))
    # Strings: around a random seed, cut a run of consecutive visits from each route that holds
    # one of the seed's neighbours, until enough are removed.
    route_of = {n: r for r in state.routes for n in r.items}
    seed = rng.choice(served)
    removed: set[int] = set()
    touched: set[int] = set()
    for n in data.neighbours[seed]:
        if len(removed) >= count:
            break
        route = route_of.get(n)
        if route is None or route.t in touched:
            continue
        touched.add(route.t)
        items = route.items
        length = rng.randint(1, min(params.max_string, len(items), count - len(removed)))
        at = items.index(n)
        first = rng.randint(max(0, at - length + 1), min(at, len(items) - length))
        removed.update(m for m in items[first : first + length] if data.movable[m])
    return removed


@dataclass(eq=False)
class _Walk:
    """One walk of `improve`: its plan, the plan's rank, its own best rank, and the iterations
    since that best."""

    state: _State
    current: tuple[int, int, int, int, int]
    best: tuple[int, int, int, int, int]
    idle: int = 0

    @staticmethod
    def fresh(
        data: _Data, best: list[list[int]], noise: np.random.Generator, params: WalkParams
    ) -> _Walk:
        """A walk from scratch: only the fixed events of `best` stay, everything else is
        recreated with noise."""
        state = _State(data, best, noise)
        state.remove({n for r in state.routes for n in r.items if data.movable[n]})
        state.recreate(params.noise, params.route_noise)
        rank = state.rank()
        return _Walk(state, rank, rank)


def improve(
    problem: Problem,
    sequences: list[list[int]],
    rng: random.Random,
    progress: Callable[[], float],
    on_best: Callable[[list[list[int]], tuple[int, int, int, int, int]], None],
    params: WalkParams | None = None,
) -> list[list[int]]:
    """Ruin and recreate from `sequences` (feasible node sequences per track) until `progress()`,
    the share of the budget spent, reaches 1. Calls `on_best` at every new best (ranked by
    `rules.Rank`, whose `key()` it hands on) and returns the best.

    The first `params.race_share` of the budget is a race of `params.starts` walks taking
    iterations in turn, each as hot as a single walk would be; the one with the best plan then
    goes on alone. A hot walk settles in its basin early, and on some instances one start in
    five or six lands in a poor one that later restarts, cooler, never leave (TOPTW pr09 m=2:
    about 860 instead of 905, benchmarks/README.md): two starts make that rare."""
    params = params or WalkParams()
    data = _Data(problem)
    noise = np.random.default_rng(rng.getrandbits(64))
    state = _State(data, sequences, noise)
    state.recreate(0.0, 0.0)
    best_rank = state.rank()
    best = state.sequences()
    on_best(best, best_rank)
    walks = [_Walk(state, best_rank, best_rank)]
    walks += [_Walk.fresh(data, best, noise, params) for _ in range(params.starts - 1)]
    for walk in walks[1:]:
        if walk.best < best_rank:
            best_rank, best = walk.best, walk.state.sequences()
            on_best(best, best_rank)
    turn = 0
    weight = params.travel_weight / data.mean_leg
    t0 = params.start_temperature * data.mean_score
    t1 = params.end_temperature * data.mean_score

    def cost(rank: tuple[int, int, int, int, int]) -> float:
        """What the annealing accepts by, not a rank: missing events and must-visits outweigh
        everything, but score and travel are traded at `weight`, so the walk may take a
        little more travel for score, and back; a change to the previous plan costs
        `CHANGE_COST` score points. The best is kept by the rank itself."""
        return rank[0] * 1e12 + rank[1] * 1e9 + rank[2] + CHANGE_COST * rank[3] + weight * rank[4]

    while True:
        done = progress()
        if done >= 1.0:
            break
        if len(walks) > 1 and done >= params.race_share:
            # The race is over: the walk with the best plan goes on alone.
            walks = [min(walks, key=lambda w: w.best)]
        k = turn % len(walks)
        walk = walks[k]
        turn += 1
        state = walk.state
        temperature = t0 * (t1 / t0) ** done
        before = state.snapshot()
        before_items = [r.items for r in state.routes]
        state.remove(_ruin(state, rng, params))
        state.recreate(params.noise, params.route_noise)
        # Less travel leaves room, and so may a swap: refill it at once, after each, so that the
        # swaps see refilled routes. (One refill after both was not better on the benchmark.)
        if params.tighten and any([_tighten(r) for r in state.changed(before_items)]):
            state.recreate(params.noise, params.route_noise)
        if params.replace and any([state.replace(r) for r in state.changed(before_items)]):
            state.recreate(params.noise, params.route_noise)
        if params.exchange and any([state.exchange(r) for r in state.changed(before_items)]):
            state.recreate(params.noise, params.route_noise)
        rank = state.rank()
        if rank < best_rank:
            best_rank, best = rank, state.sequences()
            on_best(best, best_rank)
        if rank < walk.best:
            walk.best, walk.idle = rank, 0
        else:
            walk.idle += 1
        threshold = cost(walk.current) - temperature * math.log(rng.random() or 1e-12)
        if cost(rank) <= threshold:
            walk.current = rank
        else:
            state.restore(before)
        if walk.idle >= params.restart_after:
            # This walk is stuck in its basin (TOPTW: often within the first second, while
            # another start finds a better one). Start a new walk from scratch: only the fixed
            # events stay, everything else is recreated with this walk's noise. The best so
            # far is kept apart.
            walks[k] = _Walk.fresh(data, best, noise, params)
    return best
