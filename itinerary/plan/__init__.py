"""The Plan: dated items per track, unscheduled hosts with reasons; JSON form `itinerary-plan/1`
(1.1 when it lists unmet must choices, 1.2 when it uses a key of 1.2: a public holiday, the
host letters' facts, rests at the hotel, check-ins, the arrival's and departure's details; 1.3
when a travel item carries its road geometry, `route`, from a plan made with road times, a visit
or an unscheduled host its revision count, `sequence`, a visit its host's `confirmed`, or an
event matchmaking meetings).

A Plan is what gets reviewed and exported; exports read it back and never solve again, so it
carries what they need (addresses, contacts, languages, the delegation).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ..input.spec import Contact, Language, Organiser, check_timezone
from ..input.spec import Location as Location
from .meetings import Matchmaking, Meeting, Unmatched

FORMAT: Final = "itinerary-plan/1"
# Format 1 gains keys in minor versions; a plan is written with the lowest version that has
# every key it uses, so plans without the newer keys stay byte for byte as before. Every reader
# of format 1 reads any 1.x (a key it does not know is ignored with a warning).
FORMAT_1_1: Final = "itinerary-plan/1.1"  # adds `unmet_choices`
# Adds the host letters' and the organiser's facts: `organiser`, `delegation.languages`, a
# visit's `message`, `notes`, `visit_language`, `interpreter`, an event's `venue`, a contact's
# `salutation`; and a track's `holiday`.
# and `rest` and `check_in` items, `note` / `departs` on start and end items, and
# `hotel_travel_minutes`.
FORMAT_1_2: Final = "itinerary-plan/1.2"
# Adds `sequence` on a visit and on an unscheduled host: how many times the host has been sent
# a changed or cancelled visit (the iCalendar SEQUENCE of their entry), kept only when > 0;
# a travel item's `route`: the road geometry of the leg, [lat, lon] points from OSRM, when the
# plan was made with road times (trip.travel.roads or osrm_url);
# an event item's `meetings`, `unmatched` and `matchmaking` (B2B matchmaking); and what a
# re-planned plan (`itinerary plan --previous`) says about the plan it replaces: `changes`,
# `changes_bound`, `changes_optimal`.
FORMAT_1_3: Final = "itinerary-plan/1.3"
_KEYS_1_3: Final = ("changes", "changes_bound", "changes_optimal")
# Adds sub-groups (`groups` in the visit file): the delegation's `groups` and `members` (with
# their group), a track's `group` naming one of them on a date the groups split ("all" on a
# together date), an unscheduled host's `group` (the group that does not visit it).
FORMAT_1_4: Final = "itinerary-plan/1.4"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# Every time carries its UTC offset: a time without one would be read as UTC by one export and
# as local time by another. A location is a real [lat, lon] pair (no NaN), as in visit.yaml.
Moment = AwareDatetime


class _AtPlace(_Model):
    """Where and when a day begins or ends; `key` is the place id (stay id, arrival, …)."""

    place: str
    key: str
    location: Location
    address: str | None = None
    time: Moment


class StartItem(_AtPlace):
    """On the arrival day (`key` "arrival"), `time` is the landing (or the train's arrival):
    the coach leaves `arrival.minutes` later, with the first travel item."""

    type: Literal["start"] = "start"
    note: str | None = None  # the arrival's note, e.g. "flight LH 123" (format 1.2)


class EndItem(_AtPlace):
    """On the departure day (`key` "departure"), `time` is when the group reaches the
    departure place and `departs` the flight's (or train's) time."""

    type: Literal["end"] = "end"
    note: str | None = None  # the departure's note (format 1.2)
    departs: Moment | None = None  # format 1.2


class _AtStay(_Model):
    """Time the group spends at a hotel of the trip: `at` is the stay's key, `place` its name."""

    start: Moment
    end: Moment
    at: str
    place: str
    location: Location
    address: str | None = None


class RestItem(_AtStay):
    """The group rests at the hotel instead of waiting on site (format 1.2)."""

    type: Literal["rest"] = "rest"


class CheckInItem(_AtStay):
    """The first arrival at a new hotel: check-in and luggage (`stays[].check_in_minutes`)."""

    type: Literal["check_in"] = "check_in"


class TravelItem(_Model):
    type: Literal["travel"] = "travel"
    start: Moment
    end: Moment
    from_: str = Field(alias="from")
    to: str
    from_name: str
    to_name: str
    minutes: int
    # The road the leg takes, from the place left to the place reached (format 1.3); absent
    # without road times, or where OSRM gave none (the map then draws a straight line).
    route: list[Location] | None = None


