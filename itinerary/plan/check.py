"""The plan checker: re-verifies a Plan against the trip, rule by rule, without the solver.

It works on the Plan (dated, aware datetimes) and the spec only — it never imports the solver,
the compiler, the scheduler or `rules.py` (the solver's reference of the same rules), and must
not — so a bug there cannot hide here. Every plan the tests produce and every plan the CLI
prints goes through it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from ..input.closures import closure_on, holiday_names, opening_windows
from ..input.groups import (
    ALL,
    event_groups,
    fits,
    group_info,
    groups_on,
    host_groups,
    is_split,
    place_members,
    unmet_by,
)
from ..input.load import Loaded
from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, Host, VisitSpec, stay_key
from ..model.travel import great_circle_km
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
from .check_meetings import check_meetings


@dataclass(frozen=True)
class Violation:
    """One broken rule. `where` and `message` say it for developers (ids, English); the rest
    is the same as data, for people's words (`render/check_words.py`, en/de/fr): `kind` names
    the rule (a key of its catalogue), `subject` what broke it ("visit", "event", "lunch",
    "travel", "start", "end", "rest", "check_in"; "day" for the day as a whole, "plan" for the
    plan's own figures and lists), `id` and `name` the host, event or place, `date` the day,
    `start`/`end` the item's local times as the plan has them, and `args` the values the
    sentence needs (local times as aware datetimes, dates, minutes, names). `group`: with
    groups, the name of the group whose programme it is in (None on a together date and in a
    plan without groups)."""

    where: str
    message: str
    kind: str = "other"
    subject: str = "plan"
    id: str | None = None
    name: str | None = None
    date: dt.date | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    args: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    group: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _about(item: Item | None) -> dict[str, Any]:
    """The Violation fields that name an item of a day: what it is, its id, name and times."""
    if item is None:
        return {"subject": "day"}
    about: dict[str, Any] = {"subject": item.type}
    if isinstance(item, VisitItem | EventItem):
        about |= {"id": item.id, "name": item.name}
    elif isinstance(item, StartItem | EndItem):
        about |= {"id": item.key, "name": item.place}
    elif isinstance(item, RestItem | CheckInItem | LunchItem):
        about |= {"id": item.at, "name": item.place}
    elif isinstance(item, TravelItem):
        about |= {"name": f"{item.from_name} → {item.to_name}"}
    if isinstance(item, StartItem | EndItem):
        about |= {"start": item.time, "end": item.time}
    else:
        about |= {"start": item.start, "end": item.end}
    return about


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


def _language_problem(item: VisitItem, host: Host, spec: VisitSpec) -> tuple[str, str] | None:
    """What is wrong with the language a visit is said to be held in, as (kind, message): it
    must be one the host speaks and, when the delegation's languages are known, one it speaks
    too, unless they share none and the visit is marked `interpreter`."""
    own = host.language or spec.trip.language
    offered = {own, *(host.languages or ())}
    if item.language != own:
        return "letter_language", f"its letter's language is {item.language}, not the host's {own}"
    if item.held_in not in offered:
        return "host_language", f"held in {item.held_in}, which the host does not offer"
    spoken = spec.delegation.languages
    if spoken is None:
        if item.interpreter:
            return (
                "interpreter_unknown",
                "marked as needing an interpreter, but the group's languages are unknown",
            )
        return None
    if offered & set(spoken):
        if item.held_in not in spoken:
            return (
                "group_language",
                f"held in {item.held_in}, which the delegation does not speak",
            )
        if item.interpreter:
            return (
                "interpreter_unneeded",
                "marked as needing an interpreter, but host and delegation share a language",
            )
        return None
    if not item.interpreter:
        return (
            "interpreter_missing",
            "host and delegation share no language, but no interpreter is marked",
        )
    return None


def _minutes(a: dt.datetime, b: dt.datetime) -> int:
    return int((b - a).total_seconds() // 60)


def _meeting_violations(plan: Plan, loaded: Loaded) -> list[Violation]:
    """The meetings of every matchmaking event the plan attends (check_meetings.py), and none
    on any other event."""
    out: list[Violation] = []
    events = {e.id: e for e in loaded.spec.events}
    for track in plan.tracks:
        for item in track.items:
            if not isinstance(item, EventItem):
                continue
            event = events.get(item.id)
            wanted = event is not None and event.matchmaking is not None
            if item.matchmaking is None or item.meetings is None or item.unmatched is None:
                if wanted or item.meetings or item.unmatched:
                    out.append(Violation(item.id, "a matchmaking event without its meetings"))
                continue
            if not wanted or event is None:
                out.append(Violation(item.id, "meetings at an event without matchmaking"))
                continue
            for message in check_meetings(
                loaded, event, item.meetings, item.unmatched, item.matchmaking
            ):
                out.append(Violation(item.id, message))
    return out


def check_plan(plan: Plan, loaded: Loaded) -> list[Violation]:
    return _route_violations(plan, loaded) + _meeting_violations(plan, loaded)


@dataclass(frozen=True)
class EditedCheck:
    """What `itinerary check` finds in a plan edited by hand (`check_edited`): the plan as read
    (drives laid out again, figures recounted), the rules it breaks, the figures the file
    stated wrongly (None where right or not stated: a spreadsheet states none), and the
    must-visits, events and must choices (named "A / B") not in the programme."""

    plan: Plan
    violations: list[Violation]
    stated_score: int | None
    stated_travel: int | None
    missing: list[str]

    @property
    def holds(self) -> bool:
        wrong = self.stated_score is not None or self.stated_travel is not None
        return not (self.violations or wrong or self.missing)


def check_edited(plan: Plan, loaded: Loaded, stated: Plan | None = None) -> EditedCheck:
    """`plan`, read back from a hand edit and made whole (`retime.retime`), checked against
    every rule; `stated`: the edited file's own plan, whose figures are compared."""
    missing = [
        f"{u.name} ({plan.delegation.group(u.group).name})" if plan.split and u.group else u.name
        for u in plan.missing_required()
    ]
    missing += [" / ".join(c.names) for c in plan.unmet()]
    said_score = stated.score if stated is not None else plan.score
    said_travel = stated.travel_minutes if stated is not None else plan.travel_minutes
    return EditedCheck(
        plan=plan,
        violations=check_plan(plan, loaded),
        stated_score=said_score if said_score != plan.score else None,
        stated_travel=said_travel if said_travel != plan.travel_minutes else None,
        missing=missing,
    )


def _route_violations(plan: Plan, loaded: Loaded) -> list[Violation]:
    spec = loaded.spec
    tz = ZoneInfo(spec.trip.timezone)
    out: list[Violation] = []
    places = _places(spec)
    grid = spec.trip.round_minutes

    def travel(a: str, b: str) -> int:
        return loaded.travel.minutes(a, places[a], b, places[b])

    def name_of(key: str) -> str:
        return _place_name(spec, key)

    def whole(message: str, kind: str, **args: Any) -> None:
        out.append(Violation("plan", message, kind, args=args))

    dates = spec.trip_dates()
    split = is_split(spec)
    shown_dates = (
        list(dict.fromkeys(t.date for t in plan.tracks)) if split else [t.date for t in plan.tracks]
    )
    if shown_dates != dates:
        whole(
            f"tracks cover {[str(d) for d in shown_dates]}, not the trip dates",
            "days",
            dates=shown_dates,
            first=dates[0],
            last=dates[-1],
        )
    if split:
        out.extend(
            _track_violations(plan, [(d, [g.id for g in groups_on(spec, d)]) for d in dates])
        )
    out.extend(_delegation_violations(plan, spec))

    # Every group a visit, event or entry of the plan may stand for: the groups (an "all" track,
    # a together date, stands for each of them), or "all" alone without groups.
    everyone = [g.id for g in spec.groups] or [ALL]

    def group_name(group: str) -> str | None:
        """The group as the findings name it: none for the whole delegation."""
        return group_info(spec, group).name if split and group != ALL else None

    hosts = {h.id: h for h in spec.hosts}
    events = {e.id: e for e in spec.events}
    # Each host's visits and each event's items: (the track's group, the item, where), in the
    # order of the plan.
    visits_of: dict[str, list[tuple[str, VisitItem, str, dt.date]]] = {}
    attended_by: dict[str, list[str]] = {}
    # (start, end, where, date) in UTC of every visit and event by each group it stands for, for
    # the rules between hosts
    times: dict[tuple[str, str], tuple[dt.datetime, dt.datetime, str, dt.date]] = {}
    travel_total = 0
    hotel_total = 0  # what the hotel stops in the middle of days add to the routes

    for track in plan.tracks:
        where = f"{track.date}/{track.group}"
        items = track.items
        holiday = holiday_names(spec.trip.holidays, track.date)
        in_group = group_name(track.group)

        def hm(t: dt.datetime) -> str:
            return f"{t.astimezone(tz):%H:%M}"

        def bad(
            msg: str,
            kind: str = "other",
            item: Item | None = None,
            where: str = where,
            date: dt.date = track.date,
            group: str | None = in_group,
            **args: Any,
        ) -> None:
            out.append(
                Violation(where, msg, kind, date=date, args=args, group=group, **_about(item))
            )

        if track.holiday != holiday:
            shown = "none" if holiday is None else repr(holiday["en"])
            bad(
                f"the day's public holiday is {shown}, not as the plan says",
                "holiday_named",
                holiday=None if holiday is None else holiday["en"],
            )

        if (
            len(items) < 2
            or not isinstance(items[0], StartItem)
            or not isinstance(items[-1], EndItem)
        ):
            bad("a day must begin with a start item and end with an end item", "day_shape")
            continue
        if any(isinstance(i, StartItem | EndItem) for i in items[1:-1]):
            bad("start/end items in the middle of the day", "day_shape")

        def drive(journey: TravelItem) -> int | None:
            """The minutes a journey takes, by the travel model when its places are known."""
            if journey.to not in places:
                return None
            return travel(journey.from_, journey.to) if journey.from_ in places else journey.minutes

        items = _in_order(items, tz, bad, drive)
        start_item, end_item = cast(StartItem, items[0]), cast(EndItem, items[-1])

        # day bounds and start/end places
        first, last = track.date == dates[0], track.date == dates[-1]
        exp_start, exp_end = _expected_places(spec, track.date, first, last)
        if start_item.key != exp_start:
            bad(
                f"starts at {start_item.key}, expected {exp_start}",
                "start_place",
                start_item,
                expected=name_of(exp_start),
            )
        if end_item.key != exp_end:
            bad(
                f"ends at {end_item.key}, expected {exp_end}",
                "end_place",
                end_item,
                expected=name_of(exp_end),
            )
        day_start, day_end = spec.day_bounds(track.date)
        earliest = _local(track.date, day_start, tz)
        latest = _local(track.date, day_end, tz)
        # The coach leaves `arrival.minutes` after landing and must reach the departure place
        # `departure.minutes` before the flight: those are the journey's bounds.
        baggage = dt.timedelta()
        departs: dt.datetime | None = None
        if first and spec.arrival:
            baggage = dt.timedelta(minutes=spec.arrival.minutes)
            earliest = _at(spec.arrival.time, tz) + baggage
        if last and spec.departure:
            departs = _at(spec.departure.time, tz)
            latest = departs - dt.timedelta(minutes=spec.departure.minutes)
            if end_item.departs is not None and end_item.departs != departs:
                bad(
                    f"the departure is at {hm(departs)}, not {hm(end_item.departs)}",
                    "departure_time",
                    end_item,
                    departs=departs,
                    said=end_item.departs,
                )
        elif end_item.departs is not None:
            bad(
                "a departure time on a day that does not end with the departure",
                "departure_day",
                end_item,
            )
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
        arriving = bool(first and spec.arrival)
        if start_item.time < earliest - baggage:
            bad(
                f"starts at {hm(start_item.time)}, before the day may start ({hm(earliest)})",
                "day_start",
                start_item,
                earliest=earliest - baggage,
                arrival=arriving,
            )
        for item in items[1:-1]:
            if not isinstance(item, StartItem | EndItem) and item.start < earliest:
                bad(
                    f"{item.type} at {hm(item.start)}, before the day may start ({hm(earliest)})",
                    "before_day",
                    item,
                    earliest=earliest,
                    arrival=arriving,
                )
        # A check-in at the end of the day follows the arrival and may run past the day's end
        # (`day.end` is when the group is back at the hotel); everything else may not.
        inner = [i for i in items[1:-1] if not isinstance(i, CheckInItem | StartItem | EndItem)]
        finished = max([start_item.time] + [i.end for i in inner])
        check_in_ends = [i.end for i in items[1:-1] if isinstance(i, CheckInItem)]
        if finished > latest or end_item.time > max([latest, *check_in_ends]):
            # named by the last visit, event or lunch that ends too late, else the day's end
            placed = [
                i
                for i in inner
                if isinstance(i, VisitItem | EventItem | LunchItem) and i.end > latest
            ]
            late: Item = max(placed, key=lambda i: i.end) if placed else end_item
            bad(
                f"ends at {hm(max(finished, end_item.time))}, after the day must end "
                f"({hm(latest)})",
                "after_day",
                late,
                latest=latest,
                departs=departs,
                place=end_item.place,
            )

        # movement: every change of place is covered by travel of the right length
        here, heading, done = start_item.key, None, 0
        left: Item = start_item
        for item in items[1:]:
            if isinstance(item, TravelItem):
                travel_total += item.minutes
                if item.route is not None:
                    why = _route_problem(item.route, places.get(item.from_), places.get(item.to))
                    if why:
                        bad(f"travel {item.from_}→{item.to}: its road {why}")
                _check_length(item, bad)
                if heading is None:
                    if item.from_ != here:
                        bad(
                            f"travel leaves from {item.from_} but the group is at {here}",
                            "route",
                            item,
                            here=name_of(here),
                        )
                    heading, done = item.to, 0
                elif item.to != heading:
                    bad(
                        f"travel to {item.to} before reaching {heading}",
                        "route",
                        item,
                        here=None,
                        heading=name_of(heading),
                    )
                done += item.minutes
                if heading in places and here in places and done >= travel(here, heading):
                    if done > travel(here, heading):
                        bad(
                            f"travel {here}→{heading} takes {travel(here, heading)} min, "
                            f"plan says {done}",
                            "travel_long",
                            item,
                            frm=name_of(here),
                            to=name_of(heading),
                            minutes=travel(here, heading),
                            said=done,
                        )
                    here, heading = heading, None
                continue
            if isinstance(item, RestItem | CheckInItem):
                if heading is None and item.at != here and item.at in places and here in places:
                    if travel(here, item.at) == 0:
                        here = item.at  # two names for one spot: no travel item is due
                if heading is not None or item.at != here:
                    where_now = here if heading is None else "on the way"
                    bad(
                        f"{item.type} at {item.at} but the group is at {where_now}",
                        "route",
                        item,
                        here=None if heading is not None else name_of(here),
                    )
                left = item
                continue
            if isinstance(item, LunchItem):
                if item.at is not None and heading is None and item.at in places:
                    if item.at != here and travel(here, item.at) == 0:
                        here = item.at  # two names for one spot: no travel item is due
                if item.at is None and heading is None:
                    bad(
                        "lunch 'on the way' but the group is not travelling",
                        "route",
                        item,
                        here=name_of(here),
                    )
                if item.at is not None and (heading is not None or item.at != here):
                    bad(
                        f"lunch at {item.at} but the group is at "
                        f"{here if heading is None else 'on the way'}",
                        "route",
                        item,
                        here=None if heading is not None else name_of(here),
                    )
                continue
            key = item.key if isinstance(item, StartItem | EndItem) else item.id
            if key not in places:
                if isinstance(item, VisitItem | EventItem):
                    continue  # reported below, as an unknown host or event
                bad(f"unknown place {key}", "unknown_place", item)
                continue
            if heading is not None:
                bad(
                    f"reaches {key} while still travelling to {heading}",
                    "travel_time",
                    item,
                    to=_about(item).get("name"),
                    frm=_name_at(left),
                    frm_subject=left.type,
                    left=_left_at(left),
                    minutes=travel(here, key) if here in places else None,
                    arrives=None,
                )
                here, heading = heading, None
            if here != key:
                need = travel(here, key) if here in places else 0
                if need > 0:
                    bad(
                        f"no travel from {here} to {key} ({need} min needed)",
                        "travel_time",
                        item,
                        to=_about(item).get("name"),
                        frm=_name_at(left),
                        frm_subject=left.type,
                        left=_left_at(left),
                        minutes=need,
                        arrives=None,
                    )
                here = key
            left = item

        # visits and events
        for item in items:
            if isinstance(item, VisitItem):
                host = hosts.get(item.id)
                if host is None:
                    bad(f"visit to unknown host {item.id}", "unknown_host", item)
                    continue
                visits_of.setdefault(item.id, []).append((track.group, item, where, track.date))
                for g in everyone:
                    if _covers(track.group, g):
                        times.setdefault((item.id, g), (item.start, item.end, where, track.date))
                allowed = host_groups(spec, host)
                barred = [g for g in everyone if _covers(track.group, g) and g not in allowed]
                if barred:
                    bad(
                        f"visit {item.id} by {track.group}: {', '.join(barred)} may not visit it "
                        f"(for: {', '.join(allowed)})",
                        "not_for_group",
                        item,
                        barred=[group_info(spec, g).name for g in barred],
                        allowed=[group_info(spec, g).name for g in allowed],
                    )
                if not fits(spec, host, track.group):
                    visitors = group_info(spec, track.group)
                    bad(
                        f"visit {item.id}: the group of {visitors.size} is "
                        f"larger than the host's capacity of {host.capacity}",
                        "over_capacity",
                        item,
                        size=visitors.size,
                        capacity=host.capacity,
                        visitors=visitors.name,
                    )
                if _minutes(item.start, item.end) != host.duration:
                    bad(
                        f"visit {item.id} lasts {_minutes(item.start, item.end)} min, "
                        f"not {host.duration}",
                        "duration",
                        item,
                        lasts=_minutes(item.start, item.end),
                        minutes=host.duration,
                    )
                if host.declined:
                    bad(
                        f"visit {item.id}: the host declined; it may not be in the plan",
                        "declined",
                        item,
                    )
                if bool(item.confirmed) != (host.confirmed is not None):
                    # The flag is what the letters and calendars say (CONFIRMED or TENTATIVE):
                    # it must be the visit file's reply, not a stale or hand-made one.
                    state = "confirmed" if item.confirmed else "not confirmed"
                    bad(
                        f"visit {item.id} is marked {state} in the plan, but the visit file "
                        + ("has no confirmed time for it" if item.confirmed else "confirms it"),
                        "confirmed_flag" if item.confirmed else "unconfirmed_flag",
                        item,
                    )
                if host.confirmed is not None:
                    # Confirmed: exactly then, even off the grid (the host accepted that time).
                    confirmed = _at(host.confirmed, tz)
                    if item.start != confirmed:
                        bad(
                            f"visit {item.id} starts at {track.date} {hm(item.start)}, not at "
                            f"its confirmed time {host.confirmed:%Y-%m-%d %H:%M}",
                            "confirmed_time",
                            item,
                            confirmed=confirmed,
                            confirmed_date=confirmed.date(),
                        )
                elif _off_grid(item.start.astimezone(tz), grid):
                    bad(
                        f"visit {item.id} starts at {hm(item.start)}, off the {grid}-minute grid",
                        "grid",
                        item,
                        grid=grid,
                    )
                # The windows of that date as the visit file means them (`input.closures`,
                # shared with compile as the one reading of `open`, `closed` and `holidays`):
                # none on a closed date or a public holiday the host is not opened for.
                windows = opening_windows(spec, host, track.date)
                if not windows:
                    closure = closure_on(spec, host, track.date)
                    if closure is not None and closure.holiday:
                        why, kind = f"a public holiday ({closure.holiday['en']})", "holiday"
                    elif closure is not None:
                        why, kind = "one of its closed dates", "closed_date"
                    else:
                        why, kind = "a day it is not open", "closed_day"
                    bad(
                        f"visit {item.id} on {track.date}, {why}",
                        kind,
                        item,
                        holiday=dict(closure.holiday) if closure and closure.holiday else None,
                    )
                elif not any(
                    _local(track.date, a, tz) <= item.start
                    and item.end <= _local(track.date, b, tz)
                    for a, b in windows
                ):
                    bad(
                        f"visit {item.id} {hm(item.start)}–{hm(item.end)} is not inside "
                        "an open window",
                        "hours",
                        item,
                        **_closed_between(item, windows, track.date, tz),
                    )
                language = _language_problem(item, host, spec)
                if language:
                    bad(
                        f"visit {item.id}: {language[1]}",
                        language[0],
                        item,
                        letter=item.language,
                        held_in=item.held_in,
                        own=host.language or spec.trip.language,
                    )
            elif isinstance(item, EventItem):
                event = events.get(item.id)
                if event is None:
                    bad(f"unknown event {item.id}", "unknown_event", item)
                    continue
                attended_by.setdefault(item.id, []).append(track.group)
                for g in everyone:
                    if _covers(track.group, g):
                        times.setdefault((item.id, g), (item.start, item.end, where, track.date))
                attending = event_groups(spec, event)
                if not any(_covers(track.group, g) for g in attending):
                    bad(
                        f"event {item.id} is not for {track.group} "
                        f"(groups: {', '.join(attending)})",
                        "event_group",
                        item,
                        attending=[group_info(spec, g).name for g in attending],
                    )
                fixed = (_at(event.start, tz), _at(event.end, tz))
                if (item.start, item.end) != fixed:
                    # A joint event: the other groups meet there at its fixed time.
                    others = [g for g in attending if g != track.group and g != ALL]
                    bad(
                        f"event {item.id} is not at its fixed time",
                        "event_time",
                        item,
                        fixed_start=fixed[0],
                        fixed_end=fixed[1],
                        fixed_date=event.start.date(),
                        joint=[group_info(spec, g).name for g in others] or None,
                    )
                if event.start.date() != track.date:
                    bad(
                        f"event {item.id} is on the wrong day",
                        "event_day",
                        item,
                        fixed_date=event.start.date(),
                    )

        for message, kind, at_stay, args in _stay_violations(spec, items, exp_start, exp_end, hm):
            bad(message, kind, at_stay, **args)
        hotel_total += hotel_travel(items, places, travel)

        # lunch
        lunches = [i for i in items if isinstance(i, LunchItem)]
        lunch = spec.trip.lunch
        if lunch is not None:
            f, t = _local(track.date, lunch.from_, tz), _local(track.date, lunch.to, tz)
            for item in lunches:
                if _off_grid(item.start.astimezone(tz), grid):
                    bad(
                        f"lunch starts at {hm(item.start)}, off the {grid}-minute grid",
                        "grid",
                        item,
                        grid=grid,
                    )
                if _minutes(item.start, item.end) != lunch.minutes:
                    bad(
                        f"lunch lasts {_minutes(item.start, item.end)} min, not {lunch.minutes}",
                        "lunch_length",
                        item,
                        lasts=_minutes(item.start, item.end),
                        minutes=lunch.minutes,
                    )
                if item.start < f or item.end > t:
                    bad(
                        f"lunch {hm(item.start)}–{hm(item.end)} is outside {hm(f)}–{hm(t)}",
                        "lunch_window",
                        item,
                        opens=f,
                        closes=t,
                    )
            if len(lunches) > 1:
                bad("more than one lunch", "lunch_twice", None, count=len(lunches))
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
                spec,
                track.date,
                tz,
                earliest,
                latest,
                exp_start,
                exp_end,
                attended_here,
                travel,
                track.group,
            ):
                bad(
                    "no lunch, though the day has room for it",
                    "lunch_missing",
                    None,
                    opens=f,
                    closes=t,
                    minutes=lunch.minutes,
                )
        elif lunches:
            bad("lunch in a trip without lunch", "lunch_none", lunches[0])

    # the days follow one another: a group cannot begin a day before it has ended the last (each
    # group's days: its own and the together dates)
    chains = (
        [[t for t in plan.tracks if t.group in (g, ALL)] for g in everyone]
        if split
        else [plan.tracks]
    )
    pairs = {(id(a), id(b)): (a, b) for chain in chains for a, b in itertools.pairwise(chain)}
    for before, after in pairs.values():
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
                    "night",
                    date=after.date,
                    args={"until": ending.time},
                    group=group_name(after.group),
                    **_about(beginning),
                )
            )

    # the whole plan
    out += _presence_violations(plan, spec, visits_of, attended_by)
    out += _capacity_violations(spec, visits_of, tz)
    visited = {(h, g) for (h, g) in times if h in hosts}
    out += _order_violations(spec, times, tz, everyone)
    unmet: list[list[str]] = []
    said_choice: set[tuple[str, ...]] = set()
    for choice in spec.choices:
        # each group chooses on its own (at most one of the hosts each)
        for g in everyone:
            chosen = [h for h in choice.one_of if (h, g) in visited]
            if len(chosen) > 1 and tuple(chosen) not in said_choice:
                said_choice.add(tuple(chosen))
                listed = ", ".join(chosen[:-1]) + " and " + chosen[-1]
                whole(
                    f"{listed} are {'both' if len(chosen) == 2 else 'all'} in the plan"
                    + (f" for {g}" if split else "")
                    + ", but the choice one_of "
                    f"[{', '.join(choice.one_of)}] allows at most one",
                    "choice",
                    names=[hosts[h].name for h in chosen],
                    group=group_name(g),
                )
        if unmet_by(spec, choice, visited):
            unmet.append(list(choice.one_of))
    recorded = list(dict.fromkeys(tuple(dict.fromkeys(c.one_of)) for c in plan.unmet()))
    if recorded != [tuple(c) for c in unmet]:
        whole(
            f"unmet_choices lists {[list(c) for c in recorded]}, but the must choices unmet are "
            f"{unmet}",
            "unmet_choices",
            names=[" / ".join(hosts[h].name for h in c if h in hosts) for c in unmet],
        )
    unscheduled = {u.id for u in plan.unscheduled}
    missing_required = [h.id for h in spec.hosts if h.required and h.id in unscheduled]
    missing_required += [e.id for e in spec.events if e.id in unscheduled]
    status = "partial" if missing_required or unmet else "complete"
    # A host's priority counts once per group that visits it (a together visit: every group).
    score = sum(int(hosts[h].priority) for h, _ in visited if not hosts[h].must)
    out += _figure_violations(plan, status, score, travel_total, hotel_total)
    return out


