"""How the planner scales: generated trips of 10..400 hosts over 1..10 days.

For every (hosts, days) pair a fresh Python process generates the trip (benchmarks/generate.py),
writes it to a file and plans it exactly as `itinerary plan --time-limit T` does
(`planner.make_plan`: compile, solve, a proven score bound where the trip is small enough,
assemble, check, all by a deadline T seconds after the start of loading; the command's clock
starts a little earlier, before OR-Tools is loaded: benchmarks/budget.py times that). It
measures

- load: reading and validating visit.yaml (YAML, pydantic, cross-section checks);
- compile: spec -> integer Problem (timed in a separate call before planning);
- first plan: from the start of `make_plan` to the solver's first reported solution (the
  observer's first call), and from the start of loading (`first_plan_s`, what a user waits);
- the score, score / max score and travel minutes of the plan at the end of the budget, which
  `make_plan` has re-checked with the plan checker (it raises on any violation);
- the proven bound on the score and whether the plan is optimal, when make_plan computed one;
- peak memory: the child's own maximum resident set size (`ru_maxrss`), when the first plan
  is reported and at the end.

Each case runs in its own process so that peak memory and import state are its own. Results go
to CSV (one row per case) and a PNG chart; `--plot-only` redraws the chart from the CSV.

Nothing is overwritten without `--force`: a run refuses to start when `--out` or `--png` exists
(`--plot-only` when `--png` exists), before any case is measured. The CSV is rewritten after
every case, so an interrupted run keeps what it measured; it and the chart are written through
a temporary file in the same folder and a rename, never left half-written.

    python benchmarks/scaling.py --force               # the full grid, ~11 minutes
    python benchmarks/scaling.py --hosts 10 25 --days 1 3 --out /tmp/s.csv --png /tmp/s.png
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from itinerary.errors import OutputError
from itinerary.fsio import prepare_output, write_bytes, write_text

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
HOSTS = (10, 25, 50, 100, 200, 400)
DAYS = (1, 3, 5, 10)
TARGET_FIRST_PLAN_S = 5.0  # issue 4: 400 hosts x 10 days, a first plan within 5 s ...
TARGET_PEAK_MB = 1024.0  # ... and memory under 1 GB

COLUMNS = (
    "hosts",
    "days",
    "seed",
    "time_limit_s",
    "places",
    "nodes",
    "windows",
    "load_s",
    "compile_s",
    "first_solution_s",
    "first_plan_s",
    "first_plan_cpu_s",
    "first_score",
    "plan_s",
    "solutions",
    "score",
    "max_score",
    "score_ratio",
    "travel_minutes",
    "visits",
    "bound",
    "optimal",
    "status",
    "missing_required",
    "feasible",
    "first_plan_peak_mb",
    "peak_mb",
    "stopped_by",
    "error",
)


def default_time_limit(hosts: int) -> float:
    """Seconds of search per case: enough for the first solution of the largest trips on a
    shared 2-core machine, while the whole grid stays under ~25 minutes."""
    if hosts <= 50:
        return 10.0
    if hosts <= 100:
        return 20.0
    if hosts <= 200:
        return 30.0
    return 60.0


def run_case(hosts: int, days: int, seed: int, time_limit: float) -> dict[str, object]:
    """Plan one generated trip in this process and measure it (called in the child)."""
    sys.path.insert(0, str(HERE))
    from generate import trip_yaml

    from itinerary.input.load import load_spec
    from itinerary.model.compile import compile_spec
    from itinerary.plan.planner import PLAN_PARAMS, make_plan
    from itinerary.solver import Deadline, Progress

    row: dict[str, object] = {
        "hosts": hosts,
        "days": days,
        "seed": seed,
        "time_limit_s": time_limit,
    }
    with tempfile.TemporaryDirectory() as tmp:
        visit = Path(tmp) / "visit.yaml"
        visit.write_text(trip_yaml(hosts, days, seed), encoding="utf-8")
        t0, cpu0 = time.perf_counter(), time.process_time()
        loaded = load_spec(visit)
    t_loaded, cpu_loaded = time.perf_counter(), time.process_time()
    problem = compile_spec(loaded).problem
    row["compile_s"] = round(time.perf_counter() - t_loaded, 3)
    row["load_s"] = round(t_loaded - t0, 3)
    row["places"] = len(problem.travel)
    row["nodes"] = len(problem.nodes)
    row["windows"] = sum(len(n.windows) for n in problem.nodes)
    del problem

    first: list[tuple[float, float, int, Progress]] = []

    def observe(progress: Progress) -> None:
        if not first:
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            first.append((time.perf_counter(), time.process_time(), peak_kb, progress))

    t_plan, cpu_plan = time.perf_counter(), time.process_time()
    # T seconds from the start of loading, not counting the separate compile above.
    deadline = Deadline.within(time_limit - (t_loaded - t0))
    try:
        plan = make_plan(loaded, PLAN_PARAMS.for_seconds(time_limit), observe, deadline=deadline)
    except Exception as exc:  # an unsolved or rejected case is a result, not a crash
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
        row["feasible"] = False
        plan = None
    t_done = time.perf_counter()
    row["plan_s"] = round(t_done - t_plan, 3)
    if first:
        seen_at, cpu_at, peak_kb, progress = first[0]
        row["first_plan_peak_mb"] = round(peak_kb / 1024, 1)
        row["first_solution_s"] = round(seen_at - t_plan, 3)
        row["first_plan_s"] = round(row["load_s"] + seen_at - t_plan, 3)  # type: ignore[operator]
        # CPU seconds of this process over the same span: about the wall time on an idle
        # machine (single-threaded up to there), to tell slowness from a busy machine.
        row["first_plan_cpu_s"] = round(cpu_loaded - cpu0 + cpu_at - cpu_plan, 3)
        row["first_score"] = progress.score
    if plan is not None:
        row["feasible"] = True  # make_plan re-checked it with check_plan
        row["score"] = plan.score
        row["max_score"] = plan.max_score
        row["score_ratio"] = round(plan.score / plan.max_score, 4) if plan.max_score else 1.0
        row["travel_minutes"] = plan.travel_minutes
        row["visits"] = len(plan.visits())
        # A proven upper bound on the score, when make_plan computes one (trip-sized problems).
        row["bound"] = getattr(plan, "bound", None)
        row["optimal"] = getattr(plan, "optimal", None)
        row["status"] = plan.status
        row["missing_required"] = len(plan.missing_required())
        if plan.solver is not None:
            row["solutions"] = plan.solver.solutions
            row["stopped_by"] = plan.solver.stopped_by
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def run_in_child(hosts: int, days: int, seed: int, time_limit: float) -> dict[str, object]:
    """One case in a fresh interpreter; a crash or a hang becomes an `error` row."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        f"{hosts},{days},{seed},{time_limit}",
    ]
    row: dict[str, object] = {"hosts": hosts, "days": days, "seed": seed}
    row["time_limit_s"] = time_limit
    timeout = 3 * time_limit + 180
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        row["error"] = f"no result within {timeout:g} s"
        return row
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        row["error"] = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return row
    return json.loads(lines[-1])


