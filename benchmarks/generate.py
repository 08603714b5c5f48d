"""A realistic, reproducible trip generator for scaling runs: N hosts over D days around Bielefeld.

The trips look like the delegations the planner is made for, only larger: a region about 90 km
across in OstWestfalenLippe, hosts in its towns (jittered around the town centre), one hotel in
the middle for every night, an arrival on the first day and a departure on the last, a daily
lunch window and one fixed event per day (matchmaking, cluster meeting, dinner, ...) at varying
places. Hosts keep business hours: 1-3 opening windows on some weekdays (full days, split days,
morning-only or afternoon-only), and every host is closed at weekends, so a 10-day trip has two
days with events but no visits. A few hosts are `must`; the rest have priorities 1..100.

Rules between hosts on request: `--after N` adds N `after` pairs (a host visited only after
another host or an event), `--choices N` N `one_of` groups of 2-3 hosts, `--must-share F` of
them (rounded; default half) `must: true`. They are drawn from a random stream of their own, so
a trip with them has the same hosts, times and events as the trip without, and they are always
valid: a host comes only after hosts listed before it (no cycle), a must-visit never comes after
anything, a host named in `after` is in no choice, and the hosts of a must choice are in no
`after` pair, so every must choice can be met whatever the others choose.

Sub-groups on request: `--groups K` (2-4) splits the delegation into K interest groups of 6-14
people (`groups`, each with the topics of a few sectors as its `interests`, so by default a host
is for the group its sector belongs to, and an institution, whose topics meet none, for all);
of the hosts that are not must-visits, about two in five name two groups in `for`, and about half
get a `capacity` between the smallest group and the whole delegation, so some groups cannot
visit them and some pairs cannot be there together; every day's event names all
groups (`events[].groups`: a joint event); with 3 days or more the middle date is a together
date (`trip.days.<date>.together`). Drawn from a stream of their own too: a trip with groups has
the same hosts, times, events and rules as the trip without, and a trip without `--groups` is
exactly the text it always was.

The output is visit.yaml exactly as README.md documents it; the same (hosts, days, seed, start,
after, choices, must share, groups) always gives the same text. Use it as a library (`trip_data`,
`trip_yaml`) or as a script:

    python benchmarks/generate.py --hosts 100 --days 5 --seed 1 --out /tmp/visit.yaml
    python benchmarks/generate.py --hosts 25 --days 5 --after 4 --choices 3
    python benchmarks/generate.py --hosts 40 --days 5 --groups 3

Without `--out` the text goes to standard output. An existing `--out` file is never replaced
without `--force`; the file is written through a temporary file and a rename, so it is either
the old file or the complete new one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from itinerary.errors import OutputError
from itinerary.fsio import write_text

MIN_HOSTS, MAX_HOSTS = 1, 2000
MIN_DAYS, MAX_DAYS = 1, 31  # a trip may last at most 31 days (spec.Trip)
REGION_RADIUS_KM = 50.0  # the region is about 100 km across
KM_PER_DEGREE_LAT = 111.2

# (town, [lat, lon], postcode, weight): towns in and around OWL within 50 km of Bielefeld (the
# region spans ~85 km west-east and ~80 km north-south); the weight is roughly how many
# businesses a delegation would visit there.
TOWNS: tuple[tuple[str, tuple[float, float], str, int], ...] = (
    ("Bielefeld", (52.0213, 8.5347), "33602", 10),
    ("Paderborn", (51.7189, 8.7575), "33098", 7),
    ("Gütersloh", (51.9069, 8.3785), "33330", 6),
    ("Herford", (52.1146, 8.6734), "32052", 4),
    ("Detmold", (51.9387, 8.8793), "32756", 4),
    ("Lemgo", (52.0276, 8.9011), "32657", 3),
    ("Bad Salzuflen", (52.0864, 8.7504), "32105", 2),
    ("Bad Oeynhausen", (52.2048, 8.8028), "32545", 2),
    ("Bünde", (52.2004, 8.5792), "32257", 2),
    ("Lübbecke", (52.3072, 8.6146), "32312", 1),
    ("Rheda-Wiedenbrück", (51.8419, 8.3001), "33378", 2),
    ("Harsewinkel", (51.9624, 8.2284), "33428", 1),
    ("Verl", (51.8833, 8.5167), "33415", 2),
    ("Schloß Holte-Stukenbrock", (51.8833, 8.6167), "33758", 1),
    ("Blomberg", (51.9425, 9.0917), "32825", 1),
    ("Lage", (51.9911, 8.7923), "32791", 1),
    ("Halle (Westf.)", (52.0603, 8.3606), "33790", 1),
    ("Delbrück", (51.7667, 8.5667), "33129", 1),
    ("Rietberg", (51.8000, 8.4333), "33397", 1),
    ("Minden", (52.2894, 8.9170), "32423", 2),
    ("Lippstadt", (51.6733, 8.3447), "59555", 2),
    ("Warendorf", (51.9536, 7.9897), "48231", 1),
    ("Espelkamp", (52.3772, 8.6219), "32339", 1),
    ("Bad Driburg", (51.7333, 9.0167), "33014", 1),
    ("Bad Pyrmont", (51.9867, 9.2536), "31812", 1),
)
CENTRE = TOWNS[0]
HOTEL = ("Hotel am Bahnhof Bielefeld", (52.0286, 8.5329), "Am Bahnhof 3, 33602 Bielefeld")
# (key, name, [lat, lon]): where the delegation may arrive and leave.
GATEWAYS = (
    ("pad", "Paderborn/Lippstadt Airport", (51.6141, 8.6163)),
    ("bielefeld-hbf", "Bielefeld Hauptbahnhof", (52.0291, 8.5326)),
    ("paderborn-hbf", "Paderborn Hauptbahnhof", (51.7130, 8.7413)),
)

SECTORS = (
    ("Maschinenbau", ["machine tools", "automation", "Industrie 4.0"]),
    ("Elektrotechnik", ["connection technology", "electrification", "sensors"]),
    ("Automotive", ["lightweight design", "chassis", "e-mobility"]),
    ("Lebensmittel", ["food processing", "packaging", "supply chain"]),
    ("Möbel", ["furniture", "interior design", "wood processing"]),
    ("Software", ["cloud services", "ERP", "machine learning"]),
    ("Logistik", ["intralogistics", "warehousing", "fleet telematics"]),
    ("Kunststoff", ["plastics", "injection moulding", "recycling"]),
    ("Medizintechnik", ["medical devices", "hospital IT", "diagnostics"]),
    ("Hausgeräte", ["domestic appliances", "connected products", "production quality"]),
)
INSTITUTIONS = (
    ("Hochschule", ["research transfer", "engineering education"]),
    ("Institut", ["applied research", "systems engineering"]),
    ("Technologiezentrum", ["start-ups", "prototyping"]),
)
SURNAMES = (
    "Becker Brandt Fischer Hoffmann Krüger Meyer Richter Schmidt Schmitz Schulte Wagner Weber "
    "Wolf Neumann Kaiser Vogel Lange Hartmann Krause Lehmann Köhler Brinkmann Niemann Oetker "
    "Strothmann Kleine Tiemann Heitmann Mertens Gerdes"
).split()
FIRST_NAMES = (
    "Anna Katrin Julia Lena Sabine Claudia Miriam Eva Jonas Stefan Thomas Martin Andreas Lukas "
    "Felix Tobias Jan Michael Sven Nils"
).split()
STREETS = (
    "Industriestraße",
    "Gewerbepark",
    "Am Stadtholz",
    "Hansastraße",
    "Technologiepark",
    "Carl-Zeiss-Straße",
    "Zur Alten Brauerei",
    "Herforder Straße",
    "Detmolder Straße",
    "Mindener Straße",
    "Otto-Hahn-Straße",
    "Fürstenallee",
    "Ringstraße",
    "Zukunftsmeile",
)
LEGAL_FORMS = ("GmbH", "GmbH & Co. KG", "AG", "KG", "SE")

# Opening patterns in local business hours: (windows as (from, to) minutes). A host uses one
# pattern on its open weekdays, sometimes a second one (e.g. Friday mornings only).
FULL_DAY = ((9 * 60, 17 * 60),)
EARLY_FULL_DAY = ((8 * 60, 16 * 60),)
SPLIT_DAY = ((9 * 60, 12 * 60), (13 * 60, 16 * 60 + 30))
MORNING_ONLY = ((8 * 60 + 30, 12 * 60 + 30),)
AFTERNOON_ONLY = ((13 * 60, 17 * 60),)
THREE_SLOTS = ((8 * 60, 10 * 60 + 30), (11 * 60, 13 * 60), (14 * 60, 16 * 60 + 30))
PATTERNS = (
    (FULL_DAY, 30),
    (EARLY_FULL_DAY, 10),
    (SPLIT_DAY, 25),
    (MORNING_ONLY, 15),
    (AFTERNOON_ONLY, 12),
    (THREE_SLOTS, 8),
)
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
DURATIONS = (45, 60, 60, 75, 90, 90, 120)

MUST_SHARE = 0.5  # the share of generated choices that are `must: true`
DAY_START, DAY_END, LATE_END = "08:30", "18:30", "22:30"
LUNCH = {"from": "12:00", "to": "14:00", "minutes": 60}
# Events by kind: (id stem, name, start, end, lunch included).
DAYTIME_EVENTS = (
    ("matchmaking", "B2B matchmaking (World Café)", "14:00", "17:00", False),
    ("cluster-meeting", "Cluster meeting with lunch", "11:30", "13:30", True),
    ("workshop", "Joint workshop on technology transfer", "15:00", "16:30", False),
    ("pitch", "Start-up pitch session", "10:00", "11:00", False),
)
DINNER = ("dinner", "Networking dinner", "19:00", "21:30", False)
WEEKEND_EVENT = ("culture", "Cultural programme (guided city tour)", "10:00", "13:00", False)
ARRIVAL_TIME, DEPARTURE_TIME = "10:30", "16:00"
# Interest groups for `--groups K` (the first K), each with the sectors (indices into SECTORS)
# whose topics are its interests; the sectors of the themes beyond K go to theme i % K.
GROUP_THEMES = (
    ("automation", "Automation & Industry 4.0", (0, 1, 5)),
    ("plastics", "Plastics and materials", (7, 4, 3)),
    ("mobility", "Mobility and logistics", (2, 6)),
    ("health", "Medical and consumer technology", (8, 9)),
)
MIN_GROUPS, MAX_GROUPS = 2, len(GROUP_THEMES)
ONE_DAY_ARRIVAL, ONE_DAY_DEPARTURE = "08:30", "18:30"


def trip_data(
    hosts: int,
    days: int,
    seed: int = 0,
    start: dt.date | None = None,
    after: int = 0,
    choices: int = 0,
    must_share: float = MUST_SHARE,
    groups: int = 0,
) -> dict[str, Any]:
    """The visit file as plain data (dates as `datetime.date`, times as "HH:MM" text).

    Without `start` the trip begins on a Monday chosen by the seed (in 2026, outside the
    daylight-saving changes), so a trip of up to 5 days has weekdays only. `after`, `choices`
    and `must_share`: the rules between hosts (see the module docstring); a trip with no
    working day gets no must choice, as it gets no must-visit. `groups`: K interest groups
    (0: none; see the module docstring).
    """
    if groups and not MIN_GROUPS <= groups <= MAX_GROUPS:
        raise ValueError(f"groups must be {MIN_GROUPS}..{MAX_GROUPS}, got {groups}")
    if after < 0 or choices < 0:
        raise ValueError(f"after and choices must be 0 or more, got {after} and {choices}")
    if not 0 <= must_share <= 1:
        raise ValueError(f"must share must be 0..1, got {must_share}")
    if not MIN_HOSTS <= hosts <= MAX_HOSTS:
        raise ValueError(f"hosts must be {MIN_HOSTS}..{MAX_HOSTS}, got {hosts}")
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"days must be {MIN_DAYS}..{MAX_DAYS}, got {days}")
    rng = random.Random(f"itinerary-trip/{hosts}/{days}/{seed}")
    if start is None:
        start = dt.date(2026, 4, 6) + dt.timedelta(weeks=rng.randrange(20))  # Mondays
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    arrival_gate, departure_gate = rng.choice(GATEWAYS), rng.choice(GATEWAYS)
    arrival_time, departure_time = (
        (ONE_DAY_ARRIVAL, ONE_DAY_DEPARTURE) if days == 1 else (ARRIVAL_TIME, DEPARTURE_TIME)
    )
    events = [_event(rng, i, date, dates) for i, date in enumerate(dates)]
    late_dates = {date: {"end": LATE_END} for date, e in zip(dates, events, strict=True) if e[1]}
    data: dict[str, Any] = {
        "trip": {
            "name": f"Generated delegation: {hosts} hosts over {days} days (seed {seed})",
            "start": dates[0],
            "end": dates[-1],
            "timezone": "Europe/Berlin",
            "language": "en",
            "day": {"start": DAY_START, "end": DAY_END},
            **({"days": late_dates} if late_dates else {}),
            "lunch": dict(LUNCH),
            "travel": {"speed_kmh": 50, "detour": 1.3, "buffer_minutes": 10},
        },
        "delegation": {
            "name": "Generated industry delegation",
            "size": rng.randint(5, 25),
            "organisation": "Enterprise Europe Network",
            "contact": _contact(rng, "delegation.example.org"),
        },
        "arrival": _endpoint(arrival_gate, dates[0], arrival_time),
        "departure": _endpoint(departure_gate, dates[-1], departure_time),
    }
    if days > 1:  # nights 1..D-1; the last day ends at the departure place
        data["stays"] = [
            {
                "id": "hotel",
                "name": HOTEL[0],
                "address": HOTEL[2],
                "location": list(HOTEL[1]),
                "from": dates[0],
                "to": dates[-2],
            }
        ]
    # One must-visit per working day, up to five: all of them fit (they are open all week).
    working_days = sum(1 for date in dates if date.weekday() < 5)
    must_count = min(max(1, hosts // 40), working_days, 5, hosts)
    data["hosts"] = [_host(rng, i, i < must_count) for i in range(hosts)]
    data["events"] = [event for event, _ in events]
    if after or choices:
        stream = random.Random(f"itinerary-rules/{hosts}/{days}/{seed}/{after}/{choices}")
        n_must = round(choices * must_share) if working_days else 0
        _add_rules(stream, data, after, choices, n_must)
    if groups:
        _add_groups(random.Random(f"itinerary-groups/{hosts}/{days}/{seed}/{groups}"), data, groups)
    return data


def _add_groups(rng: random.Random, data: dict[str, Any], k: int) -> None:
    """K interest groups, hosts' `for` and `capacity`, joint events and a together date, added
    to `data` in place (see the module docstring)."""
    themes = GROUP_THEMES[:k]
    sectors: list[list[int]] = [list(theme[2]) for theme in themes]
    for i, theme in enumerate(GROUP_THEMES[k:]):
        sectors[i % k] += theme[2]
    groups = [
        {
            "id": ident,
            "name": name,
            "size": rng.randint(6, 14),
            "interests": [topic for i in sorted(sectors[g]) for topic in SECTORS[i][1]],
        }
        for g, (ident, name, _) in enumerate(themes)
    ]
    sizes = [g["size"] for g in groups]
    total = sum(sizes)
    data["delegation"]["size"] = total
    data["groups"] = groups
    ids = [g["id"] for g in groups]
    for host in data["hosts"]:
        if host["priority"] == "must":
            continue  # every must-visit fits every group that may visit it
        if rng.random() < 0.4:
            host["for"] = sorted(rng.sample(ids, 2), key=ids.index)
        if rng.random() < 0.5:
            host["capacity"] = rng.randint(min(sizes), total - 1)
    for event in data["events"]:
        event["groups"] = list(ids)
    dates = [data["trip"]["start"] + dt.timedelta(days=i) for i in range(_days(data))]
    if len(dates) >= 3:
        days = data["trip"].setdefault("days", {})
        middle = dates[len(dates) // 2]
        days[middle] = {**days.get(middle, {}), "together": True}
        data["trip"]["days"] = dict(sorted(days.items()))


def _days(data: dict[str, Any]) -> int:
    return (data["trip"]["end"] - data["trip"]["start"]).days + 1


def trip_yaml(
    hosts: int,
    days: int,
    seed: int = 0,
    start: dt.date | None = None,
    after: int = 0,
    choices: int = 0,
    must_share: float = MUST_SHARE,
    groups: int = 0,
) -> str:
    """The visit file as YAML text, ready for `itinerary plan`."""
    data = trip_data(hosts, days, seed, start, after, choices, must_share, groups)
    rules = (f" --after {after}" if after else "") + (f" --choices {choices}" if choices else "")
    if choices and must_share != MUST_SHARE:
        rules += f" --must-share {must_share:g}"
    if groups:
        rules += f" --groups {groups}"
    header = (
        f"# Generated by benchmarks/generate.py --hosts {hosts} --days {days} --seed {seed}"
        + (f" --start {start.isoformat()}" if start else "")
        + rules
        + "\n# Invented hosts around Bielefeld (OstWestfalenLippe); contacts are example.org.\n\n"
    )
    return header + yaml.dump(
        data,
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )


class _PlainDumper(yaml.SafeDumper):
    """No anchors or aliases (the planner's YAML reader refuses them, on purpose), and times
    in double quotes as README.md writes them, so other YAML 1.1 readers keep them as text."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_TIME_LIKE = re.compile(r"^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}$")


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if _TIME_LIKE.match(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_PlainDumper.add_representer(str, _represent_str)


def _endpoint(gate: tuple[str, str, tuple[float, float]], date: dt.date, time: str) -> dict:
    return {"place": gate[1], "location": list(gate[2]), "time": f"{date.isoformat()} {time}"}


def _event(
    rng: random.Random, index: int, date: dt.date, dates: list[dt.date]
) -> tuple[dict[str, Any], bool]:
    """One fixed event for a date, and whether it makes that day end late."""
    first, last = date == dates[0], date == dates[-1]
    if len(dates) == 1:
        kind = DAYTIME_EVENTS[2]  # the afternoon workshop fits between arrival and departure
    elif last:
        kind = DAYTIME_EVENTS[3]  # a morning session before the delegation leaves at 16:00
    elif first:
        kind = rng.choice((DAYTIME_EVENTS[0], DAYTIME_EVENTS[2], DINNER))  # after the arrival
    elif date.weekday() >= 5:
        kind = WEEKEND_EVENT
    else:
        kind = rng.choice((*DAYTIME_EVENTS, DINNER))
    stem, name, start, end, lunch = kind
    # Evening events are near the hotel; daytime ones anywhere within ~30 km of the centre.
    town = CENTRE if kind is DINNER else _weighted_town(rng, max_km=30.0)
    location = _jitter(rng, town[1], 1.5)
    event = {
        "id": f"{stem}-{index + 1}",
        "name": f"{name}, {town[0]}",
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {town[2]} {town[0]}",
        "location": location,
        "start": f"{date.isoformat()} {start}",
        "end": f"{date.isoformat()} {end}",
        "lunch": lunch,
    }
    if rng.random() < 0.5:
        event["contact"] = _contact(rng, "events.example.org")
    return event, kind is DINNER


def _host(rng: random.Random, index: int, must: bool) -> dict[str, Any]:
    town = _weighted_town(rng, max_km=20.0 if must else REGION_RADIUS_KM)
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.15:
        kind, topics = rng.choice(INSTITUTIONS)
        name = f"{kind} {town[0]} – {rng.choice(SECTORS)[0]}"
    else:
        sector, topics = rng.choice(SECTORS)
        name = f"{surname} {sector} {rng.choice(LEGAL_FORMS)}"
    host: dict[str, Any] = {
        "id": f"h{index + 1:03d}-{_slug(surname if 'Hochschule' not in name else town[0])}",
        "name": name,
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 200)}, {town[2]} {town[0]}",
        "location": _jitter(rng, town[1], 3.0),
        "duration": rng.choice(DURATIONS),
        "priority": "must" if must else _priority(rng),
        "open": _full_week() if must else _opening(rng),
        "contact": _contact(rng, f"{_slug(surname)}.example.org"),
        "language": rng.choices(("de", "en", "fr"), weights=(70, 25, 5))[0],
        "topics": rng.sample(topics, k=rng.randint(1, len(topics))),
    }
    if rng.random() < 0.1:
        host["notes"] = "Safety shoes required for the shop-floor tour."
    return host


