"""Inline SVG pictures of one programme day: a timeline on an hour axis and a schematic map.

Both are plain strings of SVG built from the `program.Day` view, with every piece of text
escaped, no ids (several pictures share one HTML page), no scripts and no external references.
Coordinates are rounded to one decimal so the output is byte-for-byte reproducible.

Colours differ in lightness as well as hue (dark navy, orange, pale amber, and a thin grey bar
for travel), so the kinds stay apart on a greyscale printer too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from .i18n import Words, clock
from .program import Day, Row, Stop
from .terminal import LEADING_ON, short_name
from .text import one_line

# kind -> (fill, text colour)
PALETTE: dict[str, tuple[str, str]] = {
    "visit": ("#1f4e79", "#ffffff"),
    "event": ("#e07b24", "#1b1b1b"),
    "lunch": ("#f6d58e", "#1b1b1b"),
    "rest": ("#d6e6da", "#1b1b1b"),
    "check_in": ("#5e8c6c", "#ffffff"),
    "travel": ("#8c96a3", "#3d4550"),
    "base": ("#2b2b2b", "#ffffff"),
}
INK = "#1b1b1b"
MUTED = "#5b6573"
HAIRLINE = "#d5dae0"

# Average advance of a character in a sans-serif font, in ems. The layout only needs to know
# whether a label fits; erring wide truncates a little early rather than overflowing.
_CHAR_EM = 0.58


def _t(text: str) -> str:
    """Text for an SVG text node or attribute: one line, escaped."""
    return escape(one_line(text))


def text_width(text: str, size: float) -> float:
    return len(text) * size * _CHAR_EM


def fit_text(text: str, width: float, size: float) -> str:
    """`text` on one line, cut after a whole word with an ellipsis to fit `width` (`fit_words`),
    or inside its first word when that alone is too long; "" when nothing fits."""
    text = one_line(text)
    words = fit_words(text, width, size)
    if words:
        return words
    keep = int(width / (size * _CHAR_EM)) - 1
    return text[:keep].rstrip() + "…" if keep >= 1 else ""


def fit_words(text: str, width: float, size: float) -> str:
    """`text` on one line if it fits `width`, else its first whole words and "…"; "" when not
    even the first word fits: a label is never cut inside a word ("Mittage…")."""
    text = one_line(text)
    if text_width(text, size) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        if len(words) > 1 and LEADING_ON.fullmatch(words[-1]):
            continue  # "Networking dinner…", not "Networking dinner with…"
        cut = " ".join(words).rstrip(" ,;:–—-(«") + "…"
        if cut != "…" and text_width(cut, size) <= width:
            return cut
    return ""


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _svg_open(css_class: str, width: float, height: float, label: str) -> str:
    return (
        # No xmlns: inline in HTML the parser puts <svg> in the SVG namespace by itself.
        f'<svg class="{css_class}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{_t(label)}">'
        f"<title>{_t(label)}</title>"
    )


# --- timeline ---------------------------------------------------------------------------------

TIMELINE_WIDTH = 1000.0
_PAD = 20.0
_BAR_TOP, _BAR_HEIGHT = 26.0, 40.0
_TRAVEL_HEIGHT = 8.0
_LEGEND_Y = 96.0
TIMELINE_HEIGHT = 108.0
# A bar's label inside it: at this size, else at the smaller one; when neither fits, a visit
# shows its number and as many whole words as fit, and other bars (lunch) get their label
# below the axis, in the first of `_OUTSIDE_LANES` rows where it overlaps no other, joined to
# the bar by a leader line. A label is never cut inside a word.
_LABEL_SIZES = (12.0, 10.0)
_OUTSIDE_SIZE = 11.0
_OUTSIDE_LANES = 3
_LANE_HEIGHT = 14.0
_LANE_FIRST_Y = _BAR_TOP + _BAR_HEIGHT + 6 + 15  # baseline of the first row of outside labels


def _hours(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The whole hours around [start, end], at least four of them so short days stay legible."""
    first = start.replace(minute=0, second=0, microsecond=0)
    last = end.replace(minute=0, second=0, microsecond=0)
    if last < end:
        last += dt.timedelta(hours=1)
    return first, max(last, first + dt.timedelta(hours=4))


def _hour_ticks(
    axis_start: dt.datetime,
    axis_end: dt.datetime,
    x: Callable[[dt.datetime], float],
    hour_px: float,
    bottom: float,
) -> list[str]:
    """A hairline down to `bottom` at every whole hour of the axis, labelled at every one, two
    or three hours as the width of an hour (`hour_px`) allows."""
    step = 1 if hour_px >= 42 else 2 if hour_px >= 21 else 3
    parts = []
    tick, index = axis_start, 0
    while tick <= axis_end:
        tx = x(tick)
        parts.append(
            f'<line x1="{_n(tx)}" y1="18" x2="{_n(tx)}" y2="{_n(bottom)}" '
            f'stroke="{HAIRLINE}" stroke-width="1"/>'
        )
        if index % step == 0:
            parts.append(
                f'<text x="{_n(tx)}" y="13" font-size="11" text-anchor="middle" '
                f'fill="{MUTED}">{clock(tick)}</text>'
            )
        tick += dt.timedelta(hours=1)
        index += 1
    return parts


