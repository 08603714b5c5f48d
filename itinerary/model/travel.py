"""Travel minutes between places: the great-circle speed model, or a CSV matrix of real times."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, Issue

EARTH_RADIUS_KM = 6371.0


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


Speeds = tuple[tuple[float, float], ...]
"""Speeds by distance: (up to this many road km, km/h) per band, in increasing order, the last
band open-ended (`math.inf`). The bands are applied piecewise along the leg: the first km at the
first band's speed, the next at the second's, and so on, so a longer leg never takes less time."""

# Calibrated on cited coach and car journeys (README, "Travel speeds"; tests/test_travel.py
# checks the table against them). The km are road km as estimated (straight line x detour).
COACH: Speeds = ((5.0, 25.0), (30.0, 60.0), (math.inf, 100.0))
CAR: Speeds = ((5.0, 30.0), (30.0, 70.0), (math.inf, 120.0))
PROFILES: Mapping[str, Speeds] = {"coach": COACH, "car": CAR}


def one_speed(kmh: float) -> Speeds:
    """One average speed for every leg (the single `speed_kmh` of earlier versions)."""
    return ((math.inf, kmh),)


def drive_minutes(road_km: float, speeds: Speeds) -> float:
    """Minutes to drive `road_km`, each band of the distance at its own speed.

    The sum runs over every band in order, with the same operations as `_speed_matrix`, so both
    give the same float for the same distance (a band the leg does not reach adds 0.0)."""
    total = 0.0
    start = 0.0
    for up_to, kmh in speeds:
        total += min(max(road_km - start, 0.0), up_to - start) / kmh * 60
        start = up_to
    return total


def check_speeds(speeds: Speeds) -> None:
    """A table `drive_minutes` can use; the spec's located checks come first (input/load.py)."""
    if not speeds:
        raise ValueError("a speed table needs at least one band")
    bounds = [up_to for up_to, _ in speeds]
    if bounds[-1] != math.inf or any(b == math.inf for b in bounds[:-1]):
        raise ValueError("only the last band of a speed table is open-ended")
    if any(b <= a for a, b in zip([0.0, *bounds], bounds, strict=False)):
        raise ValueError("the bands of a speed table must cover increasing distances")
    if any(not (math.isfinite(kmh) and kmh > 0) for _, kmh in speeds):
        raise ValueError("every speed of a speed table must be a positive number")