def _add_rules(
    rng: random.Random, data: dict[str, Any], after: int, choices: int, n_must: int
) -> None:
    """`choices` groups of 2-3 optional hosts (`n_must` of them must), then `after` pairs,
    added to `data` in place; ValueError when the trip has too few hosts for them."""
    hosts = data["hosts"]
    optional = [i for i, h in enumerate(hosts) if h["priority"] != "must"]
    if 2 * choices > len(optional):
        raise ValueError(
            f"{choices} choices need at least {2 * choices} hosts that are not must-visits; "
            f"the trip has {len(optional)}"
        )
    pool = rng.sample(optional, k=len(optional))
    groups: list[list[int]] = []
    for g in range(choices):
        spare = len(pool) - 2 * (choices - g)  # hosts left beyond 2 for each group to come
        size = 3 if spare >= 1 and rng.random() < 0.3 else 2
        groups.append(sorted(pool[:size]))
        pool = pool[size:]
    musts = set(rng.sample(range(choices), k=n_must))
    in_choice = {i for group in groups for i in group}
    in_must_choice = {i for g, group in enumerate(groups) if g in musts for i in group}
    if choices:
        data["choices"] = [
            {"one_of": [hosts[i]["id"] for i in group], **({"must": True} if g in musts else {})}
            for g, group in enumerate(groups)
        ]
    if not after:
        return
    # (later, earlier): host indices, or (later, -1 - k) for the k-th event as the earlier one.
    earliers = [i for i in range(len(hosts)) if i not in in_choice]
    laters = [i for i in optional if i not in in_must_choice]
    events = len(data["events"])
    possible = sum(sum(1 for e in earliers if e < i) + events for i in laters)
    if after > possible:
        raise ValueError(f"{after} after pairs asked for; this trip allows {possible}")
    chosen: set[tuple[int, int]] = set()
    if 2 * after > possible:  # draw from the full list: rejection would take long
        every = [(i, e) for i in laters for e in earliers if e < i]
        every += [(i, -1 - k) for i in laters for k in range(events)]
        chosen = set(rng.sample(every, k=after))
    while len(chosen) < after:
        later = rng.choice(laters)
        before = [e for e in earliers if e < later]
        if events and (rng.random() < 0.2 or not before):
            chosen.add((later, -1 - rng.randrange(events)))
        elif before:
            chosen.add((later, rng.choice(before)))
    for later, earlier in sorted(chosen, key=lambda pair: (pair[0], pair[1] < 0, abs(pair[1]))):
        name = hosts[earlier]["id"] if earlier >= 0 else data["events"][-1 - earlier]["id"]
        hosts[later].setdefault("after", []).append(name)


