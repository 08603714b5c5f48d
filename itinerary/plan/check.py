"""The plan checker: re-verifies a Plan against the trip, rule by rule, without the solver.

It works on the Plan (dated, aware datetimes) and the spec only — it never imports the solver,
the compiler, the scheduler or `rules.py` (the solver's reference of the same rules), and must
not — so a bug there cannot hide here. Every plan the tests produce and every plan the CLI
prints goes through it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from ..input.closures import closure_on, holiday_names, opening_windows
from ..input.load import Loaded
from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, Host, VisitSpec, stay_key
from . import (
    CheckInItem,
    EndItem,
    EventItem,
    Item,
    LunchItem,
    Plan,
    RestItem,
    StartItem,
    TravelItem,
    VisitItem,
)


@dataclass(frozen=True)
class Violation:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_UTC = dt.UTC
_M = TypeVar("_M", bound=BaseModel)
_TIME_FIELDS = ("time", "start", "end")


def _local(date: dt.date, minute_of_day: int, tz: ZoneInfo) -> dt.datetime:
    """A local wall-clock time as a UTC instant (aware datetimes sharing one tzinfo compare by
    wall clock in Python, which is wrong across a DST change; UTC never is)."""
    naive = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute_of_day)
    return naive.replace(tzinfo=tz).astimezone(_UTC)


def _at(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return naive.replace(tzinfo=tz).astimezone(_UTC)


def _in_utc(item: _M) -> _M:
    update = {f: getattr(item, f).astimezone(_UTC) for f in _TIME_FIELDS if hasattr(item, f)}
    return item.model_copy(update=update)


def _language_problem(item: VisitItem, host: Host, spec: VisitSpec) -> str | None:
    """What is wrong with the language a visit is said to be held in: it must be one the host
    speaks and, when the delegation's languages are known, one it speaks too, unless they share
    none and the visit is marked `interpreter`."""
    own = host.language or spec.trip.language
    offered = {own, *(host.languages or ())}
    if item.language != own:
        return f"its letter's language is {item.language}, not the host's {own}"
    if item.held_in not in offered:
        return f"held in {item.held_in}, which the host does not offer"
    spoken = spec.delegation.languages
    if spoken is None:
        if item.interpreter:
            return "marked as needing an interpreter, but the group's languages are unknown"
        return None
    if offered & set(spoken):
        if item.held_in not in spoken:
            return f"held in {item.held_in}, which the delegation does not speak"
        if item.interpreter:
            return "marked as needing an interpreter, but host and delegation share a language"
        return None
    if not item.interpreter:
        return "host and delegation share no language, but no interpreter is marked"
    return None


def _minutes(a: dt.datetime, b: dt.datetime) -> int:
    return int((b - a).total_seconds() // 60)


def check_plan(plan: Plan, loaded: Loaded) -> list[Violation]:
    spec = loaded.spec
    tz = ZoneInfo(spec.trip.timezone)
    out: list[Violation] = []
    places = _places(spec)
    grid = spec.trip.round_minutes

    def travel(a: str, b: str) -> int:
        return loaded.travel.minutes(a, places[a], b, places[b])

    dates = spec.trip_dates()
    if [t.date for t in plan.tracks] != dates:
        out.append(
            Violation(
                "plan", f"tracks cover {[str(t.date) for t in plan.tracks]}, not the trip dates"
            )
        )

    hosts = {h.id: h for h in spec.hosts}
    events = {e.id: e for e in spec.events}
    visited: dict[str, int] = {}
    attended: set[str] = set()
    # (start, end, where) in UTC of every visit and event, for the rules between hosts
    times: dict[str, tuple[dt.datetime, dt.datetime, str]] = {}
    travel_total = 0
    hotel_total = 0  # what the hotel stops in the middle of days add to the routes

    for track in plan.tracks:
        where = f"{track.date}/{track.group}"
        items = track.items
        holiday = holiday_names(spec.trip.holidays, track.date)
        if track.holiday != holiday:
            shown = "none" if holiday is None else repr(holiday["en"])
            out.append(
                Violation(where, f"the day's public holiday is {shown}, not as the plan says")
            )

        def hm(t: dt.datetime) -> str:
            return f"{t.astimezone(tz):%H:%M}"

        def bad(msg: str, where: str = where) -> None:
            out.append(Violation(where, msg))

        if (
            len(items) < 2
            or not isinstance(items[0], StartItem)
            or not isinstance(items[-1], EndItem)
        ):
            bad("a day must begin with a start item and end with an end item")
            continue
        if any(isinstance(i, StartItem | EndItem) for i in items[1:-1]):
            bad("start/end items in the middle of the day")

        # every time is correct local time with its offset, and stays on this date
        for item in items:
            for t in _times(item):
                if t.tzinfo is None or t.utcoffset() != t.astimezone(tz).utcoffset():
                    bad(f"{t.isoformat()} does not carry the trip time zone's UTC offset")
        start_item, end_item = _in_utc(items[0]), _in_utc(items[-1])
        items = [start_item, *(_in_utc(i) for i in items[1:-1]), end_item]
        # chronology
        clock = start_item.time
        for item in items[1:-1]:
            if isinstance(item, StartItem | EndItem):
                continue  # reported above; it has a time, not a start and an end
            start, end = item.start, item.end
            if start < clock:
                bad(f"{item.type} at {hm(start)} overlaps what comes before (until {hm(clock)})")
            if end < start:
                bad(f"{item.type} ends before it starts")
            clock = max(clock, end)
        if end_item.time < clock:
            bad(f"the day ends at {hm(end_item.time)}, before its last item ends ({hm(clock)})")

        # day bounds and start/end places
        first, last = track.date == dates[0], track.date == dates[-1]
        exp_start, exp_end = _expected_places(spec, track.date, first, last)
        if start_item.key != exp_start:
            bad(f"starts at {start_item.key}, expected {exp_start}")
        if end_item.key != exp_end:
            bad(f"ends at {end_item.key}, expected {exp_end}")
        day_start, day_end = spec.day_bounds(track.date)
        earliest = _local(track.date, day_start, tz)
        latest = _local(track.date, day_end, tz)
        # The coach leaves `arrival.minutes` after landing and must reach the departure place
        # `departure.minutes` before the flight: those are the journey's bounds.
        baggage = dt.timedelta()
        if first and spec.arrival:
            baggage = dt.timedelta(minutes=spec.arrival.minutes)
            earliest = _at(spec.arrival.time, tz) + baggage
        if last and spec.departure:
            departs = _at(spec.departure.time, tz)
            latest = departs - dt.timedelta(minutes=spec.departure.minutes)
            if end_item.departs is not None and end_item.departs != departs:
                bad(f"the departure is at {hm(departs)}, not {hm(end_item.departs)}")
        elif end_item.departs is not None:
            bad("a departure time on a day that does not end with the departure")
        direct = (
            dt.timedelta(minutes=travel(exp_start, exp_end))
            if exp_start in places and exp_end in places
            else dt.timedelta()
        )
        if latest - earliest < direct:  # the day's own journey must fit: move the free end
            if last and spec.departure:
                earliest = latest - direct
            else:
                latest = earliest + direct
        if start_item.time < earliest - baggage:
            bad(f"starts at {hm(start_item.time)}, before the day may start ({hm(earliest)})")
        for item in items[1:-1]:
            if not isinstance(item, StartItem | EndItem) and item.start < earliest:
                bad(f"{item.type} at {hm(item.start)}, before the day may start ({hm(earliest)})")
        # A check-in at the end of the day follows the arrival and may run past the day's end
        # (`day.end` is when the group is back at the hotel); everything else may not.
        finished = max(
            [start_item.time]
            + [i.end for i in items[1:-1] if not isinstance(i, CheckInItem | StartItem | EndItem)]
        )
        check_in_ends = [i.end for i in items[1:-1] if isinstance(i, CheckInItem)]
        if finished > latest or end_item.time > max([latest, *check_in_ends]):
            bad(
                f"ends at {hm(max(finished, end_item.time))}, after the day must end ({hm(latest)})"
            )

        # movement: every change of place is covered by travel of the right length
        here, heading, done = start_item.key, None, 0
        for item in items[1:]:
            if isinstance(item, TravelItem):
                travel_total += item.minutes
                if _minutes(item.start, item.end) != item.minutes:
                    bad(
                        f"travel {item.from_}→{item.to} lasts "
                        f"{_minutes(item.start, item.end)} min, says {item.minutes}"
                    )
                if heading is None:
                    if item.from_ != here:
                        bad(f"travel leaves from {item.from_} but the group is at {here}")
                    heading, done = item.to, 0
                elif item.to != heading:
                    bad(f"travel to {item.to} before reaching {heading}")
                done += item.minutes
                if done >= travel(here, heading):
                    if done > travel(here, heading):
                        bad(
                            f"travel {here}→{heading} takes {travel(here, heading)} min, "
                            f"plan says {done}"
                        )
                    here, heading = heading, None
                continue
            if isinstance(item, RestItem | CheckInItem):
                if heading is not None or item.at != here:
                    where_now = here if heading is None else "on the way"
                    bad(f"{item.type} at {item.at} but the group is at {where_now}")
                continue
            if isinstance(item, LunchItem):
                if item.at is not None and heading is None and item.at in places:
                    if item.at != here and travel(here, item.at) == 0:
                        here = item.at  # two names for one spot: no travel item is due
                if item.at is None and heading is None:
                    bad("lunch 'on the way' but the group is not travelling")
                if item.at is not None and (heading is not None or item.at != here):
                    bad(
                        f"lunch at {item.at} but the group is at "
                        f"{here if heading is None else 'on the way'}"
                    )
                continue
            key = item.key if isinstance(item, StartItem | EndItem) else item.id
            if key not in places:
                bad(f"unknown place {key}")
                continue
            if heading is not None:
                bad(f"reaches {key} while still travelling to {heading}")
                here, heading = heading, None
            if here != key:
                need = travel(here, key)
                if need > 0:
                    bad(f"no travel from {here} to {key} ({need} min needed)")
                here = key

        # visits and events
        for item in items:
            if isinstance(item, VisitItem):
                host = hosts.get(item.id)
                if host is None:
                    bad(f"visit to unknown host {item.id}")
                    continue
                visited[item.id] = visited.get(item.id, 0) + 1
                times.setdefault(item.id, (item.start, item.end, where))
                if _minutes(item.start, item.end) != host.duration:
                    bad(
                        f"visit {item.id} lasts {_minutes(item.start, item.end)} min, "
                        f"not {host.duration}"
                    )
                if host.declined:
                    bad(f"visit {item.id}: the host declined; it may not be in the plan")
                if host.confirmed is not None:
                    # Confirmed: exactly then, even off the grid (the host accepted that time).
                    confirmed = _at(host.confirmed, tz)
                    if item.start != confirmed:
                        bad(
                            f"visit {item.id} starts at {track.date} {hm(item.start)}, not at "
                            f"its confirmed time {host.confirmed:%Y-%m-%d %H:%M}"
                        )
                elif _off_grid(item.start.astimezone(tz), grid):
                    bad(f"visit {item.id} starts at {hm(item.start)}, off the {grid}-minute grid")
                # The windows of that date as the visit file means them (`input.closures`,
                # shared with compile as the one reading of `open`, `closed` and `holidays`):
                # none on a closed date or a public holiday the host is not opened for.
                windows = opening_windows(spec, host, track.date)
                if not windows:
                    closure = closure_on(spec, host, track.date)
                    why = (
                        f"a public holiday ({closure.holiday['en']})"
                        if closure is not None and closure.holiday
                        else "one of its closed dates"
                        if closure is not None
                        else "a day it is not open"
                    )
                    bad(f"visit {item.id} on {track.date}, {why}")
                elif not any(
                    _local(track.date, a, tz) <= item.start
                    and item.end <= _local(track.date, b, tz)
                    for a, b in windows
                ):
                    bad(
                        f"visit {item.id} {hm(item.start)}–{hm(item.end)} is not inside "
                        "an open window"
                    )
                language = _language_problem(item, host, spec)
                if language:
                    bad(f"visit {item.id}: {language}")
            elif isinstance(item, EventItem):
                event = events.get(item.id)
                if event is None:
                    bad(f"unknown event {item.id}")
                    continue
                attended.add(item.id)
                times.setdefault(item.id, (item.start, item.end, where))
                if (item.start, item.end) != (_at(event.start, tz), _at(event.end, tz)):
                    bad(f"event {item.id} is not at its fixed time")
                if event.start.date() != track.date:
                    bad(f"event {item.id} is on the wrong day")

        out.extend(
            Violation(where, message)
            for message in _stay_violations(spec, items, exp_start, exp_end, hm)
        )
        hotel_total += _hotel_travel(items, places, travel)

        # lunch
        lunches = [i for i in items if isinstance(i, LunchItem)]
        lunch = spec.trip.lunch
        if lunch is not None:
            f, t = _local(track.date, lunch.from_, tz), _local(track.date, lunch.to, tz)
            for item in lunches:
                if _off_grid(item.start.astimezone(tz), grid):
                    bad(f"lunch starts at {hm(item.start)}, off the {grid}-minute grid")
                if _minutes(item.start, item.end) != lunch.minutes:
                    bad(f"lunch lasts {_minutes(item.start, item.end)} min, not {lunch.minutes}")
                if item.start < f or item.end > t:
                    bad(f"lunch {hm(item.start)}–{hm(item.end)} is outside {hm(f)}–{hm(t)}")
            if len(lunches) > 1:
                bad("more than one lunch")
            # Fixed points: events, and visits at a confirmed time (compile's lunch trial too).
            attended_here: list[EventItem | VisitItem] = [
                i
                for i in items
                if isinstance(i, EventItem)
                or (
                    isinstance(i, VisitItem) and i.id in hosts and hosts[i.id].confirmed is not None
                )
            ]
            if not lunches and _lunch_needed(
                spec, track.date, tz, earliest, latest, exp_start, exp_end, attended_here, travel
            ):
                bad("no lunch, though the day has room for it")
        elif lunches:
            bad("lunch in a trip without lunch")

    # the days follow one another: the group cannot begin a day before it has ended the last
    for before, after in itertools.pairwise(plan.tracks):
        if len(before.items) < 2 or len(after.items) < 2:
            continue
        ending, beginning = before.items[-1], after.items[0]
        if (
            isinstance(ending, EndItem)
            and isinstance(beginning, StartItem)
            and ending.time > beginning.time
        ):
            out.append(
                Violation(
                    f"{after.date}/{after.group}",
                    f"begins at {beginning.time.astimezone(tz):%Y-%m-%d %H:%M}, before the day "
                    f"before ends ({ending.time.astimezone(tz):%Y-%m-%d %H:%M})",
                )
            )

    # the whole plan
    unscheduled = {u.id for u in plan.unscheduled}
    for host in spec.hosts:
        count = visited.get(host.id, 0) + (host.id in unscheduled)
        if count != 1:
            out.append(
                Violation("plan", f"host {host.id} is visited/listed {count} times, not once")
            )
    for event in spec.events:
        if (event.id in attended) + (event.id in unscheduled) != 1:
            out.append(
                Violation("plan", f"event {event.id} is neither attended nor listed as unscheduled")
            )
    out += _order_violations(spec, times, tz)
    unmet = []
    for choice in spec.choices:
        chosen = [h for h in choice.one_of if h in visited]
        if len(chosen) > 1:
            listed = ", ".join(chosen[:-1]) + " and " + chosen[-1]
            out.append(
                Violation(
                    "plan",
                    f"{listed} are {'both' if len(chosen) == 2 else 'all'} in the plan, but the "
                    "choice one_of "
                    f"[{', '.join(choice.one_of)}] allows at most one",
                )
            )
        if choice.must and not chosen:
            unmet.append(list(choice.one_of))
    recorded = [c.one_of for c in plan.unmet()]
    if recorded != unmet:
        out.append(
            Violation(
                "plan", f"unmet_choices lists {recorded}, but the must choices unmet are {unmet}"
            )
        )
    missing_required = [h.id for h in spec.hosts if h.required and h.id in unscheduled]
    missing_required += [e.id for e in spec.events if e.id in unscheduled]
    status = "partial" if missing_required or unmet else "complete"
    if plan.status != status:
        out.append(Violation("plan", f"status is {plan.status}, should be {status}"))
    score = sum(int(hosts[h].priority) for h in visited if h in hosts and not hosts[h].must)
    if plan.score != score:
        out.append(Violation("plan", f"score is {plan.score}, visits add up to {score}"))
    if (plan.hotel_travel_minutes or 0) != hotel_total:
        out.append(
            Violation(
                "plan",
                f"hotel_travel_minutes is {plan.hotel_travel_minutes or 0}, the stops at the "
                f"hotel add {hotel_total}",
            )
        )
    if plan.travel_minutes != travel_total:
        out.append(
            Violation(
                "plan", f"travel_minutes is {plan.travel_minutes}, items add up to {travel_total}"
            )
        )
    return out


def _order_violations(
    spec: VisitSpec, times: dict[str, tuple[dt.datetime, dt.datetime, str]], tz: ZoneInfo
) -> list[Violation]:
    """A host with `after` that is in the plan comes after each host or event it names: that
    one is in the plan too, and has ended when this visit starts."""
    out: list[Violation] = []
    for host in spec.hosts:
        if host.id not in times or not host.after:
            continue
        start, _, where = times[host.id]
        for earlier in host.after:
            if earlier not in times:
                out.append(
                    Violation(
                        where,
                        f"visit {host.id} is in the plan without {earlier}, which it comes after",
                    )
                )
                continue
            _, end, there = times[earlier]
            if end > start:
                out.append(
                    Violation(
                        where,
                        f"visit {host.id} starts at {start.astimezone(tz):%Y-%m-%d %H:%M}, "
                        f"before {earlier} ends ({end.astimezone(tz):%Y-%m-%d %H:%M}, {there}), "
                        "which it comes after",
                    )
                )
    return out


def _stay_violations(
    spec: VisitSpec,
    items: list[Item],
    start_key: str,
    end_key: str,
    hm: Callable[[dt.datetime], str],
) -> list[str]:
    """Rests and check-ins: at a hotel of the day (the night's, or the previous night's), and
    one check-in of `check_in_minutes` at the first arrival at a new hotel (none without one)."""
    out: list[str] = []
    stays = {stay_key(s): s for s in spec.stays}
    allowed = [k for k in (end_key, start_key) if k in stays]
    new = end_key if end_key in stays and end_key != start_key else None
    minutes = stays[new].check_in_minutes if new is not None else 0
    check_ins = [i for i in items if isinstance(i, CheckInItem)]
    for item in items:
        if isinstance(item, RestItem | CheckInItem):
            if item.at not in allowed:
                names = " or ".join(allowed) if allowed else "none"
                out.append(
                    f"{item.type} {hm(item.start)}–{hm(item.end)} at {item.at}, not at a hotel "
                    f"of the day ({names})"
                )
            if item.end <= item.start:
                out.append(f"{item.type} at {hm(item.start)} takes no time")
    for item in check_ins:
        if item.at != new or minutes == 0:
            out.append(f"check-in at {item.at}, which is not a new hotel with a check-in")
        elif _minutes(item.start, item.end) != minutes:
            out.append(
                f"check-in at {item.at} lasts {_minutes(item.start, item.end)} min, not {minutes}"
            )
    if new is not None and minutes > 0:
        at_new = [i for i in check_ins if i.at == new]
        if len(at_new) != 1:
            out.append(f"{len(at_new)} check-ins at {new}, not one")
        else:
            # the check-in comes before the group first leaves the new hotel
            index = items.index(at_new[0])
            if any(isinstance(i, TravelItem) and i.from_ == new for i in items[1:index]):
                out.append(f"check-in at {new} is not at the first arrival there")
    return out


def _hotel_travel(
    items: list[Item], places: dict[str, tuple[float, float]], travel: Callable[[str, str], int]
) -> int:
    """The travel minutes a day's stops at a hotel for nothing but a rest or a check-in add to
    the way between the stops before and after them (a stop at the end place, where the day
    ends, is no detour)."""
    stops: list[tuple[str, set[str]]] = []
    for item in items:
        key = None
        if isinstance(item, StartItem | EndItem):
            key = item.key
        elif isinstance(item, VisitItem | EventItem):
            key = item.id
        elif isinstance(item, LunchItem | RestItem | CheckInItem):
            key = item.at
        if key is None:
            continue
        if key not in places:
            return 0  # reported as an unknown place
        if stops and stops[-1][0] == key:
            stops[-1][1].add(item.type)
        else:
            stops.append((key, {item.type}))

    def legs(keys: list[str]) -> int:
        return sum(travel(a, b) for a, b in itertools.pairwise(keys) if a != b)

    route = [key for key, kinds in stops if not kinds <= {"rest", "check_in"}]
    return legs([key for key, _ in stops]) - legs(route)


def _times(item: Item) -> list[dt.datetime]:
    if isinstance(item, StartItem | EndItem):
        return [item.time]
    return [item.start, item.end]


def _places(spec: VisitSpec) -> dict[str, tuple[float, float]]:
    places = {stay_key(s): s.location for s in spec.stays}
    places.update({h.id: h.location for h in spec.hosts})
    places.update({e.id: e.location for e in spec.events})
    if spec.arrival:
        places[ARRIVAL_KEY] = spec.arrival.location
    if spec.departure:
        places[DEPARTURE_KEY] = spec.departure.location
    return places


def _expected_places(spec: VisitSpec, date: dt.date, first: bool, last: bool) -> tuple[str, str]:
    def stay_of(night: dt.date) -> str:
        stay = spec.stay_for_night(night)
        return stay_key(stay) if stay else "?"

    start = (
        ARRIVAL_KEY
        if first and spec.arrival
        else stay_of(date if first else date - dt.timedelta(days=1))
    )
    end = DEPARTURE_KEY if last and spec.departure else stay_of(date)
    return start, end


def _off_grid(t: dt.datetime, grid: int) -> bool:
    """Whether a local time is off the trip's time grid (`trip.round_minutes`)."""
    return bool(t.second or t.microsecond or (t.hour * 60 + t.minute) % grid)