def write_csv(rows: Sequence[dict[str, object]], path: Path, *, force: bool = False) -> None:
    """All rows so far, through a temporary file and a rename (an interrupted write leaves
    the previous version); an existing file is replaced only with `force`."""
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_text(path, text.getvalue(), force=force)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def plot(rows: Sequence[dict[str, object]], path: Path, *, force: bool = False) -> None:
    """Time to first plan, peak memory and score at the budget against hosts, a line per days.

    The PNG goes through a temporary file and a rename; an existing file is replaced only
    with `force`.
    """
    import matplotlib

    matplotlib.use("Agg")  # no display on benchmark machines
    import matplotlib.pyplot as plt

    def values(key: str, days: int) -> tuple[list[float], list[float]]:
        pairs = sorted(
            (float(r["hosts"]), float(r[key]))  # type: ignore[arg-type]
            for r in rows
            if int(r["days"]) == days and r.get(key) not in (None, "")  # type: ignore[arg-type]
        )
        return [h for h, _ in pairs], [v for _, v in pairs]

    panels = (
        ("first_plan_s", "time to first plan (s)", TARGET_FIRST_PLAN_S, True),
        ("peak_mb", "peak memory (MB)", TARGET_PEAK_MB, True),
        ("score_ratio", "score / max score at the budget", None, False),
    )
    days_seen = sorted({int(r["days"]) for r in rows})  # type: ignore[arg-type]
    fig, axes = plt.subplots(1, len(panels), figsize=(15, 4.6))
    for ax, (key, label, target, log_y) in zip(axes, panels, strict=True):
        for days in days_seen:
            xs, ys = values(key, days)
            ax.plot(xs, ys, marker="o", label=f"{days} day{'s' if days > 1 else ''}")
        if target is not None:
            ax.axhline(target, color="grey", linestyle="--", linewidth=1)
            ax.annotate("target (400 × 10)", (min(HOSTS), target), fontsize=8, color="grey")
        ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        ax.set_xticks(list(HOSTS), [str(h) for h in HOSTS])
        ax.set_xlabel("hosts")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.suptitle("itinerary: scaling on generated trips (one process per case)")
    fig.tight_layout()
    image = io.BytesIO()
    fig.savefig(image, format="png", dpi=110)
    plt.close(fig)
    write_bytes(path, image.getvalue(), force=force)


