"""Road durations from OSRM: a prepared region on disk (the `osrm-bindings` extra, in-process,
no server) or a running OSRM server (`osrm-routed`, over HTTP with urllib).

Both answer the same two questions: the duration table between places (OSRM's Table service)
and the road geometry of one leg (its Route service). Every failure is a `RoadError` whose
message is one line for a person; the caller says where in the visit file it comes from.
Locations are (lat, lon) as in visit.yaml; OSRM takes (lon, lat), which only this module sees.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import RoadError

LatLon = tuple[float, float]

INSTALL_HINT = (
    "road times need the roads extra (Python 3.12 or newer): pip install 'itinerary[roads]' "
    "(from a clone: pip install '.[roads]')"
)
# A place further than this from the nearest road OSRM can route on is not on the network
# (an island without a ferry in the data, a point in a lake or outside the region): its road
# times would be the times of some other place.
MAX_SNAP_METERS = 1000.0
SERVER_TIMEOUT_SECONDS = 10.0
# Written by `itinerary roads prepare` beside the routing data: the profile it was made with.
META_SUFFIX = ".itinerary.json"


def osrm_available() -> bool:
    """Whether the `roads` extra (osrm-bindings) is installed, without importing it."""
    return importlib.util.find_spec("osrm") is not None


@dataclass(frozen=True)
class RoadTable:
    """Durations between places in seconds, `None` where OSRM finds no route; `snapped_m`: how
    far each place is from the road OSRM starts from (metres)."""

    seconds: tuple[tuple[float | None, ...], ...]
    snapped_m: tuple[float, ...]


class RoadEngine(Protocol):
    """What the travel layer asks of a road engine."""

    @property
    def source(self) -> str:
        """Where the times come from, for the cache key and messages (a path or a URL)."""
        ...

    @property
    def profile(self) -> str: ...

    def version(self) -> str:
        """The routing data's version: a new one makes cached times stale."""
        ...

    def table(self, locations: Sequence[LatLon]) -> RoadTable: ...

    def route(self, a: LatLon, b: LatLon) -> tuple[LatLon, ...] | None:
        """The road geometry from `a` to `b`, simplified; None where there is no route."""
        ...


# --- a prepared region on disk ------------------------------------------------------------------


