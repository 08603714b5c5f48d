"""Plans that were silently wrong (exit 0, "complete"), found by an adversarial round: each case
now ends in a located error, a warning, or a plan that the plan checker passes.

Every case goes through the command line, as the user met it; every plan made is re-checked."""

from __future__ import annotations

import json
import re
from datetime import UTC
from pathlib import Path

import pytest
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.plan import Plan
from itinerary.plan.check import check_plan

runner = CliRunner()

TRIP = """\
trip:
  name: Test trip
  start: 2016-05-23
  end: 2016-05-25
  timezone: Europe/Berlin
  day: {start: "08:30", end: "18:30"}
  lunch: {from: "12:00", to: "14:00", minutes: 60}
delegation: {name: Test delegation, size: 10}
"""

HOSTS = """\
hosts:
  - {id: alpha, name: Alpha GmbH, location: [51.7310, 8.7360], duration: 60}
  - {id: beta, name: Beta AG, location: [51.7400, 8.7000], duration: 60}
"""


def write(tmp_path: Path, text: str, name: str = "visit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def planned(tmp_path: Path, visit: Path, *extra: str) -> tuple[Plan, str]:
    """Plan through the CLI with --json, check the plan, return it and standard error."""
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--force", *extra])
    assert result.exit_code == 0, result.output + result.stderr
    plan = Plan.from_json(out.read_bytes())
    assert check_plan(plan, load_spec(visit)) == []
    return plan, result.stderr


def refused(visit: Path, command: str = "validate") -> str:
    """The one-line error of a refused file (exit 2, no traceback)."""
    result = runner.invoke(app, [command, str(visit)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


# --- ids: one id, one place ----------------------------------------------------------------------


def test_two_hotels_of_one_chain_without_ids_are_refused_with_both_lines(tmp_path: Path) -> None:
    visit = write(
        tmp_path,
        TRIP
        + """\
stays:
  - {name: ibis Styles, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-23}
  - {name: ibis Styles, location: [52.5200, 13.4050], from: 2016-05-24, to: 2016-05-25}
"""
        + HOSTS,
    )
    for command in ("validate", "plan"):
        assert refused(visit, command) == (
            f"{visit}:11: stay 'ibis Styles' gets the id 'ibis-styles' from its name, which "
            "stay 'ibis Styles' (line 10) also has; give each stay its own `id:`\n"
        )


def test_a_stay_named_like_a_host_is_refused(tmp_path: Path) -> None:
    visit = write(
        tmp_path,
        TRIP
        + """\
stays:
  - {name: Gamma, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-25}
hosts:
  - {id: gamma, name: Gamma GmbH, location: [51.7310, 8.7360], duration: 60}
""",
    )
    assert refused(visit) == (
        f"{visit}:10: stay 'Gamma' gets the id 'gamma' from its name, which host 'gamma' "
        "(line 12) also has; give each stay its own `id:`\n"
    )


def test_a_stay_named_arrival_is_refused(tmp_path: Path) -> None:
    visit = write(
        tmp_path,
        TRIP
        + """\
arrival: {place: Airport, location: [51.6141, 8.6163], time: "2016-05-23 10:30"}
stays:
  - {name: Arrival, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-25}
"""
        + HOSTS,
    )
    assert refused(visit) == (
        f"{visit}:11: stay 'Arrival' gets the id 'arrival' from its name, which is reserved for"
        " the arrival place; give the stay an `id:`\n"
    )


def test_ids_that_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    visit = write(
        tmp_path,
        TRIP
        + """\
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-25}
hosts:
  - {id: acme, name: Acme, location: [51.7310, 8.7360], duration: 60}
  - {id: ACME, name: Acme Two, location: [51.7400, 8.7000], duration: 60}
""",
    )
    assert refused(visit) == (
        f"{visit}:13: id 'ACME' differs only in case from 'acme' (line 12); ids must differ in"
        " more than case\n"
    )


def test_the_same_hotel_listed_twice_is_one_place(tmp_path: Path) -> None:
    hotel = "name: Welcome Hotel, location: [51.7155, 8.7630]"
    visit = write(
        tmp_path,
        TRIP.replace("2016-05-25", "2016-05-26")
        + f"""\
stays:
  - {{{hotel}, from: 2016-05-23, to: 2016-05-23}}
  - {{id: berlin, name: Berlin Hotel, location: [52.5200, 13.4050],
     from: 2016-05-24, to: 2016-05-24}}
  - {{{hotel}, from: 2016-05-25, to: 2016-05-26}}
"""
        + HOSTS,
    )
    plan, _ = planned(tmp_path, visit, "--no-bound")
    assert [t.items[-1].key for t in plan.tracks] == [  # type: ignore[union-attr]
        "welcome-hotel",
        "berlin",
        "welcome-hotel",
        "welcome-hotel",
    ]


# --- days never overlap -----------------------------------------------------------------------


FAR_AIRPORT = (
    TRIP
    + (
        "arrival: {place: Rome Fiumicino Airport, location: [41.8003, 12.2389],"
        ' time: "2016-05-23 22:00"}\n'
        "stays:\n"
        "  - {id: hotel, name: Hotel Paderborn, location: [51.7155, 8.7630],"
        " from: 2016-05-23, to: 2016-05-25}\n"
    )
    + HOSTS
)


def test_an_arrival_whose_journey_runs_into_the_next_day_is_refused(tmp_path: Path) -> None:
    visit = write(tmp_path, FAR_AIRPORT)
    message = refused(visit)
    assert message.startswith(
        f"{visit}:9: the journey from Rome Fiumicino Airport to Hotel Paderborn on 2016-05-23 "
        "takes "
    )
    assert "after the next day begins (08:30 on 2016-05-24)" in message
    assert len(message.splitlines()) == 1
    assert refused(visit, "plan") == message


def test_a_late_arrival_that_ends_after_midnight_but_before_the_next_day_plans(
    tmp_path: Path,
) -> None:
    near = FAR_AIRPORT.replace("[41.8003, 12.2389]", "[51.6141, 8.6163]").replace("22:00", "23:50")
    visit = write(tmp_path, near)
    plan, _ = planned(tmp_path, visit, "--no-bound")
    first, second = plan.tracks[0], plan.tracks[1]
    assert first.items[-1].time.date().isoformat() == "2016-05-24"  # type: ignore[union-attr]
    assert first.items[-1].time <= second.items[0].time  # type: ignore[union-attr]
    # the programme says that the day ends after midnight
    tables = runner.invoke(app, ["plan", str(visit), "--no-bound"]).stdout
    end = first.items[-1].time  # type: ignore[union-attr]
    assert f"{end:%H:%M} (+1)" in tables


def test_a_departure_journey_of_a_whole_day_is_refused(tmp_path: Path) -> None:
    keys = ["alpha", "beta", "hotel", "departure"]
    rows = ["from/to," + ",".join(keys)]
    for a in keys:
        cells = [
            "" if a == b else ("1440" if {a, b} == {"hotel", "departure"} else "20") for b in keys
        ]
        rows.append(a + "," + ",".join(cells))
    write(tmp_path, "\n".join(rows) + "\n", "times.csv")
    visit = write(
        tmp_path,
        TRIP.replace("  lunch:", "  travel: {matrix: times.csv}\n  lunch:")
        + 'departure: {place: Airport, location: [51.6141, 8.6163], time: "2016-05-25 17:30"}\n'
        "stays:\n"
        "  - {id: hotel, name: Hotel, location: [51.7155, 8.7630],"
        " from: 2016-05-23, to: 2016-05-24}\n" + HOSTS,
    )
    message = refused(visit)
    assert message.startswith(f"{visit}:10: the journey from Hotel to Airport takes 24h10")
    assert "before the day before ends (18:30 on 2016-05-24)" in message


def test_the_checker_refuses_a_day_that_begins_before_the_last_one_ends(tmp_path: Path) -> None:
    visit = write(
        tmp_path,
        TRIP + "stays:\n  - {id: hotel, name: Hotel, location: [51.7155, 8.7630],"
        " from: 2016-05-23, to: 2016-05-25}\n" + HOSTS,
    )
    plan, _ = planned(tmp_path, visit, "--no-bound")
    data = json.loads(plan.to_json())
    day_two_start = data["tracks"][1]["items"][0]["time"]
    data["tracks"][0]["items"][-1]["time"] = day_two_start.replace("08:30", "09:00")
    broken = Plan.model_validate(data)
    messages = [str(v) for v in check_plan(broken, load_spec(visit))]
    assert (
        "2016-05-24/all: begins at 2016-05-24 08:30, before the day before ends "
        "(2016-05-24 09:00)" in messages
    )


# --- a per-date override that empties its day -------------------------------------------------


def test_a_per_date_override_that_leaves_no_hours_is_refused_as_trip_day_is(
    tmp_path: Path,
) -> None:
    text = TRIP.replace(
        '  day: {start: "08:30", end: "18:30"}\n',
        '  day: {start: "08:30", end: "18:30"}\n  days:\n    2016-05-24: {start: "20:00"}\n',
    )
    stays = (
        "stays:\n  - {id: hotel, name: Hotel, location: [51.7155, 8.7630],"
        " from: 2016-05-23, to: 2016-05-25}\n"
    )
    visit = write(tmp_path, text + stays + HOSTS)
    for command in ("validate", "plan"):
        assert refused(visit, command) == (
            f"{visit}:8: days: 2016-05-24 would run from 20:00 to 18:30, which leaves it no "
            "hours; give it an end after its start\n"
        )
    same_in_trip_day = write(
        tmp_path, TRIP.replace('start: "08:30"', 'start: "20:00"') + stays + HOSTS
    )
    assert "day end 18:30 is not after its start 20:00" in refused(same_in_trip_day)


# --- daylight saving ---------------------------------------------------------------------------


DST_TRIP = """\
trip:
  name: Spring trip
  start: 2016-03-26
  end: 2016-03-28
  timezone: Europe/Berlin
  day: {start: "00:30", end: "23:30"}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-03-26, to: 2016-03-28}
events:
  - {id: gala, name: Night gala, location: [51.7200, 8.7500],
     start: "2016-03-27 START", end: "2016-03-27 END"}
"""


@pytest.mark.parametrize(
    ("start", "end"), [("02:30", "03:15"), ("02:30", "03:30"), ("01:00", "02:15")]
)
def test_a_time_that_the_spring_change_skips_is_an_error_naming_it(
    tmp_path: Path, start: str, end: str
) -> None:
    visit = write(tmp_path, DST_TRIP.replace("START", start).replace("END", end))
    missing = start if start.startswith("02") else end
    message = refused(visit)
    assert message.endswith(
        f": 2016-03-27 {missing} does not exist in Europe/Berlin: the clocks go forward from "
        "02:00 to 03:00 that night; choose a time outside that hour\n"
    )
    assert refused(visit, "plan") == message


def test_a_time_the_autumn_change_repeats_is_taken_as_the_first_with_a_warning(
    tmp_path: Path,
) -> None:
    text = DST_TRIP.replace("2016-03-2", "2016-10-2").replace("Spring", "Autumn")
    text = text.replace("2016-10-26", "2016-10-29").replace("2016-10-27", "2016-10-30")
    text = text.replace("2016-10-28", "2016-10-31")
    visit = write(tmp_path, text.replace("START", "02:30").replace("END", "04:00"))
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0
    assert result.stderr == (
        f"{visit}:12: warning: 2016-10-30 02:30 occurs twice in Europe/Berlin (the clocks go "
        "back from 03:00 to 02:00 that night); taken as the first, 02:30 UTC+0200\n"
    )
    plan, stderr = planned(tmp_path, visit, "--no-bound")
    assert "warning: 2016-10-30 02:30 occurs twice" in stderr
    gala = next(i for t in plan.tracks for i in t.items if i.type == "event")
    assert gala.start.isoformat() == "2016-10-30T02:30:00+02:00"  # type: ignore[union-attr]
    assert gala.end.isoformat() == "2016-10-30T04:00:00+01:00"  # type: ignore[union-attr]
    assert (gala.end - gala.start).total_seconds() == 150 * 60  # type: ignore[union-attr]


# --- two places at one address -----------------------------------------------------------------


def test_two_hosts_at_one_address_are_the_buffer_apart(tmp_path: Path) -> None:
    visit = write(
        tmp_path,
        """\
trip:
  name: Two firms in one building
  start: 2016-05-23
  end: 2016-05-23
  timezone: Europe/Berlin
  travel: {buffer_minutes: 15}
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-23}
hosts:
  - {id: alpha, name: Alpha GmbH, location: [51.7310, 8.7360], duration: 60, priority: must}
  - {id: beta, name: Beta AG, location: [51.7310, 8.7360], duration: 60, priority: must}
""",
    )
    plan, _ = planned(tmp_path, visit, "--no-bound")
    legs = [i for i in plan.tracks[0].items if i.type == "travel"]
    between = [leg for leg in legs if {leg.from_, leg.to} == {"alpha", "beta"}]  # type: ignore[union-attr]
    assert [leg.minutes for leg in between] == [15]  # type: ignore[union-attr]
    visits = [i for i in plan.tracks[0].items if i.type == "visit"]
    assert (visits[1].start - visits[0].end).total_seconds() >= 15 * 60  # type: ignore[union-attr]


# --- export reads a plan strictly and the same way for every format ----------------------------


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    visit = write(
        tmp_path,
        TRIP + "stays:\n  - {id: hotel, name: Hotel, location: [51.7155, 8.7630],"
        " from: 2016-05-23, to: 2016-05-25}\n" + HOSTS,
    )
    planned(tmp_path, visit, "--no-bound")
    return tmp_path / "plan.json"


def _export(plan: Path, fmt: str, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["export", str(plan), "--format", fmt, "--out", "-", *extra])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["ics", "csv", "html", "md"])
def test_a_time_without_offset_is_refused_by_every_export(saved: Path, fmt: str) -> None:
    text = saved.read_text()
    first = re.search(r'"time": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\+02:00"', text)
    assert first is not None
    naive = text[: first.start()] + f'"time": "{first.group(1)}"' + text[first.end() :]
    saved.write_text(naive)
    line = text.count("\n", 0, first.start()) + 1
    code, out, err = _export(saved, fmt)
    assert (code, out) == (2, "")
    assert err.startswith(
        f"{saved}:{line}: tracks.0.items.0.start.time: a time without a UTC offset"
    )
    assert len(err.splitlines()) == 1


def test_a_key_given_twice_is_refused_with_its_line(saved: Path) -> None:
    text = saved.read_text()
    doubled = text.replace('"status": "complete",', '"status": "complete",\n  "status": "partial",')
    saved.write_text(doubled)
    line = next(n for n, row in enumerate(doubled.splitlines(), 1) if '"partial"' in row)
    code, out, err = _export(saved, "md")
    assert (code, out) == (2, "")
    assert err == f"{saved}:{line}: the key 'status' appears twice\n"


@pytest.mark.parametrize("fmt", ["ics", "csv", "html", "md", "json"])
def test_times_with_other_offsets_are_read_as_the_same_instants_by_every_export(
    saved: Path, fmt: str
) -> None:
    code, expected, _ = _export(saved, fmt)
    assert code == 0
    data = json.loads(saved.read_text())
    from datetime import datetime, timedelta, timezone

    for track in data["tracks"]:
        for n, item in enumerate(track["items"]):
            for key in ("time", "start", "end"):
                if key in item:  # the same instant, written in UTC or in New York time
                    zone = UTC if n % 2 else timezone(timedelta(hours=-4))
                    item[key] = datetime.fromisoformat(item[key]).astimezone(zone).isoformat()
    saved.write_text(json.dumps(data, indent=2))
    code, mixed, err = _export(saved, fmt)
    assert (code, err) == (0, "")
    assert mixed == expected


@pytest.mark.parametrize(
    ("pattern", "replacement", "message"),
    [
        (r'"location": \[\s*[-\d.]+,', '"location": [NaN,', "NaN is not a number"),
        (r'"location": \[\s*[-\d.]+,', '"location": [91.5,', "latitude 91.5 is out of range"),
        (r'"timezone": "[^"]+"', '"timezone": "../../etc/passwd"', "unknown time zone"),
        (r'"timezone": "[^"]+"', '"timezone": "Mars/Olympus"', "unknown time zone"),
        (r'"timezone": "[^"]+"', '"timezone": "localtime"', "unknown time zone"),
    ],
)
@pytest.mark.parametrize("fmt", ["html", "ics", "csv"])
def test_a_plan_with_an_impossible_place_or_zone_is_refused(
    saved: Path, pattern: str, replacement: str, message: str, fmt: str
) -> None:
    text = saved.read_text()
    changed = re.sub(pattern, replacement, text, count=1)
    assert changed != text
    saved.write_text(changed)
    code, out, err = _export(saved, fmt)
    assert (code, out) == (2, "")
    assert message in err and len(err.splitlines()) == 1
    assert err.startswith(f"{saved}:")
