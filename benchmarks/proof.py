"""Proof first, measured from outside: the whole `itinerary plan` command against `itinerary
validate` of the same file, and whether the plan is proven optimal in score and travel.

Since the planner proves first (itinerary/solver/pipeline.py), a trip-sized plan should cost a
small multiple of reading and checking the file. For every case (the two bundled examples, and
generated trips of HOSTSxDAYS for each seed, `benchmarks/generate.py`) and every round, in fresh
processes and interleaved (validate, plan, validate, plan, ..., so a busy moment hits both
alike), it runs

    python -m itinerary.cli validate VISIT
    python -m itinerary.cli plan VISIT --json PLAN

and measures the wall time of each (start of the process to its end, imports included), their
CPU time and exit statuses, the plan's peak resident memory (`os.wait4`), and from the saved plan
its score, `bound`, `optimal` (score and travel both proven), travel minutes, `travel_bound`,
`travel_optimal` and what stopped the solver ("CP-SAT proved it optimal in score and travel"
when the search was skipped). The ratio plan / validate is taken per round; the tables show its
median. Before the rounds, one validate and one plan (not recorded) compile the .pyc files.

`--generate-args "--after 2 --choices 2"` passes options through to the generator (a string
with a space, or `--generate-args=--flag`); an option the generator does not know is reported
in one line, before anything is measured. With `--baseline DIR` every run is made in that
checkout too (its modules first on PYTHONPATH), right before the same run here. Rows go to CSV
as they come (an interrupted run keeps them); nothing is overwritten without `--force`. Exit
status 1 if a command failed, 2 for a bad argument or a trip the generator refuses.

    python benchmarks/proof.py --repeat 3 --out benchmarks/results/proof.csv
    python benchmarks/proof.py --cases 25x5 --seeds 0-4 --no-examples --out /tmp/proof.csv
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from itinerary.errors import OutputError
from itinerary.fsio import prepare_output, write_text

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLES = (REPO / "examples" / "its-owl-week.yaml", REPO / "examples" / "limoges-symposium.yaml")
CASES = ("15x3", "25x5")
SEEDS = ("0-9",)
# What pipeline.run says when the proof came first and the search was skipped.
SKIPPED = "CP-SAT proved it optimal in score and travel"

COLUMNS = (
    "case",
    "seed",
    "checkout",
    "round",
    "validate_s",
    "plan_s",
    "ratio",
    "validate_cpu_s",
    "plan_cpu_s",
    "plan_peak_mb",
    "validate_exit",
    "plan_exit",
    "score",
    "max_score",
    "bound",
    "optimal",
    "travel_minutes",
    "travel_bound",
    "travel_optimal",
    "search_skipped",
    "solutions",
    "stopped_by",
    "message",
    "load_avg",
    "generate_args",
)


class InputError(Exception):
    """Bad arguments: one line, exit status 2."""


@dataclass(frozen=True)
class Case:
    """One visit file: a bundled example (seed None) or a generated trip."""

    name: str
    seed: int | None
    visit: Path

    @property
    def label(self) -> str:
        return self.name if self.seed is None else f"{self.name} seed {self.seed}"


def parse_case(text: str) -> tuple[int, int]:
    hosts, sep, days = text.partition("x")
    if not sep or not hosts.isdigit() or not days.isdigit() or int(hosts) < 1 or int(days) < 1:
        raise InputError(f"a case is HOSTSxDAYS, e.g. 25x5, not {text!r}")
    return int(hosts), int(days)


def parse_seeds(texts: Sequence[str]) -> list[int]:
    """Seeds as N, A-B (both included) or comma-separated lists of them, in the given order."""
    seeds: list[int] = []
    for text in texts:
        for part in text.split(","):
            first, sep, last = part.partition("-")
            if not first.isdigit() or (sep and not last.isdigit()):
                raise InputError(f"seeds are N or A-B, e.g. 0-9 or 1,4, not {text!r}")
            low, high = int(first), int(last) if sep else int(first)
            if high < low:
                raise InputError(f"a range of seeds goes upwards, not {part!r}")
            seeds += [s for s in range(low, high + 1) if s not in seeds]
    if not seeds:
        raise InputError("--seeds needs at least one seed")
    return seeds


def generate(hosts: int, days: int, seed: int, extra: Sequence[str], out: Path) -> None:
    """Write the generated trip with benchmarks/generate.py (this checkout's), passing `extra`
    through; a refusal becomes an InputError with the generator's own last line."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import generate as generator

    argv = ["--hosts", str(hosts), "--days", str(days), "--seed", str(seed), "--out", str(out)]
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            status = generator.main([*argv, "--force", *extra])
    except SystemExit as exc:  # argparse refuses an option it does not know
        status = exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:
        raise InputError(
            f"generate.py failed on {hosts}x{days} seed {seed}: {type(exc).__name__}: {exc}"
        ) from None
    if status != 0 or not out.is_file():
        lines = [line for line in err.getvalue().splitlines() if line.strip()]
        # "PROG: error: ..." from argparse (PROG is this script's name, in-process), or
        # "generate.py: ..." from the generator itself.
        reason = re.sub(r"^[\w.-]+: (error: )?", "", lines[-1]) if lines else ""
        what = f"--generate-args {shlex.join(extra)!r}" if extra else f"{hosts}x{days}"
        raise InputError(f"generate.py rejected {what}: {reason or f'exit status {status}'}")


def run_command(
    arguments: Sequence[str], checkout: Path, cwd: Path, timeout: float
) -> dict[str, object]:
    """`python -m itinerary.cli ARGUMENTS` in a fresh process with `checkout`'s modules: wall and
    CPU seconds, peak MB, exit status and the last line of its standard error."""
    command = [sys.executable, "-m", "itinerary.cli", *arguments]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(checkout), env.get("PYTHONPATH", "")])
    # Not in a checkout: `python -m` puts the working folder first on the path.
    with open(cwd / "err", "w+b") as err:
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # waited for here, not by Popen
        err.seek(0)
        lines = [line for line in err.read().decode("utf-8", "replace").splitlines() if line]
    message = f"killed after {timeout:g} s" if seconds >= timeout else ""
    if child.returncode != 0 and not message:
        message = lines[-1][:300] if lines else f"exit status {child.returncode}, no message"
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "exit": child.returncode,
        "message": message,
    }