def _axis_line(left: float, y: float) -> str:
    """The time axis of a lane: a line at `y` from `left` to the right edge."""
    return (
        f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(TIMELINE_WIDTH - _PAD)}" '
        f'y2="{_n(y)}" stroke="{MUTED}" stroke-width="1"/>'
    )


def _outside_lanes() -> list[list[tuple[float, float]]]:
    """The rows of labels under a lane's bars (`_bar` fills them), empty."""
    return [[] for _ in range(_OUTSIDE_LANES)]


def _lanes_used(lanes: list[list[tuple[float, float]]]) -> int:
    """How many rows of labels under the bars hold a label."""
    return max((i + 1 for i, lane in enumerate(lanes) if lane), default=0)


def _kinds(rows: Sequence[Row]) -> list[str]:
    """The kinds of the bars drawn, in the legend's order."""
    return sorted({r.kind for r in rows}, key=list(PALETTE).index)


def timeline_svg(day: Day, w: Words) -> str:
    axis_start, axis_end = _hours(day.start, day.end)
    span = (axis_end - axis_start).total_seconds()
    inner = TIMELINE_WIDTH - 2 * _PAD

    def x(moment: dt.datetime) -> float:
        return _PAD + inner * (moment - axis_start).total_seconds() / span

    parts = _hour_ticks(axis_start, axis_end, x, inner * 3600 / span, _BAR_TOP + _BAR_HEIGHT + 6)
    parts.append(_axis_line(_PAD, _BAR_TOP + _BAR_HEIGHT + 6))
    lanes = _outside_lanes()
    for row in day.bars():
        parts.append(_bar(row, x(row.start), x(row.end), w, lanes))
    used = _lanes_used(lanes)
    legend_y = _LEGEND_Y + used * _LANE_HEIGHT
    parts.append(_legend(_kinds(day.bars()), w, legend_y))
    parts.append("</svg>")
    height = TIMELINE_HEIGHT + used * _LANE_HEIGHT
    label = f"{w['timeline']} — {day.long_date}"
    return _svg_open("timeline", TIMELINE_WIDTH, height, label) + "".join(parts)


# On a date the groups split: a lane per group under one hour axis, each named in a gutter on
# the left; a lane's bars `_LANE_STEP` below the one above it (and below its outside labels).
_GUTTER = 170.0
_LANE_STEP = _BAR_HEIGHT + 20


def _two_lines(text: str, width: float, size: float) -> list[str]:
    """`text` on one line if it fits `width`, else on two, broken between words (the second
    cut after a whole word with "…" when still too long): a group's name beside its lane."""
    text = one_line(text)
    if text_width(text, size) <= width:
        return [text]
    words = text.split(" ")
    first = words[0]
    rest = words[1:]
    while rest and text_width(f"{first} {rest[0]}", size) <= width:
        first = f"{first} {rest.pop(0)}"
    if text_width(first, size) > width:
        return [fit_text(text, width, size)]
    second = " ".join(rest)
    return (
        [first, fit_words(second, width, size) or fit_text(second, width, size)]
        if rest
        else [first]
    )


def timeline_lanes_svg(days: Sequence[Day], w: Words) -> str:
    """The timeline of a date the groups split: one lane per group (`days`, one per group, in
    order) on a shared hour axis, each lane named by its group and size, so that who is
    where at any time can be read down the picture; events the groups share line up."""
    axis_start, axis_end = _hours(min(d.start for d in days), max(d.end for d in days))
    span = (axis_end - axis_start).total_seconds()
    left = _PAD + _GUTTER
    inner = TIMELINE_WIDTH - left - _PAD

    def x(moment: dt.datetime) -> float:
        return left + inner * (moment - axis_start).total_seconds() / span

    lane_parts: list[str] = []
    oy = 0.0
    baselines = []
    for day in days:
        lanes = _outside_lanes()
        bars = [_bar(row, x(row.start), x(row.end), w, lanes, oy, left) for row in day.bars()]
        baseline = oy + _BAR_TOP + _BAR_HEIGHT + 6
        baselines.append(baseline)
        middle = oy + _BAR_TOP + _BAR_HEIGHT / 2
        lines = _two_lines(day.group_name or day.long_date, _GUTTER - 12, 12.0)
        first_y = middle - 3 - 7 * (len(lines) - 1)
        names = "".join(
            f'<text x="{_n(_PAD)}" y="{_n(first_y + 14 * n)}" font-size="12" '
            f'font-weight="600" fill="{INK}">{_t(line)}</text>'
            for n, line in enumerate(lines)
        )
        lane_parts.append(
            f'<g class="lane">{names}'
            f'<text x="{_n(_PAD)}" y="{_n(first_y + 14 * len(lines) + 1)}" font-size="11" '
            f'fill="{MUTED}">{_t(day.group_size)}</text>'
            + _axis_line(left, baseline)
            + "".join(bars)
            + f"<title>{_t(day.group_name)}</title></g>"
        )
        oy += _LANE_STEP + _lanes_used(lanes) * _LANE_HEIGHT
    bottom = baselines[-1]
    parts = _hour_ticks(axis_start, axis_end, x, inner * 3600 / span, bottom)
    legend_y = oy + _LEGEND_Y - _LANE_STEP
    kinds = _kinds([r for d in days for r in d.bars()])
    height = legend_y + TIMELINE_HEIGHT - _LEGEND_Y
    label = f"{w['timeline']} — {days[0].long_date}"
    return (
        _svg_open("timeline lanes", TIMELINE_WIDTH, height, label)
        + "".join(parts)
        + "".join(lane_parts)
        + _legend(kinds, w, legend_y)
        + "</svg>"
    )


