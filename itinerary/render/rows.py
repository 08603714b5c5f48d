"""The plan as one flat table, one row per item, shared by the `csv` and `xlsx` exports.

Cells keep their types (dates, local times, integer minutes) so each format writes them in its
own way; text is kept as the plan has it and made inert for spreadsheets by `neutralise_formula`
when it is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple, dataclass
from zoneinfo import ZoneInfo

from ..input.spec import Contact
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
    "travel_min",
)

# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage return can
# hide the sign that follows them); OWASP "CSV Injection" advises a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | dt.date | dt.time | None


def neutralise_formula(text: str) -> str:
    """`=HYPERLINK(…)` -> `'=HYPERLINK(…)`, so a spreadsheet shows it instead of running it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Row:
    date: dt.date
    group: str
    start: dt.time  # local wall-clock time, no zone
    end: dt.time
    type: str  # localised word: Visit, Besuch, Visite, …
    id: str
    name: str
    address: str
    contact: str
    phone: str
    email: str
    travel_minutes: int | None  # travel rows only

    def cells(self) -> tuple[Cell, ...]:
        """The values in `COLUMNS` order."""
        return astuple(self)


def headers(w: Words) -> list[str]:
    return [w[key] for key in COLUMNS]


def item_row(item: Item, track: PlanTrack, zone: ZoneInfo, w: Words) -> Row:
    """One item of `track` as a row; `zone` is the trip's, for wall-clock times."""
    address: str | None = None
    contact: Contact | None = None
    minutes: int | None = None
    kind = w[item.type]
    match item:
        case StartItem() | EndItem():
            start = end = item.time
            id_, name, address = item.key, item.place, item.address
            # "Arrival (flight LH 123)", "Departure (flight LH 123 at 17:30)"
            kind = start_label(item, w) if isinstance(item, StartItem) else end_label(item, w)
        case RestItem() | CheckInItem():
            start, end = item.start, item.end
            id_, name, address = item.at, item.place, item.address
        case TravelItem():
            start, end = item.start, item.end
            id_, name, minutes = "", f"{item.from_name} → {item.to_name}", item.minutes
        case VisitItem() | EventItem():
            start, end = item.start, item.end
            id_, name, address, contact = item.id, item.name, item.address, item.contact
        case LunchItem():
            start, end = item.start, item.end
            id_, name = item.at or "", item.place or w["lunch_on_the_way"]
        case _:
            raise TypeError(item)
    return Row(
        date=track.date,
        group=track.group,
        start=start.astimezone(zone).time(),
        end=end.astimezone(zone).time(),
        type=kind,
        id=id_,
        name=name,
        address=address or "",
        contact=(contact.name if contact else None) or "",
        phone=(contact.phone if contact else None) or "",
        email=(contact.email if contact else None) or "",
        travel_minutes=minutes,
    )


def track_rows(plan: Plan, track: PlanTrack, w: Words) -> list[Row]:
    zone = ZoneInfo(plan.trip.timezone)
    return [item_row(item, track, zone, w) for item in track.items]


def plan_rows(plan: Plan, w: Words) -> list[Row]:
    return [row for track in plan.tracks for row in track_rows(plan, track, w)]