def _covers(group: str, other: str) -> bool:
    """Whether what a track or entry of `group` does, group `other` does: its own, and on a
    together date ("all") every group's; "all" (an event on a together date) is every group."""
    return group == other or ALL in (group, other)


def _track_violations(plan: Plan, expected: list[tuple[dt.date, list[str]]]) -> list[Violation]:
    """With groups: on each date (`expected`: the date and its groups, in their order; ["all"]
    on a together date) exactly one track per group, in the order of `groups`."""
    out: list[Violation] = []
    names = {g.id: g.name for g in plan.delegation.groups or ()}
    wrong = False
    for date, wanted in expected:
        have = [t.group for t in plan.tracks if t.date == date]
        if have == wanted:
            continue
        wrong = True

        def bad(message: str, kind: str, group: str, date: dt.date = date, **args: Any) -> None:
            shown = plan.delegation.name if group == ALL else names.get(group, group)
            out.append(
                Violation(
                    f"{date}/{group}",
                    message,
                    kind,
                    "day",
                    date=date,
                    args={"group": shown, **args},
                )
            )

        for group in dict.fromkeys(have):
            if group in wanted and have.count(group) > 1:
                bad(
                    f"{have.count(group)} tracks of {group}",
                    "track_twice",
                    group,
                    count=have.count(group),
                )
            elif group == ALL:
                bad(
                    "a track of the whole delegation on a date the groups split",
                    "track_split",
                    group,
                )
            elif group not in wanted and ALL in wanted and group in names:
                bad(
                    f"a track of {group} on a date the delegation travels together",
                    "track_together",
                    group,
                )
            elif group not in wanted:
                bad(f"a track of {group}, which is no group of the trip", "track_group", group)
        for group in wanted:
            if group not in have:
                bad(f"no track of {group}", "track_missing", group)
    if not wrong:
        return out
    if not out:
        # every track there once, but not date by date with the groups in their order
        out.append(
            Violation("plan", "the tracks are not in the order of dates and groups", "track_order")
        )
    return out