def _bar(
    row: Row,
    x0: float,
    x1: float,
    w: Words,
    lanes: list[list[tuple[float, float]]],
    oy: float = 0.0,
    left: float = _PAD,
) -> str:
    """A bar of the timeline; `oy`: how far down its lane starts (0: the one lane of a day),
    `left`: where the axis begins (the outside labels keep right of it)."""
    fill, ink = PALETTE[row.kind]
    width = max(x1 - x0, 1.5)
    tooltip = f"<title>{_t(row.time)} {_t(_bar_name(row))}</title>"
    if row.kind == "travel":
        top = oy + _BAR_TOP + (_BAR_HEIGHT - _TRAVEL_HEIGHT) / 2
        minutes = f"{row.travel_minutes} {w['minutes']}"
        size = next((s for s in (10.0, 9.0) if text_width(minutes, s) <= width), None)
        text = (
            f'<text x="{_n(x0 + width / 2)}" y="{_n(top - 4)}" font-size="{_n(size)}" '
            f'text-anchor="middle" fill="{ink}">{_t(minutes)}</text>'
            if size
            else ""
        )
        return (
            f'<g><rect x="{_n(x0)}" y="{_n(top)}" width="{_n(width)}" '
            f'height="{_n(_TRAVEL_HEIGHT)}" rx="2" fill="{fill}"/>{text}{tooltip}</g>'
        )
    outline = ' stroke="#b8892b" stroke-width="1"' if row.kind == "lunch" else ""
    weight = ' font-weight="600"' if row.kind in ("visit", "event") else ""
    rect = (
        f'<g><rect x="{_n(x0)}" y="{_n(oy + _BAR_TOP)}" width="{_n(width)}" '
        f'height="{_n(_BAR_HEIGHT)}" rx="3" fill="{fill}"{outline}/>'
    )
    label, size = _inside_label(row, width)
    if label:
        text = (
            f'<text x="{_n(x0 + 5)}" y="{_n(oy + _BAR_TOP + _BAR_HEIGHT / 2 + size / 3)}" '
            f'font-size="{_n(size)}"{weight} fill="{ink}">{_t(label)}</text>'
        )
        return f"{rect}{text}{tooltip}</g>"
    return f"{rect}{_outside_label(row, x0 + width / 2, lanes, oy, left)}{tooltip}</g>"


def _bar_label(row: Row) -> str:
    """What a bar would say with room enough: its number and the name without its legal form
    ("2 Phoenix Contact"; the tooltip and the table have the name whole), or its kind."""
    return f"{row.marker} {short_name(row.title, 60)}" if row.marker else row.label


def _inside_label(row: Row, width: float) -> tuple[str, float]:
    """The label that fits inside the bar and its size, or ("", 0) for one outside it."""
    wanted = _bar_label(row)
    room = width - 10
    for size in _LABEL_SIZES:
        if text_width(one_line(wanted), size) <= room:
            return wanted, size
    if row.marker:  # the number links the bar to the table and the map: whole words after it
        title = one_line(row.title)
        for size in _LABEL_SIZES:
            # The terminal's shortening ("DMG MORI", "Fraunhofer-Einrichtung… IEM"), when it
            # fits and ends no word inside; else the first whole words that fit.
            chars = int(room / (size * _CHAR_EM)) - len(row.marker) - 1
            short = f"{row.marker} {short_name(title, max(chars, 1))}"
            if text_width(short, size) <= room and _whole_words(short, title):
                return short, size
            words = fit_words(wanted, room, size)
            if words and words != f"{row.marker}…":
                return words, size
        smallest = _LABEL_SIZES[-1]
        if text_width(row.marker, smallest) <= width - 4:
            return row.marker, smallest
    return "", 0.0


