"""How fast the ruin-and-recreate walk runs: this checkout against another, in one run.

Runs a fixed number of iterations of `itinerary.solver.lns.improve` on TOPTW instances, in this
checkout and in a baseline checkout (another commit of the repository, for instance made with
`git worktree add /tmp/base HEAD~1`), one fresh process per run, baseline and this one in turn,
and reports the CPU seconds of each (the least over the rounds: on a shared machine a run can
only be slowed down) and their ratio. It also says whether the two walks ended with the same
plan: a change meant only to make the walk faster must leave it identical, iteration for
iteration.

    python benchmarks/walkspeed.py --baseline /tmp/base \\
        --instances pr15:2,pr18:4,pr06:1,r207:1,c201:4,pr11:1 --iterations 1500 --rounds 3

The instances are read here, with this checkout's reader, and handed to both checkouts as plain
numbers, so the baseline only needs `lns.improve` and `insertion.insertion_sequences` (called
`_insertion_sequences` in checkouts before it got its public name, which are found too).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class InputError(Exception):
    """Bad arguments or instances: one line, exit status 2."""


def problem_json(problem: object) -> str:
    """The problem as plain numbers, for a checkout whose classes may differ from ours."""
    return json.dumps(
        {
            "travel": [list(row) for row in problem.travel],
            "nodes": [
                [
                    nd.place,
                    nd.duration,
                    [list(w) for w in nd.windows],
                    nd.score,
                    nd.required,
                    None if nd.tracks is None else list(nd.tracks),
                ]
                for nd in problem.nodes
            ],
            "tracks": [
                [
                    tr.start_place,
                    tr.end_place,
                    tr.earliest_start,
                    tr.latest_end,
                    [[b.earliest_start, b.latest_end, b.duration] for b in tr.breaks],
                ]
                for tr in problem.tracks
            ],
        }
    )


def problem_from_json(text: str) -> object:
    """`problem_json` read back with the `itinerary` first on `sys.path` (the checkout's own)."""
    try:
        from itinerary.model.problem import Break, Node, Problem, Track
    except ImportError:  # a baseline from before the folders (itinerary/problem.py)
        from itinerary.problem import Break, Node, Problem, Track  # type: ignore[no-redef]

    raw = json.loads(text)
    return Problem.build(
        raw["travel"],
        [
            Node(place, duration, tuple(map(tuple, windows)), score, required,
                 None if tracks is None else tuple(tracks))
            for place, duration, windows, score, required, tracks in raw["nodes"]
        ],
        [
            Track(start, end, earliest, latest, tuple(Break(*b) for b in breaks))
            for start, end, earliest, latest, breaks in raw["tracks"]
        ],
    )  # fmt: skip


def walk(repo: Path, problem_file: Path, iterations: int, seed: int) -> tuple[float, str]:
    """In this process, with `repo`'s solver: the CPU seconds of `iterations` iterations and a
    digest of the plan the walk returns."""
    sys.path.insert(0, str(repo))
    import random

    from itinerary.solver import lns

    try:  # the heuristic's home now, then in the baselines before (routing.py, public or not)
        from itinerary.solver.insertion import insertion_sequences
    except ImportError:
        from itinerary.solver import routing

        insertion_sequences = getattr(
            routing, "insertion_sequences", getattr(routing, "_insertion_sequences", None)
        )
    problem = problem_from_json(problem_file.read_text())
    done = [0]

    def progress() -> float:
        done[0] += 1
        return done[0] / iterations

    began = time.process_time()
    found = lns.improve(
        problem, insertion_sequences(problem), random.Random(seed), progress, lambda *_: None
    )
    seconds = time.process_time() - began
    return seconds, hashlib.sha256(repr(found).encode()).hexdigest()[:16]


def parse_pairs(text: str) -> list[tuple[str, int]]:
    pairs = []
    for item in text.split(","):
        name, _, m = item.strip().partition(":")
        if not name or not m.isdigit() or int(m) < 1:
            raise InputError(f"--instances: {item.strip()!r} is not NAME:m (m a whole number ≥ 1)")
        pairs.append((name, int(m)))
    return pairs


def _checkout(text: str) -> Path:
    path = Path(text).resolve()
    if not (path / "itinerary" / "solver" / "lns.py").is_file():
        raise InputError(f"--baseline: {text} is not a checkout of this repository")
    return path


def _run_one(repo: Path, problem_file: Path, iterations: int, seed: int) -> tuple[float, str]:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(repo),
            str(problem_file),
            str(iterations),
            str(seed),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(f"the walk failed in {repo}: {last}")
    seconds, digest = result.stdout.split()
    return float(seconds), digest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="CPU seconds of the ruin-and-recreate walk, this checkout against a baseline."
    )
    parser.add_argument("--baseline", required=True, help="another checkout of this repository")
    parser.add_argument(
        "--instances",
        default="pr15:2,pr18:4,pr06:1,r207:1,c201:4,pr11:1",
        help="comma-separated NAME:m (default: %(default)s)",
    )
    parser.add_argument("--iterations", type=int, default=1500, help="per walk (default: 1500)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default: 3)")
    parser.add_argument("--seed", type=int, default=1, help="of the walk (default: 1)")
    parser.add_argument(
        "--data",
        default=str(REPO.parent / "shared" / "benchmarks" / "toptw"),
        help="the TOPTW folder (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        if args.iterations < 1 or args.rounds < 1:
            raise InputError("--iterations and --rounds must be at least 1")
        baseline = _checkout(args.baseline)
        pairs = parse_pairs(args.instances)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import toptw

        try:
            files = toptw.find_instances(Path(args.data), [name for name, _ in pairs])
            instances = [toptw.read_instance(f) for f in files]
        except toptw.InputError as e:
            raise InputError(str(e)) from e
        with tempfile.TemporaryDirectory() as folder:
            problem_files = []
            for k, ((name, m), instance) in enumerate(zip(pairs, instances, strict=True)):
                path = Path(folder) / f"{k}-{name}-{m}.json"
                path.write_text(problem_json(instance.problem(m)))
                problem_files.append(path)
            seconds: dict[tuple[int, str], list[float]] = {}
            digests: dict[tuple[int, str], set[str]] = {}
            for _ in range(args.rounds):
                for k, path in enumerate(problem_files):
                    for side, repo in (("baseline", baseline), ("this", REPO)):
                        s, digest = _run_one(repo, path, args.iterations, args.seed)
                        seconds.setdefault((k, side), []).append(s)
                        digests.setdefault((k, side), set()).add(digest)
    except InputError as e:
        print(f"walkspeed.py: {e}", file=sys.stderr)
        return 2
    print(f"{args.iterations} iterations, seed {args.seed}, least CPU seconds of {args.rounds}")
    print()
    print("| instance | m | baseline s | this s | this / baseline | same walk |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    totals = [0.0, 0.0]
    for k, (name, m) in enumerate(pairs):
        old, new = min(seconds[(k, "baseline")]), min(seconds[(k, "this")])
        totals[0] += old
        totals[1] += new
        same = "yes" if digests[(k, "baseline")] == digests[(k, "this")] else "no"
        print(f"| {name} | {m} | {old:.3f} | {new:.3f} | {new / old:.3f} | {same} |")
    print(f"| all | | {totals[0]:.3f} | {totals[1]:.3f} | {totals[1] / totals[0]:.3f} | |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        s, digest = walk(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        print(f"{s:.4f} {digest}")
        sys.exit(0)
    sys.exit(main())