def _delegation_violations(plan: Plan, spec: VisitSpec) -> list[Violation]:
    """The plan's groups and members are the visit file's (`groups`, `place_members`); a plan
    of a trip without groups lists neither."""
    out: list[Violation] = []
    said = plan.delegation
    if not is_split(spec):
        if said.groups or said.members:
            out.append(
                Violation(
                    "plan", "groups or members in a plan of a trip without groups", "plan_groups"
                )
            )
        return out
    groups = [(g.id, g.name, g.size, list(g.interests)) for g in spec.groups]
    if [(g.id, g.name, g.size, list(g.interests)) for g in said.groups or ()] != groups:
        out.append(
            Violation(
                "plan",
                f"the plan's groups are {[g.id for g in said.groups or ()]}, not the visit "
                f"file's {[g[0] for g in groups]}",
                "plan_groups",
            )
        )
    placement = place_members(spec)
    names = {g.id: g.name for g in spec.groups}
    expected = {
        m.id: (m.name, placement.group_of[m.id])
        for m in spec.delegation.members
        if m.id in placement.group_of
    }
    listed = {m.id: (m.name, m.group) for m in said.members or ()}

    def member(message: str, kind: str, ident: str, name: str, **args: str) -> None:
        out.append(Violation("plan", message, kind, "member", ident, name, args=args))

    for ident, (name, group) in expected.items():
        if ident not in listed:
            member(
                f"member {ident} is not in the plan's members",
                "member_missing",
                ident,
                name,
                group=names[group],
            )
        elif listed[ident][1] != group:
            member(
                f"member {ident} travels with {group}, not {listed[ident][1]}",
                "member_group",
                ident,
                name,
                group=names[group],
                said=names.get(listed[ident][1], listed[ident][1]),
            )
    for ident, (name, group) in listed.items():
        if ident not in expected:
            member(
                f"member {ident} is in no group of the visit file",
                "member_unknown",
                ident,
                name,
                said=names.get(group, group),
            )
    return out


