"""`itinerary check VISIT PLAN`: a plan edited by hand — in its JSON or in its spreadsheet —
checked through the command line, one kind of hand edit per test, each broken rule said in
plain words; and `export` refusing a plan that does not hold.

The OWL example is planned once (conftest.example_plan, itself checked); each test edits a copy
of its JSON the way an organiser would (times, dates, a row deleted or copied) and asserts the
line `check` prints for it and the exit status.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from conftest import EXAMPLES, example_plan, plan_text
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.load import load_spec
from itinerary.plan import Plan
from itinerary.plan.check import Violation, check_plan, check_plan_alone
from itinerary.plan.retime import retime
from itinerary.render import RenderOptions, render
from itinerary.render.check_words import TEXTS, describe

OWL = EXAMPLES / "its-owl-week.yaml"
DMG = "Friday 27 May, {} DMG MORI (Gildemeister Drehmaschinen): "
Data = dict[str, Any]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def owl_data() -> Data:
    return json.loads(example_plan("its-owl-week").to_json())


def visit_of(data: Data, host: str) -> tuple[Data, Data]:
    """(track, item) of the visit to `host`."""
    for track in data["tracks"]:
        for item in track["items"]:
            if item.get("id") == host:
                return track, item
    raise AssertionError(f"{host} is not in the plan")


def track_on(data: Data, date: str) -> Data:
    return next(t for t in data["tracks"] if t["date"] == date)


def at(stamp: str, hhmm: str, date: str | None = None) -> str:
    """The same UTC offset, another wall-clock time (and date)."""
    t = dt.datetime.fromisoformat(stamp)
    hours, minutes = map(int, hhmm.split(":"))
    t = t.replace(hour=hours, minute=minutes)
    if date is not None:
        t = t.replace(**dict(zip(("year", "month", "day"), map(int, date.split("-")), strict=True)))
    return t.isoformat()


def retimed(item: Data, start: str, end: str, date: str | None = None) -> None:
    item["start"], item["end"] = at(item["start"], start, date), at(item["end"], end, date)


def check(
    runner: CliRunner, tmp_path: Path, data: Data, *args: str, visit: Path = OWL
) -> tuple[int, list[str]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["check", str(visit), str(path), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def moved(host: str, start: str, end: str, date: str | None = None) -> Callable[[Data], None]:
    """The edit that gives the visit to `host` (or the event) other times, and a date."""

    def edit(data: Data) -> None:
        retimed(visit_of(data, host)[1], start, end, date)

    return edit


def broken(
    runner: CliRunner, tmp_path: Path, edit: Callable[[Data], None], *args: str
) -> list[str]:
    """The lines `check` prints for the OWL plan with `edit` applied; it must exit 1."""
    data = owl_data()
    edit(data)
    code, lines = check(runner, tmp_path, data, *args)
    assert code == 1, "\n".join(lines)
    return lines


def has(lines: list[str], expected: str) -> None:
    assert expected in lines, f"{expected!r} not in:\n" + "\n".join(lines)


# --- the untouched plan ---------------------------------------------------------------------------


def test_an_untouched_plan_holds(runner: CliRunner, tmp_path: Path) -> None:
    plan = example_plan("its-owl-week")
    code, lines = check(runner, tmp_path, owl_data())
    assert code == 0
    assert lines == [
        f"Score {plan.score} of {plan.max_score}; travel {plan.travel_minutes} min.",
        "The plan holds: it keeps every rule of the visit file.",
    ]


def test_laying_an_untouched_plan_out_again_changes_nothing() -> None:
    for name in ("its-owl-week", "limoges-symposium"):
        plan = example_plan(name)
        assert retime(plan, load_spec(EXAMPLES / f"{name}.yaml")) == plan


# --- one kind of hand edit each -------------------------------------------------------------------


def test_a_visit_moved_into_the_hosts_lunch_closure(runner: CliRunner, tmp_path: Path) -> None:
    # Heinz Nixdorf Institut closes 12:00–13:30
    has(
        broken(runner, tmp_path, moved("heinz-nixdorf-institut", "11:30", "13:00")),
        "Wednesday 25 May, 11:30–13:00, Heinz Nixdorf Institut, Universität Paderborn: "
        "the host is closed 12:00–13:30",
    )


def test_a_visit_moved_before_the_host_opens(runner: CliRunner, tmp_path: Path) -> None:
    lines = broken(runner, tmp_path, moved("dmg-mori", "08:00", "10:00"))
    has(
        lines,
        DMG.format("08:00–10:00,") + "the host only opens at 09:00",
    )


def test_a_visit_moved_to_a_public_holiday(runner: CliRunner, tmp_path: Path) -> None:
    # Monday's Fraunhofer IEM visit to Corpus Christi, by its date
    has(
        broken(runner, tmp_path, moved("fraunhofer-iem", "16:00", "17:30", "2016-05-26")),
        "Thursday 26 May, 16:00–17:30, Fraunhofer-Einrichtung für Entwurfstechnik Mechatronik "
        "IEM: the host is closed on Corpus Christi",
    )


def test_a_visit_after_the_flight_home(runner: CliRunner, tmp_path: Path) -> None:
    has(
        broken(runner, tmp_path, moved("miele", "19:00", "21:00")),
        "Friday 27 May, 19:00–21:00, Miele & Cie. KG: the group must be at "
        "Paderborn/Lippstadt Airport by 16:00 for the departure at 16:00",
    )


def test_two_visits_overlapping(runner: CliRunner, tmp_path: Path) -> None:
    # it's OWL (10:45) into Heinz Nixdorf Institut (until 10:30)
    has(
        broken(runner, tmp_path, moved("its-owl", "10:00", "12:00")),
        "Wednesday 25 May, 10:00–12:00, it's OWL Clustermanagement: it overlaps "
        "Heinz Nixdorf Institut, Universität Paderborn (until 10:30)",
    )


def test_too_little_time_for_the_drive(runner: CliRunner, tmp_path: Path) -> None:
    # IEM right after IOSB-INA in Lemgo, 56 min away
    has(
        broken(runner, tmp_path, moved("fraunhofer-iem", "14:30", "16:00")),
        "Monday 23 May: the group cannot be at Fraunhofer-Einrichtung für Entwurfstechnik "
        "Mechatronik IEM by 14:30 after Fraunhofer-Anwendungszentrum Industrial Automation "
        "IOSB-INA ends at 14:00: the drive takes 56 min",
    )


def test_lunch_removed(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:
        items = track_on(data, "2016-05-24")["items"]
        items[:] = [i for i in items if i["type"] != "lunch"]

    has(
        broken(runner, tmp_path, edit),
        "Tuesday 24 May: no lunch, though the day has room for 60 min between 12:00 and 14:00",
    )


def test_lunch_shortened(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:
        lunch = next(i for i in track_on(data, "2016-05-25")["items"] if i["type"] == "lunch")
        retimed(lunch, "12:45", "13:15")

    has(
        broken(runner, tmp_path, edit),
        "Wednesday 25 May, 12:45–13:15, Lunch (it's OWL Clustermanagement): lunch lasts 30 "
        "min, not 60",
    )


def test_lunch_outside_its_window(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:
        lunch = next(i for i in track_on(data, "2016-05-23")["items"] if i["type"] == "lunch")
        retimed(lunch, "11:50", "12:50")

    lines = broken(runner, tmp_path, edit)
    assert any(line.endswith("lunch must be between 12:00 and 14:00") for line in lines), lines


def test_an_event_moved(runner: CliRunner, tmp_path: Path) -> None:
    has(
        broken(runner, tmp_path, moved("matchmaking", "14:30", "17:30")),
        "Wednesday 25 May, 14:30–17:30, German-Catalan matchmaking (World Café): the event is "
        "fixed at 14:00–17:00 on Wednesday 25 May",
    )


def test_an_event_on_the_wrong_day(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:  # the matchmaking moved to Tuesday evening
        track, item = visit_of(data, "matchmaking")
        track["items"].remove(item)
        retimed(item, "17:00", "20:00", "2016-05-24")
        tuesday = track_on(data, "2016-05-24")["items"]
        tuesday.insert(len(tuesday) - 1, item)

    has(
        broken(runner, tmp_path, edit),
        "Tuesday 24 May, 17:00–20:00, German-Catalan matchmaking (World Café): "
        "the event is on Wednesday 25 May",
    )


def test_a_visit_shortened(runner: CliRunner, tmp_path: Path) -> None:
    has(
        broken(runner, tmp_path, moved("dmg-mori", "09:00", "10:30")),
        DMG.format("09:00–10:30,") + "the visit lasts 90 min, but it takes 120 min",
    )


def test_a_host_visited_twice(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:  # Miele again on Wednesday morning, its other date
        _, item = visit_of(data, "miele")
        again = dict(item)
        retimed(again, "10:45", "12:45", "2016-05-25")
        items = track_on(data, "2016-05-25")["items"]
        owl = next(i for i in items if i.get("id") == "its-owl")
        items.remove(owl)
        items.insert(len(items) - 1, again)

    lines = broken(runner, tmp_path, edit)
    has(lines, "Miele & Cie. KG: the host is in the programme 2 times")


def test_an_unknown_host(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:
        visit_of(data, "dmg-mori")[1]["id"] = "dmg-mory"

    has(
        broken(runner, tmp_path, edit),
        DMG.format("09:00–11:00,") + "the visit file has no host dmg-mory",
    )


def test_a_visit_off_the_time_grid(runner: CliRunner, tmp_path: Path) -> None:
    has(
        broken(runner, tmp_path, moved("dmg-mori", "09:02", "11:02")),
        DMG.format("09:02–11:02,") + "it does not begin on the 5-minute grid",
    )


def test_the_first_day_starting_before_the_arrival(runner: CliRunner, tmp_path: Path) -> None:
    def edit(data: Data) -> None:
        start = track_on(data, "2016-05-23")["items"][0]
        start["time"] = at(start["time"], "09:00")

    has(
        broken(runner, tmp_path, edit),
        "Monday 23 May, 09:00, Paderborn/Lippstadt Airport: the group only arrives at 10:30",
    )


ORDERED = """\
trip:
  name: Order
  start: 2016-05-23
  end: 2016-05-23
  timezone: Europe/Berlin
