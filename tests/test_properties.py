"""Property tests: random valid trips always give plans the checker accepts, and random or
broken input only ever fails with InputError.

The trip generator draws the YAML dict of a small trip (1–3 days in 2016, sometimes around the
European/US daylight-saving changes, in Berlin, Paris or New York), dumps it with
yaml.safe_dump and loads it through the real loader, so the whole pipeline is exercised:
load -> compile -> solve (small budget) -> assemble -> check.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itinerary.errors import InputError
from itinerary.input.load import Loaded, load_spec_text
from itinerary.input.spec import WEEKDAYS
from itinerary.input.yamlsrc import load_yaml
from itinerary.model.compile import compile_spec
from itinerary.model.travel import TravelModel, one_speed
from itinerary.plan import Plan
from itinerary.plan.check import check_plan
from itinerary.plan.planner import make_plan
from itinerary.solver import Budget, ProofParams, SolveParams

SOLVE_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Loading is cheap (milliseconds), so the input-robustness properties look at more examples.
LOAD_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PARAMS = SolveParams(budget=Budget(solution_limit=300, patience=100), proof=ProofParams())
F = "visit.yaml"

TIMEZONES = ["Europe/Berlin", "Europe/Paris", "America/New_York"]
# Days just before the 2016 daylight-saving changes (EU: 27 Mar / 30 Oct; US: 13 Mar / 6 Nov),
# so a 1–3 day trip starting there contains the change.
DST_STARTS = [
    dt.date(2016, 3, 25),
    dt.date(2016, 3, 26),
    dt.date(2016, 3, 27),
    dt.date(2016, 10, 28),
    dt.date(2016, 10, 29),
    dt.date(2016, 10, 30),
    dt.date(2016, 3, 12),
    dt.date(2016, 3, 13),
    dt.date(2016, 11, 5),
    dt.date(2016, 11, 6),
]
# Day hours start at 05:00 or later: the 02:00–03:00 transition hour itself is covered by
# test_dst_fall_back_visit_passes_the_checker below.
EARLIEST_DAY_START = 5 * 60


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def local(date: dt.date, minutes: int) -> str:
    return f"{date.isoformat()} {hhmm(minutes)}"


def near(draw: st.DrawFn, base: tuple[float, float], spread: float) -> list[float]:
    dlat = draw(st.floats(-spread, spread, allow_nan=False))
    dlon = draw(st.floats(-spread, spread, allow_nan=False))
    return [round(base[0] + dlat, 4), round(base[1] + dlon, 4)]


def duration_text(draw: st.DrawFn, minutes: int) -> int | str:
    style = draw(st.sampled_from(["int", "int", "hm", "min"]))
    if style == "hm":
        return f"{minutes // 60}h{minutes % 60:02d}" if minutes % 60 else f"{minutes // 60}h"
    if style == "min":
        return f"{minutes}min"
    return minutes


@st.composite
def trips(draw: st.DrawFn) -> dict[str, Any]:
    """The dict of a valid visit.yaml (every value as people write it)."""
    n_days = draw(st.integers(1, 3))
    start = draw(
        st.one_of(
            st.dates(dt.date(2016, 1, 1), dt.date(2016, 12, 29)),
            st.sampled_from(DST_STARTS),
        )
    )
    dates = [start + dt.timedelta(days=i) for i in range(n_days)]
    end = dates[-1]
    timezone = draw(st.sampled_from(TIMEZONES))

    day_start = draw(st.integers(EARLIEST_DAY_START, 10 * 60))
    day_end = min(24 * 60, day_start + draw(st.integers(6 * 60, 14 * 60)))
    trip: dict[str, Any] = {
        "name": "Random delegation trip",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "timezone": timezone,
        "day": {"start": hhmm(day_start), "end": hhmm(day_end)},
    }
    bounds = {d: (day_start, day_end) for d in dates}
    if draw(st.booleans()):
        d = draw(st.sampled_from(dates))
        o_start = draw(st.integers(EARLIEST_DAY_START, 11 * 60))
        o_end = min(24 * 60, max(o_start + 60, day_end + draw(st.integers(-120, 300))))
        trip["days"] = {d.isoformat(): {"start": hhmm(o_start), "end": hhmm(o_end)}}
        bounds[d] = (o_start, o_end)
    grid = 5  # the time grid: default 5 minutes, else off or a quarter hour
    if draw(st.booleans()):
        grid = trip["round_minutes"] = draw(st.sampled_from([1, 15]))
    if draw(st.booleans()):
        l_from = draw(st.integers(10 * 60 + 30, 13 * 60))
        l_len = draw(st.integers(30, 90))
        # A valid lunch window holds a mark of the grid with room for the lunch.
        l_to = -(-l_from // grid) * grid + l_len + draw(st.integers(0, 120))
        trip["lunch"] = {"from": hhmm(l_from), "to": hhmm(l_to), "minutes": l_len}
    if draw(st.booleans()):
        trip["travel"] = {
            "speed_kmh": draw(st.integers(20, 100)),
            "detour": round(draw(st.floats(1.0, 2.0)), 2),
            "buffer_minutes": draw(st.integers(0, 20)),
        }

    hotel = (
        round(draw(st.floats(-60, 60, allow_nan=False)), 4),
        round(draw(st.floats(-170, 170, allow_nan=False)), 4),
    )
    spec: dict[str, Any] = {"trip": trip, "delegation": {"name": "Delegation", "size": 5}}

    given = trip.get("travel")
    travel = (
        TravelModel(one_speed(given["speed_kmh"]), given["detour"], given["buffer_minutes"])
        if given
        else TravelModel()
    )
    arrival = departure = None
    if draw(st.booleans()):
        lo, hi = bounds[start]
        arrival = max(4 * 60, min(23 * 60 + 59, draw(st.integers(lo - 120, hi + 60))))
        spec["arrival"] = {
            "place": "Airport",
            "location": near(draw, hotel, 0.3),
            "time": local(start, arrival),
        }
    if draw(st.booleans()):
        lo, hi = bounds[end]
        departure = max(4 * 60, min(23 * 60 + 59, draw(st.integers(lo - 60, hi + 120))))
        if not (n_days == 1 and arrival is not None and departure <= arrival):
            spec["departure"] = {
                "place": "Station",
                "location": near(draw, hotel, 0.3),
                "time": local(end, departure),
            }

    def journeys_fit() -> bool:
        """Days with an arrival or departure are long enough for their own journey: compile and
        check disagree about a day that is not (see test_day_shorter_than_its_journey below)."""
        arr, dep, at_hotel = spec.get("arrival"), spec.get("departure"), list(hotel)
        if n_days == 1:
            begin, begin_at = (arrival, arr["location"]) if arr else (bounds[start][0], at_hotel)
            finish, finish_at = (departure, dep["location"]) if dep else (bounds[end][1], at_hotel)
            return begin + travel.minutes("a", begin_at, "b", finish_at) <= finish
        if arr and arrival + travel.minutes("a", arr["location"], "h", at_hotel) > bounds[start][1]:
            return False
        return not (
            dep and bounds[end][0] + travel.minutes("h", at_hotel, "d", dep["location"]) > departure
        )

    if not journeys_fit():
        spec.pop("departure", None)
    if not journeys_fit():
        spec.pop("arrival", None)

    stay: dict[str, Any] = {
        "name": "Hotel Am Markt",
        "location": list(hotel),
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    if draw(st.booleans()):
        stay["id"] = "hotel"
    spec["stays"] = [stay]

    hosts = []
    for i in range(draw(st.integers(1, 6))):
        host: dict[str, Any] = {
            "id": f"h{i}",
            "name": f"Host {i}",
            "location": near(draw, hotel, 0.36),  # within ~40 km
            "duration": duration_text(draw, draw(st.integers(30, 180))),
            "priority": draw(st.one_of(st.just("must"), st.integers(1, 100), st.integers(1, 100))),
        }
        n_windows = draw(st.integers(-1, 2))  # -1: no `open` key (open whenever the day runs)
        if n_windows >= 0:
            windows = []
            w_to = 6 * 60 - 30
            for _ in range(n_windows):
                # Disjoint windows here; overlapping ones are covered by
                # test_overlapping_open_windows_agree_between_compiler_and_checker.
                w_from = w_to + draw(st.integers(1, 10 * 60))
                w_to = w_from + draw(st.integers(30, 10 * 60))
                if w_to > 24 * 60:
                    break
                window: dict[str, Any] = {"from": hhmm(w_from), "to": hhmm(w_to)}
                if draw(st.booleans()):
                    window["days"] = draw(
                        st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True)
                    )
                else:
                    around = dates + [start - dt.timedelta(days=1), end + dt.timedelta(days=1)]
                    picked = draw(
                        st.lists(st.sampled_from(around), min_size=1, max_size=4, unique=True)
                    )
                    window["dates"] = [d.isoformat() for d in picked]
                windows.append(window)
            host["open"] = windows
        hosts.append(host)
    spec["hosts"] = hosts

    events = []
    busy: dict[dt.date, int] = {}  # date -> end of the last event that day (local minutes)
    for i in range(draw(st.integers(0, 2))):
        d = draw(st.sampled_from(dates))
        lo, hi = bounds[d]
        location = near(draw, hotel, 0.2)
        # On a day that starts at the arrival place or ends at the departure place, an event is
        # reachable from the day's start and leaves time to reach its end: compile/check plan
        # lunch around an unreachable event as if the group were there, which can make the
        # problem infeasible (see test_lunch_gap_next_to_unreachable_event below).
        arrives, departs = d == start and "arrival" in spec, d == end and "departure" in spec
        if arrives or departs:
            first_place = spec["arrival"] if arrives else {"location": list(hotel)}
            last_place = spec["departure"] if departs else {"location": list(hotel)}
            lo = max(lo, arrival if arrives else lo)
            hi = min(hi, departure if departs else hi)
            lo += travel.minutes("a", first_place["location"], "e", location)
            hi -= travel.minutes("e", location, "b", last_place["location"])
        lo = max(lo, busy.get(d, lo))
        length = draw(st.integers(30, 240))
        if hi - lo < length:
            continue
        e_start = draw(st.integers(lo, hi - length))
        busy[d] = e_start + length
        events.append(
            {
                "id": f"e{i}",
                "name": f"Event {i}",
                "location": location,
                "start": local(d, e_start),
                "end": local(d, e_start + length),
                "lunch": draw(st.booleans()),
            }
        )
    if events:
        spec["events"] = events
    return spec


def dump(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)


def plan_of(loaded: Loaded) -> Plan:
    return make_plan(loaded, PARAMS)


# --- random valid trips -> plans the checker accepts -------------------------------------------


@SOLVE_SETTINGS
@given(trips())
def test_random_valid_trip_plans_pass_the_checker(spec: dict[str, Any]) -> None:
    text = dump(spec)
    loaded = load_spec_text(text, F)  # the generator only makes valid trips
    plan = plan_of(loaded)

    violations = check_plan(plan, loaded)
    assert violations == [], "\n".join(map(str, violations)) + "\n---\n" + text

    assert Plan.from_json(plan.to_json()) == plan

    visited = {v.id for v in plan.visits()}
    unscheduled = {u.id: u for u in plan.unscheduled}
    for host in loaded.spec.hosts:
        assert (host.id in visited) != (host.id in unscheduled), host.id
        if host.id in unscheduled:
            assert unscheduled[host.id].reason.strip(), host.id
    for entry in plan.unscheduled:
        assert entry.reason.strip(), entry

    hosts = {h.id: h for h in loaded.spec.hosts}
    missing_required = [u.id for u in plan.unscheduled if u.kind == "event" or hosts[u.id].must]
    assert (plan.status == "complete") == (not missing_required), (plan.status, missing_required)


# --- random and broken input -> InputError, never another exception ------------------------------


LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def assert_clean_issues(error: InputError, text: str | None = None) -> None:
    assert error.issues
    # YAML (and PyYAML's marks) count \r, \r\n, \n, NEL, LS and PS as line breaks.
    n_lines = len(LINE_BREAK.findall(text)) + 1 if text is not None else None
    for issue in error.issues:
        assert issue.line >= 1, issue
        if n_lines is not None:
            assert issue.line <= n_lines, (issue, text)
        assert issue.message.strip(), issue
        assert "\n" not in issue.message and "\r" not in issue.message, issue


def load_or_input_error(text: str) -> Loaded | None:
    try:
        return load_spec_text(text, F)
    except InputError as error:
        assert_clean_issues(error, text)
        return None


@LOAD_SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_give_input_error_or_loaded(raw: bytes) -> None:
    try:
        load_yaml(raw, F)
    except InputError as error:
        assert_clean_issues(error)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    load_or_input_error(text)


YAML_KEYS = (
    "trip name start end timezone day days lunch from to minutes travel speed_kmh profile speeds "
    "up_to_km kmh matrix_fallback coach car delegation "
    "size arrival departure place location time stays hosts id duration priority open dates "
    "events 2016-05-23"
).split()
# fmt: off
YAML_VALUES = [
    "", "x", "09:00", "24:00", "25:61", '"08:30"', "2016-05-23", "2016-02-30",
    '"2016-05-23 10:30"', "Europe/Berlin", "Mars/Olympus", "must", "1h30", "0", "-5", "1e400",
    ".nan", ".inf", "true", "null", "~", "[]", "{}", "[1, 2]", "[51.7, 8.7]", "[91, 0]",
    "{from: '09:00', to: '08:00'}", "[mon, tue]", "[funday]", "&a 1", "*a",
    "!!python/object:os.system", "!!binary aGk=", "|", ">-", "'unterminated",
    '"bad \\q escape"', "{a: 1", "[1, 2", "- x", "? x", "<<: {}", "%TAG", "---", "...", "\t",
    "é", "\x00", "\ufeff",
]
# fmt: on


@st.composite
def yamlish_texts(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 14))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 1, 3]))
        dash = draw(st.sampled_from(["", "", "- "]))
        key = draw(st.sampled_from(YAML_KEYS))
        value = draw(st.sampled_from(YAML_VALUES))
        sep = draw(st.sampled_from([": ", ": ", ":", " : ", ""]))
        lines.append(f"{indent}{dash}{key}{sep}{value}")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@LOAD_SETTINGS
@given(st.one_of(st.text(max_size=300), yamlish_texts()))
def test_random_text_gives_input_error_or_loaded(text: str) -> None:
    load_or_input_error(text)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-10, 3000),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(
        ["09:00", "24:00", "99:99", "must", "1h30", "2016-03-27", "2016-03-27 02:30", "mon", ""]
    ),
)
random_values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=8), scalars, max_size=3),
)


def is_time_of_day(path: list[Any]) -> bool:
    """Does this path hold a time of day ("09:00")? Lists and mappings there are covered by
    test_time_of_day_given_a_list, so the mutations put only scalars there."""
    return (
        (path[:2] == ["trip", "day"] and len(path) == 3)
        or (path[:2] == ["trip", "days"] and len(path) == 4)
        or (path[:2] == ["trip", "lunch"] and len(path) == 3 and path[2] in ("from", "to"))
        or (
            len(path) == 5
            and path[0] == "hosts"
            and path[2] == "open"
            and path[4] in ("from", "to")
        )
    )


@st.composite
def mutated_trips(draw: st.DrawFn) -> dict[str, Any]:
    """A valid trip with one key deleted or one value replaced, anywhere in the tree."""
    spec = draw(trips())
    parent: Any = None
    key: Any = None
    node: Any = spec
    path: list[Any] = []
    while isinstance(node, dict | list) and node and (parent is None or draw(st.booleans())):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, draw(st.sampled_from(keys))
        node = parent[key]
        path.append(key)
    if draw(st.booleans()):
        del parent[key]
    else:
        parent[key] = draw(scalars if is_time_of_day(path) else random_values)
    return spec


@LOAD_SETTINGS
@given(mutated_trips())
def test_mutated_trips_give_input_error_or_loaded(spec: dict[str, Any]) -> None:
    text = dump(spec)
    loaded = load_or_input_error(text)
    if loaded is not None:
        compile_spec(loaded)  # whatever loads must also compile


# --- regression: the checker measures wall-clock time across a DST change -----------------------


DST_NIGHT = """\
trip:
  name: Night shift across the clock change
  start: 2016-10-30
  end: 2016-10-30
  timezone: Europe/Berlin
  day: {start: "00:30", end: "12:00"}