def _full_week() -> list[dict[str, Any]]:
    """Must-hosts receive visitors all working week, near the centre, so they always fit."""
    return [{"days": list(WORKDAYS), "from": "09:00", "to": "17:00"}]


def _opening(rng: random.Random) -> list[dict[str, Any]]:
    """1-3 windows on some weekdays; some hosts open differently on some days."""
    pattern = _weighted(rng, PATTERNS)
    open_days = sorted(
        rng.sample(WORKDAYS, k=rng.choices((5, 4, 3, 2), weights=(45, 25, 20, 10))[0]),
        key=WORKDAYS.index,
    )
    if len(pattern) == 1 and len(open_days) > 2 and rng.random() < 0.3:
        # e.g. a full-day host that only receives visitors in the morning on its last open day
        (a, b), short_day = pattern[0], open_days.pop()
        return [
            {"days": open_days, "from": _hhmm(a), "to": _hhmm(b)},
            {"days": [short_day], "from": "09:00", "to": "12:00"},
        ]
    return [{"days": list(open_days), "from": _hhmm(a), "to": _hhmm(b)} for a, b in pattern]


def _priority(rng: random.Random) -> int:
    # Most hosts are of middling interest, a few are highly wanted.
    return max(1, min(100, round(rng.triangular(1, 100, 35))))


