"""Arrival and departure as what they are (baggage and check-in minutes, their notes and the
flight's time in every output), rests at the hotel instead of waiting on site, check-ins, and
lunch kept away from the airport (issue 18). Every plan goes through the CLI and the checker."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import example_plan
from openpyxl import load_workbook
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.plan import CheckInItem, LunchItem, Plan, RestItem, TravelItem, VisitItem
from itinerary.plan.check import check_plan
from itinerary.render.export import read_plan

runner = CliRunner()
WETZLAR = Path(__file__).resolve().parent / "good" / "wetzlar-cluster.yaml"

# One day from the station and back: a host open early, one open late.
BOUNDS_TRIP = """\
trip:
  name: Day trip
  start: 2016-09-15
  end: 2016-09-15
  timezone: Europe/Berlin
delegation: {name: Day delegation, size: 12}
arrival: {place: Bahnhof Wetzlar, location: [50.5652, 8.5037], time: "2016-09-15 09:00",
          minutes: ARRIVAL_MINUTES, note: "ICE 1557"}
departure: {place: Bahnhof Wetzlar, location: [50.5652, 8.5037], time: "2016-09-15 17:00",
            minutes: DEPARTURE_MINUTES, note: "ICE 1558"}
hosts:
  - {id: early, name: Early GmbH, location: [50.5600, 8.5000], duration: 60, priority: 50,
     open: [{days: [thu], from: "09:00", to: "10:20"}]}
  - {id: late, name: Late AG, location: [50.5600, 8.5000], duration: 60, priority: 50,
     open: [{days: [thu], from: "15:00", to: "17:00"}]}
