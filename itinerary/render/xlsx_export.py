"""`xlsx`: an Excel workbook: an overview sheet, one sheet per day (and group), and for the
organiser a sheet of what was left out of the programme.

Cells are typed: dates and local times are real Excel dates and times, travel minutes integers.
Text goes in as string cells, exactly as written ("+49 521 106-0", "=HYPERLINK(…)"): a string
cell is never a formula, so it needs no leading `'` (which Excel would show). Two exports of
one plan are the same bytes: the workbook and zip timestamps are taken from the trip's first
day, not from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..input.spec import Language
from ..plan import (
    GROUP_ALL,
    EndItem,
    EventItem,
    Item,
    Plan,
    PlanTrack,
    StartItem,
    TravelItem,
    Unscheduled,
    VisitItem,
)
from . import RenderOptions
from .i18n import Words
from .rows import Cell, headers, plan_rows, track_rows
from .terminal import ellipsize, group_label, score_line

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

# The last column of every table, hidden: what each row is, for `itinerary check` to read an
# edited sheet back (`render/xlsx_import.py`): a JSON list [type, id, date, group, start, end]
# of the item as exported (the id a host, event or place key, "from>to" for a drive; the times
# local "HH:MM"), or ["left_out", id] on the sheet of what was left out. Its header is the same
# in every language.
KEY_HEADER = "itinerary"

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_WIDTH = 60

# Excel refuses sheet names over 31 characters, with any of []:*?/\ or starting or ending with an
# apostrophe; control characters are replaced too. "History" is reserved by Excel.
_BAD_IN_TITLE = re.compile(r"[\x00-\x1f\x7f\[\]:*?/\\]")
_RESERVED_TITLES = {"history"}


def sheet_title(wanted: str, taken: set[str]) -> str:
    """A valid sheet name for `wanted`, made unique among `taken` (casefolded, updated here)
    with " (2)", " (3)", … as Excel compares sheet names without regard to case."""
    base = _BAD_IN_TITLE.sub("_", wanted)
    title, n = _fit(base, ""), 1
    while title.casefold() in taken:
        n += 1
        title = _fit(base, f" ({n})")
    taken.add(title.casefold())
    return title


def _fit(base: str, suffix: str) -> str:
    return (base[: 31 - len(suffix)].strip("'") or "_") + suffix


def _value(cell: Cell) -> Cell:
    if isinstance(cell, str):
        # Control characters are not allowed in the file's XML; show where one was. Line breaks
        # in a cell are LF in Excel, and XML reads a bare CR back as LF anyway.
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell)
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return cell


def _put(
    ws: Worksheet, row: int, column: int, value: Cell, number_format: str | None = None
) -> SheetCell | MergedCell:
    cell = ws.cell(row, column, _value(value))
    if isinstance(value, str):
        # openpyxl takes text starting with "=" for a formula and "#N/A" for an error; text is
        # text: an inline string cell, which no spreadsheet runs.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.time):
        cell.number_format = "hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _table(
    ws: Worksheet,
    top: int,
    header: list[str],
    rows: list[tuple[Cell, ...]],
    keys: list[str] | None = None,
) -> None:
    """A header row at `top` (bold, filled, frozen, with filters) and the rows below it; with
    `keys`, a last, hidden column of row keys (`KEY_HEADER`)."""
    for column, title in enumerate(header, 1):
        cell = _put(ws, top, column, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, cells in enumerate(rows, 1):
        for column, value in enumerate(cells, 1):
            _put(ws, top + offset, column, value)
    ws.freeze_panes = ws.cell(top + 1, 1).coordinate
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(header))}{top + len(rows)}"
    if keys is not None:
        column = len(header) + 1
        _put(ws, top, column, KEY_HEADER)
        for offset, key in enumerate(keys, 1):
            _put(ws, top + offset, column, key)


def _hide_keys(ws: Worksheet, width: int) -> None:
    """Hide the key column (after the widths are fitted: a hidden column keeps its width)."""
    letter = get_column_letter(width + 1)
    ws.column_dimensions[letter].hidden = True


def item_key(item: Item, track: PlanTrack, zone: ZoneInfo) -> str:
    """The hidden key of an item's row: [type, id, date, group, start, end] (see KEY_HEADER)."""
    if isinstance(item, StartItem | EndItem):
        ident: str | None = item.key
        start = end = item.time
    else:
        start, end = item.start, item.end
        if isinstance(item, VisitItem | EventItem):
            ident = item.id
        elif isinstance(item, TravelItem):
            ident = f"{item.from_}>{item.to}"
        else:
            ident = item.at
    shown = [
        item.type,
        ident,
        track.date.isoformat(),
        track.group,
        f"{start.astimezone(zone):%H:%M}",
        f"{end.astimezone(zone):%H:%M}",
    ]
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


