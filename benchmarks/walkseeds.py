"""How well the ruin-and-recreate walk alone does: score / best-known score per instance and seed.

Runs `itinerary.solver.lns.improve` (without the OR-Tools polish `solve` adds) from the cheapest
insertion plan, for a wall-clock time or a number of iterations per run, on TOPTW instances and
several seeds, re-checks each plan with `itinerary/verify.py`, and prints one row per run and
the mean score / BKS. This is how the lever tables in benchmarks/README.md were measured: one
variant of the walk against another, the same instances and seeds, run one after the other on an
otherwise idle machine.

    python benchmarks/walkseeds.py --instances pr15:4,pr05:4 --seeds 1,2,3,4
    python benchmarks/walkseeds.py --instances pr15:4,pr05:4 --seeds 1,2,3,4 \\
        --params exchange=false

`--params` sets fields of `lns.WalkParams` (name=value, comma-separated); `--jobs 2` runs two
walks at a time, one per core. `--iterations N` gives each walk N iterations instead of a time:
the same walk on any machine and under any load, so two variants compare move for move (a
variant that makes its iterations dearer is then not charged for it).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import toptw  # noqa: E402
from walkspeed import InputError, parse_pairs  # noqa: E402

from itinerary.model.verify import verify_solution  # noqa: E402
from itinerary.solver import lns  # noqa: E402
from itinerary.solver.insertion import insertion_sequences, sequence_solution  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Run:
    name: str
    m: int
    seed: int
    score: int
    iterations: int
    problems: tuple[str, ...]  # what the verifier found wrong with the plan; none expected


def walk(
    path: Path,
    m: int,
    seed: int,
    seconds: float,
    params: lns.WalkParams,
    iterations: int | None = None,
) -> Run:
    """One walk of `seconds` (or of `iterations`, if given) on the instance at `path` with m
    routes, its plan re-checked."""
    instance = toptw.read_instance(path)
    problem = instance.problem(m)
    began = time.perf_counter()
    done = [0]

    def progress() -> float:
        done[0] += 1
        if iterations is not None:
            return (done[0] - 1) / iterations
        return (time.perf_counter() - began) / seconds

    found = lns.improve(
        problem,
        insertion_sequences(problem),
        random.Random(seed),
        progress,
        lambda *_: None,
        params,
    )
    solution = sequence_solution(problem, found)
    problems = tuple(str(p) for p in verify_solution(problem, solution))
    return Run(instance.name, m, seed, solution.score(problem), done[0] - 1, problems)


def _seeds(text: str) -> list[int]:
    try:
        return [int(s) for s in text.split(",")]
    except ValueError:
        raise InputError(f"--seeds: {text!r} is not a list of whole numbers") from None


def _params(text: str) -> lns.WalkParams:
    """`name=value,...` as `lns.WalkParams`, each value read as its field's type."""
    kinds = {f.name: f.type for f in dataclasses.fields(lns.WalkParams)}
    values: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if name not in kinds:
            raise InputError(f"--params: {name!r} is not one of {', '.join(kinds)}")
        try:
            if kinds[name] == "bool":
                if value.lower() not in ("true", "false"):
                    raise ValueError
                values[name] = value.lower() == "true"
            else:
                values[name] = int(value) if kinds[name] == "int" else float(value)
        except ValueError:
            raise InputError(f"--params: {item!r} is not {name}=<{kinds[name]}>") from None
    return lns.WalkParams(**values)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score / best-known score of the ruin-and-recreate walk alone, per seed."
    )
    parser.add_argument("--instances", required=True, help="comma-separated NAME:m")
    parser.add_argument("--seeds", default="1,2", help="comma-separated (default: %(default)s)")
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="seconds per walk (default: 10)"
    )
    parser.add_argument(
        "--iterations",
        type=int,
        help="iterations per walk instead of --time-limit (reproducible on any machine)",
    )
    parser.add_argument("--params", default="", help="lns.WalkParams fields, name=value,...")
    parser.add_argument("--jobs", type=int, default=1, help="walks at a time (default: 1)")
    parser.add_argument(
        "--data", default=str(toptw.DEFAULT_DATA), help="the TOPTW folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        if args.time_limit <= 0 or args.jobs < 1:
            raise InputError("--time-limit must be above 0 and --jobs at least 1")
        if args.iterations is not None and args.iterations < 1:
            raise InputError("--iterations must be at least 1")
        pairs = parse_pairs(args.instances)
        seeds = _seeds(args.seeds)
        params = _params(args.params)
        data = Path(args.data)
        try:
            files = toptw.find_instances(data, [name for name, _ in pairs])
            for path in files:  # read once here, so that a bad file is one line, not a trace
                toptw.read_instance(path)
            bks = toptw.read_bks(data)
        except toptw.InputError as e:
            raise InputError(str(e)) from e
    except InputError as e:
        print(f"walkseeds.py: {e}", file=sys.stderr)
        return 2
    tasks = [
        (path, m, seed, args.time_limit, params, args.iterations)
        for path, (_, m) in zip(files, pairs, strict=True)
        for seed in seeds
    ]
    if args.jobs == 1:
        runs = [walk(*task) for task in tasks]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            runs = list(pool.map(walk, *zip(*tasks, strict=True)))
    budget = f"{args.iterations} iterations" if args.iterations else f"{args.time_limit:g} s"
    print(f"the walk alone, {budget} per run, params: {args.params or 'defaults'}")
    print()
    print("| instance | m | seed | score | BKS | score / BKS | iterations | feasible |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    ratios = []
    for run in runs:
        best = bks.get((run.name, run.m))
        ratio = f"{run.score / best[0]:.4f}" if best else "—"
        if best:
            ratios.append(run.score / best[0])
        feasible = "yes" if not run.problems else f"NO: {run.problems[0]}"
        print(
            f"| {run.name} | {run.m} | {run.seed} | {run.score} | {best[0] if best else '—'} "
            f"| {ratio} | {run.iterations} | {feasible} |"
        )
    if ratios:
        print()
        print(f"mean score / BKS over {len(ratios)} runs: {sum(ratios) / len(ratios):.4f}")
    return 1 if any(run.problems for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
