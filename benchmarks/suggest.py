"""How long `itinerary suggest` takes to search, in process: `plan.suggest.suggest` for hosts
left out of a plan, on the bundled examples and on generated trips (`benchmarks/generate.py`).

For each case the trip is planned once (the default budget, no proof for generated trips above
25 hosts, so the case is quick to set up), then `suggest` runs for up to `--hosts` hosts left
out of the plan (all of them in the examples); the CPU time of each call is measured
(`time.process_time`, so a busy machine shares it less), with the starts tried, the slots found
and the best slot's cost. Prints a Markdown table; `--out FILE` also writes the rows as CSV
(refused if FILE exists, unless `--force`). The whole command adds starting Python and reading
the file (`validate`'s time) and, without `--plan`, planning the trip.

    python benchmarks/suggest.py
    python benchmarks/suggest.py --cases 25x3 100x5 300x5 --hosts 5 --out /tmp/suggest.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import trip_yaml  # noqa: E402

from itinerary.fsio import write_text  # noqa: E402
from itinerary.input.load import load_spec, load_spec_text  # noqa: E402
from itinerary.plan.planner import PLAN_PARAMS, make_plan  # noqa: E402
from itinerary.plan.suggest import suggest  # noqa: E402

EXAMPLES = ["its-owl-week", "limoges-symposium"]
FIELDS = ["case", "host", "cpu_s", "slots", "best"]


def _cases(names: list[str], examples: bool) -> list[tuple[str, object]]:
    cases: list[tuple[str, object]] = []
    if examples:
        cases += [(name, load_spec(ROOT / "examples" / f"{name}.yaml")) for name in EXAMPLES]
    for name in names:
        hosts, days = (int(x) for x in name.split("x"))
        cases.append((name, load_spec_text(trip_yaml(hosts, days), f"{name}.yaml")))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="*", default=["25x3", "100x5", "300x5"])
    parser.add_argument("--no-examples", action="store_true")
    parser.add_argument("--hosts", type=int, default=5, help="hosts per generated case")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for name, loaded in _cases(args.cases, not args.no_examples):
        params = PLAN_PARAMS if name in EXAMPLES else replace(PLAN_PARAMS, proof=None)
        plan = make_plan(loaded, params)  # type: ignore[arg-type]
        left_out = [u.id for u in plan.unscheduled if u.kind == "host"]
        if name not in EXAMPLES:
            left_out = left_out[: args.hosts]
        for host in left_out:
            started = time.process_time()
            found = suggest(loaded, plan, host)  # type: ignore[arg-type]
            cpu = time.process_time() - started
            best = found.slots[0] if found.slots else None
            cost = "" if best is None else f"{best.score_change:+d} score, {len(best.moves)} moves"
            cost += "" if best is None else f", {len(best.drops)} drops"
            rows.append(
                {
                    "case": name,
                    "host": host,
                    "cpu_s": f"{cpu:.3f}",
                    "slots": len(found.slots),
                    "best": cost,
                }
            )
            print(f"{name} {host}: {cpu:.3f} s, {len(found.slots)} slots", file=sys.stderr)
    print("| case | hosts | CPU s, median | CPU s, max |")
    print("| --- | --- | --- | --- |")
    for name in dict.fromkeys(r["case"] for r in rows):
        times = [float(r["cpu_s"]) for r in rows if r["case"] == name]
        print(f"| {name} | {len(times)} | {statistics.median(times):.3f} | {max(times):.3f} |")
    if args.out is not None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        write_text(args.out, buffer.getvalue(), force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
