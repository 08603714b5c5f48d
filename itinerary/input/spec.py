"""The visit.yaml contract: frozen, closed pydantic models.

The field descriptions become the JSON Schema (`itinerary schema`), so they are written for the
person editing the file. Values are kept in people's words (local dates, "09:00" times); turning
them into minutes is `compile`'s job.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_ID_RE = re.compile(ID_PATTERN)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{d: i for i, d in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}


class Closed(BaseModel):
    """Base of every section: immutable, and unknown keys are errors (typos must not vanish)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --- scalar types in people's words -------------------------------------------------------------


def _parse_time_of_day(value: Any) -> int:
    """'09:00' -> 540. Accepts 'H:MM', 'HH:MM' and '24:00' (end of day)."""
    if isinstance(value, bool) or not isinstance(value, str):
        shown = (
            {True: "true", False: "false"}[value]
            if isinstance(value, bool)
            else "nothing"
            if value is None
            else "a list"
            if isinstance(value, list)
            else "a mapping"
            if isinstance(value, dict)
            else repr(value)
        )
        raise ValueError(f'expected a time of day like "09:30", got {shown}')
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not m:
        raise ValueError(f'"{value}" is not a time of day like "09:30"')
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f'"{value}" is not a valid time of day (00:00 to 24:00)')
    return hours * 60 + minutes


def format_time_of_day(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


TimeOfDay = Annotated[
    int,
    BeforeValidator(_parse_time_of_day),
    PlainSerializer(format_time_of_day, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "examples": ["09:30"]}),
]


def _parse_duration(value: Any) -> int:
    """90, "90", "90min", "1h30", "1h 30m", "2h" -> minutes."""
    if isinstance(value, bool) or value is None:
        raise ValueError("expected minutes (90) or hours and minutes (1h30)")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, float) and value.is_integer():
        minutes = int(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        m = re.fullmatch(r"(-?)(?:(\d+)h)?(?:(\d+)(?:m|min)?)?", text)
        if not text or not m or (m.group(2) is None and m.group(3) is None):
            raise ValueError(f'"{value}" is not a duration like 90, "90min" or "1h30"')
        if m.group(2) is not None and m.group(3) is not None and int(m.group(3)) >= 60:
            hours, rest = divmod(int(m.group(3)), 60)
            raise ValueError(
                f'"{value}": the minutes after the hours must be below 60 '
                f'(write "{int(m.group(2)) + hours}h{rest:02d}")'
            )
        minutes = int(m.group(2) or 0) * 60 + int(m.group(3) or 0)
        if m.group(1):
            minutes = -minutes
    else:
        raise ValueError(f"expected minutes (90) or hours and minutes (1h30), got {value!r}")
    if minutes <= 0:
        raise ValueError(f"must be more than 0 minutes, got {value!r}")
    if minutes > 24 * 60:
        raise ValueError(f"{minutes} minutes is longer than a day")
    return minutes


def _parse_duration_or_zero(value: Any) -> int:
    """Like `_parse_duration`, but 0 ("none") is allowed: an optional allowance of time."""
    if value == 0 and not isinstance(value, bool):
        return 0
    if isinstance(value, str) and value.strip() in ("0", "0min", "0m", "0h"):
        return 0
    return _parse_duration(value)


Minutes = Annotated[
    int,
    BeforeValidator(_parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": r"^\s*(\d+\s*h)?\s*(\d+\s*(m|min)?)?\s*$"},
            ],
            "examples": [90, "1h30"],
        }
    ),
]


# Minutes that may be 0: an allowance of time (baggage, check-in) that defaults to none.
AllowanceMinutes = Annotated[
    int,
    BeforeValidator(_parse_duration_or_zero),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": r"^\s*(\d+\s*h)?\s*(\d+\s*(m|min)?)?\s*$"},
            ],
            "examples": [0, 30, "1h"],
        }
    ),
]