"""


def _bounds_trip(arrival: int, departure: int) -> str:
    return BOUNDS_TRIP.replace("ARRIVAL_MINUTES", str(arrival)).replace(
        "DEPARTURE_MINUTES", str(departure)
    )


def _plan(tmp_path: Path, text: str, *args: str) -> tuple[Plan, str]:
    """Plan `text` through the CLI; the plan as `export` reads it back, checked, and stdout."""
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        ["plan", str(visit), "--json", str(out), "--force", *args],
        env={"COLUMNS": "200"},  # no label wrapped across lines in the tables
    )
    assert result.exit_code == 0, result.output
    plan = read_plan(out)
    assert check_plan(plan, load_spec(visit)) == []
    return plan, result.stdout


def _export(tmp_path: Path, fmt: str, *args: str) -> str:
    result = runner.invoke(
        app, ["export", str(tmp_path / "plan.json"), "-f", fmt, "-o", "-", *args]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _local(moment: dt.datetime) -> str:
    return f"{moment:%H:%M}"


# --- arrival and departure ---------------------------------------------------------------------


def test_baggage_and_check_in_minutes_bound_the_days_journey(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, _bounds_trip(0, 0))
    assert sorted(v.id for v in plan.visits()) == ["early", "late"]
    (track,) = plan.tracks
    start, end = track.items[0], track.items[-1]
    assert start.type == "start" and _local(start.time) == "09:00"  # the train's arrival
    first_leg = track.items[1]
    assert isinstance(first_leg, TravelItem) and _local(first_leg.start) >= "09:00"

    # 30 minutes for the luggage, and the coach at the station an hour before the train: the
    # early host (open until 10:20) and the late one (from 15:00) no longer fit.
    (tmp_path / "late").mkdir()
    plan, _ = _plan(tmp_path / "late", _bounds_trip(30, 60))
    assert plan.visits() == []
    assert sorted(u.id for u in plan.unscheduled) == ["early", "late"]
    (track,) = plan.tracks
    start, end = track.items[0], track.items[-1]
    assert start.type == "start" and _local(start.time) == "09:00"
    assert end.type == "end" and end.key == "departure"
    assert end.departs is not None and _local(end.departs) == "17:00"
    assert _local(end.time) <= "16:00"
    assert all(_local(i.start) >= "09:30" for i in track.items[1:-1] if hasattr(i, "start"))


def test_the_plan_records_the_notes_and_the_departure_time(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, _bounds_trip(0, 20))
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert data["format"] == "itinerary-plan/1.2"
    items = data["tracks"][0]["items"]
    assert items[0]["note"] == "ICE 1557" and items[0]["time"].startswith("2016-09-15T09:00")
    assert items[-1]["note"] == "ICE 1558"
    assert items[-1]["departs"] == "2016-09-15T17:00:00+02:00"


@pytest.mark.parametrize(
    ("lang", "arrival", "departure", "wrong"),
    [
        ("en", "Arrival (ICE 1557)", "Departure (ICE 1558 at 17:00)", "Start"),
        ("de", "Ankunft (ICE 1557)", "Abreise (ICE 1558 um 17:00)", "Abfahrt"),
        ("fr", "Arrivée (ICE 1557)", "Départ (ICE 1558 à 17:00)", "Départ\u202f"),
    ],
)
def test_arrival_and_departure_are_labelled_as_such_in_every_output(
    tmp_path: Path, lang: str, arrival: str, departure: str, wrong: str
) -> None:
    _, terminal = _plan(tmp_path, _bounds_trip(0, 20), "--lang", lang)
    assert arrival in terminal and departure in terminal
    for fmt in ("md", "html"):
        text = _export(tmp_path, fmt, "--lang", lang)
        assert arrival in text and departure in text, fmt
    rows = list(csv.reader(io.StringIO(_export(tmp_path, "csv", "--lang", lang).lstrip("\ufeff"))))
    types = [row[4] for row in rows[1:]]
    assert types[0] == arrival and types[-1] == departure
    assert wrong not in types[0]
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(
        app, ["export", str(tmp_path / "plan.json"), "-f", "xlsx", "-o", str(out), "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["2016-09-15"]
    column = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert column[0] == arrival and column[-1] == departure


def test_a_day_without_a_departure_still_ends_the_day(tmp_path: Path) -> None:
    plan, terminal = _plan(tmp_path, WETZLAR.read_text(encoding="utf-8"))
    first, second = plan.tracks
    assert first.items[-1].type == "end" and first.items[-1].departs is None
    assert "End of day" in terminal and "Departure (ICE 1558 at 15:30)" in terminal


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("minutes: 15,", 'minutes: "soon",'), "is not a duration"),
        (("minutes: 20,", "minutes: 1200,"), "but must reach Bahnhof Wetzlar by"),
    ],
)
def test_bad_baggage_minutes_are_one_line_exit_2(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    text = WETZLAR.read_text(encoding="utf-8").replace(*edit)
    if "1200" in edit[1]:  # one day: the departure's minutes run back past the arrival
        text = text.replace("end: 2016-09-16\n", "end: 2016-09-15\n").replace(
            '"2016-09-16 15:30"', '"2016-09-15 23:30"'
        )
        text = text[: text.index("  - id: meeting")]
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert any(message in line for line in lines), lines
    assert all(line.startswith(f"{visit}:") for line in lines)
    assert "Traceback" not in result.output


# --- rests and check-ins -----------------------------------------------------------------------


def _kinds(items: list[Any]) -> list[str]:
    return [i.type for i in items]


def test_the_wetzlar_group_rests_at_the_hotel_instead_of_waiting_for_dinner(
    tmp_path: Path,
) -> None:
    plan, terminal = _plan(tmp_path, WETZLAR.read_text(encoding="utf-8"))
    day = plan.tracks[0].items
    assert _kinds(day)[:3] == ["start", "travel", "visit"]
    visit = next(i for i in day if isinstance(i, VisitItem))
    assert _local(visit.end) == "15:50"
    after = day[day.index(visit) + 1 :]
    assert _kinds(after) == ["travel", "check_in", "rest", "travel", "event", "travel", "end"]
    to_hotel, check_in, rest, to_dinner, dinner = after[:5]
    assert isinstance(to_hotel, TravelItem) and to_hotel.to == "hotel"
    assert to_hotel.start == visit.end
    assert isinstance(check_in, CheckInItem) and check_in.at == "hotel"
    assert check_in.start == to_hotel.end
    assert (check_in.end - check_in.start) == dt.timedelta(minutes=20)
    assert isinstance(rest, RestItem) and rest.place == "Hotel Wetzlarer Hof"
    assert rest.start == check_in.end and rest.end == to_dinner.start
    assert (rest.end - rest.start) >= dt.timedelta(hours=2)
    assert isinstance(to_dinner, TravelItem) and to_dinner.minutes == 16
    assert to_dinner.end == dinner.start and _local(dinner.start) == "19:00"
    # the night's end: back to the hotel, no second check-in
    assert sum(isinstance(i, CheckInItem) for i in day) == 1
    assert "At the hotel" in terminal and "Check-in at the hotel" in terminal
    # the travel total counts the trips to the hotel; the proof is about the route
    assert plan.travel_minutes == sum(
        i.minutes for t in plan.tracks for i in t.items if isinstance(i, TravelItem)
    )
    assert plan.hotel_travel_minutes == 21  # 21 + 16 minutes instead of 16
    assert plan.travel_optimal and plan.travel_bound == plan.travel_minutes - 21
    assert "shortest possible, plus 21 min to and from the hotel" in terminal


@pytest.mark.parametrize(
    ("lang", "rest", "check_in"),
    [
        ("en", "At the hotel", "Check-in at the hotel"),
        ("de", "Im Hotel", "Check-in im Hotel"),
        ("fr", "À l'hôtel", "Enregistrement à l'hôtel"),
    ],
)
def test_the_rest_shows_in_every_output(
    tmp_path: Path, lang: str, rest: str, check_in: str
) -> None:
    _, terminal = _plan(tmp_path, WETZLAR.read_text(encoding="utf-8"), "--lang", lang)
    assert rest in terminal and check_in in terminal
    md = _export(tmp_path, "md", "--lang", lang)
    assert f"| {rest} | Hotel Wetzlarer Hof<br>Hauptstraße 1, 35578 Wetzlar |" in md
    html = _export(tmp_path, "html", "--lang", lang)
    assert 'class="rest"' in html and 'class="check_in"' in html
    assert "#d6e6da" in html  # the rest's bar on the timeline
    assert html.count(">Hotel Wetzlarer Hof<") >= 1  # on the day's map key
    rows = list(csv.reader(io.StringIO(_export(tmp_path, "csv", "--lang", lang).lstrip("\ufeff"))))
    assert [r[4] for r in rows if r[5] == "hotel" and r[4] in (rest, check_in)] == [check_in, rest]
    ics = _export(tmp_path, "ics", "--lang", lang)
    # the delegation's calendar holds appointments: the rest is free time, not an entry
    assert rest not in ics and "Leitz-Park" in ics


def test_a_host_letter_says_the_group_goes_on_to_the_hotel(tmp_path: Path) -> None:
    _plan(tmp_path, WETZLAR.read_text(encoding="utf-8"))
    folder = tmp_path / "hosts"
    result = runner.invoke(
        app, ["export", str(tmp_path / "plan.json"), "-f", "hosts", "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    letter = (folder / "leitz-park.md").read_text(encoding="utf-8")
    assert "Hotel Wetzlarer Hof" in letter


HOTEL_CHANGE = """\
trip:
  name: Two hotels
  start: 2016-09-14
  end: 2016-09-15
  timezone: Europe/Berlin
  days:
    2016-09-15: {end: "22:30"}
