"""`solve(problem, params, observer)`: the one solver, shared by the CLI and the benchmarks.

OR-Tools is imported only when `solve` runs, so `itinerary --help` and `itinerary validate`
start fast.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..problem import Problem, Solution

if TYPE_CHECKING:
    from .cpsat import BoundParams


@dataclass(frozen=True)
class SolveParams:
    """How long and how to search. The default stops after a fixed amount of search work (so the
    same input gives the same plan on any machine), scaled down for large problems
    (`for_problem`); a time limit trades that for a wall-clock bound. The other fields tune the
    OR-Tools polish (see `routing.py`; ruin and recreate has its own `lns.LnsParams`); the
    defaults were chosen on the TOPTW benchmark (benchmarks/README.md).
    """

    iterations: int | None = 4000  # of ruin and recreate (lns.py); 0: the insertion plan alone
    walk_patience: int | None = 1500  # iterations without a better plan that end the walk
    solution_limit: int | None = 2000  # solutions of the OR-Tools polish; 0: none
    patience: int | None = 300  # stop the polish after this much work (in solutions) without gain
    time_limit: float | None = None  # seconds; results then depend on the machine's speed
    # The work budget above is for problems of up to this many visit options
    # (`Problem.visit_options`: the bundled examples have 30-50, 25 hosts over 3 days about 90,
    # 50 hosts over 5 days about 250). A larger problem gets `iterations` and `walk_patience`
    # times (full_budget_options / its options) ** budget_exponent and no OR-Tools polish, which
    # never bettered the walk's plan on generated trips of 25-200 hosts and took most of the
    # time (100 hosts over 5 days: 13 s; 200: 16 minutes). With 0.75, 300 hosts over 5 days get
    # 1,129 iterations; on eight generated trips of 100-400 hosts the plans scored 0.986 of the
    # full 4,000 iterations' (0.6: 0.984) for a third to a sixth of the time (benchmarks/README.md).
    # None: this budget at every size. Budgets in seconds are not scaled.
    full_budget_options: int | None = 300
    budget_exponent: float = 0.75
    polish_share: float = 0.1  # of a time limit, left to the OR-Tools polish
    metaheuristic: str = "GREEDY_DESCENT"  # the local search inside each iteration
    score_weight: float = 0.3  # while searching, a score point is worth this many mean legs
    ruin_strength: float = 0.3  # the longest run of visits cut out of a route, as a share of it
    recreate_attempts: int = 5  # nodes not served tried for insertion after each ruin
    restart_after: int = 20  # iterations without improvement before going back to the best
    seed: int = 1  # of the ruin-and-recreate choices; fixed, so runs are reproducible

    def __post_init__(self) -> None:
        if (
            self.restart_after < 1
            or (self.walk_patience is not None and self.walk_patience < 1)
            or self.recreate_attempts < 0
            or not 0 < self.ruin_strength <= 1
            or not 0 <= self.polish_share <= 1
            or (self.iterations is None and self.time_limit is None)
            or (self.full_budget_options is not None and self.full_budget_options < 1)
            or not self.budget_exponent > 0
        ):
            raise ValueError(f"invalid search parameters: {self}")

    def for_problem(self, problem: Problem) -> SolveParams:
        """The work budget for `problem` (see `full_budget_options`): these parameters for a
        problem of up to `full_budget_options` visit options, or for a search bounded by time;
        for a larger one, fewer iterations and no polish. The result depends on the problem
        alone, so a plan stays reproducible; it is final (scaling it again changes nothing)."""
        options = problem.visit_options()
        full = self.full_budget_options
        if full is None or self.iterations is None or options <= full:
            return self
        share = (full / options) ** self.budget_exponent
        patience = self.walk_patience
        return replace(
            self,
            iterations=self.iterations and max(1, round(self.iterations * share)),
            walk_patience=None if patience is None else max(1, round(patience * share)),
            solution_limit=0,
            full_budget_options=None,
        )

    @staticmethod
    def for_seconds(seconds: float) -> SolveParams:
        """Search for a wall-clock time instead of the fixed work budget."""
        return SolveParams(
            iterations=None,
            walk_patience=None,
            solution_limit=None,
            patience=None,
            time_limit=seconds,
        )


@dataclass(frozen=True)
class Deadline:
    """When a piece of work must be done, on `time.monotonic()`'s clock.

    `itinerary plan --time-limit S` makes one when the command starts (`Deadline.within(S)`)
    and hands it down: each stage stops by it, and a stage that must leave time to the stages
    after it runs to `before(reserve)` instead. Without one, the work is bounded by counts
    alone (`SolveParams`, `cpsat.BoundParams`), which is what makes a plan reproducible."""

    at: float

    @staticmethod
    def within(seconds: float, now: float | None = None) -> Deadline:
        return Deadline((time.monotonic() if now is None else now) + seconds)

    def remaining(self) -> float:
        """Seconds left; 0 once passed."""
        return max(0.0, self.at - time.monotonic())

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def before(self, seconds: float) -> Deadline:
        """The deadline of a stage that leaves `seconds` to the stages after it."""
        return Deadline(self.at - seconds)

    def part(self, share: float) -> Deadline:
        """`share` of the way from now to this deadline: the end of the first of two stages
        that split what is left."""
        now = time.monotonic()
        return Deadline(now + share * max(0.0, self.at - now))

    @staticmethod
    def earliest(*deadlines: Deadline | None) -> Deadline | None:
        given = [d for d in deadlines if d is not None]
        return min(given, key=lambda d: d.at) if given else None


# What `itinerary plan --time-limit` accepts, in seconds: below the low end the command's own
# start-up (reading the file, the first plan, checking and printing it) is most of the time; an
# hour is more than any trip of the supported size needs (README, "Search budget").
TIME_LIMIT_RANGE = (1.0, 3600.0)


def time_limit_problem(seconds: float) -> str | None:
    """Why `seconds` is not a time limit the planner takes, in one line; None if it is."""
    low, high = TIME_LIMIT_RANGE
    if not math.isfinite(seconds) or not low <= seconds <= high:
        return f"--time-limit must be {low:g} to {high:g} seconds, not {seconds:g}"
    return None


@dataclass(frozen=True)
class Progress:
    """Reported at every improving solution the search finds."""

    solutions: int
    score: int
    max_score: int
    missing_required: int
    travel_minutes: int
    proving: bool = False  # the search is done; CP-SAT is proving how good its plan is


Observer = Callable[[Progress], None]


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    observer: Observer | None = None,
    deadline: Deadline | None = None,
    bound: BoundParams | None = None,
) -> Solution:
    """The best plan found within `params` (and by `deadline`, when given: every stage then
    stops there, whatever its own budget). With `bound`, CP-SAT proves bounds on its score and
    travel where the problem is small enough, first of all (`pipeline.py`)."""
    from .pipeline import run

    return run(problem, (params or SolveParams()).for_problem(problem), observer, deadline, bound)


__all__ = ["Deadline", "Observer", "Progress", "SolveParams", "solve"]