def _contact(rng: random.Random, domain: str) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    return {
        "name": f"{first} {last}",
        "email": f"{_slug(first)}.{_slug(last)}@{domain}",
        "phone": f"+49 5{rng.randint(200, 299)} {rng.randint(100000, 999999)}",
    }


def _weighted_town(rng: random.Random, max_km: float) -> tuple[str, tuple[float, float], str, int]:
    towns = [t for t in TOWNS if _km(CENTRE[1], t[1]) <= max_km]
    return rng.choices(towns, weights=[t[3] for t in towns])[0]


def _weighted(rng: random.Random, options: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _jitter(rng: random.Random, centre: tuple[float, float], sigma_km: float) -> list[float]:
    """A point a few km (normally distributed) around a town centre, to 4 decimals (~10 m)."""
    lat = centre[0] + rng.gauss(0, sigma_km) / KM_PER_DEGREE_LAT
    lon = centre[1] + rng.gauss(0, sigma_km) / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return [round(lat, 4), round(lon, 4)]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * KM_PER_DEGREE_LAT
    dlon = (a[1] - b[1]) * KM_PER_DEGREE_LAT * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dlat, dlon)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return "".join(c if c.isalnum() else "-" for c in text.lower().translate(table)).strip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a realistic generated visit.yaml: N hosts over D days around "
        "Bielefeld (OWL), deterministic for a seed."
    )
    parser.add_argument("--hosts", type=int, required=True, help="number of hosts (e.g. 10..400)")
    parser.add_argument("--days", type=int, required=True, help="number of trip days (1..31)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=None,
        help="first day YYYY-MM-DD (default: a Monday in 2026 chosen by the seed)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file to write (default: standard output); an existing file is kept unless --force",
    )
    parser.add_argument(
        "--after", type=int, default=0, help="add N `after` pairs between hosts (default 0)"
    )
    parser.add_argument(
        "--choices", type=int, default=0, help="add N `one_of` choices of 2-3 hosts (default 0)"
    )
    parser.add_argument(
        "--must-share",
        type=float,
        default=MUST_SHARE,
        help=f"share of the choices that are `must: true` (0..1, default {MUST_SHARE})",
    )
    parser.add_argument(
        "--groups",
        type=int,
        default=0,
        help=f"split the delegation into K interest groups ({MIN_GROUPS}..{MAX_GROUPS}; "
        "default: none), with host capacities, joint events and a together date",
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        text = trip_yaml(
            args.hosts,
            args.days,
            args.seed,
            args.start,
            args.after,
            args.choices,
            args.must_share,
            args.groups,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_text(args.out, text, force=args.force)  # a temporary file, then a rename
    except OutputError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
