"""The whole way from a loaded trip to a checked Plan: compile, solve, prove, assemble, check.

The CLI and the tests call this one function, so the plan a user sees is made exactly as the
tests make theirs. A plan the checker rejects is never returned.

After the routing solver, CP-SAT proves an upper bound on the score (`solver/cpsat.py`, where the
exact meaning of "optimal" is stated) when the trip is small enough; if it finds a schedule that
serves more required nodes or scores higher, the plan uses that schedule instead.

With a `Deadline` (`itinerary plan --time-limit`), every stage ends by it: the search stops
early enough to leave the proof its share and the assembly, checking and printing of the plan
their reserve, and the proof stops where that reserve begins.
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
from .solver import Deadline, Observer, Progress, SolveParams, solve
from .solver.cpsat import BoundParams, better, may_prove, prove_bound, required_served

DEFAULT_BOUND = BoundParams()  # prove a bound on trip-sized problems; larger ones are skipped
# Under a deadline: the share of the time after compiling kept for the proof, when the trip is
# small enough to try one (the search gives back what it does not use).
PROOF_SHARE = 0.25
# Under a deadline: seconds kept after the proof for assembling the plan (a reason for every
# host left out), checking it, printing it and ending the process (the CLI prints the plan after
# `make_plan` returns; with OR-Tools loaded the interpreter takes about 0.3 s to exit): a fixed
# part and a part per node, which may be left out and then takes a row of the printed table with
# its reason. 1,000 hosts, all but 30 left out: 0.25 s to assemble and check, 1.8 s to print
# (rich tables); 300: 0.05 and 0.35 s.
FINISH_SECONDS = 0.7
FINISH_SECONDS_PER_NODE = 0.002


def finish_reserve(problem: Problem) -> float:
    """Seconds a deadline keeps for assembling, checking and printing a plan of `problem`."""
    return FINISH_SECONDS + FINISH_SECONDS_PER_NODE * len(problem.nodes)


def make_plan(
    loaded: Loaded,
    params: SolveParams | None = None,
    observer: Observer | None = None,
    bound: BoundParams | None = DEFAULT_BOUND,
    deadline: Deadline | None = None,
) -> Plan:
    """`bound=None` skips the proof (the plan then has no `bound` and no `optimal`).
    `deadline`: when the whole command must be done (see the module docstring)."""
    compiled = compile_spec(loaded)
    problem = compiled.problem
    params = (params or SolveParams()).for_problem(problem)  # the plan records this budget
    proving = bound is not None and may_prove(problem, bound)
    proof_deadline = search_deadline = None
    if deadline is not None:
        proof_deadline = deadline.before(finish_reserve(problem))
        search_deadline = proof_deadline.part(1 - PROOF_SHARE) if proving else proof_deadline
    solution = solve(problem, params, observer, search_deadline)
    score_bound = None
    if bound is not None and proving:
        if observer is not None:
            observer(_proving(problem, solution))
        solution, score_bound = _prove(problem, solution, bound, proof_deadline)
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


def _prove(
    problem: Problem, solution: Solution, bound: BoundParams, deadline: Deadline | None = None
) -> tuple[Solution, int | None]:
    """The better of the routing and the CP-SAT schedule, and the proven bound on its score
    (None when the problem is too large to try, or no time is left)."""
    proof = prove_bound(problem, bound, hint=solution, deadline=deadline)
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
