"""The whole way from a loaded trip to a checked Plan: compile, solve, assemble, check.

The CLI and the tests call this one function, so the plan a user sees is made exactly as the
tests make theirs. A plan the checker rejects is never returned.
"""

from __future__ import annotations

from .assemble import assemble
from .check import check_plan
from .compile import compile_spec
from .errors import InternalError
from .load import Loaded
from .plan import Plan
from .solver import Observer, SolveParams, solve


def make_plan(
    loaded: Loaded, params: SolveParams | None = None, observer: Observer | None = None
) -> Plan:
    params = params or SolveParams()
    compiled = compile_spec(loaded)
    solution = solve(compiled.problem, params, observer)
    plan = assemble(compiled, loaded, solution, params)
    violations = check_plan(plan, loaded)
    if violations:
        shown = "; ".join(map(str, violations[:5]))
        raise InternalError(f"the plan breaks its own rules: {shown}")
    return plan
