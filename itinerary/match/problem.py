"""The neutral meeting model: slots, participants and requests as integers; the reference rules.

A `MeetingProblem` knows minutes and indices only (no names, no dates). Each `Request` is one
meeting asked for: an unordered pair of participants (a request both ways is one request worth
both priorities). A `MeetingSchedule` gives some requests a slot and a table.

The rules of a feasible schedule (`violations`), stated once here:

1. a meeting is in a slot in which both participants are available;
2. nobody is in two meetings of one slot;
3. at most `tables` meetings per slot, each at its own table (0 … tables − 1);
4. at most `interpreters` meetings needing an interpreter per slot (None: no limit);
5. at most `max_meetings` meetings per participant (None: no limit);
6. each request at most once.

How two schedules rank (`rank`), best first: more `must` requests met, then the larger sum of
priorities, then fewer participants with requests but no meeting (fairness), then fewer idle
gaps (a run of free slots between two of a participant's meetings, as in Bofill et al., JAIR
2022). Fairness comes before the gaps because it decides *which* meetings take place (a
participant with none came for nothing), the gaps only *when*. The event's breaks are not
idle: slots are consecutive in their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A `must` request weighs this much in the priority sum (the highest priority); it is also
# counted on its own, first.
MUST_PRIORITY = 100


@dataclass(frozen=True)
class Slot:
    """A meeting slot: [start, end) in minutes on the problem's axis."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"slot {self} ends before it starts")


@dataclass(frozen=True)
class Request:
    """One meeting asked for between participants `a` < `b`: `priority` is the sum of the
    requests it serves (a `must` one counting MUST_PRIORITY), `must` when one of them is."""

    a: int
    b: int
    priority: int
    must: bool = False
    needs_interpreter: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.a < self.b:
            raise ValueError(f"request {self}: participants must be a < b")
        if self.priority < 1:
            raise ValueError(f"request {self}: priority must be positive")

    @property
    def pair(self) -> tuple[int, int]:
        return (self.a, self.b)


@dataclass(frozen=True)
class MeetingProblem:
    slots: tuple[Slot, ...]
    # Per participant, the indices of the slots they are present for.
    available: tuple[frozenset[int], ...]
    requests: tuple[Request, ...]
    tables: int
    interpreters: int | None = None
    max_meetings: int | None = None

    def __post_init__(self) -> None:
        for before, after in zip(self.slots, self.slots[1:], strict=False):
            if after.start < before.end:
                raise ValueError("slots must be in order and must not overlap")
        n = len(self.slots)
        for slots in self.available:
            if any(not 0 <= s < n for s in slots):
                raise ValueError("an available slot index is out of range")
        seen: set[tuple[int, int]] = set()
        for r in self.requests:
            if r.b >= len(self.available):
                raise ValueError(f"request {r} names an unknown participant")
            if r.pair in seen:
                raise ValueError(f"two requests for the pair {r.pair}: merge them")
            seen.add(r.pair)
        if self.tables < 1:
            raise ValueError("at least one table")
        if self.interpreters is not None and self.interpreters < 0:
            raise ValueError("interpreters must not be negative")
        if self.max_meetings is not None and self.max_meetings < 1:
            raise ValueError("max_meetings must be at least 1")

    @property
    def participants(self) -> int:
        return len(self.available)

    def common_slots(self, r: int) -> list[int]:
        """The slots in which both participants of request `r` are present, in order."""
        req = self.requests[r]
        return sorted(self.available[req.a] & self.available[req.b])

    def requested(self) -> set[int]:
        """The participants named by at least one request."""
        return {p for r in self.requests for p in r.pair}

    @property
    def total_priority(self) -> int:
        return sum(r.priority for r in self.requests)


@dataclass(frozen=True)
class Meeting:
    request: int
    slot: int
    table: int


@dataclass(frozen=True, order=True)
class MeetingRank:
    """Larger is better, field by field (see the module docstring)."""

    must: int
    score: int
    neg_without: int
    neg_gaps: int


@dataclass(frozen=True)
class MeetingSchedule:
    """Meetings, in slot then table order. `bound`: no schedule meeting at least as many
    `must` requests has a larger priority sum; `optimal`: `score` meets it. `gaps_optimal`: no
    schedule of the same meetings has fewer idle gaps (proven; else they are made few)."""

    meetings: tuple[Meeting, ...]
    score: int
    bound: int
    optimal: bool
    idle_gaps: int
    without: int  # participants with requests but no meeting
    must_met: int
    stages: tuple[str, ...] = field(default=())  # how each stage of the solve ended
    gaps_optimal: bool = False

    def by_request(self) -> dict[int, Meeting]:
        return {m.request: m for m in self.meetings}