def _whole_words(label: str, title: str) -> bool:
    """Whether every word of `label` (but its number) is a word of `title`, or a part of a
    hyphenated one ("Fraunhofer…" of "Fraunhofer-Anwendungszentrum"): cut at no other place."""
    words = {word.strip(',;:()«»"') for word in title.split()}
    words |= {part for word in words for part in word.split("-")}
    return all(w.removesuffix("…").strip(',;:()«»"') in words for w in label.split()[1:])


def _outside_label(
    row: Row,
    cx: float,
    lanes: list[list[tuple[float, float]]],
    oy: float = 0.0,
    axis_left: float = _PAD,
) -> str:
    """The bar's label below the axis, in the first row where it overlaps no other label,
    with a leader line up to the bar; "" when every row is taken there (the tooltip has it)."""
    text = fit_words(_bar_label(row), TIMELINE_WIDTH / 4, _OUTSIDE_SIZE) or row.marker
    if not text:
        return ""
    width = text_width(one_line(text), _OUTSIDE_SIZE)
    left = min(max(cx - width / 2, axis_left), TIMELINE_WIDTH - _PAD - width)
    span = (left - 4, left + width + 4)
    for number, lane in enumerate(lanes):
        if all(span[1] <= a or b <= span[0] for a, b in lane):
            lane.append(span)
            y = oy + _LANE_FIRST_Y + number * _LANE_HEIGHT
            return (
                f'<line x1="{_n(cx)}" y1="{_n(oy + _BAR_TOP + _BAR_HEIGHT)}" x2="{_n(cx)}" '
                f'y2="{_n(y - _OUTSIDE_SIZE)}" stroke="{MUTED}" stroke-width="1"/>'
                f'<text x="{_n(left)}" y="{_n(y)}" font-size="{_n(_OUTSIDE_SIZE)}" '
                f'fill="{INK}">{_t(text)}</text>'
            )
    return ""


def _bar_name(row: Row) -> str:
    return " ".join(p for p in (row.label, row.title, row.place) if p)


def _legend(kinds: list[str], w: Words, legend_y: float = _LEGEND_Y) -> str:
    parts = []
    lx = _PAD
    for kind in kinds:
        fill, _ = PALETTE[kind]
        height = _TRAVEL_HEIGHT if kind == "travel" else 12.0
        parts.append(
            f'<rect x="{_n(lx)}" y="{_n(legend_y - 5 - height / 2)}" width="22" '
            f'height="{_n(height)}" rx="2" fill="{fill}"'
            + (' stroke="#b8892b" stroke-width="1"' if kind == "lunch" else "")
            + "/>"
        )
        label = w[kind]
        parts.append(
            f'<text x="{_n(lx + 28)}" y="{_n(legend_y)}" font-size="11" '
            f'fill="{INK}">{_t(label)}</text>'
        )
        lx += 28 + text_width(label, 11) + 22
    return f'<g class="legend">{"".join(parts)}</g>'


# --- map --------------------------------------------------------------------------------------

MAP_WIDTH, MAP_HEIGHT = 600.0, 360.0
_MARGIN_X, _MARGIN_Y = 70.0, 46.0
_RADIUS = 10.0
_LABEL_SIZE = 11.0
_LABEL_CHARS = 34
_KM_PER_DEGREE = 6371.0 * math.pi / 180  # the great-circle model's Earth radius
_NICE_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
# A day with more stops than this gets a map without names (markers, numbers and lines only).
# On a map of this size a hundred names already cover one another and the markers, so more
# would only hide the map; and placing them takes time that grows with the square of the
# stops even with `_BoxIndex`, because the map does not grow: every name has more boxes near
# it to keep clear of (0.3 s at 100 stops, 6 s at 500, 30 s at 1,000 on the day of random
# legs that benchmarks/render_scale.py draws). The key beside the map names every stop.
MAP_LABEL_LIMIT = 100


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: _Box) -> float:
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx * dy if dx > 0 and dy > 0 else 0.0

    def overlaps(self, others: list[_Box]) -> float:
        return sum(self.overlap(other) for other in others)

    def outside(self) -> float:
        """How far the box pokes out of the map, summed over its four sides."""
        return (
            max(0.0, 4 - self.x0)
            + max(0.0, self.x1 - (MAP_WIDTH - 4))
            + max(0.0, 4 - self.y0)
            + max(0.0, self.y1 - (MAP_HEIGHT - 4))
        )