delegation: {name: Test delegation, size: 10}
stays:
  - {id: hotel, name: Hotel, location: [51.7155, 8.7630], from: 2016-05-23, to: 2016-05-23}
hosts:
  - {id: alpha, name: Alpha GmbH, location: [51.7310, 8.7360], duration: 60}
  - {id: beta, name: Beta AG, location: [51.7400, 8.7000], duration: 60, after: [alpha]}
  - {id: gamma, name: Gamma KG, location: [51.7200, 8.7500], duration: 60}
  - {id: delta, name: Delta SE, location: [51.7250, 8.7450], duration: 60, priority: 5}
choices:
  - one_of: [gamma, delta]
"""


def test_an_after_rule_broken(runner: CliRunner, tmp_path: Path) -> None:
    visit = tmp_path / "order.yaml"
    visit.write_text(ORDERED, encoding="utf-8")
    data = json.loads(plan_text(ORDERED).to_json())
    _, alpha = visit_of(data, "alpha")
    _, beta = visit_of(data, "beta")
    a, b = alpha["start"][11:16], beta["start"][11:16]
    retimed(alpha, b, f"{int(b[:2]) + 1:02d}{b[2:]}")  # swapped: beta before alpha
    retimed(beta, a, f"{int(a[:2]) + 1:02d}{a[2:]}")
    code, lines = check(runner, tmp_path, data, visit=visit)
    assert code == 1
    assert any("Beta AG: it comes after Alpha GmbH, which ends at" in line for line in lines)


def test_a_one_of_choice_broken(runner: CliRunner, tmp_path: Path) -> None:
    visit = tmp_path / "order.yaml"
    visit.write_text(ORDERED, encoding="utf-8")
    plan = plan_text(ORDERED)
    data = json.loads(plan.to_json())
    chosen = "gamma" if any(v.id == "gamma" for v in plan.visits()) else "delta"
    other = "delta" if chosen == "gamma" else "gamma"
    _, item = visit_of(data, chosen)
    track = data["tracks"][0]
    extra = dict(item, id=other, name="Delta SE" if other == "delta" else "Gamma KG")
    retimed(extra, "17:00", "18:00")
    track["items"].insert(len(track["items"]) - 1, extra)
    data["unscheduled"] = [u for u in data["unscheduled"] if u["id"] != other]
    code, lines = check(runner, tmp_path, data, visit=visit)
    assert code == 1
    assert "only one of Gamma KG and Delta SE may be in the programme" in lines, lines


# --- figures, languages, output -------------------------------------------------------------------


def test_stated_score_and_travel_are_recomputed(runner: CliRunner, tmp_path: Path) -> None:
    plan = example_plan("its-owl-week")
    data = owl_data()
    data["score"], data["travel_minutes"] = 999, 1
    out = tmp_path / "fixed.json"
    code, lines = check(runner, tmp_path, data, "--json", str(out))
    assert code == 1
    has(lines, f"The plan stated a score of 999; it is {plan.score}.")
    has(lines, f"The plan stated 1 min of travel; it is {plan.travel_minutes} min.")
    fixed = Plan.from_json(out.read_bytes())
    assert (fixed.score, fixed.travel_minutes) == (plan.score, plan.travel_minutes)
    assert check_plan(fixed, load_spec(OWL)) == []


def test_the_findings_in_german_and_french(runner: CliRunner, tmp_path: Path) -> None:
    data = owl_data()
    retimed(visit_of(data, "heinz-nixdorf-institut")[1], "11:30", "13:00")
    name = "Heinz Nixdorf Institut, Universität Paderborn"
    _, german = check(runner, tmp_path, data, "--lang", "de")
    has(
        german,
        f"Mittwoch, 25. Mai, 11:30–13:00, {name}: der Gastgeber hat von 12:00 bis 13:30 "
        "geschlossen",
    )
    _, french = check(runner, tmp_path, data, "--lang", "fr")
    has(french, f"mercredi 25 mai, 11:30–13:00, {name}\u202f: l’hôte est fermé de 12:00 à 13:30")


def test_too_little_time_to_drive_from_the_hotel_is_said_as_leaving_it() -> None:
    """The day's start (a hotel, the airport) does not end as a visit does: the group leaves it."""
    data = owl_data()
    retimed(visit_of(data, "dmg-mori")[1], "08:45", "10:45")
    plan = Plan.model_validate(data)
    found = [v for v in check_plan(plan, load_spec(OWL)) if v.kind == "travel_time"]
    lines = [describe(found[0], plan.trip.timezone, lang) for lang in ("en", "de", "fr")]  # type: ignore[arg-type]
    dmg = "DMG MORI (Gildemeister Drehmaschinen)"
    assert lines == [
        f"Friday 27 May: the group cannot be at {dmg} by 08:45 after leaving Bielefelder Hof "
        "at 08:30: the drive takes 30 min",
        f"Freitag, 27. Mai: die Gruppe kann nicht um 08:45 bei {dmg} sein, wenn sie "
        "Bielefelder Hof um 08:30 verlässt: die Fahrt dauert 30 Min.",
        f"vendredi 27 mai\u202f: le groupe ne peut pas être chez {dmg} à 08:45 en quittant "
        "Bielefelder Hof à 08:30\u202f: le trajet dure 30 min",
    ]