delegation: {name: Moving group, size: 25}
stays:
  - {id: first, name: Hotel Erster, location: [50.5652, 8.5037], from: 2016-09-14, to: 2016-09-14}
  - {id: second, name: Hotel Zweiter, location: [50.5547, 8.5582], from: 2016-09-15,
     to: 2016-09-15, check_in_minutes: CHECK_IN}
hosts:
  - {id: leitz-park, name: Leitz-Park, location: [50.5785, 8.4705], duration: 90,
     priority: must, open: [{days: [thu], from: "15:45", to: "17:15"}]}
events:
  - {id: dinner, name: Abendessen, location: [50.5547, 8.5040],
     start: "2016-09-15 18:30", end: "2016-09-15 21:30"}
"""


def test_on_a_hotel_change_day_the_group_checks_in_before_the_evening_event(
    tmp_path: Path,
) -> None:
    plan, _ = _plan(tmp_path, HOTEL_CHANGE.replace("CHECK_IN", "15"))
    day = plan.tracks[1].items
    visit = next(i for i in day if isinstance(i, VisitItem))
    after = day[day.index(visit) + 1 :]
    # waiting on site would be 59 minutes, below the 60 of rest_at_stay_after: the group still
    # goes to its new hotel first, because the day changes hotel
    assert _kinds(after) == ["travel", "check_in", "rest", "travel", "event", "travel", "end"]
    assert after[1].at == "second" and after[2].at == "second"
    assert after[0].start == visit.end and after[3].end == after[4].start


def test_a_day_that_only_moves_hotel_for_an_evening_event_checks_in_first(
    tmp_path: Path,
) -> None:
    text = HOTEL_CHANGE.replace("CHECK_IN", "15")
    text = text[: text.index("hosts:")] + text[text.index("events:") :]
    plan, _ = _plan(tmp_path, text)
    day = plan.tracks[1].items
    assert _kinds(day) == [
        "start",
        "travel",
        "check_in",
        "rest",
        "travel",
        "event",
        "travel",
        "end",
    ]
    _, move, check_in, rest, to_dinner, dinner, _, _ = day
    assert (move.from_, move.to) == ("first", "second")
    assert (check_in.end - check_in.start) == dt.timedelta(minutes=15)
    # an hour at the new hotel (rest_at_stay_after), then the dinner at 18:30
    assert (rest.end - rest.start) == dt.timedelta(minutes=60)
    assert to_dinner.end == dinner.start and _local(dinner.start) == "18:30"


def test_without_rests_the_check_in_follows_the_last_arrival(tmp_path: Path) -> None:
    text = WETZLAR.read_text(encoding="utf-8").replace(
        "  travel: {", "  rest_at_stay_after: 0\n  travel: {"
    )
    plan, terminal = _plan(tmp_path, text)
    day = plan.tracks[0].items
    assert not any(isinstance(i, RestItem) for i in day)
    assert _kinds(day[-4:]) == ["event", "travel", "check_in", "end"]
    back, check_in, end = day[-3:]
    assert isinstance(check_in, CheckInItem) and check_in.start == back.end
    assert end.time == check_in.end  # the check-in may run past the day's 22:30 end
    assert "Check-in at the hotel" in terminal


def test_a_check_in_without_minutes_is_no_row(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, HOTEL_CHANGE.replace("CHECK_IN", "0"))
    assert not any(isinstance(i, CheckInItem) for t in plan.tracks for i in t.items)
    assert any(isinstance(i, RestItem) and i.at == "second" for i in plan.tracks[1].items)


# --- lunch away from the airport ---------------------------------------------------------------

AIRPORT_LUNCH = """\
trip:
  name: Lunch after landing
  start: 2016-05-23
  end: 2016-05-23
  timezone: Europe/Berlin
  lunch: {from: "12:00", to: "14:00", minutes: 60}
  rest_at_stay_after: 0
