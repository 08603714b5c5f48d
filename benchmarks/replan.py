"""Re-planning against what was sent (`itinerary plan --previous`): how many visits move.

Plans the OWL week (`examples/its-owl-week.yaml`), then declines each host of that plan in turn
(`declined: true`) and plans the week again twice, as `itinerary plan` does (the default budget
and the proof): afresh, and with the first plan as `--previous`. For each it prints the visits
of the first plan that moved (another date or start) or dropped, the score, and what the proof
says about the change count ("fewest, proven", or its lower bound), with the seconds each took.
Every plan is re-checked by the plan checker.

    python benchmarks/replan.py [--hosts dmg-mori,miele] [--visit examples/its-owl-week.yaml]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's itinerary, whatever is installed

from itinerary.input.load import load_spec, load_spec_text  # noqa: E402
from itinerary.plan import Plan  # noqa: E402
from itinerary.plan.changes import plan_changes  # noqa: E402
from itinerary.plan.check import check_plan  # noqa: E402
from itinerary.plan.planner import make_plan  # noqa: E402


def moved_or_dropped(old: Plan, new: Plan) -> int:
    return sum(1 for change in plan_changes(old, new) if change.change != "added")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visit", type=Path, default=ROOT / "examples" / "its-owl-week.yaml")
    parser.add_argument("--hosts", help="hosts to decline, comma-separated (default: each visited)")
    args = parser.parse_args()
    text = args.visit.read_text(encoding="utf-8")
    loaded = load_spec(args.visit)
    old = make_plan(loaded)
    assert check_plan(old, loaded) == []
    hosts = args.hosts.split(",") if args.hosts else [v.id for v in old.visits()]
    print(f"{args.visit.name}: {len(old.visits())} visits, score {old.score}")
    print(
        "| declined | afresh: moved or dropped | score | --previous: moved or dropped | score "
        "| proof | seconds afresh / --previous |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for host in hosts:
        changed = text.replace(f"  - id: {host}\n", f"  - id: {host}\n    declined: true\n", 1)
        declined = load_spec_text(changed, args.visit.name, args.visit.parent)
        began = time.perf_counter()
        fresh = make_plan(declined)
        between = time.perf_counter()
        new = make_plan(declined, previous=old)
        done = time.perf_counter()
        for plan in (fresh, new):
            assert check_plan(plan, declined) == []
        assert new.changes == moved_or_dropped(old, new)
        proof = (
            "fewest, proven"
            if new.changes_optimal
            else f"at least {new.changes_bound}"
            if new.changes_bound is not None
            else "no bound"
        )
        print(
            f"| {host} | {moved_or_dropped(old, fresh)} | {fresh.score} | {new.changes} | "
            f"{new.score} | {proof} | {between - began:.1f} / {done - between:.1f} |"
        )


if __name__ == "__main__":
    main()