class _BoxIndex:
    """The boxes placed on the map so far, in the order they were placed, and a uniform grid of
    cells over the map, each listing the boxes that cover it, so that `overlaps` looks at the
    boxes near a box instead of at all of them (it grows as labels are placed, hence mutable).

    Two boxes that overlap share a point inside both, and that point's cell is listed by both,
    so the boxes of a box's cells are all the boxes it can overlap. Cells are clamped to the
    grid: a box beyond the map is listed in the edge cells. A box with a NaN corner overlaps
    what the comparisons in `_Box.overlap` happen to say, so it is listed for every query."""

    def __init__(self) -> None:
        self._boxes: list[_Box] = []
        self._corners: list[tuple[float, float, float, float]] = []
        self._cells: list[list[int]] = [[] for _ in range(_GRID_COLUMNS * _GRID_ROWS)]
        self._everywhere: list[int] = []

    def add(self, box: _Box) -> None:
        index = len(self._boxes)
        self._boxes.append(box)
        self._corners.append((box.x0, box.y0, box.x1, box.y1))
        cells = _cells_of(box)
        if cells is None:
            self._everywhere.append(index)
            return
        for cell in cells:
            self._cells[cell].append(index)

    def overlaps(self, box: _Box) -> float:
        """`box.overlaps(boxes placed so far)` to the last bit, so that ties fall as they did:
        the overlaps with the boxes of its cells are summed by `sum` in the order the boxes
        were placed, and each box left out would have added 0.0, which changes neither a plain
        nor a compensated (Python 3.12) float sum."""
        cells = _cells_of(box)
        if cells is None:
            return box.overlaps(self._boxes)
        near = set(self._everywhere)
        for cell in cells:
            near.update(self._cells[cell])
        # `_Box.overlap` written out, with min and max as the comparisons they make, for speed:
        # the same operations on the same numbers, so the same overlaps.
        x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
        corners = self._corners
        overlaps = []
        for i in sorted(near):
            a0, b0, a1, b1 = corners[i]
            dx = (a1 if a1 < x1 else x1) - (a0 if a0 > x0 else x0)
            if dx > 0:
                dy = (b1 if b1 < y1 else y1) - (b0 if b0 > y0 else y0)
                if dy > 0:
                    overlaps.append(dx * dy)
        return sum(overlaps)


_GRID_CELL = 24.0  # px; a label is about 14 px high and up to 200 wide
_GRID_COLUMNS = math.ceil(MAP_WIDTH / _GRID_CELL)
_GRID_ROWS = math.ceil(MAP_HEIGHT / _GRID_CELL)


def _cells_of(box: _Box) -> range | list[int] | None:
    """The grid cells `box` covers (row-major indices); None if a corner is NaN."""
    if math.isnan(box.x0) or math.isnan(box.x1) or math.isnan(box.y0) or math.isnan(box.y1):
        return None
    first_column, last_column = _cell(box.x0, _GRID_COLUMNS), _cell(box.x1, _GRID_COLUMNS)
    first_row, last_row = _cell(box.y0, _GRID_ROWS), _cell(box.y1, _GRID_ROWS)
    if first_row == last_row:
        offset = first_row * _GRID_COLUMNS
        return range(offset + first_column, offset + last_column + 1)
    return [
        row * _GRID_COLUMNS + column
        for row in range(first_row, last_row + 1)
        for column in range(first_column, last_column + 1)
    ]


def _cell(coordinate: float, cells: int) -> int:
    """The cell along one axis that holds `coordinate` (not NaN), clamped to the grid."""
    return int(min(max(coordinate / _GRID_CELL, 0.0), cells - 1.0))


@dataclass(frozen=True)
class Projection:
    """Equirectangular around the stops' middle latitude (x scaled by its cosine), fitted to
    the map with margins, north up; `px_per_km` drives the scale bar."""

    lat0: float
    lon0: float
    cos_lat: float
    px_per_km: float
    cx: float
    cy: float

    @staticmethod
    def fit(locations: list[tuple[float, float]]) -> Projection:
        lats = [lat for lat, _ in locations]
        lons = [lon for _, lon in locations]
        lat0 = (min(lats) + max(lats)) / 2
        lon0 = (min(lons) + max(lons)) / 2
        cos_lat = math.cos(math.radians(lat0))
        # A day at one place still gets a map of its surroundings (about 2 km across).
        span_x = max((max(lons) - min(lons)) * cos_lat * _KM_PER_DEGREE, 2.0)
        span_y = max((max(lats) - min(lats)) * _KM_PER_DEGREE, 2.0)
        scale = min(
            (MAP_WIDTH - 2 * _MARGIN_X) / span_x, (MAP_HEIGHT - 2 * _MARGIN_Y - 20) / span_y
        )
        return Projection(lat0, lon0, cos_lat, scale, MAP_WIDTH / 2, (MAP_HEIGHT - 20) / 2)

    def __call__(self, location: tuple[float, float]) -> tuple[float, float]:
        lat, lon = location
        x_km = (lon - self.lon0) * self.cos_lat * _KM_PER_DEGREE
        y_km = (lat - self.lat0) * _KM_PER_DEGREE
        return self.cx + x_km * self.px_per_km, self.cy - y_km * self.px_per_km


