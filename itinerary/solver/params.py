"""The solver's parameters, composed as its stages are (`pipeline.py`): how much work in all
(`Budget`), how the walk is steered (`WalkParams`), how OR-Tools polishes (`PolishParams`), how
hard CP-SAT tries to prove (`ProofParams`); `SolveParams` holds one of each, as PyVRP's
`SolveParams` holds its components' parameters.

Plain data, no imports of numpy or OR-Tools, so `itinerary validate` stays fast. The defaults
were chosen on the TOPTW benchmark and on generated trips (benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model.problem import Problem


@dataclass(frozen=True)
class Budget:
    """How much search, counted in work (the same plan on every machine) or in seconds.

    The counts are for problems of up to `full_budget_options` visit options
    (`Problem.visit_options`: the bundled examples have 30-50, 25 hosts over 3 days about 90, 50
    hosts over 5 days about 250). A larger problem gets `iterations` and `walk_patience` times
    (full_budget_options / its options) ** budget_exponent and no OR-Tools polish, which never
    bettered the walk's plan on generated trips of 25-200 hosts and took most of the time (100
    hosts over 5 days: 13 s; 200: 16 minutes). With 0.75, 300 hosts over 5 days get 1,129
    iterations; on eight generated trips of 100-400 hosts the plans scored 0.986 of the full
    4,000 iterations' (0.6: 0.984) for a third to a sixth of the time. None: this budget at every
    size. Budgets in seconds are not scaled."""

    iterations: int | None = 4000  # of the walk (lns.py); 0: the insertion plan alone
    walk_patience: int | None = 1500  # walk iterations without a better plan that end it
    solution_limit: int | None = 2000  # solutions of the OR-Tools polish; 0: no polish
    patience: int | None = 300  # end the polish after this much work (solutions) without gain
    time_limit: float | None = None  # seconds; results then depend on the machine's speed
    polish_share: float = 0.1  # of a time limit, left to the OR-Tools polish
    full_budget_options: int | None = 300
    budget_exponent: float = 0.75

    def __post_init__(self) -> None:
        if (
            (self.walk_patience is not None and self.walk_patience < 1)
            or not 0 <= self.polish_share <= 1
            or (self.iterations is None and self.time_limit is None)
            or (self.full_budget_options is not None and self.full_budget_options < 1)
            or not self.budget_exponent > 0
        ):
            raise ValueError(f"invalid search budget: {self}")

    @staticmethod
    def for_seconds(seconds: float) -> Budget:
        """Search for a wall-clock time instead of counts of work."""
        return Budget(
            iterations=None,
            walk_patience=None,
            solution_limit=None,
            patience=None,
            time_limit=seconds,
        )

    def for_options(self, options: int) -> Budget:
        """This budget for a problem of `options` visit options (see the class docstring);
        final: scaling it again changes nothing."""
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


@dataclass(frozen=True)
class WalkParams:
    """How the walk (ruin and recreate with simulated annealing, lns.py) is steered."""

    travel_weight: float = 0.01  # score points one mean leg of travel costs in the acceptance
    # As a share of the mean score of a node. Hot: early on a plan that loses a visit or two is
    # often taken, so the walk crosses between basins before it cools and settles (TOPTW hard
    # pairs: 0.984 -> 0.992 of the BKS against 0.2, benchmarks/README.md).
    start_temperature: float = 2.0
    end_temperature: float = 0.005
    ruin_min: int = 2
    ruin_max: int = 20  # visits one ruin removes at most
    max_string: int = 12  # longest run of consecutive visits one string removal cuts
    noise: float = 0.6  # random spread of the insertion priority, as a share of it
    route_noise: float = 1.0  # a route's time may look up to this share dearer in one round
    restart_after: int = 1000  # iterations without a new best of the walk before a new walk
    # Independent walks that take turns through the first race_share of the budget; the best
    # goes on alone (lns.improve). A hot walk settles in its basin early, sometimes a poor one
    # (TOPTW pr09 m=2: about 860 instead of 905 in one start of six); two starts make that rare.
    starts: int = 2
    race_share: float = 0.3
    tighten: bool = True  # shorten the changed routes' travel after each recreate
    replace: bool = True  # then swap their visits for open ones worth more, in place
    exchange: bool = True  # then for open ones worth more anywhere in the route

    def __post_init__(self) -> None:
        if self.starts < 1 or not 0 <= self.race_share <= 1 or self.restart_after < 1:
            raise ValueError(f"invalid walk parameters: {self}")


@dataclass(frozen=True)
class PolishParams:
    """How OR-Tools' local search polishes the walk's plan (routing.py)."""

    metaheuristic: str = "GREEDY_DESCENT"  # the local search inside each iteration
    score_weight: float = 0.3  # while searching, a score point is worth this many mean legs
    ruin_strength: float = 0.3  # the longest run of visits cut out of a route, as a share of it
    recreate_attempts: int = 5  # nodes not served tried for insertion after each ruin
    restart_after: int = 20  # iterations without improvement before going back to the best

    def __post_init__(self) -> None:
        if self.restart_after < 1 or self.recreate_attempts < 0 or not 0 < self.ruin_strength <= 1:
            raise ValueError(f"invalid polish parameters: {self}")


@dataclass(frozen=True)
class ProofParams:
    """How much work CP-SAT may spend proving (cpsat.py), and above which size not to try."""

    # CP-SAT's deterministic time: a machine-independent measure of work (on this kind of machine
    # one unit takes about 1-2 s). Trip-sized problems need a small fraction of one unit.
    deterministic_time: float = 5.0
    # No proof at all above this many (node, window, lane) combinations: big trips are not slowed.
    max_copies: int = 200
    # Partial routes the route enumeration may examine before the circuit model takes over
    # (about 30 µs each; trips of 25 hosts over 5 days need up to ~20 000).
    max_labels: int = 40_000
    # The circuit model is not tried above this many copies (the plan then has no bound). It
    # proves tight-window problems (TOPTW c101, r101: 100 copies), but on trips, whose windows are
    # business hours, beyond this size it spends its whole budget (a 35-host, 3-day trip with
    # 105 copies: 7 s) for a bound far above the score.
    max_circuit_copies: int = 60
    # The same model proving the fewest changes to a previous plan (`plan --previous`), at the
    # score held: the score no longer to prove, it is a smaller search (its/OWL week: 91).
    max_change_copies: int = 150
    time_limit: float | None = None  # optional wall-clock cap in seconds (machine-dependent)
    workers: int = 1  # more than one makes the search depend on thread timing
    seed: int = 0


@dataclass(frozen=True)
class SolveParams:
    """Everything the solver is told: the budget, each stage's parameters, and whether to prove
    (`proof=None`: no proof, the search alone — what the benchmarks against other routing
    engines use; `itinerary plan` proves unless `--no-bound`)."""

    budget: Budget = field(default_factory=Budget)
    walk: WalkParams = field(default_factory=WalkParams)
    polish: PolishParams = field(default_factory=PolishParams)
    proof: ProofParams | None = None
    seed: int = 1  # of the walk's and the polish's random choices; fixed, so runs repeat

    def for_problem(self, problem: Problem) -> SolveParams:
        """These parameters with the budget for `problem` (`Budget.for_options`); they depend
        on the problem alone, so a plan stays reproducible."""
        scaled = self.budget.for_options(problem.visit_options())
        return self if scaled is self.budget else replace(self, budget=scaled)

    def for_seconds(self, seconds: float) -> SolveParams:
        """These parameters searching for `seconds` instead of counts of work."""
        return replace(self, budget=Budget.for_seconds(seconds))