def _parse_local_datetime(value: Any) -> dt.datetime:
    """'2016-05-23 10:30' (local to the trip's time zone) -> naive datetime."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})\s*", value)
        if not m:
            raise ValueError(f'"{value}" is not a local date and time like "2016-05-23 10:30"')
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            raise ValueError(f'"{value}" has an invalid date') from None
        minutes = _parse_time_of_day(m.group(2))
        parsed = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    else:
        raise ValueError('expected a local date and time like "2016-05-23 10:30"')
    if parsed.tzinfo is not None:
        raise ValueError("give local time without a UTC offset; trip.timezone applies")
    return parsed


LocalDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_parse_local_datetime),
    PlainSerializer(lambda v: v.strftime("%Y-%m-%d %H:%M"), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$",
            "examples": ["2016-05-23 10:30"],
        }
    ),
]


def _parse_weekday(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in _WEEKDAY_WORDS:
        return WEEKDAYS[_WEEKDAY_WORDS[value.strip().lower()]]
    raise ValueError(f"{value!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun")


Weekday = Annotated[
    str,
    BeforeValidator(_parse_weekday),
    WithJsonSchema({"type": "string", "enum": list(WEEKDAYS)}),
]


def _check_id(value: str) -> str:
    if not _ID_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a simple name: use letters, digits, '-', '_' and '.', "
            "starting with a letter or digit (at most 64 characters)"
        )
    return value


Id = Annotated[
    str,
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]


def _check_location(value: tuple[float, float]) -> tuple[float, float]:
    lat, lon = value
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat} is out of range (-90 to 90); write [lat, lon]")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon} is out of range (-180 to 180); write [lat, lon]")
    return value


Location = Annotated[
    tuple[float, float],
    AfterValidator(_check_location),
    Field(description="[latitude, longitude] in decimal degrees, e.g. [51.7310, 8.7360]"),
]


@functools.cache
def iana_zones() -> frozenset[str]:
    """The IANA time zone names, from the `tzdata` package (a dependency), so that the names
    accepted do not depend on the machine: its own zone files may hold `localtime` (whatever
    the machine is set to) or `posixrules`. `Factory` is not a place."""
    from importlib.resources import files

    names = files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(names) - {"Factory"}


def check_timezone(value: str) -> str:
    """`value` if it is an IANA time zone name that this machine can read, else ValueError with
    a suggestion. Plan files are checked the same way as visit files."""
    import difflib
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if value not in iana_zones():
            raise ValueError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        names = {name.lower(): name for name in iana_zones()}
        near = difflib.get_close_matches(value.strip().lower(), list(names), n=1, cutoff=0.8)
        hint = (
            f"did you mean {names[near[0]]}?" if near else "use an IANA name such as Europe/Berlin"
        )
        raise ValueError(f"unknown time zone {value!r}; {hint}") from None
    return value


Language = Literal["en", "de", "fr"]
# The Babel locale each language's dates and numbers are written in; British English: day before
# month, 24-hour clock, as a European host expects.
LOCALES: dict[Language, str] = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR"}


@functools.cache
def language_codes() -> frozenset[str]:
    """The two- and three-letter ISO 639 codes Babel can name (offline): what people speak,
    which is more than the three languages the programme is printed in."""
    from babel import Locale

    return frozenset(str(code) for code in Locale.parse("en").languages if "_" not in str(code))


def _check_spoken(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a language code such as fr, got {value!r}")
    code = value.strip().lower()
    if code not in language_codes():
        raise ValueError(f"{value!r} is not a language code; use ISO 639-1 codes like en, de, fr")
    return code


SpokenLanguage = Annotated[
    str,
    BeforeValidator(_check_spoken),
    WithJsonSchema({"type": "string", "pattern": "^[a-z]{2,3}$", "examples": ["fr"]}),
]


def _check_region(value: str) -> str:
    from .closures import check_region

    return check_region(value)


def _check_host_region(value: str) -> str:
    from .closures import check_host_region

    return check_host_region(value)


HolidayRegion = Annotated[
    str,
    AfterValidator(_check_region),
    WithJsonSchema({"type": "string", "examples": ["DE-NW", "FR", "ES-CT"]}),
]
HostHolidayRegion = Annotated[
    str,
    AfterValidator(_check_host_region),
    WithJsonSchema({"type": "string", "examples": ["FR", "DE-BY", "none"]}),
]

# --- sections -------------------------------------------------------------------------------------


class Contact(Closed):
    name: str | None = Field(None, description="Person to call")
    email: str | None = Field(None, description="E-mail address")
    phone: str | None = Field(None, description="Phone number, ideally international (+49 …)")
    role: str | None = Field(None, description="Role or function, e.g. 'Head of R&D'")
    salutation: str | None = Field(
        None,
        description=(
            "How the person is addressed, e.g. 'Frau Dr.', 'Herr', 'Madame', 'Ms', 'Dr': host "
            "letters then greet them by name; without it they open with a neutral greeting"
        ),
    )


class Organiser(Closed):
    """Who organises the trip: signs every host letter and is named in the programme."""

    name: str = Field(description="Name of the person who signs the host letters")
    organisation: str | None = Field(None, description="Their organisation, e.g. a cluster")
    role: str | None = Field(None, description="Their role, e.g. 'International projects'")
    email: str | None = Field(None, description="E-mail address for the hosts' replies")
    phone: str | None = Field(None, description="Phone number, ideally international (+49 …)")


class DayBounds(Closed):
    # validate_default: the defaults are written as people write them and must be parsed too.
    start: TimeOfDay = Field(
        "08:30",
        validate_default=True,
        description="Time the group leaves the start place (hotel) each day",
    )
    end: TimeOfDay = Field(
        "18:30", validate_default=True, description="Time the group is back at the end place"
    )

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(
                f"day end {format_time_of_day(end)} is not after its start "
                f"{format_time_of_day(start)}"
            )
        return end


class DayOverride(Closed):
    start: TimeOfDay | None = Field(None, description="Start of this date instead of day.start")
    end: TimeOfDay | None = Field(None, description="End of this date instead of day.end")
    together: bool = Field(
        False,
        description=(
            "With `groups`: on this date the whole delegation travels as one group (default: "
            "the groups split on every date)"
        ),
    )


class Lunch(Closed):
    from_: TimeOfDay = Field(alias="from", description="Earliest lunch start")
    to: TimeOfDay = Field(description="Latest lunch end")
    minutes: Minutes = Field(60, description="Length of the lunch break")

    @model_validator(mode="after")
    def _fits(self) -> Lunch:
        if self.to - self.from_ < self.minutes:
            raise ValueError(
                f"the lunch window {format_time_of_day(self.from_)}–{format_time_of_day(self.to)}"
                f" is shorter than the {self.minutes}-minute lunch"
            )
        return self


class SpeedBand(Closed):
    up_to_km: float | None = Field(
        None,
        gt=0,
        le=20000,
        description=(
            "This band's speed holds up to this many road km of the leg; omit it on the last "
            "band, which covers the rest"
        ),
    )
    kmh: float = Field(ge=1, le=300, description="Average speed over this band of the leg")


class Travel(Closed):
    profile: Literal["coach", "car"] | None = Field(
        None,
        description=(
            "Speeds by distance of a coach (the default) or a car: slow in towns, fast on "
            "motorways (the table and its sources are in the README)"
        ),
    )
    speeds: list[SpeedBand] | None = Field(
        None,
        description=(
            "Your own speeds by distance instead of a profile: bands of increasing up_to_km, "
            "the last without up_to_km, e.g. [{up_to_km: 5, kmh: 25}, {kmh: 80}]"
        ),
    )
    speed_kmh: float | None = Field(
        None, ge=1, le=300, description="One average speed for every leg, instead of a profile"
    )
    detour: float = Field(
        1.3, ge=1, le=5, description="Road distance divided by straight-line distance"
    )
    buffer_minutes: int = Field(
        10, ge=0, le=240, description="Added to every move between two different places"
    )
    matrix: str | None = Field(
        None,
        description=(
            "CSV file of travel minutes by place id (relative to this file), replacing the "
            "speed model for the pairs it gives; buffer_minutes is still added"
        ),
    )
    matrix_fallback: Literal["profile", "none"] = Field(
        "profile",
        description=(
            "Pairs the matrix lacks: estimated from the speeds (profile), or refused (none). "
            "With roads or osrm_url, places and pairs the road network cannot reach are "
            "refused unless this says profile"
        ),
    )
    roads: str | None = Field(
        None,
        description=(
            "Road times from routing data made by `itinerary roads prepare` (the region's "
            ".osrm file, relative to this file) instead of the speed model; needs the roads "
            "extra. buffer_minutes is still added"
        ),
    )
    osrm_url: str | None = Field(
        None,
        description=(
            "Road times from a running OSRM server instead of the speed model, e.g. "
            "http://localhost:5000"
        ),
    )
    road_factor: float = Field(
        1.0,
        ge=0.5,
        le=3,
        description=(
            "Road times (roads, osrm_url) multiplied by this: above 1 for a group that moves "
            "slower than the routing profile's vehicle"
        ),
    )

    def speed_choice(self) -> str:
        """Which of the three ways of giving speeds is in force, in the file's words."""
        if self.speed_kmh is not None:
            return f"{self.speed_kmh:g} km/h"
        if self.speeds is not None:
            return "the speeds table"
        return f"the {self.profile or 'coach'} profile"


