"""The road-time cache beside the visit file (`visit.road-times.json`).

It holds one duration table, keyed by the places' coordinates, the routing profile and the
data's version (a fingerprint of the prepared region's files, or the server's URL and data
version), and the road geometry of the legs plans have used. Re-planning reads the table from
it instead of asking OSRM again, and a laptop without the routing data (or without the server)
plans from it. A table is current when its source, profile and version are those of the
routing data now and it has every place's coordinates; a table of more places serves any subset.

The file is written through `fsio` (temporary file, then rename). It is the one file itinerary
replaces without `--force`: it is derived, and only a file that is such a cache is replaced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..fsio import write_text
from .engine import LatLon, RoadTable

CACHE_FORMAT = "itinerary-road-times/1"
CACHE_SUFFIX = ".road-times.json"
MAX_CACHE_BYTES = 200 * 1024 * 1024


def cache_path(visit: Path) -> Path:
    """Where the cache of `visit` goes: `trip.yaml` → `trip.road-times.json`, beside it."""
    return visit.with_name(visit.stem + CACHE_SUFFIX)


@dataclass(frozen=True)
class CacheKey:
    source: str  # the prepared region's resolved path, or the server's URL
    profile: str
    version: str


@dataclass(frozen=True)
class RoadCache:
    key: CacheKey
    places: tuple[LatLon, ...]
    seconds: tuple[tuple[float | None, ...], ...]
    snapped_m: tuple[float, ...]
    routes: Mapping[tuple[int, int], tuple[LatLon, ...]] = field(default_factory=dict)

    def index(self) -> dict[LatLon, int]:
        return {place: i for i, place in enumerate(self.places)}

    def table_for(self, locations: Sequence[LatLon]) -> RoadTable | None:
        """The table between `locations`, when the cache holds every one of them."""
        at = self.index()
        if any(location not in at for location in locations):
            return None
        rows = [at[location] for location in locations]
        return RoadTable(
            tuple(tuple(self.seconds[i][j] for j in rows) for i in rows),
            tuple(self.snapped_m[i] for i in rows),
        )

    def route(self, a: LatLon, b: LatLon) -> tuple[LatLon, ...] | None:
        at = self.index()
        if a not in at or b not in at:
            return None
        return self.routes.get((at[a], at[b]))

    def with_routes(self, found: Mapping[tuple[LatLon, LatLon], tuple[LatLon, ...]]) -> RoadCache:
        at = self.index()
        routes = dict(self.routes)
        for (a, b), points in found.items():
            if a in at and b in at:
                routes[(at[a], at[b])] = points
        return RoadCache(self.key, self.places, self.seconds, self.snapped_m, routes)


def status(cache: RoadCache | None, key: CacheKey, locations: Sequence[LatLon]) -> str | None:
    """Why `cache` cannot serve `locations` under `key`, in a few words; None when it can."""
    if cache is None:
        return "there is none yet"
    if cache.key.source != key.source:
        return f"it was made from {cache.key.source}"
    if cache.key.profile != key.profile:
        return f"it was made with the {cache.key.profile} profile"
    if cache.key.version != key.version:
        return "the routing data has changed since"
    missing = len(set(locations) - set(cache.places))
    if missing:
        return f"{missing} of the places are new or have moved"
    return None


def read_cache(path: Path) -> RoadCache | None:
    """The cache at `path`; None when there is none, or it cannot be read (it is then made
    anew: a damaged cache costs one table, never a wrong plan)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_CACHE_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return _from_json(data)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def write_cache(path: Path, cache: RoadCache) -> None:
    """Write `cache` to `path`, replacing an earlier cache but nothing else."""
    if path.exists() or path.is_symlink():
        if not path.is_file() or not _is_cache(path):
            raise OutputError(
                f"{path} exists and is not itinerary's road-time cache; move it away so the "
                "road times can be kept there"
            )
    write_text(path, json.dumps(_to_json(cache), separators=(",", ":")) + "\n", force=True)


def _is_cache(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return f'"format":"{CACHE_FORMAT}"'.encode() in head


def _to_json(cache: RoadCache) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "source": cache.key.source,
        "profile": cache.key.profile,
        "version": cache.key.version,
        "places": [list(p) for p in cache.places],
        "seconds": [list(row) for row in cache.seconds],
        "snapped_m": list(cache.snapped_m),
        "routes": {f"{i} {j}": [list(p) for p in pts] for (i, j), pts in cache.routes.items()},
    }


def _from_json(data: Any) -> RoadCache | None:
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return None
    key = CacheKey(str(data["source"]), str(data["profile"]), str(data["version"]))
    places = tuple((float(p[0]), float(p[1])) for p in data["places"])
    n = len(places)
    seconds = tuple(
        tuple(None if cell is None else float(cell) for cell in row) for row in data["seconds"]
    )
    snapped = tuple(float(d) for d in data["snapped_m"])
    if len(seconds) != n or any(len(row) != n for row in seconds) or len(snapped) != n:
        return None
    routes: dict[tuple[int, int], tuple[LatLon, ...]] = {}
    for pair, points in dict(data.get("routes") or {}).items():
        i, j = (int(x) for x in str(pair).split())
        if 0 <= i < n and 0 <= j < n:
            routes[(i, j)] = tuple((float(p[0]), float(p[1])) for p in points)
    return RoadCache(key, places, seconds, snapped, routes)