delegation: {name: Night owls}
stays:
  - {id: hotel, name: Hotel, location: [52.0, 8.5], from: 2016-10-30, to: 2016-10-30}
hosts:
  - {id: plant, name: Plant, location: [52.0, 8.5], duration: 120, priority: must,
     open: [{days: [sun], from: "01:30", to: "04:00"}]}
"""


def test_dst_fall_back_visit_passes_the_checker() -> None:
    loaded = load_spec_text(DST_NIGHT, F)
    plan = plan_of(loaded)
    assert [v.id for v in plan.visits()] == ["plant"]
    assert check_plan(plan, loaded) == []


# --- regression: overlapping or touching open windows -------------------------------------------

TOUCHING_WINDOWS = """\
trip: {name: Long visit, start: 2016-05-24, end: 2016-05-24, timezone: Europe/Berlin}
delegation: {name: Group}
stays: [{id: hotel, name: Hotel, location: [52.0, 8.5], from: 2016-05-24, to: 2016-05-24}]
hosts:
  - {id: plant, name: Plant, location: [52.0, 8.5], duration: 240, priority: must,
     open: [{days: [tue], from: "09:00", to: "12:00"}, {days: [tue], from: "12:00", to: "15:00"}]}
"""


def test_overlapping_open_windows_agree_between_compiler_and_checker() -> None:
    loaded = load_spec_text(TOUCHING_WINDOWS, F)
    plan = plan_of(loaded)
    assert check_plan(plan, loaded) == []


# --- regression: lunch planned next to an event the group cannot reach --------------------------

STOPOVER = """\
trip:
  name: Short stopover
  start: 2016-05-24
  end: 2016-05-24
  timezone: Europe/Berlin
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation: {name: Group}
arrival:   {place: Airport, location: [52.0, 8.5], time: "2016-05-24 12:30"}
departure: {place: Station, location: [52.0, 8.7], time: "2016-05-24 13:45"}
events:
  - {id: breakfast, name: Breakfast meeting, location: [52.0, 8.7],
     start: "2016-05-24 09:00", end: "2016-05-24 10:00"}
