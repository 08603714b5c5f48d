"""The whole way from a loaded trip to a checked Plan: compile, solve, assemble, check.

The CLI and the tests call this one function, so the plan a user sees is made exactly as the
tests make theirs. A plan the checker rejects is never returned. How the solution is found and
proven (CP-SAT first on trip-sized problems, else the search and the proof afterwards) is the
solver's business: `solver/pipeline.py`.

With a `Deadline` (`itinerary plan --time-limit`), the solver ends early enough to leave the
assembly, checking and printing of the plan their reserve.
"""

from __future__ import annotations

from ..errors import InternalError
from ..input.load import Loaded
from ..model.compile import PreviousVisit, compile_spec
from ..model.problem import Problem
from ..solver import Deadline, Observer, ProofParams, SolveParams, solve
from . import Plan
from .assemble import assemble
from .check import check_plan

# What `itinerary plan` does unless told otherwise: the default budget, and a proof on
# trip-sized problems (larger ones are not tried).
PLAN_PARAMS = SolveParams(proof=ProofParams())
# Under a deadline: seconds kept after the solver for assembling the plan (a reason for every
# host left out), checking it, printing it and ending the process (the CLI prints the plan after
# `make_plan` returns; with OR-Tools loaded the interpreter takes about 0.3 s to exit): a fixed
# part and a part per node, which may be left out and then takes a row of the printed table with
# its reason. 1,000 hosts, all but 30 left out: 0.25 s to assemble and check, 1.8 s to print
# (rich tables); 300: 0.05 and 0.35 s. Since reasons try each host left out in each day of the
# plan (explain._Room), 500 hosts over 5 or 10 days, all but 20 left out, take 0.36–0.47 s to
# assemble (generated trips, the insertion's plan): still within the part per node.
FINISH_SECONDS = 0.7
FINISH_SECONDS_PER_NODE = 0.002


def finish_reserve(problem: Problem) -> float:
    """Seconds a deadline keeps for assembling, checking and printing a plan of `problem`."""
    return FINISH_SECONDS + FINISH_SECONDS_PER_NODE * len(problem.nodes)


def make_plan(
    loaded: Loaded,
    params: SolveParams = PLAN_PARAMS,
    observer: Observer | None = None,
    deadline: Deadline | None = None,
    previous: Plan | None = None,
) -> Plan:
    """`params.proof=None` skips the proof (the plan then has no `bound` and no `optimal`).
    `deadline`: when the whole command must be done (see the module docstring). `previous`:
    the plan this one replaces (`plan --previous`): the new plan moves as few of its visits
    as it can after the score (`rules.Rank`), and says how many it moves (`Plan.changes`)."""
    visits = None
    if previous is not None:
        visits = [PreviousVisit(v.id, v.start) for v in previous.visits()]
    compiled = compile_spec(loaded, visits)
    problem = compiled.problem
    params = params.for_problem(problem)  # the plan records this budget
    solve_deadline = None if deadline is None else deadline.before(finish_reserve(problem))
    solution = solve(problem, params, observer, solve_deadline)
    plan = assemble(compiled, loaded, solution, params, replanning=previous is not None)
    violations = check_plan(plan, loaded)
    if violations:
        shown = "; ".join(map(str, violations[:5]))
        raise InternalError(f"the plan breaks its own rules: {shown}")
    return plan
