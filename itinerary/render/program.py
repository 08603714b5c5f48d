"""The programme as the printed formats show it, computed once from a Plan.

`html` and `md` both render this view, so they always say the same thing: the cover facts, one
`Day` per track with its table rows, its map stops and its path, a summary, and the hosts left
out (for the organiser only). Everything here is data: strings stay unescaped user text, and
each renderer escapes for its own syntax.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from ..input.spec import Contact, Language
from ..plan import (
    GROUP_ALL,
    CheckInItem,
    EndItem,
    EventItem,
    LunchItem,
    Plan,
    PlanTrack,
    RestItem,
    StartItem,
    TravelItem,
    Unscheduled,
    VisitItem,
)
from . import RenderOptions
from .i18n import Words, clock, clock_range, end_label, start_label
from .terminal import group_label, host_counts, score_line, travel_proof

Kind = Literal["start", "travel", "visit", "lunch", "event", "rest", "check_in", "end"]
StopKind = Literal["base", "visit", "event"]

TEXTS = {
    "en": {
        # A label and its value; French puts a (no-break) space before the colon.
        "fact": "{label}: {value}",
        "copy_organiser": "Organiser's copy, with the hosts not in the programme",
        "copy_delegation": "Copy for the delegation",
        "map_caption": (
            "Straight lines between the stops in visit order; the travel times in the table "
            "allow for detours."
        ),
        "map_caption_roads": "The roads between the stops in visit order, as the times were "
        "planned.",
        "day_travel": "{duration} of travel",
        "group_one": "group",
        "group_other": "groups",
    },
    "de": {
        "fact": "{label}: {value}",
        "copy_organiser": "Exemplar für die Organisatoren, mit den nicht eingeplanten Gastgebern",
        "copy_delegation": "Exemplar für die Delegation",
        "map_caption": (
            "Luftlinien zwischen den Stationen in Besuchsreihenfolge; die Fahrzeiten in der "
            "Tabelle berücksichtigen Umwege."
        ),
        "map_caption_roads": "Die Straßen zwischen den Stationen in Besuchsreihenfolge, wie "
        "die Fahrzeiten geplant sind.",
        "day_travel": "{duration} Fahrzeit",
        "group_one": "Gruppe",
        "group_other": "Gruppen",
    },
    "fr": {
        "fact": "{label}\u00a0: {value}",
        "copy_organiser": "Exemplaire des organisateurs, avec les hôtes hors programme",
        "copy_delegation": "Exemplaire de la délégation",
        "map_caption": (
            "Lignes droites entre les étapes dans l'ordre des visites ; les temps de trajet du "
            "tableau tiennent compte des détours."
        ),
        "map_caption_roads": "Les routes entre les étapes dans l'ordre des visites, telles "
        "que les temps de trajet ont été planifiés.",
        "day_travel": "{duration} de trajet",
        "group_one": "groupe",
        "group_other": "groupes",
    },
}


@dataclass(frozen=True)
class Row:
    """One line of a day's table. `title` is the host or event name (empty for the other kinds);
    `place` and `address` say where; `marker` is the stop's number on the map ("" if none)."""

    kind: Kind
    start: dt.datetime
    end: dt.datetime
    time: str
    label: str
    title: str = ""
    place: str = ""
    address: str = ""
    contact: Contact | None = None
    travel_minutes: int | None = None
    must: bool = False
    # The host has confirmed the visit (the plan's `confirmed`): shown to everyone.
    confirmed: bool = False
    marker: str = ""
    # The organiser's remarks on a visit: "German: interpreter needed", the host's `notes`.
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stop:
    """A place on the day's map: the start or end place ("base") or a numbered visit or event."""

    kind: StopKind
    marker: str
    name: str
    location: tuple[float, float]


@dataclass(frozen=True)
class Day:
    """One track of the plan: the whole delegation's day, or one group's on a date the
    groups split (then several `Day`s share a date and a number; `Programme.by_date`)."""

    number: int  # of the date in the trip: the groups of one date share it
    date: dt.date
    heading: str  # "Day 2 — Tuesday, 24 May 2016" (+ " — Plastics processing (8 people)")
    long_date: str
    start: dt.datetime
    end: dt.datetime
    rows: tuple[Row, ...]
    stops: tuple[Stop, ...]
    path: tuple[int, ...]  # indices into `stops`, in the order the day goes
    notes: tuple[str, ...]
    travel_minutes: int
    # The road geometry of the day's legs, by (from, to) location, for plans made with road
    # times (plan format 1.3); empty otherwise: the map then joins the stops by straight lines.
    routes: dict[
        tuple[tuple[float, float], tuple[float, float]], tuple[tuple[float, float], ...]
    ] = field(default_factory=dict)
    # The group whose day this is (its id; "all": the whole delegation), its name and its
    # size in words ("8 people"); both "" for the whole delegation.
    group: str = GROUP_ALL
    group_name: str = ""
    group_size: str = ""
    date_heading: str = ""  # "Day 2 — Tuesday, 24 May 2016": the heading without the group

    def bars(self) -> tuple[Row, ...]:
        """The rows that take time: what the timeline draws."""
        return tuple(r for r in self.rows if r.kind not in ("start", "end"))

    def visit_titles(self) -> tuple[str, ...]:
        return tuple(r.title for r in self.rows if r.kind in ("visit", "event"))


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class LeftOut:
    name: str
    priority: str
    reason: str
    required: bool