def score(problem: MeetingProblem, meetings: Iterable[Meeting]) -> int:
    return sum(problem.requests[m.request].priority for m in meetings)


def busy_slots(problem: MeetingProblem, meetings: Iterable[Meeting]) -> list[list[int]]:
    """Per participant, the sorted slots of their meetings."""
    out: list[list[int]] = [[] for _ in range(problem.participants)]
    for m in meetings:
        r = problem.requests[m.request]
        out[r.a].append(m.slot)
        out[r.b].append(m.slot)
    return [sorted(slots) for slots in out]


def gaps_of(slots: Sequence[int]) -> int:
    """Idle gaps in one participant's sorted meeting slots: runs of free slots between two."""
    return sum(1 for s, t in zip(slots, slots[1:], strict=False) if t > s + 1)


def idle_gaps(problem: MeetingProblem, meetings: Iterable[Meeting]) -> int:
    return sum(gaps_of(slots) for slots in busy_slots(problem, meetings))


def without_meeting(problem: MeetingProblem, meetings: Iterable[Meeting]) -> int:
    """Participants who asked or were asked for a meeting and have none."""
    busy = busy_slots(problem, meetings)
    return sum(1 for p in problem.requested() if not busy[p])


def rank(problem: MeetingProblem, meetings: Sequence[Meeting]) -> MeetingRank:
    must = sum(1 for m in meetings if problem.requests[m.request].must)
    return MeetingRank(
        must,
        score(problem, meetings),
        -without_meeting(problem, meetings),
        -idle_gaps(problem, meetings),
    )


def violations(problem: MeetingProblem, meetings: Sequence[Meeting]) -> list[str]:
    """Every rule of the module docstring that `meetings` break, in words (empty: feasible)."""
    out: list[str] = []
    seen_requests: set[int] = set()
    at: dict[tuple[int, int], int] = {}  # (participant, slot) -> request
    tables: dict[tuple[int, int], int] = {}  # (slot, table) -> request
    per_slot = [0] * len(problem.slots)
    interpreted = [0] * len(problem.slots)
    count = [0] * problem.participants
    for m in meetings:
        if not 0 <= m.request < len(problem.requests):
            out.append(f"meeting {m}: no such request")
            continue
        if not 0 <= m.slot < len(problem.slots):
            out.append(f"meeting {m}: no such slot")
            continue
        r = problem.requests[m.request]
        if m.request in seen_requests:
            out.append(f"request {m.request} is met twice")
        seen_requests.add(m.request)
        for p in r.pair:
            if m.slot not in problem.available[p]:
                out.append(f"participant {p} is not present in slot {m.slot}")
            if (p, m.slot) in at:
                out.append(f"participant {p} has two meetings in slot {m.slot}")
            at[(p, m.slot)] = m.request
            count[p] += 1
        if not 0 <= m.table < problem.tables:
            out.append(f"meeting {m}: no table {m.table}")
        if (m.slot, m.table) in tables:
            out.append(f"table {m.table} holds two meetings in slot {m.slot}")
        tables[(m.slot, m.table)] = m.request
        per_slot[m.slot] += 1
        interpreted[m.slot] += r.needs_interpreter
    for s, n in enumerate(per_slot):
        if n > problem.tables:
            out.append(f"slot {s} holds {n} meetings at {problem.tables} tables")
        if problem.interpreters is not None and interpreted[s] > problem.interpreters:
            out.append(
                f"slot {s} needs {interpreted[s]} interpreters, {problem.interpreters} are there"
            )
    if problem.max_meetings is not None:
        for p, n in enumerate(count):
            if n > problem.max_meetings:
                out.append(f"participant {p} has {n} meetings, at most {problem.max_meetings}")
    return out


@dataclass(frozen=True)
class MatchParams:
    """How hard CP-SAT works, in deterministic time (a count of work: the same schedule on
    every machine) per stage: `work` for which meetings (must requests, priority sum,
    fairness), `bound_work` for the relaxation that proves the bound, `polish_work` for the
    slots with the fewest idle gaps. `time_limit` (seconds, for the two
    stages together) is a safety net only; when it ends a stage the result may depend on the
    machine's speed; the first stage may use half of it. One worker and a fixed seed:
    reproducible."""

    work: float = 2.0
    bound_work: float = 1.5
    polish_work: float = 0.5
    time_limit: float | None = 8.0
    seed: int = 1
    workers: int = 1

    def __post_init__(self) -> None:
        if self.work <= 0 or self.bound_work <= 0 or self.polish_work < 0 or self.workers < 1:
            raise ValueError(f"invalid matchmaking parameters: {self}")
        if self.time_limit is not None and self.time_limit <= 0:
            raise ValueError(f"invalid matchmaking parameters: {self}")
