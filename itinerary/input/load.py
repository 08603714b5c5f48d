"""visit.yaml -> validated VisitSpec, with every problem reported as `file:line: message`."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Issue, counted
from ..model.frames import DayFrame, day_bounds, day_frames, overlaps
from ..model.timeline import Clock, format_duration
from ..model.travel import (
    PROFILES,
    Speeds,
    TravelModel,
    missing_pairs,
    one_speed,
    read_matrix_csv,
)
from . import groups as grouping
from .closures import closure_on, closures_in_trip, host_region, opening_windows
from .group_issues import group_issues, group_warnings
from .matchmaking import RequestRow, read_requests
from .relations import relation_issues
from .spec import (
    ARRIVAL_KEY,
    DEPARTURE_KEY,
    WEEKDAYS,
    VisitSpec,
    format_time_of_day,
    stay_key,
)
from .yamlsrc import YamlDoc, data_path, load_yaml, read_yaml_file

if typing.TYPE_CHECKING:
    from ..roads.times import RoadSource, RoadTimes

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Loaded:
    """A valid trip and what is needed to report on it; `warnings` are located notes about
    what was read in one of several possible ways (the CLI prints them)."""

    spec: VisitSpec
    source: str
    travel: TravelModel
    warnings: tuple[Issue, ...] = ()
    files: tuple[Path, ...] = ()  # what was read: the visit file, its travel matrix
    notes: tuple[Issue, ...] = ()  # located facts worth a line, e.g. travel times estimated
    # Road times (trip.travel.roads / osrm_url): the table the matrix was made from, for the
    # road geometry of the plan's legs; None with the speed model or a CSV matrix.
    roads: RoadTimes | None = None
    # Per matchmaking event id, its meeting requests (written inline or in a CSV file).
    requests: Mapping[str, tuple[RequestRow, ...]] = field(default_factory=dict)


def load_spec(path: str | Path) -> Loaded:
    """The trip in the file at `path`; road times are cached beside it (`roads/cache.py`)."""
    from ..roads.cache import cache_path

    doc = read_yaml_file(path)
    return _load(doc, str(path), Path(path).parent, (Path(path),), cache_path(Path(path)))


def load_spec_text(
    text: str,
    filename: str = "visit.yaml",
    base_dir: Path | None = None,
    road_cache: Path | None = None,
) -> Loaded:
    """The trip in `text`; road times are cached at `road_cache` if given, else not at all."""
    return _load(load_yaml(text, filename), filename, base_dir or Path.cwd(), (), road_cache)


def _load(
    doc: YamlDoc,
    filename: str,
    base_dir: Path,
    files: tuple[Path, ...],
    road_cache: Path | None = None,
) -> Loaded:
    try:
        spec = VisitSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(_issues_from_validation(exc, doc, filename)) from None
    problems = semantic_issues(spec, doc.line_of)
    issues = [Issue(filename, doc.line_of(p), _one_line(m)) for p, m in problems]
    requests, request_files, request_errors, request_warnings = read_requests(
        spec, doc.line_of, filename, base_dir
    )
    if issues or request_errors:
        raise InputError(issues + request_errors)
    files += request_files
    travel, matrix_file, notes = _travel_model(spec, doc, filename, base_dir)
    roads = None
    if matrix_file is not None:
        files += (matrix_file,)
    elif spec.trip.travel.roads is not None or spec.trip.travel.osrm_url is not None:
        travel, roads, notes = _road_model(spec, doc, filename, base_dir, road_cache)
    problems = journey_issues(spec, travel)
    if not problems:
        problems = confirmed_issues(spec, travel, doc.line_of)
    if problems:
        raise InputError([Issue(filename, doc.line_of(p), _one_line(m)) for p, m in problems])
    warnings = tuple(
        Issue(filename, doc.line_of(p), _one_line(m))
        for p, m in semantic_warnings(spec, doc.line_of)
    ) + tuple(request_warnings)
    return Loaded(
        spec=spec,
        source=filename,
        travel=travel,
        warnings=warnings,
        files=files,
        notes=notes,
        roads=roads,
        requests=requests,
    )


def place_refs(spec: VisitSpec) -> list[tuple[str, tuple[float, float], str, Path_]]:
    """Every place of the trip once: key, location, name, and where its location is written."""
    found: dict[str, tuple[str, tuple[float, float], str, Path_]] = {}
    for i, stay in enumerate(spec.stays):
        key = stay_key(stay)
        found.setdefault(key, (key, stay.location, stay.name, ("stays", i, "location")))
    for i, host in enumerate(spec.hosts):
        found[host.id] = (host.id, host.location, host.name, ("hosts", i, "location"))
    for i, event in enumerate(spec.events):
        found[event.id] = (event.id, event.location, event.name, ("events", i, "location"))
    for key, end in ((ARRIVAL_KEY, spec.arrival), (DEPARTURE_KEY, spec.departure)):
        if end is not None:
            name = getattr(end, "name", None) or key
            found[key] = (key, end.location, str(name), (key, "location"))
    return list(found.values())


def road_source(spec: VisitSpec, base_dir: Path) -> RoadSource | None:
    """Where the trip's road times come from (`roads` or `osrm_url`), or None."""
    from ..roads.times import RoadSource

    t = spec.trip.travel
    if t.roads is not None:
        data = Path(t.roads).expanduser()
        return RoadSource(data=data if data.is_absolute() else base_dir / data, shown=t.roads)
    if t.osrm_url is not None:
        return RoadSource(url=t.osrm_url, shown=t.osrm_url)
    return None