delegation: {name: Hungry group, size: 20}
arrival: {place: Paderborn/Lippstadt Airport, location: [51.6141, 8.6163], time: "2016-05-23 10:30"}
stays:
  - {id: hotel, name: Hotel, location: [51.7178, 8.7500], from: 2016-05-23, to: 2016-05-23}
hosts:
  - {id: its-owl, name: it's OWL, location: [51.7310, 8.7360], duration: 90, priority: must,
     open: [{days: [mon], from: "14:00", to: "17:00"}]}
"""


def test_lunch_is_taken_at_the_first_visits_place_not_at_the_airport(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, AIRPORT_LUNCH)
    day = plan.tracks[0].items
    (lunch,) = [i for i in day if isinstance(i, LunchItem)]
    assert lunch.at == "its-owl"
    leg = day[1]
    assert isinstance(leg, TravelItem) and leg.from_ == "arrival" and leg.end <= lunch.start


def test_the_owl_examples_first_lunch_is_not_at_the_airport() -> None:
    plan = example_plan("its-owl-week.yaml")
    lunches = [i for i in plan.tracks[0].items if isinstance(i, LunchItem)]
    assert lunches and all(lunch.at != "arrival" for lunch in lunches)


# --- the checker refuses what breaks the rules of rests and check-ins ---------------------------


@pytest.fixture
def wetzlar(tmp_path: Path) -> tuple[dict[str, Any], Any]:
    _plan(tmp_path, WETZLAR.read_text(encoding="utf-8"))
    return json.loads((tmp_path / "plan.json").read_text(encoding="utf-8")), load_spec(WETZLAR)


def _violations(data: dict[str, Any], loaded: Any) -> list[str]:
    return [str(v) for v in check_plan(Plan.model_validate(data), loaded)]


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["tracks"][0]["items"]


def test_the_checker_accepts_the_plan_as_made(wetzlar: tuple[dict[str, Any], Any]) -> None:
    data, loaded = wetzlar
    assert _violations(data, loaded) == []


def test_the_checker_refuses_a_rest_that_overlaps_a_visit(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    items = _items(data)
    visit = next(i for i in items if i["type"] == "visit")
    rest = next(i for i in items if i["type"] == "rest")
    items.remove(rest)
    items.insert(items.index(visit) + 1, {**rest, "start": visit["start"], "end": visit["end"]})
    found = _violations(data, loaded)
    assert any("rest at" in v and "overlaps what comes before" in v for v in found), found


def test_the_checker_refuses_a_check_in_at_the_wrong_place(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    check_in = next(i for i in _items(data) if i["type"] == "check_in")
    check_in["at"] = "leitz-park"
    found = _violations(data, loaded)
    assert any("check-in at leitz-park, which is not a new hotel" in v for v in found), found
    assert any("check_in at leitz-park but the group is at hotel" in v for v in found), found
    assert any("0 check-ins at hotel, not one" in v for v in found), found


def test_the_checker_refuses_a_check_in_of_the_wrong_length(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    items = _items(data)
    check_in = next(i for i in items if i["type"] == "check_in")
    rest = items[items.index(check_in) + 1]
    check_in["end"] = rest["start"] = check_in["start"]  # no check-in at all, a longer rest
    found = _violations(data, loaded)
    assert any("check-in at hotel lasts 0 min, not 20" in v for v in found), found


def test_the_checker_refuses_a_rest_away_from_the_hotel(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    rest = next(i for i in _items(data) if i["type"] == "rest")
    rest["at"] = "dinner"
    found = _violations(data, loaded)
    assert any("not at a hotel of the day (hotel)" in v for v in found), found


def test_the_checker_refuses_a_plan_that_leaves_out_the_check_in(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    items = _items(data)
    check_in = next(i for i in items if i["type"] == "check_in")
    rest = items[items.index(check_in) + 1]
    rest["start"] = check_in["start"]
    items.remove(check_in)
    found = _violations(data, loaded)
    assert any("0 check-ins at hotel, not one" in v for v in found), found


def test_the_checker_refuses_leaving_before_the_baggage_is_in(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    items = _items(data)
    leg = items[1]
    assert leg["type"] == "travel" and leg["from"] == "arrival"
    start = dt.datetime.fromisoformat(items[0]["time"])  # the train at 13:05
    shift = dt.datetime.fromisoformat(leg["start"]) - (start + dt.timedelta(minutes=5))
    for key in ("start", "end"):
        leg[key] = (dt.datetime.fromisoformat(leg[key]) - shift).isoformat()
    found = _violations(data, loaded)
    assert any("travel at 13:10, before the day may start (13:20)" in v for v in found), found


def test_the_checker_refuses_a_wrong_count_of_the_hotel_trips(
    wetzlar: tuple[dict[str, Any], Any],
) -> None:
    data, loaded = wetzlar
    assert data["hotel_travel_minutes"] == 21
    del data["hotel_travel_minutes"]
    found = _violations(data, loaded)
    assert found == ["plan: hotel_travel_minutes is 0, the stops at the hotel add 21"], found


def test_a_plan_without_rests_or_endpoints_stays_format_1(tmp_path: Path) -> None:
    from conftest import SMALL_TRIP

    plan, _ = _plan(tmp_path, SMALL_TRIP)
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert data["format"] == "itinerary-plan/1" and "hotel_travel_minutes" not in data
    assert not any(i.type in ("rest", "check_in") for t in plan.tracks for i in t.items)
