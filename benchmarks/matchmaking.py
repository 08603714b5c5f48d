"""Matchmaking benchmark: generated brokerage events scheduled by CP-SAT (`itinerary.match`)
and by a greedy first-come-first-served scheduler, the way requests are slotted by hand or by a
simple tool.

The generator (`event(participants, seed)`) makes events that look like real ones: two sides
(a visiting delegation, about 40 %, and local companies); each participant sends 3-8 requests to
the other side, skewed toward a few popular companies (Zipf weights: a few locals get most
requests); a request both ways is one meeting worth both priorities; 1 % of requests are
`must`; 30 % of participants are present only part of the time (a contiguous run of at least
half the slots); languages: delegates speak ca/es and mostly English, locals de and mostly
English; a pair sharing none needs an interpreter. 16 slots of 20 minutes with 5-minute pauses,
a table per 10 participants, an interpreter per 50.

    python benchmarks/matchmaking.py                      # sizes 20 50 100 200 400, seeds 1-3
    python benchmarks/matchmaking.py --sizes 400 --seeds 1 --out results/matchmaking.csv

Per size and seed: requests, time to the first schedule (CP-SAT's hint, the greedy by
priority) and to the final one, the proven gap (1 − score / bound), whether the idle gaps are
proven fewest for the meetings chosen, peak memory (RSS), and for
CP-SAT and first-come-first-served: the share of the requested priority scheduled, meetings per
participant, participants with none, idle gaps.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from itinerary.match.greedy import assign_tables, by_priority, first_come_first_served  # noqa: E402
from itinerary.match.problem import (  # noqa: E402
    MUST_PRIORITY,
    MatchParams,
    MeetingProblem,
    Request,
    Slot,
    idle_gaps,
    violations,
    without_meeting,
)

SLOTS = 16


def event(participants: int, seed: int, slots: int = SLOTS) -> MeetingProblem:
    """A generated event of `participants` people (see the module docstring)."""
    rng = random.Random(seed)
    delegates = max(2, round(participants * 0.4))
    locals_ = participants - delegates
    slot_list = tuple(Slot(s * 25, s * 25 + 20) for s in range(slots))
    available = []
    for _ in range(participants):
        if rng.random() < 0.3:
            length = rng.randint(slots // 2, slots - 1)
            first = rng.randint(0, slots - length)
            available.append(frozenset(range(first, first + length)))
        else:
            available.append(frozenset(range(slots)))
    speaks: list[set[str]] = []
    for p in range(participants):
        own = {"ca", "es"} if p < delegates else {"de"}
        if rng.random() < 0.75:
            own.add("en")
        if p >= delegates and rng.random() < 0.1:
            own.add("es")
        speaks.append(own)

    # Popularity: Zipf weights over each side, so a few companies get most requests.
    def weights(n: int) -> list[float]:
        order = list(range(n))
        rng.shuffle(order)
        return [1.0 / (1 + order[i]) ** 0.8 for i in range(n)]

    local_w, delegate_w = weights(locals_), weights(delegates)
    asked: dict[tuple[int, int], list[int | str]] = {}
    for p in range(participants):
        mine = p < delegates
        others = range(delegates, participants) if mine else range(delegates)
        w = local_w if mine else delegate_w
        k = min(rng.randint(3, 8), len(others))
        chosen: set[int] = set()
        while len(chosen) < k:
            chosen.add(rng.choices(list(others), weights=w)[0])
        for q in sorted(chosen):
            priority: int | str = (
                "must" if rng.random() < 0.01 else rng.choice((20, 40, 50, 60, 60, 80, 80, 100))
            )
            asked.setdefault((min(p, q), max(p, q)), []).append(priority)
    requests = []
    for (a, b), given in sorted(asked.items()):
        must = "must" in given
        total = sum(MUST_PRIORITY if g == "must" else int(g) for g in given)
        requests.append(
            Request(a, b, total, must=must, needs_interpreter=not speaks[a] & speaks[b])
        )
    return MeetingProblem(
        slots=slot_list,
        available=tuple(available),
        requests=tuple(requests),
        tables=max(2, participants // 10),
        interpreters=max(1, participants // 50),
        max_meetings=None,
    )


def measures(problem: MeetingProblem, slot_of: dict[int, int]) -> dict[str, float]:
    meetings = assign_tables(problem, slot_of)
    assert violations(problem, meetings) == []
    scheduled = sum(problem.requests[m.request].priority for m in meetings)
    requested = problem.requested()
    return {
        "share": scheduled / problem.total_priority,
        "per_participant": 2 * len(meetings) / max(1, len(requested)),
        "without": without_meeting(problem, meetings),
        "gaps": idle_gaps(problem, meetings),
        "meetings": len(meetings),
    }


def run(participants: int, seed: int, params: MatchParams) -> dict[str, object]:
    from itinerary.match.solve import schedule_meetings

    problem = event(participants, seed)
    started = time.perf_counter()
    by_priority(problem)
    first = time.perf_counter() - started
    started = time.perf_counter()
    result = schedule_meetings(problem, params)
    seconds = time.perf_counter() - started
    ours = measures(problem, {m.request: m.slot for m in result.meetings})
    fcfs = measures(problem, first_come_first_served(problem))
    row: dict[str, object] = {
        "participants": participants,
        "seed": seed,
        "requests": len(problem.requests),
        "tables": problem.tables,
        "first_s": round(first, 3),
        "total_s": round(seconds, 2),
        "score": result.score,
        "bound": result.bound,
        "gap_pct": round(100 * (1 - result.score / result.bound), 3) if result.bound else 0.0,
        "optimal": result.optimal,
        "gaps_optimal": result.gaps_optimal,
        "stages": "+".join(result.stages),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    for name, values in (("cpsat", ours), ("fcfs", fcfs)):
        for key, value in values.items():
            row[f"{name}_{key}"] = round(value, 3) if isinstance(value, float) else value
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 100, 200, 400])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--out", type=Path, default=None, help="CSV file to write (new only)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:  # one run in a fresh process, so that its peak memory is its own
        print(json.dumps(run(args.sizes[0], args.seeds[0], MatchParams())))
        return
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            done = subprocess.run(
                [sys.executable, __file__, "--child", "--sizes", str(size), "--seeds", str(seed)],
                check=True,
                capture_output=True,
                text=True,
            )
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(", ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    if args.out is not None:
        from itinerary.fsio import write_text

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        write_text(args.out, buffer.getvalue(), force=False)


if __name__ == "__main__":
    main()