def measure(case: Case, checkout: Path, timeout: float) -> dict[str, object]:
    """One validate, then one plan, of `case` with `checkout`'s modules: one CSV row."""
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "plan.json"
        validate = run_command(["validate", str(case.visit)], checkout, Path(tmp), timeout)
        plan = run_command(
            ["plan", str(case.visit), "--json", str(saved)], checkout, Path(tmp), timeout
        )
        row: dict[str, object] = {
            "validate_s": round(float(str(validate["seconds"])), 3),
            "plan_s": round(float(str(plan["seconds"])), 3),
            "ratio": round(float(str(plan["seconds"])) / float(str(validate["seconds"])), 2),
            "validate_cpu_s": round(float(str(validate["cpu"])), 3),
            "plan_cpu_s": round(float(str(plan["cpu"])), 3),
            "plan_peak_mb": round(float(str(plan["peak_mb"])), 1),
            "validate_exit": validate["exit"],
            "plan_exit": plan["exit"],
            "message": "; ".join(
                f"{what}: {r['message']}"
                for what, r in (("validate", validate), ("plan", plan))
                if r["message"]
            ),
            "load_avg": round(os.getloadavg()[0], 2),
        }
        if saved.is_file():
            data = json.loads(saved.read_text(encoding="utf-8"))
            solver = data.get("solver", {})
            row.update(
                {key: data.get(key) for key in ("score", "max_score", "bound", "optimal")},
                travel_minutes=data.get("travel_minutes"),
                travel_bound=data.get("travel_bound"),
                travel_optimal=data.get("travel_optimal"),
                solutions=solver.get("solutions"),
                stopped_by=solver.get("stopped_by"),
                search_skipped=solver.get("stopped_by") == SKIPPED,
            )
        return row


def _proven(row: dict[str, object]) -> bool:
    """Optimal in score and travel: the JSON's `optimal` (older plans: both flags)."""
    return row.get("optimal") is True and row.get("travel_optimal") in (True, None)


