"""The frame of each trip day: where it starts and ends, and the time bounds of its journey.

Shared by `load` (a day that would overlap the next is an input error, reported by `validate`
too) and `compile` (the frames become the tracks' bounds), so both read the same frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..input.spec import ARRIVAL_KEY, DEPARTURE_KEY, VisitSpec, stay_key
from .timeline import Clock


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    location: tuple[float, float]
    address: str | None = None


@dataclass(frozen=True)
class DayFrame:
    """One trip date: its start and end places, and the arrival or departure time it has."""

    date: dt.date
    start: Place
    end: Place
    arrival: dt.datetime | None  # local wall clock, when the day begins with the arrival
    departure: dt.datetime | None  # local wall clock, when the day ends with the departure
    # From landing to the coach leaving (baggage), and from the coach reaching the departure
    # place to the flight: the journey's own bounds lie this far inside the two times.
    arrival_minutes: int = 0
    departure_minutes: int = 0

    @property
    def ready(self) -> dt.datetime | None:
        """When the coach may leave the arrival place."""
        if self.arrival is None:
            return None
        return self.arrival + dt.timedelta(minutes=self.arrival_minutes)

    @property
    def due(self) -> dt.datetime | None:
        """When the coach must have reached the departure place."""
        if self.departure is None:
            return None
        return self.departure - dt.timedelta(minutes=self.departure_minutes)


def day_frames(spec: VisitSpec) -> list[DayFrame]:
    """Per date: start place, end place, and the arrival/departure time if that day has one."""
    dates = spec.trip_dates()
    frames = []
    for date in dates:
        first, last = date == dates[0], date == dates[-1]
        if first and spec.arrival:
            start = Place(
                ARRIVAL_KEY, spec.arrival.place, spec.arrival.location, spec.arrival.address
            )
        else:
            start = stay_place(spec, date if first else date - dt.timedelta(days=1), date)
        if last and spec.departure:
            end = Place(
                DEPARTURE_KEY, spec.departure.place, spec.departure.location, spec.departure.address
            )
        else:
            end = stay_place(spec, date, date)
        frames.append(
            DayFrame(
                date,
                start,
                end,
                spec.arrival.time if first and spec.arrival else None,
                spec.departure.time if last and spec.departure else None,
                spec.arrival.minutes if first and spec.arrival else 0,
                spec.departure.minutes if last and spec.departure else 0,
            )
        )
    return frames


def stay_place(spec: VisitSpec, night: dt.date, day: dt.date | None = None) -> Place:
    """The hotel of `night`; in a trip of events only without one, the base event of `day`."""
    stay = spec.stay_for_night(night)
    if stay is None and not spec.needs_stays():
        event = spec.base_event(day or night)
        return Place(event.id, event.place, event.location, event.address)
    if stay is None:  # load.semantic_issues reports this before we get here
        raise ValueError(f"no stay covers the night of {night}")
    return Place(stay_key(stay), stay.name, stay.location, stay.address)


def fit_direct_journey(earliest: int, latest: int, direct: int, fixed_end: bool) -> tuple[int, int]:
    """Make room for at least the direct journey: an evening arrival ends the day later; an
    early train or flight (fixed end) starts it earlier."""
    if latest - earliest >= direct:
        return earliest, latest
    if fixed_end:
        return latest - direct, latest
    return earliest, earliest + direct


def day_bounds(spec: VisitSpec, frame: DayFrame, clock: Clock, direct: int) -> tuple[int, int]:
    """(earliest start, latest end) of a day in minutes on `clock`, stretched for the direct
    journey of `direct` minutes from its start place to its end place. An arrival day starts
    when the coach may leave (`arrival.minutes` after landing); a departure day ends when the
    coach must be at the departure place (`departure.minutes` before the flight)."""
    day_start, day_end = spec.day_bounds(frame.date)
    earliest = clock.minutes(frame.ready) if frame.ready else clock.at(frame.date, day_start)
    latest = clock.minutes(frame.due) if frame.due else clock.at(frame.date, day_end)
    return fit_direct_journey(earliest, latest, direct, frame.departure is not None)


@dataclass(frozen=True)
class Overlap:
    """Day `index` would end after day `index + 1` begins: the journey of one of them is too
    long for the gap between them. `pulled_next` says the next day was started earlier (its
    departure is fixed); otherwise this day was ended later."""

    index: int
    end: int  # minutes on the clock: when day `index` would end
    next_start: int  # when day `index + 1` would begin
    journey: int  # minutes of the direct journey that moved the bound
    pulled_next: bool


def overlaps(spec: VisitSpec, clock: Clock, direct: Callable[[DayFrame], int]) -> list[Overlap]:
    """The days that would overlap the next one; `direct(frame)`: the day's direct journey in
    minutes. A day may never end after the next begins: the group cannot be in two places."""
    frames = day_frames(spec)
    journeys = [direct(frame) for frame in frames]
    bounds = [day_bounds(spec, f, clock, j) for f, j in zip(frames, journeys, strict=True)]
    out = []
    for i in range(len(frames) - 1):
        (_, end), (next_start, _) = bounds[i], bounds[i + 1]
        if end > next_start:
            following = frames[i + 1]
            unstretched = clock.at(following.date, spec.day_bounds(following.date)[0])
            pulled = following.departure is not None and next_start < unstretched
            journey = journeys[i + 1] if pulled else journeys[i]
            out.append(Overlap(i, end, next_start, journey, pulled))
    return out