class Trip(Closed):
    name: str = Field(description="Title of the trip, printed on the programme")
    start: dt.date = Field(description="First day of the trip")
    end: dt.date = Field(description="Last day of the trip (inclusive)")
    timezone: Annotated[str, AfterValidator(check_timezone)] = Field(
        description="IANA time zone of all dates and times in this file, e.g. Europe/Berlin"
    )
    language: Language = Field("en", description="Language of printed programmes")
    day: DayBounds = Field(default_factory=DayBounds, description="Daily start and end")
    days: dict[dt.date, DayOverride] = Field(
        default_factory=dict, description="Per-date overrides of `day`"
    )
    lunch: Lunch | None = Field(None, description="Daily lunch break; omit for none")
    travel: Travel = Field(default_factory=Travel, description="How travel time is computed")
    round_minutes: int = Field(
        5,
        description=(
            "Time grid: every visit and every lunch starts on a multiple of these minutes past "
            "the hour (the group waits where it is for the next mark); events keep their own "
            "times. 1 turns the grid off. One of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60"
        ),
    )

    @field_validator("round_minutes")
    @classmethod
    def _on_the_hour(cls, minutes: int) -> int:
        # A divisor of 60, so that the marks fall on the same minutes every hour and every day
        # (minute counts cross a daylight-saving change by whole hours).
        if minutes < 1 or 60 % minutes:
            raise ValueError(
                f"round_minutes must divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or "
                f"60), not {minutes}"
            )
        return minutes

    @model_validator(mode="after")
    def _lunch_on_the_grid(self) -> Trip:
        lunch, grid = self.lunch, self.round_minutes
        if lunch is not None and -(-lunch.from_ // grid) * grid + lunch.minutes > lunch.to:
            raise ValueError(
                f"the lunch window {format_time_of_day(lunch.from_)}–"
                f"{format_time_of_day(lunch.to)} has no start on the {grid}-minute time grid "
                f"(round_minutes) for the {lunch.minutes}-minute lunch"
            )
        return self

    holidays: HolidayRegion | None = Field(
        None,
        description=(
            "Public holidays that close the hosts: a country or region code as the `holidays` "
            "package names them (DE, DE-NW, FR, ES-CT); omit for none"
        ),
    )
    rest_at_stay_after: AllowanceMinutes = Field(
        60,
        validate_default=True,
        description=(
            "When the group would wait at least this long before a visit or event and going to "
            "the hotel and back fits in the wait, the plan sends it to the hotel to rest "
            "(0: never)"
        ),
    )

    # On the field, not the model, so that the error points at the `end:` line.
    @field_validator("end")
    @classmethod
    def _ordered(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is None:
            return end
        if end < start:
            raise ValueError(f"trip end {end} is before its start {start}")
        if (end - start).days > 30:
            raise ValueError(f"a trip may last at most 31 days; {start} to {end} is longer")
        return end


class Person(Closed):
    """Someone who can meet others at a matchmaking event."""

    id: Id = Field(description="Short unique name, used in meeting requests")
    name: str = Field(description="Full name, printed on schedules")
    organisation: str | None = Field(None, description="Company or institution")
    language: SpokenLanguage | None = Field(
        None,
        description=(
            "The language they read (ISO 639-1): their personal schedule is printed in it when "
            "it is en, de or fr, else in the trip's language"
        ),
    )
    languages: list[SpokenLanguage] | None = Field(
        None, description="Other languages they can hold a meeting in"
    )
    email: str | None = Field(None, description="E-mail address")

    def spoken(self) -> frozenset[str]:
        """Every language they can meet in (empty: not known)."""
        return frozenset(([self.language] if self.language else []) + list(self.languages or ()))


class Member(Person):
    """A member of the delegation: a participant of every matchmaking event of the trip, and
    of the items of their group's programme (`groups`)."""

    group: Id | None = Field(
        None, description="Id of the group (`groups`) this member travels with"
    )
    interests: list[str] | None = Field(
        None,
        description=(
            "Without `group`: the member is placed in the group whose interests match these "
            "best (ties by the order of `groups`), within each group's size"
        ),
    )


class Group(Closed):
    """A part of the delegation that tours on its own (its own coach) on the dates it splits,
    and re-joins the others for the events it attends."""

    id: Id = Field(description="Short unique name, used by members, hosts' `for` and events")
    name: str = Field(description='What the group is called, e.g. "Automation & Industry 4.0"')
    size: int = Field(ge=1, le=10_000, description="Number of people in the group")
    interests: list[str] = Field(
        default_factory=list,
        description=(
            "Topics the group is interested in: by default it visits the hosts whose `topics` "
            "meet them (a group without interests: every host)"
        ),
    )


class Delegation(Closed):
    name: str = Field(description="Name of the visiting group")
    size: int = Field(1, ge=1, le=10_000, description="Number of people")
    contact: Contact | None = Field(None, description="Who hosts should call about the group")
    organisation: str | None = Field(None, description="Organising body, e.g. ACCIÓ")
    languages: list[SpokenLanguage] | None = Field(
        None,
        description=(
            "Languages the group speaks (ISO 639-1 codes, e.g. [fr, en]): a visit held in none "
            "of them is marked 'interpreter needed'; omit when not known"
        ),
    )
    members: list[Member] = Field(
        default_factory=list,
        description=(
            "The delegates by name: participants of every matchmaking event (a member without "
            "languages speaks the delegation's)"
        ),
    )


class Endpoint(Closed):
    place: str = Field(description="Name of the place, e.g. an airport or station")
    location: Location
    time: LocalDateTime = Field(
        description='Local date and time of the landing or the flight, e.g. "2016-05-23 10:30"'
    )
    address: str | None = Field(None, description="Street address")
    minutes: AllowanceMinutes = Field(
        0,
        description=(
            "Arrival: from landing to the coach leaving (baggage); departure: from the coach "
            "reaching the place to the flight or train"
        ),
    )
    note: str | None = Field(None, description='Free text shown with it, e.g. "flight LH 123"')


class Stay(Closed):
    id: Id | None = Field(None, description="Short name used in a travel matrix")
    name: str = Field(description="Hotel name")
    address: str | None = Field(None, description="Street address")
    location: Location
    from_: dt.date = Field(alias="from", description="First night spent here")
    to: dt.date = Field(description="Last night spent here (inclusive)")
    check_in_minutes: AllowanceMinutes = Field(
        0, description="How long the first arrival here takes (check-in, luggage)"
    )

    @field_validator("to")
    @classmethod
    def _ordered(cls, to: dt.date, info: ValidationInfo) -> dt.date:
        from_ = info.data.get("from_")
        if from_ is not None and to < from_:
            raise ValueError(f"the stay's last night {to} is before its first night {from_}")
        return to


class OpenWindow(Closed):
    days: list[Weekday] | None = Field(None, description="Weekdays this window applies to")
    dates: list[dt.date] | None = Field(None, description="Explicit dates it applies to")
    from_: TimeOfDay = Field(alias="from", description="Opening time")
    to: TimeOfDay = Field(description="Closing time")

    @field_validator("to")
    @classmethod
    def _ordered(cls, to: int, info: ValidationInfo) -> int:
        from_ = info.data.get("from_")
        if from_ is not None and to <= from_:
            raise ValueError(
                f"window end {format_time_of_day(to)} is not after its start "
                f"{format_time_of_day(from_)}"
            )
        return to

    @model_validator(mode="after")
    def _valid(self) -> OpenWindow:
        if self.days is None and self.dates is None:
            raise ValueError("give `days` (weekdays) or `dates` for an open window")
        return self

    def applies_to(self, date: dt.date) -> bool:
        if self.days is not None and WEEKDAYS[date.weekday()] in self.days:
            return True
        return self.dates is not None and date in self.dates


def _closed_day(value: Any) -> Any:
    """A single date in `closed` is a closure of that one day."""
    if isinstance(value, dict):
        return value
    return {"from": value, "to": value}


class ClosedDates(Closed):
    from_: dt.date = Field(alias="from", description="First closed date")
    to: dt.date = Field(description="Last closed date (inclusive)")

    @field_validator("to")
    @classmethod
    def _ordered(cls, to: dt.date, info: ValidationInfo) -> dt.date:
        from_ = info.data.get("from_")
        if from_ is not None and to < from_:
            raise ValueError(f"the closure ends {to}, before it begins {from_}")
        return to


ClosedDay = Annotated[
    ClosedDates,
    BeforeValidator(_closed_day),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {
                    "type": "object",
                    "properties": {
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                    },
                    "required": ["from", "to"],
                    "additionalProperties": False,
                },
            ],
            "examples": ["2016-05-24", {"from": "2016-07-25", "to": "2016-08-12"}],
        }
    ),
]