@dataclass(frozen=True)
class MatchSheet:
    """A matchmaking event: the slot × table grid and the meetings needing an interpreter."""

    title: str
    when: str
    tables: tuple[str, ...]
    # Per slot: its time, and per table the meeting there ("Jordi Puig – Jens Krause") or "".
    grid: tuple[tuple[str, tuple[str, ...]], ...]
    # (time, table, participant, participant) of each meeting needing an interpreter.
    interpreted: tuple[tuple[str, str, str, str], ...]
    summary: str


@dataclass(frozen=True)
class Programme:
    words: Words
    lang: str
    title: str
    dates: str
    timezone: str
    copy_note: str
    delegation: tuple[Fact, ...]
    contact: Contact | None
    organiser: tuple[str, ...]  # name (role), organisation, phone, e-mail: who runs the trip
    days: tuple[Day, ...]
    summary: tuple[Fact, ...]
    unscheduled: tuple[LeftOut, ...] | None  # None: not shown to this audience
    matchmaking: tuple[MatchSheet, ...] = ()

    def by_date(self) -> list[tuple[Day, ...]]:
        """The days by date, in order: one `Day` on a date the delegation is together, one
        per group (in the order of the plan's groups) on a date it splits."""
        by_date: dict[dt.date, list[Day]] = {}
        for day in self.days:
            by_date.setdefault(day.date, []).append(day)
        return [tuple(days) for days in by_date.values()]


def build(plan: Plan, options: RenderOptions) -> Programme:
    lang = options.language(plan)
    w = Words(lang, TEXTS)
    organiser = options.audience == "organiser"
    d = plan.delegation
    delegation = [Fact(w["delegation"], d.name)]
    if d.organisation:
        delegation.append(Fact(w["organisation"], d.organisation))
    delegation.append(Fact(w["group_size"], w.count(d.size, "person", "people")))
    if d.groups:
        named = [f"{g.name} ({w.count(g.size, 'person', 'people')})" for g in d.groups]
        delegation.append(Fact(w["groups"], "\n".join(named)))
    # A date is one day of the programme, however many groups tour on it.
    numbers = {date: n for n, date in enumerate(dict.fromkeys(t.date for t in plan.tracks), 1)}
    return Programme(
        words=w,
        lang=lang,
        title=plan.trip.name,
        dates=w.date_range(plan.trip.start, plan.trip.end),
        timezone=plan.trip.timezone,
        copy_note=w["copy_organiser"] if organiser else w["copy_delegation"],
        delegation=tuple(delegation),
        contact=d.contact,
        organiser=organiser_parts(plan),
        days=tuple(_day(numbers[track.date], track, w, organiser, plan) for track in plan.tracks),
        summary=_summary(plan, w, organiser),
        unscheduled=tuple(_left_out(plan, w)) if organiser else None,
        matchmaking=tuple(match_sheet(plan, e, lang) for e in plan.matchmaking_events()),
    )


def match_sheet(plan: Plan, event: EventItem, lang: Language) -> MatchSheet:
    """An event's meetings as a grid: a row per slot, a column per table."""
    from zoneinfo import ZoneInfo

    from .meetings import people, person_text, summary, table_name, words

    info = event.matchmaking
    assert info is not None
    mw = words(lang)
    zone = ZoneInfo(plan.trip.timezone)
    who = people(info)
    at = {(m.start, m.table): m for m in event.meetings or []}

    def name(pid: str) -> str:
        return person_text(who.get(pid), pid)

    grid = []
    for slot in info.slots:
        cells = []
        for table in info.tables:
            m = at.get((slot.start, table.id))
            cells.append(" – ".join(name(p) for p in m.with_) if m else "")
        span = clock_range(slot.start.astimezone(zone), slot.end.astimezone(zone))
        grid.append((span, tuple(cells)))
    interpreted = tuple(
        (
            clock_range(m.start.astimezone(zone), m.end.astimezone(zone)),
            table_name(info, m.table, mw),
            name(m.with_[0]),
            name(m.with_[1]),
        )
        for m in sorted(event.meetings or [], key=lambda m: m.start)
        if m.interpreter
    )
    start = event.start.astimezone(zone)
    return MatchSheet(
        title=mw.fmt("meetings_of", event=event.name),
        when=f"{mw.long_date(start.date())}, {clock_range(start, event.end.astimezone(zone))}",
        tables=tuple(table_name(info, t.id, mw) for t in info.tables),
        grid=tuple(grid),
        interpreted=interpreted,
        summary=summary(event, mw),
    )