class VisitItem(_Model):
    type: Literal["visit"] = "visit"
    id: str
    name: str
    address: str | None = None
    location: Location
    start: Moment
    end: Moment
    priority: int | Literal["must"]
    contact: Contact | None = None
    language: Language  # the host's: its letter is written in it
    topics: list[str] = Field(default_factory=list)
    message: str | None = None  # for the host's letter
    notes: str | None = None  # the organiser's, never shown to the host
    # The language the visit is held in when it differs from `language` (one the delegation
    # speaks); `interpreter`: the delegation speaks neither (absent: not needed, or not known).
    visit_language: str | None = None
    interpreter: bool | None = None
    # The revision of this visit as sent to the host (iCalendar SEQUENCE; format 1.3), raised
    # by `plan.diff.carry_sequences` each time the visit changes; absent: 0, never changed.
    sequence: int | None = Field(None, ge=1)
    # The host has confirmed this visit (`hosts[].confirmed` in the visit file; format 1.3):
    # its letters and calendar entries say CONFIRMED, not TENTATIVE. Written only when true.
    confirmed: bool | None = None

    @field_validator("confirmed")
    @classmethod
    def _none_unless_true(cls, confirmed: bool | None) -> bool | None:
        return True if confirmed else None

    @property
    def held_in(self) -> str:
        """The language the visit is held in."""
        return self.visit_language or self.language


class LunchItem(_Model):
    type: Literal["lunch"] = "lunch"
    start: Moment
    end: Moment
    at: str | None = None  # place key; None = on the way
    place: str | None = None
    location: Location | None = None


class EventItem(_Model):
    type: Literal["event"] = "event"
    id: str
    name: str
    venue: str | None = None
    address: str | None = None
    location: Location
    start: Moment
    end: Moment
    lunch: bool = False
    contact: Contact | None = None
    # A matchmaking event's one-to-one meetings, the requests left out and what the schedules
    # are printed from (format 1.3).
    meetings: list[Meeting] | None = None
    unmatched: list[Unmatched] | None = None
    matchmaking: Matchmaking | None = None

    @property
    def place(self) -> str:
        """Where the event is, as travel rows name it (see `spec.Event.place`)."""
        return self.venue or self.address or self.name


Item = Annotated[
    StartItem | TravelItem | VisitItem | LunchItem | EventItem | RestItem | CheckInItem | EndItem,
    Field(discriminator="type"),
]


# A track's `group` on a together date, and in a plan without groups.
GROUP_ALL: Final = "all"


class PlanTrack(_Model):
    date: dt.date
    group: str  # a group id of `delegation.groups`, or "all": the whole delegation
    items: list[Item]
    notes: list[str] = Field(default_factory=list)
    # The trip's public holiday that day (format 1.2), by language, for the day headings:
    # {"en": "Corpus Christi", "de": "Fronleichnam", "fr": "Fronleichnam"} (the country's own
    # name where the `holidays` package has no translation); absent on other days.
    holiday: dict[Language, str] | None = None

    def holiday_in(self, lang: Language) -> str | None:
        """The holiday's name in `lang` (a plan may lack a language: then the first given)."""
        if not self.holiday:
            return None
        return self.holiday.get(lang) or next(iter(self.holiday.values()))

    @field_validator("holiday")
    @classmethod
    def _none_if_empty(cls, holiday: dict[Language, str] | None) -> dict[Language, str] | None:
        return holiday or None

    def address_of(self, key: str | None) -> str | None:
        """The address of place `key` (a lunch's `at`), as the day's visit, event or stay has it."""
        return self.addresses().get(key) if key is not None else None

    def addresses(self) -> dict[str, str | None]:
        """Every place key of the day (visit and event ids, stay keys) with its address, as the
        first item with that key has it: for renderers that look up many lunches at once."""
        found: dict[str, str | None] = {}
        for item in self.items:
            if isinstance(item, VisitItem | EventItem):
                found.setdefault(item.id, item.address)
            elif isinstance(item, StartItem | EndItem):
                found.setdefault(item.key, item.address)
        return found


class Cause(_Model):
    """Why something is unscheduled, as a code and its values, so every export can word it in
    its own language (`itinerary.plan.reasons`); `Unscheduled.reason` holds the English words.
    The values name things for people (names) and for programs (ids, ISO dates, minutes); a
    newer version adds codes and values, never changes the shape of an existing one."""

    code: str
    args: dict[str, str | int | list[list[str]]] = Field(default_factory=dict)