def map_svg(day: Day, w: Words) -> str:
    """The day's stops on a schematic map, numbered as in the programme, joined by straight
    lines in visit order, each named beside its marker (up to `MAP_LABEL_LIMIT` stops)."""
    parts = [_svg_open("map", MAP_WIDTH, MAP_HEIGHT, f"{w['map']} — {day.long_date}")]
    parts.append(
        f'<rect x="0.5" y="0.5" width="{_n(MAP_WIDTH - 1)}" height="{_n(MAP_HEIGHT - 1)}" '
        f'fill="#f5f7f9" stroke="{HAIRLINE}"/>'
    )
    if not day.stops:
        parts.append("</svg>")
        return "".join(parts)
    road_points = [p for route in day.routes.values() for p in route]
    project = Projection.fit([s.location for s in day.stops] + road_points)
    scale_km = _scale_km(project.px_per_km)
    parts.append(_grid(scale_km * project.px_per_km))
    points = _spread([project(s.location) for s in day.stops])
    straight, roads = _road_legs(day, points, project)
    segments = _leg_segments(day.path, points, straight)
    parts.extend(_road(road) for road in roads)
    parts.extend(_leg(segment) for segment in segments)
    parts.extend(_marker(stop, point) for stop, point in zip(day.stops, points, strict=True))
    if len(day.stops) <= MAP_LABEL_LIMIT:
        lines = [box for segment in segments for box in _segment_boxes(segment)]
        lines += [box for road in roads for box in _road_boxes(road)]
        parts.extend(_labels(day.stops, points, lines + _FURNITURE))
    parts.append(_scale_bar(scale_km, project.px_per_km))
    parts.append(_north())
    parts.append("</svg>")
    return "".join(parts)


def _scale_km(px_per_km: float) -> float:
    """The longest round distance whose bar is at most a fifth of the map's width."""
    fitting = [km for km in _NICE_KM if km * px_per_km <= MAP_WIDTH / 5]
    return fitting[-1] if fitting else _NICE_KM[0]


def _grid(step: float) -> str:
    """Faint lines a scale-bar length apart, so distances can be judged anywhere on the map."""
    if step < 12:
        return ""
    lines = []
    gx = MAP_WIDTH / 2 % step
    while gx < MAP_WIDTH:
        lines.append(f"M{_n(gx)} 0V{_n(MAP_HEIGHT)}")
        gx += step
    gy = MAP_HEIGHT / 2 % step
    while gy < MAP_HEIGHT:
        lines.append(f"M0 {_n(gy)}H{_n(MAP_WIDTH)}")
        gy += step
    return f'<path d="{"".join(lines)}" stroke="#e4e8ec" stroke-width="1" fill="none"/>'


