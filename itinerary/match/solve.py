"""Meetings scheduled with CP-SAT: the only module of `match` importing OR-Tools (the package
imports it lazily, so `itinerary --help` never loads it).

The model. A boolean x[r, s] for request r and slot s exists only where both participants are
present in s (a large event has ~10 of its 16 slots per pair, not all). Constraints: a request
at most once; per participant and slot at most one meeting; per slot at most `tables` meetings
and at most `interpreters` needing one; per participant at most `max_meetings`. Tables are
interchangeable, so the model picks slots only and `greedy.assign_tables` seats the meetings
afterwards.

Stages, lexicographic as `problem.rank`:

1. *Which meetings.* Maximise W · (must requests met) + K · (priority sum) + (participants with
   a meeting), K = participants + 1, W = K · total priority + K, from the greedy schedule
   (`greedy.by_priority`) as a hint.
2. *The bound.* The slots are nearly interchangeable, so the model's bound closes slowly (a
   400-participant event: 1.2 % after 30 s on 8 workers). A relaxation without slots closes it
   at once: a boolean per request, each participant in at most as many meetings as they are
   present for slots (and `max_meetings`), at most `tables` × slots meetings, at most
   `interpreters` × slots needing one. Any schedule is a solution of it, so its proven bound
   holds; `bound` is the lower of the two (at the must count met): no schedule meeting as
   many must requests has a larger priority sum.
3. *When.* The chosen meetings keep their set and move between slots for fewer idle gaps:
   first by hill climbing (`greedy.fewer_gaps`: a meeting to a free slot, two meetings
   trading slots), then, unless that left no gap, CP-SAT gives each exactly one slot with the
   fewest gaps (`_Model.idle_gap_terms`): a participant with few possible busy patterns (n of
   their slots, n their meetings: C(6, 3) = 20 on a 6-slot event) by a boolean per pattern
   costing its gaps, which is the participant's exact convex hull, so an event of some twenty
   participants and six slots is proven in a few hundredths of a second; the others by the
   slots where a run of their meetings starts (a weak bound: a large 16-slot event keeps the
   hill climb's gaps, unproven). `MeetingSchedule.gaps_optimal` says whether the gaps are
   proven fewest for these meetings. The meeting graph is not split into components: the
   tables and the interpreters of a slot couple them, and in each example one component
   holds every meeting anyway.

Reproducible: one worker, a fixed seed, deterministic time limits (`MatchParams`); the
wall-clock `time_limit` is a safety net.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from ortools.sat.python import cp_model

from ..solver.interrupts import run_stoppable
from .greedy import assign_tables, by_priority, fewer_gaps, first_come_first_served
from .problem import (
    MatchParams,
    MeetingProblem,
    MeetingSchedule,
    gaps_of,
    idle_gaps,
    score,
    without_meeting,
)

_DONE = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}


def schedule_meetings(
    problem: MeetingProblem, params: MatchParams | None = None
) -> MeetingSchedule:
    params = params or MatchParams()
    started = time.monotonic()

    def elapsed() -> float:
        return time.monotonic() - started

    def left() -> float | None:
        if params.time_limit is None:
            return None
        return params.time_limit - elapsed()

    hint = by_priority(problem)
    if not problem.requests:
        return _schedule(problem, {}, 0, True, (), True)
    k = problem.participants + 1
    weight = k * problem.total_priority + k

    def value(slot_of: Mapping[int, int]) -> int:
        met = {p for r in slot_of for p in problem.requests[r].pair}
        must = sum(problem.requests[r].must for r in slot_of)
        return weight * must + k * sum(problem.requests[r].priority for r in slot_of) + len(met)

    # The relaxation first: its bound, and its choice of meetings slotted greedily as a
    # second first solution.
    relaxed, relaxed_status, picked = _relaxation(problem, params, left())
    stages: tuple[str, ...] = (f"relaxation {relaxed_status}",)
    if picked:
        order = sorted(
            range(len(problem.requests)),
            key=lambda r: (
                r not in picked,
                not problem.requests[r].must,
                -problem.requests[r].priority,
                r,
            ),
        )
        second = first_come_first_served(problem, order)
        if value(second) > value(hint):
            hint = second
    best = hint
    model = _Model(problem)
    has = model.participation()
    first = sum(
        (weight * problem.requests[r].must + k * problem.requests[r].priority) * var
        for (r, _s), var in model.x.items()
    ) + sum(has.values())
    model.model.maximize(first)
    model.hint(hint, has)
    # Stage 1 may run to half the time limit, model building included.
    half = None if params.time_limit is None else params.time_limit / 2 - elapsed()
    solver = _solver(params, params.work, half)
    status = _solve(solver, model.model)
    stages += (_status(status),)
    if status in _DONE:
        found = model.read(solver)
        if value(found) > value(best):
            best = found
    proven = status == cp_model.OPTIMAL
    must_met = sum(problem.requests[r].must for r in best)
    w = problem.total_priority + 1
    bound = min(problem.total_priority, relaxed - w * must_met)
    if status in _DONE:
        # objective ≤ B, and participation is at most k − 1: priority ≤ (B − W·must) / k.
        bound = min(bound, (int(solver.best_objective_bound + 1e-6) - weight * must_met) // k)
    # The hill climb may run to 80 % of the time limit, CP-SAT's gap stage to its end.
    late = None if params.time_limit is None else 0.8 * params.time_limit
    best = fewer_gaps(problem, best, stop=None if late is None else lambda: elapsed() > late)
    remaining = left()
    gaps_before = idle_gaps(problem, assign_tables(problem, best))
    # No gaps, or one meeting: nothing to prove.
    fewest = gaps_before == 0
    if params.polish_work > 0 and not fewest and (remaining is None or remaining > 0.2):
        slotted, status = _fewest_gaps(problem, best, params, remaining)
        stages += (_status(status),)
        fewest = status == cp_model.OPTIMAL
        if slotted is not None and idle_gaps(problem, assign_tables(problem, slotted)) < (
            gaps_before
        ):
            best = slotted
    return _schedule(problem, best, bound, proven, stages, fewest)


def _status(status: Any) -> str:
    return str(getattr(status, "name", status)).lower()


def _solve(solver: cp_model.CpSolver, model: cp_model.CpModel) -> Any:
    run: Callable[[], Any] = lambda: solver.solve(model)  # noqa: E731
    return run_stoppable(run, solver.stop_search)


def _relaxation(
    problem: MeetingProblem, params: MatchParams, seconds: float | None
) -> tuple[int, str, set[int]]:
    """The relaxation without slots (stage 2 of the docstring): its proven bound on
    W · must + priority (W = total priority + 1), how its solve ended, and the requests of its
    best solution."""
    m = cp_model.CpModel()
    y: dict[int, cp_model.IntVar] = {}
    by_person: dict[int, list[cp_model.IntVar]] = {}
    for r, req in enumerate(problem.requests):
        if not problem.common_slots(r):
            continue
        y[r] = m.new_bool_var(f"y{r}")
        for p in req.pair:
            by_person.setdefault(p, []).append(y[r])
    for p, group in by_person.items():
        most = len(problem.available[p])
        if problem.max_meetings is not None:
            most = min(most, problem.max_meetings)
        if len(group) > most:
            m.add(sum(group) <= most)
    m.add(sum(y.values()) <= problem.tables * len(problem.slots))
    if problem.interpreters is not None:
        m.add(
            sum(v for r, v in y.items() if problem.requests[r].needs_interpreter)
            <= problem.interpreters * len(problem.slots)
        )
    # Priority first at this must count: W·must + priority, W above any priority sum.
    w = problem.total_priority + 1
    m.maximize(
        sum((w * problem.requests[r].must + problem.requests[r].priority) * v for r, v in y.items())
    )
    solver = _solver(params, params.bound_work, seconds)
    # The relaxation is a b-matching: its LP bound is nearly integral, and presolve only
    # delays it.
    solver.parameters.cp_model_presolve = False
    solver.parameters.linearization_level = 2
    status = _solve(solver, m)
    if status not in _DONE:
        return (
            w * sum(r.must for r in problem.requests) + problem.total_priority,
            _status(status),
            set(),
        )
    picked = {r for r, v in y.items() if solver.boolean_value(v)}
    return int(solver.best_objective_bound + 1e-6), _status(status), picked


# A participant's idle gaps are modelled by their busy patterns (every set of n_p of their
# slots, n_p their meetings: the exact convex hull of one participant, so the LP bound is
# strong and small events are proven at once) when they have at most this many patterns; else
# by block starts (weaker, but its size grows with the slots only).
_PATTERNS = 64


def _fewest_gaps(
    problem: MeetingProblem,
    chosen: Mapping[int, int],
    params: MatchParams,
    seconds: float | None,
    most_patterns: int = _PATTERNS,
) -> tuple[dict[int, int] | None, Any]:
    """The chosen requests, each in exactly one slot, with the fewest idle gaps (stage 3);
    participants with more than `most_patterns` busy patterns by their block starts."""
    chosen = dict(sorted(chosen.items()))
    model = _Model(problem, only=chosen)
    for r in chosen:
        model.model.add_exactly_one(model.by_request[r])
    terms = model.idle_gap_terms(chosen, most_patterns)
    model.model.minimize(sum(terms))
    model.hint(chosen, {})
    solver = _solver(params, params.polish_work, seconds)
    if model.by_patterns:
        # Every participant by patterns (a small event): the search alone proves it soonest,
        # and the hill climb's slots (kept anyway if not beaten) only lead it astray: the
        # examples take 0.03-0.04 deterministic units so, 0.15 with the LP or the hint.
        solver.parameters.linearization_level = 0
        model.model.clear_hints()
    status = _solve(solver, model.model)
    if status not in _DONE:
        return None, status
    return model.read(solver), status


def _schedule(
    problem: MeetingProblem,
    slot_of: Mapping[int, int],
    bound: int,
    optimal: bool,
    stages: tuple[str, ...],
    gaps_optimal: bool,
) -> MeetingSchedule:
    meetings = assign_tables(problem, slot_of)
    total = score(problem, meetings)
    return MeetingSchedule(
        meetings=meetings,
        score=total,
        bound=max(bound, total),
        optimal=optimal or total >= bound,
        idle_gaps=idle_gaps(problem, meetings),
        without=without_meeting(problem, meetings),
        must_met=sum(problem.requests[m.request].must for m in meetings),
        stages=stages,
        gaps_optimal=gaps_optimal,
    )


def _solver(params: MatchParams, work: float, seconds: float | None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.max_deterministic_time = work
    if seconds is not None:
        solver.parameters.max_time_in_seconds = max(0.01, seconds)
    # CP-SAT would catch Ctrl-C itself and return as if done; `run_stoppable` stops it instead.
    solver.parameters.catch_sigint_signal = False
    return solver


class _Model:
    """x[r, s] and the rules of a feasible schedule (the module docstring); `only`: the model
    of these requests alone."""

    def __init__(self, problem: MeetingProblem, only: Mapping[int, int] | None = None) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        m = self.model
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_request: dict[int, list[cp_model.IntVar]] = {}
        self.by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        by_slot: dict[int, list[cp_model.IntVar]] = {}
        interpreted: dict[int, list[cp_model.IntVar]] = {}
        by_person: dict[int, list[cp_model.IntVar]] = {}
        for r, req in enumerate(problem.requests):
            if only is not None and r not in only:
                continue
            own = self.by_request.setdefault(r, [])
            for s in problem.common_slots(r):
                var = m.new_bool_var(f"x{r}_{s}")
                self.x[(r, s)] = var
                own.append(var)
                for p in req.pair:
                    self.by_person_slot.setdefault((p, s), []).append(var)
                    by_person.setdefault(p, []).append(var)
                by_slot.setdefault(s, []).append(var)
                if req.needs_interpreter:
                    interpreted.setdefault(s, []).append(var)
            if len(own) > 1 and only is None:
                m.add_at_most_one(own)
        for group in self.by_person_slot.values():
            if len(group) > 1:
                m.add_at_most_one(group)
        for group in by_slot.values():
            if len(group) > problem.tables:
                m.add(sum(group) <= problem.tables)
        if problem.interpreters is not None:
            for group in interpreted.values():
                if len(group) > problem.interpreters:
                    m.add(sum(group) <= problem.interpreters)
        if problem.max_meetings is not None and only is None:
            for group in by_person.values():
                if len(group) > problem.max_meetings:
                    m.add(sum(group) <= problem.max_meetings)
        self.by_person = by_person

    def hint(self, slot_of: Mapping[int, int], has: Mapping[int, cp_model.IntVar]) -> None:
        for (r, s), var in self.x.items():
            self.model.add_hint(var, slot_of.get(r) == s)
        met = {p for r in slot_of for p in self.problem.requests[r].pair}
        for p, var in has.items():
            self.model.add_hint(var, p in met)

    def read(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {r: s for (r, s), var in self.x.items() if solver.boolean_value(var)}

    def participation(self) -> dict[int, cp_model.IntVar]:
        """Per participant with a possible meeting, a boolean that may be true only if they
        have one."""
        has: dict[int, cp_model.IntVar] = {}
        for p, group in sorted(self.by_person.items()):
            has[p] = self.model.new_bool_var(f"has{p}")
            self.model.add(has[p] <= sum(group))
        return has

    def idle_gap_terms(
        self, slot_of: Mapping[int, int], most_patterns: int
    ) -> list[cp_model.LinearExprT]:
        """Terms whose sum, minimised, is the idle gaps of the requests of `slot_of` (each in
        exactly one slot), hinted at the gaps of `slot_of`.

        A participant with n ≥ 2 meetings who may be busy in the slots S_p: when C(|S_p|, n)
        is at most `most_patterns`, a boolean per pattern (n slots of S_p), exactly one true,
        busy[p, s] = the patterns holding s, costing the pattern's gaps; else a boolean per
        slot at least 1 where a run of their meetings starts, at least one of them, costing
        their sum − 1 (minimised, exact)."""
        problem = self.problem
        m = self.model
        count: dict[int, int] = {}
        for r in slot_of:
            for p in problem.requests[r].pair:
                count[p] = count.get(p, 0) + 1
        slots_of: dict[int, list[int]] = {}
        for p, s in self.by_person_slot:
            slots_of.setdefault(p, []).append(s)
        busy_now = {(p, s) for r, s in slot_of.items() for p in problem.requests[r].pair}
        terms: list[cp_model.LinearExprT] = []
        self.by_patterns = True
        for p, slots in sorted(slots_of.items()):
            n = count.get(p, 0)
            if n < 2:
                continue
            slots.sort()
            busy = {s: sum(self.by_person_slot[(p, s)]) for s in slots}
            if math.comb(len(slots), n) <= most_patterns:
                holding: dict[int, list[cp_model.IntVar]] = {s: [] for s in slots}
                patterns = []
                mine = sorted(s for q, s in busy_now if q == p)
                for pattern in itertools.combinations(slots, n):
                    var = m.new_bool_var(f"pattern{p}_{'_'.join(map(str, pattern))}")
                    patterns.append(var)
                    for s in pattern:
                        holding[s].append(var)
                    cost = gaps_of(pattern)
                    if cost:
                        terms.append(cost * var)
                    m.add_hint(var, list(pattern) == mine)
                m.add_exactly_one(patterns)
                for s in slots:
                    m.add(busy[s] == sum(holding[s]))
                continue
            self.by_patterns = False
            starts = []
            for s in slots:
                start = m.new_bool_var(f"start{p}_{s}")
                if s - 1 in busy:
                    m.add(start >= busy[s] - busy[s - 1])
                else:
                    m.add(start >= busy[s])
                m.add_hint(start, (p, s) in busy_now and (p, s - 1) not in busy_now)
                starts.append(start)
            m.add(sum(starts) >= 1)
            terms.append(sum(starts) - 1)
        return terms
