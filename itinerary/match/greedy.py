"""Greedy schedules: CP-SAT's first solution (its hint), and the way requests are slotted by
hand (first come, first served), which the benchmark compares with. Tables are assigned
afterwards (`assign_tables`): they are interchangeable, so a slot's meetings take its tables in
turn, a participant keeping the table of the slot before where possible."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .problem import Meeting, MeetingProblem


class _Occupancy:
    """Who is busy when, and how full each slot is: the rules of `problem.violations`, kept
    incrementally (each placement is checked by the tests through `violations`)."""

    def __init__(self, problem: MeetingProblem) -> None:
        self.problem = problem
        self.busy: list[set[int]] = [set() for _ in range(problem.participants)]
        self.meetings = [0] * len(problem.slots)
        self.interpreted = [0] * len(problem.slots)

    @classmethod
    def of(cls, problem: MeetingProblem, meetings: Iterable[Meeting]) -> _Occupancy:
        """The occupancy of a schedule's meetings."""
        occupancy = cls(problem)
        for m in meetings:
            occupancy.place(m.request, m.slot)
        return occupancy

    def fits(self, r: int, s: int) -> bool:
        p = self.problem
        req = p.requests[r]
        if self.meetings[s] >= p.tables:
            return False
        if req.needs_interpreter and p.interpreters is not None:
            if self.interpreted[s] >= p.interpreters:
                return False
        for who in req.pair:
            if s in self.busy[who] or s not in p.available[who]:
                return False
            if p.max_meetings is not None and len(self.busy[who]) >= p.max_meetings:
                return False
        return True

    def place(self, r: int, s: int) -> None:
        req = self.problem.requests[r]
        self.busy[req.a].add(s)
        self.busy[req.b].add(s)
        self.meetings[s] += 1
        self.interpreted[s] += req.needs_interpreter


def first_come_first_served(
    problem: MeetingProblem, order: Iterable[int] | None = None
) -> dict[int, int]:
    """Requests in `order` (default: as given), each in the earliest slot that still fits:
    request -> slot."""
    occupancy = _Occupancy(problem)
    out: dict[int, int] = {}
    for r in range(len(problem.requests)) if order is None else order:
        for s in problem.common_slots(r):
            if occupancy.fits(r, s):
                occupancy.place(r, s)
                out[r] = s
                break
    return out


def by_priority(problem: MeetingProblem) -> dict[int, int]:
    """`must` requests first, then by priority, the pairs with fewer common slots first; each
    in a slot next to a meeting of either participant where one fits (fewer idle gaps), else the
    earliest: request -> slot."""
    order = sorted(
        range(len(problem.requests)),
        key=lambda r: (
            not problem.requests[r].must,
            -problem.requests[r].priority,
            len(problem.common_slots(r)),
            r,
        ),
    )
    occupancy = _Occupancy(problem)
    out: dict[int, int] = {}
    for r in order:
        req = problem.requests[r]
        fitting = [s for s in problem.common_slots(r) if occupancy.fits(r, s)]
        if not fitting:
            continue
        near = occupancy.busy[req.a] | occupancy.busy[req.b]
        adjacent = [s for s in fitting if s - 1 in near or s + 1 in near]
        s = (adjacent or fitting)[0]
        occupancy.place(r, s)
        out[r] = s
    return out


def assign_tables(problem: MeetingProblem, slot_of: Mapping[int, int]) -> tuple[Meeting, ...]:
    """Meetings with tables: per slot, in request order, a meeting takes the table one of its
    participants sat at in the slot before when it is free, else the lowest free table.
    Raises ValueError when a slot holds more meetings than tables."""
    by_slot: dict[int, list[int]] = {}
    for r, s in slot_of.items():
        by_slot.setdefault(s, []).append(r)
    seat: dict[int, int] = {}  # participant -> table in the previous slot with meetings
    out: list[Meeting] = []
    previous_slot: int | None = None
    for s in sorted(by_slot):
        requests = sorted(by_slot[s])
        if len(requests) > problem.tables:
            raise ValueError(f"slot {s} holds {len(requests)} meetings at {problem.tables} tables")
        if previous_slot is not None and previous_slot != s - 1:
            seat = {}
        taken: dict[int, int] = {}
        for r in requests:
            req = problem.requests[r]
            for who in req.pair:
                t = seat.get(who)
                if t is not None and t not in taken:
                    taken[t] = r
                    break
        placed = set(taken.values())
        free = (t for t in range(problem.tables) if t not in taken)
        for r in requests:
            if r not in placed:
                taken[next(free)] = r
        new_seat: dict[int, int] = {}
        for t, r in sorted(taken.items()):
            req = problem.requests[r]
            new_seat[req.a] = new_seat[req.b] = t
            out.append(Meeting(r, s, t))
        seat = new_seat
        previous_slot = s
    return tuple(sorted(out, key=lambda m: (m.slot, m.table)))