def _presence_violations(
    plan: Plan,
    spec: VisitSpec,
    visits_of: dict[str, list[tuple[str, VisitItem, str, dt.date]]],
    attended_by: dict[str, list[str]],
) -> list[Violation]:
    """Each host visited or listed as left out exactly once by each group that may visit it (a
    together visit counts for every group; `host_groups`), each event attended or listed once by
    each group that attends it (`event_groups`); with groups, every entry of `unscheduled` names
    a group that may visit the host (or attends the event), and only such a group."""
    out: list[Violation] = []
    split = is_split(spec)
    everyone = [g.id for g in spec.groups] or [ALL]
    entries: dict[str, list[str]] = {}
    for u in plan.unscheduled:
        entries.setdefault(u.id, []).append(u.group or ALL)
        if split and u.group is None:
            out.append(
                Violation(
                    "plan",
                    f"{u.id} is listed as left out without the group that leaves it out",
                    "unscheduled_group",
                    u.kind,
                    u.id,
                    u.name,
                    args={"group": None},
                )
            )

    def name(group: str) -> str | None:
        return group_info(spec, group).name if split else None

    for host in spec.hosts:
        allowed = host_groups(spec, host)
        visiting = [g for g, _, _, _ in visits_of.get(host.id, [])]
        listed = entries.get(host.id, [])
        for g in everyone:
            visits = sum(_covers(v, g) for v in visiting)
            times = sum(_covers(u, g) for u in listed)
            if g in allowed and visits + times != 1:
                out.append(
                    Violation(
                        "plan",
                        f"host {host.id} is visited/listed {visits + times} times"
                        + (f" by {g}" if split else "")
                        + ", not once",
                        "host_missing" if visits + times == 0 else "host_twice",
                        "visit",
                        host.id,
                        host.name,
                        args={"visits": visits, "listed": times > 0, "group": name(g)},
                    )
                )
            elif g not in allowed and times and split:
                out.append(
                    Violation(
                        "plan",
                        f"host {host.id} is listed as left out by {g}, which may not visit it",
                        "unscheduled_group",
                        "visit",
                        host.id,
                        host.name,
                        args={"group": name(g)},
                    )
                )
    for event in spec.events:
        attending = event_groups(spec, event)
        present = attended_by.get(event.id, [])
        listed = entries.get(event.id, [])
        for g in attending:
            there = sum(_covers(t, g) for t in present)
            times = sum(_covers(u, g) for u in listed)
            if there + times != 1:
                out.append(
                    Violation(
                        "plan",
                        f"event {event.id} is attended {there} times and listed {times} times"
                        + (f" by {g}" if split and g != ALL else "")
                        + ", not once",
                        "event_missing",
                        "event",
                        event.id,
                        event.name,
                        args={
                            "listed": times > 0,
                            "visits": there,
                            "group": name(g) if g != ALL else None,
                            "joint": [
                                group_info(spec, o).name for o in attending if o not in (g, ALL)
                            ]
                            or None,
                        },
                    )
                )
        stray = [u for u in listed if not any(_covers(u, g) for g in attending)]
        if split and stray:
            out.append(
                Violation(
                    "plan",
                    f"event {event.id} is listed as left out by {stray[0]}, which does not "
                    "attend it",
                    "unscheduled_group",
                    "event",
                    event.id,
                    event.name,
                    args={"group": name(stray[0])},
                )
            )
    return out


