"""The whole `itinerary plan` command as a user runs it: its time, memory and plan, under the
default budget and under `--time-limit S`.

For every case (generated trips of HOSTSxDAYS, `benchmarks/generate.py`) and every budget
(`default`, or a number of seconds), it runs `python -m itinerary.cli plan VISIT --json PLAN
[--time-limit S]` in a fresh process and measures

- seconds: wall time from the start of the process to its end (imports included), and for a
  time limit the overrun, seconds - S (the README states the margin this shows);
- peak MB: the child's maximum resident set size (`os.wait4`'s resource usage of that child);
- the exit status, and from the saved plan its score, travel minutes, solutions and what stopped
  the search; a refused trip (beyond the supported size) shows its one-line message.

With `--baseline DIR` every run is made in that checkout too (another commit of the repository,
e.g. `git worktree add /tmp/base HEAD~3`; its modules come first on PYTHONPATH), right before the
same run here, so a busy moment hits both alike. `--repeat N` runs everything N times in turn;
the table shows medians (and the largest overrun). Rows go to CSV as they come (an interrupted
run keeps them); nothing is overwritten without `--force`.

    python benchmarks/budget.py --cases 25x3 50x5 100x5 200x5 300x5 400x10 1000x10 1001x10 \\
        --budgets default 5 20 --repeat 3 --out /tmp/budget.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from itinerary.errors import OutputError
from itinerary.fsio import prepare_output, write_text

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CASES = ("25x3", "50x5", "100x5", "200x5", "300x5", "400x10", "1000x10", "1001x10")
BUDGETS = ("default", "5", "20")

COLUMNS = (
    "case",
    "checkout",
    "budget",
    "round",
    "seconds",
    "overrun_s",
    "peak_mb",
    "exit",
    "score",
    "max_score",
    "travel_minutes",
    "solutions",
    "stopped_by",
    "message",
)


class InputError(Exception):
    """Bad arguments: one line, exit status 2."""


def parse_case(text: str) -> tuple[int, int]:
    hosts, sep, days = text.partition("x")
    if not sep or not hosts.isdigit() or not days.isdigit():
        raise InputError(f"a case is HOSTSxDAYS, e.g. 300x5, not {text!r}")
    return int(hosts), int(days)


def parse_budget(text: str) -> float | None:
    if text == "default":
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise InputError(f"a budget is 'default' or seconds, not {text!r}") from None
    if not seconds > 0:
        raise InputError(f"a budget in seconds must be above 0, not {text!r}")
    return seconds


def run_plan(
    visit: Path, budget: float | None, checkout: Path, timeout: float
) -> dict[str, object]:
    """One `itinerary plan` in a fresh process, with `checkout`'s modules."""
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "plan.json"
        command = [sys.executable, "-m", "itinerary.cli", "plan", str(visit), "--json", str(saved)]
        if budget is not None:
            command += ["--time-limit", f"{budget:g}"]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(checkout), env.get("PYTHONPATH", "")])
        # Not in a checkout: `python -m` puts the working folder first on the path.
        with open(Path(tmp) / "err", "w+b") as err:
            began = time.perf_counter()
            child = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=tmp
            )
            timer = threading.Timer(timeout, child.kill)
            timer.start()
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - began
            timer.cancel()
            child.returncode = os.waitstatus_to_exitcode(status)  # waited for here, not by Popen
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        row: dict[str, object] = {
            "seconds": round(seconds, 2),
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "exit": child.returncode,
        }
        if budget is not None:
            row["overrun_s"] = round(seconds - budget, 2)
        if seconds >= timeout:
            row["message"] = f"killed after {timeout:g} s"
        if saved.is_file():
            plan = json.loads(saved.read_text(encoding="utf-8"))
            row.update(
                score=plan["score"],
                max_score=plan["max_score"],
                travel_minutes=plan["travel_minutes"],
                solutions=plan["solver"]["solutions"],
                stopped_by=plan["solver"]["stopped_by"],
            )
        elif "message" not in row:
            lines = [line for line in stderr.splitlines() if line.strip()]
            row["message"] = lines[-1][:300] if lines else "no plan and no message"
        return row