def _road_model(
    spec: VisitSpec, doc: YamlDoc, filename: str, base_dir: Path, road_cache: Path | None
) -> tuple[TravelModel, RoadTimes, tuple[Issue, ...]]:
    """The travel model with road times: OSRM's seconds x `road_factor`, in whole minutes, as
    a matrix; places off the road network and pairs without a route are refused (naming them)
    unless `matrix_fallback: profile` leaves them to the speed model (with a note)."""
    from ..errors import RoadError
    from ..roads.engine import MAX_SNAP_METERS
    from ..roads.times import road_times

    t = spec.trip.travel
    key_name = "roads" if t.roads is not None else "osrm_url"
    line = doc.line_of(("trip", "travel", key_name))
    source = road_source(spec, base_dir)
    assert source is not None
    refs = place_refs(spec)
    locations = list(dict.fromkeys(location for _, location, _, _ in refs))
    at = {location: i for i, location in enumerate(locations)}
    try:
        times = road_times(source, locations, road_cache)
    except RoadError as exc:
        raise InputError(Issue(filename, line, str(exc))) from None
    fallback = "matrix_fallback" in t.model_fields_set and t.matrix_fallback == "profile"
    off_road = [ref for ref in refs if times.table.snapped_m[at[ref[1]]] > MAX_SNAP_METERS]
    if off_road and not fallback:
        raise InputError(
            [
                Issue(
                    filename,
                    doc.line_of(path),
                    f"{name} ({key}) is {times.table.snapped_m[at[loc]] / 1000:.1f} km from the "
                    f"nearest road of the routing data ({source.shown}): it cannot be reached by "
                    "road (an island, a point outside the region?); correct its location, or "
                    "write matrix_fallback: profile to estimate its travel",
                )
                for key, loc, name, path in off_road
            ]
        )
    off = {at[loc] for _, loc, _, _ in off_road}
    matrix: dict[tuple[str, str], int] = {}
    unrouted: list[tuple[str, str]] = []
    for a, la, _, _ in refs:
        for b, lb, _, _ in refs:
            if a == b:
                continue
            i, j = at[la], at[lb]
            seconds = times.seconds(i, j) if i not in off and j not in off else None
            if seconds is None:
                unrouted.append((a, b))
                continue
            matrix[(a, b)] = math.ceil(round(seconds * t.road_factor / 60, 6))
    names = {key: name for key, _, name, _ in refs}
    on_road = {key for key, loc, _, _ in refs if at[loc] not in off}
    unrouted_between = [(a, b) for a, b in unrouted if a in on_road and b in on_road]
    if unrouted_between and not fallback:
        a, b = unrouted_between[0]
        others = len(unrouted_between) - 1
        also = f" ({others} more pairs have none)" if others else ""
        raise InputError(
            Issue(
                filename,
                line,
                f"no road route from {names[a]} ({a}) to {names[b]} ({b}) in the routing data "
                f"({source.shown}){also}; write matrix_fallback: profile to estimate such pairs",
            )
        )
    notes: list[Issue] = []
    if times.cache_error is not None:
        notes.append(Issue(filename, line, f"road times not cached: {times.cache_error}"))
    if unrouted:
        shown = ", ".join(f"{a} → {b}" for a, b in unrouted[:3])
        more = f" and {len(unrouted) - 3} more" if len(unrouted) > 3 else ""
        notes.append(
            Issue(
                filename,
                line,
                f"no road route for {counted(len(unrouted), 'pair')} of places ({shown}{more}): "
                f"estimated with {t.speed_choice()}",
            )
        )
    model = TravelModel(travel_speeds(spec), t.detour, t.buffer_minutes, matrix)
    return model, times, tuple(notes)


def _travel_model(
    spec: VisitSpec, doc: YamlDoc, filename: str, base_dir: Path
) -> tuple[TravelModel, Path | None, tuple[Issue, ...]]:
    """The travel model, the matrix file it was read from, if any, and a note on the pairs
    the matrix leaves to the speeds."""
    t = spec.trip.travel
    speeds = travel_speeds(spec)
    matrix = None
    matrix_path = None
    notes: tuple[Issue, ...] = ()
    if t.matrix is not None:
        line = doc.line_of(("trip", "travel", "matrix"))
        matrix_path = Path(t.matrix)
        if not matrix_path.is_absolute():
            matrix_path = base_dir / matrix_path
        if not matrix_path.is_file():
            message = f"travel matrix file {t.matrix!r} not found (looked for {matrix_path})"
            if matrix_path.is_dir():
                message = f"travel matrix {t.matrix!r} is a folder, not a file ({matrix_path})"
            elif matrix_path.exists():
                message = f"travel matrix {t.matrix!r} is not a regular file ({matrix_path})"
            raise InputError(Issue(filename, line, message))
        keys = place_keys(spec)
        complete = t.matrix_fallback == "none"
        matrix = read_matrix_csv(matrix_path, str(matrix_path), keys, complete=complete)
        estimated = len(missing_pairs(matrix, keys))
        if estimated:
            pairs = len(keys) * (len(keys) - 1)
            notes = (
                Issue(
                    filename,
                    line,
                    f"the travel matrix {t.matrix} gives {pairs - estimated} of the {pairs} "
                    f"pairs of places; the other {estimated} are estimated with "
                    f"{t.speed_choice()}",
                ),
            )
    model = TravelModel(speeds, t.detour, t.buffer_minutes, matrix)
    return model, matrix_path, notes


def travel_speeds(spec: VisitSpec) -> Speeds:
    """The speeds in force: `speed_kmh`, a written-out `speeds` table, or a profile (coach
    unless the file names another)."""
    t = spec.trip.travel
    if t.speed_kmh is not None:
        return one_speed(t.speed_kmh)
    if t.speeds is not None:
        return tuple(
            (math.inf if band.up_to_km is None else band.up_to_km, band.kmh) for band in t.speeds
        )
    return PROFILES[t.profile or "coach"]