def _capacity_violations(
    spec: VisitSpec,
    visits_of: dict[str, list[tuple[str, VisitItem, str, dt.date]]],
    tz: ZoneInfo,
) -> list[Violation]:
    """Visits of one host by several groups that are under way at one moment (from a visit's
    start to its end; one that ends as another begins does not meet it) bring at most the
    host's `capacity` of visitors, each group its size. The most at once is reached at some
    visit's start, so only those moments are counted; each host is named once."""
    out: list[Violation] = []
    for host in spec.hosts:
        visits = visits_of.get(host.id, [])
        if host.capacity is None or len(visits) < 2:
            continue
        for group, item, where, date in visits:
            moment = item.start
            present = [
                (g, other)
                for g, other, _, _ in visits
                if other.start <= moment < other.end or other.start == moment
            ]
            total = sum(group_info(spec, g).size for g, _ in present)
            if len(present) > 1 and total > host.capacity:
                named = [group_info(spec, g).name for g, _ in present]
                out.append(
                    Violation(
                        where,
                        f"visits of {host.id} by {', '.join(g for g, _ in present)} are under way "
                        f"at {moment.astimezone(tz):%H:%M} with {total} visitors; it holds "
                        f"{host.capacity}",
                        "capacity_shared",
                        "visit",
                        host.id,
                        host.name,
                        date=date,
                        start=item.start,
                        end=item.end,
                        args={
                            "groups": named,
                            "total": total,
                            "capacity": host.capacity,
                            "at": moment,
                        },
                        group=group_info(spec, group).name if group != ALL else None,
                    )
                )
                break
    return out


