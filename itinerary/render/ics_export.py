"""The delegation's calendar (iCalendar, RFC 5545): one VEVENT per visit, event and lunch.

Times are written in the trip's time zone with a VTIMEZONE, so a calendar shows the planned
wall-clock times on both sides of a daylight-saving change. UIDs name what an entry is (host,
event, lunch of a day) and never when, so importing the calendar of a re-planned trip moves the
entries instead of adding copies. Each entry says what comes next and how long the way there
takes; with `--with-travel` every coach departure is an entry of its own too. `calendar_for`
also builds each host's own calendar (`hosts_export`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from types import UnionType
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from ..input.spec import Contact, Organiser, slug
from ..plan import (
    GROUP_ALL,
    CheckInItem,
    EndItem,
    EventItem,
    Location,
    LunchItem,
    Plan,
    PlanGroup,
    PlanTrack,
    RestItem,
    StartItem,
    TravelItem,
    VisitItem,
)
from . import RenderOptions
from .i18n import Words, clock
from .text import joined, one_line, printable

PRODID = "-//itinerary//itinerary export//EN"

TEXTS = {
    "en": {
        "ics_next_travel": "Next: {minutes} min travel to {place}",
        "ics_next_at": "Next: {what} at {time}",
        "ics_coach": "Coach: {start} → {end}",
        "ics_coach_times": "Departure {start} from {start_place}, arrival {end} at {end_place}",
    },
    "de": {
        "ics_next_travel": "Danach: {minutes} Min. Fahrt zu {place}",
        "ics_next_at": "Danach: {what} um {time}",
        "ics_coach": "Bus: {start} → {end}",
        "ics_coach_times": "Abfahrt {start} ab {start_place}, Ankunft {end} in {end_place}",
    },
    "fr": {
        "ics_next_travel": "Ensuite\u202f: {minutes} min de trajet vers {place}",
        "ics_next_at": "Ensuite\u202f: {what} à {time}",
        "ics_coach": "Car\u202f: {start} → {end}",
        "ics_coach_times": "Départ à {start} de {start_place}, arrivée à {end} à {end_place}",
    },
}

CalendarItem = VisitItem | EventItem | LunchItem

# Control characters other than tab and newline: RFC 5545 text must not contain them (and a
# mail client shows them as garbage), but icalendar writes them as they come.


@dataclass(frozen=True)
class Slot:
    """An item in its day: what comes before and after it matters to every entry."""

    track: PlanTrack
    index: int

    @property
    def item(self) -> CalendarItem:
        item = self.track.items[self.index]
        assert isinstance(item, CalendarItem)
        return item


@dataclass(frozen=True)
class Entry:
    """The content of one VEVENT. `key` says what the entry is, e.g. `visit-claas`; the UID adds
    the trip to it so two trips with the same host never overwrite each other's entries."""

    key: str
    summary: str
    start: dt.datetime
    end: dt.datetime
    location: str
    geo: Location | None
    description: str
    category: str
    # CONFIRMED for the delegation's own calendar; a host's visit is TENTATIVE until the host
    # has confirmed it; CANCELLED in a cancellation (METHOD:CANCEL).
    status: str = "CONFIRMED"
    # The revision (SEQUENCE), sent when above 0: how many times the entry was changed or
    # cancelled since it was first sent (the plan's `sequence`).
    sequence: int = 0
    # Whom a scheduling message (METHOD) is for: the host's contact, as ATTENDEE when it has
    # an e-mail address.
    attendee: Contact | None = None


def slots(plan: Plan, kind: type | UnionType = CalendarItem) -> list[Slot]:
    return [
        Slot(track, index)
        for track in plan.tracks
        for index, item in enumerate(track.items)
        if isinstance(item, kind)
    ]


def place_name(item: object) -> str:
    """What a person calls the place of an item: a host, an event, a hotel, a station."""
    if isinstance(item, StartItem | EndItem | RestItem | CheckInItem):
        return item.place
    if isinstance(item, VisitItem):
        return item.name
    if isinstance(item, EventItem):
        return item.place
    raise TypeError(item)


def contact_text(contact: Contact | None) -> str:
    """'Katrin Brandt (Head of R&D), +49 5251 000 210, k.brandt@iem.example.org'."""
    if contact is None:
        return ""
    who = joined(contact.name, contact.role and f"({contact.role})", sep=" ")
    return joined(who, contact.phone, contact.email)


def description(facts: Iterable[tuple[str, str]], w: Words) -> str:
    """One `label: value` line per fact that has a value."""
    return "\n".join(f"{label}{w['colon']}{value}" for label, value in facts if value)