class Unscheduled(_Model):
    id: str
    name: str
    kind: Literal["host", "event"] = "host"
    priority: int | Literal["must"] | None = None
    reason: str
    cause: Cause | None = None  # absent in plans written before causes were recorded
    # A host whose visit was cancelled keeps the revision of its last letter (format 1.3), so
    # that a later invitation counts on from it.
    sequence: int | None = Field(None, ge=1)
    # With groups (format 1.4): the group that does not visit it (or attend the event); a host
    # several groups may visit has an entry for each group that leaves it out.
    group: str | None = None

    @property
    def required(self) -> bool:
        """A must-visit or an event: the plan is partial without it."""
        return self.kind == "event" or self.priority == "must"


class UnmetChoice(_Model):
    """A `must` choice of the visit file none of whose hosts is in the plan: the plan is
    incomplete without one of them (why each is left out is in `unscheduled`)."""

    one_of: list[str]  # host ids, as in the visit file
    names: list[str]


class PlanTrip(_Model):
    name: str
    timezone: Annotated[str, AfterValidator(check_timezone)]
    start: dt.date
    end: dt.date
    language: Language


class PlanGroup(_Model):
    """A group of the delegation that tours on its own on the dates it splits (format 1.4)."""

    id: str
    name: str
    size: int = Field(ge=1)
    interests: list[str] = Field(default_factory=list)


class PlanMember(_Model):
    """A member of the delegation and the group they travel with (format 1.4), so that the
    members' programmes and the visitor lists need no visit file."""

    id: str
    name: str
    group: str
    organisation: str | None = None
    email: str | None = None
    language: str | None = None


class PlanDelegation(_Model):
    name: str
    size: int
    organisation: str | None = None
    contact: Contact | None = None
    languages: list[str] | None = None
    # Format 1.4, only when the visit file has `groups`: the groups and the members by group.
    groups: list[PlanGroup] | None = None
    members: list[PlanMember] | None = None

    def group(self, group: str) -> PlanGroup:
        """The group `group`; "all" (a together date, or no groups): the whole delegation."""
        for g in self.groups or ():
            if g.id == group:
                return g
        return PlanGroup(id=GROUP_ALL, name=self.name, size=self.size)

    def members_of(self, group: str) -> list[PlanMember]:
        """The members who attend what group `group` does ("all": every member)."""
        return [m for m in self.members or () if group == GROUP_ALL or m.group == group]


class SolverInfo(_Model):
    solutions: int
    stopped_by: str
    solution_limit: int | None = None
    time_limit: float | None = None


class Plan(_Model):
    format: Literal[
        "itinerary-plan/1",
        "itinerary-plan/1.1",
        "itinerary-plan/1.2",
        "itinerary-plan/1.3",
        "itinerary-plan/1.4",
    ] = FORMAT
    trip: PlanTrip
    delegation: PlanDelegation
    organiser: Organiser | None = None
    status: Literal["complete", "partial"]
    score: int
    max_score: int
    travel_minutes: int
    # A proven upper bound on `score` (CP-SAT); absent when no bound was computed (the problem
    # is too large, or bounds were switched off). `optimal`: the score meets it and the travel
    # is proven shortest too. `travel_bound`: a proven lower bound on the travel minutes of any
    # plan with this score (present only when the score is proven); `travel_optimal`: the plan
    # meets it.
    bound: int | None = None
    optimal: bool | None = None
    travel_bound: int | None = None
    travel_optimal: bool | None = None
    # Of `travel_minutes`, what the trips to rest or check in at a hotel in the middle of a day
    # add to the route (format 1.2); absent when none. The proof is about the route:
    # `travel_optimal` compares `travel_minutes - hotel_travel_minutes` with `travel_bound`.
    hotel_travel_minutes: int | None = None
    tracks: list[PlanTrack]
    unscheduled: list[Unscheduled]
    solver: SolverInfo | None = None
    # Must choices left unmet (format 1.1); absent when there are none.
    unmet_choices: list[UnmetChoice] | None = None
    # Re-planned against a previous plan (`plan --previous`, format 1.3; absent otherwise): how
    # many of its visits this plan moves (another date or start) or drops; `changes_bound`: no
    # plan that attends every event and confirmed visit changes fewer (absent when not proven);
    # `changes_optimal`: `changes` meets it ("fewest changes, proven").
    changes: int | None = None
    changes_bound: int | None = None
    changes_optimal: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _lowest_format(cls, data: Any) -> Any:
        """The format is the lowest version with every key the plan uses (see FORMAT_1_1,
        FORMAT_1_2, FORMAT_1_3); an empty `unmet_choices` is none."""
        if isinstance(data, dict):
            unmet = data.get("unmet_choices") or None
            tracks = data.get("tracks")
            holiday = isinstance(tracks, list) and any(
                (t.get("holiday") if isinstance(t, dict) else getattr(t, "holiday", None))
                for t in tracks
            )
            if _field(data.get("delegation"), "groups"):
                fmt = FORMAT_1_4
            elif _uses_1_3(data):
                fmt = FORMAT_1_3
            elif holiday or _uses_1_2(data):
                fmt = FORMAT_1_2
            else:
                fmt = FORMAT_1_1 if unmet else FORMAT
            data = {**data, "unmet_choices": unmet, "format": fmt}
        return data

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2, exclude_none=True) + "\n"

    @staticmethod
    def from_json(text: str | bytes) -> Plan:
        return Plan.model_validate_json(text)

    def missing_required(self) -> list[Unscheduled]:
        return [u for u in self.unscheduled if u.required]

    def unmet(self) -> list[UnmetChoice]:
        """The must choices none of whose hosts is in the plan."""
        return list(self.unmet_choices or ())

    def visits(self) -> list[VisitItem]:
        return [i for t in self.tracks for i in t.items if isinstance(i, VisitItem)]

    @property
    def split(self) -> bool:
        """Whether the delegation has groups (format 1.4)."""
        return bool(self.delegation.groups)

    def matchmaking_events(self) -> list[EventItem]:
        """The event items with matchmaking meetings, in the order of the programme; an event
        several groups attend (an item on each group's track) once."""
        found: dict[tuple[str, dt.datetime], EventItem] = {}
        for t in self.tracks:
            for i in t.items:
                if isinstance(i, EventItem) and i.matchmaking is not None:
                    found.setdefault((i.id, i.start), i)
        return list(found.values())


