"""The whole way from a loaded trip to a checked Plan: compile, solve, prove, assemble, check.

The CLI and the tests call this one function, so the plan a user sees is made exactly as the
tests make theirs. A plan the checker rejects is never returned.

After the routing solver, CP-SAT proves an upper bound on the score (`solver/cpsat.py`, where the
exact meaning of "optimal" is stated) when the trip is small enough; if it finds a schedule that
serves more required nodes or scores higher, the plan uses that schedule instead.
"""

from __future__ import annotations

from dataclasses import replace

from .assemble import assemble
from .check import check_plan
from .compile import compile_spec
from .errors import InternalError
from .load import Loaded
from .plan import Plan
from .problem import Problem, Solution
from .solver import Observer, Progress, SolveParams, solve
from .solver.cpsat import BoundParams, better, prove_bound, required_served

DEFAULT_BOUND = BoundParams()  # prove a bound on trip-sized problems; larger ones are skipped


def make_plan(
    loaded: Loaded,
    params: SolveParams | None = None,
    observer: Observer | None = None,
    bound: BoundParams | None = DEFAULT_BOUND,
) -> Plan:
    """`bound=None` skips the proof (the plan then has no `bound` and no `optimal`)."""
    params = params or SolveParams()
    compiled = compile_spec(loaded)
    solution = solve(compiled.problem, params, observer)
    score_bound = None
    if bound is not None:
        if observer is not None:
            observer(_proving(compiled.problem, solution))
        solution, score_bound = _prove(compiled.problem, solution, bound)
    plan = assemble(compiled, loaded, solution, params, bound=score_bound)
    violations = check_plan(plan, loaded)
    if violations:
        shown = "; ".join(map(str, violations[:5]))
        raise InternalError(f"the plan breaks its own rules: {shown}")
    return plan


def _proving(problem: Problem, solution: Solution) -> Progress:
    return Progress(
        solutions=solution.solutions_found,
        score=solution.score(problem),
        max_score=problem.max_score(),
        missing_required=len(solution.missing_required(problem)),
        travel_minutes=solution.travel_minutes(problem),
        proving=True,
    )


def _prove(problem: Problem, solution: Solution, bound: BoundParams) -> tuple[Solution, int | None]:
    """The better of the routing and the CP-SAT schedule, and the proven bound on its score
    (None when the problem is too large to try)."""
    proof = prove_bound(problem, bound, hint=solution)
    if proof is None:
        return solution, None
    if proof.best is not None and better(problem, proof.best, solution):
        solution = replace(
            proof.best,
            solutions_found=solution.solutions_found,
            stopped_by=f"{solution.stopped_by}; then CP-SAT found a higher score",
        )
    score_bound = proof.score_bound(required_served(problem, solution))
    if solution.score(problem) > score_bound:
        raise InternalError(f"the score {solution.score(problem)} beats its bound {score_bound}")
    return solution, score_bound
