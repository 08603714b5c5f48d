"""`solve(problem, params, observer)`: the one solver, shared by the CLI and the benchmarks.

OR-Tools is imported only when `solve` runs, so `itinerary --help` and `itinerary validate`
start fast.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..model.problem import Problem, Solution
from .params import Budget, PolishParams, ProofParams, SolveParams, WalkParams


@dataclass(frozen=True)
class Deadline:
    """When a piece of work must be done, on `time.monotonic()`'s clock.

    `itinerary plan --time-limit S` makes one when the command starts (`Deadline.within(S)`)
    and hands it down: each stage stops by it, and a stage that must leave time to the stages
    after it runs to `before(reserve)` instead. Without one, the work is bounded by counts
    alone (`SolveParams`: `Budget`, `ProofParams`), which is what makes a plan reproducible."""

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
) -> Solution:
    """The best plan found within `params` (and by `deadline`, when given: every stage then
    stops there, whatever its own budget). With `params.proof`, CP-SAT proves bounds on its
    score and travel where the problem is small enough, first of all (`pipeline.py`)."""
    from .pipeline import run

    return run(problem, (params or SolveParams()).for_problem(problem), observer, deadline)


__all__ = [
    "Budget",
    "Deadline",
    "Observer",
    "PolishParams",
    "Progress",
    "ProofParams",
    "SolveParams",
    "WalkParams",
    "solve",
]
