"""An `xlsx` export edited by hand, read back as a plan: `read_edited(path, loaded)`.

Organisers adjust the final programme in a spreadsheet more often than in JSON. The day sheets
of `itinerary export --format xlsx` carry, in a last hidden column (`xlsx_export.KEY_HEADER`),
what each row is: its item's type, id, day and times as exported. Read back, each row of a day
sheet is that item at the day in its Date cell and the times in its Start and End cells — the
organiser may change them and move rows, or delete a row (the host is then left out); the
drives, the day's end and the plan's figures are made again from the visit file
(`plan/retime.py`), and the checker says what no longer holds. A row typed in by hand, without
a key, is a visit or event when its Id cell names a host or event. The Overview sheet is made
from the day sheets and is not read; a change made only there is refused, so that no edit is
lost without a word. Anything else that cannot be read is one `file:row: message`.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import InputError, Issue
from ..input.closures import holiday_names
from ..input.groups import ALL, groups_on
from ..input.load import Loaded
from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY
from ..plan import (
    CheckInItem,
    EndItem,
    Item,
    LunchItem,
    Plan,
    PlanTrack,
    RestItem,
    StartItem,
    TravelItem,
    Unscheduled,
)
from ..plan.assemble import event_item, plan_header, visit_item
from ..plan.retime import REMOVED, places_of, retime
from .i18n import LANGUAGES, Words
from .xlsx_export import KEY_HEADER

MAX_XLSX_BYTES = 50 * 1024 * 1024
_KINDS = ("start", "end", "visit", "event", "lunch", "rest", "check_in", "travel")


@dataclass(frozen=True)
class _Row:
    sheet: str
    line: int
    kind: str
    id: str | None
    date: dt.date
    group: str
    start: dt.time
    end: dt.time | None
    exported: tuple[str, str, str] | None  # date, start, end as exported (None: typed in)


def is_xlsx(path: Path) -> bool:
    """Whether a file is a spreadsheet (a zip, by its first bytes or its name)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    try:
        with path.open("rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def read_edited(path: Path, loaded: Loaded) -> Plan:
    """The plan an edited spreadsheet holds, laid out and recounted (see the module)."""
    from openpyxl import load_workbook

    name = str(path)
    try:
        if path.stat().st_size > MAX_XLSX_BYTES:
            raise InputError(Issue(name, 1, "the file is too large to be a plan's spreadsheet"))
        book = load_workbook(path, data_only=True)
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(Issue(name, 1, "this is a folder, not a spreadsheet")) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(Issue(name, 1, f"cannot read file: {reason}")) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise InputError(
            Issue(name, 1, f"not a spreadsheet itinerary can read ({type(exc).__name__})")
        ) from None
    except Exception as exc:  # openpyxl's own errors for a damaged or foreign file
        raise InputError(
            Issue(name, 1, f"not a spreadsheet itinerary can read ({type(exc).__name__})")
        ) from None
    spec = loaded.spec
    zone = ZoneInfo(spec.trip.timezone)
    day_rows: list[_Row] = []
    overview: list[_Row] = []
    left_out: dict[tuple[str, str | None], str] = {}  # (id, group) -> reason
    notes: dict[dt.date, list[str]] = {}
    found = False
    for ws in book.worksheets:
        table = _table(ws)
        if table is None:
            continue
        found = True
        top, columns = table
        if columns.get("reason") is not None:
            _read_left_out(ws, top, columns, left_out)
            continue
        rows, sheet_notes = _read_rows(ws, name, top, columns, loaded)
        if top > 1:
            overview += rows
        else:
            day_rows += _of_the_sheets_group(rows)
            for row in rows[:1]:
                notes.setdefault(row.date, []).extend(sheet_notes)
    if not found:
        raise InputError(
            Issue(
                name,
                1,
                "not a spreadsheet written by `itinerary export --format xlsx` (it has no "
                f"hidden {KEY_HEADER!r} column); export the plan again and edit that",
            )
        )
    if not day_rows:
        raise InputError(Issue(name, 1, "the spreadsheet has no day sheets to read"))
    _refuse_overview_edits(name, overview, day_rows)
    dates = spec.trip_dates()
    for row in day_rows:
        if row.date not in dates:
            raise InputError(
                Issue(
                    name,
                    row.line,
                    f"sheet {row.sheet}: {row.date} is not a day of the trip "
                    f"({spec.trip.start} to {spec.trip.end})",
                )
            )
    tracks = []
    for date in dates:
        # The tracks of the date as the visit file has them: one, "all", on a date the
        # delegation is together (whichever group's sheet a row came from), else one per group.
        groups = [g.id for g in groups_on(spec, date)]
        for row in day_rows:
            if row.date == date and groups != [ALL] and row.group not in groups:
                raise InputError(
                    Issue(
                        name,
                        row.line,
                        f"sheet {row.sheet}: the row is of the whole delegation, but on {date} "
                        "the groups tour apart: put it on a group's sheet of that day",
                    )
                )
        for group in groups:
            rows = [r for r in day_rows if r.date == date and (r.group == group or group == ALL)]
            items = [_item(r, loaded, zone, name) for r in rows]
            starts = [i for i in items if isinstance(i, StartItem)]
            ends = [i for i in items if isinstance(i, EndItem)]
            if len(starts) != 1 or len(ends) != 1:
                sheet = rows[0].sheet if rows else date.isoformat()
                raise InputError(
                    Issue(
                        name,
                        1,
                        f"sheet {sheet}: the day needs its start row and its end row, once each",
                    )
                )
            middle = [i for i in items if not isinstance(i, StartItem | EndItem)]
            tracks.append(
                PlanTrack(
                    date=date,
                    group=group,
                    items=[starts[0], *middle, ends[0]],
                    notes=notes.get(date, []),
                    holiday=holiday_names(spec.trip.holidays, date),
                )
            )
    # Those the sheet of what was left out lists, with its reasons; `retime` lists whatever
    # else is not in the programme as taken out by hand, and drops whatever is back in it.
    unscheduled = [
        Unscheduled(id=h.id, name=h.name, priority=h.priority, reason=reason, group=group)
        for h in spec.hosts
        for (ident, group), reason in left_out.items()
        if ident == h.id
    ]
    unscheduled += [
        Unscheduled(id=e.id, name=e.name, kind="event", reason=reason, group=group)
        for e in spec.events
        for (ident, group), reason in left_out.items()
        if ident == e.id
    ]
    plan = Plan(
        **plan_header(spec),
        status="complete",
        score=0,
        travel_minutes=0,
        tracks=tracks,
        unscheduled=unscheduled,
    )
    return retime(plan, loaded)


def _table(ws: Any) -> tuple[int, dict[str, int | None]] | None:
    """The header row of a sheet's table and its columns, by the hidden key column's header."""
    for top, row in enumerate(ws.iter_rows(max_row=30, values_only=True), 1):
        if KEY_HEADER not in row:
            continue
        header = [str(v).strip() if v is not None else "" for v in row]
        for lang in LANGUAGES:
            w = Words(lang)
            wanted = ("date", "group", "start_time", "end_time", "id", "travel_min", "reason")
            columns = {k: header.index(w[k]) if w[k] in header else None for k in wanted}
            columns["key"] = header.index(KEY_HEADER)
            if columns["reason"] is not None and columns["id"] is not None:
                return top, columns
            if all(columns[k] is not None for k in ("date", "start_time", "end_time")):
                return top, columns
    return None


def _read_left_out(
    ws: Any, top: int, columns: dict[str, int | None], out: dict[tuple[str, str | None], str]
) -> None:
    """What was left out, by (id, group): ["left_out", id] or, in a plan with groups, the
    group that leaves it out as a third element."""
    reason, key_at = columns["reason"], columns["key"]
    assert reason is not None and key_at is not None
    for row in ws.iter_rows(min_row=top + 1, values_only=True):
        key = _key(row[key_at] if key_at < len(row) else None)
        if key and key[0] == "left_out" and len(key) > 1 and isinstance(key[1], str):
            group = key[2] if len(key) > 2 and isinstance(key[2], str) else None
            text = row[reason] if reason < len(row) else None
            out[(key[1], group)] = str(text) if text else REMOVED


def _key(value: Any) -> list[Any] | None:
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        key = json.loads(value)
    except ValueError:
        return None
    return key if isinstance(key, list) else None


def _read_rows(
    ws: Any, name: str, top: int, columns: dict[str, int | None], loaded: Loaded
) -> tuple[list[_Row], list[str]]:
    """The table's rows, and the notes below it (the Note label's text)."""
    spec = loaded.spec
    ids = {h.id: "visit" for h in spec.hosts} | {e.id: "event" for e in spec.events}
    note_labels = {Words(lang)["note"] for lang in LANGUAGES}
    rows: list[_Row] = []
    notes: list[str] = []
    ended = False

    def cell(row: tuple[Any, ...], column: str) -> Any:
        at = columns.get(column)
        return row[at] if at is not None and at < len(row) else None

    for line, row in enumerate(ws.iter_rows(min_row=top + 1, values_only=True), top + 1):
        if all(v is None or str(v).strip() == "" for v in row):
            ended = True
            continue
        if ended or (row and row[0] in note_labels and cell(row, "key") is None):
            if row and row[0] in note_labels and len(row) > 1 and row[1]:
                notes.append(str(row[1]))
            continue

        def bad(message: str, line: int = line) -> InputError:
            return InputError(Issue(name, line, f"sheet {ws.title}: {message}"))

        key = _key(cell(row, "key"))
        shown_id = cell(row, "id")
        shown_id = str(shown_id).strip() if shown_id not in (None, "") else None
        if key is not None:
            if (
                len(key) != 6
                or key[0] not in _KINDS
                or not all(isinstance(k, str) for k in key[2:])
            ):
                raise bad(f"the hidden {KEY_HEADER!r} cell is not one itinerary wrote")
            kind, ident = key[0], key[1]
            if kind in ("visit", "event") and shown_id is not None and shown_id != ident:
                if shown_id not in ids:
                    raise bad(f"{shown_id!r} is no host or event of the visit file")
                kind, ident = ids[shown_id], shown_id  # another host typed over one
            group = key[3]
            exported: tuple[str, str, str] | None = (key[2], key[4], key[5])
        else:
            if shown_id is None or shown_id not in ids:
                shown = repr(shown_id) if shown_id else "no id"
                raise bad(
                    f"a row itinerary did not write, with {shown}: give a row typed in the id "
                    "of a host or event of the visit file"
                )
            kind, ident, group, exported = ids[shown_id], shown_id, "all", None
        date = _date(cell(row, "date"))
        if date is None:
            raise bad(f"{cell(row, 'date')!r} is not a date (write it like 2016-05-24)")
        start = _time(cell(row, "start_time"))
        if start is None:
            raise bad(f"the start {cell(row, 'start_time')!r} is not a time (write it like 10:30)")
        raw_end = cell(row, "end_time")
        end = _time(raw_end)
        if end is None and raw_end not in (None, ""):
            raise bad(f"the end {raw_end!r} is not a time (write it like 11:30)")
        rows.append(_Row(ws.title, line, kind, ident, date, group, start, end, exported))
    return rows, notes


def _of_the_sheets_group(rows: list[_Row]) -> list[_Row]:
    """A day sheet is one group's day (or the whole delegation's): its rows are of the group
    most of the rows itinerary wrote there name, so that a row typed in by hand, or cut from
    another group's sheet and pasted here, joins this group's day."""
    keyed = Counter(r.group for r in rows if r.exported is not None)
    if not keyed:
        return rows
    group = keyed.most_common(1)[0][0]
    return [r if r.group == group else replace(r, group=group) for r in rows]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _time(value: Any) -> dt.time | None:
    """A time cell: a time, a date-time, a fraction of a day, or text like 10:30 or 10.30."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    if isinstance(value, str):
        text = value.strip().replace(".", ":").replace("h", ":")
        try:
            hours, minutes = (int(part) for part in text.split(":"))
            return dt.time(hours, minutes)
        except ValueError:
            return None
    return None


def _refuse_overview_edits(name: str, overview: list[_Row], day_rows: list[_Row]) -> None:
    """A row changed on the Overview sheet but not on its day sheet would be lost: refuse."""
    current = {
        (r.kind, r.id, *r.exported): (r.date, r.start, r.end)
        for r in day_rows
        if r.exported is not None
    }
    for row in overview:
        if row.exported is None:
            raise InputError(
                Issue(
                    name,
                    row.line,
                    f"sheet {row.sheet}: a row added here is not read; add it to its day's sheet",
                )
            )
        as_exported = (
            dt.date.fromisoformat(row.exported[0]),
            dt.time.fromisoformat(row.exported[1]),
            dt.time.fromisoformat(row.exported[2]),
        )
        now = (row.date, row.start, row.end)
        if now != as_exported and current.get((row.kind, row.id, *row.exported)) != now:
            raise InputError(
                Issue(
                    name,
                    row.line,
                    f"sheet {row.sheet}: this row was changed here, but the day sheets are what "
                    "is read (the overview is made from them): make the change on its day's sheet",
                )
            )


def _item(row: _Row, loaded: Loaded, zone: ZoneInfo, name: str) -> Item:
    """The plan item of a row: what the visit file says of it, at the row's times."""
    spec = loaded.spec
    places = places_of(spec)
    start = dt.datetime.combine(row.date, row.start, zone)
    end = start
    if row.end is not None:
        end = dt.datetime.combine(row.date, row.end, zone)
        if end < start - dt.timedelta(hours=12):  # past midnight
            end += dt.timedelta(days=1)
    # Each wall-clock time with its own UTC offset (a DST change within the day).
    start, end = start.astimezone(zone), end.astimezone(zone)
    ident = row.id or ""
    if row.kind == "visit":
        host = next(h for h in spec.hosts if h.id == ident)
        if row.end is None:
            end = start + dt.timedelta(minutes=host.duration)
        return visit_item(host, spec, start, end)
    if row.kind == "event":
        event = next(e for e in spec.events if e.id == ident)
        if row.end is None:
            end = start + (event.end - event.start)
        return event_item(event, start, end)
    if row.kind == "lunch":
        if row.end is None and spec.trip.lunch is not None:
            end = start + dt.timedelta(minutes=spec.trip.lunch.minutes)
        at = places.get(ident)
        return LunchItem(
            start=start,
            end=end,
            at=ident if at else None,
            place=at[0] if at else None,
            location=at[1] if at else None,
        )
    if row.kind == "travel":
        frm, _, to = ident.partition(">")
        return TravelItem(
            start=start,
            end=end,
            from_=frm,
            to=to,
            from_name=places.get(frm, (frm,))[0],
            to_name=places.get(to, (to,))[0],
            minutes=max(0, int((end - start).total_seconds() // 60)),
        )
    if ident not in places:
        raise InputError(
            Issue(name, row.line, f"sheet {row.sheet}: {ident!r} is no place of the visit file")
        )
    place, location, address = places[ident]
    if row.kind in ("rest", "check_in"):
        at_stay = RestItem if row.kind == "rest" else CheckInItem
        return at_stay(
            start=start, end=end, at=ident, place=place, location=location, address=address
        )
    if row.kind == "start":
        arrival = spec.arrival if ident == ARRIVAL_KEY else None
        return StartItem(
            place=place,
            key=ident,
            location=location,
            address=address,
            time=start,
            note=arrival.note if arrival else None,
        )
    departure = spec.departure if ident == DEPARTURE_KEY else None
    return EndItem(
        place=place,
        key=ident,
        location=location,
        address=address,
        time=start,
        note=departure.note if departure else None,
        departs=departure.time.replace(tzinfo=zone).astimezone(zone) if departure else None,
    )