def duration(minutes: int, w: Words) -> str:
    """'45 min', '11 h 31' — the same shape in the three languages, the unit from the labels."""
    if minutes < 60:
        return f"{minutes} {w['minutes']}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}"


def priority_text(priority: int | str | None, w: Words) -> str:
    if priority == "must":
        return w["must"]
    return "" if priority is None else str(priority)


def contact_name(contact: Contact) -> str:
    """'Katrin Brandt, Head of R&D': name and role, whichever are given."""
    return ", ".join(p for p in (contact.name, contact.role) if p)


def contact_parts(contact: Contact | None) -> tuple[str, ...]:
    """Name (and role), phone, e-mail: the non-empty ones, in that order."""
    if contact is None:
        return ()
    return tuple(p for p in (contact_name(contact), contact.phone, contact.email) if p)


def organiser_parts(plan: Plan) -> tuple[str, ...]:
    """'Anna Schmidt (International projects)', organisation, phone, e-mail: those given."""
    o = plan.organiser
    if o is None:
        return ()
    name = f"{o.name} ({o.role})" if o.role else o.name
    return tuple(p for p in (name, o.organisation, o.phone, o.email) if p)


def remarks(item: VisitItem, w: Words) -> tuple[str, ...]:
    """What the organiser must know of a visit and the host must not read in the programme:
    an interpreter to bring, the organiser's own notes on the host."""
    found = []
    if item.interpreter:
        text = w.fmt("interpreter", language=w.language_name(item.held_in))
        found.append(text[:1].upper() + text[1:])  # "Français : …" starts the line
    if item.notes and item.notes.strip():
        found.append(f"{w['note']}{w['colon']}{item.notes.strip()}")
    return tuple(found)


def _summary(plan: Plan, w: Words, organiser: bool) -> tuple[Fact, ...]:
    travel = f"{duration(plan.travel_minutes, w)} ({plan.travel_minutes} {w['minutes']})"
    scheduled, left = host_counts(plan)
    visits = Fact(w["hosts_scheduled"], str(scheduled))
    if not organiser:
        # The delegation sees its own programme, not how it compares with what was asked for.
        return (visits, Fact(w["total_travel"], travel))
    return (
        Fact(w["status"], w[plan.status]),
        visits,
        Fact(w["hosts_unscheduled"], str(left)),
        Fact(w["score"], score_line(plan, w)),
        Fact(w["total_travel"], travel + travel_proof(plan, w, lambda m: duration(m, w))),
    )


def _left_out(plan: Plan, w: Words) -> list[LeftOut]:
    def group(u: Unscheduled) -> str:
        """' (Plastics processing)': the group that leaves it out (plans with groups)."""
        if u.group is None or u.group == GROUP_ALL:
            return ""
        return f" ({group_label(plan, u.group, w)})"

    return [
        LeftOut(
            name=u.name + group(u),
            priority=w["event"] if u.kind == "event" else priority_text(u.priority, w),
            reason=w.reason(u),
            required=u.required,
        )
        for u in plan.unscheduled
    ]


