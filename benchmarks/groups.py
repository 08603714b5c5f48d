"""Sub-groups: generated trips with parallel groups, host capacities and joint events, planned
the way `itinerary plan` plans them (`itinerary.plan.planner.make_plan`), timed and checked.

Two measures, over several seeds of `benchmarks/generate.py --groups K`:

- *first plan*: the seconds from the start of `make_plan` (compile included; the file already
  read) to its first plan (the observer's first report, as `itinerary plan` prints it), the
  whole `make_plan`, and whether every plan passes the plan checker (`plan/check.py`) and its
  solution the independent check (`verify.py`) and the reference rules
  (`rules.cross_track_violations`, capacity included);
- *proof*: under a deadline (`--proof-seconds`, as `itinerary plan --time-limit S`), whether the
  plan is proven optimal: in score (score = bound) and in score and travel (`optimal`), with the
  gap (bound - score) / bound where not.

    python benchmarks/groups.py                       # 40x5x3 and 20x3x2, seeds 0-4
    python benchmarks/groups.py --first 40x5x3 --proof 20x3x2 --seeds 0-9 --out /tmp/groups.csv

A case is HOSTSxDAYSxGROUPS. Each plan is made in this process, after one plan (not recorded)
that imports and warms everything up; a plan the checker refuses is still measured (the checker
is asked once more, and its verdict recorded, instead of `make_plan` refusing the plan). Rows go
to CSV as they come (nothing is overwritten without `--force`). Exit status 1 if any plan broke
a rule, 2 for a bad argument.

The no-change comparison for trips without groups (TOPTW and one-group trips, in score and
speed) is made by the benchmarks that already measure them, against a baseline checkout:
`benchmarks/walkspeed.py --baseline DIR` and `benchmarks/proof.py --baseline DIR` (README).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from itinerary.errors import OutputError  # noqa: E402
from itinerary.fsio import prepare_output  # noqa: E402

FIRST = ("40x5x3",)
PROOF = ("20x3x2",)
FIELDS = (
    "measure",
    "case",
    "seed",
    "tracks",
    "nodes",
    "capacity_rules",
    "first_plan_s",
    "plan_s",
    "score",
    "bound",
    "score_proven",
    "optimal",
    "gap",
    "checker",
    "verify",
    "stopped_by",
)


class InputError(Exception):
    """A bad argument: one line, exit status 2."""


@dataclass(frozen=True)
class Case:
    hosts: int
    days: int
    groups: int

    @staticmethod
    def parse(text: str) -> Case:
        try:
            hosts, days, groups = (int(x) for x in text.lower().split("x"))
        except ValueError:
            raise InputError(f"a case is HOSTSxDAYSxGROUPS, e.g. 40x5x3, not {text!r}") from None
        return Case(hosts, days, groups)

    def __str__(self) -> str:
        return f"{self.hosts}x{self.days}x{self.groups}"


def seeds(text: str) -> list[int]:
    out: list[int] = []
    try:
        for part in text.split(","):
            a, _, b = part.partition("-")
            out += range(int(a), int(b or a) + 1)
    except ValueError:
        raise InputError(f"--seeds takes e.g. 0-4 or 1,3,5, not {text!r}") from None
    return out


def plan_once(case: Case, seed: int, seconds: float | None) -> dict[str, Any]:
    """One plan of the generated trip, measured (see the module docstring)."""
    from itinerary.input.load import load_spec_text
    from itinerary.model.rules import cross_track_violations
    from itinerary.model.verify import verify_solution
    from itinerary.plan import planner
    from itinerary.solver import Deadline

    text = generate.trip_yaml(case.hosts, case.days, seed=seed, groups=case.groups)
    loaded = load_spec_text(text, f"generated-{case}-{seed}.yaml")
    seen: dict[str, Any] = {}
    check, solve = planner.check_plan, planner.solve

    def checking(plan: Any, loaded: Any) -> list:
        seen["checker"] = check(plan, loaded)
        return []  # measured here, not refused

    def solving(problem: Any, *args: Any, **kwargs: Any) -> Any:
        solution = solve(problem, *args, **kwargs)
        seen["problem"] = problem
        seen["verify"] = verify_solution(problem, solution) + cross_track_violations(
            problem, solution
        )
        return solution

    firsts: list[float] = []
    planner.check_plan, planner.solve = checking, solving
    try:
        began = time.perf_counter()

        def observer(_: object) -> None:
            if not firsts:
                firsts.append(time.perf_counter() - began)

        deadline = None if seconds is None else Deadline.within(seconds)
        params = (
            planner.PLAN_PARAMS if seconds is None else planner.PLAN_PARAMS.for_seconds(seconds)
        )
        plan = planner.make_plan(loaded, params, observer, deadline)
        spent = time.perf_counter() - began
    finally:
        planner.check_plan, planner.solve = check, solve
    problem = seen["problem"]
    bound = plan.bound
    return {
        "tracks": len(problem.tracks),
        "nodes": len(problem.nodes),
        "capacity_rules": len(problem.capacity),
        "first_plan_s": round(firsts[0] if firsts else spent, 3),
        "plan_s": round(spent, 3),
        "score": plan.score,
        "bound": bound,
        "score_proven": bound is not None and plan.score == bound,
        "optimal": bool(plan.optimal),
        "gap": None if not bound else round((bound - plan.score) / bound, 4),
        "checker": "; ".join(map(str, seen["checker"][:2])) or "ok",
        "verify": "; ".join(seen["verify"][:2]) or "ok",
        "stopped_by": plan.stopped_by if hasattr(plan, "stopped_by") else "",
    }


def run(
    first: list[Case],
    proof: list[Case],
    seed_list: list[int],
    proof_seconds: float,
    emit: Callable[[dict[str, Any]], None],
) -> list[dict[str, Any]]:
    plan_once(Case(8, 2, 2), 0, None)  # imports, caches: not recorded
    rows = []
    for measure, cases, seconds in (("first", first, None), ("proof", proof, proof_seconds)):
        for case in cases:
            for seed in seed_list:
                row = {"measure": measure, "case": str(case), "seed": seed}
                row.update(plan_once(case, seed, seconds))
                emit(row)
                rows.append(row)
    return rows


def summary(rows: list[dict[str, Any]], proof_seconds: float) -> str:
    lines = []
    for measure in ("first", "proof"):
        for case in dict.fromkeys(r["case"] for r in rows if r["measure"] == measure):
            mine = [r for r in rows if r["measure"] == measure and r["case"] == case]
            ok = sum(1 for r in mine if r["checker"] == "ok" and r["verify"] == "ok")
            firsts = [r["first_plan_s"] for r in mine]
            plans = [r["plan_s"] for r in mine]
            line = (
                f"{measure} {case}: {len(mine)} seeds; first plan median "
                f"{statistics.median(firsts):.2f} s, max {max(firsts):.2f} s; whole plan median "
                f"{statistics.median(plans):.2f} s; "
                f"{ok}/{len(mine)} pass the checker and verify.py"
            )
            if measure == "proof":
                proven = sum(1 for r in mine if r["score_proven"])
                optimal = sum(1 for r in mine if r["optimal"])
                gaps = [r["gap"] for r in mine if r["gap"] and not r["score_proven"]]
                line += (
                    f"; within {proof_seconds:g} s: score proven {proven}/{len(mine)}, "
                    f"score and travel {optimal}/{len(mine)}"
                    + (f", gaps where not: {', '.join(f'{g:.1%}' for g in gaps)}" if gaps else "")
                )
            lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", default=",".join(FIRST), help="cases for the first plan")
    parser.add_argument("--proof", default=",".join(PROOF), help="cases for the proof")
    parser.add_argument("--seeds", default="0-4", help="seeds, e.g. 0-4 (default)")
    parser.add_argument(
        "--proof-seconds", type=float, default=10.0, help="the proof cases' time limit (10)"
    )
    parser.add_argument("--out", type=Path, help="CSV file for the rows")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        first = [Case.parse(c) for c in args.first.split(",") if c]
        proof = [Case.parse(c) for c in args.proof.split(",") if c]
        seed_list = seeds(args.seeds)
        if args.out is not None:
            prepare_output(args.out, force=args.force)
    except (InputError, OutputError) as exc:
        print(f"groups.py: {exc}", file=sys.stderr)
        return 2
    handle = None
    writer = None
    if args.out is not None:
        handle = args.out.open("w", newline="", encoding="utf-8")
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()

    def emit(row: dict[str, Any]) -> None:
        print(
            f"{row['measure']} {row['case']} seed {row['seed']}: first {row['first_plan_s']} s, "
            f"plan {row['plan_s']} s, score {row['score']}/{row['bound']}, "
            f"optimal {row['optimal']}, checker {row['checker']}, verify {row['verify']}",
            flush=True,
        )
        if writer is not None and handle is not None:
            writer.writerow(row)
            handle.flush()

    try:
        rows = run(first, proof, seed_list, args.proof_seconds, emit)
    finally:
        if handle is not None:
            handle.close()
    print(summary(rows, args.proof_seconds))
    broken = any(r["checker"] != "ok" or r["verify"] != "ok" for r in rows)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