def _figure_violations(
    plan: Plan, status: str, score: int, travel: int, hotel: int | None
) -> list[Violation]:
    """The plan's own figures against what its items add up to: its status, score, travel
    minutes and (with the visit file, `hotel` not None) what the stops at the hotel add."""
    out: list[Violation] = []

    def wrong(message: str, kind: str, said: object, is_: object) -> None:
        out.append(Violation("plan", message, kind, args={"said": said, "is_": is_}))

    if plan.status != status:
        wrong(f"status is {plan.status}, should be {status}", "status", plan.status, status)
    if plan.score != score:
        wrong(f"score is {plan.score}, visits add up to {score}", "score", plan.score, score)
    if hotel is not None and (plan.hotel_travel_minutes or 0) != hotel:
        said = plan.hotel_travel_minutes or 0
        wrong(
            f"hotel_travel_minutes is {said}, the stops at the hotel add {hotel}",
            "hotel_travel",
            said,
            hotel,
        )
    if plan.travel_minutes != travel:
        wrong(
            f"travel_minutes is {plan.travel_minutes}, items add up to {travel}",
            "travel_total",
            plan.travel_minutes,
            travel,
        )
    return out


def _name_at(item: Item) -> str | None:
    """The name of the place an item is at, for "after X ends": the host, event or hotel."""
    return _about(item).get("name")


def _left_at(item: Item) -> dt.datetime:
    """When the group may leave an item's place."""
    return item.time if isinstance(item, StartItem | EndItem) else item.end


def _closed_between(
    item: VisitItem, windows: list[tuple[int, int]], date: dt.date, tz: ZoneInfo
) -> dict[str, Any]:
    """What of the host's hours a visit falls outside of, for people: closed from `closed` to
    `opens` (a gap between two windows, a lunch closure), not yet open (`opens`), or already
    closed (`closes`)."""
    spans = sorted((_local(date, a, tz), _local(date, b, tz)) for a, b in windows)
    for (_, b), (a, _) in itertools.pairwise(spans):
        if item.start < a and item.end > b:
            return {"closed": b, "opens": a, "closes": None}
    if item.start < spans[0][0]:
        return {"closed": None, "opens": spans[0][0], "closes": None}
    closes = max(b for a, b in spans if a <= item.start)
    return {"closed": None, "opens": None, "closes": closes}


def _order_violations(
    spec: VisitSpec,
    times: dict[tuple[str, str], tuple[dt.datetime, dt.datetime, str, dt.date]],
    tz: ZoneInfo,
    everyone: list[str],
) -> list[Violation]:
    """A host with `after` that a group visits comes, for that group, after each host or event
    it names: the group has that one in its programme too, and it has ended when this visit
    starts (`times`: by (id, group), a together visit or event under every group)."""
    out: list[Violation] = []
    said: set[tuple[str, str]] = set()
    names = {h.id: h.name for h in spec.hosts} | {e.id: e.name for e in spec.events}
    split = is_split(spec)
    for host in spec.hosts:
        if not host.after:
            continue
        for g in everyone:
            if (host.id, g) not in times:
                continue
            start, end, where, date = times[(host.id, g)]
            about: dict[str, Any] = {
                "subject": "visit",
                "id": host.id,
                "name": host.name,
                "date": date,
                "start": start,
                "end": end,
                "group": group_info(spec, g).name if split else None,
            }
            by = f" by {g}" if split else ""
            for earlier in host.after:
                if (earlier, g) not in times:
                    message = (
                        f"visit {host.id}{by} is in the plan without {earlier}, which it comes "
                        "after"
                    )
                    if (where, message) not in said:
                        said.add((where, message))
                        out.append(
                            Violation(
                                where,
                                message,
                                "after_missing",
                                args={"other": names.get(earlier, earlier)},
                                **about,
                            )
                        )
                    continue
                _, ends, there, other_date = times[(earlier, g)]
                if ends > start:
                    message = (
                        f"visit {host.id}{by} starts at {start.astimezone(tz):%Y-%m-%d %H:%M}, "
                        f"before {earlier} ends ({ends.astimezone(tz):%Y-%m-%d %H:%M}, {there}), "
                        "which it comes after"
                    )
                    if (where, message) in said:
                        continue
                    said.add((where, message))
                    out.append(
                        Violation(
                            where,
                            message,
                            "after_order",
                            args={
                                "other": names.get(earlier, earlier),
                                "until": ends,
                                "other_date": other_date,
                            },
                            **about,
                        )
                    )
    return out


