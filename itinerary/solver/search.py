"""The search, in three steps: construct (`insertion.py`), walk (`lns.py`), polish
(`routing.py`, OR-Tools), within one budget (`params.Budget`) or by a deadline; the best plan by
`rules.Rank` is kept, whichever step found it. `pipeline.py` runs this when the proof cannot
close a problem first.
"""

from __future__ import annotations

import random
import time

from ..model.problem import Problem, Solution
from ..model.rules import Rank
from . import Deadline, Observer, SolveParams, lns
from .insertion import insertion_sequences, sequence_solution
from .routing import (
    MODEL_SECONDS_PER_PAIR,
    POLISH_MAX_OPTIONS,
    finished,
    polish,
    progress_of,
    unpolishable,
)


def solve_search(
    problem: Problem,
    params: SolveParams,
    observer: Observer | None,
    deadline: Deadline | None = None,
    goal: tuple[int, int, int, int, int] | None = None,
) -> Solution:
    """Cheapest insertion, then ruin and recreate (`lns.improve`), then OR-Tools' local search
    from the best plan found: an iterated local search whose iterations ruin part of the routes
    and let OR-Tools rebuild them, which also reorders visits within a day (2-opt, relocation,
    exchange) where ruin and recreate only moves whole visits.

    The search stops by `deadline`, or by `params.budget.time_limit` seconds from its start,
    whichever comes first; ruin and recreate has all but `params.budget.polish_share` of it.
    `goal`: a `Rank.key()` that no solution beats (the proof's, when it proved the score and
    bounded the travel): the search stops as soon as it has a plan that ranks as high."""
    # The insertion plan comes first, before anything is built, so the observer sees a plan
    # within about a second even on the largest trips.
    began = time.monotonic()
    limit = (
        None
        if params.budget.time_limit is None
        else Deadline.within(params.budget.time_limit, began)
    )
    stop = Deadline.earliest(deadline, limit)
    # `plan --time-limit S` gives both: S seconds of search, and a deadline for the command.
    reason = (
        "deadline"
        if params.budget.time_limit is None
        else f"time limit ({params.budget.time_limit:g} s)"
    )
    sequences = insertion_sequences(problem)
    inserted = sequence_solution(problem, sequences)
    best_rank = Rank.of(problem, inserted)
    if observer is not None:
        observer(progress_of(problem, 0, best_rank))
    iterations = 0
    gained_at = 0  # the iteration of the last better plan
    best = sequences

    def on_best(found: list[list[int]], rank: tuple[int, int, int, int, int]) -> None:
        """`rank`: the walk's `Rank.key()` of `found`."""
        nonlocal best, best_rank, gained_at
        if rank < best_rank.key():
            best, best_rank, gained_at = found, Rank(*rank), iterations
            if observer is not None:
                observer(progress_of(problem, iterations, best_rank))

    lns_stop = ""
    # The OR-Tools model holds two dense matrices over the visit options: at 400 hosts x 10 days
    # (3,600 options) it takes seconds to build and 0.5 GB, at 1,000 x 10 (8,800) 17 s and 2.7 GB.
    options = problem.visit_options()
    # A problem the polish's model cannot state or rank keeps the walk's plan (`unpolishable`).
    unpolished = unpolishable(problem)
    polishing = (
        params.budget.solution_limit != 0 and options <= POLISH_MAX_OPTIONS and unpolished is None
    )
    if polishing and stop is not None:
        polish_seconds = (stop.at - began) * params.budget.polish_share
        polishing = polish_seconds >= MODEL_SECONDS_PER_PAIR * options**2
    # The walk's share of the time, measured from the start of the search.
    walk_share = 1 - params.budget.polish_share if polishing else 1.0
    walk_seconds = None if stop is None else (stop.at - began) * walk_share
    if (
        params.budget.iterations != 0
        and (walk_seconds is None or walk_seconds > 0)
        and problem.nodes
        and problem.tracks
    ):

        def progress() -> float:
            """The share of the ruin-and-recreate budget spent, counted once per iteration."""
            nonlocal iterations, lns_stop
            if goal is not None and best_rank.key() <= goal:
                lns_stop = "reached the proven bounds"
                return 1.0
            spent = 0.0
            if walk_seconds is not None:
                spent = (time.monotonic() - began) / walk_seconds
                if spent >= 1.0:
                    lns_stop = reason
                    return spent
            if params.budget.iterations is None:
                iterations += 1
                return spent
            if iterations >= params.budget.iterations:
                lns_stop = f"iteration limit ({params.budget.iterations})"
                return 1.0
            # Small trips reach their best within a few hundred iterations; the rest of the
            # budget would only cost the user seconds.
            if (
                params.budget.walk_patience is not None
                and iterations - gained_at >= params.budget.walk_patience
            ):
                lns_stop = f"no better plan in {params.budget.walk_patience} iterations"
                return 1.0
            iterations += 1
            if iterations >= params.budget.iterations:
                lns_stop = f"iteration limit ({params.budget.iterations})"
            return max(spent, iterations / params.budget.iterations)

        lns.improve(problem, sequences, random.Random(params.seed), progress, on_best, params.walk)
    found = sequence_solution(problem, best)
    if goal is not None and best_rank.key() <= goal:
        return finished(found, iterations, "reached the proven bounds")
    if stop is not None and stop.passed():
        return finished(found, iterations, lns_stop or reason)
    if not polishing:
        why = f"no polish ({unpolished})" if unpolished is not None else ""
        return finished(found, iterations, lns_stop or why or "solution limit (0)")
    return polish(problem, params, observer, found, best_rank, iterations, stop, reason)