def fewer_gaps(
    problem: MeetingProblem,
    slot_of: Mapping[int, int],
    rounds: int = 3,
    stop: Callable[[], bool] | None = None,
) -> dict[int, int]:
    """The same meetings, moved between slots while that lowers the idle gaps: a meeting to a
    slot in which both are free (and a table, and an interpreter if needed), or two meetings of
    one participant swapping slots. Hill climbing in a fixed order, at most `rounds` passes:
    deterministic, unless `stop()` (asked before each meeting is tried) ends it early."""
    from .problem import gaps_of

    slots = dict(slot_of)
    occupancy = _Occupancy(problem)
    for r, s in slots.items():
        occupancy.place(r, s)

    def gaps(p: int, extra: int | None = None, without: int | None = None) -> int:
        busy = set(occupancy.busy[p])
        if without is not None:
            busy.discard(without)
        if extra is not None:
            busy.add(extra)
        return gaps_of(sorted(busy))

    def remove(r: int, s: int) -> None:
        req = problem.requests[r]
        occupancy.busy[req.a].discard(s)
        occupancy.busy[req.b].discard(s)
        occupancy.meetings[s] -= 1
        occupancy.interpreted[s] -= req.needs_interpreter

    improved = True
    while improved and rounds > 0:
        improved = False
        rounds -= 1
        for r in sorted(slots):
            if stop is not None and stop():
                return slots
            s = slots[r]
            req = problem.requests[r]
            now = gaps(req.a) + gaps(req.b)
            if now == 0:
                continue
            remove(r, s)
            best, best_gaps = s, now
            for t in problem.common_slots(r):
                if t != s and occupancy.fits(r, t):
                    after = gaps(req.a, t) + gaps(req.b, t)
                    if after < best_gaps:
                        best, best_gaps = t, after
            occupancy.place(r, best)
            if best != s:
                slots[r] = best
                improved = True
        by_slot: dict[int, list[int]] = {}
        for r, s in slots.items():
            by_slot.setdefault(s, []).append(r)
        for r in sorted(slots):
            if stop is not None and stop():
                return slots
            s = slots[r]
            req = problem.requests[r]
            if gaps(req.a) + gaps(req.b) == 0:
                continue
            for t in problem.common_slots(r):
                if t == s:
                    continue
                swapped = next(
                    (
                        q
                        for q in by_slot.get(t, ())
                        if _swaps(problem, occupancy, r, s, q, t)
                        and _swap_gain(problem, occupancy, r, s, q, t) > 0
                    ),
                    None,
                )
                if swapped is None:
                    continue
                remove(r, s)
                remove(swapped, t)
                occupancy.place(r, t)
                occupancy.place(swapped, s)
                slots[r], slots[swapped] = t, s
                by_slot[s].remove(r)
                by_slot[t].remove(swapped)
                by_slot[s].append(swapped)
                by_slot[t].append(r)
                improved = True
                break
    return slots


def _swaps(problem: MeetingProblem, occupancy: _Occupancy, r: int, s: int, q: int, t: int) -> bool:
    """Whether meeting r (in slot s) and meeting q (in slot t) may trade slots."""
    a, b = problem.requests[r], problem.requests[q]
    if t not in problem.available[a.a] or t not in problem.available[a.b]:
        return False
    if s not in problem.available[b.a] or s not in problem.available[b.b]:
        return False
    if problem.interpreters is not None and a.needs_interpreter != b.needs_interpreter:
        more = t if a.needs_interpreter else s
        if occupancy.interpreted[more] >= problem.interpreters:
            return False
    for p in a.pair:
        if t in occupancy.busy[p] and p not in b.pair:
            return False
    for p in b.pair:
        if s in occupancy.busy[p] and p not in a.pair:
            return False
    return True


def _swap_gain(
    problem: MeetingProblem, occupancy: _Occupancy, r: int, s: int, q: int, t: int
) -> int:
    from .problem import gaps_of

    a, b = problem.requests[r], problem.requests[q]
    people = set(a.pair) | set(b.pair)
    gain = 0
    for p in people:
        busy = set(occupancy.busy[p])
        before = gaps_of(sorted(busy))
        in_a, in_b = p in a.pair, p in b.pair
        if in_a and not in_b:
            busy.discard(s)
            busy.add(t)
        elif in_b and not in_a:
            busy.discard(t)
            busy.add(s)
        gain += before - gaps_of(sorted(busy))
    return gain