def _stay_violations(
    spec: VisitSpec,
    items: list[Item],
    start_key: str,
    end_key: str,
    hm: Callable[[dt.datetime], str],
) -> list[tuple[str, str, Item | None, dict[str, Any]]]:
    """Rests and check-ins: at a hotel of the day (the night's, or the previous night's), and
    one check-in of `check_in_minutes` at the first arrival at a new hotel (none without one).
    Each as (message, kind, item, args)."""
    out: list[tuple[str, str, Item | None, dict[str, Any]]] = []
    stays = {stay_key(s): s for s in spec.stays}
    allowed = [k for k in (end_key, start_key) if k in stays]
    new = end_key if end_key in stays and end_key != start_key else None
    minutes = stays[new].check_in_minutes if new is not None else 0
    check_ins = [i for i in items if isinstance(i, CheckInItem)]
    hotels = [stays[k].name for k in allowed]
    for item in items:
        if isinstance(item, RestItem | CheckInItem):
            if item.at not in allowed:
                names = " or ".join(allowed) if allowed else "none"
                out.append(
                    (
                        f"{item.type} {hm(item.start)}–{hm(item.end)} at {item.at}, not at a "
                        f"hotel of the day ({names})",
                        "stay_place",
                        item,
                        {"hotels": hotels},
                    )
                )
            if item.end <= item.start:
                out.append((f"{item.type} at {hm(item.start)} takes no time", "no_time", item, {}))
    for item in check_ins:
        if item.at != new or minutes == 0:
            out.append(
                (
                    f"check-in at {item.at}, which is not a new hotel with a check-in",
                    "check_in_needless",
                    item,
                    {},
                )
            )
        elif _minutes(item.start, item.end) != minutes:
            out.append(
                (
                    f"check-in at {item.at} lasts {_minutes(item.start, item.end)} min, "
                    f"not {minutes}",
                    "check_in_length",
                    item,
                    {"lasts": _minutes(item.start, item.end), "minutes": minutes},
                )
            )
    if new is not None and minutes > 0:
        at_new = [i for i in check_ins if i.at == new]
        if len(at_new) != 1:
            out.append(
                (
                    f"{len(at_new)} check-ins at {new}, not one",
                    "check_in_count",
                    None,
                    {"count": len(at_new), "hotel": stays[new].name},
                )
            )
        else:
            # the check-in comes before the group first leaves the new hotel
            index = items.index(at_new[0])
            if any(isinstance(i, TravelItem) and i.from_ == new for i in items[1:index]):
                out.append(
                    (
                        f"check-in at {new} is not at the first arrival there",
                        "check_in_late",
                        at_new[0],
                        {},
                    )
                )
    return out


def hotel_travel(
    items: list[Item], places: Collection[str], travel: Callable[[str, str], int]
) -> int:
    """The travel minutes a day's stops at a hotel for nothing but a rest or a check-in add to
    the way between the stops before and after them (a stop at the end place, where the day
    ends, is no detour); 0 for a day with a place not in `places` (the checker names it). The
    plan's `hotel_travel_minutes` as `plan/retime.py` recounts it and this checker checks it."""
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


# How far a leg's road may begin or end from its places: OSRM starts from the nearest road it
# may use, and road times refuse a place further than 1 km from one (roads/engine.py); the
# margin covers the simplified geometry.
ROUTE_REACH_KM = 1.5


def _route_problem(
    route: list[tuple[float, float]],
    start: tuple[float, float] | None,
    end: tuple[float, float] | None,
) -> str | None:
    """Why a travel item's road geometry is not a road between its two places, or None."""
    if len(route) < 2:
        return "has fewer than two points"
    if start is not None and great_circle_km(route[0], start) > ROUTE_REACH_KM:
        return f"begins {great_circle_km(route[0], start):.1f} km from the place it leaves"
    if end is not None and great_circle_km(route[-1], end) > ROUTE_REACH_KM:
        return f"ends {great_circle_km(route[-1], end):.1f} km from the place it reaches"
    return None


def _places(spec: VisitSpec) -> dict[str, tuple[float, float]]:
    places = {stay_key(s): s.location for s in spec.stays}
    places.update({h.id: h.location for h in spec.hosts})
    places.update({e.id: e.location for e in spec.events})
    if spec.arrival:
        places[ARRIVAL_KEY] = spec.arrival.location
    if spec.departure:
        places[DEPARTURE_KEY] = spec.departure.location
    return places


def _place_name(spec: VisitSpec, key: str) -> str:
    """A place key as people know it: the host's, event's or hotel's name, the arrival's or
    departure's place; the key itself when the visit file has no such place."""
    for stay in spec.stays:
        if stay_key(stay) == key:
            return stay.name
    for host in spec.hosts:
        if host.id == key:
            return host.name
    for event in spec.events:
        if event.id == key:
            return event.name
    if key == ARRIVAL_KEY and spec.arrival:
        return spec.arrival.place
    if key == DEPARTURE_KEY and spec.departure:
        return spec.departure.place
    return key


def _expected_places(spec: VisitSpec, date: dt.date, first: bool, last: bool) -> tuple[str, str]:
    def stay_of(night: dt.date) -> str:
        stay = spec.stay_for_night(night)
        if stay is None and not spec.needs_stays():
            return spec.base_event(date).id  # a trip of events only: the day's event
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
    group: str = ALL,
) -> bool:
    """Lunch is due on a day (of `group`: each group lunches on its own) whose bounds leave room
    for it and whose events leave a gap, unless an event the group attends that day covers it."""
    lunch = spec.trip.lunch
    assert lunch is not None
    length = dt.timedelta(minutes=lunch.minutes)
    f = _up_to_grid(
        max(_local(date, lunch.from_, tz), earliest).astimezone(tz), spec.trip.round_minutes
    )
    t = min(_local(date, lunch.to, tz), latest)
    if t - f < length:
        return False
    if any(
        e.lunch and any(_covers(group, g) for g in event_groups(spec, e))
        for e in spec.events
        if e.start.date() == date
    ):
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


def _check_length(journey: TravelItem, bad: Callable[..., None]) -> None:
    """A travel item lasts the minutes it says."""
    lasts = _minutes(journey.start, journey.end)
    if lasts != journey.minutes:
        bad(
            f"travel {journey.from_}→{journey.to} lasts {lasts} min, says {journey.minutes}",
            "travel_item",
            journey,
            lasts=lasts,
            minutes=journey.minutes,
        )