"""


def test_lunch_gap_next_to_unreachable_event() -> None:
    loaded = load_spec_text(STOPOVER, F)
    plan = plan_of(loaded)  # expected: a partial plan with the breakfast unscheduled
    assert plan.status == "partial"
    assert [u.id for u in plan.unscheduled] == ["breakfast"]
    assert check_plan(plan, loaded) == []


# --- regression: the search never stops on a single visit ---------------------------------------

SINGLE_VISIT = """\
import itinerary.solver as s
from itinerary.model.problem import Node, Problem, Track
problem = Problem.build(
    [[0, 30], [30, 0]], [Node(place=1, duration=10, windows=((0, 1000),), score=5)],
    [Track(0, 0, 0, 1000)],
)
solution = s.solve(problem, s.SolveParams(budget=s.Budget(solution_limit=300, patience=100)))
assert solution.dropped == ()
"""


def test_single_visit_solve_terminates() -> None:
    # In a subprocess: a hung OR-Tools search cannot be interrupted in-process.
    subprocess.run([sys.executable, "-c", SINGLE_VISIT], check=True, timeout=5)


# --- regression: a list or mapping where a time of day belongs ----------------------------------


@pytest.mark.parametrize("value", ["[]", "{}", "[9, 30]"])
def test_time_of_day_given_a_list(value: str) -> None:
    text = (
        "trip: {name: T, start: 2016-05-24, end: 2016-05-24, timezone: Europe/Berlin,\n"
        f"       day: {{start: {value}}}}}\n"
        "delegation: {name: D}\n"
    )
    with pytest.raises(InputError) as info:
        load_spec_text(text, F)
    assert info.value.issues[0].line == 2


# --- regression: a day too short for its own journey -------------------------------------------

SHORT_DAYS = {
    "late arrival": """\