def summary(rows: Sequence[dict[str, object]]) -> str:
    """Per case, budget and checkout: median seconds, largest overrun, peak MB, the plan."""
    groups: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    for row in rows:
        key = (str(row["case"]), str(row["budget"]), str(row["checkout"]))
        groups.setdefault(key, []).append(row)
    lines = [
        "| case | budget | checkout | runs | seconds (median) | overrun s (largest) | peak MB "
        "| exit | score / max | travel min | stopped by |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for (case, budget, checkout), group in groups.items():
        seconds = statistics.median(float(str(r["seconds"])) for r in group)
        overruns = [float(str(r["overrun_s"])) for r in group if r.get("overrun_s") is not None]
        peak = max(float(str(r["peak_mb"])) for r in group)
        exits = "/".join(sorted({str(r["exit"]) for r in group}))
        scores = sorted({f"{r['score']} / {r['max_score']}" for r in group if "score" in r})
        travel = sorted({str(r["travel_minutes"]) for r in group if "travel_minutes" in r})
        stopped = sorted({str(r.get("stopped_by") or r.get("message") or "") for r in group})
        overrun = f"{max(overruns):+.2f}" if overruns else ""
        lines.append(
            f"| {case} | {budget} | {checkout} | {len(group)} | {seconds:.2f} | {overrun} | "
            f"{peak:.0f} | {exits} | {'; '.join(scores)} | {'; '.join(travel)} | "
            f"{'; '.join(stopped)} |"
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
        description="Time the whole `itinerary plan` command on generated trips, under the "
        "default budget and under --time-limit, one fresh process per run."
    )
    parser.add_argument("--cases", nargs="+", default=list(CASES), help="HOSTSxDAYS, e.g. 300x5")
    parser.add_argument("--budgets", nargs="+", default=list(BUDGETS), help="default or seconds")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over everything")
    parser.add_argument("--baseline", type=Path, help="another checkout to run before each run")
    parser.add_argument(
        "--timeout", type=float, default=1200.0, help="kill a run after this many seconds"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "budget.csv")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        cases = [parse_case(c) for c in args.cases]
        budgets = [parse_budget(b) for b in args.budgets]
        if args.repeat < 1 or args.timeout <= 0:
            raise InputError("--repeat must be at least 1 and --timeout above 0")
        if args.baseline is not None and not (args.baseline / "itinerary").is_dir():
            raise InputError(f"--baseline {args.baseline} is not a checkout (no itinerary/)")
        prepare_output(args.out, force=args.force)
    except (InputError, OutputError) as exc:
        print(f"budget.py: {exc}", file=sys.stderr)
        return 2

    sys.path.insert(0, str(HERE))
    from generate import trip_yaml

    checkouts: list[tuple[str, Path]] = [("this", REPO)]
    if args.baseline is not None:
        checkouts.insert(0, ("baseline", args.baseline.resolve()))
    rows: list[dict[str, object]] = []
    owned = args.force
    with tempfile.TemporaryDirectory() as tmp:
        visits = {}
        for hosts, days in cases:
            visits[hosts, days] = Path(tmp) / f"trip-{hosts}x{days}.yaml"
            visits[hosts, days].write_text(trip_yaml(hosts, days, args.seed), encoding="utf-8")
        for round_ in range(1, args.repeat + 1):
            for (hosts, days), visit in visits.items():
                for budget in budgets:
                    for name, checkout in checkouts:
                        row = run_plan(visit, budget, checkout, args.timeout)
                        row.update(
                            case=f"{hosts}x{days}",
                            checkout=name,
                            budget="default" if budget is None else f"{budget:g} s",
                            round=round_,
                        )
                        rows.append(row)
                        print(
                            f"{row['case']:>8} {row['budget']:>8} {name:>8}: "
                            f"{row['seconds']} s, {row['peak_mb']} MB, exit {row['exit']}, "
                            f"score {row.get('score')}",
                            file=sys.stderr,
                            flush=True,
                        )
                        write_csv(rows, args.out, force=owned)
                        owned = True
    print(summary(rows))
    print(f"\nwrote {args.out} (cpus: {os.cpu_count()})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
