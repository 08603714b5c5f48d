"""Where the day's map puts its markers and labels (itinerary/render/svg.py), held to brute-force
references: the placement before the spatial index (commit a610abd) weighed every candidate
against every box placed so far, and the indexed one must choose exactly what that did, to the
last bit of every overlap sum, so that maps stay the same bytes. Also the label limit: a day with
more stops than `MAP_LABEL_LIMIT` gets a map of markers without names."""

from __future__ import annotations

import datetime as dt
import math
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from itinerary.render import svg
from itinerary.render.i18n import Words
from itinerary.render.program import TEXTS, Day, Stop
from itinerary.render.svg import MAP_HEIGHT, MAP_LABEL_LIMIT, MAP_WIDTH, _Box, _BoxIndex

Point = tuple[float, float]


def brute_force_label_boxes(
    stops: tuple[Stop, ...], points: list[Point], obstacles: list[_Box]
) -> list[tuple[str, _Box]]:
    """`svg._label_boxes` as it was: every candidate against the whole list of boxes so far."""
    size = svg._LABEL_SIZE
    r = svg._RADIUS
    taken = [_Box(x - r, y - r, x + r, y + r) for x, y in points] + obstacles
    placed = []
    for stop, (x, y) in zip(stops, points, strict=True):
        text = svg.fit_text(stop.name, svg._LABEL_CHARS * size * svg._CHAR_EM, size)
        width, height = svg.text_width(text, size), size * 1.25
        best = min(
            svg._label_candidates(x, y, width, height),
            key=lambda box: box.outside() * 1000 + box.overlaps(taken),
        )
        left = min(max(best.x0, 4.0), MAP_WIDTH - 4 - width)
        top = min(max(best.y0, 4.0), MAP_HEIGHT - 4 - height)
        box = _Box(left, top, left + width, top + height)
        taken.append(box)
        placed.append((text, box))
    return placed


def brute_force_spread(points: list[Point]) -> list[Point]:
    """`svg._spread` as it was: every spot against every marker placed so far."""
    placed: list[Point] = []
    gap = 2 * svg._RADIUS + 3
    for px, py in points:
        for cx, cy in svg._spots_around(px, py, gap):
            if all(math.dist((cx, cy), q) >= gap - 0.5 for q in placed):
                placed.append((cx, cy))
                break
        else:
            placed.append((px, py))
    return placed


def random_points(rng: random.Random, n: int) -> list[Point]:
    """Lone places and clusters (some stops at one and the same place), a few beyond the edges."""
    points: list[Point] = []
    while len(points) < n:
        cx, cy = rng.uniform(-30, MAP_WIDTH + 30), rng.uniform(-30, MAP_HEIGHT + 30)
        for _ in range(rng.choice((1, 1, 1, 3, 8))):
            same = rng.random() < 0.2
            points.append((cx, cy) if same else (cx + rng.gauss(0, 12), cy + rng.gauss(0, 12)))
    return points[:n]


def random_stops(rng: random.Random, n: int) -> tuple[Stop, ...]:
    letters = "abcdefghijklmnopqrstuvwxyz ÄÖÜß&<-"
    return tuple(
        Stop(
            "base" if i == 0 else "visit",
            "" if i == 0 else str(i),
            "".join(rng.choice(letters) for _ in range(rng.randint(0, 60))),
            (0.0, 0.0),  # the placement works on map points, not on places
        )
        for i in range(n)
    )


def snake(points: list[Point]) -> list[int]:
    """The stops up one strip 40 px wide and down the next: short legs, as a planned tour has
    (a brute force against the thousands of boxes along long legs would take minutes)."""

    def key(i: int) -> tuple[float, float]:
        x, y = points[i]
        strip = x // 40
        return strip, y if strip % 2 == 0 else -y

    return sorted(range(len(points)), key=key)


def leg_boxes(points: list[Point], path: list[int]) -> list[_Box]:
    """The obstacles `map_svg` hands over: boxes along the legs, then the scale bar and arrow."""
    segments = svg._leg_segments(tuple(path), points)
    return [box for segment in segments for box in svg._segment_boxes(segment)] + svg._FURNITURE


def test_labels_of_a_few_hundred_stops_go_where_the_brute_force_puts_them() -> None:
    rng = random.Random(20261204)
    for n, legs in ((200, False), (120, True)):
        points = random_points(rng, n)
        stops = random_stops(rng, n)
        obstacles = leg_boxes(points, snake(points) if legs else [])
        assert svg._label_boxes(stops, points, obstacles) == brute_force_label_boxes(
            stops, points, obstacles
        )


def test_labels_among_long_legs_in_random_order_go_where_the_brute_force_puts_them() -> None:
    rng = random.Random(7)
    n = 40
    points = svg._spread(random_points(rng, n))
    stops = random_stops(rng, n)
    path = [0, *rng.sample(range(1, n), n - 1), 0]  # legs across the whole map, and back
    obstacles = leg_boxes(points, path)
    assert svg._label_boxes(stops, points, obstacles) == brute_force_label_boxes(
        stops, points, obstacles
    )