def markdown_table(rows: Sequence[dict[str, object]]) -> str:
    """The README table: one line per case; a failed case keeps the numbers it reached."""
    lines = [
        "| hosts | days | budget s | load s | compile s | first plan s (CPU s) | first score "
        "| score at budget / max | travel min | status | peak MB at first plan / end |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in rows:

        def cell(key: str, r: dict[str, object] = r) -> str:
            value = r.get(key)
            return "" if value in (None, "") else str(value)

        if cell("score"):
            ratio = float(cell("score_ratio"))
            scored = f"{r['score']} / {r['max_score']} ({ratio:.2f})"
        else:
            scored = ""
        status = f"error: {r['error']}" if cell("error") else cell("status")
        if cell("optimal") == "True":
            status += ", optimal"
        elif cell("bound"):
            status += f", score ≤ {r['bound']}"
        budget = float(cell("time_limit_s"))
        first_plan = cell("first_plan_s")
        if first_plan and cell("first_plan_cpu_s"):
            first_plan += f" ({r['first_plan_cpu_s']})"
        lines.append(
            f"| {r['hosts']} | {r['days']} | {budget:g} | {cell('load_s')} | "
            f"{cell('compile_s')} | {first_plan} | {cell('first_score')} | {scored} | "
            f"{cell('travel_minutes')} | {status} | "
            f"{cell('first_plan_peak_mb')} / {cell('peak_mb')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Scaling run: plan generated trips (hosts x days), one fresh process per "
        "case; write CSV, a PNG chart and a Markdown table."
    )
    parser.add_argument("--hosts", type=int, nargs="+", default=list(HOSTS), help="host counts")
    parser.add_argument("--days", type=int, nargs="+", default=list(DAYS), help="trip lengths")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds of search per case (default: 10 up to 50 hosts, 20 for 100, 30 for 200, "
        "60 for 400)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "scaling.csv", help="CSV file")
    parser.add_argument("--png", type=Path, default=RESULTS / "scaling.png", help="chart file")
    parser.add_argument(
        "--plot-only", action="store_true", help="redraw the chart and table from --out"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace --out and --png if they exist (without it a run that would overwrite "
        "either refuses to start)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # hosts,days,seed,limit: one case
    args = parser.parse_args(argv)

    if args.child:
        hosts, days, seed, limit = args.child.split(",")
        print(json.dumps(run_case(int(hosts), int(days), int(seed), float(limit))))
        return 0
    try:
        # Before any case, not after: a refused output must not cost minutes of measuring.
        for path in [args.png] if args.plot_only else [args.out, args.png]:
            prepare_output(path, force=args.force)
        if args.plot_only:
            if not args.out.is_file():
                raise OutputError(f"{args.out} not found: nothing to plot")
            rows: list[dict[str, object]] = list(read_csv(args.out))
            written: list[Path] = []
        else:
            rows = []
            owned = args.force  # after its first write the CSV is this run's own
            for hosts in args.hosts:
                for days in args.days:
                    limit = args.time_limit or default_time_limit(hosts)
                    row = run_in_child(hosts, days, args.seed, limit)
                    rows.append(row)
                    print(_progress_line(row), file=sys.stderr, flush=True)
                    write_csv(rows, args.out, force=owned)  # keep what is done if interrupted
                    owned = True
            written = [args.out]
        try:
            plot(rows, args.png, force=args.force)
            written.append(args.png)
        except ModuleNotFoundError:
            # The chart needs the bench extra; the measurements and the table do not.
            print(
                "matplotlib is not installed (pip install -e '.[bench]'): no chart",
                file=sys.stderr,
            )
    except OutputError as exc:
        print(f"scaling.py: {exc}", file=sys.stderr)
        return 2
    print(markdown_table(rows))
    shown = " and ".join(str(path) for path in written) or "nothing"
    print(f"\nwrote {shown} (cpus: {os.cpu_count()})", file=sys.stderr)
    return 0


def _progress_line(row: dict[str, object]) -> str:
    if row.get("error"):
        return f"{row['hosts']:>4} hosts x {row['days']:>2} days: error: {row['error']}"
    return (
        f"{row['hosts']:>4} hosts x {row['days']:>2} days: first plan {row.get('first_plan_s')} s,"
        f" score {row.get('score')}/{row.get('max_score')}, {row.get('status')},"
        f" {row.get('peak_mb')} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