def _fit_widths(ws: Worksheet) -> None:
    for column in ws.iter_cols():
        width = max(_shown_length(cell.value) for cell in column)
        first = column[0]
        assert not isinstance(first, MergedCell)  # these sheets merge no cells
        ws.column_dimensions[first.column_letter].width = min(width + 2, MAX_WIDTH)


def _shown_length(value: object) -> int:
    if isinstance(value, dt.time):
        return 5  # hh:mm
    if isinstance(value, dt.date):
        return 10  # yyyy-mm-dd
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def _groups_text(plan: Plan, w: Words) -> str:
    """'Plastics processing (8 people), Automation (12 people)'."""
    return ", ".join(
        f"{g.name} ({w.count(g.size, 'person', 'people')})" for g in plan.delegation.groups or ()
    )


def _overview(ws: Worksheet, plan: Plan, w: Words, organiser: bool) -> None:
    delegation = plan.delegation
    size = delegation.size
    facts: list[tuple[str, Cell, str | None]] = [
        (w["trip"], plan.trip.name, None),
        (w["delegation"], f"{delegation.name} ({w.count(size, 'person', 'people')})", None),
        *(
            [(w["groups"], _groups_text(plan, w), None)]  # with groups: each, and its size
            if plan.split
            else []
        ),
        (w["dates"], w.date_range(plan.trip.start, plan.trip.end), None),
        (w["score"], score_line(plan, w), None),
        (w["status"], w[plan.status], None),
        (w["total_travel"], plan.travel_minutes, f'0 "{w["minutes"]}"'),
    ]
    for line, (label, value, number_format) in enumerate(facts, 1):
        _put(ws, line, 1, label).font = BOLD
        _put(ws, line, 2, value, number_format)
    rows = [row.cells(organiser) for row in plan_rows(plan, w)]
    zone = ZoneInfo(plan.trip.timezone)
    keys = [item_key(item, track, zone) for track in plan.tracks for item in track.items]
    _table(ws, len(facts) + 2, headers(w, organiser), rows, keys)