def _spread(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Markers of stops a few metres apart would hide each other: move each later one to the
    first free spot around its place, so every number stays readable.

    A spot is free when no marker placed so far is closer than `gap - 0.5`. Such a marker lies
    in the spot's cell of a grid `gap` wide or in one of the eight around it, so only those are
    looked at (and the markers at a NaN or infinite place, which no cell holds)."""
    placed: list[tuple[float, float]] = []
    gap = 2 * _RADIUS + 3
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    strays: list[tuple[float, float]] = []

    def free(cx: float, cy: float) -> bool:
        if not (math.isfinite(cx) and math.isfinite(cy)):
            return all(math.dist((cx, cy), q) >= gap - 0.5 for q in placed)
        column, row = math.floor(cx / gap), math.floor(cy / gap)
        near = (
            q
            for c in (column, column - 1, column + 1)
            for r in (row, row - 1, row + 1)
            for q in cells.get((c, r), ())
        )
        return all(math.dist((cx, cy), q) >= gap - 0.5 for q in itertools.chain(near, strays))

    def place(point: tuple[float, float]) -> None:
        placed.append(point)
        cx, cy = point
        if math.isfinite(cx) and math.isfinite(cy):
            cells.setdefault((math.floor(cx / gap), math.floor(cy / gap)), []).append(point)
        else:
            strays.append(point)

    for px, py in points:
        for cx, cy in _spots_around(px, py, gap):
            if free(cx, cy):
                place((cx, cy))
                break
        else:
            place((px, py))
    return placed


def _spots_around(px: float, py: float, gap: float) -> list[tuple[float, float]]:
    """Where a marker may go, best first: its place, then three rings of six spots around it."""
    return [(px, py)] + [
        (px + ring * gap * math.cos(a), py - ring * gap * math.sin(a))
        for ring in (1, 2, 3)
        for a in (0.0, math.pi, math.pi / 2, -math.pi / 2, math.pi / 4, 3 * math.pi / 4)
    ]


Segment = tuple[float, float, float, float]


Road = tuple[tuple[float, float], ...]  # a leg's road on the map, in pixels


def _road_legs(
    day: Day, points: list[tuple[float, float]], project: Projection
) -> tuple[set[int] | None, list[Road]]:
    """The legs drawn along their road (a plan made with road times) as polylines from marker
    to marker, and which legs of the path (by position) are still drawn straight: None for
    all of them."""
    if not day.routes:
        return None, []
    roads: list[Road] = []
    straight: set[int] = set()
    for n, (a, b) in enumerate(zip(day.path, day.path[1:], strict=False)):
        route = day.routes.get((day.stops[a].location, day.stops[b].location))
        if route is None or a == b:
            straight.add(n)
            continue
        roads.append((points[a], *(project(p) for p in route), points[b]))
    return straight, roads


def _road(road: Road) -> str:
    """A leg along its road, with an arrowhead half-way along it."""
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in road)
    out = (
        f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    lengths = [math.dist(p, q) for p, q in zip(road, road[1:], strict=False)]
    total = sum(lengths)
    if total <= 20:
        return out
    walked = 0.0
    for (p, q), length in zip(zip(road, road[1:], strict=False), lengths, strict=True):
        if walked + length >= total / 2 and length > 0:
            t = (total / 2 - walked) / length
            middle = (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
            return out + _arrowhead(middle, ((q[0] - p[0]) / length, (q[1] - p[1]) / length))
        walked += length
    return out


def _road_boxes(road: Road) -> list[_Box]:
    """Small boxes along a road, so that labels keep off it."""
    boxes = []
    for (sx, sy), (ex, ey) in zip(road, road[1:], strict=False):
        boxes += _segment_boxes((sx, sy, ex, ey))
    return boxes


def _leg_segments(
    path: tuple[int, ...], points: list[tuple[float, float]], only: set[int] | None = None
) -> list[Segment]:
    """A line per leg from rim to rim of the markers, nudged a little to its right-hand side so
    the way out and the way back stay two lines; legs between touching markers are left out,
    and so are legs not in `only` (positions in the path) when it is given."""
    segments = []
    for n, (a, b) in enumerate(zip(path, path[1:], strict=False)):
        if only is not None and n not in only:
            continue
        (x0, y0), (x1, y1) = points[a], points[b]
        length = math.dist((x0, y0), (x1, y1))
        if a == b or length <= 2 * _RADIUS + 2:
            continue
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        nx, ny = -uy * 3, ux * 3
        segments.append(
            (
                x0 + ux * _RADIUS + nx,
                y0 + uy * _RADIUS + ny,
                x1 - ux * _RADIUS + nx,
                y1 - uy * _RADIUS + ny,
            )
        )
    return segments


def _leg(segment: Segment) -> str:
    """The line, with an arrowhead half-way when there is room for one."""
    sx, sy, ex, ey = segment
    line = (
        f'<line x1="{_n(sx)}" y1="{_n(sy)}" x2="{_n(ex)}" y2="{_n(ey)}" '
        f'stroke="{MUTED}" stroke-width="2" stroke-linecap="round"/>'
    )
    length = math.dist((sx, sy), (ex, ey))
    if length <= 20:
        return line
    return line + _arrowhead(
        ((sx + ex) / 2, (sy + ey) / 2), ((ex - sx) / length, (ey - sy) / length)
    )


def _arrowhead(middle: tuple[float, float], direction: tuple[float, float]) -> str:
    """An arrowhead pointing along `direction` (a unit vector), its tip 5 px past `middle`."""
    ux, uy = direction
    mx, my = middle[0] + ux * 5, middle[1] + uy * 5
    corners = (
        (mx, my),
        (mx - ux * 10 - uy * 5, my - uy * 10 + ux * 5),
        (mx - ux * 10 + uy * 5, my - uy * 10 - ux * 5),
    )
    arrow = " ".join(f"{_n(px)},{_n(py)}" for px, py in corners)
    return f'<polygon points="{arrow}" fill="{MUTED}"/>'


def _segment_boxes(segment: Segment) -> list[_Box]:
    """Small boxes along a leg, so that labels can keep off the lines too."""
    sx, sy, ex, ey = segment
    steps = max(1, int(math.dist((sx, sy), (ex, ey)) // 6))
    boxes = []
    for i in range(steps + 1):
        x, y = sx + (ex - sx) * i / steps, sy + (ey - sy) * i / steps
        boxes.append(_Box(x - 2, y - 2, x + 2, y + 2))
    return boxes


def _marker(stop: Stop, point: tuple[float, float]) -> str:
    x, y = point
    fill, ink = PALETTE[stop.kind]
    tooltip = f"<title>{_t(stop.name)}</title>"
    if stop.kind == "base":
        side = 2 * _RADIUS - 4
        return (
            f'<g><rect x="{_n(x - side / 2)}" y="{_n(y - side / 2)}" width="{_n(side)}" '
            f'height="{_n(side)}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>{tooltip}</g>'
        )
    return (
        f'<g><circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(_RADIUS)}" fill="{fill}" '
        f'stroke="#ffffff" stroke-width="2"/><text x="{_n(x)}" y="{_n(y + 4)}" font-size="11" '
        f'font-weight="700" text-anchor="middle" fill="{ink}">{_t(stop.marker)}</text>'
        f"{tooltip}</g>"
    )


def _labels(
    stops: tuple[Stop, ...], points: list[tuple[float, float]], obstacles: list[_Box]
) -> list[str]:
    """Each stop's name beside its marker, where `_label_boxes` puts it."""
    parts = []
    for stop, (text, box) in zip(stops, _label_boxes(stops, points, obstacles), strict=True):
        weight = ' font-weight="600"' if stop.kind == "base" else ""
        parts.append(
            f'<text x="{_n(box.x0)}" y="{_n(box.y0 + _LABEL_SIZE)}" '
            f'font-size="{_n(_LABEL_SIZE)}"{weight} '
            f'fill="{INK}" stroke="#f5f7f9" stroke-width="3" paint-order="stroke">'
            f"{_t(text)}</text>"
        )
    return parts


def _label_boxes(
    stops: tuple[Stop, ...], points: list[tuple[float, float]], obstacles: list[_Box]
) -> list[tuple[str, _Box]]:
    """Each stop's name as it fits on the map, and its box: the first of the sixteen
    `_label_candidates` that stays inside the map and clear of markers, earlier labels and
    `obstacles` (legs, scale bar, north arrow); else the least bad one, pushed inside."""
    size = _LABEL_SIZE
    taken = _BoxIndex()
    for x, y in points:
        taken.add(_Box(x - _RADIUS, y - _RADIUS, x + _RADIUS, y + _RADIUS))
    for obstacle in obstacles:
        taken.add(obstacle)
    placed = []
    for stop, (x, y) in zip(stops, points, strict=True):
        text = fit_text(stop.name, _LABEL_CHARS * size * _CHAR_EM, size)
        width, height = text_width(text, size), size * 1.25
        boxes = _label_candidates(x, y, width, height)
        best = min(boxes, key=lambda box: box.outside() * 1000 + taken.overlaps(box))
        left, top = best.x0, best.y0
        left = min(max(left, 4.0), MAP_WIDTH - 4 - width)
        top = min(max(top, 4.0), MAP_HEIGHT - 4 - height)
        box = _Box(left, top, left + width, top + height)
        taken.add(box)
        placed.append((text, box))
    return placed


def _label_candidates(x: float, y: float, width: float, height: float) -> list[_Box]:
    """Where a label `width` by `height` may go beside the marker at (x, y), best first."""
    off = _RADIUS + 4
    corners = [  # (left edge, top edge) of the label box
        (x + off, y - height / 2),
        (x - off - width, y - height / 2),
        (x - width / 2, y + off),
        (x - width / 2, y - off - height),
        (x + off * 0.7, y + off * 0.7),
        (x - off * 0.7 - width, y + off * 0.7),
        (x + off * 0.7, y - off * 0.7 - height),
        (x - off * 0.7 - width, y - off * 0.7 - height),
        # Farther out, still close enough to read as this marker's label.
        (x + off, y - height * 1.5 - 2),
        (x + off, y + height * 0.5 + 2),
        (x - off - width, y - height * 1.5 - 2),
        (x - off - width, y + height * 0.5 + 2),
        (x - _RADIUS, y + off),
        (x + _RADIUS - width, y + off),
        (x - _RADIUS, y - off - height),
        (x + _RADIUS - width, y - off - height),
    ]
    return [_Box(cx, cy, cx + width, cy + height) for cx, cy in corners]


# Where the scale bar (bottom left, with its label) and the north arrow (top right) are drawn.
_FURNITURE = [
    _Box(12, MAP_HEIGHT - 30, 12 + MAP_WIDTH / 5 + 60, MAP_HEIGHT - 8),
    _Box(MAP_WIDTH - 34, 10, MAP_WIDTH - 10, 52),
]


def _scale_bar(km: float, px_per_km: float) -> str:
    length = km * px_per_km
    x0, y = 16.0, MAP_HEIGHT - 18
    half = length / 2
    label = f"{km:g} km"
    return (
        f'<g><rect x="{_n(x0)}" y="{_n(y)}" width="{_n(half)}" height="5" fill="{INK}"/>'
        f'<rect x="{_n(x0 + half)}" y="{_n(y)}" width="{_n(half)}" height="5" fill="#ffffff" '
        f'stroke="{INK}" stroke-width="1"/>'
        f'<text x="{_n(x0 + length + 6)}" y="{_n(y + 6)}" font-size="11" fill="{INK}">'
        f"{_t(label)}</text></g>"
    )


def _north() -> str:
    x, y = MAP_WIDTH - 22, 16.0
    return (
        f'<g><polygon points="{_n(x)},{_n(y)} {_n(x - 6)},{_n(y + 16)} {_n(x)},{_n(y + 12)} '
        f'{_n(x + 6)},{_n(y + 16)}" fill="{INK}"/>'
        f'<text x="{_n(x)}" y="{_n(y + 30)}" font-size="11" font-weight="700" '
        f'text-anchor="middle" fill="{INK}">N</text></g>'
    )


__all__ = [
    "PALETTE",
    "Projection",
    "fit_text",
    "fit_words",
    "map_svg",
    "text_width",
    "timeline_lanes_svg",
    "timeline_svg",
]