def _parse_priority(value: Any) -> int | Literal["must"]:
    """`must`, or a whole number 1..100; one clean message instead of a union's two."""
    if isinstance(value, str) and value.strip().lower() == "must":
        return "must"
    number = value
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 100:
        raise ValueError(f"expected 'must' or a whole number from 1 to 100, got {value!r}")
    return number


Priority = Annotated[
    int | Literal["must"],
    PlainValidator(_parse_priority),
    WithJsonSchema(
        {"anyOf": [{"const": "must"}, {"type": "integer", "minimum": 1, "maximum": 100}]}
    ),
]


class Host(Closed):
    id: Id = Field(description="Short unique name: letters, digits, '-', '_', '.'")
    name: str = Field(description="Organisation name")
    address: str | None = Field(None, description="Street address")
    location: Location
    duration: Minutes = Field(description='Length of the visit: minutes, or "1h30"')
    priority: Priority = Field(
        10, description="`must`, or a number 1..100 (higher is more important)"
    )
    open: list[OpenWindow] | None = Field(
        None, description="When the host can receive the group; omit for 'whenever the day runs'"
    )
    contact: Contact | None = None
    language: Language | None = Field(
        None, description="The host's language (en, de, fr): of its letter, and of the visit"
    )
    languages: list[SpokenLanguage] | None = Field(
        None,
        description=(
            "Other languages the host can hold the visit in (ISO 639-1 codes): the visit is "
            "held in one the delegation speaks, if any"
        ),
    )
    topics: list[str] = Field(default_factory=list, description="Topics of interest")
    message: str | None = Field(
        None, description="Text for the host: goes into the host's letter, as written"
    )
    notes: str | None = Field(
        None,
        description="Free text for the organiser: in the organiser's programme, never to the host",
    )
    holidays: HostHolidayRegion | None = Field(
        None,
        description=(
            "Public holidays of this host's region when they differ from trip.holidays (a host "
            "across a border: FR); `none`: the host keeps its hours on public holidays"
        ),
    )
    closed: list[ClosedDay] = Field(
        default_factory=list,
        description=(
            "Dates the host is closed (company holidays, a trade fair): a date, or "
            "{from, to} (inclusive)"
        ),
    )
    after: list[Id] | None = Field(
        None,
        description=(
            "Ids of hosts or events this host is visited only after: it is in the plan only if "
            "each of them is, and its visit starts after theirs have ended (on an earlier day, "
            "or earlier that day)"
        ),
    )

    capacity: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description=(
            "Visitors the host receives at once (default: unlimited): a larger group cannot "
            "visit, and two groups are there at the same time only if they fit together"
        ),
    )
    for_: list[Id] | None = Field(
        None,
        alias="for",
        description=(
            "With `groups`: ids of the groups that may visit (default: the groups whose "
            "interests meet its topics; all when none does or it has no topics)"
        ),
    )

    confirmed: LocalDateTime | None = Field(
        None,
        description=(
            'The host accepted a visit starting then (local time, e.g. "2016-05-24 10:00"): '
            "the visit is pinned there, even off the time grid, and counts as required"
        ),
    )
    declined: bool = Field(
        False, description="True when the host declined: it is never planned, and says so"
    )

    @model_validator(mode="after")
    def _one_reply(self) -> Host:
        if self.declined and self.confirmed is not None:
            raise ValueError(
                "a host is either confirmed or declined, not both: remove `declined` or `confirmed`"
            )
        return self

    @property
    def must(self) -> bool:
        return self.priority == "must"

    @property
    def required(self) -> bool:
        """The plan is partial without it: a must-visit, or a confirmed visit (the host expects
        the group then; it keeps its priority in the score)."""
        return self.must or self.confirmed is not None


