"""Local dates and times <-> integer minutes, safe across daylight-saving changes.

Minute 0 is local midnight of the trip's first day; minutes count real elapsed time (they are
taken in UTC), so a day that loses an hour to DST really is 23 hours long and travel times stay
true across the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_UTC = dt.UTC


@dataclass(frozen=True)
class Clock:
    timezone: str
    epoch_date: dt.date

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _epoch_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.epoch_date, dt.time(), self.tz).astimezone(_UTC)

    def minutes(self, local: dt.datetime) -> int:
        """Minutes since the epoch of a naive local wall-clock time."""
        aware = local.replace(tzinfo=self.tz).astimezone(_UTC)
        return int((aware - self._epoch_utc()).total_seconds() // 60)

    def minutes_of(self, moment: dt.datetime) -> int:
        """Minutes since the epoch of an aware moment (a plan's time with its UTC offset)."""
        return int((moment.astimezone(_UTC) - self._epoch_utc()).total_seconds() // 60)

    def at(self, date: dt.date, minute_of_day: int) -> int:
        """Minutes since the epoch of `minute_of_day` (0..1440) on a local date."""
        naive = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute_of_day)
        return self.minutes(naive)

    def local(self, minutes: int) -> dt.datetime:
        """The aware local datetime of a minute count."""
        return (self._epoch_utc() + dt.timedelta(minutes=minutes)).astimezone(self.tz)


def format_duration(minutes: int) -> str:
    """340 -> '5h40', 45 -> '45 min'."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"