@dataclass(frozen=True)
class TravelModel:
    """How long the group takes from one place to another, in whole minutes.

    One function of two places (`minutes`): a time the travel matrix gives for the pair, or else
    the road distance estimated from the straight line (x `detour`) driven at `speeds`, plus
    `buffer_minutes` for every move between two different places. Another source of durations
    (a road router) plugs in as another `matrix`."""

    speeds: Speeds = COACH
    detour: float = 1.3
    buffer_minutes: int = 10
    matrix: Mapping[tuple[str, str], int] | None = None

    def __post_init__(self) -> None:
        check_speeds(self.speeds)

    def minutes(
        self, from_key: str, from_loc: tuple[float, float], to_key: str, to_loc: tuple[float, float]
    ) -> int:
        if from_key == to_key:
            return 0
        if self.matrix is not None:
            given = self.matrix.get((from_key, to_key))
            if given is not None:
                return given + self.buffer_minutes
        # Two places at one address (two firms in one building, a symposium and the brokerage
        # after it) are still two places: the group gathers and moves, so the buffer applies,
        # exactly as it does with a matrix.
        return self._estimate(from_loc, to_loc) + self.buffer_minutes

    def _estimate(self, from_loc: tuple[float, float], to_loc: tuple[float, float]) -> int:
        """Whole minutes of driving from the speeds, without the buffer."""
        road_km = great_circle_km(from_loc, to_loc) * self.detour
        # round before ceil so float noise (e.g. 25.000000001) does not add a minute
        return math.ceil(round(drive_minutes(road_km, self.speeds), 6))

    def matrix_of(self, places: Sequence[tuple[str, tuple[float, float]]]) -> list[list[int]]:
        """`minutes` for every ordered pair of `places` (key, location), row by row.

        The speed model is computed in numpy and gives exactly the integers `minutes` gives
        (tests/test_travel.py checks every pair on random places); a trip of 1,000 places
        takes about 0.1 s where one call per pair took about 3 s. The pairs a travel matrix
        gives replace the estimate, pair by pair, as they are given."""
        if self.matrix is None:
            return self._speed_matrix(places)
        keys = [key for key, _ in places]
        if all((a, b) in self.matrix for a in keys for b in keys if a != b):
            return [[self.minutes(a, la, b, lb) for b, lb in places] for a, la in places]
        matrix = self._speed_matrix(places)
        for i, a in enumerate(keys):
            row = matrix[i]
            for j, b in enumerate(keys):
                given = self.matrix.get((a, b))
                if given is not None and a != b:
                    row[j] = given + self.buffer_minutes
        return matrix

    def _speed_matrix(self, places: Sequence[tuple[str, tuple[float, float]]]) -> list[list[int]]:
        """The speed model for every pair at once, with exactly the integers of `minutes`.

        numpy's sine and arcsine may differ from the C library's by an ulp or so, which moves
        the raw minutes `x` (before `round(x, 6)` and `ceil`) by a few parts in 1e16, or ~1e-8
        near antipodes, where the arcsine is steep; the bands scale that by at most the ratio
        of their fastest to their slowest speed. The integer only depends on which side of
        k + 0.0000005 `x` lies (`ceil(round(x, 6))` is `ceil(x - 5e-7)` away from there), so every
        pair whose `x` lies within 1e-7 * x * ratio of such a point is computed again as
        `minutes` computes it. Each distinct location is computed once; places with the same key are
        0 apart, different keys at one location `buffer_minutes`."""
        if not places:
            return []
        locations = sorted({location for _, location in places})
        at = {location: i for i, location in enumerate(locations)}
        # Per location in Python's math, as `great_circle_km` has them.
        lat = np.array([math.radians(a) for a, _ in locations])
        lon = np.array([math.radians(b) for _, b in locations])
        cos_lat = np.array([math.cos(a) for a in lat.tolist()])
        h = (
            np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
            + cos_lat[:, None] * cos_lat[None, :] * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
        )
        road_km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))) * self.detour
        raw = np.zeros_like(road_km)
        start = 0.0
        for up_to, kmh in self.speeds:
            raw = raw + np.minimum(np.maximum(road_km - start, 0.0), up_to - start) / kmh * 60
            start = up_to
        if not np.isfinite(raw).all() or raw.max() >= 2.0**52:  # beyond float's whole numbers
            return [[self.minutes(a, la, b, lb) for b, lb in places] for a, la in places]
        speeds = [kmh for _, kmh in self.speeds]
        spread = 1e-7 * max(speeds) / min(speeds)
        minutes = np.ceil(raw - 5e-7)
        near = np.abs(raw - np.floor(raw) - 5e-7) <= 1e-9 + spread * raw
        near |= np.abs(raw - np.floor(raw) - 1 - 5e-7) <= 1e-9 + spread * raw
        for i, j in zip(*np.nonzero(near), strict=True):
            minutes[i, j] = self._estimate(locations[int(i)], locations[int(j)])
        index = np.array([at[location] for _, location in places])
        keys: dict[str, int] = {}
        key = np.array([keys.setdefault(k, len(keys)) for k, _ in places])
        matrix = minutes.astype(np.int64)[index[:, None], index[None, :]] + self.buffer_minutes
        matrix[key[:, None] == key[None, :]] = 0
        return matrix.tolist()


MAX_MATRIX_BYTES = 50 * 1024 * 1024  # a full matrix of 1,000 places is about 5 MB
MAX_CELL_CHARS = 1000  # longer than any place id or number of minutes
_SHOWN_CHARS = 24  # of a cell quoted in a message