def _matchmaking(ws: Worksheet, plan: Plan, event: EventItem, lang: Language) -> None:
    """A matchmaking event's sheet: the slot × table grid and its summary (as the html
    programme's), then one row per meeting (time, table, both participants with their
    organisations, priority, interpreter)."""
    from .meetings import people, table_name, words
    from .program import match_sheet

    sheet = match_sheet(plan, event, lang)
    mw = words(lang)
    info = event.matchmaking
    assert info is not None
    _put(ws, 1, 1, sheet.title).font = BOLD
    _put(ws, 2, 1, sheet.when)
    grid_top = 4
    for column, title in enumerate([mw["m_time"], *sheet.tables], 1):
        cell = _put(ws, grid_top, column, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, (span, cells) in enumerate(sheet.grid, 1):
        for column, text in enumerate([span, *cells], 1):
            _put(ws, grid_top + offset, column, text)
    who = people(info)
    zone = ZoneInfo(plan.trip.timezone)
    order = {t.id: i for i, t in enumerate(info.tables)}  # as the grid: "Table 2" before "10"
    rows: list[tuple[Cell, ...]] = []
    for m in sorted(event.meetings or [], key=lambda m: (m.start, order.get(m.table, 0))):
        a, b = (who.get(pid) for pid in m.with_)
        rows.append(
            (
                m.start.astimezone(zone).time().replace(tzinfo=None),
                m.end.astimezone(zone).time().replace(tzinfo=None),
                table_name(info, m.table, mw),
                a.name if a else m.with_[0],
                (a.organisation or "") if a else "",
                b.name if b else m.with_[1],
                (b.organisation or "") if b else "",
                m.priority,
                mw["m_interpreter"] if m.interpreter else "",
            )
        )
    header = [
        mw["m_time"],
        "",
        mw["m_table"],
        mw["m_participant"],
        mw["m_organisation"],
        mw["m_participant"],
        mw["m_organisation"],
        mw["m_priority"],
        mw["m_interpreter"],
    ]
    _put(ws, grid_top + len(sheet.grid) + 2, 1, sheet.summary)
    top = grid_top + len(sheet.grid) + 4
    for column, title in enumerate(header, 1):
        cell = _put(ws, top, column, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, values in enumerate(rows, 1):
        for column, value in enumerate(values, 1):
            _put(ws, top + offset, column, value)


def _unscheduled_cells(left: Unscheduled, w: Words, plan: Plan) -> tuple[Cell, ...]:
    """A row of what was left out (with the group that leaves it out, in a plan with
    groups)."""
    if left.kind == "event":
        priority: Cell = w["event"]
    else:
        priority = w["must"] if left.priority == "must" else left.priority
    group: tuple[Cell, ...] = ()
    if plan.split:
        group = (group_label(plan, left.group or GROUP_ALL, w),)
    return (left.id, left.name, *group, priority, w.reason(left))


def _left_out_key(left: Unscheduled) -> str:
    """["left_out", id], and the group that leaves it out when there is one."""
    key = ["left_out", left.id] + ([left.group] if left.group is not None else [])
    return json.dumps(key, ensure_ascii=False)


def render(plan: Plan, options: RenderOptions) -> bytes:
    w = Words(options.language(plan))
    book = Workbook()
    taken = set(_RESERVED_TITLES)
    overview = book.active
    assert isinstance(overview, Worksheet)  # a new workbook has one sheet, a worksheet, active
    overview.title = sheet_title(w["overview"], taken)
    organiser = options.audience == "organiser"
    _overview(overview, plan, w, organiser)
    for track in plan.tracks:
        # A sheet per day, and on a date the groups split a sheet per group of that day.
        day = track.date.isoformat()
        if track.group != GROUP_ALL and plan.split:  # its name, cut after a whole word
            day += f" {ellipsize(group_label(plan, track.group, w), 31 - len(day) - 1)}"
        elif track.group != GROUP_ALL:  # a group the plan does not list: as it is
            day += f" {track.group}"
        ws = book.create_sheet(sheet_title(day, taken))
        rows = track_rows(plan, track, w)
        zone = ZoneInfo(plan.trip.timezone)
        keys = [item_key(item, track, zone) for item in track.items]
        _table(ws, 1, headers(w, organiser), [row.cells(organiser) for row in rows], keys)
        holiday = track.holiday_in(w.lang)
        notes = [(w["holiday"], holiday)] if holiday else []
        notes += [(w["note"], note) for note in track.notes]
        for line, (label, note) in enumerate(notes, len(rows) + 3):
            _put(ws, line, 1, label).font = BOLD
            _put(ws, line, 2, note)
    for event in plan.matchmaking_events():
        _matchmaking(book.create_sheet(sheet_title(event.name, taken)), plan, event, w.lang)
    if options.audience == "organiser":
        ws = book.create_sheet(sheet_title(w["unscheduled"], taken))
        header = [w["id"], w["name"], *([w["group"]] if plan.split else []), w["priority"]]
        header.append(w["reason"])
        keys = [_left_out_key(left) for left in plan.unscheduled]
        cells = [_unscheduled_cells(left, w, plan) for left in plan.unscheduled]
        _table(ws, 1, header, cells, keys)
    for ws in book.worksheets:
        _fit_widths(ws)
    widths = [len(headers(w, organiser))] * (len(book.worksheets) - (1 if organiser else 0))
    if organiser:
        widths.append(5 if plan.split else 4)
    for ws, width in zip(book.worksheets, widths, strict=True):
        _hide_keys(ws, width)
    return _save(book, dt.datetime.combine(plan.trip.start, dt.time()))


class _StampedZip(zipfile.ZipFile):
    """A zip whose members all carry one timestamp instead of the time of writing."""

    def __init__(self, file: io.BytesIO, stamp: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.stamp = max(stamp, dt.datetime(1980, 1, 1)).timetuple()[:6]  # zip time starts 1980

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = zinfo_or_arcname
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=self.stamp)
            name.compress_type = zipfile.ZIP_DEFLATED
            name.external_attr = 0o600 << 16  # what ZipFile.writestr gives a bare name
        super().writestr(name, data, compress_type, compresslevel)


class _InMemoryExcelWriter(ExcelWriter):
    """openpyxl's writer, except that worksheets are serialised in memory: upstream writes each
    one to a temporary file first, and a renderer must not touch the file system."""

    def write_worksheet(self, ws: Worksheet) -> None:
        # As upstream (openpyxl 3.1 ExcelWriter.write_worksheet, not write-only): the workbook
        # writer expects each sheet's drawing and relationships; these sheets have no images.
        # The ignores: types-openpyxl leaves out these private attributes upstream uses here.
        ws._drawing = SpreadsheetDrawing()  # type: ignore[attr-defined]
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels  # type: ignore[attr-defined]
        self._archive.writestr(ws.path[1:], writer.read())  # type: ignore[attr-defined]
        self.manifest.append(ws)


def _save(book: Workbook, stamp: dt.datetime) -> bytes:
    # `Workbook.save` would set `modified` to now and stamp the zip members with the clock.
    book.properties.creator = "itinerary"
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    with _StampedZip(buffer, stamp) as archive:
        _InMemoryExcelWriter(book, archive).write_data()
    return buffer.getvalue()
