"""Run-to-run steadiness: how far each solver's score moves between two runs of toptw.py.

Targets such as "no instance below 0.97 of PyVRP's score" compare one run of each solver. A
solver whose own score moves by 3 % between two runs of the same commit (same seed; only the
machine's timing differs) can miss such a target by noise alone. This script measures that
move per solver, and shows the head-to-head ratios each of the four pairings of the two runs
would report (ours of run A against a peer of run A, of run B, and so on).

    python benchmarks/steadiness.py benchmarks/results/toptw-all-10s.csv \\
        benchmarks/results/toptw-all-10s-repeat.csv

It reads the CSVs only and prints Markdown; it writes nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from toptw import InputError, counted, read_runs  # noqa: E402

Scores = dict[tuple[str, int, str], int]


def scores(rows: Sequence[dict]) -> Scores:
    """(instance, m, solver) -> the score the row counts with (0 if infeasible)."""
    return {(r["instance"], int(r["m"]), r["solver"]): counted(r) for r in rows}


def _where(key: tuple[str, int]) -> str:
    return f"{key[0]} m={key[1]}"


def own_moves(a: Scores, b: Scores, solver: str) -> list[tuple[float, tuple[str, int], int, int]]:
    """Per (instance, m) in both runs: the lower score over the higher (1 = the same), worst
    first."""
    moves = []
    for (name, m, s), x in a.items():
        y = b.get((name, m, s))
        if s != solver or y is None or max(x, y) == 0:
            continue
        moves.append((min(x, y) / max(x, y), (name, m), x, y))
    return sorted(moves)


def head_to_head(ours: Scores, peer: Scores, name: str) -> list[tuple[float, tuple[str, int]]]:
    """ours / peer per (instance, m) where the peer scored, worst first."""
    pairs = []
    for (instance, m, s), x in ours.items():
        y = peer.get((instance, m, name))
        if s == "ours" and y:
            pairs.append((x / y, (instance, m)))
    return sorted(pairs)


def report(
    a: Scores, b: Scores, below: float, worst: int, labels: tuple[str, str] = ("A", "B")
) -> str:
    solvers = list(dict.fromkeys(s for _, _, s in a))
    lines = [
        "Each solver against itself (lower score / higher score of the two runs):\n",
        "| solver | pairs | mean | below 0.99 | below 0.98 | below 0.97 | worst |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for solver in solvers:
        moves = own_moves(a, b, solver)
        if not moves:
            continue
        shown = ", ".join(f"{_where(k)} {x}/{y} ({r:.3f})" for r, k, x, y in moves[:worst])
        counts = " | ".join(str(sum(r < t for r, *_ in moves)) for t in (0.99, 0.98, 0.97))
        mean = statistics.fmean(r for r, *_ in moves)
        lines.append(f"| {solver} | {len(moves)} | {mean:.4f} | {counts} | {shown} |")
    for peer in [s for s in solvers if s != "ours"]:
        if "ours" not in solvers:
            break
        lines += [
            f"\nours / {peer} in each pairing of the two runs:\n",
            f"| ours of | {peer} of | pairs | mean | below {below:g} | worst |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        for ours_run, ours in zip(labels, (a, b), strict=True):
            for peer_run, other in zip(labels, (a, b), strict=True):
                pairs = head_to_head(ours, other, peer)
                if not pairs:
                    continue
                shown = ", ".join(f"{_where(k)} ({r:.3f})" for r, k in pairs[:worst])
                lines.append(
                    f"| {ours_run} | {peer_run} | {len(pairs)} |"
                    f" {statistics.fmean(r for r, _ in pairs):.4f} |"
                    f" {sum(r < below for r, _ in pairs)} | {shown} |"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("run_a", type=Path, help="CSV of one run of benchmarks/toptw.py (A)")
    parser.add_argument("run_b", type=Path, help="CSV of another run of the same command (B)")
    parser.add_argument(
        "--below", type=float, default=0.97, help="head-to-head threshold (default: 0.97)"
    )
    parser.add_argument("--worst", type=int, default=3, help="cases shown per line (default: 3)")
    parser.add_argument(
        "--labels",
        default="A,B",
        help="names of the two runs in the pairing table (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        rows_a, rows_b = read_runs([args.run_a]), read_runs([args.run_b])
    except InputError as exc:
        print(f"steadiness.py: {exc}", file=sys.stderr)
        return 2
    limits = {float(rows_a[0]["time_limit"]), float(rows_b[0]["time_limit"])}
    if len(limits) > 1:
        print(
            f"steadiness.py: the runs had different time limits"
            f" ({', '.join(f'{t:g}' for t in sorted(limits))} s)",
            file=sys.stderr,
        )
        return 2
    a, b = scores(rows_a), scores(rows_b)
    if not set(a) & set(b):
        print("steadiness.py: the runs have no (instance, m, solver) in common", file=sys.stderr)
        return 2
    labels = tuple(args.labels.split(","))
    if len(labels) != 2:
        parser.error(f"--labels takes two names, got {args.labels!r}")
    print(report(a, b, args.below, args.worst, labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