def _day(number: int, track: PlanTrack, w: Words, organiser: bool, plan: Plan) -> Day:
    rows: list[Row] = []
    stops: list[Stop] = []
    path: list[int] = []
    numbered = 0  # stops with a number: visits and events so far
    bases: dict[tuple[str, tuple[float, float]], int] = {}  # (name, location) -> stop index
    addresses = track.addresses()  # for the lunches, looked up once for the day
    routes = _routes(track)

    def visit_stop(kind: StopKind, name: str, location: tuple[float, float]) -> str:
        nonlocal numbered
        numbered += 1
        marker = str(numbered)
        stops.append(Stop(kind, marker, name, location))
        path.append(len(stops) - 1)
        return marker

    def base_stop(name: str, location: tuple[float, float], again: bool = True) -> None:
        # The day often ends where it began (the hotel): one marker for both. `again`: the
        # path goes there even when it is there already.
        index = bases.setdefault((name, location), len(stops))
        if index == len(stops):
            stops.append(Stop("base", "", name, location))
        if again or not path or path[-1] != index:
            path.append(index)

    for item in track.items:
        if isinstance(item, StartItem | EndItem):
            base_stop(item.place, item.location)
            rows.append(
                Row(
                    kind=item.type,
                    start=item.time,
                    end=item.time,
                    time=clock(item.time, track.date),
                    label=start_label(item, w)
                    if isinstance(item, StartItem)
                    else end_label(item, w),
                    place=item.place,
                    address=item.address or "",
                )
            )
        elif isinstance(item, TravelItem):
            rows.append(
                Row(
                    kind="travel",
                    start=item.start,
                    end=item.end,
                    time=clock_range(item.start, item.end, track.date),
                    label=w["travel"],
                    place=f"{item.from_name} → {item.to_name}",
                    travel_minutes=item.minutes,
                )
            )
        elif isinstance(item, VisitItem | EventItem):
            kind: Literal["visit", "event"] = "visit" if isinstance(item, VisitItem) else "event"
            rows.append(
                Row(
                    kind=kind,
                    start=item.start,
                    end=item.end,
                    time=clock_range(item.start, item.end, track.date),
                    label=w[kind],
                    title=item.name,
                    place=(item.venue if isinstance(item, EventItem) else None) or "",
                    address=item.address or "",
                    contact=item.contact,
                    # Priorities are the organiser's business, not the delegation's.
                    must=organiser and isinstance(item, VisitItem) and item.priority == "must",
                    confirmed=isinstance(item, VisitItem) and bool(item.confirmed),
                    marker=visit_stop(kind, item.name, item.location),
                    remarks=remarks(item, w) if organiser and isinstance(item, VisitItem) else (),
                )
            )
        elif isinstance(item, RestItem | CheckInItem):
            # The hotel the group rests at or checks in to is on the day's map and path.
            base_stop(item.place, item.location, again=False)
            rows.append(
                Row(
                    kind=item.type,
                    start=item.start,
                    end=item.end,
                    time=clock_range(item.start, item.end, track.date),
                    label=w[item.type],
                    place=item.place,
                    address=item.address or "",
                )
            )
        elif isinstance(item, LunchItem):
            rows.append(
                Row(
                    kind="lunch",
                    start=item.start,
                    end=item.end,
                    time=clock_range(item.start, item.end, track.date),
                    label=w["lunch"],
                    place=item.place if item.place is not None else w["lunch_on_the_way"],
                    # (An event without a venue is named by its address: not twice.)
                    address=_other((addresses.get(item.at) if item.at else None), item.place),
                )
            )
    long_date = w.day_title(track)  # with the public holiday, when the day is one
    heading = date_heading = f"{w['day']} {number} — {long_date}"
    name = size = ""
    if track.group != GROUP_ALL:
        group = plan.delegation.group(track.group)
        # A group the plan does not list (a hand-edited plan) is named by its id.
        name = group_label(plan, track.group, w)
        size = w.count(group.size, "person", "people") if group.id == track.group else ""
        heading += f" — {name}" + (f" ({size})" if size else "")
    travel = sum(r.travel_minutes or 0 for r in rows)
    # A planned day always has a start and an end; a hand-edited plan may not, and still prints.
    start = rows[0].start if rows else dt.datetime.combine(track.date, dt.time())
    return Day(
        number=number,
        date=track.date,
        heading=heading,
        long_date=long_date,
        start=start,
        end=rows[-1].end if rows else start,
        rows=tuple(rows),
        stops=tuple(stops),
        path=tuple(path),
        notes=tuple(track.notes),
        travel_minutes=travel,
        routes=routes,
        group=track.group,
        group_name=name,
        group_size=size,
        date_heading=date_heading,
    )


def _routes(
    track: PlanTrack,
) -> dict[tuple[tuple[float, float], tuple[float, float]], tuple[tuple[float, float], ...]]:
    """The road geometry of each travel item of the day that has one, by the locations of the
    places it leaves and reaches (as the day's items give them)."""
    if not any(isinstance(i, TravelItem) and i.route for i in track.items):
        return {}
    where: dict[str, tuple[float, float]] = {}
    for item in track.items:
        if isinstance(item, StartItem | EndItem):
            where.setdefault(item.key, item.location)
        elif isinstance(item, VisitItem | EventItem):
            where.setdefault(item.id, item.location)
        elif isinstance(item, RestItem | CheckInItem):
            where.setdefault(item.at, item.location)
    found = {}
    for item in track.items:
        if isinstance(item, TravelItem) and item.route and item.from_ in where and item.to in where:
            found[(where[item.from_], where[item.to])] = tuple(
                (lat, lon) for lat, lon in item.route
            )
    return found


def _other(address: str | None, place: str | None) -> str:
    return "" if not address or address == place else address


__all__ = [
    "TEXTS",
    "Day",
    "Fact",
    "LeftOut",
    "Programme",
    "Row",
    "Stop",
    "build",
    "contact_name",
    "contact_parts",
    "duration",
    "organiser_parts",
    "priority_text",
    "remarks",
]
