"""How long the exports of one very long day take: N visits in one day, each renderer, with the
ratio to the smallest N measured in the same run.

    python benchmarks/render_scale.py --force        # N = 250 ... 4000 visits; 3 rounds
    python benchmarks/render_scale.py --visits 100,400 --formats html,md --out /tmp/r.csv

The plan is built here, without the solver: a hotel in the middle of a region about 90 km
across around Bielefeld, N hosts at distinct random places in it (seeded), visited in a random
order from 08:00 to 22:00, with travel before each visit and back to the hotel: 2N + 3 items
(start, N + 1 legs, N visits, end). The random order
makes legs that cross the whole map, the hardest case for the map's label placement, and the
day has a contact, an address and topics on every visit. Each renderer gets the plan in memory
(`itinerary.render.render`, what `itinerary export` calls between reading the JSON and writing
the file), once on a small plan first so that imports are not timed; then every (N, format)
runs `--rounds` times, round-robin, so a busy moment on a shared machine hits all alike, and the
median is reported with its ratio to the median of the smallest N. The table goes to standard
output, the rows to `--out` (CSV).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from itinerary.errors import OutputError
from itinerary.fsio import prepare_output, write_text
from itinerary.input.spec import Contact
from itinerary.plan import (
    EndItem,
    Item,
    Plan,
    PlanDelegation,
    PlanTrack,
    PlanTrip,
    StartItem,
    TravelItem,
    VisitItem,
)
from itinerary.render import FORMATS, render

HERE = Path(__file__).resolve().parent
VISITS = (250, 500, 1000, 2000, 4000)  # 503 to 8,003 items
TIMED_FORMATS = ("html", "md", "csv", "ics", "xlsx")
MAX_VISITS = 20_000
REGION_RADIUS_KM = 45.0
CENTRE = (52.0286, 8.5329)  # Bielefeld, by the main station
ZONE = "Europe/Berlin"
DAY = dt.date(2026, 6, 2)  # a Tuesday
FIRST, LAST = dt.time(8), dt.time(22)
KINDS = ("GmbH", "AG", "Maschinenbau GmbH & Co. KG", "Software und Systeme GmbH", "Logistik KG")


class InputError(Exception):
    """Bad arguments: one line, exit status 2."""


def places(visits: int, seed: int) -> list[tuple[float, float]]:
    """`visits` distinct (lat, lon) pairs, uniformly spread over a disc around CENTRE."""
    rng = random.Random(seed)
    cos_lat = math.cos(math.radians(CENTRE[0]))
    found: dict[tuple[float, float], None] = {}  # a set that keeps the order of drawing
    while len(found) < visits:
        km, angle = REGION_RADIUS_KM * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
        lat = CENTRE[0] + km * math.sin(angle) / 111.2
        lon = CENTRE[1] + km * math.cos(angle) / (111.2 * cos_lat)
        found[(round(lat, 6), round(lon, 6))] = None
    return list(found)


def day_plan(visits: int, seed: int = 0) -> Plan:
    """One day of `visits` short visits at distinct places, with travel between them."""
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    start = dt.datetime.combine(DAY, FIRST, zone)
    slot = (dt.datetime.combine(DAY, LAST, zone) - start) / visits  # travel, then the visit
    hotel_key, hotel_name = "hotel", "Hotel am Bahnhof Bielefeld"
    items: list[Item] = [
        StartItem(
            place=hotel_name, key=hotel_key, location=CENTRE, address="Am Bahnhof 3", time=start
        )
    ]
    here_key, here_name, clock = hotel_key, hotel_name, start
    travel_minutes = score = 0
    for n, location in enumerate(places(visits, seed), 1):
        key, name = f"host-{n}", f"Host {n} {rng.choice(KINDS)}"
        priority = rng.randint(1, 100)
        arrive, leave = clock + slot / 3, clock + slot
        minutes = round((arrive - clock).total_seconds() / 60)
        items.append(_travel(clock, arrive, here_key, here_name, key, name, minutes))
        items.append(
            VisitItem(
                id=key,
                name=name,
                address=f"Industriestraße {n}, 33609 Bielefeld",
                location=location,
                start=arrive,
                end=leave,
                priority=priority,
                contact=Contact(
                    name=f"Contact {n}", phone=f"+49 521 {n:06d}", email=f"c{n}@host.example"
                ),
                language="de",
                topics=["automation", "logistics"][: rng.randint(0, 2)],
            )
        )
        travel_minutes += minutes
        score += priority
        here_key, here_name, clock = key, name, leave
    back = clock + dt.timedelta(minutes=30)
    items.append(_travel(clock, back, here_key, here_name, hotel_key, hotel_name, 30))
    items.append(EndItem(place=hotel_name, key=hotel_key, location=CENTRE, time=back))
    return Plan(
        trip=PlanTrip(name="A very long day", timezone=ZONE, start=DAY, end=DAY, language="en"),
        delegation=PlanDelegation(name="Benchmark delegation", size=8),
        status="complete",
        score=score,
        max_score=score,
        travel_minutes=travel_minutes + 30,
        tracks=[PlanTrack(date=DAY, group="all", items=items)],
        unscheduled=[],
    )


def _travel(
    start: dt.datetime,
    end: dt.datetime,
    from_key: str,
    from_name: str,
    key: str,
    name: str,
    minutes: int,
) -> TravelItem:
    # By the JSON name: "from" is a keyword, and the field is `from_` only in Python.
    return TravelItem.model_validate(
        {
            "start": start,
            "end": end,
            "from": from_key,
            "to": key,
            "from_name": from_name,
            "to_name": name,
            "minutes": minutes,
        }
    )


@dataclass(frozen=True)
class Timing:
    visits: int
    items: int
    format: str
    seconds: tuple[float, ...]  # one per round

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(visits: Sequence[int], formats: Sequence[str], rounds: int, seed: int) -> list[Timing]:
    plans = {n: day_plan(n, seed) for n in visits}
    for fmt in formats:
        render(day_plan(3, seed), fmt)  # imports the renderer and its libraries: not timed
    seconds: dict[tuple[int, str], list[float]] = {(n, f): [] for n in visits for f in formats}
    for _ in range(rounds):
        for n in visits:
            for fmt in formats:
                began = time.perf_counter()
                render(plans[n], fmt)
                seconds[(n, fmt)].append(time.perf_counter() - began)
    return [
        Timing(n, len(plans[n].tracks[0].items), fmt, tuple(seconds[(n, fmt)]))
        for n in visits
        for fmt in formats
    ]


def markdown_table(timings: Sequence[Timing], formats: Sequence[str]) -> str:
    """N against seconds per format (median), each with its ratio to the smallest N's."""
    by_key = {(t.visits, t.format): t for t in timings}
    visits = sorted({t.visits for t in timings})
    base = visits[0]
    lines = [
        "| visits | items | " + " | ".join(f"{f} s (× {base:,} visits)" for f in formats) + " |",
        "| ---: | ---: | " + " | ".join("---:" for _ in formats) + " |",
    ]
    for n in visits:
        cells = []
        for fmt in formats:
            median, baseline = by_key[(n, fmt)].median, by_key[(base, fmt)].median
            cells.append(f"{median:.3f} ({median / baseline:.1f}×)")
        items = by_key[(n, formats[0])].items
        lines.append(f"| {n:,} | {items:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def csv_text(timings: Sequence[Timing]) -> str:
    base = min(t.visits for t in timings)
    baseline = {t.format: t.median for t in timings if t.visits == base}
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["visits", "items", "format", "rounds", "median_s", "min_s", "ratio"])
    for t in timings:
        writer.writerow(
            [
                t.visits,
                t.items,
                t.format,
                len(t.seconds),
                round(t.median, 4),
                round(min(t.seconds), 4),
                round(t.median / baseline[t.format], 2),
            ]
        )
    return text.getvalue()