def trip_key(plan: Plan) -> str:
    """What identifies the trip in every UID: its first day and name (never a time of the
    plan), so that the entries of two plans of one trip have the same UIDs."""
    return f"{plan.trip.start.isoformat()}-{slug(plan.trip.name)}"


def entry_uid(plan: Plan, key: str) -> str:
    """The UID of the entry `key` (what it is: `visit-claas`, `host-visit-claas`,
    `lunch-2016-05-24-all`) in a calendar of `plan`'s trip."""
    return f"{key}-{trip_key(plan)}@itinerary"


def _mailto(contact: Contact | Organiser | None, param_name: str | None) -> vCalAddress | None:
    """A calendar user (ORGANIZER, ATTENDEE) for a contact with an e-mail address."""
    email = (contact.email or "").strip() if contact is not None else ""
    if not email or any(c in email for c in ' \t\r\n<>"') or "@" not in email:
        return None
    address = vCalAddress(f"mailto:{email}")
    if param_name:
        address.params["cn"] = vText(one_line(param_name))
    return address


def calendar_for(
    plan: Plan,
    entries: Iterable[Entry],
    name: str | None,
    *,
    method: str | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """An iCalendar file of `entries`. `name` titles a calendar meant to be subscribed to or
    imported as a calendar of its own; a file with one host's visit has none, so that it goes
    into the host's own calendar.

    `method` makes the file a scheduling message (iTIP, RFC 5546): REQUEST (an invitation or
    an update) or CANCEL, sent by the plan's organiser (ORGANIZER, when the plan has their
    e-mail address) to the entry's `attendee`; `stamp` is then when the message was made
    (DTSTAMP), so that a later message wins over an earlier one of the same SEQUENCE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    if name is not None:
        # icalendar treats NAME and X-WR-CALNAME as unknown properties and would not escape a
        # plain str; both are TEXT (RFC 7986, and what clients expect), so pass vText.
        cal.add("name", vText(one_line(name)))
        cal.add("x-wr-calname", vText(one_line(name)))
        cal.add("x-wr-timezone", plan.trip.timezone)
    zone = ZoneInfo(plan.trip.timezone)
    # DTSTAMP is required. Without METHOD it means "last modified" (RFC 5545 3.8.7.2), which a
    # plan does not record; the clock would make every export differ, so take a value fixed by
    # the plan (midnight UTC of the trip's first day): the same plan always gives the same
    # bytes. Updates then rest on the UID, which is what clients match on when a calendar is
    # imported again or subscribed to, and on SEQUENCE where the plan counts revisions (a
    # visit's `sequence`, see plan/diff.py). A scheduling message (METHOD) is stamped when it
    # was made.
    if stamp is None or method is None:
        stamp = dt.datetime.combine(plan.trip.start, dt.time(), dt.UTC)
    organiser = plan.organiser
    organizer = _mailto(organiser, organiser.name if organiser else None)
    used: set[str] = set()
    for entry in entries:
        # A second entry with the same identity (a host visited twice) gets its own UID.
        base = printable(entry.key)
        key, n = base, 1
        while key in used:
            n += 1
            key = f"{base}#{n}"
        used.add(key)
        event = Event()
        event.add("uid", entry_uid(plan, key))
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        if entry.sequence > 0 or method is not None:
            event.add("sequence", entry.sequence)
        event.add("dtstart", entry.start.astimezone(zone))
        event.add("dtend", entry.end.astimezone(zone))
        event.add("summary", printable(entry.summary))
        if entry.location:
            event.add("location", printable(entry.location))
        if entry.geo is not None:
            event.add("geo", entry.geo)
        if entry.description:
            event.add("description", printable(entry.description))
        event.add("categories", [entry.category])
        event.add("status", entry.status)
        if method is not None:
            if organizer is not None:
                event.add("organizer", organizer)
            attendee = _mailto(entry.attendee, entry.attendee.name if entry.attendee else None)
            if attendee is not None:
                attendee.params["role"] = "REQ-PARTICIPANT"
                if method == "REQUEST" and entry.status == "CONFIRMED":
                    attendee.params["partstat"] = "ACCEPTED"  # the host has said yes
                elif method == "REQUEST":
                    attendee.params["partstat"] = "NEEDS-ACTION"
                    attendee.params["rsvp"] = "TRUE"
                event.add("attendee", attendee)
        cal.add_component(event)
    # Whole years around the trip: the offsets stay right for an entry moved within the year.
    cal.add_missing_timezones(
        first_date=dt.date(plan.trip.start.year, 1, 1),
        last_date=dt.date(plan.trip.end.year + 1, 1, 1),
    )
    for timezone in cal.timezones:
        timezone.pop("COMMENT", None)  # icalendar's English note on the years covered
    return cal.to_ical()


def _next_line(slot: Slot, zone: ZoneInfo, w: Words) -> str:
    """'Next: 25 min travel to X' or, at the same place, 'Next: Lunch at 12:00'."""
    following = slot.track.items[slot.index + 1 : slot.index + 2]
    if not following:
        return ""
    (item,) = following
    if isinstance(item, TravelItem):
        return w.fmt("ics_next_travel", minutes=item.minutes, place=item.to_name)
    if isinstance(item, LunchItem):
        return w.fmt("ics_next_at", what=w["lunch"], time=clock(item.start.astimezone(zone)))
    moment = item.time if isinstance(item, StartItem | EndItem) else item.start
    what = item.name if isinstance(item, EventItem) else place_name(item)  # the event, not where
    return w.fmt("ics_next_at", what=what, time=clock(moment.astimezone(zone)))


def group_of(plan: Plan, group: str, w: Words) -> PlanGroup:
    """The group `group` of the plan, named as people call it (a group the plan does not list,
    as in a hand-edited plan: by its id; "all": the whole delegation)."""
    found = plan.delegation.group(group)
    if found.id != group:
        return PlanGroup(id=group, name=group, size=found.size)
    return found


def delegation_entry(plan: Plan, slot: Slot, w: Words) -> Entry:
    """The delegation's view of an item: whom they meet, where, and what comes next."""
    item, track = slot.item, slot.track
    if isinstance(item, VisitItem):
        key, summary, category = f"visit-{item.id}", w["visit"] + w["colon"] + item.name, "visit"
        location = joined(item.name, item.address)
        facts = [
            (w["contact"], contact_text(item.contact)),
            (w["topics"], ", ".join(item.topics)),
            (w["language"], w.language_name(item.language)),
        ]
    elif isinstance(item, EventItem):
        key, summary, category = f"event-{item.id}", item.name, "event"
        location = joined(item.venue or item.name, item.address)
        facts = [(w["contact"], contact_text(item.contact))]
    else:
        key, summary, category = (
            f"lunch-{track.date}-{track.group}",
            w["lunch"],
            "lunch",
        )
        location = joined(item.place, track.address_of(item.at)) or w["lunch_on_the_way"]
        facts = []
    if track.group != GROUP_ALL:
        # With groups: whose entry it is, and a UID per group (two groups may visit one host,
        # and every group attends a joint event on its own track).
        key = f"{key}-{track.group}" if category != "lunch" else key
        group = group_of(plan, track.group, w)
        summary += f" ({group.name})"
        facts.insert(0, (w["group"], f"{group.name} ({w.count(group.size, 'person', 'people')})"))
    return Entry(
        key=key,
        sequence=(item.sequence or 0) if isinstance(item, VisitItem) else 0,
        summary=summary,
        start=item.start,
        end=item.end,
        location=location,
        geo=item.location,
        description=joined(
            description(facts, w), _next_line(slot, ZoneInfo(plan.trip.timezone), w), sep="\n"
        ),
        category=w[category],
    )


def travel_entry(plan: Plan, track: PlanTrack, item: TravelItem, w: Words) -> Entry:
    """A coach departure: "Coach: Hotel X → Company Y", from its departure to its arrival,
    located where the group boards."""
    zone = ZoneInfo(plan.trip.timezone)
    start, end = clock(item.start.astimezone(zone)), clock(item.end.astimezone(zone))
    times = w.fmt(
        "ics_coach_times", start=start, start_place=item.from_name, end=end, end_place=item.to_name
    )
    arrival_address = track.address_of(item.to)
    return Entry(
        key=f"travel-{track.date}-{track.group}-{item.from_}-{item.to}",
        summary=w.fmt("ics_coach", start=item.from_name, end=item.to_name)
        + ("" if track.group == GROUP_ALL else f" ({group_of(plan, track.group, w).name})"),
        start=item.start,
        end=item.end,
        location=joined(item.from_name, track.address_of(item.from_)),
        geo=None,
        description=joined(
            times,
            arrival_address and f"{w['address']}{w['colon']}{arrival_address}",
            sep="\n",
        ),
        category=w["travel"],
    )


def render(plan: Plan, options: RenderOptions) -> bytes:
    w = Words(options.language(plan), TEXTS)
    kinds = CalendarItem | TravelItem if options.with_travel else CalendarItem
    entries = [
        travel_entry(plan, slot.track, item, w)
        if isinstance(item := slot.track.items[slot.index], TravelItem)
        else delegation_entry(plan, slot, w)
        for slot in slots(plan, kinds)
    ]
    return calendar_for(plan, entries, plan.trip.name)