def test_every_language_words_every_kind() -> None:
    assert TEXTS["en"].keys() == TEXTS["de"].keys() == TEXTS["fr"].keys()


def test_the_rebuilt_plan_is_written_only_with_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "fixed.json"
    out.write_text("mine", encoding="utf-8")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(owl_data()), encoding="utf-8")
    result = runner.invoke(app, ["check", str(OWL), str(path), "--json", str(out)])
    assert result.exit_code == 2 and out.read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["check", str(OWL), str(path), "--json", str(out), "--force"])
    assert result.exit_code == 0
    assert Plan.from_json(out.read_bytes()).tracks == example_plan("its-owl-week").tracks


def test_an_unreadable_plan_is_one_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["check", str(OWL), str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1: not valid JSON")


# --- the spreadsheet ------------------------------------------------------------------------------


def owl_xlsx(tmp_path: Path, **options: Any) -> Path:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(render(example_plan("its-owl-week"), "xlsx", RenderOptions(**options)))
    return path


def day_row(sheet: Any, ident: str, kind: str = "visit") -> int:
    """The row of an item, found by its hidden key (the last column)."""
    for row in sheet.iter_rows(min_row=2):
        key = row[-1].value
        if isinstance(key, str) and json.loads(key)[:2] == [kind, ident]:
            return int(row[0].row)
    raise AssertionError(f"no row for {kind} {ident}")


def test_an_untouched_spreadsheet_reads_back_as_the_plan(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "back.json"
    result = runner.invoke(app, ["check", str(OWL), str(owl_xlsx(tmp_path)), "--json", str(out)])
    assert result.exit_code == 0, result.output
    back, plan = Plan.from_json(out.read_bytes()), example_plan("its-owl-week")
    assert back.tracks == plan.tracks
    assert (back.score, back.travel_minutes, back.status) == (
        plan.score,
        plan.travel_minutes,
        plan.status,
    )
    assert [u.id for u in back.unscheduled] == [u.id for u in plan.unscheduled]
    assert [u.reason for u in back.unscheduled] == [u.reason for u in plan.unscheduled]


def test_a_spreadsheet_reads_back_with_the_plans_best_score(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The best score a plan could have is the planner's (a declined host scores nothing), not
    one recounted with the declined host in it."""
    text = OWL.read_text(encoding="utf-8")
    text = text.replace("  - id: miele\n", "  - id: miele\n    declined: true\n", 1)
    visit = tmp_path / "visit.yaml"
    visit.write_text(text, encoding="utf-8")
    plan = plan_text(text)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(render(plan, "xlsx", RenderOptions()))
    out = tmp_path / "back.json"
    result = runner.invoke(app, ["check", str(visit), str(path), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert Plan.from_json(out.read_bytes()).max_score == plan.max_score


def test_a_spreadsheet_edited_by_hand_is_read_checked_and_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = owl_xlsx(tmp_path, lang="de")
    book = openpyxl.load_workbook(path)
    sheet = book["2016-05-23"]
    row = day_row(sheet, "fraunhofer-iem")  # 15:00–16:30 → 14:30–16:00, too soon after Lemgo
    sheet.cell(row, 3).value = dt.time(14, 30)
    sheet.cell(row, 4).value = dt.time(16, 0)
    book.save(path)
    out = tmp_path / "edited.json"
    result = runner.invoke(app, ["check", str(OWL), str(path), "--json", str(out)])
    assert result.exit_code == 1
    assert "the drive takes 56 min" in result.stdout
    edited = Plan.from_json(out.read_bytes())
    _, item = visit_of(json.loads(edited.to_json()), "fraunhofer-iem")
    assert (item["start"], item["end"]) == (
        "2016-05-23T14:30:00+02:00",
        "2016-05-23T16:00:00+02:00",
    )
    # its drives are laid out again: the one into IEM leaves when IOSB-INA ends, at 14:00
    legs = [i for i in edited.tracks[0].items if i.type == "travel" and i.to == "fraunhofer-iem"]
    assert [f"{leg.start:%H:%M}" for leg in legs] == ["14:00"]


def test_a_spreadsheet_row_deleted_and_a_visit_moved_to_another_day(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Dmg Mori's row deleted (left out, by hand), Fraunhofer IOSB-INA moved to Friday in its
    Date cell: the plan still holds, and says who is left out."""
    path = owl_xlsx(tmp_path)
    book = openpyxl.load_workbook(path)
    friday = book["2016-05-27"]
    friday.delete_rows(day_row(friday, "dmg-mori"))
    monday = book["2016-05-23"]
    row = day_row(monday, "fraunhofer-iosb-ina")
    monday.cell(row, 1).value = dt.datetime(2016, 5, 27)
    monday.cell(row, 3).value, monday.cell(row, 4).value = dt.time(9, 30), dt.time(10, 30)
    lunch = day_row(monday, "fraunhofer-iosb-ina", "lunch")  # it was at IOSB-INA
    monday.cell(lunch, 3).value, monday.cell(lunch, 4).value = dt.time(12, 0), dt.time(13, 0)
    book.save(path)
    out = tmp_path / "edited.json"
    result = runner.invoke(app, ["check", str(OWL), str(path), "--json", str(out)])
    edited = Plan.from_json(out.read_bytes())
    assert [v.id for v in edited.tracks[-1].items if v.type == "visit"] == [
        "fraunhofer-iosb-ina",
        "miele",
    ]
    left = next(u for u in edited.unscheduled if u.id == "dmg-mori")
    assert left.reason == "not in the programme as edited by hand"
    assert edited.score == example_plan("its-owl-week").score - 80
    assert result.exit_code == 0, result.output
    assert check_plan(edited, load_spec(OWL)) == []
    # Monday's lunch, at IOSB-INA no longer visited, is where the group is by then: at IEM
    monday = edited.tracks[0].items
    assert [i.type for i in monday] == ["start", "travel", "lunch", "visit", "travel", "end"]
    assert monday[2].at == "fraunhofer-iem"


def test_an_edit_made_only_on_the_overview_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = owl_xlsx(tmp_path)
    book = openpyxl.load_workbook(path)
    overview = book.worksheets[0]
    row = next(r[0].row for r in overview.iter_rows(min_row=9) if r[5].value == "dmg-mori")
    overview.cell(row, 3).value = dt.time(10, 0)
    book.save(path)
    result = runner.invoke(app, ["check", str(OWL), str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:{row}: sheet Overview: this row was changed here")


def test_a_foreign_spreadsheet_is_one_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Date", "Start", "End"])  # type: ignore[union-attr]
    book.save(path)
    result = runner.invoke(app, ["check", str(OWL), str(path)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "not a spreadsheet written by `itinerary export --format xlsx`" in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(app, ["check", str(OWL), str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{broken}:1: not a spreadsheet itinerary can read")


def test_a_bad_time_cell_names_its_row(runner: CliRunner, tmp_path: Path) -> None:
    path = owl_xlsx(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["2016-05-27"]
    row = day_row(sheet, "miele")
    sheet.cell(row, 3).value = "after lunch"
    book.save(path)
    result = runner.invoke(app, ["check", str(OWL), str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:{row}: sheet 2016-05-27: the start 'after lunch'")


# --- export refuses a plan that does not hold -----------------------------------------------------


def broken_plan(tmp_path: Path) -> Path:
    data = owl_data()
    retimed(visit_of(data, "miele")[1], "19:00", "21:00")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_export_refuses_a_plan_that_fails_the_check(runner: CliRunner, tmp_path: Path) -> None:
    path = broken_plan(tmp_path)
    out = tmp_path / "plan.html"
    result = runner.invoke(
        app, ["export", str(path), "--format", "html", "--visit", str(OWL), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert not out.exists()
    assert "Friday 27 May, 19:00–21:00, Miele & Cie. KG: the group must be at" in result.stderr
    assert "so it is not exported" in result.stderr and "--unchecked" in result.stderr


def test_export_without_the_visit_file_checks_what_the_plan_tells(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = broken_plan(tmp_path)
    result = runner.invoke(app, ["export", str(path), "--format", "md"])
    assert result.exit_code == 2
    assert "Miele & Cie. KG: the group must be at Paderborn/Lippstadt Airport by 16:00" in (
        result.stderr
    )
    assert not (tmp_path / "plan.md").exists()


def test_export_without_the_visit_file_finds_a_visit_overlapping_its_drive(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Without the visit file the drive's minutes are unknown: the overlap is still too little
    travel time, said without them; a lunch moved onto a visit is an overlap."""
    data = owl_data()
    track, _ = visit_of(data, "dmg-mori")
    retimed(visit_of(data, "dmg-mori")[1], "08:45", "10:45")
    retimed(next(i for i in track["items"] if i["type"] == "lunch"), "10:00", "11:00")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "--format", "md"])
    assert result.exit_code == 2
    assert (
        "Friday 27 May: the group cannot be at DMG MORI (Gildemeister Drehmaschinen) by 08:45 "
        "after leaving Bielefelder Hof at 08:30\n" in result.stderr
    )
    assert (
        "Friday 27 May, 10:00–11:00, Lunch (Miele & Cie. KG): it overlaps DMG MORI "
        "(Gildemeister Drehmaschinen) (until 10:45)" in result.stderr
    )
    assert not (tmp_path / "plan.md").exists()


def test_export_unchecked_writes_a_broken_plan(runner: CliRunner, tmp_path: Path) -> None:
    path = broken_plan(tmp_path)
    result = runner.invoke(app, ["export", str(path), "--format", "md", "--unchecked"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.md").exists()


def test_export_of_a_plan_that_holds_is_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(example_plan("its-owl-week").to_json(), encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "--format", "md", "--visit", str(OWL)])
    assert result.exit_code == 0, result.output
    assert check_plan_alone(example_plan("its-owl-week")) == []
    assert check_plan_alone(example_plan("limoges-symposium")) == []


def test_every_finding_is_worded_in_every_language() -> None:
    """No finding of the checker falls back to the developer's message in any language."""
    data = owl_data()
    retimed(visit_of(data, "dmg-mori")[1], "07:02", "08:32")
    visit_of(data, "miele")[1]["id"] = "nobody"
    data["score"] = 1
    plan = Plan.model_validate(data)
    found = check_plan(plan, load_spec(OWL))
    assert len({v.kind for v in found}) >= 5
    for lang in ("en", "de", "fr"):
        for v in found:
            assert describe(v, plan.trip.timezone, lang) != str(v), v  # type: ignore[arg-type]


def test_the_delegations_spreadsheet_reads_back_too(runner: CliRunner, tmp_path: Path) -> None:
    """Without the Note column and the sheet of hosts left out, in German."""
    path = owl_xlsx(tmp_path, audience="delegation", lang="de")
    result = runner.invoke(app, ["check", str(OWL), str(path)])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1] == "The plan holds: it keeps every rule of the visit file."
    )


def test_too_little_time_for_the_drive_after_lunch_says_leaving_its_place() -> None:
    # A lunch at the place of the visit before it: the group leaves that place after lunch; the
    # visit there ended an hour before.
    zone = ZoneInfo("Europe/Berlin")
    found = Violation(
        "2016-06-07/plastics",
        "no travel from dmg-mori to smartfactory-owl (48 min needed)",
        "travel_time",
        "visit",
        "smartfactory-owl",
        "SmartFactoryOWL",
        date=dt.date(2016, 6, 7),
        start=dt.datetime(2016, 6, 7, 14, 25, tzinfo=zone),
        args={
            "to": "SmartFactoryOWL",
            "frm": "DMG MORI",
            "frm_subject": "lunch",
            "left": dt.datetime(2016, 6, 7, 13, 55, tzinfo=zone),
            "minutes": 48,
            "arrives": None,
        },
    )
    assert describe(found, "Europe/Berlin", "en").endswith(
        "the group cannot be at SmartFactoryOWL by 14:25 after leaving DMG MORI at 13:55: "
        "the drive takes 48 min"
    )
    assert "wenn sie DMG MORI um 13:55 verlässt" in describe(found, "Europe/Berlin", "de")
    assert "en quittant DMG MORI à 13:55" in describe(found, "Europe/Berlin", "fr")