trip:
  name: Late flight
  start: 2016-05-24
  end: 2016-05-24
  timezone: Europe/Berlin
  day: {start: "08:00", end: "11:00"}
  lunch: {from: "11:00", to: "13:00", minutes: 60}
delegation: {name: Group}
arrival: {place: Airport, location: [52.0, 8.8], time: "2016-05-24 11:30"}
stays: [{id: hotel, name: Hotel, location: [52.0, 8.5], from: 2016-05-24, to: 2016-05-24}]
""",
    "early departure": """\
trip:
  name: Early train
  start: 2016-05-24
  end: 2016-05-24
  timezone: Europe/Berlin
  day: {start: "12:00", end: "18:00"}
  lunch: {from: "11:00", to: "13:00", minutes: 60}
delegation: {name: Group}
departure: {place: Station, location: [52.0, 8.8], time: "2016-05-24 11:00"}
stays: [{id: hotel, name: Hotel, location: [52.0, 8.5], from: 2016-05-24, to: 2016-05-24}]
""",
}


@pytest.mark.parametrize("case", sorted(SHORT_DAYS))
def test_day_shorter_than_its_journey(case: str) -> None:
    loaded = load_spec_text(SHORT_DAYS[case], F)
    plan = plan_of(loaded)
    assert check_plan(plan, loaded) == []


# --- random valid trips with sub-groups -> plans the checker accepts -----------------------------

TOPICS = ("automation", "plastics", "medical", "energy")


@st.composite
def trips_with_groups(draw: st.DrawFn) -> dict[str, Any]:
    """A valid trip of `trips()` whose delegation splits into two or three groups (interests,
    sizes adding up to the delegation's), hosts with topics, a capacity and sometimes `for`,
    events for some groups, and sometimes a date on which everyone travels together."""
    spec = draw(trips())
    n_groups = draw(st.integers(2, 3))
    sizes = [draw(st.integers(1, 12)) for _ in range(n_groups)]
    spec["delegation"]["size"] = sum(sizes)
    groups = []
    for g, size in enumerate(sizes):
        interests = draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
        groups.append({"id": f"g{g}", "name": f"Group {g}", "size": size, "interests": interests})
    spec["groups"] = groups
    spec["delegation"]["members"] = [
        {"id": f"m{g}-{k}", "name": f"Member {g}.{k}", "group": f"g{g}"}
        for g, size in enumerate(sizes)
        for k in range(min(size, 2))
    ]
    dates = [
        dt.date.fromisoformat(spec["trip"]["start"]) + dt.timedelta(days=i)
        for i in range(
            (
                dt.date.fromisoformat(spec["trip"]["end"])
                - dt.date.fromisoformat(spec["trip"]["start"])
            ).days
            + 1
        )
    ]
    if len(dates) > 1 and draw(st.booleans()):
        together = draw(st.sampled_from(dates)).isoformat()
        days = spec["trip"].setdefault("days", {})
        days[together] = {**days.get(together, {}), "together": True}
    ids = [g["id"] for g in groups]
    for host in spec["hosts"]:
        host["topics"] = draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
        if draw(st.booleans()):
            host["capacity"] = draw(st.integers(min(sizes), sum(sizes) + 2))
        if draw(st.integers(0, 3)) == 0:
            host["for"] = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        if host["priority"] == "must":
            # A must-visit every group it is for can visit (else the file is refused).
            host.pop("capacity", None)
    for event in spec.get("events", []):
        if draw(st.booleans()):
            event["groups"] = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    return spec


@SOLVE_SETTINGS
@given(trips_with_groups())
def test_random_trips_with_groups_plan_and_pass_the_checker(spec: dict[str, Any]) -> None:
    from itinerary.input.groups import host_groups, together_on

    text = dump(spec)
    loaded = load_spec_text(text, F)
    plan = plan_of(loaded)

    violations = check_plan(plan, loaded)
    assert violations == [], "\n".join(map(str, violations)) + "\n---\n" + text
    assert Plan.from_json(plan.to_json()) == plan
    assert plan.format == "itinerary-plan/1.4"

    # Each host, for each group it is for: visited by that group (or by everyone together),
    # or listed as what that group goes without, with a reason.
    visited = {
        (item.id, track.group)
        for track in plan.tracks
        for item in track.items
        if item.type == "visit"
    }
    left_out = {(u.id, u.group): u for u in plan.unscheduled if u.kind == "host"}
    for host in loaded.spec.hosts:
        for group in host_groups(loaded.spec, host):
            went = (host.id, group) in visited or (host.id, "all") in visited
            assert went != ((host.id, group) in left_out), (host.id, group, text)
    for entry in plan.unscheduled:
        assert entry.reason.strip() and entry.group is not None, entry
    for track in plan.tracks:
        assert (track.group == "all") == together_on(loaded.spec, track.date), track


def test_rest_at_a_hotel_on_the_very_spot_of_a_visit_passes_the_checker() -> None:
    """Found by the property above: a host at the hotel's very coordinates (no travel between
    them) and a wait before an event there become a rest at the hotel without a travel item,
    as a lunch there does; the checker takes the two names for one spot."""
    text = """\
trip:
  name: Random delegation trip
  start: 2016-03-25
  end: 2016-03-25
  timezone: Europe/Berlin
  day: {start: "05:00", end: "11:00"}
  travel: {speed_kmh: 20, detour: 1.0, buffer_minutes: 0}
delegation: {name: Delegation, size: 5}
stays: [{name: Hotel Am Markt, location: [0.0, 0.0], from: 2016-03-25, to: 2016-03-25}]
hosts:
  - {id: h1, name: Host 1, location: [0.0, 0.0], duration: 30, priority: must}
events:
  - {id: e0, name: Event 0, location: [0.0, 0.0], start: "2016-03-25 06:30",
     end: "2016-03-25 07:00"}
"""
    loaded = load_spec_text(text, F)
    plan = plan_of(loaded)
    assert [i.type for i in plan.tracks[0].items] == ["start", "visit", "rest", "event", "end"]
    assert check_plan(plan, loaded) == []
