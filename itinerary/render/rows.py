"""The plan as one flat table, one row per item, shared by the `csv` and `xlsx` exports.

Cells keep their types (dates, local times, integer minutes) so each format writes them in its
own way. Text is kept as the plan has it: `xlsx` writes it as string cells, which a spreadsheet
never runs, and `csv` makes the cells a spreadsheet would run inert with `neutralise_formula`.

Both files are read by people (spreadsheets, mail merges): every value is in the reader's
language (the type, the whole delegation's group) except the ids, which are the organiser's own
keys from the visit file (host, event and stay ids), the same in every language so that sheets
and mail merges can join on them. The arrival and departure places have no id in the visit file,
so their rows leave the id empty rather than show the planner's internal key; the type and the
name say what they are. The plan JSON is the format for programs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import astuple, dataclass
from zoneinfo import ZoneInfo

from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, Contact
from ..plan import (
    CheckInItem,
    EndItem,
    EventItem,
    Item,
    LunchItem,
    Plan,
    PlanTrack,
    RestItem,
    StartItem,
    TravelItem,
    VisitItem,
)
from .i18n import Words, end_label, start_label
from .program import remarks
from .terminal import group_label
from .text import joined

# Label keys (i18n LABELS) of the columns, in order; `Row` has one field per column.
COLUMNS: tuple[str, ...] = (
    "date",
    "group",
    "start_time",
    "end_time",
    "type",
    "id",
    "name",
    "address",
    "contact",
    "phone",
    "email",
    "note",
    "travel_min",
)
# The organiser's own column: left out of what the delegation receives.
ORGANISER_ONLY = frozenset({"note"})

# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage return can
# hide the sign that follows them); OWASP "CSV Injection" advises a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell of a sign followed only by digits, spaces and the punctuation of phone numbers and
# numbers ("+49 521 106-0", "-", "-2.5", "-2,5", "+33 (0)5 55 00 00 00", "+1/555") is not run:
# it holds no letter and no colon, so no function, cell or range reference or DDE call, and at
# worst reads as arithmetic on its own digits. It is a phone number or a number, written as is.
_PHONE_OR_NUMBER = re.compile(r"[+-][0-9 \u00a0\u202f()./,+-]*")

Cell = str | int | dt.date | dt.time | None


def neutralise_formula(text: str) -> str:
    """`=HYPERLINK(…)` -> `'=HYPERLINK(…)`, so a spreadsheet shows it instead of running it.

    Neutralised: a cell starting with `=`, `@`, a tab or a carriage return, and a cell starting
    with `+` or `-` unless all of it is a phone number or a number (see `_PHONE_OR_NUMBER`).
    Everything else, a leading space included (" =1" is text to a spreadsheet), is unchanged."""
    if not text.startswith(FORMULA_STARTS) or _PHONE_OR_NUMBER.fullmatch(text):
        return text
    return "'" + text


@dataclass(frozen=True)
class Row:
    date: dt.date
    group: str  # localised for the whole delegation, else the subgroup's name
    start: dt.time  # local wall-clock time, no zone
    end: dt.time
    type: str  # localised word: Visit, Besuch, Visite, …
    id: str  # a host, event or stay id from the visit file; "" for other rows
    name: str
    address: str
    contact: str
    phone: str
    email: str
    note: str  # the organiser's: an interpreter to bring, the host's `notes`
    travel_minutes: int | None  # travel rows only

    def cells(self, organiser: bool = True) -> tuple[Cell, ...]:
        """The values in `COLUMNS` order (without the organiser's columns for the delegation)."""
        values = astuple(self)
        if organiser:
            return values
        return tuple(v for key, v in zip(COLUMNS, values, strict=True) if key not in ORGANISER_ONLY)


def headers(w: Words, organiser: bool = True) -> list[str]:
    return [w[key] for key in COLUMNS if organiser or key not in ORGANISER_ONLY]


def place_id(key: str | None) -> str:
    """A place key as the id column shows it: the visit file's id, and "" for the arrival and
    departure places, which have no id there (their keys are the planner's, in English)."""
    return "" if key is None or key in (ARRIVAL_KEY, DEPARTURE_KEY) else key


def item_row(item: Item, track: PlanTrack, zone: ZoneInfo, w: Words, plan: Plan) -> Row:
    """One item of `track` as a row; `zone` is the trip's, for wall-clock times; `plan`
    names the groups."""
    address: str | None = None
    contact: Contact | None = None
    minutes: int | None = None
    note = ""
    kind = w[item.type]
    match item:
        case StartItem() | EndItem():
            start = end = item.time
            id_, name, address = place_id(item.key), item.place, item.address
            # "Arrival (flight LH 123)", "Departure (flight LH 123 at 17:30)"
            kind = start_label(item, w) if isinstance(item, StartItem) else end_label(item, w)
        case RestItem() | CheckInItem():
            start, end = item.start, item.end
            id_, name, address = item.at, item.place, item.address
        case TravelItem():
            start, end = item.start, item.end
            id_, name, minutes = "", f"{item.from_name} → {item.to_name}", item.minutes
        case VisitItem():
            start, end = item.start, item.end
            id_, name, address, contact = item.id, item.name, item.address, item.contact
            note = "; ".join(remarks(item, w))
        case EventItem():
            start, end = item.start, item.end
            id_, name, contact = item.id, item.name, item.contact
            address = joined(item.venue, item.address)
        case LunchItem():
            start, end = item.start, item.end
            id_, name = place_id(item.at), item.place or w["lunch_on_the_way"]
        case _:
            raise TypeError(item)
    return Row(
        date=track.date,
        group=group_label(plan, track.group, w),
        start=start.astimezone(zone).time(),
        end=end.astimezone(zone).time(),
        type=kind,
        id=id_,
        name=name,
        address=address or "",
        contact=(contact.name if contact else None) or "",
        phone=(contact.phone if contact else None) or "",
        email=(contact.email if contact else None) or "",
        note=note,
        travel_minutes=minutes,
    )


def track_rows(plan: Plan, track: PlanTrack, w: Words) -> list[Row]:
    zone = ZoneInfo(plan.trip.timezone)
    return [item_row(item, track, zone, w, plan) for item in track.items]


def plan_rows(plan: Plan, w: Words) -> list[Row]:
    return [row for track in plan.tracks for row in track_rows(plan, track, w)]
