"""Travel minutes between places: the great-circle speed model, or a CSV matrix of real times."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError, Issue

EARTH_RADIUS_KM = 6371.0


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class TravelModel:
    """How long the group takes from one place to another, in whole minutes."""

    speed_kmh: float = 50.0
    detour: float = 1.3
    buffer_minutes: int = 10
    matrix: Mapping[tuple[str, str], int] | None = None

    def minutes(
        self, from_key: str, from_loc: tuple[float, float], to_key: str, to_loc: tuple[float, float]
    ) -> int:
        if from_key == to_key:
            return 0
        if self.matrix is not None:
            return self.matrix[(from_key, to_key)] + self.buffer_minutes
        # Two places at one address (two firms in one building, a symposium and the brokerage
        # after it) are still two places: the group gathers and moves, so the buffer applies,
        # exactly as it does with a matrix.
        km = great_circle_km(from_loc, to_loc)
        # round before ceil so float noise (e.g. 25.000000001) does not add a minute
        return math.ceil(round(km * self.detour / self.speed_kmh * 60, 6)) + self.buffer_minutes

    def matrix_of(self, places: Sequence[tuple[str, tuple[float, float]]]) -> list[list[int]]:
        """`minutes` for every ordered pair of `places` (key, location), row by row.

        The speed model is computed in numpy and gives exactly the integers `minutes` gives
        (tests/test_properties.py checks every pair on random places); a trip of 1,000 places
        takes about 0.1 s where one call per pair took about 3 s. The CSV matrix is looked up
        pair by pair, as it is given."""
        if self.matrix is not None:
            return [[self.minutes(a, la, b, lb) for b, lb in places] for a, la in places]
        return self._speed_matrix(places)

    def _speed_matrix(self, places: Sequence[tuple[str, tuple[float, float]]]) -> list[list[int]]:
        """The speed model for every pair at once, with exactly the integers of `minutes`.

        numpy's sine and arcsine may differ from the C library's by an ulp or so, which moves
        the raw minutes `x` (before `round(x, 6)` and `ceil`) by a few parts in 1e16, or ~1e-8
        near antipodes, where the arcsine is steep. The integer only depends on which side of
        k + 0.0000005 `x` lies (`ceil(round(x, 6))` is `ceil(x - 5e-7)` away from there), so every
        pair whose `x` lies within 1e-7 * x of such a point is computed again by `minutes`
        itself. Each distinct location is computed once; places with the same key are 0 apart,
        different keys at one location `buffer_minutes`."""
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
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        raw = km * self.detour / self.speed_kmh * 60
        if not np.isfinite(raw).all() or raw.max() >= 2.0**52:  # beyond float's whole numbers
            return [[self.minutes(a, la, b, lb) for b, lb in places] for a, la in places]
        minutes = np.ceil(raw - 5e-7)
        near = np.abs(raw - np.floor(raw) - 5e-7) <= 1e-9 + 1e-7 * raw
        near |= np.abs(raw - np.floor(raw) - 1 - 5e-7) <= 1e-9 + 1e-7 * raw
        for i, j in zip(*np.nonzero(near), strict=True):
            a, b = locations[int(i)], locations[int(j)]
            minutes[i, j] = self.minutes("from", a, "to", b) - self.buffer_minutes
        index = np.array([at[location] for _, location in places])
        keys: dict[str, int] = {}
        key = np.array([keys.setdefault(k, len(keys)) for k, _ in places])
        matrix = minutes.astype(np.int64)[index[:, None], index[None, :]] + self.buffer_minutes
        matrix[key[:, None] == key[None, :]] = 0
        return matrix.tolist()


def read_matrix_csv(path: Path, shown_name: str, keys: Sequence[str]) -> dict[tuple[str, str], int]:
    """Read a square CSV of minutes: a header row of place ids, then one row per id.

    The first cell of the header is ignored (a label such as `from/to`). Every pair of the
    places the trip uses must be given; blank cells are allowed only on the diagonal.
    """

    def fail(line: int, message: str) -> InputError:
        return InputError(Issue(shown_name, line, message))

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise fail(1, f"cannot read travel matrix: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise fail(1, "the travel matrix is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise fail(1, "the travel matrix is empty")
    header = [cell.strip() for cell in rows[0][1:]]
    if len(set(header)) != len(header):
        raise fail(1, "the header row names a place twice")
    matrix: dict[tuple[str, str], int] = {}
    seen_rows: set[str] = set()
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        origin = row[0].strip()
        if origin in seen_rows:
            raise fail(line_no, f"row {origin!r} appears twice")
        seen_rows.add(origin)
        if len(row) - 1 > len(header):
            raise fail(line_no, f"row {origin!r} has more cells than the header")
        for dest, cell in zip(header, row[1:], strict=False):
            cell = cell.strip()
            if not cell:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise fail(
                    line_no, f"{cell!r} ({origin} → {dest}) is not a number of minutes"
                ) from None
            if not math.isfinite(value) or value < 0 or value > 24 * 60:
                raise fail(line_no, f"{cell!r} ({origin} → {dest}) is not 0..1440 minutes")
            matrix[(origin, dest)] = math.ceil(value)
    missing = [f"{a} → {b}" for a in keys for b in keys if a != b and (a, b) not in matrix]
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise fail(1, f"travel matrix lacks {', '.join(missing[:3])}{more}")
    return matrix