_KEYS_1_2: Final = {
    "visit": ("message", "notes", "visit_language", "interpreter"),
    "event": ("venue",),
}


def _field(value: Any, key: str) -> Any:
    """`value[key]` or `value.key`: the data before validation holds dicts or models (or, in a
    damaged file, anything: then None, and validation says what is wrong)."""
    if isinstance(value, dict):
        return value.get(key)
    return getattr(value, key, None) if isinstance(value, BaseModel) else None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _uses_1_2_letters(data: dict[str, Any]) -> bool:
    """Whether the plan data holds a key of format 1.2 with a value."""
    if data.get("organiser") is not None or _field(data.get("delegation"), "languages"):
        return True
    contacts = [_field(data.get("delegation"), "contact")]
    for track in _items(data.get("tracks")):
        for item in _items(_field(track, "items")):
            kind = _field(item, "type")
            keys = _KEYS_1_2.get(kind, ()) if isinstance(kind, str) else ()
            if any(_field(item, key) is not None for key in keys):
                return True
            contacts.append(_field(item, "contact"))
    return any(_field(c, "salutation") for c in contacts)


def _uses_1_2_stays(data: dict[str, Any]) -> bool:
    """Whether plan data (models or dicts, as given to `Plan`) has an item or key of 1.2."""
    if data.get("hotel_travel_minutes"):
        return True
    tracks = data.get("tracks")
    for track in tracks if isinstance(tracks, list) else ():
        # Anything else is for validation to refuse, with its message.
        items = track.items if isinstance(track, PlanTrack) else None
        if isinstance(track, dict):
            items = track.get("items")
        for raw in items if isinstance(items, list) else ():
            item = raw.model_dump(exclude_none=True) if isinstance(raw, BaseModel) else raw
            if not isinstance(item, dict):
                continue
            if item.get("type") in ("rest", "check_in"):
                return True
            if item.get("note") is not None or item.get("departs") is not None:
                return True
    return False


def _uses_1_2(data: dict[str, Any]) -> bool:
    """Whether the plan data holds a key of format 1.2 (a track's `holiday` is checked by the
    caller)."""
    return _uses_1_2_letters(data) or _uses_1_2_stays(data)


def _uses_1_3(data: dict[str, Any]) -> bool:
    """Whether the plan data holds a key of format 1.3: a `sequence` on a visit or unscheduled
    host, a visit's `confirmed`, a travel item's road geometry (`route`), an event item with
    matchmaking, or what a re-plan says of the plan it replaces (`changes`, …)."""
    if any(data.get(key) is not None for key in _KEYS_1_3):
        return True
    for track in _items(data.get("tracks")):
        for item in _items(_field(track, "items")):
            kind = _field(item, "type")
            if kind == "visit" and (
                _field(item, "sequence") is not None or _field(item, "confirmed")
            ):
                return True
            if kind == "travel" and _field(item, "route"):
                return True
            if kind == "event" and _field(item, "matchmaking") is not None:
                return True
    return any(_field(u, "sequence") is not None for u in _items(data.get("unscheduled")))