def _num(value: object) -> float:
    return float(str(value))


def _span(values: Sequence[object]) -> str:
    shown = sorted({str(v) for v in values if v not in (None, "")}, key=lambda v: (len(v), v))
    return "; ".join(shown)


def case_table(rows: Sequence[dict[str, object]]) -> str:
    """Per case and checkout: medians, the ratio plan / validate, the plan and its proof."""
    groups: dict[tuple[str, str], list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault((str(row["label"]), str(row["checkout"])), []).append(row)
    lines = [
        "| case | checkout | runs | validate s | plan s | plan / validate | plan CPU s | peak MB "
        "| exit | score / bound | travel min / bound | optimal | stopped by |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |",
    ]
    for (label, checkout), group in groups.items():
        validate = statistics.median(_num(r["validate_s"]) for r in group)
        plan = statistics.median(_num(r["plan_s"]) for r in group)
        ratio = statistics.median(_num(r["ratio"]) for r in group)
        cpu = statistics.median(_num(r["plan_cpu_s"]) for r in group)
        peak = max(_num(r["plan_peak_mb"]) for r in group)
        exits = _span([f"{r['validate_exit']}/{r['plan_exit']}" for r in group])
        scores = _span([f"{r.get('score')} / {r.get('bound')}" for r in group if "score" in r])
        travel = _span(
            [f"{r.get('travel_minutes')} / {r.get('travel_bound')}" for r in group if "score" in r]
        )
        proven = sum(_proven(r) for r in group)
        optimal = "yes" if proven == len(group) else f"{proven} of {len(group)}"
        stopped = _span(
            ["search skipped" if r.get("search_skipped") else r.get("stopped_by") for r in group]
            + [r.get("message") for r in group]
        )
        lines.append(
            f"| {label} | {checkout} | {len(group)} | {validate:.2f} | {plan:.2f} | "
            f"{ratio:.2f} | {cpu:.2f} | {peak:.0f} | {exits} | {scores} | {travel} | "
            f"{optimal} | {stopped} |"
        )
    return "\n".join(lines)


def summary_table(rows: Sequence[dict[str, object]]) -> str:
    """Per example, and per size of generated trip: the share proven optimal in score and
    travel, the share with the search skipped, plan seconds and the ratio plan / validate."""
    groups: dict[tuple[str, str], list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault((str(row["case"]), str(row["checkout"])), []).append(row)
    lines = [
        "| case | checkout | runs (trips) | proven in score and travel: runs (trips) "
        "| search skipped: runs | plan s: median, max | plan CPU s: median, max "
        "| under 3 s: runs | plan / validate: median, max |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (case, checkout), group in groups.items():
        trips: dict[object, list[dict[str, object]]] = {}
        for row in group:
            trips.setdefault(row["seed"], []).append(row)
        proven = sum(_proven(r) for r in group)
        proven_trips = sum(all(_proven(r) for r in t) for t in trips.values())
        skipped = sum(bool(r.get("search_skipped")) for r in group)
        plan = [_num(r["plan_s"]) for r in group]
        cpu = [_num(r["plan_cpu_s"]) for r in group]
        ratio = [_num(r["ratio"]) for r in group]
        lines.append(
            f"| {case} | {checkout} | {len(group)} ({len(trips)}) | "
            f"{proven} / {len(group)} ({proven_trips} / {len(trips)}) | "
            f"{skipped} / {len(group)} | {statistics.median(plan):.2f}, {max(plan):.2f} | "
            f"{statistics.median(cpu):.2f}, {max(cpu):.2f} | "
            f"{sum(s < 3 for s in plan)} / {len(group)} | "
            f"{statistics.median(ratio):.2f}, {max(ratio):.2f} |"
        )
    return "\n".join(lines)


def write_csv(rows: Sequence[dict[str, object]], path: Path, *, force: bool) -> None:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_text(path, text.getvalue(), force=force)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `itinerary plan` against `itinerary validate` of the same file "
        "(fresh processes, interleaved) on the examples and generated trips, and report "
        "whether each plan is proven optimal in score and travel."
    )
    parser.add_argument(
        "--cases", nargs="*", default=list(CASES), help="generated trips HOSTSxDAYS (15x3 25x5)"
    )
    parser.add_argument(
        "--seeds", nargs="+", default=list(SEEDS), help="generator seeds: N, A-B, lists (0-9)"
    )
    parser.add_argument(
        "--generate-args",
        default="",
        help='more options for generate.py, e.g. "--after 2 --choices 2"',
    )
    parser.add_argument(
        "--no-examples", action="store_true", help="leave out the two bundled examples"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds over everything (3)")
    parser.add_argument("--baseline", type=Path, help="another checkout to run before each run")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="kill a run after this many seconds (600)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results" / "proof.csv",
        help="CSV file to write; an existing one is kept unless --force",
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            sizes = [parse_case(c) for c in args.cases]
            seeds = parse_seeds(args.seeds)
            try:
                extra = shlex.split(args.generate_args)
            except ValueError as exc:
                raise InputError(f"--generate-args {args.generate_args!r}: {exc}") from None
            if args.repeat < 1 or args.timeout <= 0:
                raise InputError("--repeat must be at least 1 and --timeout above 0")
            if args.baseline is not None and not (args.baseline / "itinerary").is_dir():
                raise InputError(f"--baseline {args.baseline} is not a checkout (no itinerary/)")
            if args.no_examples and not sizes:
                raise InputError("nothing to measure: no --cases and --no-examples")
            prepare_output(args.out, force=args.force)
            cases = [] if args.no_examples else [Case(p.stem, None, p) for p in EXAMPLES]
            for hosts, days in sizes:
                for seed in seeds:
                    visit = Path(tmp) / f"trip-{hosts}x{days}-seed{seed}.yaml"
                    generate(hosts, days, seed, extra, visit)
                    cases.append(Case(f"{hosts}x{days}", seed, visit))
        except (InputError, OutputError) as exc:
            print(f"proof.py: {exc}", file=sys.stderr)
            return 2
        return _run(cases, args, extra)


def _run(cases: Sequence[Case], args: argparse.Namespace, extra: Sequence[str]) -> int:
    checkouts: list[tuple[str, Path]] = [("this", REPO)]
    if args.baseline is not None:
        checkouts.insert(0, ("baseline", args.baseline.resolve()))
    load_before = os.getloadavg()
    began = time.strftime("%H:%M UTC", time.gmtime())
    for _, checkout in checkouts:  # compile the .pyc files, not recorded
        measure(cases[0], checkout, args.timeout)
    rows: list[dict[str, object]] = []
    owned = args.force
    for round_ in range(1, args.repeat + 1):
        for case in cases:
            for name, checkout in checkouts:
                row = measure(case, checkout, args.timeout)
                row.update(
                    case=case.name,
                    seed="" if case.seed is None else case.seed,
                    label=case.label,
                    checkout=name,
                    round=round_,
                    generate_args="" if case.seed is None else shlex.join(extra),
                )
                rows.append(row)
                print(
                    f"{case.label:>18} {name:>8} round {round_}: validate {row['validate_s']} s,"
                    f" plan {row['plan_s']} s ({row['ratio']}x), exit "
                    f"{row['validate_exit']}/{row['plan_exit']}, score {row.get('score')} / "
                    f"{row.get('bound')}, travel {row.get('travel_minutes')} / "
                    f"{row.get('travel_bound')}, load {row['load_avg']}",
                    file=sys.stderr,
                    flush=True,
                )
                write_csv(rows, args.out, force=owned)
                owned = True
    load_after = os.getloadavg()
    failed = [r for r in rows if r["validate_exit"] != 0 or r["plan_exit"] != 0]
    print(case_table(rows))
    print()
    print(summary_table(rows))
    loads = " / ".join(f"{a:.2f}, {b:.2f}, {c:.2f}" for a, b, c in (load_before, load_after))
    print(
        f"\nwrote {args.out} ({began} to {time.strftime('%H:%M UTC', time.gmtime())}, "
        f"cpus: {os.cpu_count()}, load average before / after: {loads})",
        file=sys.stderr,
    )
    if failed:
        print(f"FAIL: {len(failed)} runs exited with an error", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
