"""TOPTW benchmark: our solver against the literature's best-known scores and the peers.

Reads Team Orienteering Problem with Time Windows instances (Vansteenwegen / Cordeau text
format, see the README next to the instances), builds the same neutral `Problem` the CLI
solves, runs `itinerary.solver.solve` with a wall-clock budget per instance, re-checks every
result with `itinerary.model.verify.verify_solution` (the peers' results too, after recomputing
their start times from their visit order), writes one CSV row per (instance, m, solver) and
prints a summary.

Times are exact integers: travel = floor(10 * distance) for the Solomon-based instances and
floor(100 * distance) for Cordeau's pr instances, every other time multiplied by 10 or 100.

    python benchmarks/toptw.py --subset 13 --m 1,2,4 --time-limit 10 \\
        --solvers ours,pyvrp,vroom --out benchmarks/results/toptw-subset13-10s.csv

A long run can be split over the cores, one shard each (every other instance of the list), and
the shards' CSVs merged into one, summarised as if it had been one run:

    python benchmarks/toptw.py --subset all --shard 1/2 --solvers ours,pyvrp --out a.csv &
    python benchmarks/toptw.py --subset all --shard 2/2 --solvers ours,pyvrp --out b.csv
    python benchmarks/toptw.py --merge a.csv b.csv --out benchmarks/results/toptw-all-10s.csv

Nothing is overwritten without --force. While a run lasts its rows go to a hidden file beside
--out (`.NAME.*.partial`), flushed row by row, which becomes --out when the run ends; after a
crash it keeps every result measured so far.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402

from itinerary.errors import OutputError  # noqa: E402
from itinerary.fsio import prepare_output, refuse_overwrite, write_text  # noqa: E402
from itinerary.model.problem import Node, Problem, Route, Solution, Stop, Track  # noqa: E402
from itinerary.model.verify import verify_solution  # noqa: E402
from itinerary.solver import SolveParams, solve  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "toptw"
STANDARD_FOLDERS = ("solomon_100", "solomon_200", "cordeau_pr01_10", "cordeau_pr11_20")
# A representative subset: the first and a middle instance of each Solomon class (clustered,
# random, mixed; short horizon 1xx and long horizon 2xx), and three Cordeau instances of
# growing size (48, 240 and 48 nodes; pr11 has the long horizon of pr11-20).
SUBSET_13 = "c101 c105 c201 r101 r105 r201 r205 rc101 rc105 rc201 pr01 pr05 pr11".split()
TRUSTED = ("optimal", "best_known")
SOLVERS = ("ours", *peers.PEERS)
FIELDS = (
    "instance",
    "set",
    "m",
    "solver",
    "score",
    "seconds",
    "feasible",
    "time_limit",
    "bks",
    "status",
    "ratio_bks",
    "violations",
)


class InputError(ValueError):
    """An instance, a solver or a CSV (of --merge, or given to steadiness.py) the script cannot
    use; main() reports it in one line with exit status 2."""


@dataclass(frozen=True)
class Instance:
    name: str
    scale: int  # minutes per original time unit (10 Solomon, 100 Cordeau pr)
    travel: tuple[tuple[int, ...], ...]
    duration: tuple[int, ...]  # per vertex, 0 = depot
    score: tuple[int, ...]
    opens: tuple[int, ...]
    closes: tuple[int, ...]

    @property
    def set_name(self) -> str:
        """c1, c2, r1, r2, rc1, rc2 (Solomon classes), pr01-10 or pr11-20."""
        if self.name.startswith("pr"):
            return "pr01-10" if int(self.name[2:]) <= 10 else "pr11-20"
        match = re.fullmatch(r"(\d+_)?([a-z]+)(\d)\d*", self.name)
        return f"{match[1] or ''}{match[2]}{match[3]}" if match else self.name

    def problem(self, m: int) -> Problem:
        """m identical days from the depot back to it within [O_0, C_0]; each vertex a node
        whose window bounds the start of its visit, as in the TOPTW."""
        nodes = [
            Node(
                place=i,
                duration=self.duration[i],
                windows=((self.opens[i], self.closes[i]),),
                score=self.score[i],
            )
            for i in range(1, len(self.travel))
        ]
        tracks = [Track(0, 0, self.opens[0], self.closes[0]) for _ in range(m)]
        return Problem(self.travel, tuple(nodes), tuple(tracks))


def _exact(value: str, scale: int, what: str) -> int:
    scaled = Decimal(value) * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} {value} is not a multiple of 1/{scale}")
    return int(scaled)


def read_instance(path: Path) -> Instance:
    try:
        return _parse_instance(path)
    except (ValueError, IndexError) as exc:  # a short line, a missing field, a bad number
        raise InputError(f"{path}: not a TOPTW instance ({exc})") from None


def _parse_instance(path: Path) -> Instance:
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    # The header is six numbers (k v N t / D Q) that some files wrap differently (c204 has
    # "2" / "4 100 1 0 700"); the vertex lines follow it.
    header: list[str] = []
    while len(header) < 6:
        header += lines.pop(0)
    n_vertices = int(header[2]) + 1
    vertices = lines[:n_vertices]
    if len(vertices) != n_vertices:
        raise ValueError(f"{path}: expected {n_vertices} vertex lines, found {len(vertices)}")
    name = path.stem
    scale = 100 if name.startswith("pr") else 10
    # Coordinates as integers in units of 10^-digits, so the floored distance is exact.
    digits = max(len(v.partition(".")[2]) for f in vertices for v in f[1:3])
    unit = 10**digits
    xy = [(_exact(f[1], unit, "x"), _exact(f[2], unit, "y")) for f in vertices]
    # floor(scale * sqrt(Q) / unit) with Q the squared distance in units^2 — integers only.
    travel = tuple(
        tuple(
            math.isqrt(((ax - bx) ** 2 + (ay - by) ** 2) * scale * scale) // unit for bx, by in xy
        )
        for ax, ay in xy
    )
    return Instance(
        name=name,
        scale=scale,
        travel=travel,
        duration=tuple(_exact(f[3], scale, "duration") for f in vertices),
        score=tuple(_exact(f[4], 1, "score") for f in vertices),
        opens=tuple(_exact(f[-2], scale, "opening") for f in vertices),
        closes=tuple(_exact(f[-1], scale, "closing") for f in vertices),
    )


def find_instances(data: Path, names: Sequence[str]) -> list[Path]:
    folders = [data / "instances" / f for f in (*STANDARD_FOLDERS, "solomon_100_50")]
    found = []
    for name in names:
        path = Path(name)
        if path.is_file():
            found.append(path)
            continue
        matches = [f / f"{name}.txt" for f in folders if (f / f"{name}.txt").is_file()]
        if not matches:
            raise InputError(f"instance {name!r} not found under {data / 'instances'}")
        found.append(matches[0])
    return found


def standard_names(data: Path) -> list[str]:
    return [
        p.stem for f in STANDARD_FOLDERS for p in sorted((data / "instances" / f).glob("*.txt"))
    ]


def read_bks(data: Path) -> dict[tuple[str, int], tuple[int, str]]:
    path = data / "bks.csv"
    if not path.is_file():
        return {}
    with path.open(newline="") as f:
        return {
            (row["instance"], int(row["m"])): (int(row["bks"]), row["status"])
            for row in csv.DictReader(f)
        }


def schedule_greedily(problem: Problem, sequences: Sequence[Sequence[int]]) -> Solution:
    """A peer's visit orders as our Solution: leave at the earliest start and begin each visit
    as early as its window allows. The times are not repaired: verify_solution judges them."""
    routes = []
    for t, sequence in enumerate(sequences):
        track = problem.tracks[t]
        place, free = track.start_place, track.earliest_start
        stops = []
        for n in sequence:
            node = problem.nodes[n]
            start = max(free + problem.travel[place][node.place], node.windows[0][0])
            stops.append(Stop(n, start))
            place, free = node.place, start + node.duration
        arrival = free + problem.travel[place][track.end_place]
        routes.append(Route(t, track.earliest_start, arrival, tuple(stops)))
    served = {n for sequence in sequences for n in sequence}
    dropped = tuple(n for n in range(len(problem.nodes)) if n not in served)
    return Solution(tuple(routes), dropped)


def run_solver(solver: str, problem: Problem, seconds: float) -> tuple[Solution, float]:
    began = time.perf_counter()
    if solver == "ours":
        solution = solve(problem, SolveParams().for_seconds(seconds))
    elif solver == "pyvrp":
        solution = schedule_greedily(problem, peers.solve_pyvrp(problem, seconds))
    elif solver == "vroom":
        solution = schedule_greedily(problem, peers.solve_vroom(problem, seconds))
    else:
        raise ValueError(f"unknown solver {solver}")
    return solution, time.perf_counter() - began


def read_cached(path: Path | None, time_limit: float) -> dict[tuple[str, int, str], dict]:
    """Earlier rows (same time limit) to reuse instead of running a solver again."""
    if path is None:
        return {}
    with path.open(newline="") as f:
        return {
            (row["instance"], int(row["m"]), row["solver"]): row
            for row in csv.DictReader(f)
            if float(row["time_limit"]) == time_limit
        }


def measure(
    solver: str,
    instance: Instance,
    m: int,
    problem: Problem,
    time_limit: float,
    bks: dict[tuple[str, int], tuple[int, str]],
) -> dict:
    """One CSV row: run the solver, re-check its plan with our checker, score it."""
    best, status = bks.get((instance.name, m), (None, ""))
    solution, seconds = run_solver(solver, problem, time_limit)
    violations = verify_solution(problem, solution)
    score = solution.score(problem)
    return {
        "instance": instance.name,
        "set": instance.set_name,
        "m": m,
        "solver": solver,
        "score": score,
        "seconds": f"{seconds:.2f}",
        "feasible": not violations,
        "time_limit": time_limit,
        "bks": "" if best is None else best,
        "status": status,
        # An infeasible result scores nothing in every ratio.
        "ratio_bks": "" if not best else f"{(0 if violations else score) / best:.4f}",
        "violations": "; ".join(violations[:3]),
    }


def run(args: argparse.Namespace) -> list[dict]:
    data = Path(args.data)
    solvers = [s for s in args.solvers.split(",") if s]
    for solver in solvers:
        if solver not in SOLVERS:
            raise InputError(f"unknown solver {solver!r}; choose from {', '.join(SOLVERS)}")
        if solver != "ours" and not peers.available(solver):
            raise InputError(
                f"solver {solver!r} is not installed: pip install -e '.[bench]' (or leave it out"
                " of --solvers)"
            )
    if args.subset == "13":
        names = list(SUBSET_13)
    elif args.subset == "all":
        names = standard_names(data)
    else:
        names = []
    names += [n for n in (args.instances or "").split(",") if n]
    if not names:
        raise InputError("no instances: give --instances and/or --subset")
    if args.shard:
        shard, shards = args.shard
        names = names[shard - 1 :: shards]
    paths = find_instances(data, names)
    for path in paths:
        read_instance(path)  # a broken file stops the run now, not an hour into it (0.6 s for 76)
    bks = read_bks(data)
    cached = read_cached(Path(args.reuse) if args.reuse else None, args.time_limit)
    rows: list[dict] = []
    out = Path(args.out)
    try:
        fd, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
        os.chmod(partial, 0o644)  # mkstemp's 0600 would carry over to --out
    except OSError as exc:
        raise OutputError(f"cannot write in {out.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS)
            writer.writeheader()
            job = 0
            for path in paths:
                instance = read_instance(path)
                for m in args.m:
                    problem = instance.problem(m)
                    # Rotate the order so that a noisy moment does not always hit the same solver.
                    order = solvers[job % len(solvers) :] + solvers[: job % len(solvers)]
                    job += 1
                    for solver in order:
                        key = (instance.name, m, solver)
                        if solver != "ours" and key in cached:
                            row = dict(cached[key])
                        else:
                            row = measure(solver, instance, m, problem, args.time_limit, bks)
                        writer.writerow(row)
                        f.flush()
                        rows.append(row)
                        if not args.quiet:
                            print(
                                f"{row['instance']:>6} m={m} {solver:<5} score {row['score']:>5}"
                                f" bks {row['bks'] or '-':>5} {float(row['seconds']):6.2f} s"
                                + ("" if str(row["feasible"]) == "True" else "  INFEASIBLE"),
                                flush=True,
                            )
    except BaseException:
        print(f"toptw.py: stopped; the rows measured so far are in {partial}", file=sys.stderr)
        raise
    try:
        refuse_overwrite(out, force=args.force)  # checked before the run; created since?
    except OutputError as exc:
        raise OutputError(f"{exc}; this run's rows are in {partial}") from None
    os.replace(partial, out)
    return rows


def read_runs(paths: Sequence[Path]) -> list[dict]:
    """The rows of several CSVs written by this script (the shards of one run), refusing
    overlaps and mixed budgets: a merged summary must read as one run."""
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], Path] = {}
    for path in paths:
        try:
            with path.open(newline="") as f:
                reader = csv.DictReader(f)
                missing = [c for c in FIELDS if c not in (reader.fieldnames or ())]
                if missing:
                    raise InputError(f"{path}: not a toptw.py CSV (no column {missing[0]!r})")
                for row in reader:
                    try:
                        int(row["m"]), int(row["score"]), float(row["time_limit"])
                    except (TypeError, ValueError):
                        raise InputError(
                            f"{path}, line {reader.line_num}: m, score and time_limit must be"
                            " numbers"
                        ) from None
                    key = (row["instance"], row["m"], row["solver"])
                    if key in seen:
                        raise InputError(
                            f"{path}: {key[0]} m={key[1]} {key[2]} is also in {seen[key]}"
                        )
                    seen[key] = path
                    rows.append(row)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a toptw.py CSV (not UTF-8 text)") from None
    limits = sorted({float(r["time_limit"]) for r in rows})
    if len(limits) > 1:
        raise InputError(f"the CSVs mix time limits ({', '.join(f'{t:g}' for t in limits)} s)")
    if not rows:
        raise InputError("the CSVs hold no rows")
    return rows


def csv_text(rows: Sequence[dict]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _mean(values: list[float]) -> str:
    return f"{statistics.fmean(values):.4f}" if values else "-"


def counted(row: dict) -> int:
    """The score a row counts with: an infeasible result counts as 0."""
    return int(row["score"]) if str(row["feasible"]) == "True" else 0


def summary(rows: list[dict]) -> str:
    """Markdown tables: score/BKS by m and by set, ours vs each peer pair by pair."""
    by_key = {(r["instance"], int(r["m"]), r["solver"]): r for r in rows}
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    ms = sorted({int(r["m"]) for r in rows})
    lines = []

    def ratio_groups(group_of) -> list[str]:
        groups = sorted({group_of(r) for r in rows}, key=str)
        out = [
            "| "
            + " | ".join(["group", "solver", "n (trusted)", "trusted BKS", "n (all)", "all BKS"])
            + " |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for g in groups:
            for s in solvers:
                sel = [r for r in rows if group_of(r) == g and r["solver"] == s and r["bks"]]
                trusted = [float(r["ratio_bks"]) for r in sel if r["status"] in TRUSTED]
                every = [float(r["ratio_bks"]) for r in sel]
                out.append(
                    f"| {g} | {s} | {len(trusted)} | {_mean(trusted)} | {len(every)} |"
                    f" {_mean(every)} |"
                )
        return out

    lines.append("Mean score / BKS by m (trusted = status optimal or best_known):\n")
    lines += ratio_groups(lambda r: f"m={r['m']}")
    lines.append("\nMean score / BKS by set:\n")
    lines += ratio_groups(lambda r: r["set"])

    infeasible = [r for r in rows if str(r["feasible"]) != "True"]
    lines.append(f"\nInfeasible results: {len(infeasible)}")
    for r in infeasible:
        lines.append(f"- {r['instance']} m={r['m']} {r['solver']}: {r['violations']}")

    for peer in [s for s in solvers if s != "ours"]:
        if "ours" not in solvers:
            break
        lines.append(f"\nours / {peer}, pair by pair:\n")
        lines.append("| m | pairs | mean ratio | ours better | equal | worse | worst instance |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        pairs_all: list[tuple[float, str]] = []
        for m in ms + [None]:
            pairs = []
            for (name, mm, s), r in by_key.items():
                if s != "ours" or (m is not None and mm != m):
                    continue
                other = by_key.get((name, mm, peer))
                if other is None or counted(other) == 0:
                    continue
                ratio = counted(r) / counted(other)
                pairs.append((ratio, f"{name} m={mm}"))
            if m is not None:
                pairs_all += pairs
            if not pairs:
                continue
            worst = min(pairs)
            better = sum(1 for p, _ in pairs if p > 1)
            equal = sum(1 for p, _ in pairs if p == 1)
            lines.append(
                f"| {'all' if m is None else m} | {len(pairs)} |"
                f" {statistics.fmean(p for p, _ in pairs):.4f} | {better} | {equal} |"
                f" {len(pairs) - better - equal} | {worst[1]} ({worst[0]:.4f}) |"
            )
    ours_bks = [
        (float(r["ratio_bks"]), f"{r['instance']} m={r['m']} ({r['status']})")
        for r in rows
        if r["solver"] == "ours" and r["bks"]
    ]
    if ours_bks:
        ratio, where = min(ours_bks)
        lines.append(f"\nWorst ours / BKS: {where}: {ratio:.4f}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Subset 13: " + " ".join(SUBSET_13),
    )
    parser.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help="folder with instances/ and bks.csv (default: %(default)s)",
    )
    parser.add_argument(
        "--instances", help="comma-separated instance names (c101, pr05, 50_r101) or file paths"
    )
    parser.add_argument(
        "--subset",
        choices=("13", "all"),
        help="13: the representative subset below; all: the 76 standard instances",
    )
    parser.add_argument(
        "--m", type=_routes, default="1,2,4", help="numbers of routes (default: %(default)s)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="seconds per solver and run (default: 10)"
    )
    parser.add_argument(
        "--solvers", default="ours", help="comma-separated: ours,pyvrp,vroom (default: ours)"
    )
    parser.add_argument(
        "--out", default=str(REPO / "benchmarks" / "results" / "toptw.csv"), help="CSV to write"
    )
    parser.add_argument(
        "--reuse",
        help="CSV of an earlier run: its peer rows with the same --time-limit are copied"
        " instead of run again (never our own rows)",
    )
    parser.add_argument(
        "--shard",
        type=_shard,
        metavar="K/N",
        help="run only the K-th of N shares of the instance list (every N-th name, starting at"
        " the K-th), e.g. 1/2 and 2/2 on two cores; --merge joins their CSVs",
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="CSV",
        help="run nothing: join these CSVs of one run's shards into --out and summarise them",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace --out and its .md summary if they exist"
    )
    parser.add_argument("--quiet", action="store_true", help="print the summary only")
    return parser.parse_args(argv)


def _routes(text: str) -> list[int]:
    try:
        ms = [int(m) for m in text.split(",")]
    except ValueError:
        ms = []
    if not ms or min(ms) < 1:
        raise argparse.ArgumentTypeError(f"expected numbers of routes like 1,2,4, got {text!r}")
    return ms


def _shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, got {text!r}")
    return int(match[1]), int(match[2])


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.merge and (args.subset or args.instances or args.shard or args.reuse):
        print(
            "toptw.py: --merge runs nothing; leave out --subset, --instances, --shard and --reuse",
            file=sys.stderr,
        )
        return 2
    out = Path(args.out)
    summary_path = out.with_suffix(".md")
    try:
        # Before the run, not after it: a refused output must not cost an hour of solving.
        for path in (out, summary_path):
            prepare_output(path, force=args.force)
        if args.merge:
            rows = read_runs(args.merge)
            write_text(out, csv_text(rows), force=args.force)
        else:
            rows = run(args)
        text = summary(rows)
        print()
        print(text)
        write_text(summary_path, text + "\n", force=args.force)
    except (OutputError, InputError) as exc:
        print(f"toptw.py: {exc}", file=sys.stderr)
        return 2
    return 0 if all(str(r["feasible"]) == "True" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