@dataclass(frozen=True)
class RoadData:
    """A region prepared for routing: `path` is the base name OSRM's files share
    (`region.osrm`, with `region.osrm.mldgr`, `region.osrm.partition`, …)."""

    path: Path
    algorithm: str  # "MLD" (what `roads prepare` makes) or "CH" (osrm-contract)
    profile: str  # "car", "coach", or "unknown" for data prepared with OSRM's own tools

    def files(self) -> list[Path]:
        folder, stem = self.path.parent, self.path.name
        return sorted(p for p in folder.glob(stem + ".*") if not p.name.endswith(META_SUFFIX))

    def version(self) -> str:
        """A fingerprint of the routing files (names, sizes, modification times): preparing the
        region again, or a newer extract, gives another."""
        digest = hashlib.sha256()
        for file in self.files():
            info = file.stat()
            digest.update(f"{file.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:16]


def open_data(path: Path, shown: str) -> RoadData:
    """The prepared region at `path` (`region.osrm`), or a RoadError saying what is wrong."""
    name = path.name
    if name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.bz2")):
        raise RoadError(
            f"roads: {shown} is an OpenStreetMap extract, not routing data; prepare it once "
            f"with: itinerary roads prepare {shown} (then give the .osrm it writes)"
        )
    if path.is_dir():
        raise RoadError(f"roads: {shown} is a folder; give the prepared region's .osrm file")
    folder = path.parent
    if not folder.is_dir():
        raise RoadError(f"roads: {shown} not found (folder {folder} does not exist)")
    if (folder / (name + ".mldgr")).is_file():
        algorithm = "MLD"
        needed = [".mldgr", ".partition", ".cells", ".cell_metrics"]
    elif (folder / (name + ".hsgr")).is_file():
        algorithm = "CH"
        needed = [".hsgr"]
    elif any(folder.glob(name + ".*")):
        raise RoadError(
            f"roads: {shown} is not prepared for routing (osrm-partition and osrm-customize "
            "have not run); prepare the extract again with: itinerary roads prepare"
        )
    else:
        raise RoadError(
            f"roads: {shown} not found (looked for {path}.mldgr); prepare a region with: "
            "itinerary roads prepare REGION.osm.pbf"
        )
    for suffix in needed + [".properties", ".ebg_nodes", ".geometry"]:
        if not (folder / (name + suffix)).is_file():
            raise RoadError(
                f"roads: {shown} is incomplete ({name}{suffix} is missing); prepare the "
                "extract again with: itinerary roads prepare"
            )
    profile = "unknown"
    meta = folder / (name + META_SUFFIX)
    try:
        found = json.loads(meta.read_text(encoding="utf-8"))
        if isinstance(found, dict) and isinstance(found.get("profile"), str):
            profile = found["profile"]
    except (OSError, ValueError):
        pass
    return RoadData(path, algorithm, profile)


class LocalEngine:
    """OSRM in this process, on a prepared region (memory-mapped, no server, no network)."""

    def __init__(self, data: RoadData, shown: str) -> None:
        if not osrm_available():
            raise RoadError(INSTALL_HINT)
        import osrm

        self.data = data
        self.shown = shown
        try:
            self._osrm = osrm.OSRM(
                storage_config=str(data.path),
                algorithm=data.algorithm,
                use_shared_memory=False,
                use_mmap=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise RoadError(
                f"roads: {shown} cannot be read ({_short(exc)}); it may be damaged or made by "
                "another OSRM version: prepare the extract again with: itinerary roads prepare"
            ) from None

    @property
    def source(self) -> str:
        return str(self.data.path.resolve())

    @property
    def profile(self) -> str:
        return self.data.profile

    def version(self) -> str:
        return self.data.version()

    def table(self, locations: Sequence[LatLon]) -> RoadTable:
        import osrm

        if len(locations) < 2:
            return RoadTable(tuple((0.0,) for _ in locations), tuple(0.0 for _ in locations))
        params = osrm.TableParameters(
            coordinates=[(lon, lat) for lat, lon in locations], annotations=["duration"]
        )
        try:
            answer = _plain(self._osrm.Table(params))
        except RuntimeError as exc:
            raise RoadError(f"roads: OSRM could not compute the table: {_short(exc)}") from None
        return _table_of(answer, len(locations))

    def route(self, a: LatLon, b: LatLon) -> tuple[LatLon, ...] | None:
        import osrm

        params = osrm.RouteParameters(
            coordinates=[(a[1], a[0]), (b[1], b[0])], geometries="geojson", overview="simplified"
        )
        try:
            answer = _plain(self._osrm.Route(params))
        except RuntimeError:
            return None  # no route: the map draws a straight line
        return _geometry_of(answer)


# --- a running OSRM server ----------------------------------------------------------------------


class ServerEngine:
    """A running OSRM server (`osrm-routed`): one HTTP request per question, with a timeout and
    no retries; once it has failed to answer, it is not asked again in this run."""

    def __init__(self, url: str, timeout: float = SERVER_TIMEOUT_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._data_version = ""
        self._down = False

    @property
    def source(self) -> str:
        return self.url

    @property
    def profile(self) -> str:
        return "server"

    def version(self) -> str:
        return self._data_version

    def _get(self, path: str) -> dict[str, Any]:
        if self._down:
            raise RoadError(f"osrm_url: the OSRM server at {self.url} did not answer")
        request = urllib.request.Request(
            self.url + path, headers={"User-Agent": "itinerary", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(64 * 1024 * 1024)
        except urllib.error.HTTPError as exc:
            body = exc.read(1024 * 1024)
            message = _server_message(body) or f"HTTP {exc.code} {exc.reason}"
            if exc.code == 400 and message:
                return {"code": "error", "message": message}
            self._down = True
            raise RoadError(f"osrm_url: the OSRM server at {self.url} answered {message}") from None
        except TimeoutError:
            self._down = True
            raise RoadError(
                f"osrm_url: the OSRM server at {self.url} did not answer within {self.timeout:g} s"
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self._down = True
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror.lower()  # "connection refused", without the errno
            raise RoadError(
                f"osrm_url: the OSRM server at {self.url} does not answer ({_short(reason)}); "
                "is it running?"
            ) from None
        try:
            found = json.loads(body)
        except ValueError:
            self._down = True
            raise RoadError(
                f"osrm_url: {self.url} does not answer as an OSRM server (not JSON)"
            ) from None
        if not isinstance(found, dict):
            raise RoadError(f"osrm_url: {self.url} does not answer as an OSRM server")
        return found

    def table(self, locations: Sequence[LatLon]) -> RoadTable:
        if len(locations) < 2:
            return RoadTable(tuple((0.0,) for _ in locations), tuple(0.0 for _ in locations))
        answer = self._get(f"/table/v1/driving/{_coordinates(locations)}?annotations=duration")
        if answer.get("code") != "Ok":
            raise RoadError(
                f"osrm_url: the OSRM server at {self.url} refused the table: "
                f"{answer.get('message') or answer.get('code')}"
            )
        self._data_version = str(answer.get("data_version") or "")
        return _table_of(answer, len(locations))

    def route(self, a: LatLon, b: LatLon) -> tuple[LatLon, ...] | None:
        try:
            answer = self._get(
                f"/route/v1/driving/{_coordinates([a, b])}?overview=simplified&geometries=geojson"
            )
        except RoadError:
            return None
        return _geometry_of(answer)


def check_url(url: str) -> str | None:
    """Why `url` cannot be an OSRM server's address, or None."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return (
            "osrm_url must be an http:// or https:// address such as http://localhost:5000, "
            f"not {url!r}"
        )
    if parts.query or parts.fragment:
        return f"osrm_url is the server's address only, without ?… or #…: {url!r}"
    return None


# --- answers -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """osrm-bindings' Object and Array as dicts and lists (JSON's types)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict) or type(value).__name__ == "Object":
        return {str(k): _plain(value[k]) for k in value}  # an Object iterates over its keys
    try:
        return [_plain(v) for v in value]
    except TypeError:
        return value


def _table_of(answer: dict[str, Any], n: int) -> RoadTable:
    durations = answer.get("durations")
    sources = answer.get("sources")
    if (
        not isinstance(durations, list)
        or len(durations) != n
        or any(not isinstance(row, list) or len(row) != n for row in durations)
        or not isinstance(sources, list)
        or len(sources) != n
    ):
        raise RoadError("roads: OSRM's answer is not a duration table of the places asked for")
    seconds = tuple(
        tuple(None if cell is None else _finite(cell) for cell in row) for row in durations
    )
    snapped = tuple(
        _finite(s.get("distance", 0.0)) if isinstance(s, dict) else 0.0 for s in sources
    )
    return RoadTable(seconds, snapped)


def _finite(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise RoadError("roads: OSRM's answer holds a duration that is not a number of seconds")
    return number


def _geometry_of(answer: Any) -> tuple[LatLon, ...] | None:
    if not isinstance(answer, dict) or answer.get("code", "Ok") != "Ok":
        return None
    routes = answer.get("routes")
    if not isinstance(routes, list) or not routes or not isinstance(routes[0], dict):
        return None
    geometry = routes[0].get("geometry")
    points = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(points, list) or len(points) < 2:
        return None
    try:
        return tuple((round(float(p[1]), 5), round(float(p[0]), 5)) for p in points)
    except (TypeError, ValueError, IndexError):
        return None


def _coordinates(locations: Sequence[LatLon]) -> str:
    return ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in locations)


def _server_message(body: bytes) -> str:
    try:
        found = json.loads(body)
    except ValueError:
        return ""
    if isinstance(found, dict):
        return str(found.get("message") or found.get("code") or "")
    return ""


def _short(exc: object) -> str:
    text = " ".join(str(exc).split())
    # OSRM appends the C++ source position: "(at include/storage/tar.hpp:277)"
    if " (at include/" in text:
        text = text[: text.index(" (at include/")]
    return text[:200]