def _in_order(
    items: list[Item],
    tz: ZoneInfo,
    bad: Callable[..., None],
    drive: Callable[[TravelItem], int | None] | None,
) -> list[Item]:
    """A day's items in UTC, once the rules of their order are checked (`bad(message, kind,
    item, **args)` for each broken one): every time carries the trip time zone's offset;
    nothing overlaps what comes before — what overlaps a journey is too little travel time,
    said as such, with the minutes `drive` gives it (unknown without the visit file, `drive`
    None; a journey `drive` knows nothing of is an overlap); nothing ends before it starts;
    the day does not end before its last item. The day begins with its start item and ends
    with its end item."""

    def hm(t: dt.datetime) -> str:
        return f"{t.astimezone(tz):%H:%M}"

    for item in items:
        for t in _times(item):
            if t.tzinfo is None or t.utcoffset() != t.astimezone(tz).utcoffset():
                bad(
                    f"{t.isoformat()} does not carry the trip time zone's UTC offset",
                    "time_zone",
                    item,
                    time=t.isoformat(),
                )
    items = [_in_utc(i) for i in items]
    start_item, end_item = items[0], items[-1]
    assert isinstance(start_item, StartItem) and isinstance(end_item, EndItem)
    clock, clock_item = start_item.time, cast(Item, start_item)
    left: Item = start_item  # the last item at a place before the journey under way
    for item in items[1:-1]:
        if isinstance(item, StartItem | EndItem):
            continue  # a day_shape violation; it has a time, not a start and an end
        start, end = item.start, item.end
        if start < clock:
            message = f"{item.type} at {hm(start)} overlaps what comes before (until {hm(clock)})"
            on_the_way = isinstance(clock_item, TravelItem) and start >= _left_at(left)
            journey = clock_item if on_the_way and isinstance(clock_item, TravelItem) else None
            need = drive(journey) if journey is not None and drive is not None else None
            if journey is not None and (drive is None or need is not None):
                bad(
                    message,
                    "travel_time",
                    item,
                    to=journey.to_name,
                    frm=_name_at(left),
                    frm_subject=left.type,
                    left=_left_at(left),
                    minutes=need,
                    arrives=clock,
                )
            else:
                other = left if start < _left_at(left) else clock_item
                bad(
                    message,
                    "overlap",
                    item,
                    other=_about(other).get("name"),
                    other_subject=other.type,
                    until=_left_at(other),
                )
        if end < start:
            bad(f"{item.type} ends before it starts", "ends_before_start", item)
        if end >= clock:
            clock, clock_item = end, item
        if not isinstance(item, TravelItem):
            left = item
    if end_item.time < clock:
        bad(
            f"the day ends at {hm(end_item.time)}, before its last item ends ({hm(clock)})",
            "day_end_early",
            end_item,
            until=clock,
        )
    return items


def check_plan_alone(plan: Plan) -> list[Violation]:
    """What can be checked of a plan without its visit file (`itinerary export` without
    `--visit`): each day begins with its start and ends with its end, in order, nothing
    overlapping (what overlaps a drive is too little travel time); every time in the trip's
    time zone; each drive as long as it says; nothing after the departure; no host or event
    twice, or both in the programme and left out; and the plan's figures (score, travel,
    status) as its items add up. With groups (`delegation.groups`): on each date one track per
    group in their order, or one of the whole delegation ("all"); every member in one of the
    groups; each host and event at most once per group (a together date's for every group).
    The hours of hosts, travel times, lunch, events, capacities, who may visit whom and the other
    rules need the visit file: `check_plan`."""
    tz = ZoneInfo(plan.trip.timezone)
    out: list[Violation] = []
    # (id, group) -> how often; without groups the group is "all"
    seen: dict[tuple[str, str], int] = {}
    travel_total = 0
    everyone = [g.id for g in plan.delegation.groups or ()] or [ALL]
    if plan.split:
        dates = list(dict.fromkeys(t.date for t in plan.tracks))
        out += _track_violations(
            plan,
            [
                (d, [ALL] if ALL in [t.group for t in plan.tracks if t.date == d] else everyone)
                for d in dates
            ],
        )
        for member in plan.delegation.members or ():
            if member.group not in everyone:
                out.append(
                    Violation(
                        "plan",
                        f"member {member.id} is in {member.group}, which is no group of the plan",
                        "member_group_unknown",
                        "member",
                        member.id,
                        member.name,
                        args={"said": member.group},
                    )
                )
    for track in plan.tracks:
        where = f"{track.date}/{track.group}"

        def bad(
            msg: str,
            kind: str,
            item: Item | None,
            where: str = where,
            date: dt.date = track.date,
            **args: Any,
        ) -> None:
            out.append(Violation(where, msg, kind, date=date, args=args, **_about(item)))

        items = track.items
        if (
            len(items) < 2
            or not isinstance(items[0], StartItem)
            or not isinstance(items[-1], EndItem)
            or any(isinstance(i, StartItem | EndItem) for i in items[1:-1])
        ):
            bad("a day must begin with a start item and end with an end item", "day_shape", None)
            continue
        start_item, end_item = items[0], items[-1]
        assert isinstance(start_item, StartItem) and isinstance(end_item, EndItem)
        _in_order(items, tz, bad, None)
        for item in items[1:-1]:
            assert not isinstance(item, StartItem | EndItem)
            if isinstance(item, TravelItem):
                travel_total += item.minutes
                _check_length(item, bad)
            if isinstance(item, VisitItem | EventItem):
                for g in everyone:
                    if _covers(track.group, g):
                        seen[(item.id, g)] = seen.get((item.id, g), 0) + 1
        if end_item.departs is not None:
            for item in items[1:-1]:
                assert not isinstance(item, StartItem | EndItem)
                if item.end > end_item.departs and not isinstance(item, CheckInItem):
                    bad(
                        f"{item.type} ends after the departure",
                        "after_day_departure",
                        item,
                        latest=end_item.departs,
                        departs=end_item.departs,
                        place=end_item.place,
                    )
    listed = {(u.id, g) for u in plan.unscheduled for g in everyone if _covers(u.group or ALL, g)}
    names = {v.id: v.name for v in plan.visits()}
    said: set[str] = set()
    for (ident, group), count in seen.items():
        if (count > 1 or (ident, group) in listed) and ident not in said:
            said.add(ident)  # once for each host or event
            in_group = f" by {group}" if plan.split else ""
            out.append(
                Violation(
                    "plan",
                    f"{ident} is in the plan {count} times{in_group}"
                    + (" and listed as left out" if (ident, group) in listed else ""),
                    "host_twice",
                    "visit",
                    ident,
                    names.get(ident, ident),
                    args={
                        "visits": count,
                        "listed": (ident, group) in listed,
                        "group": plan.delegation.group(group).name if plan.split else None,
                    },
                )
            )
    required = [u for u in plan.unscheduled if u.required] or plan.unmet()
    status = "partial" if required else "complete"
    # A host's priority counts once per group that visits it.
    priorities = {v.id: v.priority for v in plan.visits()}
    score = sum(int(priorities[h]) for h, _ in seen if h in priorities and priorities[h] != "must")
    out += _figure_violations(plan, status, score, travel_total, None)
    return out