def test_markers_are_spread_as_the_brute_force_spreads_them() -> None:
    rng = random.Random(11)
    for n, reach in ((400, 30.0), (600, 300.0), (200, 0.0)):
        points = [(300 + rng.uniform(-reach, reach), 170 + rng.uniform(-reach, reach))] * 3
        points += [(300 + rng.uniform(-reach, reach), 170 + rng.uniform(-reach, reach))]
        points += random_points(rng, n)
        assert svg._spread(points) == brute_force_spread(points)


# Coordinates on the grid's cell borders and off the map as well as anywhere: a box that only
# touches a cell, or reaches beyond the grid, must still be found.
coordinate = st.one_of(
    st.floats(-60, MAP_WIDTH + 60, allow_nan=False),
    st.integers(-3, 26).map(lambda k: k * svg._GRID_CELL),
)
box = st.builds(
    lambda x, y, w, h: _Box(x, y, x + w, y + h),
    coordinate,
    coordinate,
    st.floats(0, 240, allow_nan=False),
    st.floats(0, 40, allow_nan=False),
)


@settings(max_examples=100, deadline=None)
@given(placed=st.lists(box, max_size=60), queries=st.lists(box, min_size=1, max_size=10))
def test_the_index_sums_the_same_overlaps_as_the_whole_list(
    placed: list[_Box], queries: list[_Box]
) -> None:
    index = _BoxIndex()
    for b in placed:
        index.add(b)
    for query in queries:
        assert index.overlaps(query) == query.overlaps(placed)


def test_the_index_sums_overlaps_in_the_order_the_boxes_were_placed() -> None:
    """Float addition is not associative: among hundreds of boxes of arbitrary sizes, summing
    the same overlaps in another order changes the last bit of some sums."""
    rng = random.Random(2)

    def any_box(largest: float) -> _Box:
        x, y = rng.uniform(-20, MAP_WIDTH), rng.uniform(-20, MAP_HEIGHT)
        return _Box(x, y, x + rng.uniform(0, largest), y + rng.uniform(0, largest / 3))

    placed = [any_box(120) for _ in range(600)]
    index = _BoxIndex()
    for b in placed:
        index.add(b)
    for query in (any_box(240) for _ in range(300)):
        assert index.overlaps(query) == query.overlaps(placed)


def test_places_that_are_not_numbers_are_placed_as_before() -> None:
    """A hand-edited plan may hold NaN or an infinite coordinate; the map must not change."""
    nan, inf = math.nan, math.inf
    rng = random.Random(3)
    for _ in range(50):
        points = random_points(rng, rng.randint(1, 25))
        for i in rng.sample(range(len(points)), k=min(3, len(points))):
            points[i] = rng.choice([(nan, 100.0), (inf, 50.0), (-inf, -inf), (1e300, -1e300)])
        spread = svg._spread(points)
        assert repr(spread) == repr(brute_force_spread(points))
        stops = random_stops(rng, len(points))
        obstacles = [_Box(rng.uniform(0, 600), nan, 300.0, 200.0), *svg._FURNITURE]
        found = svg._label_boxes(stops, spread, obstacles)
        assert repr(found) == repr(brute_force_label_boxes(stops, spread, obstacles))


def day_of(points: list[Point]) -> Day:
    """A day whose stops are at `points` (lat, lon), the first the hotel, in that order."""
    stops = tuple(
        Stop("base" if i == 0 else "visit", "" if i == 0 else str(i), f"Host {i}", point)
        for i, point in enumerate(points)
    )
    moment = dt.datetime(2026, 6, 2, 8, tzinfo=dt.UTC)
    return Day(
        number=1,
        date=moment.date(),
        heading="Day 1",
        long_date="Tuesday, 2 June 2026",
        start=moment,
        end=moment,
        rows=(),
        stops=stops,
        path=(*range(len(stops)), 0),
        notes=(),
        travel_minutes=0,
    )


def test_a_day_beyond_the_label_limit_gets_markers_and_lines_without_names() -> None:
    rng = random.Random(5)
    places = [(52.0 + rng.uniform(-0.3, 0.3), 8.5 + rng.uniform(-0.5, 0.5)) for _ in range(200)]
    words = Words("en", TEXTS)
    for stops, named in ((MAP_LABEL_LIMIT, True), (MAP_LABEL_LIMIT + 1, False)):
        map_ = svg.map_svg(day_of(places[:stops]), words)
        assert map_.count("<circle") == stops - 1 and map_.count("<line") > 0
        labels = re.findall(r'paint-order="stroke">([^<]*)</text>', map_)
        assert labels == ([f"Host {i}" for i in range(stops)] if named else [])
        assert re.search(r">\d+(\.\d+)? km</text>", map_) and ">N</text>" in map_