def _up_to_grid(t: dt.datetime, grid: int) -> dt.datetime:
    """The first mark of the grid at or after a local time."""
    past = (t.minute % grid) * 60 + t.second
    if not past and not t.microsecond:
        return t
    return t.replace(second=0, microsecond=0) + dt.timedelta(minutes=grid - t.minute % grid)


def _lunch_needed(
    spec: VisitSpec,
    date: dt.date,
    tz: ZoneInfo,
    earliest: dt.datetime,
    latest: dt.datetime,
    start_key: str,
    end_key: str,
    day_events: list[EventItem | VisitItem],
    travel: Callable[[str, str], int],
) -> bool:
    """Lunch is due on a day whose bounds leave room for it and whose events leave a gap."""
    lunch = spec.trip.lunch
    assert lunch is not None
    length = dt.timedelta(minutes=lunch.minutes)
    f = _up_to_grid(
        max(_local(date, lunch.from_, tz), earliest).astimezone(tz), spec.trip.round_minutes
    )
    t = min(_local(date, lunch.to, tz), latest)
    if t - f < length:
        return False
    if any(e.lunch for e in spec.events if e.start.date() == date):
        return False
    # fixed points of the day: (place, due by, free from)
    points = [(start_key, earliest, earliest)]
    points += [(e.id, e.start, e.end) for e in sorted(day_events, key=lambda e: e.start)]
    points.append((end_key, latest, latest))
    for (p, _, free), (q, due, _) in itertools.pairwise(points):
        s = _up_to_grid(max(free, f).astimezone(tz), spec.trip.round_minutes)
        move = dt.timedelta(minutes=travel(p, q))
        if s + length <= t and max(free + move, s) + length <= due:
            return True
    return False
