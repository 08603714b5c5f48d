"""Travel speeds through the command line: the coach and car profiles, a written-out `speeds`
table, one `speed_kmh`, bad tables (one located line, exit 2), and a travel matrix that gives
only some pairs (the rest estimated, or refused with `matrix_fallback: none`). Every plan is
re-checked by the plan checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.model.travel import COACH, TravelModel
from itinerary.plan import Plan
from itinerary.plan.check import check_plan

runner = CliRunner()

# A hotel in Paderborn, a host 2 km away in town and one in Bielefeld, 38 km as the crow flies.
TRIP = """\
trip:
  name: Speeds
  start: 2016-05-24
  end: 2016-05-24
  timezone: Europe/Berlin
{travel}
delegation: {{name: Group}}
stays:
  - {{id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-24, to: 2016-05-24}}
hosts:
  - {{id: town, name: Town GmbH, location: [51.7310, 8.7360], duration: 60, priority: must}}
  - {{id: bielefeld, name: Bielefeld AG, location: [52.0302, 8.5325], duration: 60, priority: must}}
organiser: {{name: Eva Kraus, organisation: OWL Agency}}
"""
LOCATIONS = {"hotel": (51.7155, 8.7630), "town": (51.7310, 8.7360), "bielefeld": (52.0302, 8.5325)}


def write_trip(tmp_path: Path, travel: str) -> Path:
    visit = tmp_path / "visit.yaml"
    visit.write_text(TRIP.format(travel=travel), encoding="utf-8")
    return visit


def planned(visit: Path) -> tuple[Plan, str]:
    """Plan through the CLI, re-check the plan against every rule; the plan and stderr."""
    out = visit.with_name("plan.json")
    result = runner.invoke(app, ["plan", str(visit), "--json", str(out), "--force"])
    assert result.exit_code == 0, result.output
    plan = Plan.from_json(out.read_bytes())
    assert check_plan(plan, load_spec(visit)) == []
    return plan, result.stderr


def legs(plan: Plan) -> dict[tuple[str, str], int]:
    return {
        (item.from_, item.to): item.minutes
        for track in plan.tracks
        for item in track.items
        if item.type == "travel"
    }


@pytest.mark.parametrize(
    ("travel", "total"),
    [
        # hotel → town 18, town ↔ Bielefeld 58, Bielefeld ↔ hotel 59 (10 of each is the buffer)
        ("", 135),  # no travel section: the coach profile
        ("  travel: {profile: coach}", 135),
        ("  travel: {profile: car}", 119),  # 17 + 50 + 52: faster on the motorway
        ("  travel: {speed_kmh: 50}", 151),  # one speed, as before: 14 + 67 + 70
        ("  travel: {speeds: [{up_to_km: 5, kmh: 25}, {kmh: 50}]}", 167),  # 18 + 73 + 76
    ],
    ids=["default", "coach", "car", "speed_kmh", "speeds"],
)
def test_the_speeds_in_force_give_the_plans_travel_minutes(
    tmp_path: Path, travel: str, total: int
) -> None:
    plan, _ = planned(write_trip(tmp_path, travel))
    assert len(legs(plan)) == 3
    assert plan.travel_minutes == total


def test_a_car_is_faster_than_a_coach_on_every_leg_but_never_in_no_time(tmp_path: Path) -> None:
    coach, _ = planned(write_trip(tmp_path, "  travel: {profile: coach, buffer_minutes: 0}"))
    car, _ = planned(write_trip(tmp_path, "  travel: {profile: car, buffer_minutes: 0}"))
    by_pair = {frozenset(pair): minutes for pair, minutes in legs(coach).items()}
    for pair, minutes in legs(car).items():
        assert 0 < minutes < by_pair[frozenset(pair)]


# --- bad tables -------------------------------------------------------------------------------


def refused(visit: Path) -> str:
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr


@pytest.mark.parametrize(
    ("travel", "line", "message"),
    [
        (
            "  travel:\n    speeds:\n      - {up_to_km: 10, kmh: 25}\n"
            "      - {up_to_km: 5, kmh: 60}\n      - {kmh: 90}",
            9,
            "up_to_km: the bands must cover increasing distances, but 5 km is not beyond the "
            "band before (10 km)",
        ),
        (
            "  travel:\n    speeds:\n      - {up_to_km: 10, kmh: 25}\n"
            "      - {up_to_km: 50, kmh: 90}",
            9,
            "up_to_km: the last band covers the rest of every leg; remove up_to_km 50 (or add "
            "a band after it)",
        ),
        (
            "  travel:\n    speeds:\n      - {kmh: 25}\n      - {kmh: 90}",
            8,
            "speeds: band 1 of 2 needs up_to_km (only the last band is open-ended)",
        ),
        (
            "  travel:\n    speeds:\n      - {up_to_km: 5, kmh: 0}\n      - {kmh: 90}",
            8,
            "kmh: must be at least 1, got 0",
        ),
        (
            "  travel:\n    speeds:\n      - {up_to_km: -5, kmh: 25}\n      - {kmh: 90}",
            8,
            "up_to_km: must be more than 0, got -5",
        ),
        ("  travel:\n    speeds: []", 7, "speeds: give at least one band, e.g. [{kmh: 60}]"),
        (
            "  travel:\n    profile: coach\n    speeds: [{kmh: 60}]",
            8,
            "speeds: give either profile or speeds, not both (profile: a named table, speeds: "
            "your own table, speed_kmh: one speed for every leg)",
        ),
        (
            "  travel:\n    profile: car\n    speed_kmh: 50",
            8,
            "speed_kmh: give either profile or speed_kmh, not both (profile: a named table, "
            "speeds: your own table, speed_kmh: one speed for every leg)",
        ),
        ("  travel: {profile: bus}", 6, "profile: expected 'coach' or 'car', got 'bus'"),
        (
            "  travel: {matrix_fallback: guess}",
            6,
            "matrix_fallback: expected 'profile' or 'none', got 'guess'",
        ),
    ],
    ids=[
        "decreasing",
        "last-band-bounded",
        "open-band-first",
        "zero-speed",
        "negative-km",
        "no-band",
        "profile-and-speeds",
        "profile-and-speed_kmh",
        "unknown-profile",
        "unknown-fallback",
    ],
)
def test_a_bad_speed_table_is_one_located_line(
    tmp_path: Path, travel: str, line: int, message: str
) -> None:
    visit = write_trip(tmp_path, travel)
    assert refused(visit) == f"{visit}:{line}: {message}\n"


# --- a partial travel matrix ------------------------------------------------------------------

# Only the legs between the hotel and Bielefeld: the four others are left to the speeds.
PARTIAL = "from/to,hotel,bielefeld\nhotel,,40\nbielefeld,45,\n"


def test_a_partial_matrix_plans_with_the_rest_estimated(tmp_path: Path) -> None:
    visit = write_trip(tmp_path, "  travel: {matrix: times.csv, buffer_minutes: 5}")
    (tmp_path / "times.csv").write_text(PARTIAL, encoding="utf-8")
    plan, stderr = planned(visit)
    note = (
        f"{visit}:6: note: the travel matrix times.csv gives 2 of the 6 pairs of places; the "
        "other 4 are estimated with the coach profile\n"
    )
    assert note in stderr
    estimate = TravelModel(COACH, buffer_minutes=5)
    given = {("hotel", "bielefeld"): 40, ("bielefeld", "hotel"): 45}
    from_matrix = 0
    for (a, b), minutes in legs(plan).items():
        if (a, b) in given:
            from_matrix += 1
            assert minutes == given[(a, b)] + 5
        else:
            assert minutes == estimate.minutes(a, LOCATIONS[a], b, LOCATIONS[b])
    assert from_matrix == 1  # the day passes by Bielefeld once: one of the two given legs

    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0, result.output
    assert result.stderr == note  # one line, whatever the number of pairs estimated


def test_the_note_names_the_speeds_the_estimate_uses(tmp_path: Path) -> None:
    visit = write_trip(tmp_path, "  travel: {matrix: times.csv, speed_kmh: 40}")
    (tmp_path / "times.csv").write_text(PARTIAL, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(visit)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{visit}:6: note: the travel matrix times.csv gives 2 of the 6 pairs of places; the "
        "other 4 are estimated with 40 km/h\n"
    )


def test_a_complete_matrix_says_nothing(tmp_path: Path) -> None:
    visit = write_trip(tmp_path, "  travel: {matrix: times.csv}")
    (tmp_path / "times.csv").write_text(
        "x,hotel,town,bielefeld\nhotel,,9,40\ntown,9,,41\nbielefeld,45,44,\n", encoding="utf-8"
    )
    plan, stderr = planned(visit)
    assert "note:" not in stderr
    assert plan.travel_minutes == 9 + 41 + 45 + 30 or plan.travel_minutes == 40 + 44 + 9 + 30


def test_a_partial_matrix_without_fallback_is_refused_as_before(tmp_path: Path) -> None:
    visit = write_trip(tmp_path, "  travel: {matrix: times.csv, matrix_fallback: none}")
    (tmp_path / "times.csv").write_text(PARTIAL, encoding="utf-8")
    assert refused(visit) == (
        f"{tmp_path / 'times.csv'}:1: travel matrix lacks town → bielefeld, town → hotel, "
        "bielefeld → town and 1 more\n"
    )
    result = runner.invoke(app, ["plan", str(visit)])
    assert result.exit_code == 2 and "travel matrix lacks" in result.stderr
