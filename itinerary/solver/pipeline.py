"""The solver's stages in order, and the choice between them: the one way a Problem is solved.

    prove first ─▶ (proven in score and travel: done)
        │ otherwise
        ▼
    construct (insertion) ─▶ walk (ruin and recreate) ─▶ polish (OR-Tools) ─▶ prove afterwards

*Prove first.* On a problem the CP-SAT route model can take (trip-sized: `cpsat.may_prove`),
the proof runs before any search: it maximises the rank (fixed-time events, then required nodes
and `must` choices, then score) and, once that is proven, minimises travel at it. When both are
proven the plan is optimal in score and travel and the search is skipped: on the bundled
examples this takes a fraction of a second where the search takes seconds.

*Search.* Otherwise the search (`search.solve_search`: the insertion plan, the walk, the
OR-Tools polish) runs on its budget, and the proof runs afterwards from its plan, as a hint:
its bound then covers schedules serving as many required nodes, and it may find a better
schedule. When the first proof proved the score but ran out of work on travel, its schedule
competes with the search's and its bounds stand, so the proof does not run twice.

*Re-planning* (`Problem.previous`): the rank has the changes to the previous plan between the
score and travel, which the score proof does not see. When the first proof proves the score,
CP-SAT then keeps as many previous visits as it can at that score (`cpsat.prove_changes`); when
that is proven too, the search is skipped; otherwise the search runs (its rank counts the
changes) and every plan gets the proven lower bound on its changes (`Solution.changes_bound`).
The OR-Tools polish, which does not rank changes, is not used.

Every stage is bounded by counts of work (reproducible), or by a `Deadline`, and the best
solution by `cpsat.better` (the rank, travel last) is kept.

*The last safety net.* Every stage keeps every rule (the rules that span tracks, capacity
included: `spanning.py`, `cpsat.py`); still, the kept solution goes through the independent
check (`verify.py`) before it is returned, and one that breaks a rule never is: the insertion
plan, which keeps them by construction, is returned instead, saying why in `stopped_by` (no
stage has been seen to need it).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import InternalError
from ..model.problem import Problem, Solution
from ..model.rules import Rank, changes, earliest_starts, starts_keeping
from ..model.verify import verify_solution
from . import Deadline, Observer, Progress, ProofParams, SolveParams
from .cpsat import ScoreBound, better, events_served, may_prove, prove_bound, prove_changes
from .cpsat import required_served as _required_served
from .insertion import insertion_sequences, sequence_solution
from .search import solve_search

# Under a deadline: the share of the time kept for the proof after the search, when the problem
# is small enough to try one (the search gives back what it does not use).
PROOF_SHARE = 0.25
# Under a deadline: the share of the time the proof that runs first may take.
FIRST_PROOF_SHARE = 0.5


def run(
    problem: Problem,
    params: SolveParams,
    observer: Observer | None = None,
    deadline: Deadline | None = None,
) -> Solution:
    """The best solution of `problem` (see the module docstring); with `params.proof`, proven
    bounds on its score and travel in `Solution.score_bound` / `travel_bound` where CP-SAT got
    them. `params` carries the final budget (`SolveParams.for_problem` already applied)."""
    return kept_feasible(problem, _run(problem, params, observer, deadline))


def kept_feasible(problem: Problem, solution: Solution) -> Solution:
    """`solution` if the independent check (`verify.py`) finds nothing wrong with it; else the
    insertion plan (which keeps every rule by construction), saying why; an InternalError if
    that breaks one too."""
    broken = verify_solution(problem, solution)
    if not broken:
        return solution
    first = sequence_solution(problem, insertion_sequences(problem))
    if verify_solution(problem, first):
        raise InternalError(f"every plan found breaks a rule: {broken[0]}")
    return replace(
        first,
        solutions_found=solution.solutions_found,
        stopped_by=f"{solution.stopped_by}; that plan broke a rule ({broken[0]}), so the "
        "first plan is kept",
    )


def _run(
    problem: Problem,
    params: SolveParams,
    observer: Observer | None = None,
    deadline: Deadline | None = None,
) -> Solution:
    bound = params.proof
    if bound is None or not may_prove(problem, bound):
        return _with_changes_bound(
            problem, bound, deadline, solve_search(problem, params, observer, deadline)
        )

    # The insertion plan (milliseconds) is where CP-SAT starts: with a good first solution it
    # fixes most routes by their reduced cost at once (generated 25 hosts x 5 days: 0.01-0.45
    # units of deterministic time instead of 1.0-1.1).
    start = sequence_solution(problem, insertion_sequences(problem))
    # Under a deadline the first proof has half of the time: if it cannot close the problem,
    # the search and the proof after it still have the rest.
    first_deadline = None if deadline is None else deadline.part(FIRST_PROOF_SHARE)
    first = prove_bound(problem, bound, deadline=first_deadline, events_first=True, start=start)
    if (
        first is not None
        and first.best is not None
        and first.proven
        and first.travel_proven
        and not problem.previous  # the proof ranks no changes: the search does (`Rank`)
    ):
        if observer is not None:
            observer(_progress(problem, first.best, proving=True))
        return _with_bounds(
            problem,
            replace(first.best, stopped_by="CP-SAT proved it optimal in score and travel"),
            first,
        )

    if first is not None and first.best is not None and first.proven and problem.previous:
        # Re-planning: at the proven score, CP-SAT keeps the most visits of the previous plan it
        # can; when that is proven too, the search has nothing left to find that ranks higher.
        kept = _with_changes_bound(
            problem, bound, deadline, _with_bounds(problem, first.best, first)
        )
        if kept.changes_bound is not None and changes(problem, kept) == kept.changes_bound:
            if observer is not None:
                observer(_progress(problem, kept, proving=True))
            return replace(kept, stopped_by="CP-SAT proved the score, then the fewest changes")

    search_deadline = None if deadline is None else deadline.part(1 - PROOF_SHARE)
    goal = None
    if first is not None and first.best is not None and first.proven:
        if first.travel_bound is not None and not problem.previous:
            # Nothing ranks higher than the proven score at the travel bound: the search may
            # stop when it gets there (CP-SAT's own schedule did not, e.g. a group waiting).
            goal = replace(Rank.of(problem, first.best), travel=first.travel_bound).key()
    found = solve_search(problem, params, observer, search_deadline, goal)
    if first is not None and first.proven:
        # The score is proven; only the travel ran out of work (or, re-planning, the changes
        # were left to the search). Its bounds stand for whichever schedule ranks higher.
        chosen = _better_of(problem, found, first, "CP-SAT's schedule ranks higher")
        return _with_changes_bound(problem, bound, deadline, _with_bounds(problem, chosen, first))
    if observer is not None:
        observer(_progress(problem, found, proving=True))
    after = prove_bound(problem, bound, hint=found, deadline=deadline)
    if after is None:
        return _with_changes_bound(problem, bound, deadline, found)
    chosen = _better_of(problem, found, after, "then CP-SAT found a better schedule")
    return _with_changes_bound(problem, bound, deadline, _with_bounds(problem, chosen, after))


# Above this many places the triangle inequality of the travel matrix is not checked, and no
# bound on the changes is given (a cubic check: 0.1 s at 200 places).
CHANGES_BOUND_MAX_PLACES = 200


def _with_changes_bound(
    problem: Problem, params: ProofParams | None, deadline: Deadline | None, solution: Solution
) -> Solution:
    """`solution` with `changes_bound` when re-planning and proving (`params`): the better of
    the visits of the previous plan that no plan attending every fixed-time node can keep
    (`changes_bound`), and CP-SAT's proof at the solution's score (`cpsat.prove_changes`, only
    when the first does not already meet the solution's changes); CP-SAT's schedule instead
    of `solution` when it ranks higher (it keeps more at the same score)."""
    if not problem.previous or params is None:
        return solution
    bound = changes_bound(problem)
    if bound is not None and bound >= changes(problem, solution):
        return replace(solution, changes_bound=bound)
    proof = prove_changes(problem, solution, params, deadline)
    if proof is not None and proof.best is not None and better(problem, proof.best, solution):
        solution = replace(
            proof.best,
            solutions_found=solution.solutions_found,
            stopped_by=f"{solution.stopped_by}; then CP-SAT found a schedule with fewer changes",
            score_bound=solution.score_bound,
            travel_bound=solution.travel_bound,
        )
    found = [b for b in (bound, proof.bound if proof is not None else None) if b is not None]
    return replace(solution, changes_bound=max(found)) if found else solution


def changes_bound(problem: Problem) -> int | None:
    """A lower bound on `rules.changes` for every feasible solution that attends every
    fixed-time node (events, confirmed visits): the previous visits that cannot be kept even
    alone with the fixed-time nodes of their track (their node has no window there any more,
    the start is off its windows, or the fixed-time nodes and lunch leave it no room then).
    Dropping other visits from a route never makes it infeasible when travel obeys the
    triangle inequality, which is checked (None when it does not hold, or the matrix is too
    large to check); so a solution that makes this many changes makes the fewest possible."""
    places = len(problem.travel)
    if places > CHANGES_BOUND_MAX_PLACES or not _triangular(problem.travel):
        return None
    fixed_on: dict[int, list[int]] = {}
    for n, node in enumerate(problem.nodes):
        if node.fixed:
            for t in problem.allowed_tracks(n):
                fixed_on.setdefault(t, []).append(n)
    bound = 0
    for visit in problem.previous:
        alone = problem.with_previous([visit])
        fixed = [n for n in fixed_on.get(visit.track, []) if n != visit.node]
        fixed.sort(key=lambda n: problem.nodes[n].windows[0][0])
        if earliest_starts(alone, visit.track, fixed) is None:
            continue  # the fixed-time nodes clash: no solution attends them all
        start = {n: problem.nodes[n].windows[0][0] for n in fixed}
        start[visit.node] = visit.start
        sequence = sorted([*fixed, visit.node], key=lambda n: start[n])
        starts = starts_keeping(alone, visit.track, sequence)
        if starts is None or starts[sequence.index(visit.node)] != visit.start:
            bound += 1
    return bound


def _triangular(travel: tuple[tuple[int, ...], ...]) -> bool:
    """Whether no detour through a third place is shorter than the direct way."""
    matrix = np.array(travel, dtype=np.int64)
    return all(
        bool((matrix[:, k, None] + matrix[None, k, :] >= matrix).all()) for k in range(len(travel))
    )


def _better_of(problem: Problem, found: Solution, proof: ScoreBound, why: str) -> Solution:
    """The search's solution, or the proof's schedule where it ranks higher (keeping the
    search's count of solutions, and saying why in `stopped_by`)."""
    if proof.best is None or not better(problem, proof.best, found):
        return found
    return replace(
        proof.best,
        solutions_found=found.solutions_found,
        stopped_by=f"{found.stopped_by}; {why}",
    )


def _with_bounds(problem: Problem, solution: Solution, proof: ScoreBound) -> Solution:
    """`solution` with what `proof` shows about it: the score bound for its required nodes and
    events, and the travel bound when it ranks with the proof's best schedule."""
    required = _required_served(problem, solution)
    if required < proof.required_floor:
        return solution  # the proof is about schedules serving more required nodes
    events = events_served(problem, solution) if proof.event_weight else 0
    score_bound = proof.score_bound(required, events)
    if solution.score(problem) > score_bound:
        raise InternalError(f"the score {solution.score(problem)} beats its bound {score_bound}")
    travel_bound = None
    best = proof.best
    if (
        proof.travel_bound is not None
        and best is not None
        and _required_served(problem, best) == required
        and events_served(problem, best) == events_served(problem, solution)
        and best.score(problem) == solution.score(problem)
    ):
        travel_bound = proof.travel_bound
        if solution.travel_minutes(problem) < travel_bound:
            raise InternalError("the plan travels less than its proven bound")
    return replace(solution, score_bound=score_bound, travel_bound=travel_bound)


def _progress(problem: Problem, solution: Solution, *, proving: bool) -> Progress:
    return Progress(
        solutions=solution.solutions_found,
        score=solution.score(problem),
        max_score=problem.max_score(),
        missing_required=len(solution.missing_required(problem)),
        travel_minutes=solution.travel_minutes(problem),
        proving=proving,
    )