def read_matrix_csv(
    path: Path, shown_name: str, keys: Sequence[str], complete: bool = True
) -> dict[tuple[str, str], int]:
    """Read a square CSV of minutes: a header row of place ids, then one row per id.

    The first cell of the header is ignored (a label such as `from/to`). With `complete`, every
    pair of the places the trip uses must be given; blank cells are allowed only on the
    diagonal. Without it, a blank cell or a missing row or column leaves the pair to the speed
    model. Rows and columns of other places are ignored (one matrix may serve several trips),
    and so is never quoted back: a file that is not a matrix at all is named as such, its lines
    are not echoed.
    """

    def fail(line: int, message: str) -> InputError:
        return InputError(Issue(shown_name, line, message))

    try:
        if path.stat().st_size > MAX_MATRIX_BYTES:
            raise fail(1, f"the travel matrix is too large (over {MAX_MATRIX_BYTES:,} bytes)")
        text = path.read_bytes().decode("utf-8-sig")
    except IsADirectoryError:
        raise fail(1, "this is a folder, not a travel matrix file") from None
    except OSError as exc:
        raise fail(1, f"cannot read travel matrix: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise fail(1, "the travel matrix is not UTF-8 text") from None
    wanted = set(keys)
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line_no = 1
    try:
        while True:
            line_no = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise fail(line_no, "a cell is too long to be a place id or a number of minutes")
            if any("\n" in cell or "\r" in cell for cell in row):
                raise fail(line_no, 'a quote (") opened on this line is never closed')
            rows.append((line_no, row))
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = "a cell is too long to be a place id or a number of minutes"
        elif "unexpected end of data" in message or "newline inside string" in message:
            message = 'a quote (") opened here is never closed'
        else:
            message = f"not a comma-separated file: {message}"
        raise fail(line_no, message) from None
    if not rows:
        raise fail(1, "the travel matrix is empty")
    header_line, first = rows[0]
    header = [cell.strip() for cell in first[1:]]
    if not wanted & set(header):
        raise fail(header_line, _not_a_matrix(first, keys))
    if len(set(header)) != len(header):
        twice = next(key for key in header if header.count(key) > 1)
        raise fail(header_line, f"the header row names the place {twice!r} twice")
    matrix: dict[tuple[str, str], int] = {}
    seen_rows: set[str] = set()
    for line_no, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        origin = row[0].strip()
        if origin not in wanted:
            continue  # another trip's place, or not a place at all: never quoted back
        if origin in seen_rows:
            raise fail(line_no, f"row {origin!r} appears twice")
        seen_rows.add(origin)
        if len(row) - 1 > len(header):
            raise fail(line_no, f"row {origin!r} has more cells than the header")
        for dest, cell in zip(header, row[1:], strict=False):
            cell = cell.strip()
            if not cell or dest not in wanted:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise fail(
                    line_no, f"{_shown(cell)} ({origin} → {dest}) is not a number of minutes"
                ) from None
            if not math.isfinite(value) or value < 0 or value > 24 * 60:
                raise fail(line_no, f"{_shown(cell)} ({origin} → {dest}) is not 0..1440 minutes")
            matrix[(origin, dest)] = math.ceil(value)
    missing = missing_pairs(matrix, keys)
    if missing and complete:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise fail(1, f"travel matrix lacks {', '.join(missing[:3])}{more}")
    return matrix


def missing_pairs(matrix: Mapping[tuple[str, str], int], keys: Sequence[str]) -> list[str]:
    """The ordered pairs of different places the matrix does not give, as "a → b"."""
    return [f"{a} → {b}" for a in keys for b in keys if a != b and (a, b) not in matrix]


def _shown(cell: str) -> str:
    return repr(cell) if len(cell) <= _SHOWN_CHARS else repr(cell[:_SHOWN_CHARS]) + "…"


def _not_a_matrix(first_row: list[str], keys: Sequence[str]) -> str:
    """Why the first row names none of the trip's places: another separator, or not a matrix."""
    line = ",".join(first_row)
    example = ", ".join(list(keys)[:3])
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(first_row) <= 1 and separator in line:
            return (
                f"the travel matrix must be comma-separated, but this file separates its cells "
                f"with {name}; save it as CSV with commas"
            )
    return (
        "this is not a travel matrix: its first row must name the trip's places "
        f"(a label, then place ids such as {example}), separated by commas"
    )
