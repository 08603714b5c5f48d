"""`solve(problem, params, observer)`: the one solver, shared by the CLI and the benchmarks.

OR-Tools is imported only when `solve` runs, so `itinerary --help` and `itinerary validate`
start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..problem import Problem, Solution


@dataclass(frozen=True)
class SolveParams:
    """How long to search. The default stops after a fixed amount of search work (so the same
    input gives the same plan on any machine); a time limit trades that for a wall-clock bound."""

    solution_limit: int | None = 20_000
    patience: int | None = 500  # stop after this much work (in solutions) without improvement
    time_limit: float | None = None  # seconds; results then depend on the machine's speed
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"

    @staticmethod
    def for_seconds(seconds: float) -> SolveParams:
        """Search for a wall-clock time instead of the fixed work budget."""
        return SolveParams(solution_limit=None, patience=None, time_limit=seconds)


@dataclass(frozen=True)
class Progress:
    """Reported at every improving solution the search finds."""

    solutions: int
    score: int
    max_score: int
    missing_required: int
    travel_minutes: int


Observer = Callable[[Progress], None]


def solve(
    problem: Problem, params: SolveParams | None = None, observer: Observer | None = None
) -> Solution:
    from .routing import solve_routing

    return solve_routing(problem, params or SolveParams(), observer)


__all__ = ["Observer", "Progress", "SolveParams", "solve"]