def _visits(text: str) -> list[int]:
    try:
        visits = sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise InputError(f"--visits: {text!r} is not a list of whole numbers") from None
    if visits[0] < 1 or visits[-1] > MAX_VISITS:
        raise InputError(f"--visits: each N must be between 1 and {MAX_VISITS:,}")
    return visits


def _formats(text: str) -> list[str]:
    formats = [part.strip() for part in text.split(",")]
    for fmt in formats:
        if fmt not in FORMATS or FORMATS[fmt].folder:
            single = ", ".join(f for f, spec in FORMATS.items() if not spec.folder)
            raise InputError(f"--formats: {fmt!r} is not one of {single}")
    return formats


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time every export of one day of N visits, against the smallest N."
    )
    parser.add_argument(
        "--visits",
        default=",".join(map(str, VISITS)),
        help="comma-separated numbers of visits (default: %(default)s)",
    )
    parser.add_argument(
        "--formats",
        default=",".join(TIMED_FORMATS),
        help="comma-separated export formats (default: %(default)s)",
    )
    parser.add_argument("--rounds", default="3", help="renders of each (N, format) (default: 3)")
    parser.add_argument("--seed", default="0", help="places and names (default: 0)")
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "results" / "render_scale.csv",
        help="CSV file to write; an existing one is kept unless --force",
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        visits, formats = _visits(args.visits), _formats(args.formats)
        if not args.rounds.isdigit() or int(args.rounds) < 1:
            raise InputError(f"--rounds: {args.rounds!r} is not a whole number of at least 1")
        if not args.seed.isdigit():
            raise InputError(f"--seed: {args.seed!r} is not a whole number")
        prepare_output(args.out, force=args.force)  # before the minutes of measuring
        timings = measure(visits, formats, int(args.rounds), int(args.seed))
        write_text(args.out, csv_text(timings), force=args.force)
    except (InputError, OutputError) as exc:
        print(f"render_scale.py: {exc}", file=sys.stderr)
        return 2
    print(markdown_table(timings, formats))
    print(
        f"\nwrote {args.out} (median of {args.rounds} rounds, cpus: {os.cpu_count()})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