class TimeSpan(Closed):
    from_: TimeOfDay = Field(alias="from", description='Start, e.g. "15:20"')
    to: TimeOfDay = Field(description='End, e.g. "15:40"')

    @field_validator("to")
    @classmethod
    def _ordered(cls, to: int, info: ValidationInfo) -> int:
        from_ = info.data.get("from_")
        if from_ is not None and to <= from_:
            raise ValueError(f"{format_time_of_day(to)} is not after {format_time_of_day(from_)}")
        return to


class Participant(Person):
    """Someone present at one matchmaking event besides the delegation's members."""

    available: TimeSpan | None = Field(
        None,
        description='When they are present, e.g. {from: "14:00", to: "16:00"}; omit: all along',
    )


class Table(Closed):
    id: Id = Field(description="Short unique name of the table")
    name: str = Field(description='What the table is called on schedules, e.g. "Table 1"')


class MeetingRequest(Closed):
    from_: Id = Field(alias="from", description="Id of the participant who asks")
    to: Id = Field(description="Id of the participant they ask to meet")
    priority: Priority = Field(
        50,
        description="`must`, or 1..100 (higher is more important); requests both ways add up",
    )


def _check_tables(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value < 1:
        raise ValueError(f"give at least 1 table, got {value}")
    return value


class Matchmaking(Closed):
    """One-to-one meetings at the event, in slots at tables (B2B matchmaking)."""

    minutes: Minutes = Field(description="Length of a meeting slot, e.g. 20")
    pause_minutes: AllowanceMinutes = Field(0, description="Pause between two slots")
    breaks: list[TimeSpan] = Field(
        default_factory=list,
        description='Pauses without meetings, e.g. [{from: "15:20", to: "15:40"}]',
    )
    tables: Annotated[int | list[Table], BeforeValidator(_check_tables)] = Field(
        description="Number of tables, or the named tables: [{id: t1, name: Table 1}, …]"
    )
    participants: list[Participant] = Field(
        default_factory=list, description="People present besides the delegation's members"
    )
    requests: list[MeetingRequest] | str = Field(
        default_factory=list,
        description=(
            "Who asks to meet whom: a list of {from, to, priority}, or a CSV file with the "
            "columns from,to,priority (relative to this file)"
        ),
    )
    max_meetings: int | None = Field(
        None, ge=1, le=100, description="At most this many meetings per participant"
    )
    interpreters: int | None = Field(
        None,
        ge=0,
        le=1000,
        description=(
            "Meetings whose two sides share no language need an interpreter: at most this many "
            "at once (omit: no limit)"
        ),
    )

    def table_list(self) -> list[Table]:
        if isinstance(self.tables, int):
            return [Table(id=str(i), name=f"{i}") for i in range(1, self.tables + 1)]
        return list(self.tables)


class Event(Closed):
    id: Id = Field(description="Short unique name")
    name: str = Field(description="Title of the event")
    venue: str | None = Field(
        None, description="Name of the place, e.g. 'Ratskeller Paderborn' (shown as where)"
    )
    address: str | None = Field(None, description="Street address")
    location: Location
    start: LocalDateTime = Field(description='Local start, e.g. "2016-05-25 14:00"')
    end: LocalDateTime = Field(description="Local end, same date")
    lunch: bool = Field(False, description="True when the event includes lunch that day")
    contact: Contact | None = None
    matchmaking: Matchmaking | None = Field(
        None, description="One-to-one meetings scheduled inside the event (B2B matchmaking)"
    )
    groups: list[Id] | None = Field(
        None,
        description=(
            "With `groups`: ids of the groups that attend (default: everyone); they all meet "
            "at its place at its time"
        ),
    )

    @property
    def place(self) -> str:
        """What the event's place is called in travel rows and "where": its venue, else its
        address; the title only when there is neither."""
        return self.venue or self.address or self.name

    @field_validator("end")
    @classmethod
    def _ordered(cls, end: dt.datetime, info: ValidationInfo) -> dt.datetime:
        start = info.data.get("start")
        if start is None:
            return end
        if end <= start:
            raise ValueError(
                f"event end {end:%Y-%m-%d %H:%M} is not after its start {start:%Y-%m-%d %H:%M}"
            )
        midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
        if end.date() != start.date() and end != midnight:
            raise ValueError(
                f"an event must start and end on the same date ({start:%Y-%m-%d} here;"
                f' "{midnight:%Y-%m-%d} 00:00" is the latest end)'
            )
        return end


class Choice(Closed):
    """Hosts of which at most one is visited (with `must`, exactly one)."""

    one_of: list[Id] = Field(
        description="Ids of two or more hosts, of which at most one is visited",
        json_schema_extra={"minItems": 2},
    )
    must: bool = Field(
        False, description="True: exactly one of them is visited (the plan is incomplete without)"
    )

    @field_validator("one_of")
    @classmethod
    def _two_or_more(cls, one_of: list[str]) -> list[str]:
        if len(one_of) < 2:
            got = "none" if not one_of else f"only '{one_of[0]}'"
            raise ValueError(f"a choice needs two or more host ids, got {got}")
        return one_of


class VisitSpec(Closed):
    """A delegation's trip: everything `itinerary plan` needs."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        title="itinerary visit.yaml",
    )

    trip: Trip
    delegation: Delegation
    organiser: Organiser | None = Field(
        None, description="Who organises the trip: signs the host letters, named in the programme"
    )
    arrival: Endpoint | None = Field(None, description="Where and when the first day starts")
    departure: Endpoint | None = Field(None, description="Where and by when the last day ends")
    groups: list[Group] = Field(
        default_factory=list,
        description=(
            "Parts of the delegation that travel in parallel (a coach each) and re-join for "
            "events; omit for one group"
        ),
    )
    stays: list[Stay] = Field(default_factory=list, description="Hotels, by nights")
    hosts: list[Host] = Field(default_factory=list, description="Organisations to visit")
    events: list[Event] = Field(default_factory=list, description="Fixed appointments")
    choices: list[Choice] = Field(
        default_factory=list,
        description=(
            "Either/or hosts: of each `one_of`, at most one is visited (with `must`: exactly one)"
        ),
    )

    def trip_dates(self) -> list[dt.date]:
        n = (self.trip.end - self.trip.start).days + 1
        return [self.trip.start + dt.timedelta(days=i) for i in range(n)]

    def day_bounds(self, date: dt.date) -> tuple[int, int]:
        """Local minutes-of-day (start, end) for a date, before arrival/departure apply."""
        override = self.trip.days.get(date)
        start = override.start if override and override.start is not None else self.trip.day.start
        end = override.end if override and override.end is not None else self.trip.day.end
        return start, end

    def stay_for_night(self, date: dt.date) -> Stay | None:
        for stay in self.stays:
            if stay.from_ <= date <= stay.to:
                return stay
        return None

    def needs_stays(self) -> bool:
        """Whether every night needs a stay: not in a trip of events only (a stand-alone
        brokerage event), whose days without a stay begin and end at an event (`base_event`)."""
        return bool(self.hosts) or not self.events

    def base_event(self, date: dt.date) -> Event:
        """Where a day of a trip of events only begins and ends when no stay covers its night:
        the day's first event, else the trip's first."""
        day = [e for e in self.events if e.start.date() == date]
        return min(day or self.events, key=lambda e: e.start)


def slug(text: str) -> str:
    """A stay's matrix key when it has no id: 'Welcome Hotel' -> 'welcome-hotel'."""
    out = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip().lower()).strip("-.")
    return out[:64] or "stay"


def stay_key(stay: Stay) -> str:
    return stay.id or slug(stay.name)


ARRIVAL_KEY = "arrival"
DEPARTURE_KEY = "departure"
