"""The travel matrix: the speed model computed for every pair at once gives exactly the minutes
of `TravelModel.minutes`, pair by pair."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from itinerary.model.travel import TravelModel

_SPECIAL = [(0.0, 0.0), (0.0, 180.0), (0.0, -180.0), (90.0, 0.0), (-90.0, 0.0), (45.0, 90.0)]


@st.composite
def _places(draw: st.DrawFn) -> list[tuple[str, tuple[float, float]]]:
    """Places with keys that repeat, locations that repeat, and antipodal pairs."""
    count = draw(st.integers(1, 14))
    coordinate = st.tuples(
        st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)
    )
    places = []
    for _ in range(count):
        key = draw(st.sampled_from("abcdefgh"))
        kind = draw(st.integers(0, 3))
        if kind == 0 or not places:
            location = draw(coordinate)
        elif kind == 1:
            location = draw(st.sampled_from(_SPECIAL))
        elif kind == 2:  # the same location as an earlier place
            location = draw(st.sampled_from(places))[1]
        else:  # the antipode of an earlier place (or as near as longitudes allow)
            lat, lon = draw(st.sampled_from(places))[1]
            location = (-lat, lon - 180 if lon > 0 else lon + 180)
        places.append((key, location))
    return places


@settings(max_examples=300, deadline=None)
@given(
    places=_places(),
    speed=st.one_of(st.sampled_from([50.0, 300.0, 0.5]), st.floats(0.01, 300)),
    detour=st.floats(1, 5),
    buffer=st.integers(0, 240),
)
def test_the_matrix_gives_the_minutes_of_every_pair(
    places: list[tuple[str, tuple[float, float]]], speed: float, detour: float, buffer: int
) -> None:
    model = TravelModel(speed, detour, buffer)
    expected = [[model.minutes(a, la, b, lb) for b, lb in places] for a, la in places]
    assert model.matrix_of(places) == expected


def test_the_matrix_on_the_minute_boundaries() -> None:
    """Pairs whose raw minutes lie within float noise of k + 0.0000005, where `round(x, 6)`
    decides the minute: found by bisection on the longitude, then compared pair by pair."""
    model = TravelModel(50, 1.3, 10)

    def raw(lon: float) -> float:
        km = 2 * 6371.0 * math.asin(math.sin(math.radians(lon) / 2))
        return km * 1.3 / 50 * 60

    places = [("o", (0.0, 0.0))]
    for k in range(1, 60):
        low, high = 0.0, 10.0
        for _ in range(200):
            mid = (low + high) / 2
            low, high = (mid, high) if raw(mid) < k + 5e-7 else (low, mid)
        places += [(f"{k}a", (0.0, low)), (f"{k}b", (0.0, high))]
    expected = [[model.minutes(a, la, b, lb) for b, lb in places] for a, la in places]
    assert model.matrix_of(places) == expected


def test_the_matrix_of_a_csv_is_read_pair_by_pair() -> None:
    model = TravelModel(matrix={("a", "b"): 7, ("b", "a"): 9}, buffer_minutes=1)
    assert model.matrix_of([("a", (0, 0)), ("b", (0, 0))]) == [[0, 8], [10, 0]]


def test_the_matrix_of_no_places_is_empty() -> None:
    assert TravelModel().matrix_of([]) == []