def _one_of(spec: VisitSpec, keys: tuple[str, ...], meanings: str) -> list[tuple[Path_, str]]:
    """At most one of the `trip.travel` settings `keys`: the second one given is refused."""
    given = [key for key in keys if getattr(spec.trip.travel, key) is not None]
    if len(given) < 2:
        return []
    first, second = given[:2]
    return [
        (
            ("trip", "travel", second),
            f"{second}: give either {first} or {second}, not both ({meanings})",
        )
    ]


def _road_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """One source of given times (matrix, roads, osrm_url), a server address that is one, and
    a road_factor only with road times."""
    from ..roads.engine import check_url

    t = spec.trip.travel
    at = ("trip", "travel")
    if both := _one_of(
        spec,
        ("matrix", "roads", "osrm_url"),
        "matrix: a CSV of minutes, roads: routing data on this computer, osrm_url: an OSRM server",
    ):
        return both
    if t.osrm_url is not None and (why := check_url(t.osrm_url)):
        return [(at + ("osrm_url",), why)]
    if t.roads is not None and not t.roads.strip():
        return [(at + ("roads",), "roads: give the path of the region's .osrm file")]
    if "road_factor" in t.model_fields_set and t.roads is None and t.osrm_url is None:
        return [
            (
                at + ("road_factor",),
                "road_factor scales road times: it needs roads or osrm_url (for the speed "
                "model, set detour or the speeds)",
            )
        ]
    return []


def _travel_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """One way of giving speeds, and a `speeds` table of increasing, open-ended bands."""
    t = spec.trip.travel
    at = ("trip", "travel")
    if both := _one_of(
        spec,
        ("profile", "speeds", "speed_kmh"),
        "profile: a named table, speeds: your own table, speed_kmh: one speed for every leg",
    ):
        return both
    if t.speeds is None:
        return []
    if not t.speeds:
        return [(at + ("speeds",), "speeds: give at least one band, e.g. [{kmh: 60}]")]
    out: list[tuple[Path_, str]] = []
    last = len(t.speeds) - 1
    before = 0.0
    for i, band in enumerate(t.speeds):
        where = at + ("speeds", i)
        if i == last and band.up_to_km is not None:
            out.append(
                (
                    where + ("up_to_km",),
                    f"up_to_km: the last band covers the rest of every leg; remove up_to_km "
                    f"{band.up_to_km:g} (or add a band after it)",
                )
            )
        elif i < last and band.up_to_km is None:
            out.append(
                (
                    where,
                    f"speeds: band {i + 1} of {last + 1} needs up_to_km (only the last band is "
                    "open-ended)",
                )
            )
        elif band.up_to_km is not None and band.up_to_km <= before:
            out.append(
                (
                    where + ("up_to_km",),
                    f"up_to_km: the bands must cover increasing distances, but {band.up_to_km:g}"
                    f" km is not beyond the band before ({before:g} km)",
                )
            )
        if band.up_to_km is not None:
            before = max(before, band.up_to_km)
    return out


def place_keys(spec: VisitSpec) -> list[str]:
    keys = [h.id for h in spec.hosts] + [e.id for e in spec.events]
    keys += sorted({stay_key(s) for s in spec.stays})
    keys += [ARRIVAL_KEY] if spec.arrival else []
    keys += [DEPARTURE_KEY] if spec.departure else []
    return keys


# --- pydantic errors -> located, human messages -------------------------------------------------


def _issues_from_validation(exc: ValidationError, doc: YamlDoc, filename: str) -> list[Issue]:
    errors = exc.errors(include_url=False)
    # A misspelt key shows up twice: as an unknown key and as the required key it was meant
    # to be. The "did you mean" line says it all, so the "missing" line is dropped.
    meant: set[Path_] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            near = _suggestion(str(loc[-1]), loc[:-1])
            if near is not None:
                meant.add(loc[:-1] + (near,))
    issues = []
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc in meant:
            continue
        where = data_path(doc.data, loc)
        message = _one_line(_message(err, loc, doc, where))
        issues.append(Issue(filename, doc.line_of(where), message))
    return issues


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _suggestion(key: str, parent: Sequence[str | int]) -> str | None:
    allowed = _allowed_keys(VisitSpec, parent)
    near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if not near:
        lowered = {k.lower(): k for k in allowed}
        near = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
        near = [lowered[n] for n in near]
    return near[0] if near else None


