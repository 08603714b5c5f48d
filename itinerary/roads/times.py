"""Road times for a trip's places: from the cache when it is current, else from OSRM (a prepared
region or a server), then cached; and the road geometry of a plan's legs.

The travel layer (`input/load.py`) turns the table into the minutes matrix of `TravelModel`
(`model/travel.py`); the solver sees minutes only, as with a CSV matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError, RoadError
from .cache import CacheKey, RoadCache, read_cache, status, write_cache
from .engine import (
    LatLon,
    LocalEngine,
    RoadData,
    RoadEngine,
    RoadTable,
    ServerEngine,
    open_data,
)


@dataclass(frozen=True)
class RoadSource:
    """Where road times come from, as the visit file says: a prepared region (`data`, the
    `.osrm` path resolved against the visit file's folder) or a server (`url`)."""

    data: Path | None = None
    url: str | None = None
    shown: str = ""  # as written in the file

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a road source is either prepared data or a server's URL")


@dataclass(frozen=True, eq=False)
class RoadTimes:
    """The duration table between `locations`, and how it was had (`how`: a few words for
    `itinerary validate` and the plan's notes)."""

    source: RoadSource
    locations: tuple[LatLon, ...]
    table: RoadTable
    how: str
    cache_file: Path | None = None
    cache: RoadCache | None = None
    engine: RoadEngine | None = field(default=None, repr=False)
    cache_error: str | None = None  # why the table could not be cached (it is used all the same)

    def seconds(self, i: int, j: int) -> float | None:
        return self.table.seconds[i][j]

    def summary(self) -> str:
        """Where the times come from and whether the cache was current (`itinerary validate`):
        "current" when it served them, else why it was not (they were then computed and the
        cache brought up to date)."""
        where = f"{self.source.shown}, {len(self.locations)} places"
        if self.cache_file is None:
            return f"road times: {self.how} ({where})"
        if self.how == "read from the cache":
            return f"road times: the cache {self.cache_file} is current ({where})"
        return f"road times: {self.how}; the cache {self.cache_file} is now current ({where})"


def _key_for(source: RoadSource, cached: RoadCache | None) -> tuple[CacheKey, RoadData | None]:
    """The cache key of the source as it is now, without asking OSRM anything (a server's
    data version is the cached one: it is not asked while the cache serves)."""
    if source.data is not None:
        data = open_data(source.data, source.shown)
        return CacheKey(str(source.data.resolve()), data.profile, data.version()), data
    assert source.url is not None
    url = source.url.rstrip("/")  # as ServerEngine.source has it, and so the cache
    if cached is not None and cached.key.source == url:
        return cached.key, None  # the data version the server last reported
    return CacheKey(url, "server", ""), None


def road_times(
    source: RoadSource, locations: Sequence[LatLon], cache_file: Path | None
) -> RoadTimes:
    """The table between `locations` (distinct), from the cache at `cache_file` when it is
    current, else computed and written there. Raises RoadError (one line for the user)."""
    locations = tuple(locations)
    cached = read_cache(cache_file) if cache_file is not None else None
    key, data = _key_for(source, cached)
    why = status(cached, key, locations)
    if why is None and cached is not None:
        table = cached.table_for(locations)
        if table is not None:
            return RoadTimes(source, locations, table, "read from the cache", cache_file, cached)
    engine = _engine(source, data)
    table = engine.table(locations)
    key = CacheKey(engine.source, engine.profile, engine.version())
    how = "computed by OSRM"
    cache = RoadCache(key, locations, table.seconds, table.snapped_m)
    if cache_file is not None:
        try:
            write_cache(cache_file, cache)
        except OutputError as exc:
            # A read-only folder, or a file of that name that is not a cache: plan all the same.
            return RoadTimes(
                source, locations, table, how, None, None, engine, cache_error=str(exc)
            )
        if why == "there is none yet":
            how = "computed by OSRM (no cache yet)"
        elif why:
            how = f"computed by OSRM (the cache was not current: {why})"
    return RoadTimes(source, locations, table, how, cache_file, cache, engine)


def leg_routes(
    times: RoadTimes, legs: Iterable[tuple[LatLon, LatLon]]
) -> dict[tuple[LatLon, LatLon], tuple[LatLon, ...]]:
    """The road geometry of each leg: from the cache, else from OSRM (then added to the
    cache). A leg OSRM cannot route, or any leg while OSRM cannot be asked (no extra, no
    server), is left out: the map draws it as a straight line."""
    found: dict[tuple[LatLon, LatLon], tuple[LatLon, ...]] = {}
    new: dict[tuple[LatLon, LatLon], tuple[LatLon, ...]] = {}
    engine = times.engine
    tried_engine = engine is not None
    for a, b in dict.fromkeys(legs):
        if a == b:
            continue
        cached = times.cache.route(a, b) if times.cache is not None else None
        if cached is not None:
            found[(a, b)] = cached
            continue
        if not tried_engine:
            tried_engine = True
            engine = _engine_if_possible(times.source)
        if engine is None:
            continue
        points = engine.route(a, b)
        if points is not None:
            found[(a, b)] = new[(a, b)] = points
    if new and times.cache is not None and times.cache_file is not None:
        try:
            write_cache(times.cache_file, times.cache.with_routes(new))
        except OutputError:
            pass  # the geometry is a nicety: the plan stands without it being kept
    return found


def _engine(source: RoadSource, data: RoadData | None = None) -> RoadEngine:
    """The engine that answers for `source` (`data`: its prepared region, when already
    opened); a RoadError when it cannot (no extra, data missing or damaged)."""
    if source.data is not None:
        return LocalEngine(data or open_data(source.data, source.shown), source.shown)
    assert source.url is not None
    return ServerEngine(source.url)


def _engine_if_possible(source: RoadSource) -> RoadEngine | None:
    try:
        return _engine(source)
    except RoadError:
        return None
