"""Hostile names through every export, written by the real writer: nothing escapes the output
folder, nothing runs (no script in HTML, no formula in a spreadsheet), calendars still parse."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from itinerary.plan import Plan
from itinerary.render import FORMATS, RenderOptions
from itinerary.render.export import export_plan

GOLDEN = Path(__file__).resolve().parent / "golden"

SCRIPT = "<script>alert('x')</script>"
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+A1",
    "-2+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
]
# What a spreadsheet may be given as it is: a sign and only digits, spaces and phone punctuation
# (a phone number or a number; arithmetic on its own digits at worst, never a call or reference).
NOT_A_FORMULA = re.compile(r"[+-][0-9 \u00a0\u202f()./,+-]*")
IDS = ["../../x", "con", "a/b", "..", "evil\x07bell"]


def hostile_plan() -> Plan:
    """The golden plan with its hosts renamed by an attacker (ids included, although the loader
    never lets such ids through: the exports must be safe on their own)."""
    data = json.loads((GOLDEN / "limoges-plan.json").read_text(encoding="utf-8"))
    names = [SCRIPT, *FORMULAS, 'Comma, "quote"; semi\\back\nnew line']
    visits = [i for t in data["tracks"] for i in t["items"] if i["type"] == "visit"]
    for n, visit in enumerate(visits):
        old_id, old_name = visit["id"], visit["name"]
        visit["name"] = names[n % len(names)]
        visit["id"] = IDS[n % len(IDS)]
        visit["address"] = FORMULAS[n % len(FORMULAS)]
        visit["topics"] = [SCRIPT, "# heading", "| pipe |"]
        for track in data["tracks"]:
            for item in track["items"]:
                if item["type"] == "travel":
                    if item["from"] == old_id:
                        item["from"], item["from_name"] = visit["id"], visit["name"]
                    if item["to"] == old_id:
                        item["to"], item["to_name"] = visit["id"], visit["name"]
        assert old_name  # every visit was renamed
    data["trip"]["name"] = SCRIPT
    data["delegation"]["name"] = FORMULAS[0]
    # Members (for `members` and the host letters' visitor lists) named and numbered as badly.
    data["delegation"]["members"] = [
        {"id": ident, "name": names[n % len(names)], "group": "all", "organisation": SCRIPT}
        for n, ident in enumerate([*IDS, "CON", ".hidden"])
    ]
    return Plan.model_validate(data)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return hostile_plan()


# `meetings` needs a plan with matchmaking: tests/test_match_cli.py
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "meetings"])
def test_every_format_stays_inside_its_destination(fmt: str, plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "out" / ("hosts" if FORMATS[fmt].folder else "file" + FORMATS[fmt].extension)
    out.parent.mkdir()
    export_plan(plan, fmt, out, RenderOptions())
    written = [p for p in tmp_path.rglob("*")]
    assert all(p == out.parent or out.parent in p.parents for p in written), written
    if FORMATS[fmt].folder:
        names = [p.name for p in out.iterdir()]
        assert names and all(p.parent == out and p.is_file() for p in out.iterdir())
        assert not any(n.startswith(".") or n.lower().split(".")[0] == "con" for n in names)
        assert all(n.isprintable() for n in names)


def test_html_renders_hostile_names_as_text(plan: Plan, tmp_path: Path) -> None:
    out = export_plan(plan, "html", tmp_path / "p.html", RenderOptions())
    text = Path(out.path).read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;" in text


def test_spreadsheet_cells_never_start_a_formula(plan: Plan, tmp_path: Path) -> None:
    import openpyxl

    csv_path = Path(export_plan(plan, "csv", tmp_path / "p.csv", RenderOptions()).path)
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c[:1] in ("=", "@", "\t", "\r") for c in cells)
    assert not any(c[:1] in ("+", "-") and not NOT_A_FORMULA.fullmatch(c) for c in cells)
    assert any(c.startswith("'-2+cmd|") for c in cells) and any(c == "'+1+A1" for c in cells)

    xlsx_path = Path(export_plan(plan, "xlsx", tmp_path / "p.xlsx", RenderOptions()).path)
    book = openpyxl.load_workbook(xlsx_path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


@pytest.mark.parametrize("fmt", ["ics", "hosts"])
def test_calendars_with_hostile_text_still_parse(fmt: str, plan: Plan, tmp_path: Path) -> None:
    import icalendar

    out = Path(export_plan(plan, fmt, tmp_path / "cal", RenderOptions()).path)
    files = [out] if out.is_file() else sorted(out.glob("*.ics"))
    assert files
    summaries = []
    for path in files:
        raw = path.read_bytes()
        assert all(len(line) <= 75 for line in raw.split(b"\r\n")), path
        calendar = icalendar.Calendar.from_ical(raw)
        # A host's own calendar names the visiting group; the host itself is the LOCATION.
        summaries += [f"{e['SUMMARY']} {e.get('LOCATION', '')}" for e in calendar.walk("VEVENT")]
    assert any(SCRIPT in s for s in summaries)
    assert any('Comma, "quote"; semi\\back\nnew line' in s for s in summaries)