def _show(value: Any) -> str:
    """A value the way it appears in the file, short."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:40]) + "…"
    return str(value)


_LIST_HINT = "a list (items starting with '- ', or [a, b])"
_MAPPING_HINT = "a mapping (indented 'key: value' lines, or {key: value})"
_DATE_HINT = "a date like 2016-05-23"

# What each kind of pydantic error expects, in the words of someone editing the file.
_EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": _LIST_HINT,
    "tuple_type": _LIST_HINT,
    "dict_type": _MAPPING_HINT,
    "model_type": _MAPPING_HINT,
    "model_attributes_type": _MAPPING_HINT,
    "date_type": _DATE_HINT,
    "date_parsing": _DATE_HINT,
    "date_from_datetime_parsing": _DATE_HINT,
    "date_from_datetime_inexact": _DATE_HINT + " (no time of day)",
}

_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _message(err: Any, loc: Path_, doc: YamlDoc, where: Path_) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        near = _suggestion(key, loc[:-1])
        if near is not None:
            return f"unknown key '{key}' — did you mean '{near}'?"
        allowed = _allowed_keys(VisitSpec, loc[:-1])
        return f"unknown key '{key}' (expected one of: {', '.join(allowed)})"

    # The key the problem is about: the last name in the path, or the mapping whose *key*
    # (e.g. a date under trip.days) is wrong.
    names = [p for p in where if isinstance(p, str)]
    field = names[-2] if loc and loc[-1] == "[key]" and len(names) > 1 else None
    field = field or (names[-1] if names else None)
    if kind == "missing":
        if isinstance(loc[-1], int):  # a [lat, lon] pair with one number
            value = _value_at(doc.data, where)
            count = len(value) if isinstance(value, list) else 1
            got = "only 1 number" if count == 1 else f"{count} numbers"
            return f"{field}: expected [latitude, longitude], got {got}"
        return f"missing required key '{loc[-1]}'"

    if kind in ("value_error", "assertion_error"):
        message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if isinstance(_value_at(doc.data, where), dict):  # a check of a whole section
            return message
    elif field == "location" and kind in ("tuple_type", "too_long", "too_short"):
        message = f"expected [latitude, longitude], got {_show(given)}"
        if isinstance(given, list):
            message = f"expected [latitude, longitude], got {counted(len(given), 'number')}"
    elif kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_show(given)}"
        reason = str(ctx.get("error", ""))
        if kind.startswith("date_") and "outside expected range" in reason:
            message += f" (there is no such {reason.split()[0]})"  # "day value is outside …"
        if kind == "string_type" and isinstance(given, int | float):
            message += " (put it in quotes to use it as text)"
    elif kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        limit = ctx.get(key)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        message = f"must be {words} {limit}, got {_show(given)}"
        if field == "capacity" and kind == "greater_than_equal":
            message = (
                f"a host receives at least 1 visitor at once, got {_show(given)} (omit "
                "capacity for no limit; `declined: true` for a host that receives none)"
            )
    elif kind == "literal_error":
        message = f"expected {ctx.get('expected')}, got {_show(given)}"
    else:
        message = str(err["msg"])
        message = message[:1].lower() + message[1:]
        message = message.replace("input should be", "expected", 1)
        message += f", got {_show(given)}"
    return f"{field}: {message}" if field is not None else message


def _allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    node: Any = model
    for part in loc:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = next(
                (f for name, f in node.model_fields.items() if part in (name, f.alias)), None
            )
            if field is None:
                return []
            node = field.annotation
        else:
            args = typing.get_args(node)
            node = args[-1] if args else None
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [f.alias or name for name, f in node.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the model, list or dict inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


# --- checks across sections --------------------------------------------------------------------


def semantic_issues(
    spec: VisitSpec, line_of: Callable[[Path_], int] | None = None
) -> list[tuple[Path_, str]]:
    """Problems no single field shows: coverage of nights, ids, dates outside the trip, the
    `after` and `choices` rules between hosts (`relations`), the sub-groups (`group_issues`).

    `line_of` (path -> source line) lets messages refer to the other place involved by line.
    """
    out: list[tuple[Path_, str]] = []
    trip = spec.trip
    dates = spec.trip_dates()
    first, last = trip.start, trip.end

    where = _where(line_of)

    for date in trip.days:
        if not first <= date <= last:
            out.append(
                (
                    ("trip", "days", date.isoformat()),
                    f"days: {date} is outside the trip dates ({first} to {last})",
                )
            )

    out += _day_hours_issues(spec)
    out += _travel_issues(spec)
    out += _road_issues(spec)
    out += [
        (path, message) for path, message, ambiguous in _wall_clock_times(spec) if not ambiguous
    ]
    id_issues = _id_issues(spec, where)
    out += id_issues
    if not id_issues:  # `after` and `choices` name hosts by id: only once each id is one place
        out += relation_issues(spec, where)
    out += group_issues(spec, where)

    for i, stay in enumerate(spec.stays):
        for j, other in enumerate(spec.stays[:i]):
            if stay.from_ <= other.to and other.from_ <= stay.to:
                out.append(
                    (
                        ("stays", i),
                        f"stay '{stay.name}' (nights {stay.from_} to {stay.to}) overlaps stay "
                        f"'{other.name}' (nights {other.from_} to {other.to}, "
                        f"{where(('stays', j))})",
                    )
                )
    nights = set(dates[:-1])
    if spec.arrival is None:
        nights.add(first)
    if spec.departure is None:
        nights.add(last)
    uncovered = [night for night in sorted(nights) if spec.stay_for_night(night) is None]
    if not spec.needs_stays():
        uncovered = []  # a trip of events only: its days begin and end at an event
    for run_first, run_last in _runs(uncovered):
        what = (
            f"the night of {run_first}"
            if run_first == run_last
            else f"the nights of {run_first} to {run_last}"
        )
        hint = ""
        if run_last == last and spec.departure is None:
            hint = " (with no departure given, the last night needs a stay too)"
        if not spec.stays:
            hint += "; add hotels under stays:"
        out.append((("stays",) if spec.stays else (), f"no stay covers {what}{hint}"))

    for key, endpoint, date in (
        ("arrival", spec.arrival, first),
        ("departure", spec.departure, last),
    ):
        if endpoint is not None and endpoint.time.date() != date:
            out.append(
                (
                    (key, "time"),
                    f"{key} is on {endpoint.time.date()}, not the trip's {key_day(key)} {date}",
                )
            )
    if spec.arrival and spec.departure and spec.departure.time <= spec.arrival.time:
        out.append((("departure", "time"), "departure is not after arrival"))
    elif spec.arrival and spec.departure:
        ready = spec.arrival.time + dt.timedelta(minutes=spec.arrival.minutes)
        due = spec.departure.time - dt.timedelta(minutes=spec.departure.minutes)
        if due < ready:
            out.append(
                (
                    ("departure", "minutes") if spec.departure.minutes else ("arrival", "minutes"),
                    f"the coach may leave {spec.arrival.place} only at {ready:%Y-%m-%d %H:%M} "
                    f"(arrival.minutes: {spec.arrival.minutes}) but must reach "
                    f"{spec.departure.place} by {due:%Y-%m-%d %H:%M} "
                    f"(departure.minutes: {spec.departure.minutes})",
                )
            )

    events = sorted(enumerate(spec.events), key=lambda ie: ie[1].start)
    for i, event in events:
        date = event.start.date()
        if not first <= date <= last:
            out.append(
                (
                    ("events", i, "start"),
                    f"event '{event.id}' on {date} is outside the trip dates ({first} to {last})",
                )
            )
            continue
        day_start, day_end = spec.day_bounds(date)
        start_m = event.start.hour * 60 + event.start.minute
        end_m = start_m + int((event.end - event.start).total_seconds() // 60)
        if start_m < day_start or end_m > day_end:
            early = start_m < day_start
            fix = (
                f'start: "{format_time_of_day(start_m)}"'
                if early
                else f'end: "{format_time_of_day(min(end_m, 1440))}"'
            )
            out.append(
                (
                    ("events", i, "start" if early else "end"),
                    f"event '{event.id}' ({_span(event.start, event.end)}) is outside the day's"
                    f" hours {format_time_of_day(day_start)}–{format_time_of_day(day_end)}"
                    f" on {date}; to allow it, set trip.days for {date} to {{{fix}}}",
                )
            )
    # Compare each event with the latest-ending one before it, so that an event inside a long
    # one is caught even when a short event lies between them.
    latest: tuple[int, Any] | None = None
    for j, b in events:
        if latest is not None and b.start < latest[1].end:
            i, a = latest
            out.append(
                (
                    ("events", j, "start"),
                    f"event '{b.id}' ({_span(b.start, b.end)}) overlaps event '{a.id}'"
                    f" ({_span(a.start, a.end)}, {where(('events', i))})",
                )
            )
        if latest is None or b.end > latest[1].end:
            latest = (j, b)
    out += _closed_issues(spec, where)
    out += size_issues(spec)
    return out


def letter_warnings(loaded: Loaded) -> list[Issue]:
    """What `validate` says of the host letters: unsigned without an `organiser`."""
    spec = loaded.spec
    if spec.organiser is not None or not spec.hosts:
        return []
    message = (
        "no `organiser`: host letters will be signed with the delegation's name only "
        "(add organiser: {name, organisation, email, phone})"
    )
    return [Issue(loaded.source, 1, message)]


def _closed_issues(spec: VisitSpec, where: Callable[[Path_], str]) -> list[tuple[Path_, str]]:
    """An `open` window listing a date the host's `closed` closes: which one is meant cannot
    be known."""
    out: list[tuple[Path_, str]] = []
    for i, host in enumerate(spec.hosts):
        for j, window in enumerate(host.open or ()):
            for date in window.dates or ():
                k = next((k for k, c in enumerate(host.closed) if c.from_ <= date <= c.to), None)
                if k is not None:
                    out.append(
                        (
                            ("hosts", i, "open", j, "dates"),
                            f"host '{host.id}' has an open window on {date}, a date its `closed` "
                            f"list closes ({where(('hosts', i, 'closed', k))}); remove one of them",
                        )
                    )
    return out


def _where(line_of: Callable[[Path_], int] | None) -> Callable[[Path_], str]:
    """How a message names another place of the file: by its line, or without lines by its
    path ("hosts[2]")."""

    def where(path: Path_) -> str:
        if line_of is not None:
            return f"line {line_of(path)}"
        return f"{path[0]}[{path[1]}]" if len(path) > 1 else str(path[0])

    return where


def semantic_warnings(
    spec: VisitSpec, line_of: Callable[[Path_], int] | None = None
) -> list[tuple[Path_, str]]:
    """What is valid but read in one of two ways: a local time that occurs twice; a must-visit
    that is open during the trip only on days it is closed; the sub-groups' notes
    (`group_warnings`: groups over their size or short of the delegation)."""
    out = [(path, message) for path, message, ambiguous in _wall_clock_times(spec) if ambiguous]
    return out + _closure_warnings(spec) + group_warnings(spec, _where(line_of))


def _closure_warnings(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """A must-visit whose opening hours fall during the trip only on public holidays or its
    closed dates: it cannot be planned, which the organiser should learn before planning."""
    out: list[tuple[Path_, str]] = []
    dates = spec.trip_dates()
    for i, host in enumerate(spec.hosts):
        if not host.must or not (host.closed or host_region(spec, host)):
            continue
        if any(opening_windows(spec, host, date) for date in dates):
            continue
        shut = closures_in_trip(spec, host)
        if not shut:
            continue  # closed every trip day by its hours alone: the plan says so
        days = ", ".join(
            f"{c.date} (a public holiday in {c.region}: {c.holiday['en']})"
            if c.holiday
            else f"{c.date} (listed in `closed`)"
            for c in shut
        )
        key = "closed" if all(c.holiday is None for c in shut) else "holidays"
        path: Path_ = ("hosts", i, key) if getattr(host, key) else ("hosts", i)
        out.append(
            (
                path,
                f"must-visit '{host.id}' is open during the trip only on days it is closed: "
                f"{days}; it cannot be planned (an `open` window with `dates` opens it on a "
                "public holiday)",
            )
        )
    return out


def _day_hours_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """A per-date override that leaves its day no hours (a start after the day's end): the
    same mistake in `trip.day` is refused by its model."""
    out: list[tuple[Path_, str]] = []
    for date, override in sorted(spec.trip.days.items()):
        start, end = spec.day_bounds(date)
        if end > start:
            continue
        key = "start" if override.start is not None else "end"
        out.append(
            (
                ("trip", "days", date.isoformat(), key),
                f"days: {date} would run from {format_time_of_day(start)} to "
                f"{format_time_of_day(end)}, which leaves it no hours; give it an end after "
                "its start",
            )
        )
    return out


# The largest trip the planner supports (README, "Supported size"), refused beyond, before
# planning. Within it `plan --time-limit 5` ends on time: its fixed work (start-up, reading the
# file, the first plan, printing a reason for every host left out) fits in 5 s at 500 hosts over
# 10 days, not at 1,000 (up to 6.5 s), and a default plan takes seconds and under 200 MB
# (benchmarks/README.md, "Time limits and the default budget").
MAX_HOSTS = 500
MAX_EVENTS = 200
MAX_VISIT_SLOTS = 5_000  # a host's opening window on one trip day


def size_issues(spec: VisitSpec) -> list[tuple[Path_, str]]:
    """A trip beyond the supported size, located at its `hosts` (or `events`) key."""
    out: list[tuple[Path_, str]] = []
    for key, count, limit in (
        ("hosts", len(spec.hosts), MAX_HOSTS),
        ("events", len(spec.events), MAX_EVENTS),
    ):
        if count > limit:
            out.append(
                ((key,), f"{count:,} {key}: the planner supports at most {limit:,} in one trip")
            )
    if out:
        return out
    slots = visit_slots(spec)
    if slots > MAX_VISIT_SLOTS:
        days = len(spec.trip_dates())
        out.append(
            (
                ("hosts",),
                f"the hosts' opening windows give {slots:,} visit slots over the trip's "
                f"{counted(days, 'day')} (one per window and day); the planner supports at most "
                f"{MAX_VISIT_SLOTS:,}: plan fewer days or hosts at a time",
            )
        )
    return out


def _wall_clock_times(spec: VisitSpec) -> list[tuple[Path_, str, bool]]:
    """Local times the trip's time zone skips (clocks go forward: an error) or has twice
    (clocks go back: taken as the first, with a warning): (path, message, ambiguous)."""
    tz = ZoneInfo(spec.trip.timezone)
    moments: list[tuple[Path_, dt.datetime]] = []
    for key in ("arrival", "departure"):
        endpoint = getattr(spec, key)
        if endpoint is not None:
            moments.append(((key, "time"), endpoint.time))
    for i, event in enumerate(spec.events):
        moments += [(("events", i, "start"), event.start), (("events", i, "end"), event.end)]
    for date in spec.trip_dates():
        override = spec.trip.days.get(date)
        for key, minute in zip(("start", "end"), spec.day_bounds(date), strict=True):
            given = override is not None and getattr(override, key) is not None
            path: Path_ = ("trip", "days", date.isoformat(), key) if given else ("trip", "day", key)
            local = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)
            moments.append((path, local))
    out: list[tuple[Path_, str, bool]] = []
    for path, local in moments:
        kind = wall_clock_kind(local, tz)
        if kind is None:
            continue
        before, after = _shift_around(local, tz)
        shown = f"{local:%Y-%m-%d %H:%M}"
        if kind == "missing":
            message = (
                f"{shown} does not exist in {spec.trip.timezone}: the clocks go forward from "
                f"{before:%H:%M} to {after:%H:%M} that night; choose a time outside that hour"
            )
        else:
            first = local.replace(tzinfo=tz, fold=0)
            message = (
                f"{shown} occurs twice in {spec.trip.timezone} (the clocks go back from "
                f"{after:%H:%M} to {before:%H:%M} that night); taken as the first, "
                f"{first:%H:%M} UTC{first:%z}"
            )
        out.append((path, message, kind == "ambiguous"))
    return out


def wall_clock_kind(local: dt.datetime, tz: ZoneInfo) -> str | None:
    """ "missing" for a local time that a DST change skips, "ambiguous" for one it repeats,
    None for an ordinary time."""
    early, late = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return None
    back = early.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return "ambiguous" if back == local else "missing"


def _shift_around(local: dt.datetime, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The wall-clock span a DST change skips or repeats around `local`: (first affected
    minute, first minute after it), found minute by minute (a change spans at most hours)."""
    step = dt.timedelta(minutes=1)
    kind = wall_clock_kind(local, tz)
    first = local
    while wall_clock_kind(first - step, tz) == kind:
        first -= step
    after = local + step
    while wall_clock_kind(after, tz) == kind:
        after += step
    return first, after


def journey_issues(spec: VisitSpec, travel: TravelModel) -> list[tuple[Path_, str]]:
    """A day whose direct journey would run into the next day (an evening arrival far from
    the hotel, a departure journey of a day): the group cannot be in two places at once."""
    clock = Clock(spec.trip.timezone, spec.trip.start)
    frames = day_frames(spec)

    def direct(frame: DayFrame) -> int:
        a, b = frame.start, frame.end
        return travel.minutes(a.key, a.location, b.key, b.location)

    out: list[tuple[Path_, str]] = []
    for overlap in overlaps(spec, clock, direct):
        day, following = frames[overlap.index], frames[overlap.index + 1]
        journey = format_duration(overlap.journey)
        if overlap.pulled_next:
            path: Path_ = ("departure", "time")
            message = (
                f"the journey from {following.start.name} to {following.end.name} takes "
                f"{journey} and would have to begin at {_when(clock, overlap.next_start)}, "
                f"before the day before ends ({_when(clock, overlap.end)}); check the travel "
                "time, or leave later"
            )
        else:
            if day.arrival is not None:
                path = ("arrival", "time")
            else:
                path = _stay_path(spec, day.end.key)
            message = (
                f"the journey from {day.start.name} to {day.end.name} on {day.date} takes "
                f"{journey} and would end at {_when(clock, overlap.end)}, after the next day "
                f"begins ({_when(clock, overlap.next_start)}); check the travel time or the "
                "places, or begin the next day later (trip.days)"
            )
        out.append((path, message))
    return out


@dataclass(frozen=True)
class _Pinned:
    """A visit or event at a fixed time, for `confirmed_issues`."""

    path: Path_
    what: str  # "host 'miele'", "event 'dinner'"
    key: str
    location: tuple[float, float]
    start: int  # minutes on the trip's clock
    end: int
    confirmed: bool


def confirmed_issues(
    spec: VisitSpec, travel: TravelModel, line_of: Callable[[Path_], int]
) -> list[tuple[Path_, str]]:
    """Confirmed visits (`hosts[].confirmed`) that no longer fit: on no day of the trip,
    outside the host's opening hours (or on a closed date or a public holiday), outside the
    day's bounds with the journey from its start place and back to its end place, overlapping
    an event or another confirmed visit, or too far from one to be reached in time. Each
    message names both items (the other by its line)."""
    confirmed = [(i, h) for i, h in enumerate(spec.hosts) if h.confirmed is not None]
    if not confirmed:
        return []
    clock = Clock(spec.trip.timezone, spec.trip.start)
    frames = {frame.date: frame for frame in day_frames(spec)}
    where = _where(line_of)

    def hm(m: int) -> str:
        return f"{clock.local(m):%H:%M}"

    out: list[tuple[Path_, str]] = []
    # By date and group: with sub-groups, only one group's items must fit around each other.
    pinned: dict[tuple[dt.date, str], list[_Pinned]] = {}
    for i, host in confirmed:
        assert host.confirmed is not None
        path: Path_ = ("hosts", i, "confirmed")
        when = f"{host.confirmed:%Y-%m-%d %H:%M}"
        date = host.confirmed.date()
        frame = frames.get(date)
        if frame is None:
            out.append(
                (
                    path,
                    f"host '{host.id}' is confirmed for {when}, on no day of the trip "
                    f"({spec.trip.start} to {spec.trip.end}, {where(('trip', 'start'))})",
                )
            )
            continue
        start = clock.minutes(host.confirmed)
        end = start + host.duration
        local_start = host.confirmed.hour * 60 + host.confirmed.minute
        windows = opening_windows(spec, host, date)
        open_path: Path_ = ("hosts", i, "open") if host.open is not None else ("hosts", i)
        if not windows:
            # Pointing where the closure is set, as `_closure_warnings` does.
            closure = closure_on(spec, host, date)
            see: Path_
            if closure is not None and closure.holiday:
                why = f"a public holiday in {closure.region} ({closure.holiday['en']})"
                see = ("hosts", i, "holidays") if host.holidays else ("trip", "holidays")
            elif closure is not None:
                why, see = "one of its closed dates", ("hosts", i, "closed")
            else:
                why, see = "a day it is not open", open_path
            out.append(
                (
                    path,
                    f"host '{host.id}' is confirmed for {when}, but {date} is {why} ({where(see)})",
                )
            )
            continue
        if not any(a <= local_start and local_start + host.duration <= b for a, b in windows):
            hours = ", ".join(
                f"{format_time_of_day(a)}–{format_time_of_day(b)}" for a, b in windows
            )
            out.append(
                (
                    path,
                    f"host '{host.id}' is confirmed for {when}–"
                    f"{format_time_of_day(local_start + host.duration)}, outside its opening "
                    f"hours on {date} ({hours}, {where(open_path)})",
                )
            )
            continue
        direct = travel.minutes(
            frame.start.key, frame.start.location, frame.end.key, frame.end.location
        )
        earliest, latest = day_bounds(spec, frame, clock, direct)
        go = travel.minutes(frame.start.key, frame.start.location, host.id, host.location)
        back = travel.minutes(host.id, host.location, frame.end.key, frame.end.location)
        if earliest + go > start:
            out.append(
                (
                    path,
                    f"host '{host.id}' is confirmed for {when}, but the day begins at "
                    f"{hm(earliest)} at {frame.start.name} and the journey there takes "
                    f"{format_duration(go)} (arriving at {hm(earliest + go)}); see "
                    f"{where(_day_path(spec, date, frame, start=True))}",
                )
            )
            continue
        if end + back > latest:
            out.append(
                (
                    path,
                    f"host '{host.id}' is confirmed for {when}–{hm(end)}, but the day ends at "
                    f"{hm(latest)} at {frame.end.name} and the journey there takes "
                    f"{format_duration(back)} (arriving at {hm(end + back)}); see "
                    f"{where(_day_path(spec, date, frame, start=False))}",
                )
            )
            continue
        group = grouping.ALL
        if not grouping.together_on(spec, date):
            group = next(iter(grouping.host_groups(spec, host)), grouping.ALL)
        pinned.setdefault((date, group), []).append(
            _Pinned(path, f"host '{host.id}'", host.id, host.location, start, end, True)
        )
    for j, event in enumerate(spec.events):
        date = event.start.date()
        for group in grouping.event_groups(spec, event):
            if (date, group) not in pinned:
                continue
            pinned[(date, group)].append(
                _Pinned(
                    ("events", j, "start"),
                    f"event '{event.id}'",
                    event.id,
                    event.location,
                    clock.minutes(event.start),
                    clock.minutes(event.end),
                    False,
                )
            )
    for items in pinned.values():
        items.sort(key=lambda p: (p.start, p.end))
        for k, b in enumerate(items):
            for a in items[:k]:
                if not (a.confirmed or b.confirmed):
                    continue  # two events: their own checks
                mine, other = (b, a) if b.confirmed else (a, b)
                if b.start < a.end:
                    out.append(
                        (
                            mine.path,
                            f"{mine.what} ({hm(mine.start)}–{hm(mine.end)}) overlaps "
                            f"{other.what} ({hm(other.start)}–{hm(other.end)}, "
                            f"{where(other.path)})",
                        )
                    )
                    continue
                move = travel.minutes(a.key, a.location, b.key, b.location)
                if a.end + move > b.start:
                    out.append(
                        (
                            mine.path,
                            f"the group cannot be at {b.what} by {hm(b.start)} after {a.what} "
                            f"ends at {hm(a.end)}: the journey takes {format_duration(move)} "
                            f"({where(other.path)})",
                        )
                    )
    return sorted(out, key=lambda pm: line_of(pm[0]))


def _day_path(spec: VisitSpec, date: dt.date, frame: DayFrame, *, start: bool) -> Path_:
    """Where the visit file sets the bound of a day: the arrival or departure, the day's own
    hours, or the trip's."""
    if start and frame.arrival is not None:
        return ("arrival", "time")
    if not start and frame.departure is not None:
        return ("departure", "time")
    if date in spec.trip.days:
        return ("trip", "days", date.isoformat())
    return ("trip", "day")


def _when(clock: Clock, minutes: int) -> str:
    return f"{clock.local(minutes):%H:%M on %Y-%m-%d}"


def _stay_path(spec: VisitSpec, key: str) -> Path_:
    index = next((i for i, s in enumerate(spec.stays) if stay_key(s) == key), None)
    return ("stays", index) if index is not None else ("stays",)


def _id_issues(spec: VisitSpec, where: Callable[[Path_], str]) -> list[tuple[Path_, str]]:
    """Every id names one place: in the travel matrix, in the plan and in the exports' file
    names. A stay without `id` gets one made from its name, so two hotels of one chain ("ibis
    Styles" in Paderborn and in Berlin), or a hotel called "Arrival", would silently become one
    place. The same hotel listed twice (same name, location and address) is one place and may
    share its id. Ids that differ only in case are refused too: they would share a file name
    on the file systems of Windows and macOS."""
    out: list[tuple[Path_, str]] = []
    # (id, where the id comes from, what the line is, the stay's identity or None)
    named: list[tuple[str, Path_, str, tuple[Any, ...] | None]] = []
    named += [(h.id, ("hosts", i, "id"), f"host '{h.id}'", None) for i, h in enumerate(spec.hosts)]
    named += [
        (e.id, ("events", i, "id"), f"event '{e.id}'", None) for i, e in enumerate(spec.events)
    ]
    for i, stay in enumerate(spec.stays):
        path: Path_ = ("stays", i, "id") if stay.id else ("stays", i, "name")
        named.append((stay_key(stay), path, f"stay '{stay.name}'", _stay_identity(stay)))
    seen: dict[str, tuple[str, Path_, str, tuple[Any, ...] | None]] = {}
    for ident, path, what, identity in named:
        generated = path[0] == "stays" and path[-1] == "name"
        from_name = f"{what} gets the id '{ident}' from its name" if generated else None
        if ident in (ARRIVAL_KEY, DEPARTURE_KEY):
            if from_name:
                out.append(
                    (
                        path,
                        f"{from_name}, which is reserved for the {ident} place; "
                        "give the stay an `id:`",
                    )
                )
            else:
                out.append((path, f"id '{ident}' is reserved for the arrival/departure place"))
            continue
        first = seen.get(ident.lower())
        if first is None:
            seen[ident.lower()] = (ident, path, what, identity)
            continue
        first_id, first_path, first_what, first_identity = first
        if identity is not None and first_identity == identity and first_id == ident:
            continue  # the same hotel on two stretches of nights: one place
        if from_name or (first_path[0] == "stays" and first_path[-1] == "name"):
            subject = from_name or f"{what} has the id '{ident}'"
            out.append(
                (
                    path,
                    f"{subject}, which {first_what} ({where(first_path)}) also has; "
                    "give each stay its own `id:`",
                )
            )
        elif first_id != ident:
            out.append(
                (
                    path,
                    f"id '{ident}' differs only in case from '{first_id}' "
                    f"({where(first_path)}); ids must differ in more than case",
                )
            )
        else:
            out.append((path, f"duplicate id '{ident}' (first used at {where(first_path)})"))
    return out


def _stay_identity(stay: Any) -> tuple[Any, ...]:
    return (stay.name, tuple(stay.location), stay.address)


def visit_slots(spec: VisitSpec) -> int:
    """The trip's size as the planner sees it: per host and trip day, the host's distinct
    opening windows that day (one for a host without `open`). Found per weekday and listed date
    first, so a long `open` list is read once, not once per day."""
    dates = spec.trip_dates()
    total = 0
    for host in spec.hosts:
        if host.open is None:
            total += len(dates)
            continue
        by_weekday: dict[str, set[tuple[int, int]]] = {}
        by_date: dict[dt.date, set[tuple[int, int]]] = {}
        for window in host.open:
            span = (window.from_, window.to)
            for day in window.days or ():
                by_weekday.setdefault(day, set()).add(span)
            for date in window.dates or ():
                by_date.setdefault(date, set()).add(span)
        for date in dates:
            weekday = by_weekday.get(WEEKDAYS[date.weekday()], set())
            listed = by_date.get(date)
            total += len(weekday | listed) if listed else len(weekday)
    return total


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """'14:00–15:00', or with the end's date when it is another day (events ending at 24:00)."""
    end_text = "24:00" if end.date() != start.date() else f"{end:%H:%M}"
    return f"{start:%H:%M}–{end_text}"


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted dates -> (first, last) of each run of consecutive dates."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def key_day(key: str) -> str:
    return "first day" if key == "arrival" else "last day"
